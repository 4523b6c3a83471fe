//! The rules of issue 21, each with its worked example, the arithmetic written out: plan changes
//! credit what was billed and charge what is used; suspended days are not billed; the run is not
//! stopped by one subscription; what a customer owes isolates all of their service and only
//! paying all that is due resumes it; isolation and the run lock as payments and changes do.

use crate::support;

use billing::Services;
use billing::core::audit::Actor;
use billing::hotspot::plans;
use billing::money::invoice_run::{self, RunSettings};
use billing::money::invoices::{self, Issuing};
use billing::money::{payments, standing};
use chrono::NaiveDate;
use domain::Rupiah;
use domain::model::invoices::{InvoiceStatus, PaymentInput, PaymentMethod};
use domain::model::plans::{PlanInput, PlanKind};
use domain::model::subscriptions::{SubscriptionAction, SubscriptionInput};
use domain::settlement::TaxRule;
use sqlx::PgPool;
use std::time::Duration;
use support::{register_router, services, simulator};

const ADMIN: Actor = Actor::System;
const SETTINGS: RunSettings = RunSettings {
    days_ahead: 7,
    due_days: 0,
};

fn d(y: i32, m: u32, day: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, day).unwrap()
}

fn issuing(basis_points: u32) -> Issuing {
    Issuing {
        tax: TaxRule {
            basis_points,
            prices_include_tax: false,
        },
        timezone: chrono_tz::Asia::Jakarta,
        due_days: 7,
    }
}

struct Setup {
    services: Services,
    router_id: i64,
    _sim: routeros::sim::Simulator,
}

async fn setup(pool: &PgPool) -> Setup {
    let services = services(pool.clone()).await;
    let sim = simulator().await;
    let router_id = register_router(&services, &sim, "Tower").await;
    Setup {
        services,
        router_id,
        _sim: sim,
    }
}

impl Setup {
    async fn plan(&self, name: &str, price: i64) -> i64 {
        plans::create_plan(
            &self.services.pool,
            PlanInput {
                kind: PlanKind::Pppoe,
                router_id: self.router_id,
                name: name.into(),
                price,
                profile: format!("p-{price}"),
                ..PlanInput::default()
            },
            ADMIN,
        )
        .await
        .unwrap()
        .id
    }

    async fn customer(&self, n: u32) -> i64 {
        support::customer(
            &self.services.pool,
            &format!("Pelanggan {n}"),
            &format!("0812{n:08}"),
        )
        .await
    }

    async fn subscribe(&self, customer_id: i64, plan_id: i64, start: NaiveDate, day: i16) -> i64 {
        self.services
            .subscriptions
            .create(
                SubscriptionInput {
                    customer_id,
                    plan_id,
                    pppoe_username: None,
                    pppoe_password: None,
                    billing_day: Some(day),
                    start_date: Some(start),
                },
                start,
                ADMIN,
            )
            .await
            .unwrap()
            .id
    }

    async fn run(&self, on: NaiveDate, tax: u32) -> u64 {
        let outcome = invoice_run::run(&self.services.pool, on, on, issuing(tax), SETTINGS, ADMIN)
            .await
            .unwrap();
        assert!(outcome.failed.is_empty(), "{:?}", outcome.failed);
        outcome.created
    }

    async fn change(&self, sub: i64, plan: i64, on: NaiveDate) {
        self.services
            .subscriptions
            .change_plan(sub, plan, on, ADMIN)
            .await
            .unwrap();
    }

    async fn act(&self, sub: i64, action: SubscriptionAction, on: NaiveDate) {
        self.services
            .subscriptions
            .act(sub, action, on, ADMIN)
            .await
            .unwrap();
    }

    /// (period start, period end, total, status) of each invoice of the subscription, in order.
    async fn invoices(&self, sub: i64) -> Vec<(NaiveDate, NaiveDate, i64, String)> {
        sqlx::query_as(
            "SELECT period_start, period_end, total, status FROM invoices
             WHERE subscription_id = $1 ORDER BY id",
        )
        .bind(sub)
        .fetch_all(&self.services.pool)
        .await
        .unwrap()
    }

    async fn balance(&self, customer: i64) -> i64 {
        sqlx::query_scalar("SELECT balance FROM customers WHERE id = $1")
            .bind(customer)
            .fetch_one(&self.services.pool)
            .await
            .unwrap()
    }

    async fn status(&self, sub: i64) -> String {
        self.services
            .subscriptions
            .get(sub)
            .await
            .unwrap()
            .status
            .as_str()
            .to_owned()
    }

    async fn pay(&self, invoice: i64, amount: i64, key: &str, on: NaiveDate) {
        payments::pay_at_counter(
            &self.services.pool,
            invoice,
            PaymentInput {
                amount: Rupiah::new(amount),
                method: PaymentMethod::Cash,
                note: None,
                request_key: key.into(),
                reference: None,
            },
            on,
            ADMIN,
        )
        .await
        .unwrap();
    }

    async fn invoice_ids(&self, customer: i64) -> Vec<i64> {
        sqlx::query_scalar("SELECT id FROM invoices WHERE customer_id = $1 ORDER BY id")
            .bind(customer)
            .fetch_all(&self.services.pool)
            .await
            .unwrap()
    }
}

fn inv(
    start: NaiveDate,
    end: NaiveDate,
    total: i64,
    status: &str,
) -> (NaiveDate, NaiveDate, i64, String) {
    (start, end, total, status.to_owned())
}

/// Rule 1: a change before a first period starts gives back the days billed, not a month's
/// share counted from the change.
#[sqlx::test(migrator = "billing::core::db::MIGRATOR")]
async fn a_plan_change_credits_only_the_days_billed(pool: PgPool) {
    let s = setup(&pool).await;
    let big = s.plan("Rumah 100", 100_000).await;
    let small = s.plan("Rumah 50", 50_000).await;
    let c = s.customer(1).await;
    // Starts on 14 December, billing day 1: issued on the 7th for [14 Dec, 1 Jan), 18 of
    // December's 31 days: 100,000 × 18/31 = 58,064.52 → 58,065.
    let sub = s.subscribe(c, big, d(2026, 12, 14), 1).await;
    assert_eq!(s.run(d(2026, 12, 7), 0).await, 1);
    // Changed on the 8th: the 18 billed days come back, 58,065 (the old rule gave 24/31 of
    // 100,000 = 77,419: days never billed). The same 18 days at 50,000: 50,000 × 18/31 =
    // 29,032.26 → 29,032, paid from the credit; 58,065 − 29,032 = 29,033 stays as credit.
    s.change(sub, small, d(2026, 12, 8)).await;
    assert_eq!(s.run(d(2026, 12, 8), 0).await, 1);
    assert_eq!(
        s.invoices(sub).await,
        vec![
            inv(d(2026, 12, 14), d(2026, 12, 31), 58_065, "unpaid"),
            inv(d(2026, 12, 14), d(2026, 12, 31), 0, "paid"),
        ]
    );
    assert_eq!(s.balance(c).await, 29_033);
}

/// Rule 1: a change inside the pre-billing window credits the rest of this period and the whole
/// next one, and bills the new plan for every one of those days.
#[sqlx::test(migrator = "billing::core::db::MIGRATOR")]
async fn a_change_in_the_pre_billing_window_misses_no_day(pool: PgPool) {
    let s = setup(&pool).await;
    let base = s.plan("Rumah 150", 150_000).await;
    let fast = s.plan("Rumah 300", 300_000).await;
    let c = s.customer(1).await;
    let sub = s.subscribe(c, base, d(2026, 12, 1), 1).await;
    s.run(d(2026, 12, 1), 0).await;
    s.run(d(2026, 12, 26), 0).await; // January is issued 7 days ahead.
    s.change(sub, fast, d(2026, 12, 28)).await;
    s.run(d(2026, 12, 28), 0).await;
    // Credit: 4 of December's 31 days at 150,000 and all of January:
    //   150,000 × 4/31 + 150,000 = 19,354.84 + 150,000 = 169,354.84 → 169,355.
    // Charged: [28 Dec, 1 Jan) at 300,000: 300,000 × 4/31 = 38,709.68 → 38,710, from the credit
    // (left: 130,645); then January at 300,000 − 130,645 = 169,355 to pay.
    assert_eq!(
        s.invoices(sub).await,
        vec![
            inv(d(2026, 12, 1), d(2026, 12, 31), 150_000, "unpaid"),
            inv(d(2027, 1, 1), d(2027, 1, 31), 150_000, "unpaid"),
            inv(d(2026, 12, 28), d(2026, 12, 31), 0, "paid"),
            inv(d(2027, 1, 1), d(2027, 1, 31), 169_355, "unpaid"),
        ]
    );
    assert_eq!(s.balance(c).await, 0);
    // Days billed and live: 1–27 Dec at 150,000, 28–31 Dec and January at 300,000; none twice.
    let live: Vec<(NaiveDate, NaiveDate)> = sqlx::query_as(
        "SELECT starts, ends FROM billed_days WHERE subscription_id = $1 AND ends > starts ORDER BY starts",
    )
    .bind(sub)
    .fetch_all(&pool)
    .await
    .unwrap();
    assert_eq!(
        live,
        vec![
            (d(2026, 12, 1), d(2026, 12, 28)),
            (d(2026, 12, 28), d(2027, 1, 1)),
            (d(2027, 1, 1), d(2027, 2, 1)),
        ]
    );
}

/// Rule 2 and rule 7: two step-downs in one period, PPN 11 % added; each credit carries the tax
/// it was billed with, and the run goes on.
#[sqlx::test(migrator = "billing::core::db::MIGRATOR")]
async fn two_step_downs_with_ppn_credit_the_tax_as_billed(pool: PgPool) {
    let s = setup(&pool).await;
    let big = s.plan("Besar", 300_000).await;
    let mid = s.plan("Sedang", 100_000).await;
    let small = s.plan("Hemat", 10_000).await;
    let c = s.customer(1).await;
    let sub = s.subscribe(c, big, d(2026, 11, 1), 1).await;
    // November: 300,000 + PPN 33,000 = 333,000.
    s.run(d(2026, 11, 1), 1_100).await;
    // On 2 November, 29 of 30 days back, tax as billed: 300,000 × 29/30 × 1.11 = 321,900.
    // [2 Nov, 1 Dec) at 100,000: 100,000 × 29/30 = 96,666.67 → 96,667, PPN 10,633.37 → 10,633:
    // 107,300 from the credit; 214,600 left.
    s.change(sub, mid, d(2026, 11, 2)).await;
    s.run(d(2026, 11, 2), 1_100).await;
    assert_eq!(s.balance(c).await, 214_600);
    // On 3 November, 28 of those 29 days back: 96,667 × 28/29 × 1.11 = 103,600.36 → 103,600;
    // [3 Nov, 1 Dec) at 10,000: 10,000 × 28/30 = 9,333.33 → 9,333, PPN 1,026.63 → 1,027: 10,360.
    // 214,600 + 103,600 − 10,360 = 307,840.
    s.change(sub, small, d(2026, 11, 3)).await;
    s.run(d(2026, 11, 3), 1_100).await;
    assert_eq!(s.balance(c).await, 307_840);
    let totals: Vec<i64> = s.invoices(sub).await.into_iter().map(|i| i.2).collect();
    assert_eq!(totals, vec![333_000, 0, 0]);
}

/// Rule 3: suspended days are not billed; resuming bills from the resume day as a first period.
#[sqlx::test(migrator = "billing::core::db::MIGRATOR")]
async fn a_suspension_is_not_billed_and_resuming_starts_anew(pool: PgPool) {
    let s = setup(&pool).await;
    let plan = s.plan("Rumah 150", 150_000).await;
    let c = s.customer(1).await;
    let sub = s.subscribe(c, plan, d(2026, 12, 1), 1).await;
    s.run(d(2026, 12, 1), 0).await;
    // Suspended on 11 December: 21 of 31 days back, 150,000 × 21/31 = 101,612.90 → 101,613.
    s.act(sub, SubscriptionAction::Suspend, d(2026, 12, 11))
        .await;
    s.run(d(2026, 12, 11), 0).await;
    assert_eq!(s.balance(c).await, 101_613);
    for on in [d(2026, 12, 26), d(2027, 1, 26), d(2027, 2, 26)] {
        assert_eq!(s.run(on, 0).await, 0, "nothing billed while suspended");
    }
    // Resumed on 16 March: [16 Mar, 1 Apr), 16 of 31 days: 150,000 × 16/31 = 77,419.35 →
    // 77,419, from the credit: 101,613 − 77,419 = 24,194. Not three back-billed months.
    s.act(sub, SubscriptionAction::Resume, d(2027, 3, 16)).await;
    assert_eq!(s.run(d(2027, 3, 16), 0).await, 1);
    assert_eq!(
        s.invoices(sub).await,
        vec![
            inv(d(2026, 12, 1), d(2026, 12, 31), 150_000, "unpaid"),
            inv(d(2027, 3, 16), d(2027, 3, 31), 0, "paid"),
        ]
    );
    assert_eq!(s.balance(c).await, 24_194);
    // Then whole months again.
    assert_eq!(s.run(d(2027, 3, 25), 0).await, 1);
    assert_eq!(
        s.invoices(sub).await.pop().unwrap(),
        inv(d(2027, 4, 1), d(2027, 4, 30), 150_000 - 24_194, "unpaid")
    );
}

/// Rules 4 and 9: what the customer owes isolates all of their subscriptions; paying one of two
/// overdue invoices, or part of one, resumes nothing; paying everything due resumes all.
#[sqlx::test(migrator = "billing::core::db::MIGRATOR")]
async fn only_paying_everything_due_resumes(pool: PgPool) {
    let s = setup(&pool).await;
    let plan = s.plan("Rumah 100", 100_000).await;
    let c = s.customer(1).await;
    let home = s.subscribe(c, plan, d(2026, 10, 1), 1).await;
    let shop = s.subscribe(c, plan, d(2026, 10, 1), 1).await;
    s.run(d(2026, 10, 1), 0).await;
    s.run(d(2026, 10, 25), 0).await;
    // Four invoices of 100,000: October's due 1 Oct, November's due 1 Nov. On 5 November with
    // three days of grace, October's are overdue: both subscriptions are isolated.
    let isolated = standing::isolate_overdue(&pool, d(2026, 11, 5), 3)
        .await
        .unwrap();
    assert_eq!(isolated.len(), 2);
    let ids = s.invoice_ids(c).await;
    // October's first invoice paid: November's are due too (1 Nov ≤ 5 Nov): still isolated.
    s.pay(ids[0], 100_000, "oct-home-0001", d(2026, 11, 5))
        .await;
    assert_eq!(s.status(home).await, "isolated");
    // The other October invoice paid in part: 99,999 of 100,000 leaves debt due since 1 Oct.
    s.pay(ids[1], 99_999, "oct-shop-0001", d(2026, 11, 5)).await;
    assert_eq!(s.balance(c).await, -1);
    s.pay(ids[2], 100_000, "nov-home-0001", d(2026, 11, 5))
        .await;
    s.pay(ids[3], 100_000, "nov-shop-0001", d(2026, 11, 5))
        .await;
    assert_eq!(
        (s.status(home).await, s.status(shop).await),
        ("isolated".into(), "isolated".into()),
        "Rp 1 of debt, due since October, is still owed"
    );
    // Isolated once: the run finds nothing more to isolate.
    let isolated_again = standing::isolate_overdue(&pool, d(2026, 11, 6), 3)
        .await
        .unwrap();
    assert!(isolated_again.is_empty(), "isolated once");
    s.run(d(2026, 11, 25), 0).await;
    let december: Vec<(i64, i64, NaiveDate)> = sqlx::query_as(
        "SELECT id, total, owed_since FROM invoices WHERE customer_id = $1 AND period_start = $2 ORDER BY id",
    )
    .bind(c)
    .bind(d(2026, 12, 1))
    .fetch_all(&pool)
    .await
    .unwrap();
    // The Rp 1 is carried by December's first invoice, which is owed since October for it.
    assert_eq!(december[0].1, 100_001, "100,000 and the Rp 1 carried");
    assert_eq!(december[0].2, d(2026, 10, 1), "owed since October");
    assert_eq!(december[1].2, d(2026, 12, 1));
    // Paying it (on 25 November) clears what is due: December's second invoice is not due yet.
    s.pay(december[0].0, 100_001, "dec-home-0001", d(2026, 11, 25))
        .await;
    assert_eq!(
        (s.status(home).await, s.status(shop).await),
        ("active".into(), "active".into())
    );
}

/// Rule 8: the isolation run takes the customer's lock, as a payment does: a payment committing
/// while it runs is seen, and the subscriber is not isolated.
#[sqlx::test(migrator = "billing::core::db::MIGRATOR")]
async fn isolation_waits_for_a_payment_in_flight(pool: PgPool) {
    let s = setup(&pool).await;
    let plan = s.plan("Rumah 100", 100_000).await;
    let c = s.customer(1).await;
    let sub = s.subscribe(c, plan, d(2026, 10, 1), 1).await;
    s.run(d(2026, 10, 1), 0).await;
    let invoice = s.invoice_ids(c).await[0];
    // A payment in flight: the customer locked and the invoice settled, not yet committed.
    let mut payment = pool.begin().await.unwrap();
    sqlx::query("SELECT id FROM customers WHERE id = $1 FOR UPDATE")
        .bind(c)
        .execute(&mut *payment)
        .await
        .unwrap();
    sqlx::query("UPDATE invoices SET status = 'paid', amount_paid = total WHERE id = $1")
        .bind(invoice)
        .execute(&mut *payment)
        .await
        .unwrap();
    let isolation = tokio::spawn({
        let pool = pool.clone();
        async move { standing::isolate_overdue(&pool, d(2026, 11, 5), 3).await }
    });
    tokio::time::sleep(Duration::from_millis(300)).await;
    assert!(
        !isolation.is_finished(),
        "the isolation run waits for the customer's lock"
    );
    payment.commit().await.unwrap();
    let isolated = isolation.await.unwrap().unwrap();
    assert!(isolated.is_empty(), "{isolated:?}");
    assert_eq!(s.status(sub).await, "active");
}

/// Rule 10: the run locks the subscriptions it bills: a change of plan committing during a pass
/// is waited for, and its period is billed at the new price.
#[sqlx::test(migrator = "billing::core::db::MIGRATOR")]
async fn the_run_waits_for_a_plan_change_in_flight(pool: PgPool) {
    let s = setup(&pool).await;
    let old = s.plan("Lama", 100_000).await;
    let new = s.plan("Baru", 200_000).await;
    let c = s.customer(1).await;
    let sub = s.subscribe(c, old, d(2026, 12, 1), 1).await;
    // A change of plan in flight, as `change_plan` makes it: the subscription locked.
    let mut change = pool.begin().await.unwrap();
    sqlx::query("SELECT id FROM subscriptions WHERE id = $1 FOR UPDATE")
        .bind(sub)
        .execute(&mut *change)
        .await
        .unwrap();
    let run = tokio::spawn({
        let pool = pool.clone();
        async move {
            invoice_run::run(
                &pool,
                d(2026, 12, 1),
                d(2026, 12, 1),
                issuing(0),
                SETTINGS,
                ADMIN,
            )
            .await
        }
    });
    tokio::time::sleep(Duration::from_millis(300)).await;
    assert!(!run.is_finished(), "the run waits for the subscription");
    sqlx::query("UPDATE subscriptions SET plan_id = $2 WHERE id = $1")
        .bind(sub)
        .bind(new)
        .execute(&mut *change)
        .await
        .unwrap();
    sqlx::query(
        "UPDATE service_changes SET plan_id = $2 WHERE subscription_id = $1 AND starts = $3",
    )
    .bind(sub)
    .bind(new)
    .bind(d(2026, 12, 1))
    .execute(&mut *change)
    .await
    .unwrap();
    change.commit().await.unwrap();
    assert_eq!(run.await.unwrap().unwrap().created, 1);
    assert_eq!(
        s.invoices(sub).await,
        vec![inv(d(2026, 12, 1), d(2026, 12, 31), 200_000, "unpaid")]
    );
}

/// Rule 2: a subscription whose invoice cannot be made is left out with its reason; the others
/// are billed.
#[sqlx::test(migrator = "billing::core::db::MIGRATOR")]
async fn one_bad_subscription_never_stops_the_run(pool: PgPool) {
    let s = setup(&pool).await;
    let plan = s.plan("Rumah 100", 100_000).await;
    let a = s.customer(1).await;
    let b = s.customer(2).await;
    let bad = s.subscribe(a, plan, d(2026, 12, 1), 1).await;
    let good = s.subscribe(b, plan, d(2026, 12, 1), 1).await;
    // A day of the bad one's period is billed already (by hand, say): billing it again would
    // bill that day twice, which the database refuses.
    let stray = invoices::issue(
        &pool,
        domain::model::invoices::InvoiceInput {
            customer_id: a,
            due_date: None,
            lines: vec![domain::model::invoices::LineInput {
                description: "Tagihan manual".into(),
                amount: Rupiah::new(1_000),
            }],
        },
        issuing(0),
        d(2026, 12, 1),
        ADMIN,
    )
    .await
    .unwrap();
    sqlx::query(
        "INSERT INTO billed_days (subscription_id, invoice_id, starts, ends, billed_ends, amount, days,
                                  tax_basis_points, prices_include_tax)
         VALUES ($1, $2, $3, $4, $4, 1000, 1, 0, FALSE)",
    )
    .bind(bad)
    .bind(stray.id)
    .bind(d(2026, 12, 15))
    .bind(d(2026, 12, 16))
    .execute(&pool)
    .await
    .unwrap();
    let outcome = invoice_run::run(
        &pool,
        d(2026, 12, 1),
        d(2026, 12, 1),
        issuing(0),
        SETTINGS,
        ADMIN,
    )
    .await
    .unwrap();
    assert_eq!(outcome.created, 1);
    assert_eq!(outcome.failed.len(), 1);
    assert_eq!(outcome.failed[0].subscription_id, bad);
    assert!(
        outcome.failed[0].reason.contains("billed_days"),
        "{}",
        outcome.failed[0].reason
    );
    assert_eq!(s.invoices(good).await.len(), 1);
    assert!(s.invoices(bad).await.is_empty());
    assert_eq!(
        s.balance(a).await,
        0,
        "nothing of the bad one's was written"
    );
    let logged: i64 = sqlx::query_scalar(
        "SELECT count(*) FROM audit_logs WHERE action = 'invoice.run' AND details->'failed' <> '[]'::jsonb",
    )
    .fetch_one(&pool)
    .await
    .unwrap();
    assert_eq!(logged, 1, "the audit log names it");
}

/// Rule 6: a run as on an earlier day issues on today: numbered in today's month, never due
/// before today.
#[sqlx::test(migrator = "billing::core::db::MIGRATOR")]
async fn a_catch_up_run_issues_and_numbers_on_today(pool: PgPool) {
    let s = setup(&pool).await;
    let plan = s.plan("Rumah 100", 100_000).await;
    let c = s.customer(1).await;
    let sub = s.subscribe(c, plan, d(2026, 11, 1), 1).await;
    let outcome = invoice_run::run(
        &pool,
        d(2026, 11, 1),
        d(2027, 1, 3),
        issuing(0),
        SETTINGS,
        ADMIN,
    )
    .await
    .unwrap();
    assert_eq!(outcome.created, 1, "as on 1 November: November only");
    let (number, due, issued): (String, NaiveDate, chrono::DateTime<chrono::Utc>) = sqlx::query_as(
        "SELECT number, due_date, issued_at FROM invoices WHERE subscription_id = $1",
    )
    .bind(sub)
    .fetch_one(&pool)
    .await
    .unwrap();
    assert!(number.starts_with("INV-202701-"), "{number}");
    assert_eq!(due, d(2027, 1, 3));
    assert_eq!(
        issued.with_timezone(&chrono_tz::Asia::Jakarta).date_naive(),
        d(2027, 1, 3)
    );
    let refused = invoice_run::run(
        &pool,
        d(2027, 1, 4),
        d(2027, 1, 3),
        issuing(0),
        SETTINGS,
        ADMIN,
    )
    .await;
    assert!(
        matches!(refused, Err(billing::money::error::MoneyError::Invalid(ref e)) if e.field == "date"),
        "{refused:?}"
    );
    let _ = InvoiceStatus::Paid;
}

/// The ledger is append-only in the database, and the daily check finds a balance that differs
/// from it: logged, audited, and the health report degraded (not down).
#[sqlx::test(migrator = "billing::core::db::MIGRATOR")]
async fn the_ledger_is_append_only_and_checked_daily(pool: PgPool) {
    let s = setup(&pool).await;
    let c = s.customer(1).await;
    payments::adjust(
        &pool,
        c,
        domain::model::customers::AdjustmentInput {
            amount: Rupiah::new(5_000),
            reason: "Deposit".into(),
        },
        d(2026, 12, 1),
        ADMIN,
    )
    .await
    .unwrap();
    for statement in [
        "UPDATE balance_ledger SET amount = 1",
        "DELETE FROM balance_ledger",
    ] {
        let refused = sqlx::query(statement).execute(&pool).await.unwrap_err();
        assert!(refused.to_string().contains("append-only"), "{refused}");
    }
    billing::ops::schedule::ledger_check_tick(&s.services)
        .await
        .unwrap();
    let report = billing::core::health::check(&pool, &s.services.redis).await;
    let ledger = report.checks.iter().find(|c| c.name == "ledger").unwrap();
    assert_eq!(ledger.status, domain::model::health::HealthStatus::Healthy);
    assert!(!ledger.critical);

    // A balance moved outside the ledger (by hand in the database, say).
    sqlx::query("UPDATE customers SET balance = balance + 1 WHERE id = $1")
        .bind(c)
        .execute(&pool)
        .await
        .unwrap();
    billing::ops::schedule::ledger_check_tick(&s.services)
        .await
        .unwrap();
    let report = billing::core::health::check(&pool, &s.services.redis).await;
    let ledger = report.checks.iter().find(|c| c.name == "ledger").unwrap();
    assert_eq!(
        ledger.status,
        domain::model::health::HealthStatus::Unhealthy
    );
    assert!(
        ledger.error.as_deref().unwrap().starts_with("1 customers'"),
        "{ledger:?}"
    );
    assert_eq!(report.status, domain::model::health::HealthStatus::Degraded);
    let audited: i64 = sqlx::query_scalar(
        "SELECT count(*) FROM audit_logs WHERE action = 'ledger.mismatch' AND entity_id = $1",
    )
    .bind(c.to_string())
    .fetch_one(&pool)
    .await
    .unwrap();
    assert_eq!(audited, 1);
}

/// A debt is payable at once at the counter, toward the balance: a cashier takes at most the
/// debt; paying it all resumes the isolated subscriber.
#[sqlx::test(migrator = "billing::core::db::MIGRATOR")]
async fn a_debt_is_paid_toward_the_balance(pool: PgPool) {
    let s = setup(&pool).await;
    let plan = s.plan("Rumah 100", 100_000).await;
    let c = s.customer(1).await;
    let sub = s.subscribe(c, plan, d(2026, 10, 1), 1).await;
    s.run(d(2026, 10, 1), 0).await;
    let invoice = s.invoice_ids(c).await[0];
    // 75,000 of 100,000: 25,000 of debt, owed since 1 October; isolated on the 5th.
    s.pay(invoice, 75_000, "part-0000001", d(2026, 10, 2)).await;
    standing::isolate_overdue(&pool, d(2026, 10, 5), 3)
        .await
        .unwrap();
    assert_eq!(s.status(sub).await, "isolated");
    assert_eq!(
        standing::owed_in_all(&pool, c).await.unwrap(),
        Rupiah::new(25_000)
    );
    let kasir: i64 = sqlx::query_scalar(
        "INSERT INTO staff_users (username, name, password_hash, role)
         VALUES ('kasir', 'Kasir', 'x', 'staff') RETURNING id",
    )
    .fetch_one(&pool)
    .await
    .unwrap();
    let pay = |amount: i64, key: &str| PaymentInput {
        amount: Rupiah::new(amount),
        method: PaymentMethod::Cash,
        note: None,
        request_key: key.into(),
        reference: None,
    };
    let over = payments::pay_toward_balance(
        &pool,
        c,
        pay(30_000, "debt-over-0001"),
        d(2026, 10, 5),
        Actor::Staff(kasir),
    )
    .await
    .unwrap_err();
    assert!(
        matches!(over, billing::money::error::MoneyError::OverDue { due } if due == Rupiah::new(25_000)),
        "{over:?}"
    );
    let receipt = payments::pay_toward_balance(
        &pool,
        c,
        pay(25_000, "debt-pay-0001"),
        d(2026, 10, 5),
        Actor::Staff(kasir),
    )
    .await
    .unwrap();
    assert_eq!(receipt.invoice_id, None);
    assert_eq!(receipt.balance, Rupiah::ZERO);
    assert_eq!(s.status(sub).await, "active", "nothing due is owed");
    // The same key again is the same payment.
    let again = payments::pay_toward_balance(
        &pool,
        c,
        pay(25_000, "debt-pay-0001"),
        d(2026, 10, 5),
        Actor::Staff(kasir),
    )
    .await
    .unwrap();
    assert_eq!(again.payment_id, receipt.payment_id);
    assert_eq!(s.balance(c).await, 0);
    // Reversed, the debt is back.
    payments::reverse(
        &pool,
        receipt.payment_id,
        "Salah input",
        d(2026, 10, 6),
        ADMIN,
    )
    .await
    .unwrap();
    assert_eq!(s.balance(c).await, -25_000);
}

/// Rule 3: the months a customer was closed are never billed: closing credits the days billed
/// after it, reopening bills from that day as a first period.
#[sqlx::test(migrator = "billing::core::db::MIGRATOR")]
async fn a_closed_customer_is_not_billed_until_reopened(pool: PgPool) {
    let s = setup(&pool).await;
    let plan = s.plan("Rumah 150", 150_000).await;
    let c = s.customer(1).await;
    let sub = s.subscribe(c, plan, d(2026, 12, 1), 1).await;
    s.run(d(2026, 12, 1), 0).await;
    let details = billing::money::customers::get(&pool, c).await.unwrap();
    let input = |status| domain::model::customers::CustomerInput {
        name: details.name.clone(),
        whatsapp: details.whatsapp.clone(),
        email: None,
        address: None,
        notes: None,
        status: Some(status),
    };
    // Closed on 21 December: 11 of 31 days back, 150,000 × 11/31 = 53,225.81 → 53,226.
    billing::money::customers::update(
        &pool,
        c,
        input(domain::model::customers::CustomerStatus::Closed),
        d(2026, 12, 21),
        ADMIN,
    )
    .await
    .unwrap();
    s.run(d(2026, 12, 21), 0).await;
    assert_eq!(s.balance(c).await, 53_226);
    assert_eq!(s.run(d(2027, 1, 26), 0).await, 0, "nothing while closed");
    // Reopened on 10 February: [10 Feb, 1 Mar), 19 of 28 days: 150,000 × 19/28 = 101,785.71 →
    // 101,786, less the credit: 48,560.
    billing::money::customers::update(
        &pool,
        c,
        input(domain::model::customers::CustomerStatus::Active),
        d(2027, 2, 10),
        ADMIN,
    )
    .await
    .unwrap();
    assert_eq!(s.run(d(2027, 2, 10), 0).await, 1);
    assert_eq!(
        s.invoices(sub).await,
        vec![
            inv(d(2026, 12, 1), d(2026, 12, 31), 150_000, "unpaid"),
            inv(d(2027, 2, 10), d(2027, 2, 28), 101_786 - 53_226, "unpaid"),
        ]
    );
}
