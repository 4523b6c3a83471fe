use crate::error::AppError;
use crate::i18n::*;
use crate::pages::customers::{BalanceAmount, InvoiceRow, LedgerRow};
use domain::Rupiah;
use domain::model::accounts::Customer;
use domain::model::invoices::InvoiceStatus;
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

/// The caller's own account; never anyone else's.
#[server(prefix = "/rpc")]
pub async fn my_account() -> Result<Customer, AppError> {
    use crate::auth::ssr::{require, services};
    let caller = require(&[domain::Role::Customer]).await?;
    let services = services()?;
    billing::identity::accounts::customer(&services.pool, domain::CustomerId(caller.principal.id))
        .await?
        .ok_or(AppError::Unauthenticated)
}

/// What the caller owes in all: their unpaid invoices and their debt.
#[server(prefix = "/rpc")]
pub async fn my_owed() -> Result<Rupiah, AppError> {
    use crate::auth::ssr::{require, services};
    let caller = require(&[domain::Role::Customer]).await?;
    let services = services()?;
    Ok(billing::money::standing::owed_in_all(&services.pool, caller.principal.id).await?)
}

/// The caller's own invoices, newest first (at most 24); never anyone else's.
#[server(prefix = "/rpc")]
pub async fn my_invoices() -> Result<Vec<InvoiceRow>, AppError> {
    use crate::auth::ssr::{require, services};
    use crate::pages::customers::server::invoice_row;
    let caller = require(&[domain::Role::Customer]).await?;
    let services = services()?;
    let zone = services.config.timezone;
    let page = billing::money::invoices::list(
        &services.pool,
        billing::money::invoices::InvoiceFilter {
            customer_id: Some(caller.principal.id),
            limit: 24,
            ..Default::default()
        },
        zone,
    )
    .await?;
    Ok(page
        .invoices
        .into_iter()
        .map(|i| {
            let mut row = invoice_row(i, &zone);
            // What the customer pays: an included tax is in the charges already.
            row.lines.retain(|(kind, _, _)| kind.counts());
            row
        })
        .collect())
}

/// The caller's own balance history, newest first (at most 50 changes).
#[server(prefix = "/rpc")]
pub async fn my_balance_history() -> Result<Vec<LedgerRow>, AppError> {
    use crate::auth::ssr::{require, services};
    use crate::pages::customers::server::ledger_row;
    let caller = require(&[domain::Role::Customer]).await?;
    let services = services()?;
    let ledger = billing::money::ledger::ledger(&services.pool, caller.principal.id, 50).await?;
    Ok(ledger
        .entries
        .into_iter()
        .map(|e| ledger_row(e, &services.config.timezone))
        .collect())
}

/// A voucher the caller bought at the counter (sold to their WhatsApp number).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MyVoucher {
    pub plan_name: String,
    pub code: String,
    pub password: String,
    pub price: Rupiah,
    pub status: domain::VoucherStatus,
    pub sold: String,
    pub expires: Option<String>,
}

/// The vouchers sold to the caller's WhatsApp number, newest first (at most 20).
#[server(prefix = "/rpc")]
pub async fn my_vouchers() -> Result<Vec<MyVoucher>, AppError> {
    use crate::auth::ssr::{require, services};
    use crate::components::format::local_time;
    let caller = require(&[domain::Role::Customer]).await?;
    let services = services()?;
    let me = billing::identity::accounts::customer(
        &services.pool,
        domain::CustomerId(caller.principal.id),
    )
    .await?
    .ok_or(AppError::Unauthenticated)?;
    let zone = &services.config.timezone;
    Ok(
        billing::hotspot::sales::bought_by(&services.pool, &me.whatsapp, 20)
            .await?
            .into_iter()
            .map(|v| MyVoucher {
                plan_name: v.plan_name,
                code: v.code,
                password: v.password,
                price: v.price,
                status: v.status,
                sold: local_time(v.sold_at, zone),
                expires: v.expires_at.map(|at| local_time(at, zone)),
            })
            .collect(),
    )
}

/// The vouchers the caller bought, with their codes.
#[component]
fn MyVouchers() -> impl IntoView {
    let i18n = use_i18n();
    let vouchers = Resource::new(|| (), |_| my_vouchers());
    view! {
        <section class="card">
            <h2>{t!(i18n, my_vouchers)}</h2>
            <Suspense fallback=move || view! { <p class="muted">{t!(i18n, loading)}</p> }>
                {move || Suspend::new(async move {
                    vouchers.await.map(|list| {
                        if list.is_empty() {
                            return view! { <p class="muted">{t!(i18n, my_vouchers_none)}</p> }.into_any();
                        }
                        view! {
                            <ul class="ledger-list my-vouchers">
                                {list.into_iter().map(|v| {
                                    let live = v.status.is_live();
                                    let same = v.password == v.code;
                                    let key = v.code.clone();
                                    view! {
                                        <li class="ledger-item my-voucher" data-code=key>
                                            <div>
                                                <span><strong>{v.plan_name}</strong> " · " <span class="mono code">{v.code}</span>
                                                    {(!same).then(|| view! { " / " <span class="mono">{v.password}</span> })}
                                                </span>
                                                <span class="muted small">
                                                    {t!(i18n, my_voucher_bought, date = v.sold)}
                                                    {v.expires.map(|e| view! { " · " {t!(i18n, my_voucher_expires, date = e)} })}
                                                </span>
                                            </div>
                                            <span class=if live { "badge badge-voucher-active" } else { "badge badge-neutral" }>
                                                {v.price.to_string()}
                                            </span>
                                        </li>
                                    }
                                }).collect_view()}
                            </ul>
                        }.into_any()
                    })
                })}
            </Suspense>
        </section>
    }
}

/// The caller's invoices, each with its lines.
#[component]
fn MyInvoices() -> impl IntoView {
    let i18n = use_i18n();
    let invoices = Resource::new(|| (), |_| my_invoices());
    view! {
        <section class="card">
            <h2>{t!(i18n, my_invoices)}</h2>
            <Suspense fallback=move || view! { <p class="muted">{t!(i18n, loading)}</p> }>
                {move || Suspend::new(async move {
                    invoices.await.map(|list| {
                        if list.is_empty() {
                            return view! { <p class="muted">{t!(i18n, no_invoices)}</p> }.into_any();
                        }
                        view! {
                            <ul class="invoice-list">
                                {list.into_iter().map(|invoice| {
                                    let status = invoice.status;
                                    // Follows the language switch in place.
                                    let label = move || crate::pages::customers::detail::invoice_status_badge(i18n, status).1;
                                    let due = invoice.due.clone();
                                    view! {
                                        <li class="invoice-item" data-invoice=invoice.number.clone()>
                                            <div class="invoice-head">
                                                <span class="mono">{invoice.number.clone()}</span>
                                                <span class=crate::pages::customers::detail::invoice_badge_class(status)>{label}</span>
                                            </div>
                                            <ul class="invoice-lines">
                                                {invoice.lines.into_iter().map(|(_, description, amount)| view! {
                                                    <li><span>{description}</span><span class="numeric">{amount.to_string()}</span></li>
                                                }).collect_view()}
                                            </ul>
                                            <div class="invoice-total">
                                                <span>{t!(i18n, invoice_total)}</span>
                                                <strong class="numeric">{invoice.total.to_string()}</strong>
                                            </div>
                                            {(invoice.amount_paid > Rupiah::ZERO).then(|| view! {
                                                <div class="invoice-paid small">
                                                    <span>{t!(i18n, invoice_amount_paid)}</span>
                                                    <span class="numeric">{invoice.amount_paid.to_string()}</span>
                                                </div>
                                            })}
                                            {(status == InvoiceStatus::Partial).then(|| view! {
                                                <p class="small muted">{t!(i18n, invoice_partial_hint)}</p>
                                            })}
                                            {(status == InvoiceStatus::Unpaid).then(|| view! {
                                                <p class="small" class:overdue=invoice.overdue>
                                                    {t!(i18n, invoice_due, date = due.clone())}
                                                </p>
                                            })}
                                            <p class="small">
                                                <a href=format!("/print/invoices/{}", invoice.id) target="_blank" data-print-invoice=invoice.id>
                                                    {t!(i18n, invoice_printable_copy)}
                                                </a>
                                            </p>
                                        </li>
                                    }
                                }).collect_view()}
                            </ul>
                        }.into_any()
                    })
                })}
            </Suspense>
        </section>
    }
}

/// How the caller's balance changed, in plain words.
#[component]
fn MyBalanceHistory() -> impl IntoView {
    let i18n = use_i18n();
    let history = Resource::new(|| (), |_| my_balance_history());
    view! {
        <section class="card">
            <h2>{t!(i18n, balance_history)}</h2>
            <Suspense fallback=move || view! { <p class="muted">{t!(i18n, loading)}</p> }>
                {move || Suspend::new(async move {
                    history.await.map(|changes| {
                        if changes.is_empty() {
                            return view! { <p class="muted">{t!(i18n, balance_history_empty)}</p> }.into_any();
                        }
                        view! {
                            <ul class="ledger-list">
                                {changes.into_iter().map(|change| {
                                    let invoice = change.invoice_number.clone().unwrap_or_default();
                                    let note = change.note.clone().unwrap_or_default();
                                    let kind = change.kind;
                                    let words = move || crate::pages::customers::detail::ledger_words(i18n, kind, invoice.clone(), note.clone(), true);
                                    view! {
                                        <li class="ledger-item">
                                            <div>
                                                <span>{words}</span>
                                                <span class="muted small">{change.at.clone()}</span>
                                            </div>
                                            <BalanceAmount amount=change.amount />
                                        </li>
                                    }
                                }).collect_view()}
                            </ul>
                        }.into_any()
                    })
                })}
            </Suspense>
        </section>
    }
}

#[component]
pub fn PortalHome() -> impl IntoView {
    let i18n = use_i18n();
    let account = Resource::new(|| (), |_| my_account());
    let owed = Resource::new(|| (), |_| my_owed());
    view! {
        <Suspense fallback=move || view! { <p class="muted">{t!(i18n, loading)}</p> }>
            {move || Suspend::new(async move {
                let owed = owed.await.unwrap_or(Rupiah::ZERO);
                account.await.map(|a| {
                    let name = a.name.clone();
                    let debt = a.balance.is_negative();
                    let hint = if debt {
                        Some(t_string!(i18n, balance_debt_hint).to_string())
                    } else if a.balance == Rupiah::ZERO {
                        None
                    } else {
                        Some(t_string!(i18n, balance_credit_hint).to_string())
                    };
                    view! {
                        <h1>{t!(i18n, portal_greeting, name = name.clone())}</h1>
                        <section class="card balance-card" class:debt=debt>
                            <span class="stat-label">{t!(i18n, balance)}</span>
                            <span class="balance" data-balance=a.balance.amount()>{a.balance.to_string()}</span>
                            {hint.map(|hint| view! { <p class="muted small">{hint}</p> })}
                            {(owed > Rupiah::ZERO).then(move || view! {
                                <p class="owed" data-owed=owed.amount()>{t!(i18n, balance_owed_in_all, amount = owed.to_string())}</p>
                                <p class="muted small">{t!(i18n, portal_pay_at_counter)}</p>
                            })}
                        </section>
                        <crate::pages::subscriptions::MySubscriptions />
                        <MyInvoices />
                        <MyBalanceHistory />
                        <MyVouchers />
                        <section class="card">
                            <h2>{t!(i18n, account)}</h2>
                            <dl class="details">
                                <dt>{t!(i18n, whatsapp_label)}</dt>
                                <dd>{crate::pages::customers::readable_whatsapp(&a.whatsapp)}</dd>
                                <dt>{t!(i18n, email_label)}</dt>
                                <dd>{a.email.unwrap_or_default()}</dd>
                            </dl>
                        </section>
                    }
                })
            })}
        </Suspense>
    }
}
