//! The form that makes a batch of vouchers for a plan; it starts over once the batch is made.

use super::{CreateVoucherBatch, PlanChoice};
use crate::components::{FormError, SubmitButton, invalid_when, reset_after_success};
use crate::i18n::*;
use leptos::html::Form;
use leptos::prelude::*;

#[component]
pub fn BatchForm(
    action: ServerAction<CreateVoucherBatch>,
    plans: Vec<PlanChoice>,
) -> impl IntoView {
    let i18n = use_i18n();
    let error = Signal::derive(move || action.value().get().and_then(Result::err));
    let invalid = move |field| invalid_when(error, field);
    let form = NodeRef::<Form>::new();
    reset_after_success(action, form);
    let active: Vec<PlanChoice> = plans.into_iter().filter(|p| p.active).collect();
    if active.is_empty() {
        return view! {
            <p class="muted">{t!(i18n, batch_no_plans)}</p>
            <p><a class="button button-secondary" href="/admin/plans">{t!(i18n, batch_add_plan_first)}</a></p>
        }
        .into_any();
    }
    view! {
        <FormError error />
        <ActionForm action node_ref=form attr:class="form-grid">
            <label class="span-all">
                <span>{t!(i18n, batch_plan)}</span>
                <select name="plan_id" required aria-invalid=invalid("plan_id")>
                    {active.into_iter().map(|p| view! {
                        <option value=p.id>{format!("{} — {} — {}", p.name, p.router_name, p.price)}</option>
                    }).collect_view()}
                </select>
            </label>
            <label>
                <span>{t!(i18n, batch_quantity)}</span>
                <input type="number" name="quantity" required min="1" max="10000" value="50" inputmode="numeric" aria-invalid=invalid("quantity") />
            </label>
            <label>
                <span>{t!(i18n, batch_code_length)}</span>
                <input type="number" name="code_length" min="4" max="32" value="8" inputmode="numeric" aria-invalid=invalid("code_length") />
            </label>
            <label>
                <span>{t!(i18n, batch_prefix)}</span>
                <input type="text" name="prefix" maxlength="12" autocapitalize="characters" spellcheck="false" placeholder=move || t_string!(i18n, batch_prefix_hint).to_string() aria-invalid=invalid("prefix") />
            </label>
            <label>
                <span>{t!(i18n, batch_password_mode)}</span>
                <select name="password_mode" aria-invalid=invalid("password_mode")>
                    <option value="same">{t!(i18n, batch_password_same)}</option>
                    <option value="separate">{t!(i18n, batch_password_separate)}</option>
                </select>
            </label>
            <label class="span-all">
                <span>{t!(i18n, batch_comment)}</span>
                <input type="text" name="comment" maxlength="200" placeholder=move || t_string!(i18n, batch_comment_hint).to_string() aria-invalid=invalid("comment") />
            </label>
            <div class="form-actions">
                <SubmitButton pending=action.pending() label=Signal::derive(move || t_string!(i18n, batch_create_button).to_string()) />
            </div>
        </ActionForm>
    }
    .into_any()
}
