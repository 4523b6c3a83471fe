//! The vouchers of the list, each with its state here and on its router, a box to print it and
//! buttons to withdraw it.

use super::{VoucherView, WithdrawVoucher};
use crate::components::ConfirmSubmit;
use crate::components::labels::{router_state_label, voucher_status_label};
use crate::i18n::*;
use domain::{Rupiah, VoucherStatus};
use leptos::prelude::*;

#[component]
pub fn VoucherTable(
    rows: Vec<VoucherView>,
    withdraw: ServerAction<WithdrawVoucher>,
) -> impl IntoView {
    let i18n = use_i18n();
    view! {
        // The checkboxes in the rows belong to this form through their `form` attribute: the rows
        // hold forms of their own, and forms cannot nest.
        <form id="print-selection" class="print-selection" method="get" action="/print/vouchers">
            <select name="layout" aria-label=move || t_string!(i18n, print_layout).to_string()>
                <option value="a4">{t!(i18n, print_a4)}</option>
                <option value="58mm">{t!(i18n, print_thermal)}</option>
            </select>
            <button type="submit" class="button button-secondary">{t!(i18n, print_selected)}</button>
        </form>
        <table class="table table-stack vouchers-table">
            <thead>
                <tr>
                    <th scope="col" class="select-column"><span class="visually-hidden">{t!(i18n, print_selected)}</span></th>
                    <th scope="col">{t!(i18n, voucher_code)}</th>
                    <th scope="col">{t!(i18n, voucher_password)}</th>
                    <th scope="col">{t!(i18n, batch_plan)}</th>
                    <th scope="col">{t!(i18n, status)}</th>
                    <th scope="col">{t!(i18n, voucher_router)}</th>
                    <th scope="col">{t!(i18n, voucher_expires)}</th>
                    <th scope="col"><span class="visually-hidden">{t!(i18n, actions)}</span></th>
                </tr>
            </thead>
            <tbody>
                {rows.into_iter().map(|voucher| view! { <VoucherRow voucher withdraw /> }).collect_view()}
            </tbody>
        </table>
    }
}

#[component]
fn VoucherRow(voucher: VoucherView, withdraw: ServerAction<WithdrawVoucher>) -> impl IntoView {
    let i18n = use_i18n();
    let label = move |text: fn(leptos_i18n::I18nContext<Locale>) -> String| move || text(i18n);
    let v = voucher;
    let id = v.id;
    let same_password = v.password == v.code;
    let printed = v.sold.is_none() && v.printed_at.is_some();
    let (status, router_state) = (v.status, v.router_state);
    view! {
        <tr data-voucher=v.code.clone() data-status=v.status.as_str()>
            <td class="select-column">
                // The label around the box is the target a finger taps.
                <label class="tap-target">
                    <input
                        type="checkbox"
                        name="id"
                        value=id
                        form="print-selection"
                        aria-label={
                            let code = v.code.clone();
                            move || {
                                let code = code.clone();
                                t_string!(i18n, select_voucher, code).to_string()
                            }
                        }
                    />
                </label>
            </td>
            <th scope="row" class="mono code" data-label=label(|i18n| t_string!(i18n, voucher_code).to_string())>{v.code.clone()}</th>
            <td data-label=label(|i18n| t_string!(i18n, voucher_password).to_string())>
                {if same_password {
                    view! { <span class="muted small">{t!(i18n, voucher_password_is_code)}</span> }.into_any()
                } else {
                    view! { <span class="mono code">{v.password.clone()}</span> }.into_any()
                }}
            </td>
            <td data-label=label(|i18n| t_string!(i18n, batch_plan).to_string())>
                {v.plan_name.clone()} <span class="sub">{Rupiah::new(v.price).to_string()}</span>
            </td>
            <td data-label=label(|i18n| t_string!(i18n, status).to_string())>
                <span class=format!("badge badge-voucher-{}", v.status)>{move || voucher_status_label(i18n, status)}</span>
                {v.sold.clone().map(|at| view! { <span class="sub" data-sold="true">{t!(i18n, voucher_sold)} " " {at}</span> })}
                {printed.then(|| view! { <span class="sub" data-printed="true">{t!(i18n, voucher_printed)}</span> })}
            </td>
            <td data-label=label(|i18n| t_string!(i18n, voucher_router).to_string())>
                <span class=format!("router-state router-state-{}", v.router_state) title=v.router_error.clone()>
                    {move || router_state_label(i18n, router_state)}
                </span>
            </td>
            <td data-label=label(|i18n| t_string!(i18n, voucher_expires).to_string())>
                {v.expires.clone().unwrap_or_else(|| "—".to_owned())}
            </td>
            <td class="row-actions-cell">
                <WithdrawButtons id code=v.code.clone() status=v.status withdraw />
            </td>
        </tr>
    }
}

/// Disable (while the voucher is live) and delete (until it is deleted), the second after a
/// question.
#[component]
fn WithdrawButtons(
    id: i64,
    code: String,
    status: VoucherStatus,
    withdraw: ServerAction<WithdrawVoucher>,
) -> impl IntoView {
    let i18n = use_i18n();
    let withdrawable = !matches!(status, VoucherStatus::Disabled | VoucherStatus::Deleted);
    let deletable = status != VoucherStatus::Deleted;
    let question = Signal::derive(move || {
        let code = code.clone();
        t_string!(i18n, voucher_delete_question, code).to_string()
    });
    view! {
        <div class="row-actions">
            {withdrawable.then(|| view! {
                <ActionForm action=withdraw>
                    <input type="hidden" name="id" value=id />
                    <input type="hidden" name="mode" value="disable" />
                    <button type="submit" class="button button-secondary">{t!(i18n, voucher_disable)}</button>
                </ActionForm>
            })}
            {deletable.then(|| view! {
                <ActionForm action=withdraw>
                    <input type="hidden" name="id" value=id />
                    <input type="hidden" name="mode" value="delete" />
                    <ConfirmSubmit label=Signal::derive(move || t_string!(i18n, delete).to_string()) question />
                </ActionForm>
            })}
        </div>
    }
}
