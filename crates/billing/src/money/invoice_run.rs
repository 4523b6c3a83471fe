//! The monthly invoice run: every active or isolated subscription gets the invoice of its next
//! period once that period starts within `invoices.run_days_ahead` days (see `domain::period`
//! for periods and proration), billed day by day as the service was given (`service_changes`:
//! the plan in force each day, none while suspended or closed). Before that, each change of
//! service the run has not seen yet is reconciled: the days billed from the change on are
//! credited to the balance at what their invoice lines charged for them, tax as billed
//! (`domain::period::credit_for`), and billed again as they now are. Every billed day is a row
//! of `billed_days`, and the database refuses a day billed twice.
//!
//! Set-based: one pass reads every subscription due with a handful of statements, composes each
//! invoice in memory with the same rule as a manual invoice (`invoices::compose`: charges, PPN,
//! the balance carried), and writes all invoices, lines and ledger rows with one statement each.
//! A subscription whose invoice cannot be made is left out with its reason (`failed`) and never
//! stops the others: a composition that breaks a rule is caught before writing, and a write
//! that fails is retried customer by customer, each in a savepoint. A pass is one transaction
//! under an advisory lock, so two runs at once take turns; customers are locked (in id order),
//! then their subscriptions, so a payment or a change of plan committing meanwhile is seen.
//! Numbers are taken as one block of the month's sequence in that transaction: gapless.

use crate::core::audit::{self, Actor};
use crate::money::error::{MoneyError, invalid};
use crate::money::invoices::{Composed, Issuing, compose, moment_of, owed_since};
use crate::money::ledger::{self, LockedCustomer};
use chrono::{NaiveDate, Utc};
use domain::model::customers::LedgerKind;
use domain::model::invoices::{
    InvoiceLine, InvoiceRunOutcome, InvoiceStatus, LineKind, RunFailure,
};
use domain::period::{BilledLine, credit_for, period_containing, prorate};
use domain::settlement::{Carried, TaxRule};
use domain::{ErrorCode, Rupiah, SubscriptionStatus};
use sqlx::{PgConnection, PgPool};
use std::collections::{BTreeMap, HashMap};

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

/// Runs the run as on `on` (`today` when run normally; an earlier day to catch up): as many
/// passes as it takes for every subscription to have its invoice for the period starting within
/// `settings.days_ahead` days of `on`. Whatever `on` is, invoices are issued and numbered on
/// `today` (the business's day, from the caller's clock) and none is due before it; a day after
/// `today` is refused.
pub async fn run(
    pool: &PgPool,
    on: NaiveDate,
    today: NaiveDate,
    issuing: Issuing,
    settings: RunSettings,
    actor: Actor,
) -> Result<InvoiceRunOutcome, MoneyError> {
    if on > today {
        return Err(invalid(
            "date",
            ErrorCode::RunDate,
            "the run is not run for a day after today",
        ));
    }
    let mut outcome = InvoiceRunOutcome::default();
    let mut failed: BTreeMap<i64, String> = BTreeMap::new();
    for pass in 0..MAX_PASSES {
        let (done, more) = run_pass(pool, on, today, issuing, settings, actor, pass == 0).await?;
        outcome.created += done.created;
        if pass == 0 {
            outcome.skipped = done.skipped;
        }
        for f in done.failed {
            failed.entry(f.subscription_id).or_insert(f.reason);
        }
        // Another pass only when a subscription billed in this one is due again.
        if done.created == 0 || !more {
            break;
        }
    }
    outcome.failed = failed
        .into_iter()
        .map(|(subscription_id, reason)| RunFailure {
            subscription_id,
            reason,
        })
        .collect();
    Ok(outcome)
}

/// A subscription as a pass reads it, locked.
struct Sub {
    id: i64,
    customer_id: i64,
    billing_day: i16,
    start_date: NaiveDate,
    billed_until: Option<NaiveDate>,
    status: SubscriptionStatus,
}

/// From `starts` on, the subscription is served on this plan (none: not billed).
#[derive(Clone)]
struct Service {
    starts: NaiveDate,
    plan: Option<Plan>,
    reconciled: bool,
}

#[derive(Clone)]
struct Plan {
    id: i64,
    name: String,
    price: Rupiah,
}

/// Days of the subscription an invoice line billed and not given back yet.
struct Span {
    id: i64,
    starts: NaiveDate,
    ends: NaiveDate,
    line: BilledLine,
}

/// A line of a new invoice that bills days: `[starts, ends)` on `plan`.
#[derive(Clone)]
struct DaysLine {
    plan_id: i64,
    starts: NaiveDate,
    ends: NaiveDate,
    amount: Rupiah,
    days: i64,
}

#[derive(Clone)]
struct NewInvoice {
    status: InvoiceStatus,
    period_start: NaiveDate,
    period_end: NaiveDate,
    total: Rupiah,
    due: NaiveDate,
    owed_since: NaiveDate,
    lines: Vec<InvoiceLine>,
    days: Vec<DaysLine>,
}

/// A balance change of a pass: for the customer, `amount` leaving `after`, of `kind`; with the
/// invoice (an index into the pass's new invoices) it belongs to, if any.
#[derive(Clone)]
struct LedgerRow {
    invoice: Option<usize>,
    customer_id: i64,
    amount: Rupiah,
    after: Rupiah,
    kind: LedgerKind,
    note: Option<String>,
}

/// What a pass does to one subscription.
#[derive(Clone)]
struct Work {
    subscription_id: i64,
    customer_id: i64,
    /// Spans cut back to a new end (days given back).
    cut: Vec<(i64, NaiveDate)>,
    /// Its open service changes are reconciled.
    reconcile: bool,
    /// Its new `billed_until`, when it moves.
    billed_until: Option<Option<NaiveDate>>,
    invoice: Option<NewInvoice>,
    ledger: Vec<LedgerRow>,
}

/// What a pass found to do for a subscription.
enum Outcome {
    Work(Work),
    Skipped,
    Nothing,
}

async fn run_pass(
    pool: &PgPool,
    on: NaiveDate,
    today: NaiveDate,
    issuing: Issuing,
    settings: RunSettings,
    actor: Actor,
    first: bool,
) -> Result<(InvoiceRunOutcome, bool), MoneyError> {
    let mut tx = pool.begin().await?;
    sqlx::query!("SELECT pg_advisory_xact_lock($1)", RUN_LOCK)
        .execute(&mut *tx)
        .await?;
    let horizon = on + chrono::Days::new(u64::from(settings.days_ahead));
    // Due for a period, or with a change of service not reconciled yet.
    let candidates = sqlx::query!(
        r#"SELECT s.id AS "id!", s.customer_id AS "customer_id!" FROM subscriptions s
           WHERE s.status IN ('active', 'isolated') AND COALESCE(s.billed_until, s.start_date) <= $1
           UNION
           SELECT s.id, s.customer_id FROM service_changes c JOIN subscriptions s ON s.id = c.subscription_id
           WHERE NOT c.reconciled"#,
        horizon
    )
    .fetch_all(&mut *tx)
    .await?;
    if candidates.is_empty() {
        return Ok((InvoiceRunOutcome::default(), false));
    }
    let mut customer_ids: Vec<i64> = candidates.iter().map(|c| c.customer_id).collect();
    customer_ids.sort_unstable();
    customer_ids.dedup();
    let subscription_ids: Vec<i64> = candidates.iter().map(|c| c.id).collect();
    // Customers first, then their subscriptions: the order payments and isolation lock in.
    let mut customers = ledger::lock_customers(&mut tx, &customer_ids).await?;
    let subs = sqlx::query_as!(
        Sub,
        r#"SELECT id, customer_id, billing_day, start_date, billed_until,
                  status AS "status: SubscriptionStatus"
           FROM subscriptions WHERE id = ANY($1) ORDER BY customer_id, id FOR UPDATE"#,
        &subscription_ids
    )
    .fetch_all(&mut *tx)
    .await?;
    let mut services: HashMap<i64, Vec<Service>> = HashMap::new();
    for r in sqlx::query!(
        r#"SELECT c.subscription_id, c.starts, c.reconciled, p.id AS "plan_id?", p.name AS "name?",
                  p.price AS "price?"
           FROM service_changes c LEFT JOIN plans p ON p.id = c.plan_id
           WHERE c.subscription_id = ANY($1) ORDER BY c.subscription_id, c.starts"#,
        &subscription_ids
    )
    .fetch_all(&mut *tx)
    .await?
    {
        let plan = match (r.plan_id, r.name, r.price) {
            (Some(id), Some(name), Some(price)) => Some(Plan {
                id,
                name,
                price: Rupiah::new(price),
            }),
            _ => None,
        };
        services
            .entry(r.subscription_id)
            .or_default()
            .push(Service {
                starts: r.starts,
                plan,
                reconciled: r.reconciled,
            });
    }
    let mut spans: HashMap<i64, Vec<Span>> = HashMap::new();
    for r in sqlx::query!(
        "SELECT id, subscription_id, starts, ends, amount, days, tax_basis_points, prices_include_tax
         FROM billed_days WHERE subscription_id = ANY($1) AND ends > starts
         ORDER BY subscription_id, starts",
        &subscription_ids
    )
    .fetch_all(&mut *tx)
    .await?
    {
        spans.entry(r.subscription_id).or_default().push(Span {
            id: r.id,
            starts: r.starts,
            ends: r.ends,
            line: BilledLine {
                amount: Rupiah::new(r.amount),
                days: i64::from(r.days),
                tax: TaxRule {
                    basis_points: u32::try_from(r.tax_basis_points).unwrap_or(0),
                    prices_include_tax: r.prices_include_tax,
                },
            },
        });
    }
    let debt_from = last_partial_numbers(&mut tx, &customers).await?;

    let context = Context {
        horizon,
        today,
        issuing,
        settings,
    };
    let mut works: Vec<Work> = Vec::new();
    let mut invoiced = 0;
    let mut skipped = 0;
    let mut failed = Vec::new();
    for sub in &subs {
        let customer = customers.get_mut(&sub.customer_id).expect("locked above");
        // Worked on a copy: a subscription that fails leaves its customer as it was.
        let mut copy = customer.clone();
        let planned = plan_subscription(
            &context,
            sub,
            services.get(&sub.id).map_or(&[][..], Vec::as_slice),
            spans.get(&sub.id).map_or(&[][..], Vec::as_slice),
            &mut copy,
            debt_from.get(&sub.customer_id).map(String::as_str),
            invoiced,
        );
        match planned {
            Ok(Outcome::Work(work)) => {
                *customer = copy;
                invoiced += usize::from(work.invoice.is_some());
                works.push(work);
            }
            Ok(Outcome::Skipped) => skipped += 1,
            Ok(Outcome::Nothing) => {}
            Err(reason) => failed.push(RunFailure {
                subscription_id: sub.id,
                reason,
            }),
        }
    }

    let created = works.iter().filter(|w| w.invoice.is_some()).count();
    // Whether a subscription billed now has its next period due too (a catch-up).
    let more = works.iter().any(|w| {
        w.invoice.is_some() && matches!(w.billed_until, Some(Some(until)) if until <= horizon)
    });
    if !works.is_empty() {
        // All at once; if that fails, customer by customer, each alone in a savepoint.
        sqlx::query("SAVEPOINT run_all").execute(&mut *tx).await?;
        if let Err(error) = write(&mut tx, &works, &customers, issuing, today, actor).await {
            tracing::warn!(%error, "the invoice run's pass failed as a whole: writing customer by customer");
            sqlx::query("ROLLBACK TO SAVEPOINT run_all")
                .execute(&mut *tx)
                .await?;
            let mut written = 0;
            let mut start = 0;
            while start < works.len() {
                let customer_id = works[start].customer_id;
                let end = works[start..]
                    .iter()
                    .position(|w| w.customer_id != customer_id)
                    .map_or(works.len(), |n| start + n);
                let group = renumber(&works[start..end]);
                sqlx::query("SAVEPOINT run_one").execute(&mut *tx).await?;
                match write(&mut tx, &group, &customers, issuing, today, actor).await {
                    Ok(()) => {
                        sqlx::query("RELEASE SAVEPOINT run_one")
                            .execute(&mut *tx)
                            .await?;
                        written += group.iter().filter(|w| w.invoice.is_some()).count();
                    }
                    Err(error) => {
                        sqlx::query("ROLLBACK TO SAVEPOINT run_one")
                            .execute(&mut *tx)
                            .await?;
                        let reason = first_line(&error.to_string());
                        for w in &group {
                            failed.push(RunFailure {
                                subscription_id: w.subscription_id,
                                reason: reason.clone(),
                            });
                        }
                    }
                }
                start = end;
            }
            audit_pass(&mut tx, actor, on, written, skipped, &failed, first).await?;
            tx.commit().await?;
            return Ok((
                InvoiceRunOutcome {
                    created: written as u64,
                    skipped,
                    failed,
                },
                more,
            ));
        }
    }
    audit_pass(&mut tx, actor, on, created, skipped, &failed, first).await?;
    tx.commit().await?;
    Ok((
        InvoiceRunOutcome {
            created: created as u64,
            skipped,
            failed,
        },
        more,
    ))
}

/// The pass's audit entry, when it issued anything, or (the first pass of a run) left a
/// subscription out: a later pass meets the same failures again.
async fn audit_pass(
    conn: &mut PgConnection,
    actor: Actor,
    on: NaiveDate,
    created: usize,
    skipped: u64,
    failed: &[RunFailure],
    first: bool,
) -> Result<(), MoneyError> {
    if created == 0 && (failed.is_empty() || !first) {
        return Ok(());
    }
    audit::record(
        &mut *conn,
        actor,
        "invoice.run",
        None,
        serde_json::json!({ "date": on, "created": created, "skipped": skipped, "failed": failed }),
    )
    .await?;
    Ok(())
}

fn first_line(text: &str) -> String {
    text.lines()
        .next()
        .unwrap_or(text)
        .chars()
        .take(300)
        .collect()
}

/// A group of works with their invoice indexes counted from zero (ledger rows point at them).
fn renumber(works: &[Work]) -> Vec<Work> {
    let first = works
        .iter()
        .flat_map(|w| w.ledger.iter().filter_map(|l| l.invoice))
        .min()
        .unwrap_or(0);
    let mut group = works.to_vec();
    for row in group.iter_mut().flat_map(|w| w.ledger.iter_mut()) {
        row.invoice = row.invoice.map(|i| i - first);
    }
    group
}

struct Context {
    horizon: NaiveDate,
    today: NaiveDate,
    issuing: Issuing,
    settings: RunSettings,
}

/// What the pass does to one subscription: reconcile its open changes of service, then bill its
/// next period if it is due. `customer` is moved along (its balance); `invoices_before` is the
/// number of new invoices the pass has before this one. An error is the reason it is left out.
fn plan_subscription(
    cx: &Context,
    sub: &Sub,
    services: &[Service],
    spans: &[Span],
    customer: &mut LockedCustomer,
    debt_from: Option<&str>,
    invoices_before: usize,
) -> Result<Outcome, String> {
    let mut work = Work {
        subscription_id: sub.id,
        customer_id: sub.customer_id,
        cut: Vec::new(),
        reconcile: false,
        billed_until: None,
        invoice: None,
        ledger: Vec::new(),
    };
    let mut from = sub.billed_until.unwrap_or(sub.start_date);

    // 1. A change of service from `changed` on: the days billed from then on are given back.
    if let Some(change) = services
        .iter()
        .filter(|s| !s.reconciled)
        .min_by_key(|s| s.starts)
    {
        let changed = change.starts;
        work.reconcile = true;
        let mut parts = Vec::new();
        // The days given back: from the first cut to the last span's end.
        let (mut first, mut last) = (NaiveDate::MAX, NaiveDate::MIN);
        for span in spans.iter().filter(|s| s.ends > changed) {
            let cut_at = span.starts.max(changed);
            parts.push((span.line, (span.ends - cut_at).num_days()));
            work.cut.push((span.id, cut_at));
            first = first.min(cut_at);
            last = last.max(span.ends);
        }
        let credit = credit_for(&parts);
        if credit.is_positive() {
            let (a, b) = (first, last);
            let why = if change.plan.is_some() {
                "ganti paket"
            } else {
                "layanan dihentikan"
            };
            customer.balance = customer.balance + credit;
            customer.debt_since =
                ledger::debt_since(customer.balance, customer.debt_since, None, cx.today);
            work.ledger.push(LedgerRow {
                invoice: None,
                customer_id: sub.customer_id,
                amount: credit,
                after: customer.balance,
                kind: LedgerKind::PlanCredit,
                note: Some(format!(
                    "Sisa tagihan {} – {} dikembalikan: {why}",
                    day(a),
                    day(b.pred_opt().expect("a span ends after it starts"))
                )),
            });
        }
        if from > changed {
            from = changed;
            work.billed_until = Some((changed > sub.start_date).then_some(changed));
        }
    }

    // 2. The next period, if it is due and the subscription is billed.
    let billed = matches!(
        sub.status,
        SubscriptionStatus::Active | SubscriptionStatus::Isolated
    );
    if !billed || from > cx.horizon {
        return Ok(if work.reconcile {
            Outcome::Work(work)
        } else {
            Outcome::Nothing
        });
    }
    if customer.status == "closed" {
        return Ok(if work.reconcile {
            Outcome::Work(work)
        } else {
            Outcome::Skipped
        });
    }
    let day_of_billing = u32::try_from(sub.billing_day)
        .ok()
        .filter(|d| (1..=28).contains(d))
        .ok_or_else(|| format!("billing day {} is not 1 to 28", sub.billing_day))?;
    // The service of each day, as the latest change on or before it says.
    let in_force = |day: NaiveDate| {
        services
            .iter()
            .rev()
            .find(|s| s.starts <= day)
            .and_then(|s| s.plan.as_ref())
    };
    // Periods without a day of service (suspended all along) are passed over, billing nothing.
    let (charges, days_lines, end) = loop {
        let (whole_start, end) = period_containing(from, day_of_billing);
        let period_days = (end - whole_start).num_days();
        // The days from `from` to `end`, in runs of one plan.
        let mut runs: Vec<(NaiveDate, NaiveDate, Option<&Plan>)> = Vec::new();
        let mut cursor = from;
        while cursor < end {
            let next = services
                .iter()
                .map(|s| s.starts)
                .filter(|s| *s > cursor && *s < end)
                .min()
                .unwrap_or(end);
            runs.push((cursor, next, in_force(cursor)));
            cursor = next;
        }
        // A plan whose price is not set yet (Rp 0, as the import makes them): billing it would
        // close its period for nothing.
        if runs
            .iter()
            .any(|(_, _, plan)| plan.is_some_and(|p| p.price == Rupiah::ZERO))
        {
            return Ok(if work.reconcile || work.billed_until.is_some() {
                Outcome::Work(work)
            } else {
                Outcome::Skipped
            });
        }
        let mut charges = Vec::new();
        let mut days_lines = Vec::new();
        for (starts, ends, plan) in &runs {
            let Some(plan) = plan else { continue };
            let days = (*ends - *starts).num_days();
            let amount = prorate(plan.price, days, period_days);
            let mut description = format!(
                "{}, {} – {}",
                plan.name,
                day(*starts),
                day(ends.pred_opt().expect("a run ends after it starts"))
            );
            if days != period_days {
                description.push_str(&format!(" ({days} dari {period_days} hari)"));
            }
            charges.push(InvoiceLine {
                kind: LineKind::Charge,
                description,
                amount,
            });
            days_lines.push(DaysLine {
                plan_id: plan.id,
                starts: *starts,
                ends: *ends,
                amount,
                days,
            });
        }
        if !charges.is_empty() {
            break (charges, days_lines, end);
        }
        from = end;
        work.billed_until = Some(Some(end));
        if from > cx.horizon {
            return Ok(Outcome::Work(work));
        }
    };
    work.billed_until = Some(Some(end));
    let first_day = days_lines.first().map_or(from, |d| d.starts);
    let Composed {
        lines,
        total,
        carried,
        status,
    } = compose(charges, cx.issuing.tax, customer.balance, debt_from);
    check_invoice(&lines, total)?;
    let due = (first_day + chrono::Days::new(u64::from(cx.settings.due_days))).max(cx.today);
    let owed = owed_since(due, &carried, customer.debt_since);
    let change = carried.balance_change();
    if change != Rupiah::ZERO {
        customer.balance = customer.balance + change;
        customer.debt_since =
            ledger::debt_since(customer.balance, customer.debt_since, None, cx.today);
        work.ledger.push(LedgerRow {
            invoice: Some(invoices_before),
            customer_id: sub.customer_id,
            amount: change,
            after: customer.balance,
            kind: match carried {
                Carried::Debt(_) => LedgerKind::DebtBilled,
                _ => LedgerKind::CreditApplied,
            },
            note: None,
        });
    }
    work.invoice = Some(NewInvoice {
        status,
        period_start: first_day,
        period_end: end.pred_opt().expect("a period ends after it starts"),
        total,
        due,
        owed_since: owed,
        lines,
        days: days_lines,
    });
    Ok(Outcome::Work(work))
}

/// The rules the database holds an invoice to, checked before writing so that one bad
/// composition is a reason, not a failed pass.
fn check_invoice(lines: &[InvoiceLine], total: Rupiah) -> Result<(), String> {
    if total.is_negative() {
        return Err(format!("the invoice's total would be {}", total.amount()));
    }
    for line in lines {
        let credit = matches!(line.kind, LineKind::CreditApplied | LineKind::PlanCredit);
        if (credit && line.amount.is_positive()) || (!credit && line.amount.is_negative()) {
            return Err(format!(
                "the line '{}' would be {} ({})",
                line.description,
                line.amount.amount(),
                line.kind.as_str()
            ));
        }
    }
    Ok(())
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

/// Writes a pass's works: numbers, invoices, lines, billed days, ledger rows, balances, spans
/// cut back, reconciled changes, billed periods. One statement each.
async fn write(
    conn: &mut PgConnection,
    works: &[Work],
    customers: &HashMap<i64, LockedCustomer>,
    issuing: Issuing,
    today: NaiveDate,
    actor: Actor,
) -> Result<(), MoneyError> {
    // Days given back first: the days billed again below may be the same.
    let cut: Vec<&(i64, NaiveDate)> = works.iter().flat_map(|w| &w.cut).collect();
    if !cut.is_empty() {
        let (span, ends): (Vec<i64>, Vec<NaiveDate>) = cut.iter().map(|(s, e)| (*s, *e)).unzip();
        sqlx::query!(
            "UPDATE billed_days b SET ends = u.ends
             FROM UNNEST($1::BIGINT[], $2::DATE[]) AS u(id, ends) WHERE b.id = u.id",
            &span,
            &ends
        )
        .execute(&mut *conn)
        .await?;
    }
    let invoiced: Vec<&Work> = works.iter().filter(|w| w.invoice.is_some()).collect();
    let count = invoiced.len() as i64;
    let mut ids: Vec<i64> = Vec::new();
    if count > 0 {
        let month = today.format("%Y%m").to_string();
        let now = moment_of(today, issuing.timezone);
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
        ids = sqlx::query_scalar!(
            "SELECT nextval('invoices_id_seq') AS \"id!\" FROM generate_series(1, $1::BIGINT)",
            count
        )
        .fetch_all(&mut *conn)
        .await?;
        fn invoice<'a>(w: &&'a Work) -> &'a NewInvoice {
            w.invoice.as_ref().expect("invoiced")
        }
        let customer = |w: &&Work| &customers[&w.customer_id];
        let subscription: Vec<i64> = invoiced.iter().map(|w| w.subscription_id).collect();
        let customer_id: Vec<i64> = invoiced.iter().map(|w| w.customer_id).collect();
        let status: Vec<&str> = invoiced
            .iter()
            .map(|w| invoice(w).status.as_str())
            .collect();
        let names: Vec<String> = invoiced.iter().map(|w| customer(w).name.clone()).collect();
        let whatsapps: Vec<String> = invoiced
            .iter()
            .map(|w| customer(w).whatsapp.clone())
            .collect();
        let addresses: Vec<Option<String>> = invoiced
            .iter()
            .map(|w| customer(w).address.clone())
            .collect();
        let period_start: Vec<NaiveDate> =
            invoiced.iter().map(|w| invoice(w).period_start).collect();
        let period_end: Vec<NaiveDate> = invoiced.iter().map(|w| invoice(w).period_end).collect();
        let total: Vec<i64> = invoiced.iter().map(|w| invoice(w).total.amount()).collect();
        let due: Vec<NaiveDate> = invoiced.iter().map(|w| invoice(w).due).collect();
        let owed: Vec<NaiveDate> = invoiced.iter().map(|w| invoice(w).owed_since).collect();
        let paid_at: Vec<Option<chrono::DateTime<Utc>>> = invoiced
            .iter()
            .map(|w| (invoice(w).status == InvoiceStatus::Paid).then_some(now))
            .collect();
        sqlx::query!(
            "INSERT INTO invoices (id, number, customer_id, subscription_id, status, customer_name,
                                   customer_whatsapp, customer_address, period_start, period_end, total,
                                   due_date, issued_at, issued_by, paid_at, owed_since)
             SELECT i.id, i.number, i.customer_id, i.subscription_id, i.status, i.name, i.whatsapp,
                    i.address, i.period_start, i.period_end, i.total, i.due_date, $13, $14, i.paid_at,
                    i.owed_since
             FROM UNNEST($1::BIGINT[], $2::TEXT[], $3::BIGINT[], $4::BIGINT[], $5::TEXT[], $6::TEXT[],
                         $7::TEXT[], $8::TEXT[], $9::DATE[], $10::DATE[], $11::BIGINT[], $12::DATE[],
                         $15::TIMESTAMPTZ[], $16::DATE[])
                  AS i(id, number, customer_id, subscription_id, status, name, whatsapp, address,
                       period_start, period_end, total, due_date, paid_at, owed_since)",
            &ids,
            &numbers,
            &customer_id,
            &subscription,
            &status as &[&str],
            &names,
            &whatsapps,
            &addresses as &[Option<String>],
            &period_start,
            &period_end,
            &total,
            &due,
            now,
            actor.staff_id(),
            &paid_at as &[Option<chrono::DateTime<Utc>>],
            &owed
        )
        .execute(&mut *conn)
        .await?;

        let (
            mut line_invoice,
            mut line_position,
            mut line_kind,
            mut line_description,
            mut line_amount,
        ) = (Vec::new(), Vec::new(), Vec::new(), Vec::new(), Vec::new());
        let (mut day_sub, mut day_invoice, mut day_plan, mut day_starts, mut day_ends) =
            (Vec::new(), Vec::new(), Vec::new(), Vec::new(), Vec::new());
        let (mut day_amount, mut day_days) = (Vec::new(), Vec::new());
        for (w, id) in invoiced.iter().zip(&ids) {
            let i = invoice(w);
            for (position, line) in i.lines.iter().enumerate() {
                line_invoice.push(*id);
                line_position.push(position as i32 + 1);
                line_kind.push(line.kind.as_str());
                line_description.push(line.description.clone());
                line_amount.push(line.amount.amount());
            }
            for d in &i.days {
                day_sub.push(w.subscription_id);
                day_invoice.push(*id);
                day_plan.push(d.plan_id);
                day_starts.push(d.starts);
                day_ends.push(d.ends);
                day_amount.push(d.amount.amount());
                day_days.push(i32::try_from(d.days).expect("a period has at most 31 days"));
            }
        }
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
        sqlx::query!(
            "INSERT INTO billed_days (subscription_id, invoice_id, plan_id, starts, ends, billed_ends,
                                      amount, days, tax_basis_points, prices_include_tax)
             SELECT d.sub, d.invoice, d.plan, d.starts, d.ends, d.ends, d.amount, d.days, $8, $9
             FROM UNNEST($1::BIGINT[], $2::BIGINT[], $3::BIGINT[], $4::DATE[], $5::DATE[],
                         $6::BIGINT[], $7::INT[])
                  AS d(sub, invoice, plan, starts, ends, amount, days)",
            &day_sub,
            &day_invoice,
            &day_plan,
            &day_starts,
            &day_ends,
            &day_amount,
            &day_days,
            i32::try_from(issuing.tax.basis_points).expect("a rate of at most 100 %"),
            issuing.tax.prices_include_tax
        )
        .execute(&mut *conn)
        .await?;
    }

    let rows: Vec<&LedgerRow> = works.iter().flat_map(|w| &w.ledger).collect();
    if !rows.is_empty() {
        let invoice: Vec<Option<i64>> = rows.iter().map(|l| l.invoice.map(|i| ids[i])).collect();
        let customer: Vec<i64> = rows.iter().map(|l| l.customer_id).collect();
        let amount: Vec<i64> = rows.iter().map(|l| l.amount.amount()).collect();
        let after: Vec<i64> = rows.iter().map(|l| l.after.amount()).collect();
        let kind: Vec<&str> = rows.iter().map(|l| l.kind.as_str()).collect();
        let note: Vec<Option<String>> = rows.iter().map(|l| l.note.clone()).collect();
        sqlx::query!(
            "INSERT INTO balance_ledger (customer_id, amount, balance_after, kind, invoice_id, note, created_by)
             SELECT l.customer_id, l.amount, l.after, l.kind, l.invoice_id, l.note, $7
             FROM UNNEST($1::BIGINT[], $2::BIGINT[], $3::BIGINT[], $4::TEXT[], $5::BIGINT[], $6::TEXT[])
                  AS l(customer_id, amount, after, kind, invoice_id, note)",
            &customer,
            &amount,
            &after,
            &kind as &[&str],
            &invoice as &[Option<i64>],
            &note as &[Option<String>],
            actor.staff_id()
        )
        .execute(&mut *conn)
        .await?;
        // Every customer with a ledger row here, at the balance its last row left (the works
        // come in customer order), and since when that balance is owed.
        let mut last: Vec<(i64, Rupiah)> = Vec::new();
        for row in &rows {
            match last.last_mut() {
                Some((id, after)) if *id == row.customer_id => *after = row.after,
                _ => last.push((row.customer_id, row.after)),
            }
        }
        let moved: Vec<i64> = last.iter().map(|(id, _)| *id).collect();
        let balances: Vec<i64> = last.iter().map(|(_, b)| b.amount()).collect();
        let since: Vec<Option<NaiveDate>> = last
            .iter()
            .map(|(id, after)| ledger::debt_since(*after, customers[id].debt_since, None, today))
            .collect();
        sqlx::query!(
            "UPDATE customers c SET balance = b.balance, debt_since = b.since, updated_at = now()
             FROM UNNEST($1::BIGINT[], $2::BIGINT[], $3::DATE[]) AS b(id, balance, since)
             WHERE c.id = b.id",
            &moved,
            &balances,
            &since as &[Option<NaiveDate>]
        )
        .execute(&mut *conn)
        .await?;
    }

    let reconciled: Vec<i64> = works
        .iter()
        .filter(|w| w.reconcile)
        .map(|w| w.subscription_id)
        .collect();
    if !reconciled.is_empty() {
        sqlx::query!(
            "UPDATE service_changes SET reconciled = TRUE
             WHERE subscription_id = ANY($1) AND NOT reconciled",
            &reconciled
        )
        .execute(&mut *conn)
        .await?;
    }
    let (moved, until): (Vec<i64>, Vec<Option<NaiveDate>>) = works
        .iter()
        .filter_map(|w| w.billed_until.map(|u| (w.subscription_id, u)))
        .unzip();
    if !moved.is_empty() {
        sqlx::query!(
            "UPDATE subscriptions s SET billed_until = b.until, updated_at = now()
             FROM UNNEST($1::BIGINT[], $2::DATE[]) AS b(id, until) WHERE s.id = b.id",
            &moved,
            &until as &[Option<NaiveDate>]
        )
        .execute(&mut *conn)
        .await?;
    }
    Ok(())
}

/// Gives back the days a voided invoice billed (it must be the subscription's latest, with none
/// of its days credited since): the subscription is billed again from the invoice's period
/// start. Runs in the void's transaction, the customer locked.
pub(crate) async fn unbill(
    conn: &mut PgConnection,
    invoice_id: i64,
    subscription_id: i64,
    period_start: NaiveDate,
) -> Result<(), MoneyError> {
    let spans = sqlx::query!(
        "SELECT id, ends, billed_ends FROM billed_days WHERE invoice_id = $1 FOR UPDATE",
        invoice_id
    )
    .fetch_all(&mut *conn)
    .await?;
    if spans.is_empty() {
        return Ok(());
    }
    if spans.iter().any(|s| s.ends != s.billed_ends) {
        return Err(MoneyError::VoidCredited);
    }
    let last = spans
        .iter()
        .map(|s| s.billed_ends)
        .max()
        .expect("not empty");
    let later = sqlx::query_scalar!(
        "SELECT i.number FROM billed_days b JOIN invoices i ON i.id = b.invoice_id
         WHERE b.subscription_id = $1 AND b.starts >= $2 AND b.ends > b.starts AND b.invoice_id <> $3
         ORDER BY b.starts LIMIT 1",
        subscription_id,
        last,
        invoice_id
    )
    .fetch_optional(&mut *conn)
    .await?;
    if let Some(number) = later {
        return Err(MoneyError::VoidNotLatest(number));
    }
    sqlx::query!(
        "UPDATE billed_days SET ends = starts WHERE invoice_id = $1",
        invoice_id
    )
    .execute(&mut *conn)
    .await?;
    sqlx::query!(
        "UPDATE subscriptions SET billed_until = CASE WHEN $2 <= start_date THEN NULL ELSE $2 END,
                updated_at = now()
         WHERE id = $1 AND billed_until = $3",
        subscription_id,
        period_start,
        last
    )
    .execute(&mut *conn)
    .await?;
    Ok(())
}
