//! The add form (no plan) or the edit form of a plan; the same fields either way.

use super::{SavePlan, written_time_quota};
use crate::components::{
    FormError, SubmitButton, error_message, invalid_when, reset_after_success,
};
use crate::error::AppError;
use crate::i18n::*;
use crate::pages::routers::SyncRouterProfiles;
use domain::model::plans::{Plan, PlanKind};
use leptos::html::Form;
use leptos::prelude::*;

/// Validities offered as suggestions; any other such as `12h` or `1d12h` is accepted too.
const VALIDITY_SUGGESTIONS: [&str; 5] = ["3h", "1d", "7d", "30d", "1d12h"];

#[component]
pub fn PlanForm(
    action: ServerAction<SavePlan>,
    sync: ServerAction<SyncRouterProfiles>,
    router_id: i64,
    /// The plan being edited; a new plan when `None`.
    plan: Option<Plan>,
) -> impl IntoView {
    let editing = plan.is_some();
    let plan_id = plan.as_ref().map(|p| p.id);
    let value = |f: fn(&Plan) -> Option<String>| plan.as_ref().and_then(f).unwrap_or_default();
    let (name, price, validity, profile, time_quota, data_quota_mb) = (
        value(|p| Some(p.name.clone())),
        value(|p| Some(p.price.amount().to_string())),
        value(|p| p.validity.map(|v| v.to_string())),
        value(|p| p.profile.clone()),
        value(written_time_quota),
        value(|p| p.data_quota_bytes.map(|b| (b / (1024 * 1024)).to_string())),
    );
    let i18n = use_i18n();
    let kind = RwSignal::new(plan.as_ref().map(|p| p.kind).unwrap_or_default());
    let hotspot = Signal::derive(move || kind.get() == PlanKind::Hotspot);
    let error = Signal::derive(move || action.value().get().and_then(Result::err));
    let invalid = move |field| invalid_when(error, field);
    let form = NodeRef::<Form>::new();
    reset_after_success(action, form);
    let label = Signal::derive(move || {
        if editing {
            t_string!(i18n, plan_save_button).to_string()
        } else {
            t_string!(i18n, plan_add_button).to_string()
        }
    });
    view! {
        <FormError error />
        <ActionForm action node_ref=form attr:class="form-grid" attr:data-router=router_id>
            <input type="hidden" name="router_id" value=router_id />
            {plan_id.map(|id| view! { <input type="hidden" name="plan_id" value=id /> })}
            <label>
                <span>{t!(i18n, plan_kind)}</span>
                // A plan keeps its kind: shown, not changed, when editing.
                <select
                    name=if editing { "" } else { "kind" }
                    disabled=editing
                    on:change=move |ev| kind.set(if event_target_value(&ev) == "pppoe" { PlanKind::Pppoe } else { PlanKind::Hotspot })
                >
                    <option value="hotspot" selected=move || kind.get() == PlanKind::Hotspot>{t!(i18n, plan_kind_hotspot)}</option>
                    <option value="pppoe" selected=move || kind.get() == PlanKind::Pppoe>{t!(i18n, plan_kind_pppoe)}</option>
                </select>
                {editing.then(|| view! { <input type="hidden" name="kind" value=move || kind.get().as_str() /> })}
            </label>
            <label>
                <span>{t!(i18n, plan_name)}</span>
                <input type="text" name="name" value=name required maxlength="64" placeholder=move || t_string!(i18n, plan_name_hint).to_string() aria-invalid=invalid("name") />
            </label>
            <label>
                <span>{t!(i18n, plan_price)}</span>
                <input type="text" name="price" value=price required inputmode="numeric" placeholder="5.000" aria-invalid=invalid("price") />
            </label>
            <label hidden=move || !hotspot.get()>
                <span>{t!(i18n, plan_validity)}</span>
                <input
                    type="text"
                    name="validity"
                    value=validity
                    required=move || hotspot.get()
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
            <ProfileSync sync router_id />
            <LimitFields time_quota data_quota_mb error hotspot />
            <div class="form-actions">
                <SubmitButton pending=action.pending() label />
            </div>
        </ActionForm>
    }
}

/// Reads the router's hotspot profiles again, for the profile field's suggestions.
#[component]
fn ProfileSync(sync: ServerAction<SyncRouterProfiles>, router_id: i64) -> impl IntoView {
    let i18n = use_i18n();
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
    }
}

/// The optional limits: quotas, and the profile's rate limit and shared users.
#[component]
fn LimitFields(
    time_quota: String,
    data_quota_mb: String,
    error: Signal<Option<AppError>>,
    /// Quotas and shared users are for hotspot plans; a PPPoE plan has only a rate limit.
    hotspot: Signal<bool>,
) -> impl IntoView {
    let i18n = use_i18n();
    let invalid = move |field| invalid_when(error, field);
    view! {
        <fieldset class="optional">
            <legend>{t!(i18n, plan_limits)}</legend>
            <label hidden=move || !hotspot.get()>
                <span>{t!(i18n, plan_time_quota)}</span>
                <input type="text" name="time_quota" value=time_quota autocapitalize="none" placeholder=move || t_string!(i18n, plan_time_quota_hint).to_string() aria-invalid=invalid("time_quota") />
            </label>
            <label hidden=move || !hotspot.get()>
                <span>{t!(i18n, plan_data_quota_mb)}</span>
                <input type="text" name="data_quota_mb" value=data_quota_mb inputmode="numeric" placeholder="1.024" aria-invalid=invalid("data_quota_mb") />
            </label>
            <label>
                <span>{t!(i18n, plan_rate_limit)}</span>
                <input type="text" name="rate_limit" autocapitalize="none" placeholder="2M/5M" aria-invalid=invalid("rate_limit") />
            </label>
            <label hidden=move || !hotspot.get()>
                <span>{t!(i18n, plan_shared_users)}</span>
                <input type="text" name="shared_users" inputmode="numeric" placeholder="1" aria-invalid=invalid("shared_users") />
            </label>
            <p class="muted small span-all">{t!(i18n, plan_push_hint)}</p>
        </fieldset>
    }
}
