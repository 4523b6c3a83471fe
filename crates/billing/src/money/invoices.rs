//! Invoices: issued frozen (lines, prices, the customer's name and address copied), numbered
//! `INV-YYYYMM-NNNNN` per month of issue without gaps, taking the customer's balance with them;
//! voided with a reason, giving back what they took from the balance.

use crate::core::audit::{self, Actor};
use crate::money::error::{MoneyError, invalid, reason};
use crate::money::ledger::{self, Cause, LockedCustomer};
use chrono::{DateTime, NaiveDate, Utc};
use chrono_tz::Tz;
use domain::model::customers::LedgerKind;
use domain::model::invoices::{
    Invoice, InvoiceInput, InvoiceLine, InvoicePage, InvoiceStatus, LineKind,
};
use domain::settlement::{Carried, Tax, TaxRule};
use domain::{ErrorCode, Rupiah};
use sqlx::{PgConnection, PgPool};

/// The most a line may charge: Rp 100,000,000.
const MAX_LINE: i64 = 100_000_000;

/// How invoices are issued here: the tax, and the days of the business.
#[derive(Debug, Clone, Copy)]
pub struct Issuing {
    pub tax: TaxRule,
    pub timezone: Tz,
    /// Days from issue to the due date when none is given.
    pub due_days: u32,
}

impl Issuing {
    /// As the configuration says (`invoices.*`, `timezone`).
    pub fn from_config(config: &crate::Config) -> Issuing {
        Issuing {
            tax: TaxRule {
                basis_points: config.invoices.tax_basis_points,
                prices_include_tax: config.invoices.prices_include_tax,
            },
            timezone: config.timezone,
            due_days: config.invoices.due_days,
        }
    }
}

/// A charge of a new invoice: what, and how much.
#[derive(Debug, Clone)]
pub struct Charge {
    pub description: String,
    pub amount: Rupiah,
}

/// What to issue, checked.
#[derive(Debug, Clone)]
pub struct NewInvoice {
    pub customer_id: i64,
    pub subscription_id: Option<i64>,
    pub period: Option<(NaiveDate, NaiveDate)>,
    pub due_date: Option<NaiveDate>,
    pub charges: Vec<Charge>,
}

/// Checks a manual invoice's lines.
pub fn parse_manual(input: InvoiceInput) -> Result<NewInvoice, MoneyError> {
    if input.lines.is_empty() || input.lines.len() > 50 {
        return Err(invalid(
            "lines",
            ErrorCode::InvoiceLines,
            "an invoice has 1 to 50 lines",
        ));
    }
    let mut charges = Vec::with_capacity(input.lines.len());
    for line in input.lines {
        let description = line.description.trim().to_owned();
        if description.is_empty()
            || description.chars().count() > 200
            || description.chars().any(char::is_control)
        {
            return Err(invalid(
                "lines",
                ErrorCode::LineDescription,
                "describe each line in 1 to 200 characters",
            ));
        }
        if !(1..=MAX_LINE).contains(&line.amount.amount()) {
            return Err(invalid(
                "lines",
                ErrorCode::LineAmount,
                "each line is Rp 1 to Rp 100.000.000",
            ));
        }
        charges.push(Charge {
            description,
            amount: line.amount,
        });
    }
    Ok(NewInvoice {
        customer_id: input.customer_id,
        subscription_id: None,
        period: None,
        due_date: input.due_date,
        charges,
    })
}

/// Issues a manual invoice in its own transaction.
pub async fn issue(
    pool: &PgPool,
    input: InvoiceInput,
    issuing: Issuing,
    today: NaiveDate,
    actor: Actor,
) -> Result<Invoice, MoneyError> {
    let new = parse_manual(input)?;
    let mut tx = pool.begin().await?;
    let id = issue_in(&mut tx, new, issuing, today, actor).await?;
    tx.commit().await?;
    get(pool, id, issuing.timezone).await
}

/// The next number of the month (`202612`), taken under a row lock held until the transaction
/// ends: a rolled-back issue gives its number back, two issues never share one.
async fn next_number(conn: &mut PgConnection, month: &str) -> Result<String, MoneyError> {
    let n = sqlx::query_scalar!(
        "INSERT INTO invoice_numbers (month, last) VALUES ($1, 1)
         ON CONFLICT (month) DO UPDATE SET last = invoice_numbers.last + 1
         RETURNING last",
        month
    )
    .fetch_one(conn)
    .await?;
    Ok(format!("INV-{month}-{n:05}"))
}

/// Issues an invoice within `conn`'s transaction: locks the customer, copies their details, adds
/// the tax line, carries the balance (credit as a negative line, debt as a line), numbers it and
/// writes the ledger row. Fully covered by credit, it is paid at once. Returns its id.
pub async fn issue_in(
    conn: &mut PgConnection,
    new: NewInvoice,
    issuing: Issuing,
    today: NaiveDate,
    actor: Actor,
) -> Result<i64, MoneyError> {
    let mut customer = ledger::lock_customer(conn, new.customer_id).await?;
    if customer.status == "closed" {
        return Err(MoneyError::CustomerClosed);
    }
    let now = moment_of(today, issuing.timezone);
    let due_date = match new.due_date {
        Some(date) if date < today => {
            return Err(invalid(
                "due_date",
                ErrorCode::DueDate,
                "the due date cannot be before the day of issue",
            ));
        }
        Some(date) => date,
        None => today + chrono::Days::new(u64::from(issuing.due_days)),
    };

    let number = next_number(conn, &today.format("%Y%m").to_string()).await?;
    let debt_from = if customer.balance.is_negative() {
        last_partial_number(conn, customer.id).await?
    } else {
        None
    };
    let charges: Vec<InvoiceLine> = new
        .charges
        .iter()
        .map(|c| InvoiceLine {
            kind: LineKind::Charge,
            description: c.description.clone(),
            amount: c.amount,
        })
        .collect();
    let Composed {
        lines,
        total,
        carried,
        status,
    } = compose(charges, issuing.tax, customer.balance, debt_from.as_deref());
    let owed_since = owed_since(due_date, &carried, customer.debt_since);
    let staff_id = actor.staff_id();
    let id = sqlx::query_scalar!(
        "INSERT INTO invoices (number, customer_id, subscription_id, status, customer_name,
                               customer_whatsapp, customer_address, period_start, period_end, total,
                               due_date, issued_at, issued_by, paid_at, owed_since)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15)
         RETURNING id",
        number,
        customer.id,
        new.subscription_id,
        status.as_str(),
        customer.name,
        customer.whatsapp,
        customer.address,
        new.period.map(|p| p.0),
        new.period.map(|p| p.1),
        total.amount(),
        due_date,
        now,
        staff_id,
        (status == InvoiceStatus::Paid).then_some(now),
        owed_since
    )
    .fetch_one(&mut *conn)
    .await?;
    let positions: Vec<i32> = (1..=lines.len() as i32).collect();
    let kinds: Vec<&str> = lines.iter().map(|l| l.kind.as_str()).collect();
    let descriptions: Vec<String> = lines.iter().map(|l| l.description.clone()).collect();
    let amounts: Vec<i64> = lines.iter().map(|l| l.amount.amount()).collect();
    sqlx::query!(
        "INSERT INTO invoice_lines (invoice_id, position, kind, description, amount)
         SELECT $1, * FROM UNNEST($2::INT[], $3::TEXT[], $4::TEXT[], $5::BIGINT[])",
        id,
        &positions,
        &kinds as &[&str],
        &descriptions,
        &amounts
    )
    .execute(&mut *conn)
    .await?;
    let kind = match carried {
        Carried::Debt(_) => LedgerKind::DebtBilled,
        _ => LedgerKind::CreditApplied,
    };
    ledger::post(
        conn,
        &mut customer,
        carried.balance_change(),
        kind,
        Cause {
            invoice_id: Some(id),
            staff_id,
            ..Cause::default()
        },
        today,
    )
    .await?;
    audit::record(
        &mut *conn,
        actor,
        "invoice.issue",
        Some(("invoice", id.to_string())),
        serde_json::json!({ "number": number, "customer_id": customer.id, "total": total.amount() }),
    )
    .await?;
    Ok(id)
}

/// The moment an invoice issued on `today` carries: now, when today is the business's day; else
/// noon of that day (a caller with its own clock: tests, a catch-up run).
pub(crate) fn moment_of(today: NaiveDate, timezone: Tz) -> DateTime<Utc> {
    let now = Utc::now();
    if now.with_timezone(&timezone).date_naive() == today {
        return now;
    }
    today
        .and_hms_opt(12, 0, 0)
        .and_then(|noon| noon.and_local_timezone(timezone).earliest())
        .map_or(now, |t| t.with_timezone(&Utc))
}

/// Since when an invoice due on `due_date` is owed: then, or earlier when it carries debt owed
/// since before.
pub(crate) fn owed_since(
    due_date: NaiveDate,
    carried: &Carried,
    debt_since: Option<NaiveDate>,
) -> NaiveDate {
    match (carried, debt_since) {
        (Carried::Debt(_), Some(since)) => since.min(due_date),
        _ => due_date,
    }
}

/// An invoice's lines and total from its charges, as every invoice is made (by hand or by the
/// monthly run): the charges, the PPN line, then the balance carried (credit as a negative line,
/// never below zero; debt as a line). Fully covered, it is paid at once.
pub(crate) struct Composed {
    pub lines: Vec<InvoiceLine>,
    pub total: Rupiah,
    pub carried: Carried,
    pub status: InvoiceStatus,
}

pub(crate) fn compose(
    charges: Vec<InvoiceLine>,
    tax: TaxRule,
    balance: Rupiah,
    debt_from: Option<&str>,
) -> Composed {
    let charged = charges.iter().fold(Rupiah::ZERO, |sum, c| sum + c.amount);
    let mut lines = charges;
    let tax_percent = percent(tax.basis_points);
    let mut own = charged;
    match tax.tax(charged) {
        Some(Tax::Added(tax)) => {
            own = own + tax;
            lines.push(InvoiceLine {
                kind: LineKind::Tax,
                description: format!("PPN {tax_percent}%"),
                amount: tax,
            });
        }
        Some(Tax::Included(tax)) => lines.push(InvoiceLine {
            kind: LineKind::TaxIncluded,
            description: format!("PPN {tax_percent}% (termasuk dalam harga)"),
            amount: tax,
        }),
        None => {}
    }
    let carried = Carried::from_balance(own, balance);
    match carried {
        Carried::Credit(amount) => lines.push(InvoiceLine {
            kind: LineKind::CreditApplied,
            description: "Saldo dipakai".to_owned(),
            amount: -amount,
        }),
        Carried::Debt(amount) => lines.push(InvoiceLine {
            kind: LineKind::DebtCarried,
            description: match debt_from {
                Some(number) => format!("Kekurangan dari {number}"),
                None => "Kekurangan sebelumnya".to_owned(),
            },
            amount,
        }),
        Carried::Nothing => {}
    }
    let total = lines
        .iter()
        .filter(|l| l.kind.counts())
        .fold(Rupiah::ZERO, |sum, l| sum + l.amount);
    let status = if total == Rupiah::ZERO {
        InvoiceStatus::Paid
    } else {
        InvoiceStatus::Unpaid
    };
    Composed {
        lines,
        total,
        carried,
        status,
    }
}

/// A rate in hundredths of a percent as Indonesians write it: 1,100 → `11`, 1,150 → `11,5`.
fn percent(basis_points: u32) -> String {
    let (whole, hundredths) = (basis_points / 100, basis_points % 100);
    if hundredths == 0 {
        whole.to_string()
    } else {
        format!("{whole},{hundredths:02}")
            .trim_end_matches('0')
            .to_owned()
    }
}

/// The customer's latest invoice closed as partial: where carried debt most likely comes from.
async fn last_partial_number(
    conn: &mut PgConnection,
    customer_id: i64,
) -> Result<Option<String>, MoneyError> {
    Ok(sqlx::query_scalar!(
        "SELECT number FROM invoices WHERE customer_id = $1 AND status = 'partial'
         ORDER BY id DESC LIMIT 1",
        customer_id
    )
    .fetch_optional(conn)
    .await?)
}

/// Locks an invoice's customer, then the invoice (always in this order, as payments do).
pub(crate) async fn lock_invoice(
    conn: &mut PgConnection,
    invoice_id: i64,
) -> Result<(LockedCustomer, LockedInvoice), MoneyError> {
    let customer_id =
        sqlx::query_scalar!("SELECT customer_id FROM invoices WHERE id = $1", invoice_id)
            .fetch_optional(&mut *conn)
            .await?
            .ok_or(MoneyError::InvoiceNotFound)?;
    let customer = ledger::lock_customer(conn, customer_id).await?;
    let invoice = sqlx::query_as!(
        LockedInvoice,
        r#"SELECT id, number, status, total AS "total: Rupiah", amount_paid AS "amount_paid: Rupiah",
                  owed_since, subscription_id, period_start
           FROM invoices WHERE id = $1 FOR UPDATE"#,
        invoice_id
    )
    .fetch_one(&mut *conn)
    .await?;
    Ok((customer, invoice))
}

#[derive(Debug, Clone)]
pub(crate) struct LockedInvoice {
    pub id: i64,
    pub number: String,
    pub status: String,
    pub total: Rupiah,
    pub amount_paid: Rupiah,
    pub owed_since: NaiveDate,
    pub subscription_id: Option<i64>,
    pub period_start: Option<NaiveDate>,
}

impl LockedInvoice {
    pub fn status(&self) -> InvoiceStatus {
        InvoiceStatus::parse(&self.status).expect("the status CHECK admits only known statuses")
    }
}

/// Voids an unpaid invoice with a reason, leaving everything as if it had not been issued: it
/// gives back to the balance what it took (credit returns, carried debt returns as debt, owed
/// from when it was), a run's invoice gives its days back (the subscription is billed again from
/// its period's start: the next run issues a corrected invoice), and the customer's isolated
/// subscriptions are served again once nothing due is owed. A run's invoice is voided newest
/// first, and not once a later change of plan credited part of its days.
pub async fn void(
    pool: &PgPool,
    invoice_id: i64,
    why: &str,
    timezone: Tz,
    today: NaiveDate,
    actor: Actor,
) -> Result<Invoice, MoneyError> {
    let why = reason(why)?;
    let mut tx = pool.begin().await?;
    let (mut customer, invoice) = lock_invoice(&mut tx, invoice_id).await?;
    match invoice.status() {
        InvoiceStatus::Unpaid => {}
        InvoiceStatus::Void => return Err(MoneyError::AlreadyVoid),
        InvoiceStatus::Paid | InvoiceStatus::Partial => {
            // Paid by credit alone (no payment) it may be voided; with a payment, not.
            let has_payment = sqlx::query_scalar!(
                r#"SELECT EXISTS (SELECT 1 FROM payments WHERE invoice_id = $1 AND status = 'settled') AS "x!""#,
                invoice_id
            )
            .fetch_one(&mut *tx)
            .await?;
            if has_payment {
                return Err(MoneyError::HasPayment);
            }
        }
    }
    let took = sqlx::query_scalar!(
        r#"SELECT coalesce(sum(amount), 0)::BIGINT AS "sum!" FROM invoice_lines
           WHERE invoice_id = $1 AND kind IN ('credit_applied', 'debt_carried')"#,
        invoice_id
    )
    .fetch_one(&mut *tx)
    .await?;
    let staff_id = actor.staff_id();
    if let (Some(subscription_id), Some(period_start)) =
        (invoice.subscription_id, invoice.period_start)
    {
        crate::money::invoice_run::unbill(&mut tx, invoice_id, subscription_id, period_start)
            .await?;
    }
    // A credit line is negative (credit returns: +), a debt line positive (debt returns: −).
    ledger::post(
        &mut tx,
        &mut customer,
        Rupiah::new(-took),
        LedgerKind::VoidReturned,
        Cause {
            invoice_id: Some(invoice_id),
            note: Some(&why),
            staff_id,
            owed_from: Some(invoice.owed_since),
            ..Cause::default()
        },
        today,
    )
    .await?;
    sqlx::query!(
        "UPDATE invoices SET status = 'void', voided_at = now(), void_reason = $2, updated_at = now()
         WHERE id = $1",
        invoice_id,
        why
    )
    .execute(&mut *tx)
    .await?;
    audit::record(
        &mut *tx,
        actor,
        "invoice.void",
        Some(("invoice", invoice_id.to_string())),
        serde_json::json!({ "number": invoice.number, "reason": why, "returned": -took }),
    )
    .await?;
    crate::money::standing::resume_if_clear(&mut tx, &customer, today, "void").await?;
    tx.commit().await?;
    get(pool, invoice_id, timezone).await
}

/// Filters of the invoice list.
#[derive(Debug, Clone, Default)]
pub struct InvoiceFilter {
    pub status: Option<InvoiceStatus>,
    pub customer_id: Option<i64>,
    /// Issued in this month (`2026-12`).
    pub period: Option<(DateTime<Utc>, DateTime<Utc>)>,
    /// Unpaid past the due date.
    pub overdue: bool,
    pub after: Option<i64>,
    pub limit: i64,
}

struct Row {
    id: i64,
    number: String,
    customer_id: i64,
    customer_name: String,
    customer_whatsapp: String,
    customer_address: Option<String>,
    status: String,
    total: i64,
    amount_paid: i64,
    carried_to_balance: i64,
    due_date: NaiveDate,
    issued_at: DateTime<Utc>,
    paid_at: Option<DateTime<Utc>>,
    voided_at: Option<DateTime<Utc>>,
    void_reason: Option<String>,
}

fn invoice_of(row: Row, lines: Vec<InvoiceLine>, today: NaiveDate) -> Invoice {
    let status = InvoiceStatus::parse(&row.status).expect("known status");
    let outstanding = if status == InvoiceStatus::Unpaid {
        Rupiah::new(row.total - row.amount_paid)
    } else {
        Rupiah::ZERO
    };
    Invoice {
        id: row.id,
        number: row.number,
        customer_id: row.customer_id,
        customer_name: row.customer_name,
        customer_whatsapp: row.customer_whatsapp,
        customer_address: row.customer_address,
        status,
        lines,
        total: Rupiah::new(row.total),
        amount_paid: Rupiah::new(row.amount_paid),
        carried_to_balance: Rupiah::new(row.carried_to_balance),
        outstanding,
        overdue: status == InvoiceStatus::Unpaid && row.due_date < today,
        due_date: row.due_date,
        issued_at: row.issued_at,
        paid_at: row.paid_at,
        voided_at: row.voided_at,
        void_reason: row.void_reason,
    }
}

async fn lines_of(
    pool: &PgPool,
    ids: &[i64],
) -> Result<std::collections::HashMap<i64, Vec<InvoiceLine>>, MoneyError> {
    let mut by_invoice: std::collections::HashMap<i64, Vec<InvoiceLine>> = Default::default();
    for r in sqlx::query!(
        "SELECT invoice_id, kind, description, amount FROM invoice_lines
         WHERE invoice_id = ANY($1) ORDER BY invoice_id, position",
        ids
    )
    .fetch_all(pool)
    .await?
    {
        by_invoice
            .entry(r.invoice_id)
            .or_default()
            .push(InvoiceLine {
                kind: LineKind::parse(&r.kind).expect("known line kind"),
                description: r.description,
                amount: Rupiah::new(r.amount),
            });
    }
    Ok(by_invoice)
}

pub async fn get(pool: &PgPool, invoice_id: i64, timezone: Tz) -> Result<Invoice, MoneyError> {
    let row = sqlx::query_as!(
        Row,
        "SELECT id, number, customer_id, customer_name, customer_whatsapp, customer_address, status,
                total, amount_paid, carried_to_balance, due_date, issued_at, paid_at, voided_at,
                void_reason
         FROM invoices WHERE id = $1",
        invoice_id
    )
    .fetch_optional(pool)
    .await?
    .ok_or(MoneyError::InvoiceNotFound)?;
    let mut lines = lines_of(pool, &[invoice_id]).await?;
    let today = Utc::now().with_timezone(&timezone).date_naive();
    Ok(invoice_of(
        row,
        lines.remove(&invoice_id).unwrap_or_default(),
        today,
    ))
}

/// Invoices matching `filter`, newest first, with what all of them (not only this page) still
/// ask for and have collected.
pub async fn list(
    pool: &PgPool,
    filter: InvoiceFilter,
    timezone: Tz,
) -> Result<InvoicePage, MoneyError> {
    let limit = filter.limit.clamp(1, 100);
    let today = Utc::now().with_timezone(&timezone).date_naive();
    let (from, to) = filter.period.unzip();
    let status = filter.status.map(InvoiceStatus::as_str);
    let rows = sqlx::query_as!(
        Row,
        "SELECT id, number, customer_id, customer_name, customer_whatsapp, customer_address, status,
                total, amount_paid, carried_to_balance, due_date, issued_at, paid_at, voided_at,
                void_reason
         FROM invoices
         WHERE ($1::TEXT IS NULL OR status = $1)
           AND ($2::BIGINT IS NULL OR customer_id = $2)
           AND ($3::TIMESTAMPTZ IS NULL OR issued_at >= $3)
           AND ($4::TIMESTAMPTZ IS NULL OR issued_at < $4)
           AND (NOT $5 OR (status = 'unpaid' AND due_date < $6))
           AND ($7::BIGINT IS NULL OR id < $7)
         ORDER BY id DESC LIMIT $8",
        status,
        filter.customer_id,
        from,
        to,
        filter.overdue,
        today,
        filter.after,
        limit + 1
    )
    .fetch_all(pool)
    .await?;
    let totals = sqlx::query!(
        r#"SELECT coalesce(sum(total - amount_paid) FILTER (WHERE status = 'unpaid'), 0)::BIGINT AS "outstanding!",
                  coalesce(sum(amount_paid), 0)::BIGINT AS "collected!"
           FROM invoices
           WHERE ($1::TEXT IS NULL OR status = $1)
             AND ($2::BIGINT IS NULL OR customer_id = $2)
             AND ($3::TIMESTAMPTZ IS NULL OR issued_at >= $3)
             AND ($4::TIMESTAMPTZ IS NULL OR issued_at < $4)
             AND (NOT $5 OR (status = 'unpaid' AND due_date < $6))"#,
        status,
        filter.customer_id,
        from,
        to,
        filter.overdue,
        today
    )
    .fetch_one(pool)
    .await?;
    let more = rows.len() as i64 > limit;
    let rows: Vec<Row> = rows.into_iter().take(limit as usize).collect();
    let ids: Vec<i64> = rows.iter().map(|r| r.id).collect();
    let mut lines = lines_of(pool, &ids).await?;
    let invoices: Vec<Invoice> = rows
        .into_iter()
        .map(|r| {
            let id = r.id;
            invoice_of(r, lines.remove(&id).unwrap_or_default(), today)
        })
        .collect();
    Ok(InvoicePage {
        next_after: if more {
            invoices.last().map(|i| i.id)
        } else {
            None
        },
        invoices,
        total_outstanding: Rupiah::new(totals.outstanding),
        total_collected: Rupiah::new(totals.collected),
    })
}
