//! Payments and the one settlement function every payment goes through (the counter now, online
//! gateways later): idempotent by the client's request key, the customer and the invoice locked,
//! the invoice settled at once (paid, or partial with the shortfall moved to the balance as
//! debt, the excess of an overpayment moved to it as credit). Reversals, refunds and adjustments
//! are ledger rows too.

use crate::core::audit::{self, Actor};
use crate::money::error::{MoneyError, invalid, reason};
use crate::money::invoices::lock_invoice;
use crate::money::ledger::{self, Cause};
use crate::money::standing;
use chrono::NaiveDate;
use domain::model::customers::{AdjustmentInput, LedgerKind, RefundInput};
use domain::model::invoices::{
    InvoiceStatus, PaymentInput, PaymentMethod, PaymentReceipt, PaymentRecord, PaymentStatus,
};
use domain::settlement::Settlement;
use domain::{ErrorCode, Rupiah};
use sqlx::{PgConnection, PgPool};

const MAX_PAYMENT: i64 = 1_000_000_000;

/// A payment to settle, checked.
#[derive(Debug, Clone)]
pub struct SettleRequest {
    pub invoice_id: i64,
    pub amount: Rupiah,
    pub method: PaymentMethod,
    pub note: Option<String>,
    pub request_key: String,
    pub gateway_reference: Option<String>,
    /// A transfer's reference at the counter.
    pub reference: Option<String>,
}

fn check(invoice_id: i64, input: PaymentInput) -> Result<SettleRequest, MoneyError> {
    if !(1..=MAX_PAYMENT).contains(&input.amount.amount()) {
        return Err(invalid(
            "amount",
            ErrorCode::PaymentAmount,
            "the amount is Rp 1 to Rp 1.000.000.000",
        ));
    }
    if input.method == PaymentMethod::Duitku {
        return Err(invalid(
            "method",
            ErrorCode::PaymentMethod,
            "the counter takes cash or transfer",
        ));
    }
    let key = input.request_key.trim();
    if !(8..=64).contains(&key.len())
        || !key
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
    {
        return Err(invalid(
            "request_key",
            ErrorCode::RequestKey,
            "request_key is 8–64 letters, digits, '-' or '_'",
        ));
    }
    let reference = input
        .reference
        .map(|r| r.trim().to_owned())
        .filter(|r| !r.is_empty());
    match (&reference, input.method) {
        (None, PaymentMethod::Transfer) => {
            return Err(invalid(
                "reference",
                ErrorCode::PaymentReference,
                "a transfer needs its reference (from the bank), to match it with the statement",
            ));
        }
        (Some(r), _) if r.chars().count() > 100 || r.chars().any(char::is_control) => {
            return Err(invalid(
                "reference",
                ErrorCode::PaymentReference,
                "a reference is at most 100 characters",
            ));
        }
        _ => {}
    }
    let note = input
        .note
        .map(|n| n.trim().to_owned())
        .filter(|n| !n.is_empty());
    if note
        .as_ref()
        .is_some_and(|n| n.chars().count() > 500 || n.chars().any(|c| c.is_control() && c != '\n'))
    {
        return Err(invalid(
            "note",
            ErrorCode::NotesTooLong,
            "a note is at most 500 characters",
        ));
    }
    Ok(SettleRequest {
        invoice_id,
        amount: input.amount,
        method: input.method,
        note,
        request_key: key.to_owned(),
        gateway_reference: None,
        reference,
    })
}

/// Takes a payment at the counter (cash or transfer) for an unpaid invoice.
pub async fn pay_at_counter(
    pool: &PgPool,
    invoice_id: i64,
    input: PaymentInput,
    today: NaiveDate,
    actor: Actor,
) -> Result<PaymentReceipt, MoneyError> {
    let request = check(invoice_id, input)?;
    settle(pool, request, today, actor).await
}

/// The settlement function. The same request key again answers with that payment as it is now;
/// the same key for another invoice, amount or method is refused. `today` is the business's day:
/// once nothing due is owed on it, the customer's isolated subscriptions are served again.
pub async fn settle(
    pool: &PgPool,
    request: SettleRequest,
    today: NaiveDate,
    actor: Actor,
) -> Result<PaymentReceipt, MoneyError> {
    if let Some(receipt) = replay(pool, &request).await? {
        return Ok(receipt);
    }
    let mut tx = pool.begin().await?;
    let (mut customer, invoice) = lock_invoice(&mut tx, request.invoice_id).await?;
    let status = invoice.status();
    if status != InvoiceStatus::Unpaid {
        drop(tx);
        // The same key may have settled it a moment ago, in another request.
        return match replay(pool, &request).await? {
            Some(receipt) => Ok(receipt),
            None => Err(MoneyError::NotPayable(status)),
        };
    }
    let due = invoice.total - invoice.amount_paid;
    let settlement = Settlement::of(due, request.amount);
    // A cashier takes at most what is due; credit beyond it is an admin's to give (it can be
    // refunded in cash).
    if matches!(settlement, Settlement::Over { .. }) && !may_give_credit(&mut tx, actor).await? {
        return Err(MoneyError::OverDue { due });
    }
    let staff_id = actor.staff_id();
    let payment_id = sqlx::query_scalar!(
        "INSERT INTO payments (invoice_id, customer_id, method, amount, request_key, note,
                               recorded_by, gateway_reference, reference)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)
         ON CONFLICT (request_key) DO NOTHING
         RETURNING id",
        invoice.id,
        customer.id,
        request.method.as_str(),
        request.amount.amount(),
        request.request_key,
        request.note,
        staff_id,
        request.gateway_reference,
        request.reference
    )
    .fetch_optional(&mut *tx)
    .await?;
    let Some(payment_id) = payment_id else {
        // Another request with this key committed first (for another invoice: this one is
        // locked by us).
        drop(tx);
        return replay(pool, &request)
            .await?
            .ok_or(MoneyError::RequestKeyReused);
    };
    let (new_status, applied, carried) = match settlement {
        Settlement::Exact => (InvoiceStatus::Paid, request.amount, Rupiah::ZERO),
        Settlement::Over { .. } => (InvoiceStatus::Paid, due, Rupiah::ZERO),
        Settlement::Partial { shortfall } => (InvoiceStatus::Partial, request.amount, shortfall),
    };
    sqlx::query!(
        "UPDATE invoices SET status = $2, amount_paid = amount_paid + $3, carried_to_balance = $4,
                paid_at = now(), updated_at = now()
         WHERE id = $1",
        invoice.id,
        new_status.as_str(),
        applied.amount(),
        carried.amount()
    )
    .execute(&mut *tx)
    .await?;
    let kind = match settlement {
        Settlement::Partial { .. } => LedgerKind::Shortfall,
        _ => LedgerKind::Excess,
    };
    ledger::post(
        &mut tx,
        &mut customer,
        settlement.balance_change(),
        kind,
        Cause {
            invoice_id: Some(invoice.id),
            payment_id: Some(payment_id),
            staff_id,
            // The shortfall stays owed from when the invoice was.
            owed_from: Some(invoice.owed_since),
            ..Cause::default()
        },
        today,
    )
    .await?;
    // Served again once nothing due is owed: a partial payment leaves debt that is due.
    standing::resume_if_clear(&mut tx, &customer, today, "paid").await?;
    audit::record(
        &mut *tx,
        actor,
        "payment.record",
        Some(("payment", payment_id.to_string())),
        serde_json::json!({ "invoice": invoice.number, "amount": request.amount.amount(),
                            "method": request.method.as_str(), "invoice_status": new_status.as_str() }),
    )
    .await?;
    tx.commit().await?;
    receipt(pool, payment_id).await
}

/// Whether the actor may turn a payment into credit: admins and the system, not cashiers.
async fn may_give_credit(conn: &mut PgConnection, actor: Actor) -> Result<bool, MoneyError> {
    let Some(staff_id) = actor.staff_id() else {
        return Ok(matches!(actor, Actor::System));
    };
    Ok(sqlx::query_scalar!(
        r#"SELECT role = 'admin' AS "admin!" FROM staff_users WHERE id = $1"#,
        staff_id
    )
    .fetch_optional(conn)
    .await?
    .unwrap_or(false))
}

/// The payment a request key already made, if it matches the request; 409 if it does not.
async fn replay(
    pool: &PgPool,
    request: &SettleRequest,
) -> Result<Option<PaymentReceipt>, MoneyError> {
    let existing = sqlx::query!(
        "SELECT id, invoice_id, amount, method FROM payments WHERE request_key = $1",
        request.request_key
    )
    .fetch_optional(pool)
    .await?;
    match existing {
        None => Ok(None),
        Some(p)
            if p.invoice_id == Some(request.invoice_id)
                && p.amount == request.amount.amount()
                && p.method == request.method.as_str() =>
        {
            Ok(Some(receipt(pool, p.id).await?))
        }
        Some(_) => Err(MoneyError::RequestKeyReused),
    }
}

/// A payment as its receipt shows it, with the invoice's and the balance's state now.
pub async fn receipt(pool: &PgPool, payment_id: i64) -> Result<PaymentReceipt, MoneyError> {
    let r = sqlx::query!(
        r#"SELECT p.id, p.invoice_id, i.number AS "number?", i.status AS "invoice_status?", p.amount, p.method,
                  p.status, c.balance, c.id AS customer_id, c.name, p.created_at, p.reference
           FROM payments p
           LEFT JOIN invoices i ON i.id = p.invoice_id
           JOIN customers c ON c.id = p.customer_id
           WHERE p.id = $1"#,
        payment_id
    )
    .fetch_optional(pool)
    .await?
    .ok_or(MoneyError::PaymentNotFound)?;
    Ok(PaymentReceipt {
        payment_id: r.id,
        invoice_id: r.invoice_id,
        invoice_number: r.number,
        invoice_status: r
            .invoice_status
            .as_deref()
            .map(|s| InvoiceStatus::parse(s).expect("known status")),
        amount: Rupiah::new(r.amount),
        method: PaymentMethod::parse(&r.method).expect("known method"),
        status: payment_status(&r.status),
        balance: Rupiah::new(r.balance),
        customer_id: r.customer_id,
        customer_name: r.name,
        recorded_at: r.created_at,
        reference: r.reference,
    })
}

/// A customer's payments, newest first, reversed ones included.
pub async fn of_customer(
    pool: &PgPool,
    customer_id: i64,
    limit: i64,
) -> Result<Vec<PaymentRecord>, MoneyError> {
    let rows = sqlx::query!(
        r#"SELECT p.id, p.invoice_id, i.number AS "number?", p.amount, p.method, p.status, p.note,
                  p.created_at, p.reversal_reason, p.reference
           FROM payments p
           LEFT JOIN invoices i ON i.id = p.invoice_id
           WHERE p.customer_id = $1
           ORDER BY p.id DESC
           LIMIT $2"#,
        customer_id,
        limit.clamp(1, 200)
    )
    .fetch_all(pool)
    .await?;
    Ok(rows
        .into_iter()
        .map(|r| PaymentRecord {
            id: r.id,
            invoice_id: r.invoice_id,
            invoice_number: r.number,
            amount: Rupiah::new(r.amount),
            method: PaymentMethod::parse(&r.method).expect("known method"),
            status: payment_status(&r.status),
            note: r.note,
            recorded_at: r.created_at,
            reversal_reason: r.reversal_reason,
            reference: r.reference,
        })
        .collect())
}

fn payment_status(stored: &str) -> PaymentStatus {
    if stored == "reversed" {
        PaymentStatus::Reversed
    } else {
        PaymentStatus::Settled
    }
}

/// Undoes a payment recorded in error: the balance change its settlement made is reversed (a
/// ledger row), the invoice is unpaid again, the payment stays on record as reversed.
pub async fn reverse(
    pool: &PgPool,
    payment_id: i64,
    why: &str,
    today: NaiveDate,
    actor: Actor,
) -> Result<PaymentReceipt, MoneyError> {
    let why = reason(why)?;
    let found = sqlx::query!(
        "SELECT invoice_id, customer_id FROM payments WHERE id = $1",
        payment_id
    )
    .fetch_optional(pool)
    .await?
    .ok_or(MoneyError::PaymentNotFound)?;
    let Some(invoice_id) = found.invoice_id else {
        return reverse_balance_payment(pool, payment_id, found.customer_id, &why, today, actor)
            .await;
    };
    let mut tx = pool.begin().await?;
    let (mut customer, invoice) = lock_invoice(&mut tx, invoice_id).await?;
    let payment = sqlx::query!(
        "SELECT amount, status FROM payments WHERE id = $1 FOR UPDATE",
        payment_id
    )
    .fetch_one(&mut *tx)
    .await?;
    if payment.status == "reversed" {
        return Err(MoneyError::AlreadyReversed);
    }
    // What the settlement did to the balance, from the invoice as it settled.
    let settled = Settlement::of(invoice.total, Rupiah::new(payment.amount));
    let staff_id = actor.staff_id();
    ledger::post(
        &mut tx,
        &mut customer,
        -settled.balance_change(),
        LedgerKind::Reversal,
        Cause {
            invoice_id: Some(invoice_id),
            payment_id: Some(payment_id),
            note: Some(&why),
            staff_id,
            owed_from: None,
        },
        today,
    )
    .await?;
    sqlx::query!(
        "UPDATE payments SET status = 'reversed', reversed_at = now(), reversed_by = $2,
                reversal_reason = $3
         WHERE id = $1",
        payment_id,
        staff_id,
        why
    )
    .execute(&mut *tx)
    .await?;
    reopen(&mut tx, invoice_id).await?;
    audit::record(
        &mut *tx,
        actor,
        "payment.reverse",
        Some(("payment", payment_id.to_string())),
        serde_json::json!({ "invoice": invoice.number, "amount": payment.amount, "reason": why }),
    )
    .await?;
    tx.commit().await?;
    receipt(pool, payment_id).await
}

/// Undoes a payment toward the balance: the balance loses what it gave.
async fn reverse_balance_payment(
    pool: &PgPool,
    payment_id: i64,
    customer_id: i64,
    why: &str,
    today: NaiveDate,
    actor: Actor,
) -> Result<PaymentReceipt, MoneyError> {
    let mut tx = pool.begin().await?;
    let mut customer = ledger::lock_customer(&mut tx, customer_id).await?;
    let payment = sqlx::query!(
        "SELECT amount, status FROM payments WHERE id = $1 FOR UPDATE",
        payment_id
    )
    .fetch_one(&mut *tx)
    .await?;
    if payment.status == "reversed" {
        return Err(MoneyError::AlreadyReversed);
    }
    let staff_id = actor.staff_id();
    ledger::post(
        &mut tx,
        &mut customer,
        -Rupiah::new(payment.amount),
        LedgerKind::Reversal,
        Cause {
            payment_id: Some(payment_id),
            note: Some(why),
            staff_id,
            ..Cause::default()
        },
        today,
    )
    .await?;
    sqlx::query!(
        "UPDATE payments SET status = 'reversed', reversed_at = now(), reversed_by = $2,
                reversal_reason = $3
         WHERE id = $1",
        payment_id,
        staff_id,
        why
    )
    .execute(&mut *tx)
    .await?;
    audit::record(
        &mut *tx,
        actor,
        "payment.reverse",
        Some(("payment", payment_id.to_string())),
        serde_json::json!({ "toward": "balance", "amount": payment.amount, "reason": why }),
    )
    .await?;
    tx.commit().await?;
    receipt(pool, payment_id).await
}

/// A payment toward the customer's balance at the counter: their debt (a partial payment's
/// rest, an adjustment), payable at once without waiting for an invoice to carry it. The same
/// request key again answers with the same payment. A cashier takes at most the debt; an admin
/// may take more, which becomes credit. Once nothing due is owed, isolated subscriptions are
/// served again.
pub async fn pay_toward_balance(
    pool: &PgPool,
    customer_id: i64,
    input: PaymentInput,
    today: NaiveDate,
    actor: Actor,
) -> Result<PaymentReceipt, MoneyError> {
    let request = check(0, input)?;
    let replayed = |p: Option<(i64, Option<i64>, i64, i64, String)>| match p {
        None => Ok(None),
        Some((id, None, customer, amount, method))
            if customer == customer_id
                && amount == request.amount.amount()
                && method == request.method.as_str() =>
        {
            Ok(Some(id))
        }
        Some(_) => Err(MoneyError::RequestKeyReused),
    };
    let find = || async {
        Ok::<_, MoneyError>(
            sqlx::query!(
                "SELECT id, invoice_id, customer_id, amount, method FROM payments WHERE request_key = $1",
                request.request_key
            )
            .fetch_optional(pool)
            .await?
            .map(|p| (p.id, p.invoice_id, p.customer_id, p.amount, p.method)),
        )
    };
    if let Some(id) = replayed(find().await?)? {
        return receipt(pool, id).await;
    }
    let mut tx = pool.begin().await?;
    let mut customer = ledger::lock_customer(&mut tx, customer_id).await?;
    let debt = (-customer.balance).max(Rupiah::ZERO);
    if request.amount > debt && !may_give_credit(&mut tx, actor).await? {
        return Err(MoneyError::OverDue { due: debt });
    }
    let staff_id = actor.staff_id();
    let payment_id = sqlx::query_scalar!(
        "INSERT INTO payments (invoice_id, customer_id, method, amount, request_key, note,
                               recorded_by, reference)
         VALUES (NULL, $1, $2, $3, $4, $5, $6, $7)
         ON CONFLICT (request_key) DO NOTHING
         RETURNING id",
        customer.id,
        request.method.as_str(),
        request.amount.amount(),
        request.request_key,
        request.note,
        staff_id,
        request.reference
    )
    .fetch_optional(&mut *tx)
    .await?;
    let Some(payment_id) = payment_id else {
        drop(tx);
        return match replayed(find().await?)? {
            Some(id) => receipt(pool, id).await,
            None => Err(MoneyError::RequestKeyReused),
        };
    };
    ledger::post(
        &mut tx,
        &mut customer,
        request.amount,
        LedgerKind::Payment,
        Cause {
            payment_id: Some(payment_id),
            note: request.reference.as_deref(),
            staff_id,
            ..Cause::default()
        },
        today,
    )
    .await?;
    standing::resume_if_clear(&mut tx, &customer, today, "paid").await?;
    audit::record(
        &mut *tx,
        actor,
        "payment.record",
        Some(("payment", payment_id.to_string())),
        serde_json::json!({ "toward": "balance", "customer": customer.id,
                            "amount": request.amount.amount(), "method": request.method.as_str() }),
    )
    .await?;
    tx.commit().await?;
    receipt(pool, payment_id).await
}

/// An invoice whose payment was reversed asks for its total again.
async fn reopen(conn: &mut PgConnection, invoice_id: i64) -> Result<(), MoneyError> {
    sqlx::query!(
        "UPDATE invoices SET status = 'unpaid', amount_paid = 0, carried_to_balance = 0,
                paid_at = NULL, updated_at = now()
         WHERE id = $1",
        invoice_id
    )
    .execute(conn)
    .await?;
    Ok(())
}

/// Pays credit out to a customer: at most their credit.
pub async fn refund(
    pool: &PgPool,
    customer_id: i64,
    input: RefundInput,
    today: NaiveDate,
    actor: Actor,
) -> Result<Rupiah, MoneyError> {
    let why = reason(&input.reason)?;
    if input.amount <= Rupiah::ZERO {
        return Err(invalid(
            "amount",
            ErrorCode::RefundAmount,
            "a refund is a positive amount",
        ));
    }
    let change = BalanceChange {
        amount: -input.amount,
        audited: input.amount,
        kind: LedgerKind::Refund,
        action: "customer.refund",
        why: &why,
    };
    by_hand(pool, customer_id, change, today, actor, |customer| {
        if input.amount > customer.balance {
            Err(MoneyError::RefundOverCredit {
                credit: customer.balance.max(Rupiah::ZERO),
            })
        } else {
            Ok(())
        }
    })
    .await
}

/// An admin's change to a balance, with a reason: positive gives credit, negative adds debt.
pub async fn adjust(
    pool: &PgPool,
    customer_id: i64,
    input: AdjustmentInput,
    today: NaiveDate,
    actor: Actor,
) -> Result<Rupiah, MoneyError> {
    let why = reason(&input.reason)?;
    if input.amount == Rupiah::ZERO || input.amount.amount().unsigned_abs() > MAX_PAYMENT as u64 {
        return Err(invalid(
            "amount",
            ErrorCode::AdjustmentAmount,
            "an adjustment is not zero and at most Rp 1.000.000.000 either way",
        ));
    }
    let change = BalanceChange {
        amount: input.amount,
        audited: input.amount,
        kind: LedgerKind::Adjustment,
        action: "customer.adjust",
        why: &why,
    };
    by_hand(pool, customer_id, change, today, actor, |_| Ok(())).await
}

/// A balance change made by hand (a refund, an adjustment), with its reason.
struct BalanceChange<'a> {
    /// What the balance moves by.
    amount: Rupiah,
    /// The amount as the request gave it, for the audit log.
    audited: Rupiah,
    kind: LedgerKind,
    /// The audit log's action.
    action: &'static str,
    why: &'a str,
}

/// Writes `change` for the locked customer once `allowed` agrees, with its audit entry, in one
/// transaction; returns the balance after it.
async fn by_hand(
    pool: &PgPool,
    customer_id: i64,
    change: BalanceChange<'_>,
    today: NaiveDate,
    actor: Actor,
    allowed: impl FnOnce(&ledger::LockedCustomer) -> Result<(), MoneyError>,
) -> Result<Rupiah, MoneyError> {
    let mut tx = pool.begin().await?;
    let mut customer = ledger::lock_customer(&mut tx, customer_id).await?;
    allowed(&customer)?;
    ledger::post(
        &mut tx,
        &mut customer,
        change.amount,
        change.kind,
        Cause {
            note: Some(change.why),
            staff_id: actor.staff_id(),
            ..Cause::default()
        },
        today,
    )
    .await?;
    if change.amount.is_positive() {
        standing::resume_if_clear(&mut tx, &customer, today, "credit").await?;
    }
    audit::record(
        &mut *tx,
        actor,
        change.action,
        Some(("customer", customer_id.to_string())),
        serde_json::json!({ "amount": change.audited.amount(), "reason": change.why }),
    )
    .await?;
    tx.commit().await?;
    Ok(customer.balance)
}
