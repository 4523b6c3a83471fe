//! Routers: register MikroTik routers, test their connection, sync their profiles, edit and
//! remove them.

mod entry;
mod form;
mod outcomes;
mod server;

pub use server::*;

use crate::components::successes;
use crate::i18n::*;
use entry::{RouterEntry, RowActions, Targeted};
use form::RouterForm;
use leptos::prelude::*;

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
        test: Targeted::new(test, |t| t.id),
        sync: Targeted::new(sync, |s| s.id),
        reconcile: Targeted::new(reconcile, |r| r.id),
        delete: Targeted::new(delete, |d| d.id),
        edit,
        editing,
    };

    view! {
        <h1>{t!(i18n, routers_title)}</h1>
        <section class="card">
            <h2>{t!(i18n, routers_list)}</h2>
            <Transition fallback=move || view! { <p class="muted">{t!(i18n, loading)}</p> }>
                {move || Suspend::new(async move {
                    routers.await.map(|routers| view! { <RouterTable routers actions /> })
                })}
            </Transition>
        </section>
        <section class="card">
            <h2>{t!(i18n, router_add_title)}</h2>
            <RouterForm action=add router=None />
        </section>
    }
}

#[component]
fn RouterTable(routers: Vec<RouterRow>, actions: RowActions) -> impl IntoView {
    let i18n = use_i18n();
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
}
