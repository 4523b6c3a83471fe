//! The monthly invoice run: every active or isolated subscription gets the invoice of its next
//! period once that period starts within `invoices.run_days_ahead` days (see `domain::period`
//! for periods and proration). Set-based: one pass reads every subscription due with a handful
//! of statements, composes each invoice in memory with the same rule as a manual invoice
//! (`invoices::compose`: charges, PPN, the balance carried), and writes all invoices, lines and
//! ledger rows with one statement each. A pass is one transaction under an advisory lock, so two
//! runs at once (two tasks, two replicas) take turns and the second finds nothing left; the
//! unique index on (subscription, period start) is the last word. Numbers are taken as one block
//! of the month's sequence in that transaction: gapless.

use crate::core::audit::{self, Actor};
use crate::money::error::MoneyError;
use crate::money::invoices::{Composed, Issuing, compose};
use crate::money::ledger::{self, LockedCustomer};
use chrono::{DateTime, NaiveDate, Utc};
use domain::Rupiah;
use domain::model::customers::LedgerKind;
use domain::model::invoices::{InvoiceLine, InvoiceRunOutcome, InvoiceStatus, LineKind};
use domain::period::period_from;
use domain::settlement::Carried;
use sqlx::{PgConnection, PgPool};
use std::collections::HashMap;

/// The advisory lock the run holds while a pass writes.
const RUN_LOCK: i64 = 0x6d62_696e_7672_756e; // "mbinvrun"
/// Passes of one run at most: a server down for months catches up a period per pass.
const MAX_PASSES: usize = 24;

/// When invoices of a period are issued and due.
#[derive(Debug, Clone, Copy)]
pub struct RunSettings {
    /// Days before a period starts that its invoice is issued.
    pub days_ahead: u32,
    /// Days after a period starts that its invoice is due.
    pub due_days: u32,
}

impl RunSettings {
    pub fn from_config(config: &crate::Config) -> RunSettings {
        RunSettings {
            days_ahead: config.invoices.run_days_ahead,
            due_days: config.invoices.period_due_days,
        }
    }
}

/// `dd-mm-yyyy`, as invoices write dates.
fn day(date: NaiveDate) -> String {
    date.format("%d-%m-%Y").to_string()
}

/// Runs the run for `today` (the business's day): as many passes as it takes for every
/// subscription to have its invoice for the period starting within the next
/// `settings.days_ahead` days.
pub async fn run(
    pool: &PgPool,
    today: NaiveDate,
    issuing: Issuing,
    settings: RunSettings,
    actor: Actor,
) -> Result<InvoiceRunOutcome, MoneyError> {
    let mut outcome = InvoiceRunOutcome::default();
    for pass in 0..MAX_PASSES {
        let done = run_pass(pool, today, issuing, settings, actor).await?;
        outcome.created += done.created;
        if pass == 0 {
            outcome.skipped = done.skipped;
        }
        if done.created == 0 {
            break;
        }
    }
    Ok(outcome)
}

struct Due {
    id: i64,
    customer_id: i64,
    billing_day: i16,
    from: NaiveDate,
    plan_name: String,
    price: i64,
}

/// Everything one pass writes, column by column.
#[derive(Default)]
struct Batch {
    subscription: Vec<i64>,
    customer: Vec<i64>,
    status: Vec<&'static str>,
    period_start: Vec<NaiveDate>,
    period_end: Vec<NaiveDate>,
    billed_until: Vec<NaiveDate>,
    total: Vec<i64>,
    due: Vec<NaiveDate>,
    lines: Vec<(usize, i32, LineKind, String, i64)>,
    /// (invoice index, customer, amount, balance after, kind, note)
    ledger: Vec<(usize, i64, i64, i64, LedgerKind, Option<String>)>,
    /// (adjustment id, invoice index)
    adjustments: Vec<(i64, usize)>,
}

async fn run_pass(
    pool: &PgPool,
    today: NaiveDate,
    issuing: Issuing,
    settings: RunSettings,
    actor: Actor,
) -> Result<InvoiceRunOutcome, MoneyError> {
    let mut tx = pool.begin().await?;
    sqlx::query!("SELECT pg_advisory_xact_lock($1)", RUN_LOCK)
        .execute(&mut *tx)
        .await?;
    let horizon = today + chrono::Days::new(u64::from(settings.days_ahead));
    let due = sqlx::query_as!(
        Due,
        r#"SELECT s.id, s.customer_id, s.billing_day, COALESCE(s.billed_until, s.start_date) AS "from!",
                  p.name AS plan_name, p.price
           FROM subscriptions s JOIN plans p ON p.id = s.plan_id
           WHERE s.status IN ('active', 'isolated') AND COALESCE(s.billed_until, s.start_date) <= $1
           ORDER BY s.customer_id, s.id"#,
        horizon
    )
    .fetch_all(&mut *tx)
    .await?;
    if due.is_empty() {
        return Ok(InvoiceRunOutcome::default());
    }
    let customer_ids: Vec<i64> = {
        let mut ids: Vec<i64> = due.iter().map(|d| d.customer_id).collect();
        ids.dedup();
        ids
    };
    let mut customers = ledger::lock_customers(&mut tx, &customer_ids).await?;
    let debt_from = last_partial_numbers(&mut tx, &customers).await?;
    let subscription_ids: Vec<i64> = due.iter().map(|d| d.id).collect();
    let mut adjustments: HashMap<i64, Vec<(i64, LineKind, String, i64)>> = HashMap::new();
    for a in sqlx::query!(
        "SELECT id, subscription_id, kind, description, amount FROM subscription_adjustments
         WHERE invoice_id IS NULL AND subscription_id = ANY($1) ORDER BY id",
        &subscription_ids
    )
    .fetch_all(&mut *tx)
    .await?
    {
        let kind = LineKind::parse(&a.kind).unwrap_or(LineKind::Charge);
        adjustments.entry(a.subscription_id).or_default().push((
            a.id,
            kind,
            a.description,
            a.amount,
        ));
    }

    let mut batch = Batch::default();
    let mut skipped = 0;
    for d in &due {
        let customer = customers.get_mut(&d.customer_id).expect("locked above");
        // A plan at Rp 0 is a price not set yet (the import makes such plans): billing it would
        // close its periods for nothing.
        if customer.status == "closed" || d.price == 0 {
            skipped += 1;
            continue;
        }
        let period = period_from(d.from, d.billing_day as u32, Rupiah::new(d.price));
        let mut description = format!(
            "{}, {} – {}",
            d.plan_name,
            day(period.start),
            day(period.last_day())
        );
        if period.is_prorated() {
            description.push_str(&format!(
                " ({} dari {} hari)",
                period.days, period.period_days
            ));
        }
        let mut charges = vec![InvoiceLine {
            kind: LineKind::Charge,
            description,
            amount: period.charge,
        }];
        let index = batch.subscription.len();
        for (id, kind, description, amount) in adjustments.remove(&d.id).unwrap_or_default() {
            charges.push(InvoiceLine {
                kind,
                description,
                amount: Rupiah::new(amount),
            });
            batch.adjustments.push((id, index));
        }
        // A plan credit larger than the charges: the rest goes to the balance as credit.
        let charged = charges.iter().fold(Rupiah::ZERO, |sum, c| sum + c.amount);
        if charged.is_negative() {
            let excess = -charged;
            if let Some(credit) = charges
                .iter_mut()
                .rev()
                .find(|c| c.kind == LineKind::PlanCredit)
            {
                credit.amount = credit.amount + excess;
            }
            customer.balance = customer.balance + excess;
            batch.ledger.push((
                index,
                d.customer_id,
                excess.amount(),
                customer.balance.amount(),
                LedgerKind::Adjustment,
                Some("Sisa kredit ganti paket".to_owned()),
            ));
        }
        let Composed {
            lines,
            total,
            carried,
            status,
        } = compose(
            charges,
            issuing.tax,
            customer.balance,
            debt_from.get(&d.customer_id).map(String::as_str),
        );
        let change = carried.balance_change();
        if change != Rupiah::ZERO {
            customer.balance = customer.balance + change;
            let kind = match carried {
                Carried::Debt(_) => LedgerKind::DebtBilled,
                _ => LedgerKind::CreditApplied,
            };
            batch.ledger.push((
                index,
                d.customer_id,
                change.amount(),
                customer.balance.amount(),
                kind,
                None,
            ));
        }
        for (position, line) in lines.into_iter().enumerate() {
            batch.lines.push((
                index,
                position as i32 + 1,
                line.kind,
                line.description,
                line.amount.amount(),
            ));
        }
        let due_date = (period.start + chrono::Days::new(u64::from(settings.due_days))).max(today);
        batch.subscription.push(d.id);
        batch.customer.push(d.customer_id);
        batch.status.push(status.as_str());
        batch.period_start.push(period.start);
        batch.period_end.push(period.last_day());
        batch.billed_until.push(period.end);
        batch.total.push(total.amount());
        batch.due.push(due_date);
    }
    let created = batch.subscription.len();
    if created > 0 {
        write(&mut tx, &batch, &customers, issuing, actor).await?;
        audit::record(
            &mut *tx,
            actor,
            "invoice.run",
            None,
            serde_json::json!({ "date": today, "created": created, "skipped": skipped }),
        )
        .await?;
    }
    tx.commit().await?;
    Ok(InvoiceRunOutcome {
        created: created as u64,
        skipped,
    })
}

/// The latest invoice closed as partial of each customer in debt: where the debt comes from.
async fn last_partial_numbers(
    conn: &mut PgConnection,
    customers: &HashMap<i64, LockedCustomer>,
) -> Result<HashMap<i64, String>, MoneyError> {
    let in_debt: Vec<i64> = customers
        .iter()
        .filter(|(_, c)| c.balance.is_negative())
        .map(|(id, _)| *id)
        .collect();
    if in_debt.is_empty() {
        return Ok(HashMap::new());
    }
    Ok(sqlx::query!(
        "SELECT DISTINCT ON (customer_id) customer_id, number FROM invoices
         WHERE customer_id = ANY($1) AND status = 'partial'
         ORDER BY customer_id, id DESC",
        &in_debt
    )
    .fetch_all(conn)
    .await?
    .into_iter()
    .map(|r| (r.customer_id, r.number))
    .collect())
}

/// Writes a pass: numbers, invoices, lines, ledger rows, balances, billed periods, used
/// adjustments. One statement each.
async fn write(
    conn: &mut PgConnection,
    batch: &Batch,
    customers: &HashMap<i64, LockedCustomer>,
    issuing: Issuing,
    actor: Actor,
) -> Result<(), MoneyError> {
    let count = batch.subscription.len() as i64;
    let now: DateTime<Utc> = Utc::now();
    let month = now
        .with_timezone(&issuing.timezone)
        .format("%Y%m")
        .to_string();
    let last = sqlx::query_scalar!(
        "INSERT INTO invoice_numbers (month, last) VALUES ($1, $2)
         ON CONFLICT (month) DO UPDATE SET last = invoice_numbers.last + $2
         RETURNING last",
        month,
        count
    )
    .fetch_one(&mut *conn)
    .await?;
    let numbers: Vec<String> = (last - count + 1..=last)
        .map(|n| format!("INV-{month}-{n:05}"))
        .collect();
    let ids: Vec<i64> = sqlx::query_scalar!(
        "SELECT nextval('invoices_id_seq') AS \"id!\" FROM generate_series(1, $1::BIGINT)",
        count
    )
    .fetch_all(&mut *conn)
    .await?;
    let of = |column: fn(&LockedCustomer) -> Option<String>| -> Vec<Option<String>> {
        batch
            .customer
            .iter()
            .map(|id| column(&customers[id]))
            .collect()
    };
    let names = of(|c| Some(c.name.clone()));
    let whatsapps = of(|c| Some(c.whatsapp.clone()));
    let addresses = of(|c| c.address.clone());
    let paid_at: Vec<Option<DateTime<Utc>>> = batch
        .status
        .iter()
        .map(|s| (*s == InvoiceStatus::Paid.as_str()).then_some(now))
        .collect();
    sqlx::query!(
        "INSERT INTO invoices (id, number, customer_id, subscription_id, status, customer_name,
                               customer_whatsapp, customer_address, period_start, period_end, total,
                               due_date, issued_at, issued_by, paid_at)
         SELECT i.id, i.number, i.customer_id, i.subscription_id, i.status, i.name, i.whatsapp,
                i.address, i.period_start, i.period_end, i.total, i.due_date, $13, $14, i.paid_at
         FROM UNNEST($1::BIGINT[], $2::TEXT[], $3::BIGINT[], $4::BIGINT[], $5::TEXT[], $6::TEXT[],
                     $7::TEXT[], $8::TEXT[], $9::DATE[], $10::DATE[], $11::BIGINT[], $12::DATE[],
                     $15::TIMESTAMPTZ[])
              AS i(id, number, customer_id, subscription_id, status, name, whatsapp, address,
                   period_start, period_end, total, due_date, paid_at)",
        &ids,
        &numbers,
        &batch.customer,
        &batch.subscription,
        &batch.status as &[&str],
        &names as &[Option<String>],
        &whatsapps as &[Option<String>],
        &addresses as &[Option<String>],
        &batch.period_start,
        &batch.period_end,
        &batch.total,
        &batch.due,
        now,
        actor.staff_id(),
        &paid_at as &[Option<DateTime<Utc>>]
    )
    .execute(&mut *conn)
    .await?;

    let line_invoice: Vec<i64> = batch.lines.iter().map(|l| ids[l.0]).collect();
    let line_position: Vec<i32> = batch.lines.iter().map(|l| l.1).collect();
    let line_kind: Vec<&str> = batch.lines.iter().map(|l| l.2.as_str()).collect();
    let line_description: Vec<String> = batch.lines.iter().map(|l| l.3.clone()).collect();
    let line_amount: Vec<i64> = batch.lines.iter().map(|l| l.4).collect();
    sqlx::query!(
        "INSERT INTO invoice_lines (invoice_id, position, kind, description, amount)
         SELECT * FROM UNNEST($1::BIGINT[], $2::INT[], $3::TEXT[], $4::TEXT[], $5::BIGINT[])",
        &line_invoice,
        &line_position,
        &line_kind as &[&str],
        &line_description,
        &line_amount
    )
    .execute(&mut *conn)
    .await?;

    if !batch.ledger.is_empty() {
        let invoice: Vec<i64> = batch.ledger.iter().map(|l| ids[l.0]).collect();
        let customer: Vec<i64> = batch.ledger.iter().map(|l| l.1).collect();
        let amount: Vec<i64> = batch.ledger.iter().map(|l| l.2).collect();
        let after: Vec<i64> = batch.ledger.iter().map(|l| l.3).collect();
        let kind: Vec<&str> = batch.ledger.iter().map(|l| l.4.as_str()).collect();
        let note: Vec<Option<String>> = batch.ledger.iter().map(|l| l.5.clone()).collect();
        sqlx::query!(
            "INSERT INTO balance_ledger (customer_id, amount, balance_after, kind, invoice_id, note, created_by)
             SELECT l.customer_id, l.amount, l.after, l.kind, l.invoice_id, l.note, $7
             FROM UNNEST($1::BIGINT[], $2::BIGINT[], $3::BIGINT[], $4::TEXT[], $5::BIGINT[], $6::TEXT[])
                  AS l(customer_id, amount, after, kind, invoice_id, note)",
            &customer,
            &amount,
            &after,
            &kind as &[&str],
            &invoice,
            &note as &[Option<String>],
            actor.staff_id()
        )
        .execute(&mut *conn)
        .await?;
        // Every customer with a ledger row here, at the balance its last row left (the rows
        // come in customer order: the due subscriptions are read by customer).
        let mut moved = customer.clone();
        moved.dedup();
        let balances: Vec<i64> = moved
            .iter()
            .map(|id| customers[id].balance.amount())
            .collect();
        sqlx::query!(
            "UPDATE customers c SET balance = b.balance, updated_at = now()
             FROM UNNEST($1::BIGINT[], $2::BIGINT[]) AS b(id, balance) WHERE c.id = b.id",
            &moved,
            &balances
        )
        .execute(&mut *conn)
        .await?;
    }

    sqlx::query!(
        "UPDATE subscriptions s SET billed_until = b.until, updated_at = now()
         FROM UNNEST($1::BIGINT[], $2::DATE[]) AS b(id, until) WHERE s.id = b.id",
        &batch.subscription,
        &batch.billed_until
    )
    .execute(&mut *conn)
    .await?;
    if !batch.adjustments.is_empty() {
        let (adjustment, invoice): (Vec<i64>, Vec<i64>) =
            batch.adjustments.iter().map(|(a, i)| (*a, ids[*i])).unzip();
        sqlx::query!(
            "UPDATE subscription_adjustments a SET invoice_id = u.invoice_id
             FROM UNNEST($1::BIGINT[], $2::BIGINT[]) AS u(id, invoice_id) WHERE a.id = u.id",
            &adjustment,
            &invoice
        )
        .execute(&mut *conn)
        .await?;
    }
    Ok(())
}
