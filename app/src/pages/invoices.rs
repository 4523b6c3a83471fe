//! The invoice manager: every customer's invoices, filtered by status, month of issue and
//! overdue, with what the selection still has to pay and what it has collected.

use crate::components::labels::invoice_status_label;
use crate::components::next_page_href;
use crate::error::AppError;
use crate::i18n::*;
use crate::pages::customers::InvoiceRow;
use crate::pages::customers::detail::invoice_badge_class;
use domain::Rupiah;
use domain::model::invoices::InvoiceStatus;
use leptos::prelude::*;
use leptos_router::hooks::use_query_map;
use serde::{Deserialize, Serialize};

/// One page of the manager, with the totals of the whole selection.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct InvoiceBookPage {
    pub rows: Vec<InvoiceRow>,
    pub next_after: Option<i64>,
    pub total_outstanding: Rupiah,
    pub total_collected: Rupiah,
}

/// Invoices newest first, 50 a page. `status` empty for all, `period` a month (`2026-12`) or
/// empty, `overdue` "true" for unpaid ones past their due date.
#[server(prefix = "/rpc")]
pub async fn invoice_book(
    status: String,
    period: String,
    overdue: bool,
    after: Option<i64>,
) -> Result<InvoiceBookPage, AppError> {
    use crate::auth::ssr::{require, services};
    use crate::pages::customers::server::invoice_row;
    use billing::money::invoices::{self, InvoiceFilter};
    use domain::ErrorCode;
    require(&[domain::Role::Admin, domain::Role::Staff]).await?;
    let services = services()?;
    let zone = services.config.timezone;
    let status = match status.trim() {
        "" => None,
        text => Some(InvoiceStatus::parse(text).ok_or_else(|| {
            AppError::invalid("status", ErrorCode::InvalidQuery, "unknown invoice status")
        })?),
    };
    let period = match period.trim() {
        "" => None,
        month => Some(
            billing::core::days::month_bounds(zone, month).ok_or_else(|| {
                AppError::invalid(
                    "period",
                    ErrorCode::InvalidQuery,
                    "period is a month, YYYY-MM",
                )
            })?,
        ),
    };
    let page = invoices::list(
        &services.pool,
        InvoiceFilter {
            status,
            customer_id: None,
            period,
            overdue,
            after,
            limit: 50,
        },
        zone,
    )
    .await?;
    Ok(InvoiceBookPage {
        rows: page
            .invoices
            .into_iter()
            .map(|i| invoice_row(i, &zone))
            .collect(),
        next_after: page.next_after,
        total_outstanding: page.total_outstanding,
        total_collected: page.total_collected,
    })
}

/// The monthly invoice run, now (it also runs every hour by itself). Admins.
#[server(prefix = "/rpc")]
pub async fn run_invoices() -> Result<domain::model::invoices::InvoiceRunOutcome, AppError> {
    use crate::auth::ssr::{require, services};
    let caller = require(&[domain::Role::Admin]).await?;
    let services = services()?;
    Ok(services
        .invoice_run(services.today(), caller.principal.actor())
        .await?)
}

/// Runs the monthly invoice run by hand and says what it did.
#[component]
fn InvoiceRunCard(run: ServerAction<RunInvoices>) -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <section class="card invoice-run">
            <div>
                <h2>{t!(i18n, invoice_run_title)}</h2>
                <p class="muted small">{t!(i18n, invoice_run_hint)}</p>
            </div>
            <ActionForm action=run>
                <button type="submit" class="button button-secondary" data-action="invoice-run" disabled=move || run.pending().get()>
                    {move || if run.pending().get() { t_string!(i18n, working).to_string() } else { t_string!(i18n, invoice_run_now).to_string() }}
                </button>
            </ActionForm>
            {move || run.value().get().map(|outcome| match outcome {
                Ok(o) => {
                    let failed = o.failed.clone();
                    let count = failed.len();
                    view! {
                        <p class="outcome outcome-ok" role="status" data-created=o.created>
                            {t!(i18n, invoice_run_done, created = o.created, skipped = o.skipped)}
                        </p>
                        {(count != 0).then(|| view! {
                            <div class="outcome outcome-bad" role="alert" data-failed=count>
                                <p>{t!(i18n, invoice_run_failed, count = count)}</p>
                                <ul>
                                    {failed.into_iter().map(|f| view! {
                                        <li>{format!("#{}: {}", f.subscription_id, f.reason)}</li>
                                    }).collect_view()}
                                </ul>
                            </div>
                        })}
                    }.into_any()
                }
                Err(e) => view! { <p class="outcome outcome-bad" role="alert">{crate::components::error_message(i18n, &e)}</p> }.into_any(),
            })}
        </section>
    }
}

#[component]
pub fn InvoicesPage() -> impl IntoView {
    let i18n = use_i18n();
    let query = use_query_map();
    let status = Memo::new(move |_| query.with(|q| q.get("status").unwrap_or_default()));
    let period = Memo::new(move |_| query.with(|q| q.get("period").unwrap_or_default()));
    let overdue = Memo::new(move |_| query.with(|q| q.get("overdue").as_deref() == Some("true")));
    let after = Memo::new(move |_| {
        query.with(|q| q.get("after").and_then(|a| a.trim().parse::<i64>().ok()))
    });
    let run = ServerAction::<RunInvoices>::new();
    let ran = crate::components::successes(run);
    let book = Resource::new(
        move || {
            (
                status.get(),
                period.get(),
                overdue.get(),
                after.get(),
                ran.get(),
            )
        },
        |(status, period, overdue, after, _)| invoice_book(status, period, overdue, after),
    );
    let statuses = [
        InvoiceStatus::Unpaid,
        InvoiceStatus::Partial,
        InvoiceStatus::Paid,
        InvoiceStatus::Void,
    ];
    view! {
        <h1>{t!(i18n, nav_invoices)}</h1>
        <InvoiceRunCard run />
        <form method="get" action="/admin/invoices" class="card toolbar filters invoice-filters">
            <label>
                <span>{t!(i18n, status)}</span>
                <select name="status">
                    <option value="" selected=move || status.get().is_empty()>{t!(i18n, invoice_any_status)}</option>
                    {statuses.into_iter().map(|s| {
                        view! { <option value=s.as_str() selected=move || status.get() == s.as_str()>{move || invoice_status_label(i18n, s)}</option> }
                    }).collect_view()}
                </select>
            </label>
            <label>
                <span>{t!(i18n, invoice_period)}</span>
                <input type="month" name="period" value=move || period.get() />
            </label>
            <label class="check">
                <input type="checkbox" name="overdue" value="true" checked=move || overdue.get() />
                <span>{t!(i18n, invoice_overdue_only)}</span>
            </label>
            <div class="filter-actions">
                <button type="submit" class="button button-primary">{t!(i18n, invoice_filter)}</button>
            </div>
        </form>
        <Transition fallback=move || view! { <p class="muted">{t!(i18n, loading)}</p> }>
            {move || Suspend::new(async move {
                book.await.map(|book| {
                    let next = book
                        .next_after
                        .map(|after| query.with_untracked(|q| next_page_href("/admin/invoices", q, after)));
                    view! {
                        <div class="stats">
                            <div class="card stat">
                                <span class="stat-label">{t!(i18n, invoice_total_outstanding)}</span>
                                <span class="stat-value" data-total="outstanding">{book.total_outstanding.to_string()}</span>
                            </div>
                            <div class="card stat">
                                <span class="stat-label">{t!(i18n, invoice_total_collected)}</span>
                                <span class="stat-value" data-total="collected">{book.total_collected.to_string()}</span>
                            </div>
                        </div>
                        {if book.rows.is_empty() {
                            view! { <p class="card empty-state muted">{t!(i18n, invoice_none_found)}</p> }.into_any()
                        } else {
                            view! {
                                <ul class="card invoice-book">
                                    {book.rows.into_iter().map(|invoice| {
                                        let status = invoice.status;
                                        view! {
                                            <li class="invoice-row" data-invoice=invoice.number.clone()>
                                                <div class="invoice-row-main">
                                                    <span class="mono invoice-number">{invoice.number.clone()}</span>
                                                    <a href=format!("/admin/customers/{}#invoices", invoice.customer_id)>{invoice.customer_name.clone()}</a>
                                                    <span class="small muted">
                                                        {t!(i18n, invoice_issued_on, date = invoice.issued.clone())} " · "
                                                        <span class:overdue=invoice.overdue>{t!(i18n, invoice_due, date = invoice.due.clone())}</span>
                                                    </span>
                                                </div>
                                                <span class=invoice_badge_class(status)>{move || invoice_status_label(i18n, status)}</span>
                                                <strong class="numeric invoice-row-total">{invoice.total.to_string()}</strong>
                                                <span class="row-actions">
                                                    <a class="button button-link" href=format!("/print/invoices/{}", invoice.id) target="_blank">{t!(i18n, invoice_print_a4)}</a>
                                                    <a class="button button-link" href=format!("/print/invoices/{}?layout=58mm", invoice.id) target="_blank">"58 mm"</a>
                                                    {(invoice.status == InvoiceStatus::Unpaid).then(move || view! {
                                                        <a class="button button-secondary" href=format!("/admin/customers/{}#invoices", invoice.customer_id)>{t!(i18n, payment_take)}</a>
                                                    })}
                                                </span>
                                            </li>
                                        }
                                    }).collect_view()}
                                </ul>
                            }.into_any()
                        }}
                        {next.map(|href| view! {
                            <p class="load-more"><a class="button button-secondary" href=href>{t!(i18n, load_more)}</a></p>
                        })}
                    }
                })
            })}
        </Transition>
    }
}
