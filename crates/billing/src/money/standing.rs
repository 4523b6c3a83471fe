//! A customer's standing: what they owe and since when, and what that means for their service.
//!
//! An unpaid invoice is owed from its `owed_since` (its due date, or the due date of the debt it
//! carries); debt left by a partial payment (a negative balance) is owed from the due date of
//! the invoice it came from (`customers.debt_since`). A customer who owes anything `grace_days`
//! past that day has every active subscription isolated; once nothing due is owed (no debt, no
//! unpaid invoice owed since today or before) their isolated subscriptions are resumed. The debt
//! is the customer's: it isolates each of their subscriptions, and paying part of it resumes
//! nothing.
//!
//! Every decision is taken with the customer's row locked (as payments lock it), so a payment
//! committing meanwhile is seen: isolation and resumption never act on a stale view.

use crate::money::error::MoneyError;
use crate::money::ledger::{self, LockedCustomer};
use crate::pppoe::subscriptions;
use chrono::NaiveDate;
use domain::Rupiah;
use sqlx::{PgConnection, PgPool};

/// Whether the customer (locked) owes anything owed since `day` or before.
async fn owes_since(
    conn: &mut PgConnection,
    customer: &LockedCustomer,
    day: NaiveDate,
) -> Result<bool, MoneyError> {
    if customer.balance.is_negative() && customer.debt_since.is_some_and(|since| since <= day) {
        return Ok(true);
    }
    Ok(sqlx::query_scalar!(
        r#"SELECT EXISTS (SELECT 1 FROM invoices
                          WHERE customer_id = $1 AND status = 'unpaid' AND owed_since <= $2) AS "owes!""#,
        customer.id,
        day
    )
    .fetch_one(conn)
    .await?)
}

/// Resumes the customer's isolated subscriptions if nothing due is owed on `today`. Runs in the
/// caller's transaction, with the customer locked; called after every change that can lower
/// what they owe (a payment, a void, an adjustment).
pub(crate) async fn resume_if_clear(
    conn: &mut PgConnection,
    customer: &LockedCustomer,
    today: NaiveDate,
    why: &str,
) -> Result<Vec<i64>, MoneyError> {
    if owes_since(conn, customer, today).await? {
        return Ok(Vec::new());
    }
    Ok(
        subscriptions::resume_customers(conn, customer.id, serde_json::json!({ "reason": why }))
            .await?,
    )
}

/// The isolation run (hourly): isolates every active subscription of each customer who owes
/// money `grace_days` past its due date on `today`. Returns the subscriptions isolated.
pub async fn isolate_overdue(
    pool: &PgPool,
    today: NaiveDate,
    grace_days: u32,
) -> Result<Vec<i64>, MoneyError> {
    // Owed since before this day (strictly): past due + grace.
    let last_owed = today - chrono::Days::new(u64::from(grace_days) + 1);
    let mut tx = pool.begin().await?;
    let candidates: Vec<i64> = sqlx::query_scalar!(
        r#"SELECT DISTINCT s.customer_id AS "id!" FROM subscriptions s JOIN customers c ON c.id = s.customer_id
           WHERE s.status = 'active'
             AND (c.debt_since <= $1
                  OR EXISTS (SELECT 1 FROM invoices i WHERE i.customer_id = c.id
                             AND i.status = 'unpaid' AND i.owed_since <= $1))
           ORDER BY 1"#,
        last_owed
    )
    .fetch_all(&mut *tx)
    .await?;
    if candidates.is_empty() {
        return Ok(Vec::new());
    }
    // The customers are locked (in id order, as every batch takes them) and asked again: a
    // payment that committed meanwhile has its say.
    let customers = ledger::lock_customers(&mut tx, &candidates).await?;
    let mut overdue = Vec::new();
    for id in &candidates {
        if let Some(customer) = customers.get(id)
            && owes_since(&mut tx, customer, last_owed).await?
        {
            overdue.push(*id);
        }
    }
    let isolated = subscriptions::isolate_customers(
        &mut tx,
        &overdue,
        serde_json::json!({ "reason": "overdue", "grace_days": grace_days }),
    )
    .await?;
    tx.commit().await?;
    Ok(isolated)
}

/// What the customer owes in all: what their unpaid invoices still ask for, and their debt.
pub async fn owed_in_all(pool: &PgPool, customer_id: i64) -> Result<Rupiah, MoneyError> {
    let owed = sqlx::query_scalar!(
        r#"SELECT (COALESCE((SELECT sum(total - amount_paid) FROM invoices
                             WHERE customer_id = c.id AND status = 'unpaid'), 0)
                   + GREATEST(-c.balance, 0))::BIGINT AS "owed!"
           FROM customers c WHERE c.id = $1"#,
        customer_id
    )
    .fetch_optional(pool)
    .await?
    .ok_or(MoneyError::CustomerNotFound)?;
    Ok(Rupiah::new(owed))
}
