//! The router's plans, each with its button to edit it and to switch it on or off.

use super::SetPlanActive;
use crate::components::EditToggle;
use crate::components::format::duration;
use crate::i18n::*;
use domain::model::plans::{Plan, PlanKind};
use leptos::prelude::*;

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
pub fn PlanTable(
    plans: Vec<Plan>,
    editing: RwSignal<Option<i64>>,
    switch: ServerAction<SetPlanActive>,
) -> impl IntoView {
    let i18n = use_i18n();
    if plans.is_empty() {
        return view! { <p class="muted empty">{t!(i18n, plans_empty)}</p> }.into_any();
    }
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
                {plans.into_iter().map(|plan| view! { <PlanRow plan editing switch /> }).collect_view()}
            </tbody>
        </table>
    }
    .into_any()
}

#[component]
fn PlanRow(
    plan: Plan,
    editing: RwSignal<Option<i64>>,
    switch: ServerAction<SetPlanActive>,
) -> impl IntoView {
    let i18n = use_i18n();
    let label = move |text: fn(leptos_i18n::I18nContext<Locale>) -> String| move || text(i18n);
    let none = || view! { <span class="muted">"—"</span> }.into_any();
    let id = plan.id;
    let (validity, time_quota) = (plan.validity.map(|v| v.seconds()), plan.time_quota_seconds);
    view! {
        <tr data-plan=plan.name.clone()>
            <th scope="row" data-label=label(|i18n| t_string!(i18n, plan_name).to_string())>
                {plan.name.clone()}
                {(plan.kind == PlanKind::Pppoe).then(|| view! { " " <span class="badge badge-voucher-created">{t!(i18n, plan_kind_pppoe)}</span> })}
                {(!plan.active).then(|| view! { " " <span class="badge badge-neutral">{t!(i18n, plan_inactive)}</span> })}
            </th>
            <td class="numeric" data-label=label(|i18n| t_string!(i18n, plan_price).to_string())>{plan.price.to_string()}</td>
            <td data-label=label(|i18n| t_string!(i18n, plan_validity).to_string())>
                {match validity {
                    Some(seconds) => (move || duration(i18n, seconds)).into_any(),
                    None => view! { <span class="muted">{t!(i18n, plan_monthly)}</span> }.into_any(),
                }}
            </td>
            <td data-label=label(|i18n| t_string!(i18n, plan_time_quota).to_string())>
                {time_quota.map(|seconds| (move || duration(i18n, seconds)).into_any()).unwrap_or_else(none)}
            </td>
            <td data-label=label(|i18n| t_string!(i18n, plan_data_quota).to_string())>
                {plan.data_quota_bytes.map(|b| readable_quota(b).into_any()).unwrap_or_else(none)}
            </td>
            <td data-label=label(|i18n| t_string!(i18n, plan_profile).to_string())>
                <span class="mono">{plan.profile.unwrap_or_default()}</span>
            </td>
            <td class="row-actions-cell">
                <div class="row-actions">
                    <EditToggle id editing />
                    <ActionForm action=switch>
                        <input type="hidden" name="plan_id" value=id />
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
    }
}
