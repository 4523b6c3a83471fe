//! One router of the list: its row, the row of its buttons and their outcomes, and its edit form
//! when open.

use super::form::RouterForm;
use super::outcomes::{ConnectionOutcome, ReconcileOutcome, SyncOutcome};
use super::{DeleteRouter, ReconcileRouter, RouterRow, SaveRouter, SyncRouterProfiles, TestRouter};
use crate::components::{ConfirmSubmit, EditToggle, error_message};
use crate::error::AppError;
use crate::i18n::*;
use leptos::prelude::*;
use leptos::server_fn::ServerFn;

/// An action that every row offers, with the router it was last dispatched for: `input()` clears
/// when the action finishes, but its outcome still has to be shown next to the right router.
pub struct Targeted<S: ServerFn + 'static> {
    action: ServerAction<S>,
    target: ReadSignal<Option<i64>>,
}

impl<S: ServerFn + 'static> Clone for Targeted<S> {
    fn clone(&self) -> Self {
        *self
    }
}

impl<S: ServerFn + 'static> Copy for Targeted<S> {}

impl<S> Targeted<S>
where
    S: ServerFn + Clone + Send + Sync + 'static,
    S::Output: Clone + Send + Sync + 'static,
    S::Error: Clone + Send + Sync + 'static,
{
    /// Follows `action`, whose input names its router by `id_of`.
    pub fn new(action: ServerAction<S>, id_of: fn(&S) -> i64) -> Self {
        let (target, set_target) = signal(None);
        Effect::new(move |_| {
            if let Some(id) = action.input().with(|input| input.as_ref().map(id_of)) {
                set_target.set(Some(id));
            }
        });
        Targeted { action, target }
    }

    /// Whether the action runs for router `id` now.
    fn running_for(self, id: i64) -> bool {
        self.action.pending().get() && self.target.get() == Some(id)
    }

    /// The action's outcome, if it was last dispatched for router `id` and has finished.
    fn outcome_for(self, id: i64) -> Option<Result<S::Output, S::Error>> {
        if self.target.get() != Some(id) || self.action.pending().get() {
            return None;
        }
        self.action.value().get()
    }
}

/// The actions every router row offers, shared by all rows: each shows its outcome on the row
/// it was last used for.
#[derive(Clone, Copy)]
pub struct RowActions {
    pub(super) test: Targeted<TestRouter>,
    pub(super) sync: Targeted<SyncRouterProfiles>,
    pub(super) reconcile: Targeted<ReconcileRouter>,
    pub(super) delete: Targeted<DeleteRouter>,
    pub(super) edit: ServerAction<SaveRouter>,
    /// The router whose edit form is open.
    pub(super) editing: RwSignal<Option<i64>>,
}

#[component]
pub fn RouterEntry(router: RouterRow, actions: RowActions) -> impl IntoView {
    let i18n = use_i18n();
    let id = router.id;
    let RowActions { edit, editing, .. } = actions;
    let name = router.name.clone();
    let marker = name.clone();
    let last_error = router.last_error.clone();
    let editor_router = router.clone();
    view! {
        <tbody class="entry" data-router=marker>
            <RouterSummary router />
            <tr class="entry-actions">
                <td colspan="6">
                    <RouterButtons id name actions />
                    <RouterOutcomes id actions />
                    {last_error.map(|error| view! { <p class="outcome outcome-bad small">{error}</p> })}
                </td>
            </tr>
            <Show when=move || editing.get() == Some(id)>
                <tr class="entry-editor">
                    <td colspan="6">
                        <h3>{t!(i18n, router_edit_title)}</h3>
                        <RouterForm
                            action=edit
                            router=Some(editor_router.clone())
                            on_cancel=Callback::new(move |_| editing.set(None))
                        />
                    </td>
                </tr>
            </Show>
        </tbody>
    }
}

/// The router's row: where it is, what it is, and how it answered last.
#[component]
fn RouterSummary(router: RouterRow) -> impl IntoView {
    let i18n = use_i18n();
    let (failed, seen) = (router.last_error.is_some(), router.last_seen.is_some());
    let status_class = match (failed, seen) {
        (true, _) => "dot dot-bad",
        (false, true) => "dot dot-ok",
        (false, false) => "dot dot-unknown",
    };
    // A closure, so that the label follows the language switch.
    let status_label = move || match (failed, seen) {
        (true, _) => t_string!(i18n, router_status_error).to_string(),
        (false, true) => t_string!(i18n, router_status_ok).to_string(),
        (false, false) => t_string!(i18n, router_status_unknown).to_string(),
    };
    let address = format!("{}:{}", router.host, router.port);
    let dash = || "—".to_owned();
    view! {
        <tr>
            <th scope="row" data-label=move || t_string!(i18n, router_name).to_string()>
                {router.name.clone()}
            </th>
            <td data-label=move || t_string!(i18n, router_address).to_string()>
                <span class="mono">{address}</span>
                {router.use_tls.then(|| view! { " " <span class="badge badge-neutral">"TLS"</span> })}
            </td>
            <td data-label=move || t_string!(i18n, router_identity).to_string()>
                {router.identity.clone().unwrap_or_else(dash)}
            </td>
            <td data-label=move || t_string!(i18n, router_version).to_string()>
                {router.routeros_version.clone().unwrap_or_else(dash)}
            </td>
            <td data-label=move || t_string!(i18n, router_last_seen).to_string()>
                {router.last_seen.clone().unwrap_or_else(dash)}
            </td>
            <td data-label=move || t_string!(i18n, status).to_string()>
                <span class="status" title=router.last_error.clone()>
                    <span class=status_class aria-hidden="true"></span>
                    {status_label}
                </span>
            </td>
        </tr>
    }
}

/// Test, sync, reconcile, edit and delete.
#[component]
fn RouterButtons(id: i64, name: String, actions: RowActions) -> impl IntoView {
    let i18n = use_i18n();
    let RowActions {
        test,
        sync,
        reconcile,
        delete,
        editing,
        ..
    } = actions;
    let testing = move || test.running_for(id);
    let syncing = move || sync.running_for(id);
    let reconciling = move || reconcile.running_for(id);
    let question = Signal::derive(move || {
        let name = name.clone();
        t_string!(i18n, router_delete_question, name).to_string()
    });
    view! {
        <div class="row-actions">
            <ActionForm action=test.action>
                <input type="hidden" name="id" value=id />
                <button type="submit" class="button button-secondary" disabled=testing>
                    {move || if testing() { t_string!(i18n, router_testing).to_string() } else { t_string!(i18n, router_test).to_string() }}
                </button>
            </ActionForm>
            <ActionForm action=sync.action>
                <input type="hidden" name="id" value=id />
                <button type="submit" class="button button-secondary" disabled=syncing>
                    {move || if syncing() { t_string!(i18n, syncing).to_string() } else { t_string!(i18n, sync_profiles).to_string() }}
                </button>
            </ActionForm>
            <ActionForm action=reconcile.action>
                <input type="hidden" name="id" value=id />
                <button type="submit" class="button button-secondary" disabled=reconciling>
                    {move || if reconciling() { t_string!(i18n, reconciling).to_string() } else { t_string!(i18n, reconcile).to_string() }}
                </button>
            </ActionForm>
            <a class="button button-secondary" href=format!("/admin/routers/{id}/pppoe")>{t!(i18n, router_pppoe_link)}</a>
            <EditToggle id editing />
            <ActionForm action=delete.action>
                <input type="hidden" name="id" value=id />
                <ConfirmSubmit label=Signal::derive(move || t_string!(i18n, delete).to_string()) question />
            </ActionForm>
        </div>
    }
}

/// What the row's last action found: a refused delete, then the test, sync and reconcile results.
#[component]
fn RouterOutcomes(id: i64, actions: RowActions) -> impl IntoView {
    let i18n = use_i18n();
    let RowActions {
        test,
        sync,
        reconcile,
        delete,
        ..
    } = actions;
    let failed = move |error: AppError| {
        view! { <p class="outcome outcome-bad" role="status">{error_message(i18n, &error)}</p> }
            .into_any()
    };
    let delete_refused = move || {
        delete.outcome_for(id).and_then(Result::err).map(|error| {
            view! { <p class="outcome outcome-bad" role="alert">{error_message(i18n, &error)}</p> }
        })
    };
    let test_outcome = move || {
        test.outcome_for(id).map(|outcome| match outcome {
            Ok(status) => view! { <ConnectionOutcome status /> }.into_any(),
            Err(error) => failed(error),
        })
    };
    let sync_outcome = move || {
        sync.outcome_for(id).map(|outcome| match outcome {
            Ok(sync) => view! { <SyncOutcome sync /> }.into_any(),
            Err(error) => failed(error),
        })
    };
    let reconcile_outcome = move || {
        reconcile.outcome_for(id).map(|outcome| match outcome {
            Ok(report) => view! { <ReconcileOutcome report /> }.into_any(),
            Err(error) => failed(error),
        })
    };
    view! {
        {delete_refused}
        {test_outcome}
        {sync_outcome}
        {reconcile_outcome}
    }
}
