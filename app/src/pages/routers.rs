//! Routers: register MikroTik routers, test their connection, sync their profiles, edit and
//! remove them.

use crate::components::{
    ConfirmSubmit, FormError, error_message, invalid_when, reset_after_success, successes,
};
use crate::error::AppError;
use crate::i18n::*;
#[cfg(feature = "ssr")]
use domain::ErrorCode;
#[cfg(feature = "ssr")]
use domain::model::routers::RouterInput;
use domain::model::routers::{ProfileSync, ReconcileReport, Router, RouterStatus};
use leptos::html::Form;
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

/// A router as the list shows it, with its last contact in the operator's time zone.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RouterRow {
    pub router: Router,
    /// In the operator's time zone, ready to show.
    pub last_seen: Option<String>,
}

impl std::ops::Deref for RouterRow {
    type Target = Router;
    fn deref(&self) -> &Router {
        &self.router
    }
}

#[server(prefix = "/rpc")]
pub async fn list_routers() -> Result<Vec<RouterRow>, AppError> {
    use crate::auth::ssr::{require, services};
    use crate::pages::fields::TIME_FORMAT;
    require(&[domain::Role::Admin]).await?;
    let services = services()?;
    let timezone = services.config.timezone;
    Ok(services
        .routers
        .list()
        .await?
        .into_iter()
        .map(|router| RouterRow {
            last_seen: router
                .last_seen_at
                .map(|t| t.with_timezone(&timezone).format(TIME_FORMAT).to_string()),
            router,
        })
        .collect())
}

/// Adds a router (without `id`) or changes one; on a change an empty password keeps the stored
/// one. Numbers arrive as typed so that a bad one gets the form's own message.
#[server(prefix = "/rpc")]
#[allow(clippy::too_many_arguments)]
pub async fn save_router(
    id: Option<i64>,
    name: String,
    host: String,
    port: String,
    use_tls: Option<String>,
    tls_fingerprint: String,
    username: String,
    password: String,
    hotspot_login_url: String,
) -> Result<i64, AppError> {
    use crate::auth::ssr::{require, services};
    use crate::pages::fields::{optional_in_range, optional_text};
    let caller = require(&[domain::Role::Admin]).await?;
    let services = services()?;
    let input = RouterInput {
        name,
        host,
        port: optional_in_range(&port, "port", ErrorCode::RouterPort)?,
        use_tls: use_tls.is_some(),
        tls_fingerprint: optional_text(tls_fingerprint),
        username,
        password: Some(password).filter(|p| !p.is_empty()),
        hotspot_login_url: optional_text(hotspot_login_url),
    };
    let actor = caller.principal.actor();
    let saved = match id {
        Some(id) => services.routers.update(id, input, actor).await?,
        None => services.routers.create(input, actor).await?,
    };
    Ok(saved.id)
}

#[server(prefix = "/rpc")]
pub async fn delete_router(id: i64) -> Result<(), AppError> {
    use crate::auth::ssr::{require, services};
    let caller = require(&[domain::Role::Admin]).await?;
    let services = services()?;
    services
        .routers
        .delete(id, caller.principal.actor())
        .await?;
    Ok(())
}

#[server(prefix = "/rpc")]
pub async fn test_router(id: i64) -> Result<RouterStatus, AppError> {
    use crate::auth::ssr::{require, services};
    require(&[domain::Role::Admin]).await?;
    Ok(services()?.routers.status(id).await?)
}

#[server(prefix = "/rpc")]
pub async fn sync_router_profiles(id: i64) -> Result<ProfileSync, AppError> {
    use crate::auth::ssr::{require, services};
    require(&[domain::Role::Admin]).await?;
    let services = services()?;
    Ok(billing::routers::profiles::sync_profiles(&services.pool, &services.routers, id).await?)
}

#[server(prefix = "/rpc")]
pub async fn reconcile_router(id: i64) -> Result<ReconcileReport, AppError> {
    use crate::auth::ssr::{require, services};
    require(&[domain::Role::Admin]).await?;
    let services = services()?;
    Ok(billing::hotspot::reconcile::run_once(&services.pool, &services.routers, id).await?)
}

/// The router id an action was last dispatched for: `input()` clears when the action finishes,
/// but its outcome still has to be shown next to the right router.
fn last_target<S, F>(action: ServerAction<S>, id_of: F) -> ReadSignal<Option<i64>>
where
    S: leptos::server_fn::ServerFn + Clone + Send + Sync + 'static,
    S::Output: Send + Sync + 'static,
    S::Error: Send + Sync + 'static,
    F: Fn(&S) -> i64 + Send + Sync + 'static,
{
    let (target, set_target) = signal(None);
    Effect::new(move |_| {
        if let Some(id) = action.input().with(|input| input.as_ref().map(&id_of)) {
            set_target.set(Some(id));
        }
    });
    target
}

/// Bytes as people read memory sizes: 1 decimal in MiB or GiB.
pub fn readable_bytes(bytes: u64) -> String {
    const MIB: f64 = 1024.0 * 1024.0;
    let mib = bytes as f64 / MIB;
    if mib >= 1024.0 {
        format!("{:.1} GiB", mib / 1024.0)
    } else {
        format!("{mib:.1} MiB")
    }
}

/// An uptime as `3d 4h 12m`.
pub fn readable_uptime(seconds: u64) -> String {
    let (days, hours, minutes) = (seconds / 86_400, seconds / 3_600 % 24, seconds / 60 % 60);
    match (days, hours) {
        (0, 0) => format!("{minutes}m"),
        (0, _) => format!("{hours}h {minutes}m"),
        _ => format!("{days}d {hours}h {minutes}m"),
    }
}

#[component]
pub fn RoutersPage() -> impl IntoView {
    let i18n = use_i18n();
    let add = ServerAction::<SaveRouter>::new();
    let edit = ServerAction::<SaveRouter>::new();
    let delete = ServerAction::<DeleteRouter>::new();
    let test = ServerAction::<TestRouter>::new();
    let sync = ServerAction::<SyncRouterProfiles>::new();
    let reconcile = ServerAction::<ReconcileRouter>::new();
    let changes = [
        successes(add),
        successes(edit),
        successes(delete),
        successes(test),
    ];
    let routers = Resource::new(move || changes.map(|c| c.get()), |_| list_routers());
    let editing = RwSignal::new(None::<i64>);
    Effect::new(move |_| {
        if matches!(edit.value().get(), Some(Ok(_))) {
            editing.set(None);
        }
    });
    let actions = RowActions {
        test,
        test_target: last_target(test, |t| t.id),
        sync,
        sync_target: last_target(sync, |s| s.id),
        reconcile,
        reconcile_target: last_target(reconcile, |r| r.id),
        delete,
        delete_target: last_target(delete, |d| d.id),
        edit,
        editing,
    };

    view! {
        <h1>{t!(i18n, routers_title)}</h1>
        <section class="card">
            <h2>{t!(i18n, routers_list)}</h2>
            <Transition fallback=move || view! { <p class="muted">{t!(i18n, loading)}</p> }>
                {move || Suspend::new(async move {
                    routers.await.map(|routers| {
                        if routers.is_empty() {
                            return view! { <p class="muted empty">{t!(i18n, routers_empty)}</p> }.into_any();
                        }
                        view! {
                            <table class="table table-stack routers-table">
                                <thead>
                                    <tr>
                                        <th scope="col">{t!(i18n, router_name)}</th>
                                        <th scope="col">{t!(i18n, router_address)}</th>
                                        <th scope="col">{t!(i18n, router_identity)}</th>
                                        <th scope="col">{t!(i18n, router_version)}</th>
                                        <th scope="col">{t!(i18n, router_last_seen)}</th>
                                        <th scope="col">{t!(i18n, status)}</th>
                                    </tr>
                                </thead>
                                {routers
                                    .into_iter()
                                    .map(|router| view! { <RouterEntry router actions /> })
                                    .collect_view()}
                            </table>
                        }
                        .into_any()
                    })
                })}
            </Transition>
        </section>
        <section class="card">
            <h2>{t!(i18n, router_add_title)}</h2>
            <RouterForm action=add router=None />
        </section>
    }
}

/// The actions every router row offers, shared by all rows: each shows its outcome on the row
/// it was last used for.
#[derive(Clone, Copy)]
struct RowActions {
    test: ServerAction<TestRouter>,
    test_target: ReadSignal<Option<i64>>,
    sync: ServerAction<SyncRouterProfiles>,
    sync_target: ReadSignal<Option<i64>>,
    reconcile: ServerAction<ReconcileRouter>,
    reconcile_target: ReadSignal<Option<i64>>,
    delete: ServerAction<DeleteRouter>,
    delete_target: ReadSignal<Option<i64>>,
    edit: ServerAction<SaveRouter>,
    editing: RwSignal<Option<i64>>,
}

/// One router: its row, the row of its buttons and outcomes, and its edit form when open.
#[component]
fn RouterEntry(router: RouterRow, actions: RowActions) -> impl IntoView {
    let i18n = use_i18n();
    let id = router.id;
    let RowActions {
        test,
        test_target,
        sync,
        sync_target,
        reconcile,
        reconcile_target,
        delete,
        delete_target,
        edit,
        editing,
    } = actions;
    let (status_class, status_label) = match (&router.last_error, &router.last_seen) {
        (Some(_), _) => (
            "dot dot-bad",
            t_string!(i18n, router_status_error).to_string(),
        ),
        (None, Some(_)) => ("dot dot-ok", t_string!(i18n, router_status_ok).to_string()),
        (None, None) => (
            "dot dot-unknown",
            t_string!(i18n, router_status_unknown).to_string(),
        ),
    };
    let address = format!("{}:{}", router.host, router.port);
    let dash = || "—".to_owned();
    let testing = move || test.pending().get() && test_target.get() == Some(id);
    let syncing = move || sync.pending().get() && sync_target.get() == Some(id);
    let test_outcome = move || {
        if test_target.get() != Some(id) || test.pending().get() {
            return None;
        }
        test.value().get().map(|outcome| match outcome {
            Ok(status) => view! { <ConnectionOutcome status /> }.into_any(),
            Err(error) => view! { <p class="outcome outcome-bad" role="status">{error_message(i18n, &error)}</p> }.into_any(),
        })
    };
    let sync_outcome = move || {
        if sync_target.get() != Some(id) || sync.pending().get() {
            return None;
        }
        sync.value().get().map(|outcome| match outcome {
            Ok(s) => {
                let (hotspot, pppoe, gone) = (s.hotspot_profiles, s.pppoe_profiles, s.marked_deleted);
                view! {
                    <p class="outcome outcome-ok" role="status" data-outcome="sync">
                        {t!(i18n, sync_done, hotspot, pppoe, gone)}
                    </p>
                }
                .into_any()
            }
            Err(error) => view! { <p class="outcome outcome-bad" role="status">{error_message(i18n, &error)}</p> }.into_any(),
        })
    };
    let reconciling = move || reconcile.pending().get() && reconcile_target.get() == Some(id);
    let reconcile_outcome = move || {
        if reconcile_target.get() != Some(id) || reconcile.pending().get() {
            return None;
        }
        reconcile.value().get().map(|outcome| match outcome {
            Ok(r) => {
                let (recreated, unknown) = (r.recreated, r.unknown_on_router.len());
                let names = r.unknown_on_router.join(", ");
                view! {
                    <p class="outcome outcome-ok" role="status" data-outcome="reconcile">
                        {t!(i18n, reconcile_done, recreated, unknown)}
                        {(!names.is_empty()).then(|| view! { " " <span class="mono">{names}</span> })}
                    </p>
                }
                .into_any()
            }
            Err(error) => view! { <p class="outcome outcome-bad" role="status">{error_message(i18n, &error)}</p> }.into_any(),
        })
    };
    let delete_refused = move || {
        if delete_target.get() != Some(id) || delete.pending().get() {
            return None;
        }
        delete.value().get().and_then(Result::err).map(|error| {
            view! { <p class="outcome outcome-bad" role="alert">{error_message(i18n, &error)}</p> }
        })
    };
    let name = router.name.clone();
    let question = Signal::derive(move || {
        let name = name.clone();
        t_string!(i18n, router_delete_question, name).to_string()
    });
    let editor_router = router.clone();
    view! {
        <tbody class="entry" data-router=router.name.clone()>
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
            <tr class="entry-actions">
                <td colspan="6">
                    <div class="row-actions">
                        <ActionForm action=test>
                            <input type="hidden" name="id" value=id />
                            <button type="submit" class="button button-secondary" disabled=testing>
                                {move || if testing() { t_string!(i18n, router_testing).to_string() } else { t_string!(i18n, router_test).to_string() }}
                            </button>
                        </ActionForm>
                        <ActionForm action=sync>
                            <input type="hidden" name="id" value=id />
                            <button type="submit" class="button button-secondary" disabled=syncing>
                                {move || if syncing() { t_string!(i18n, syncing).to_string() } else { t_string!(i18n, sync_profiles).to_string() }}
                            </button>
                        </ActionForm>
                        <ActionForm action=reconcile>
                            <input type="hidden" name="id" value=id />
                            <button type="submit" class="button button-secondary" disabled=reconciling>
                                {move || if reconciling() { t_string!(i18n, reconciling).to_string() } else { t_string!(i18n, reconcile).to_string() }}
                            </button>
                        </ActionForm>
                        <button
                            type="button"
                            class="button button-secondary"
                            aria-expanded=move || (editing.get() == Some(id)).to_string()
                            on:click=move |_| editing.update(|e| *e = if *e == Some(id) { None } else { Some(id) })
                        >
                            {t!(i18n, edit)}
                        </button>
                        <ActionForm action=delete>
                            <input type="hidden" name="id" value=id />
                            <ConfirmSubmit label=Signal::derive(move || t_string!(i18n, delete).to_string()) question />
                        </ActionForm>
                    </div>
                    {delete_refused}
                    {test_outcome}
                    {sync_outcome}
                    {reconcile_outcome}
                    {router.last_error.clone().map(|error| view! { <p class="outcome outcome-bad small">{error}</p> })}
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

#[component]
fn ConnectionOutcome(status: RouterStatus) -> impl IntoView {
    let i18n = use_i18n();
    if !status.reachable {
        let detail = status.error.unwrap_or_default();
        return view! {
            <p class="outcome outcome-bad" role="status" data-outcome="test">
                {t!(i18n, err_router_unreachable, detail)}
            </p>
        }
        .into_any();
    }
    let memory = match (status.free_memory, status.total_memory) {
        (Some(free), Some(total)) => Some(format!(
            "{} / {}",
            readable_bytes(free),
            readable_bytes(total)
        )),
        _ => None,
    };
    let latency = format!("{:.0} ms", status.latency_ms);
    view! {
        <div class="outcome outcome-ok" role="status" data-outcome="test">
            <p class="outcome-title">{t!(i18n, router_reachable, latency)}</p>
            <dl class="facts">
                <div><dt>{t!(i18n, router_identity)}</dt><dd>{status.identity}</dd></div>
                <div><dt>{t!(i18n, router_version)}</dt><dd>{status.version}</dd></div>
                <div><dt>{t!(i18n, router_uptime)}</dt><dd>{status.uptime_seconds.map(readable_uptime)}</dd></div>
                <div><dt>{t!(i18n, router_cpu)}</dt><dd>{status.cpu_load_percent.map(|p| format!("{p}%"))}</dd></div>
                <div><dt>{t!(i18n, router_memory_free)}</dt><dd>{memory}</dd></div>
            </dl>
        </div>
    }
    .into_any()
}

/// The add form (no `router`) or the edit form of `router`; the same fields either way.
#[component]
fn RouterForm(
    action: ServerAction<SaveRouter>,
    router: Option<RouterRow>,
    /// Closes the edit form without saving.
    #[prop(optional)]
    on_cancel: Option<Callback<()>>,
) -> impl IntoView {
    let i18n = use_i18n();
    let error = Signal::derive(move || action.value().get().and_then(Result::err));
    let invalid = move |field| invalid_when(error, field);
    let form = NodeRef::<Form>::new();
    let editing = router.is_some();
    if !editing {
        reset_after_success(action, form);
    }
    let value = |f: fn(&RouterRow) -> String| router.as_ref().map(f).unwrap_or_default();
    let (name, host, fingerprint, username, login_url) = (
        value(|r| r.name.clone()),
        value(|r| r.host.clone()),
        value(|r| r.tls_fingerprint.clone().unwrap_or_default()),
        value(|r| r.username.clone()),
        value(|r| r.hotspot_login_url.clone().unwrap_or_default()),
    );
    let id = router.as_ref().map(|r| r.id);
    let port = router
        .as_ref()
        .map(|r| r.port.to_string())
        .unwrap_or_default();
    let use_tls = router.as_ref().is_some_and(|r| r.use_tls);
    let password_hint = move || {
        if editing {
            t_string!(i18n, router_password_keep).to_string()
        } else {
            String::new()
        }
    };
    view! {
        <FormError error />
        <ActionForm action node_ref=form attr:class="form-grid">
            {id.map(|id| view! { <input type="hidden" name="id" value=id /> })}
            <label>
                <span>{t!(i18n, router_name)}</span>
                <input type="text" name="name" required maxlength="64" value=name aria-invalid=invalid("name") />
            </label>
            <label>
                <span>{t!(i18n, router_host)}</span>
                <input
                    type="text"
                    name="host"
                    required
                    autocapitalize="none"
                    spellcheck="false"
                    placeholder="192.168.88.1"
                    value=host
                    aria-invalid=invalid("host")
                />
            </label>
            <label>
                <span>{t!(i18n, router_port)}</span>
                <input
                    type="text"
                    name="port"
                    inputmode="numeric"
                    placeholder=move || t_string!(i18n, router_port_hint).to_string()
                    value=port
                    aria-invalid=invalid("port")
                />
            </label>
            <label class="check">
                <input type="checkbox" name="use_tls" value="true" checked=use_tls />
                <span>{t!(i18n, router_use_tls)}</span>
            </label>
            <label>
                <span>{t!(i18n, router_username)}</span>
                <input
                    type="text"
                    name="username"
                    required
                    autocomplete="off"
                    autocapitalize="none"
                    value=username
                    aria-invalid=invalid("username")
                />
            </label>
            <label>
                <span>{t!(i18n, router_password)}</span>
                <input
                    type="password"
                    name="password"
                    autocomplete="new-password"
                    required=!editing
                    placeholder=password_hint
                    aria-invalid=invalid("password")
                />
            </label>
            <label class="span-all">
                <span>{t!(i18n, router_fingerprint)}</span>
                <input
                    type="text"
                    name="tls_fingerprint"
                    autocapitalize="none"
                    spellcheck="false"
                    placeholder=move || t_string!(i18n, router_fingerprint_hint).to_string()
                    value=fingerprint
                    aria-invalid=invalid("tls_fingerprint")
                />
            </label>
            <label class="span-all">
                <span>{t!(i18n, router_login_url)}</span>
                <input
                    type="url"
                    name="hotspot_login_url"
                    autocapitalize="none"
                    spellcheck="false"
                    placeholder="http://10.5.50.1/login"
                    value=login_url
                    aria-invalid=invalid("hotspot_login_url")
                />
                <small class="muted">{t!(i18n, router_login_url_hint)}</small>
            </label>
            <div class="form-actions">
                <button type="submit" class="button button-primary" disabled=move || action.pending().get()>
                    {move || {
                        if action.pending().get() {
                            t_string!(i18n, working).to_string()
                        } else if editing {
                            t_string!(i18n, save_changes).to_string()
                        } else {
                            t_string!(i18n, router_add_button).to_string()
                        }
                    }}
                </button>
                {on_cancel.map(|cancel| view! {
                    <button type="button" class="button button-secondary" on:click=move |_| cancel.run(())>
                        {t!(i18n, cancel)}
                    </button>
                })}
            </div>
        </ActionForm>
    }
}
