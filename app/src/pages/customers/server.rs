//! The customers pages' server functions: search, create and edit a customer; their balance,
//! invoices and payments; manual invoices, counter payments, voids, reversals, adjustments and
//! refunds. Reading is for admins and cashiers; taking a payment too; everything else is for
//! admins. Every change goes through `billing::money`, the same code as the REST API.

use crate::error::AppError;
use domain::Rupiah;
use domain::model::customers::{CustomerRecord, CustomerStatus, LedgerKind};
use domain::model::invoices::{InvoiceStatus, LineKind, PaymentMethod, PaymentStatus};
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

/// A customer as a row of the list.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CustomerRow {
    pub id: i64,
    pub name: String,
    /// As people write it: 0812-…
    pub whatsapp: String,
    pub email: Option<String>,
    pub status: CustomerStatus,
    pub balance: Rupiah,
}

/// One page of the customer list.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CustomerRows {
    pub rows: Vec<CustomerRow>,
    pub next_after: Option<i64>,
    /// Whether the caller may add customers (an admin).
    pub can_add: bool,
}

/// An invoice as the pages list it, times in the business's time zone.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct InvoiceRow {
    pub id: i64,
    pub number: String,
    pub customer_id: i64,
    pub customer_name: String,
    pub status: InvoiceStatus,
    pub lines: Vec<(LineKind, String, Rupiah)>,
    pub total: Rupiah,
    pub amount_paid: Rupiah,
    pub outstanding: Rupiah,
    /// `31-12-2026`.
    pub issued: String,
    pub due: String,
    pub overdue: bool,
    pub void_reason: Option<String>,
}

/// A change of the balance, for the customer's history.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LedgerRow {
    pub kind: LedgerKind,
    pub invoice_number: Option<String>,
    pub note: Option<String>,
    pub amount: Rupiah,
    pub balance_after: Rupiah,
    pub at: String,
}

/// A payment, for the customer's page.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PaymentRow {
    pub id: i64,
    /// None: a payment toward the balance.
    pub invoice_number: Option<String>,
    pub amount: Rupiah,
    pub method: PaymentMethod,
    pub status: PaymentStatus,
    pub note: Option<String>,
    pub reversal_reason: Option<String>,
    pub at: String,
    /// A transfer's reference.
    pub reference: Option<String>,
}

/// Everything a customer's page shows.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CustomerOverview {
    pub customer: CustomerRecord,
    pub invoices: Vec<InvoiceRow>,
    pub ledger: Vec<LedgerRow>,
    pub payments: Vec<PaymentRow>,
    /// What the customer owes in all: unpaid invoices and debt.
    pub owed: Rupiah,
    /// Whether the caller may change things (an admin), or only read and take payments.
    pub can_manage: bool,
}

/// A line of a manual invoice as typed in the form.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct LineForm {
    #[serde(default)]
    pub description: String,
    #[serde(default)]
    pub amount: String,
}

/// A stored number (62…) written the way people write it (0812-…).
pub fn readable_whatsapp(stored: &str) -> String {
    domain::WhatsappNumber::parse(stored)
        .map(|n| n.readable())
        .unwrap_or_else(|_| stored.to_owned())
}

#[cfg(feature = "ssr")]
pub(crate) fn invoice_row<Z: chrono::TimeZone>(
    invoice: domain::model::invoices::Invoice,
    zone: &Z,
) -> InvoiceRow
where
    Z::Offset: std::fmt::Display,
{
    InvoiceRow {
        id: invoice.id,
        number: invoice.number,
        customer_id: invoice.customer_id,
        customer_name: invoice.customer_name,
        status: invoice.status,
        lines: invoice
            .lines
            .into_iter()
            .map(|l| (l.kind, l.description, l.amount))
            .collect(),
        total: invoice.total,
        amount_paid: invoice.amount_paid,
        outstanding: invoice.outstanding,
        issued: crate::components::format::local_date(invoice.issued_at, zone),
        due: crate::components::format::date(invoice.due_date),
        overdue: invoice.overdue,
        void_reason: invoice.void_reason,
    }
}

#[cfg(feature = "ssr")]
pub(crate) fn ledger_row<Z: chrono::TimeZone>(
    entry: domain::model::customers::LedgerEntry,
    zone: &Z,
) -> LedgerRow
where
    Z::Offset: std::fmt::Display,
{
    LedgerRow {
        kind: entry.kind,
        invoice_number: entry.invoice_number,
        note: entry.note,
        amount: entry.amount,
        balance_after: entry.balance_after,
        at: crate::components::format::local_time(entry.created_at, zone),
    }
}

#[cfg(feature = "ssr")]
fn status_filter(status: &str) -> Result<Option<CustomerStatus>, AppError> {
    match status.trim() {
        "" | "all" => Ok(None),
        other => CustomerStatus::parse(other).map(Some).ok_or_else(|| {
            AppError::invalid(
                "status",
                domain::ErrorCode::CustomerStatus,
                "a customer is active, suspended or closed",
            )
        }),
    }
}

/// Customers whose name, WhatsApp number or email begins with `q` (all when empty), 50 a page.
#[server(prefix = "/rpc")]
pub async fn find_customers(
    q: String,
    status: String,
    after: Option<i64>,
) -> Result<CustomerRows, AppError> {
    use crate::auth::ssr::{require, services};
    let caller = require(&[domain::Role::Admin, domain::Role::Staff]).await?;
    let status = status_filter(&status)?;
    let page = billing::money::customers::search(&services()?.pool, &q, status, after, 50).await?;
    Ok(CustomerRows {
        rows: page
            .customers
            .into_iter()
            .map(|c| CustomerRow {
                id: c.id,
                whatsapp: readable_whatsapp(&c.whatsapp),
                name: c.name,
                email: c.email,
                status: c.status,
                balance: c.balance,
            })
            .collect(),
        next_after: page.next_after,
        can_add: caller.principal.role == domain::Role::Admin,
    })
}

#[cfg(feature = "ssr")]
fn customer_input(
    name: String,
    whatsapp: String,
    email: String,
    address: String,
    notes: String,
    status: Option<CustomerStatus>,
) -> domain::model::customers::CustomerInput {
    use crate::pages::fields::optional_text;
    domain::model::customers::CustomerInput {
        name,
        whatsapp,
        email: optional_text(email),
        address: optional_text(address),
        notes: optional_text(notes),
        status,
    }
}

/// Creates a customer; answers with their id, for their page.
#[server(prefix = "/rpc")]
pub async fn create_customer(
    name: String,
    whatsapp: String,
    email: String,
    address: String,
    notes: String,
) -> Result<i64, AppError> {
    use crate::auth::ssr::{require, services};
    let caller = require(&[domain::Role::Admin]).await?;
    let input = customer_input(name, whatsapp, email, address, notes, None);
    let created =
        billing::money::customers::create(&services()?.pool, input, caller.principal.actor())
            .await?;
    Ok(created.id)
}

/// Saves a customer's details and status.
#[server(prefix = "/rpc")]
pub async fn save_customer(
    customer_id: i64,
    name: String,
    whatsapp: String,
    email: String,
    address: String,
    notes: String,
    status: String,
) -> Result<(), AppError> {
    use crate::auth::ssr::{require, services};
    let caller = require(&[domain::Role::Admin]).await?;
    let status = status_filter(&status)?;
    let input = customer_input(name, whatsapp, email, address, notes, status);
    let services = services()?;
    billing::money::customers::update(
        &services.pool,
        customer_id,
        input,
        services.today(),
        caller.principal.actor(),
    )
    .await?;
    Ok(())
}

/// A customer with their invoices (latest 50), balance history (latest 100 changes) and
/// payments (latest 50).
#[server(prefix = "/rpc")]
pub async fn customer_file(customer_id: i64) -> Result<CustomerOverview, AppError> {
    use crate::auth::ssr::{require, services};
    use crate::components::format::local_time;
    use billing::money::{customers, invoices, ledger, payments};
    let caller = require(&[domain::Role::Admin, domain::Role::Staff]).await?;
    let services = services()?;
    let pool = &services.pool;
    let zone = services.config.timezone;
    let customer = customers::get(pool, customer_id).await?;
    let invoice_page = invoices::list(
        pool,
        invoices::InvoiceFilter {
            customer_id: Some(customer_id),
            limit: 50,
            ..Default::default()
        },
        zone,
    )
    .await?;
    let history = ledger::ledger(pool, customer_id, 100).await?;
    let paid = payments::of_customer(pool, customer_id, 50).await?;
    let owed = billing::money::standing::owed_in_all(pool, customer_id).await?;
    Ok(CustomerOverview {
        owed,
        customer,
        invoices: invoice_page
            .invoices
            .into_iter()
            .map(|i| invoice_row(i, &zone))
            .collect(),
        ledger: history
            .entries
            .into_iter()
            .map(|e| ledger_row(e, &zone))
            .collect(),
        payments: paid
            .into_iter()
            .map(|p| PaymentRow {
                id: p.id,
                invoice_number: p.invoice_number,
                amount: p.amount,
                method: p.method,
                status: p.status,
                note: p.note,
                reversal_reason: p.reversal_reason,
                reference: p.reference,
                at: local_time(p.recorded_at, &zone),
            })
            .collect(),
        can_manage: caller.principal.role == domain::Role::Admin,
    })
}

/// Issues a manual invoice with the lines that have a description or an amount; the
/// customer's balance is applied at once. Answers with the invoice's number.
#[server(prefix = "/rpc")]
pub async fn new_invoice(
    customer_id: i64,
    due_date: String,
    lines: Vec<LineForm>,
) -> Result<String, AppError> {
    use crate::auth::ssr::{require, services};
    use crate::pages::fields::required_number;
    use billing::money::invoices;
    use domain::ErrorCode;
    use domain::model::invoices::{InvoiceInput, LineInput};
    let caller = require(&[domain::Role::Admin]).await?;
    let due_date = match due_date.trim() {
        "" => None,
        text => Some(
            chrono::NaiveDate::parse_from_str(text, "%Y-%m-%d").map_err(|_| {
                AppError::invalid("due_date", ErrorCode::DueDate, "the due date is a date")
            })?,
        ),
    };
    let lines = lines
        .into_iter()
        .filter(|l| !(l.description.trim().is_empty() && l.amount.trim().is_empty()))
        .map(|l| {
            Ok(LineInput {
                description: l.description,
                amount: Rupiah::new(required_number(&l.amount, "amount", ErrorCode::LineAmount)?),
            })
        })
        .collect::<Result<Vec<_>, AppError>>()?;
    let services = services()?;
    let invoice = invoices::issue(
        &services.pool,
        InvoiceInput {
            customer_id,
            due_date,
            lines,
        },
        invoices::Issuing::from_config(&services.config),
        services.today(),
        caller.principal.actor(),
    )
    .await?;
    Ok(invoice.number)
}

/// A payment at the counter as the payment forms post it: the amount as typed, cash or
/// transfer, an optional note and the transfer's reference.
#[cfg(feature = "ssr")]
fn counter_payment(
    amount: String,
    method: String,
    note: String,
    request_key: String,
    reference: String,
) -> Result<domain::model::invoices::PaymentInput, AppError> {
    use crate::pages::fields::{optional_text, required_number};
    use domain::ErrorCode;
    let amount = required_number(&amount, "amount", ErrorCode::PaymentAmount)?;
    let method = match method.as_str() {
        "cash" => PaymentMethod::Cash,
        "transfer" => PaymentMethod::Transfer,
        _ => {
            return Err(AppError::invalid(
                "method",
                ErrorCode::PaymentMethod,
                "the counter takes cash or transfer",
            ));
        }
    };
    Ok(domain::model::invoices::PaymentInput {
        amount: Rupiah::new(amount),
        method,
        note: optional_text(note),
        request_key,
        reference: optional_text(reference),
    })
}

/// Takes a payment at the counter; answers with the payment's id, for its receipt. The
/// request key (made when the form was shown) makes a second tap the same payment.
#[server(prefix = "/rpc")]
pub async fn take_payment(
    invoice_id: i64,
    amount: String,
    method: String,
    note: String,
    request_key: String,
    reference: String,
) -> Result<i64, AppError> {
    use crate::auth::ssr::{require, services};
    let caller = require(&[domain::Role::Admin, domain::Role::Staff]).await?;
    let input = counter_payment(amount, method, note, request_key, reference)?;
    let services = services()?;
    let receipt = billing::money::payments::pay_at_counter(
        &services.pool,
        invoice_id,
        input,
        services.today(),
        caller.principal.actor(),
    )
    .await?;
    Ok(receipt.payment_id)
}

/// Takes a payment toward the customer's balance (their debt) at the counter; answers with the
/// payment's id, for its receipt. A cashier takes at most the debt.
#[server(prefix = "/rpc")]
pub async fn pay_debt(
    customer_id: i64,
    amount: String,
    method: String,
    note: String,
    request_key: String,
    reference: String,
) -> Result<i64, AppError> {
    use crate::auth::ssr::{require, services};
    let caller = require(&[domain::Role::Admin, domain::Role::Staff]).await?;
    let input = counter_payment(amount, method, note, request_key, reference)?;
    let services = services()?;
    let receipt = billing::money::payments::pay_toward_balance(
        &services.pool,
        customer_id,
        input,
        services.today(),
        caller.principal.actor(),
    )
    .await?;
    Ok(receipt.payment_id)
}

/// Cancels an invoice that has no payment; what it took from the balance goes back.
#[server(prefix = "/rpc")]
pub async fn void_invoice(invoice_id: i64, reason: String) -> Result<(), AppError> {
    use crate::auth::ssr::{require, services};
    let caller = require(&[domain::Role::Admin]).await?;
    let services = services()?;
    billing::money::invoices::void(
        &services.pool,
        invoice_id,
        &reason,
        services.config.timezone,
        services.today(),
        caller.principal.actor(),
    )
    .await?;
    Ok(())
}

/// Undoes a payment recorded in error.
#[server(prefix = "/rpc")]
pub async fn reverse_payment(payment_id: i64, reason: String) -> Result<(), AppError> {
    use crate::auth::ssr::{require, services};
    let caller = require(&[domain::Role::Admin]).await?;
    let services = services()?;
    billing::money::payments::reverse(
        &services.pool,
        payment_id,
        &reason,
        services.today(),
        caller.principal.actor(),
    )
    .await?;
    Ok(())
}

/// Changes a balance by hand: `kind` `credit` adds credit, `debt` adds debt, `refund` pays
/// credit out.
#[server(prefix = "/rpc")]
pub async fn change_balance(
    customer_id: i64,
    kind: String,
    amount: String,
    reason: String,
) -> Result<(), AppError> {
    use crate::auth::ssr::{require, services};
    use crate::pages::fields::required_number;
    use billing::money::payments;
    use domain::ErrorCode;
    use domain::model::customers::{AdjustmentInput, RefundInput};
    let caller = require(&[domain::Role::Admin]).await?;
    let services = services()?;
    let pool = &services.pool;
    let today = services.today();
    let actor = caller.principal.actor();
    let code = if kind == "refund" {
        ErrorCode::RefundAmount
    } else {
        ErrorCode::AdjustmentAmount
    };
    let amount = Rupiah::new(required_number(&amount, "amount", code)?);
    match kind.as_str() {
        "credit" => payments::adjust(
            pool,
            customer_id,
            AdjustmentInput { amount, reason },
            today,
            actor,
        )
        .await
        .map(drop)?,
        "debt" => payments::adjust(
            pool,
            customer_id,
            AdjustmentInput {
                amount: -amount,
                reason,
            },
            today,
            actor,
        )
        .await
        .map(drop)?,
        "refund" => payments::refund(
            pool,
            customer_id,
            RefundInput { amount, reason },
            today,
            actor,
        )
        .await
        .map(drop)?,
        _ => {
            return Err(AppError::invalid(
                "kind",
                ErrorCode::AdjustmentAmount,
                "choose credit, debt or refund",
            ));
        }
    }
    Ok(())
}

/// Sets the password the customer logs in to the portal with; wherever they were logged in
/// (with the old password), they log in again.
#[server(prefix = "/rpc")]
pub async fn set_portal_password(customer_id: i64, password: String) -> Result<(), AppError> {
    use crate::auth::ssr::{require, services};
    use billing::identity::principal::PrincipalKind;
    let caller = require(&[domain::Role::Admin]).await?;
    let services = services()?;
    billing::money::customers::set_portal_password(
        &services.pool,
        customer_id,
        password.into(),
        caller.principal.actor(),
    )
    .await?;
    services
        .auth
        .sessions()
        .revoke_all(&PrincipalKind::Customer.subject(customer_id))
        .await
        .map_err(|e| {
            tracing::warn!(error = %e, "cannot end the customer's sessions");
            AppError::Unavailable
        })?;
    Ok(())
}
