//! Plans: what a router sells (price, validity, quotas, hotspot profile), one router at a time.

use crate::components::{FormError, error_message, invalid_when, reset_after_success, successes};
use crate::error::AppError;
use crate::i18n::*;
use crate::pages::routers::SyncRouterProfiles;
#[cfg(feature = "ssr")]
use domain::ErrorCode;
use domain::Rupiah;
use leptos::html::Form;
use leptos::prelude::*;
use leptos_router::hooks::{use_navigate, use_query_map};
use serde::{Deserialize, Serialize};

/// Validities offered as suggestions; any other such as `12h` or `1d12h` is accepted too.
const VALIDITY_SUGGESTIONS: [&str; 5] = ["3h", "1d", "7d", "30d", "1d12h"];

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RouterChoice {
    pub id: i64,
    pub name: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PlanRow {
    pub id: i64,
    pub name: String,
    pub price: Rupiah,
    /// As operators write it: `1d`, `3h`.
    pub validity: String,
    pub time_quota: Option<String>,
    pub data_quota_bytes: Option<i64>,
    pub profile: Option<String>,
    pub active: bool,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PlansData {
    pub routers: Vec<RouterChoice>,
    /// The router shown: the one asked for, else the first.
    pub router_id: Option<i64>,
    pub plans: Vec<PlanRow>,
}

/// The router the page shows: the one asked for if it exists, else the first.
#[cfg(feature = "ssr")]
fn shown_router(asked: Option<i64>, mut routers: impl Iterator<Item = i64> + Clone) -> Option<i64> {
    let first = routers.clone().next();
    asked.filter(|id| routers.any(|r| r == *id)).or(first)
}

#[server(prefix = "/rpc")]
pub async fn plans_of_router(router_id: Option<i64>) -> Result<PlansData, AppError> {
    use crate::auth::ssr::{require, services};
    use billing::hotspot::plans;
    require(&[domain::Role::Admin]).await?;
    let services = services()?;
    let routers: Vec<RouterChoice> = services
        .routers
        .list()
        .await?
        .into_iter()
        .map(|r| RouterChoice {
            id: r.id,
            name: r.name,
        })
        .collect();
    let Some(router_id) = shown_router(router_id, routers.iter().map(|r| r.id)) else {
        return Ok(PlansData {
            routers,
            router_id: None,
            plans: Vec::new(),
        });
    };
    let plans = plans::plans(&services.pool, Some(router_id))
        .await?
        .into_iter()
        .map(|p| PlanRow {
            id: p.id,
            name: p.name,
            price: p.price,
            validity: p.validity.to_string(),
            time_quota: p
                .time_quota_seconds
                .and_then(|s| domain::Validity::from_seconds(s).ok())
                .map(|v| v.to_string()),
            data_quota_bytes: p.data_quota_bytes,
            profile: p.profile,
            active: p.active,
        })
        .collect();
    Ok(PlansData {
        routers,
        router_id: Some(router_id),
        plans,
    })
}

/// The hotspot profiles known for the router shown (synced, or created with a plan), as
/// suggestions.
#[server(prefix = "/rpc")]
pub async fn hotspot_profile_names(router_id: Option<i64>) -> Result<Vec<String>, AppError> {
    use crate::auth::ssr::{require, services};
    require(&[domain::Role::Admin]).await?;
    let services = services()?;
    let routers = services.routers.list().await?;
    let Some(router_id) = shown_router(router_id, routers.iter().map(|r| r.id)) else {
        return Ok(Vec::new());
    };
    Ok(
        billing::routers::profiles::hotspot_profiles(&services.pool, router_id)
            .await?
            .into_iter()
            .filter(|p| !p.deleted_on_router)
            .map(|p| p.name)
            .collect(),
    )
}

/// Creates a plan, or changes the one `plan_id` names; numbers arrive as typed ("5.000") and
/// empty optional fields mean none.
#[server(prefix = "/rpc")]
#[allow(clippy::too_many_arguments)]
pub async fn save_plan(
    plan_id: Option<i64>,
    router_id: i64,
    name: String,
    price: String,
    validity: String,
    time_quota: String,
    data_quota_mb: String,
    profile: String,
    rate_limit: String,
    shared_users: String,
) -> Result<i64, AppError> {
    use crate::auth::ssr::{require, services};
    use crate::pages::fields::{
        optional_in_range, optional_number, optional_text, required_number,
    };
    let caller = require(&[domain::Role::Admin]).await?;
    let services = services()?;
    let input = domain::model::plans::PlanInput {
        router_id,
        name,
        price: required_number(&price, "price", ErrorCode::PlanPrice)?,
        validity,
        time_quota: optional_text(time_quota),
        data_quota_mb: optional_number(&data_quota_mb, "data_quota_mb", ErrorCode::DataQuota)?,
        profile,
        rate_limit: optional_text(rate_limit),
        shared_users: optional_in_range(&shared_users, "shared_users", ErrorCode::SharedUsers)?,
    };
    let actor = caller.principal.actor();
    let plan = match plan_id {
        Some(id) => billing::hotspot::plans::update_plan(&services.pool, id, input, actor).await?,
        None => billing::hotspot::plans::create_plan(&services.pool, input, actor).await?,
    };
    Ok(plan.id)
}

/// Switches a plan on (sold, batches can be made) or off.
#[server(prefix = "/rpc")]
pub async fn set_plan_active(plan_id: i64, active: bool) -> Result<(), AppError> {
    use crate::auth::ssr::{require, services};
    let caller = require(&[domain::Role::Admin]).await?;
    let services = services()?;
    billing::hotspot::plans::set_plan_active(
        &services.pool,
        plan_id,
        active,
        caller.principal.actor(),
    )
    .await?;
    Ok(())
}

/// A data quota as entered: whole gigabytes as `2 GB`, anything else in megabytes.
fn readable_quota(bytes: i64) -> String {
    let mb = bytes / (1024 * 1024);
    if mb >= 1024 && mb % 1024 == 0 {
        format!("{} GB", mb / 1024)
    } else {
        format!("{mb} MB")
    }
}

#[component]
pub fn PlansPage() -> impl IntoView {
    let i18n = use_i18n();
    let query = use_query_map();
    let navigate = use_navigate();
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
    let choose_router = move |ev: leptos::ev::Event| {
        navigate(
            &format!("/admin/plans?router={}", event_target_value(&ev)),
            Default::default(),
        );
    };

    view! {
        <h1>{t!(i18n, plans_title)}</h1>
        <Transition fallback=move || view! { <p class="muted">{t!(i18n, loading)}</p> }>
            {move || {
                let choose_router = choose_router.clone();
                Suspend::new(async move {
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
                            <section class="card toolbar">
                                <label class="inline-field">
                                    <span>{t!(i18n, plans_router)}</span>
                                    <select name="router" on:change=choose_router>
                                        {data.routers.iter().map(|r| view! {
                                            <option value=r.id selected=r.id == router_id>{r.name.clone()}</option>
                                        }).collect_view()}
                                    </select>
                                </label>
                            </section>
                            <section class="card">
                                <h2>{t!(i18n, plans_list)}</h2>
                                <FormError error=Signal::derive(move || switch.value().get().and_then(Result::err)) />
                                <PlanTable plans=data.plans.clone() editing switch />
                                {move || {
                                    let plan = editing.get().and_then(|id| data.plans.iter().find(|p| p.id == id).cloned())?;
                                    let (marker, heading) = (plan.name.clone(), plan.name.clone());
                                    Some(view! {
                                        <div class="plan-editor" data-editing=marker>
                                            <h3>{t!(i18n, plan_edit_title)} " " {heading}</h3>
                                            <PlanForm action=edit sync router_id plan=Some(plan) />
                                        </div>
                                    })
                                }}
                            </section>
                            <section class="card">
                                <h2>{t!(i18n, plan_add_title)}</h2>
                                <PlanForm action=create sync router_id plan=None />
                            </section>
                        }
                        .into_any()
                    })
                })
            }}
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

#[component]
fn PlanTable(
    plans: Vec<PlanRow>,
    editing: RwSignal<Option<i64>>,
    switch: ServerAction<SetPlanActive>,
) -> impl IntoView {
    let i18n = use_i18n();
    if plans.is_empty() {
        return view! { <p class="muted empty">{t!(i18n, plans_empty)}</p> }.into_any();
    }
    let label = move |text: fn(leptos_i18n::I18nContext<Locale>) -> String| move || text(i18n);
    let none = || view! { <span class="muted">"—"</span> }.into_any();
    view! {
        <table class="table table-stack plans-table">
            <thead>
                <tr>
                    <th scope="col">{t!(i18n, plan_name)}</th>
                    <th scope="col" class="numeric">{t!(i18n, plan_price)}</th>
                    <th scope="col">{t!(i18n, plan_validity)}</th>
                    <th scope="col">{t!(i18n, plan_time_quota)}</th>
                    <th scope="col">{t!(i18n, plan_data_quota)}</th>
                    <th scope="col">{t!(i18n, plan_profile)}</th>
                    <th scope="col"><span class="visually-hidden">{t!(i18n, edit)}</span></th>
                </tr>
            </thead>
            <tbody>
                {plans.into_iter().map(|plan| view! {
                    <tr data-plan=plan.name.clone()>
                        <th scope="row" data-label=label(|i18n| t_string!(i18n, plan_name).to_string())>
                            {plan.name.clone()}
                            {(!plan.active).then(|| view! { " " <span class="badge badge-neutral">{t!(i18n, plan_inactive)}</span> })}
                        </th>
                        <td class="numeric" data-label=label(|i18n| t_string!(i18n, plan_price).to_string())>{plan.price.to_string()}</td>
                        <td data-label=label(|i18n| t_string!(i18n, plan_validity).to_string())>{plan.validity}</td>
                        <td data-label=label(|i18n| t_string!(i18n, plan_time_quota).to_string())>
                            {plan.time_quota.map(|q| q.into_any()).unwrap_or_else(none)}
                        </td>
                        <td data-label=label(|i18n| t_string!(i18n, plan_data_quota).to_string())>
                            {plan.data_quota_bytes.map(|b| readable_quota(b).into_any()).unwrap_or_else(none)}
                        </td>
                        <td data-label=label(|i18n| t_string!(i18n, plan_profile).to_string())>
                            <span class="mono">{plan.profile.unwrap_or_default()}</span>
                        </td>
                        <td class="row-actions-cell">
                            <div class="row-actions">
                                <button
                                    type="button"
                                    class="button button-secondary"
                                    aria-expanded=move || (editing.get() == Some(plan.id)).to_string()
                                    on:click=move |_| editing.update(|e| *e = if *e == Some(plan.id) { None } else { Some(plan.id) })
                                >
                                    {t!(i18n, edit)}
                                </button>
                                <ActionForm action=switch>
                                    <input type="hidden" name="plan_id" value=plan.id />
                                    <input type="hidden" name="active" value=(!plan.active).to_string() />
                                    <button
                                        type="submit"
                                        class="button button-secondary"
                                        data-switch=if plan.active { "off" } else { "on" }
                                        disabled=move || switch.pending().get()
                                    >
                                        {if plan.active { t!(i18n, plan_switch_off).into_any() } else { t!(i18n, plan_switch_on).into_any() }}
                                    </button>
                                </ActionForm>
                            </div>
                        </td>
                    </tr>
                }).collect_view()}
            </tbody>
        </table>
    }
    .into_any()
}

#[component]
fn PlanForm(
    action: ServerAction<SavePlan>,
    sync: ServerAction<SyncRouterProfiles>,
    router_id: i64,
    /// The plan being edited; a new plan when `None`.
    plan: Option<PlanRow>,
) -> impl IntoView {
    let editing = plan.is_some();
    let plan_id = plan.as_ref().map(|p| p.id);
    let value = |f: fn(&PlanRow) -> Option<String>| plan.as_ref().and_then(f).unwrap_or_default();
    let (name, price, validity, profile, time_quota, data_quota_mb) = (
        value(|p| Some(p.name.clone())),
        value(|p| Some(p.price.amount().to_string())),
        value(|p| Some(p.validity.clone())),
        value(|p| p.profile.clone()),
        value(|p| p.time_quota.clone()),
        value(|p| p.data_quota_bytes.map(|b| (b / (1024 * 1024)).to_string())),
    );
    let i18n = use_i18n();
    let error = Signal::derive(move || action.value().get().and_then(Result::err));
    let invalid = move |field| invalid_when(error, field);
    let form = NodeRef::<Form>::new();
    reset_after_success(action, form);
    let sync_outcome = move || {
        sync.value().get().map(|outcome| match outcome {
            Ok(s) => {
                let (hotspot, pppoe, gone) = (s.hotspot_profiles, s.pppoe_profiles, s.marked_deleted);
                view! { <p class="outcome outcome-ok small" role="status">{t!(i18n, sync_done, hotspot, pppoe, gone)}</p> }.into_any()
            }
            Err(e) => view! { <p class="outcome outcome-bad small" role="status">{error_message(i18n, &e)}</p> }.into_any(),
        })
    };
    view! {
        <FormError error />
        <ActionForm action node_ref=form attr:class="form-grid">
            <input type="hidden" name="router_id" value=router_id />
            {plan_id.map(|id| view! { <input type="hidden" name="plan_id" value=id /> })}
            <label>
                <span>{t!(i18n, plan_name)}</span>
                <input type="text" name="name" value=name required maxlength="64" placeholder=move || t_string!(i18n, plan_name_hint).to_string() aria-invalid=invalid("name") />
            </label>
            <label>
                <span>{t!(i18n, plan_price)}</span>
                <input type="text" name="price" value=price required inputmode="numeric" placeholder="5.000" aria-invalid=invalid("price") />
            </label>
            <label>
                <span>{t!(i18n, plan_validity)}</span>
                <input
                    type="text"
                    name="validity"
                    value=validity
                    required
                    list="validity-suggestions"
                    autocapitalize="none"
                    placeholder=move || t_string!(i18n, plan_validity_hint).to_string()
                    aria-invalid=invalid("validity")
                />
                <datalist id="validity-suggestions">
                    {VALIDITY_SUGGESTIONS.map(|v| view! { <option value=v></option> }).collect_view()}
                </datalist>
            </label>
            <label>
                <span>{t!(i18n, plan_profile)}</span>
                <input
                    type="text"
                    name="profile"
                    value=profile
                    required
                    list="profile-suggestions"
                    autocapitalize="none"
                    spellcheck="false"
                    placeholder="default"
                    aria-invalid=invalid("profile")
                />
            </label>
            <div class="field-note">
                <p class="muted small">{t!(i18n, plan_profiles_hint)}</p>
                <button
                    type="button"
                    class="button button-secondary"
                    disabled=move || sync.pending().get()
                    on:click=move |_| { sync.dispatch(SyncRouterProfiles { id: router_id }); }
                >
                    {move || if sync.pending().get() { t_string!(i18n, syncing).to_string() } else { t_string!(i18n, sync_profiles).to_string() }}
                </button>
                {sync_outcome}
            </div>
            <fieldset class="optional">
                <legend>{t!(i18n, plan_limits)}</legend>
                <label>
                    <span>{t!(i18n, plan_time_quota)}</span>
                    <input type="text" name="time_quota" value=time_quota autocapitalize="none" placeholder=move || t_string!(i18n, plan_time_quota_hint).to_string() aria-invalid=invalid("time_quota") />
                </label>
                <label>
                    <span>{t!(i18n, plan_data_quota_mb)}</span>
                    <input type="text" name="data_quota_mb" value=data_quota_mb inputmode="numeric" placeholder="1.024" aria-invalid=invalid("data_quota_mb") />
                </label>
                <label>
                    <span>{t!(i18n, plan_rate_limit)}</span>
                    <input type="text" name="rate_limit" autocapitalize="none" placeholder="2M/5M" aria-invalid=invalid("rate_limit") />
                </label>
                <label>
                    <span>{t!(i18n, plan_shared_users)}</span>
                    <input type="text" name="shared_users" inputmode="numeric" placeholder="1" aria-invalid=invalid("shared_users") />
                </label>
                <p class="muted small span-all">{t!(i18n, plan_push_hint)}</p>
            </fieldset>
            <div class="form-actions">
                <button type="submit" class="button button-primary" disabled=move || action.pending().get()>
                    {move || if action.pending().get() {
                        t_string!(i18n, working).to_string()
                    } else if editing {
                        t_string!(i18n, plan_save_button).to_string()
                    } else {
                        t_string!(i18n, plan_add_button).to_string()
                    }}
                </button>
            </div>
        </ActionForm>
    }
}
