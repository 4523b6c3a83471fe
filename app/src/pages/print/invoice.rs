//! A printable invoice (A4, or a 58 mm strip) and a payment's receipt, both with the operator's
//! details (`business.*` in the configuration). Staff print any; a customer prints their own
//! and is told no other exists.

use crate::components::labels::{invoice_status_label, payment_method_label};
use crate::components::{error_message, use_id_param};
use crate::error::AppError;
use crate::i18n::*;
use crate::pages::customers::InvoiceRow;
use domain::Rupiah;
use domain::model::invoices::{InvoiceStatus, PaymentMethod, PaymentStatus};
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

use super::sheet::Layout;

/// The operator as the paper names them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Business {
    pub name: String,
    pub address: Option<String>,
    pub phone: Option<String>,
    pub tax_id: Option<String>,
}

/// An invoice as printed: as the pages list it, with the customer's contact details.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct InvoicePaper {
    pub business: Business,
    pub invoice: InvoiceRow,
    /// As people write it: 0812-…
    pub customer_whatsapp: String,
    pub customer_address: Option<String>,
    pub carried_to_balance: Rupiah,
}

/// A payment's receipt as printed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReceiptPaper {
    pub business: Business,
    pub payment_id: i64,
    /// The invoice paid; none for a payment toward the balance (debt).
    pub invoice_number: Option<String>,
    pub invoice_status: Option<InvoiceStatus>,
    pub customer_name: String,
    pub amount: Rupiah,
    pub method: PaymentMethod,
    pub status: PaymentStatus,
    /// What the invoice asked for when it was paid (none toward the balance).
    pub invoice_total: Option<Rupiah>,
    /// A partial payment's rest, moved to the balance as debt.
    pub carried: Rupiah,
    /// An overpayment's excess, moved to the balance as credit.
    pub excess: Rupiah,
    pub at: String,
    /// A transfer's reference.
    pub reference: Option<String>,
}

#[cfg(feature = "ssr")]
fn business(config: &billing::Config) -> Business {
    let b = &config.business;
    Business {
        name: b.name.clone(),
        address: b.address.clone(),
        phone: b.phone.clone(),
        tax_id: b.tax_id.clone(),
    }
}

/// Logged in as staff, or as the customer `owner` themselves; anyone else is told the record
/// does not exist.
#[cfg(feature = "ssr")]
fn may_read(
    caller: &billing::identity::auth::Authenticated,
    owner: i64,
    missing: billing::money::error::MoneyError,
) -> Result<(), AppError> {
    if caller.principal.role == domain::Role::Customer && caller.principal.id != owner {
        return Err(missing.into());
    }
    Ok(())
}

/// Anyone logged in (staff, or a customer for their own papers), before anything is read.
#[cfg(feature = "ssr")]
async fn reader() -> Result<billing::identity::auth::Authenticated, AppError> {
    use domain::Role;
    crate::auth::ssr::require(&[Role::Admin, Role::Staff, Role::Customer]).await
}

#[server(prefix = "/rpc")]
pub async fn printed_invoice(invoice_id: i64) -> Result<InvoicePaper, AppError> {
    use crate::auth::ssr::services;
    use crate::pages::customers::server::invoice_row;
    use billing::money::error::MoneyError;
    let caller = reader().await?;
    let services = services()?;
    let zone = services.config.timezone;
    let invoice = billing::money::invoices::get(&services.pool, invoice_id, zone).await?;
    may_read(&caller, invoice.customer_id, MoneyError::InvoiceNotFound)?;
    Ok(InvoicePaper {
        business: business(&services.config),
        customer_whatsapp: crate::pages::customers::readable_whatsapp(&invoice.customer_whatsapp),
        customer_address: invoice.customer_address.clone(),
        carried_to_balance: invoice.carried_to_balance,
        invoice: invoice_row(invoice, &zone),
    })
}

#[server(prefix = "/rpc")]
pub async fn printed_receipt(payment_id: i64) -> Result<ReceiptPaper, AppError> {
    use crate::auth::ssr::services;
    use crate::components::format::local_time;
    use billing::money::error::MoneyError;
    let caller = reader().await?;
    let services = services()?;
    let receipt = billing::money::payments::receipt(&services.pool, payment_id).await?;
    may_read(&caller, receipt.customer_id, MoneyError::PaymentNotFound)?;
    let invoice = match receipt.invoice_id {
        Some(id) => {
            Some(billing::money::invoices::get(&services.pool, id, services.config.timezone).await?)
        }
        None => None,
    };
    let settled = receipt.status == PaymentStatus::Settled;
    let (total, carried) = invoice.as_ref().map_or((None, Rupiah::ZERO), |i| {
        (Some(i.total), i.carried_to_balance)
    });
    let excess = match total {
        Some(total) if settled && receipt.amount > total => receipt.amount - total,
        _ => Rupiah::ZERO,
    };
    Ok(ReceiptPaper {
        business: business(&services.config),
        payment_id: receipt.payment_id,
        invoice_number: receipt.invoice_number,
        invoice_status: receipt.invoice_status,
        customer_name: receipt.customer_name,
        amount: receipt.amount,
        method: receipt.method,
        status: receipt.status,
        invoice_total: total,
        carried: if settled { carried } else { Rupiah::ZERO },
        excess,
        at: local_time(receipt.recorded_at, &services.config.timezone),
        reference: receipt.reference,
    })
}

#[component]
fn BusinessHeader(business: Business) -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <header class="doc-business">
            <p class="doc-business-name">{business.name}</p>
            {business.address.map(|a| view! { <p>{a}</p> })}
            {business.phone.map(|p| view! { <p>{p}</p> })}
            {business.tax_id.map(|t| view! { <p>{t!(i18n, doc_tax_id)} " " {t}</p> })}
        </header>
    }
}

#[component]
pub fn PrintInvoicePage() -> impl IntoView {
    let i18n = use_i18n();
    let id = use_id_param();
    let layout = super::use_layout();
    let invoice = Resource::new(move || id.get(), printed_invoice);
    let link = move |layout: &'static str| format!("/print/invoices/{}?layout={layout}", id.get());
    view! {
        <div class="print-page" class:print-thermal=move || layout.get() == Layout::Thermal>
            <header class="print-toolbar">
                <nav class="segmented" aria-label=move || t_string!(i18n, print_layout).to_string()>
                    <a href=move || link("a4") class:active=move || layout.get() == Layout::A4>"A4"</a>
                    <a href=move || link("58mm") class:active=move || layout.get() == Layout::Thermal>"58 mm"</a>
                </nav>
                <button type="button" class="button button-primary" on:click=|_| { let _ = window().print(); }>
                    {t!(i18n, print_now)}
                </button>
            </header>
            <Suspense fallback=move || view! { <p class="muted print-note">{t!(i18n, loading)}</p> }>
                {move || Suspend::new(async move {
                    match invoice.await {
                        Ok(paper) => view! { <InvoiceDocument paper layout /> }.into_any(),
                        Err(e) => view! { <p class="form-error print-note">{error_message(i18n, &e)}</p> }.into_any(),
                    }
                })}
            </Suspense>
        </div>
    }
}

#[component]
fn InvoiceDocument(paper: InvoicePaper, layout: Memo<Layout>) -> impl IntoView {
    let i18n = use_i18n();
    let invoice = paper.invoice;
    let invoice_status = invoice.status;
    let status = move || invoice_status_label(i18n, invoice_status);
    view! {
        <article class="doc" class:doc-a4=move || layout.get() == Layout::A4 class:doc-thermal=move || layout.get() == Layout::Thermal
            data-invoice=invoice.number.clone()>
            <div class="doc-top">
                <BusinessHeader business=paper.business />
                <div class="doc-title">
                    <p class="doc-kind">{t!(i18n, doc_invoice)}</p>
                    <p class="mono doc-number">{invoice.number.clone()}</p>
                    <p class="doc-status">{status}</p>
                </div>
            </div>
            <dl class="doc-facts">
                <dt>{t!(i18n, doc_billed_to)}</dt>
                <dd>
                    <strong>{invoice.customer_name.clone()}</strong>
                    <br />{paper.customer_whatsapp}
                    {paper.customer_address.map(|a| view! { <br />{a} })}
                </dd>
                <dt>{t!(i18n, doc_issued)}</dt>
                <dd>{invoice.issued.clone()}</dd>
                <dt>{t!(i18n, doc_due)}</dt>
                <dd>{invoice.due.clone()}</dd>
            </dl>
            <table class="doc-lines">
                <thead>
                    <tr><th>{t!(i18n, doc_description)}</th><th class="numeric">{t!(i18n, doc_amount)}</th></tr>
                </thead>
                <tbody>
                    {invoice.lines.into_iter().map(|(kind, description, amount)| view! {
                        <tr class:line-info={!kind.counts()}>
                            <td>{description}</td>
                            <td class="numeric">{if kind.counts() { amount.to_string() } else { format!("({amount})") }}</td>
                        </tr>
                    }).collect_view()}
                </tbody>
                <tfoot>
                    <tr class="doc-total"><th>{t!(i18n, invoice_total)}</th><td class="numeric">{invoice.total.to_string()}</td></tr>
                    {(invoice.amount_paid > Rupiah::ZERO).then(move || view! {
                        <tr><th>{t!(i18n, invoice_amount_paid)}</th><td class="numeric">{invoice.amount_paid.to_string()}</td></tr>
                    })}
                    {(paper.carried_to_balance > Rupiah::ZERO).then(move || view! {
                        <tr><th>{t!(i18n, doc_carried)}</th><td class="numeric">{paper.carried_to_balance.to_string()}</td></tr>
                    })}
                    {(invoice.outstanding > Rupiah::ZERO).then(move || view! {
                        <tr class="doc-due"><th>{t!(i18n, doc_to_pay)}</th><td class="numeric">{invoice.outstanding.to_string()}</td></tr>
                    })}
                </tfoot>
            </table>
            <p class="doc-thanks">{t!(i18n, doc_thanks)}</p>
        </article>
    }
}

#[component]
pub fn PrintReceiptPage() -> impl IntoView {
    let i18n = use_i18n();
    let id = use_id_param();
    let receipt = Resource::new(move || id.get(), printed_receipt);
    view! {
        <div class="print-page print-thermal">
            <header class="print-toolbar">
                <button type="button" class="button button-primary" on:click=|_| { let _ = window().print(); }>
                    {t!(i18n, print_now)}
                </button>
            </header>
            <Suspense fallback=move || view! { <p class="muted print-note">{t!(i18n, loading)}</p> }>
                {move || Suspend::new(async move {
                    match receipt.await {
                        Ok(r) => {
                            let (paid_by, invoice_status) = (r.method, r.invoice_status);
                            let method = move || payment_method_label(i18n, paid_by);
                            view! {
                                <article class="doc doc-thermal doc-receipt" data-receipt=r.payment_id>
                                    <BusinessHeader business=r.business.clone() />
                                    <p class="doc-kind">{t!(i18n, doc_receipt)}</p>
                                    {(r.status == PaymentStatus::Reversed).then(move || view! {
                                        <p class="doc-status">{t!(i18n, payment_reversed)}</p>
                                    })}
                                    <dl class="doc-facts">
                                        <dt>{t!(i18n, doc_received_from)}</dt><dd>{r.customer_name.clone()}</dd>
                                        {match r.invoice_number.clone() {
                                            Some(number) => view! { <dt>{t!(i18n, doc_for_invoice)}</dt><dd class="mono">{number}</dd> }.into_any(),
                                            None => view! { <dt>{t!(i18n, doc_for)}</dt><dd>{t!(i18n, doc_toward_balance)}</dd> }.into_any(),
                                        }}
                                        <dt>{t!(i18n, payment_method)}</dt><dd>{method}</dd>
                                        {r.reference.clone().map(|reference| view! {
                                            <dt>{t!(i18n, payment_reference)}</dt><dd class="mono">{reference}</dd>
                                        })}
                                        <dt>{t!(i18n, doc_date)}</dt><dd>{r.at.clone()}</dd>
                                        {invoice_status.map(|s| view! { <dt>{t!(i18n, status)}</dt><dd>{move || invoice_status_label(i18n, s)}</dd> })}
                                        {r.invoice_total.map(|total| view! { <dt>{t!(i18n, invoice_total)}</dt><dd class="numeric">{total.to_string()}</dd> })}
                                    </dl>
                                    <p class="doc-amount numeric">{r.amount.to_string()}</p>
                                    {(r.carried > Rupiah::ZERO).then(move || view! {
                                        <p class="doc-note">{t!(i18n, doc_rest_to_debt, amount = r.carried.to_string())}</p>
                                    })}
                                    {(r.excess > Rupiah::ZERO).then(move || view! {
                                        <p class="doc-note">{t!(i18n, doc_excess_to_credit, amount = r.excess.to_string())}</p>
                                    })}
                                    <p class="doc-thanks">{t!(i18n, doc_thanks)}</p>
                                </article>
                            }.into_any()
                        }
                        Err(e) => view! { <p class="form-error print-note">{error_message(i18n, &e)}</p> }.into_any(),
                    }
                })}
            </Suspense>
        </div>
    }
}
