//! Plans: what a router sells (price, validity, quotas, hotspot profile), one router at a time.

mod form;
mod sales_order;
mod server;
mod table;

pub use server::*;

use crate::components::{FormError, successes};
use crate::i18n::*;
use crate::pages::routers::SyncRouterProfiles;
use domain::model::plans::Plan;
use domain::model::sales::NamedRef;
use form::PlanForm;
use leptos::prelude::*;
use leptos_router::hooks::{use_navigate, use_query_map};
use sales_order::SalesOrder;
use table::PlanTable;

/// A plan's time quota as operators write it (`5h`), if it has one.
fn written_time_quota(plan: &Plan) -> Option<String> {
    plan.time_quota_seconds
        .and_then(|s| domain::Validity::from_seconds(s).ok())
        .map(|v| v.to_string())
}

#[component]
pub fn PlansPage() -> impl IntoView {
    let i18n = use_i18n();
    let query = use_query_map();
    let create = ServerAction::<SavePlan>::new();
    let sync = ServerAction::<SyncRouterProfiles>::new();
    let asked_router = move || query.with(|q| q.get("router").and_then(|r| r.parse::<i64>().ok()));
    let edit = ServerAction::<SavePlan>::new();
    let switch = ServerAction::<SetPlanActive>::new();
    let editing = RwSignal::new(None::<i64>);
    let created = successes(create);
    let edited = successes(edit);
    let switched = successes(switch);
    Effect::new(move |_| {
        if edited.get() > 0 {
            editing.set(None);
        }
    });
    let data = Resource::new(
        move || (asked_router(), created.get(), edited.get() + switched.get()),
        |(router_id, _, _)| plans_of_router(router_id),
    );
    let synced = successes(sync);
    let profiles = Resource::new(
        move || (asked_router(), synced.get()),
        |(router_id, _)| hotspot_profile_names(router_id),
    );
    let actions = PlanActions {
        edit,
        switch,
        sync,
        editing,
    };

    view! {
        <h1>{t!(i18n, plans_title)}</h1>
        <Transition fallback=move || view! { <p class="muted">{t!(i18n, loading)}</p> }>
            {move || Suspend::new(async move {
                data.await.map(|data| {
                    let Some(router_id) = data.router_id else {
                        return view! {
                            <section class="card empty-state">
                                <h2>{t!(i18n, plans_no_router)}</h2>
                                <p><a class="button button-secondary" href="/admin/routers">{t!(i18n, plans_add_router_first)}</a></p>
                            </section>
                        }
                        .into_any();
                    };
                    view! {
                        <RouterChooser routers=data.routers router_id />
                        <PlanList plans=data.plans router_id actions />
                        <SalesOrder changed=Signal::derive(move || created.get() + switched.get()) />
                        <section class="card">
                            <h2>{t!(i18n, plan_add_title)}</h2>
                            <PlanForm action=create sync router_id plan=None />
                        </section>
                    }
                    .into_any()
                })
            })}
        </Transition>
        // Suggestions for the plan form's profile field, refreshed by a sync without touching
        // what the admin has typed.
        <Transition>
            {move || Suspend::new(async move {
                profiles.await.map(|names| view! {
                    <datalist id="profile-suggestions">
                        {names.into_iter().map(|p| view! { <option value=p></option> }).collect_view()}
                    </datalist>
                })
            })}
        </Transition>
    }
}

/// What can be done to the plans of the list.
#[derive(Clone, Copy)]
struct PlanActions {
    edit: ServerAction<SavePlan>,
    switch: ServerAction<SetPlanActive>,
    sync: ServerAction<SyncRouterProfiles>,
    /// The plan whose edit form is open.
    editing: RwSignal<Option<i64>>,
}

/// Picks the router whose plans are shown.
#[component]
fn RouterChooser(routers: Vec<NamedRef>, router_id: i64) -> impl IntoView {
    let i18n = use_i18n();
    let navigate = use_navigate();
    let choose_router = move |ev: leptos::ev::Event| {
        navigate(
            &format!("/admin/plans?router={}", event_target_value(&ev)),
            Default::default(),
        );
    };
    view! {
        <section class="card toolbar">
            <label class="inline-field">
                <span>{t!(i18n, plans_router)}</span>
                <select name="router" on:change=choose_router>
                    {routers.into_iter().map(|r| view! {
                        <option value=r.id selected=r.id == router_id>{r.name}</option>
                    }).collect_view()}
                </select>
            </label>
        </section>
    }
}

/// The router's plans, with the edit form of the one being edited under them.
#[component]
fn PlanList(plans: Vec<Plan>, router_id: i64, actions: PlanActions) -> impl IntoView {
    let i18n = use_i18n();
    let PlanActions {
        edit,
        switch,
        sync,
        editing,
    } = actions;
    let editor_plans = plans.clone();
    view! {
        <section class="card">
            <h2>{t!(i18n, plans_list)}</h2>
            <FormError error=Signal::derive(move || switch.value().get().and_then(Result::err)) />
            <PlanTable plans editing switch />
            {move || {
                let plan = editing.get().and_then(|id| editor_plans.iter().find(|p| p.id == id).cloned())?;
                let (marker, heading) = (plan.name.clone(), plan.name.clone());
                Some(view! {
                    <div class="plan-editor" data-editing=marker>
                        <h3>{t!(i18n, plan_edit_title)} " " {heading}</h3>
                        <PlanForm action=edit sync router_id plan=Some(plan) />
                    </div>
                })
            }}
        </section>
    }
}
