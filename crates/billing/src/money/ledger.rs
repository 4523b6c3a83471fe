//! The balance ledger: every change of a customer's balance is a row here, written in the same
//! transaction as its cause while the customer row is locked; `customers.balance` is the running
//! sum, updated with each row.

use crate::money::error::MoneyError;
use chrono::NaiveDate;
use domain::Rupiah;
use domain::model::customers::{Ledger, LedgerEntry, LedgerKind};
use sqlx::{PgConnection, PgPool};
use std::collections::HashMap;

/// A customer row held with `FOR UPDATE` for the rest of the transaction, as invoices copy it.
#[derive(Debug, Clone)]
pub(crate) struct LockedCustomer {
    pub id: i64,
    pub name: String,
    pub whatsapp: String,
    pub address: Option<String>,
    pub status: String,
    pub balance: Rupiah,
    /// Since when its debt is owed (none without debt).
    pub debt_since: Option<NaiveDate>,
}

/// Locks the customer: every balance change of one customer happens one after another.
pub(crate) async fn lock_customer(
    conn: &mut PgConnection,
    customer_id: i64,
) -> Result<LockedCustomer, MoneyError> {
    sqlx::query_as!(
        LockedCustomer,
        r#"SELECT id, name, whatsapp, address, status, balance AS "balance: Rupiah", debt_since
           FROM customers WHERE id = $1 FOR UPDATE"#,
        customer_id
    )
    .fetch_optional(conn)
    .await?
    .ok_or(MoneyError::CustomerNotFound)
}

/// Locks several customers at once, in id order (the order every batch takes them in), for
/// work that changes many balances in one transaction (the invoice run).
pub(crate) async fn lock_customers(
    conn: &mut PgConnection,
    ids: &[i64],
) -> Result<HashMap<i64, LockedCustomer>, MoneyError> {
    Ok(sqlx::query_as!(
        LockedCustomer,
        r#"SELECT id, name, whatsapp, address, status, balance AS "balance: Rupiah", debt_since
           FROM customers WHERE id = ANY($1) ORDER BY id FOR UPDATE"#,
        ids
    )
    .fetch_all(conn)
    .await?
    .into_iter()
    .map(|c| (c.id, c))
    .collect())
}

/// What a ledger row is about.
#[derive(Debug, Clone, Copy, Default)]
pub(crate) struct Cause<'a> {
    pub invoice_id: Option<i64>,
    pub payment_id: Option<i64>,
    pub note: Option<&'a str>,
    pub staff_id: Option<i64>,
    /// The day debt this row makes is owed from (a partial payment's: its invoice's; an
    /// adjustment's or a reversal's: the day it is made). Older debt keeps its day.
    pub owed_from: Option<NaiveDate>,
}

/// Since when a customer with balance `after` owes it: none without debt; the day already
/// recorded while the debt lasts; else the day the new debt is owed from.
pub(crate) fn debt_since(
    after: Rupiah,
    recorded: Option<NaiveDate>,
    owed_from: Option<NaiveDate>,
    today: NaiveDate,
) -> Option<NaiveDate> {
    if !after.is_negative() {
        return None;
    }
    match (recorded, owed_from) {
        (Some(r), Some(o)) => Some(r.min(o)),
        (Some(r), None) => Some(r),
        (None, o) => Some(o.unwrap_or(today)),
    }
}

/// Writes a balance change (nothing for zero) and moves the customer's running balance, and
/// the day their debt is owed from. `today` is the business's day.
pub(crate) async fn post(
    conn: &mut PgConnection,
    customer: &mut LockedCustomer,
    amount: Rupiah,
    kind: LedgerKind,
    cause: Cause<'_>,
    today: NaiveDate,
) -> Result<(), MoneyError> {
    if amount == Rupiah::ZERO {
        return Ok(());
    }
    let after = customer.balance + amount;
    let since = debt_since(after, customer.debt_since, cause.owed_from, today);
    sqlx::query!(
        "INSERT INTO balance_ledger (customer_id, amount, balance_after, kind, invoice_id, payment_id,
                                     note, created_by)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
        customer.id,
        amount.amount(),
        after.amount(),
        kind.as_str(),
        cause.invoice_id,
        cause.payment_id,
        cause.note,
        cause.staff_id
    )
    .execute(&mut *conn)
    .await?;
    sqlx::query!(
        "UPDATE customers SET balance = $2, debt_since = $3, updated_at = now() WHERE id = $1",
        customer.id,
        after.amount(),
        since
    )
    .execute(&mut *conn)
    .await?;
    customer.balance = after;
    customer.debt_since = since;
    Ok(())
}

/// A customer's balance and its history, newest first (at most `limit` rows).
pub async fn ledger(pool: &PgPool, customer_id: i64, limit: i64) -> Result<Ledger, MoneyError> {
    let balance = sqlx::query_scalar!(
        r#"SELECT balance AS "balance: Rupiah" FROM customers WHERE id = $1"#,
        customer_id
    )
    .fetch_optional(pool)
    .await?
    .ok_or(MoneyError::CustomerNotFound)?;
    let entries = sqlx::query!(
        r#"SELECT l.id, l.amount, l.balance_after, l.kind, l.invoice_id, i.number AS "invoice_number?",
                  l.payment_id, l.note, l.created_at
           FROM balance_ledger l LEFT JOIN invoices i ON i.id = l.invoice_id
           WHERE l.customer_id = $1 ORDER BY l.id DESC LIMIT $2"#,
        customer_id,
        limit.clamp(1, 1000)
    )
    .fetch_all(pool)
    .await?
    .into_iter()
    .map(|r| LedgerEntry {
        id: r.id,
        amount: Rupiah::new(r.amount),
        balance_after: Rupiah::new(r.balance_after),
        kind: LedgerKind::parse(&r.kind).expect("the kind CHECK admits only known kinds"),
        invoice_number: r.invoice_number,
        invoice_id: r.invoice_id,
        payment_id: r.payment_id,
        note: r.note,
        created_at: r.created_at,
    })
    .collect();
    Ok(Ledger { balance, entries })
}

/// Checks that every customer's balance is the sum of their ledger rows, records the outcome
/// (`ledger_checks`, which the health report reads) and audits each mismatch. Returns how many
/// customers differ.
pub async fn verify(pool: &PgPool) -> Result<u64, MoneyError> {
    let mut tx = pool.begin().await?;
    let customers = sqlx::query_scalar!(r#"SELECT count(*) AS "n!" FROM customers"#)
        .fetch_one(&mut *tx)
        .await?;
    let mismatches = sqlx::query!(
        r#"SELECT c.id, c.balance, COALESCE(l.sum, 0)::BIGINT AS "ledger!"
           FROM customers c
           LEFT JOIN (SELECT customer_id, sum(amount) AS sum FROM balance_ledger GROUP BY customer_id) l
                  ON l.customer_id = c.id
           WHERE c.balance <> COALESCE(l.sum, 0)
           ORDER BY c.id"#
    )
    .fetch_all(&mut *tx)
    .await?;
    let details: Vec<serde_json::Value> = mismatches
        .iter()
        .map(|m| serde_json::json!({ "customer": m.id, "balance": m.balance, "ledger": m.ledger }))
        .collect();
    sqlx::query!(
        "INSERT INTO ledger_checks (customers, mismatches, details) VALUES ($1, $2, $3)",
        customers,
        mismatches.len() as i64,
        serde_json::Value::Array(details.clone())
    )
    .execute(&mut *tx)
    .await?;
    for detail in details {
        crate::core::audit::record(
            &mut *tx,
            crate::core::audit::Actor::System,
            "ledger.mismatch",
            Some(("customer", detail["customer"].to_string())),
            detail,
        )
        .await?;
    }
    tx.commit().await?;
    Ok(mismatches.len() as u64)
}
