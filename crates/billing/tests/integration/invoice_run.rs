//! The monthly invoice run against PostgreSQL: periods and proration, once per subscription and
//! period however often and however many run it, plan changes, closed and isolated
//! subscriptions, the balance applied, gapless numbers.

use crate::support;

use billing::Services;
use billing::core::audit::Actor;
use billing::hotspot::plans;
use billing::money::invoice_run::{self, RunSettings};
use billing::money::invoices::{self, Issuing};
use chrono::NaiveDate;
use domain::Rupiah;
use domain::model::customers::AdjustmentInput;
use domain::model::invoices::{Invoice, InvoiceStatus, LineKind};
use domain::model::plans::{PlanInput, PlanKind};
use domain::model::subscriptions::{SubscriptionAction, SubscriptionInput};
use domain::settlement::TaxRule;
use sqlx::PgPool;
use support::{register_router, services, simulator};

const ADMIN: Actor = Actor::System;
const SETTINGS: RunSettings = RunSettings {
    days_ahead: 7,
    due_days: 0,
};

fn issuing() -> Issuing {
    Issuing {
        tax: TaxRule {
            basis_points: 0,
            prices_include_tax: false,
        },
        timezone: chrono_tz::Asia::Jakarta,
        due_days: 7,
    }
}

fn d(y: i32, m: u32, day: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, day).unwrap()
}

struct Setup {
    services: Services,
    plan_150: i64,
    plan_300: i64,
    _sim: routeros::sim::Simulator,
}

async fn setup(pool: &PgPool) -> Setup {
    let services = services(pool.clone()).await;
    let sim = simulator().await;
    let router_id = register_router(&services, &sim, "Tower").await;
    let plan = |name: &str, price: i64, profile: &str| PlanInput {
        kind: PlanKind::Pppoe,
        router_id,
        name: name.into(),
        price,
        profile: profile.into(),
        ..PlanInput::default()
    };
    let plan_150 = plans::create_plan(pool, plan("Rumah 10 Mbps", 150_000, "p10"), ADMIN)
        .await
        .unwrap()
        .id;
    let plan_300 = plans::create_plan(pool, plan("Rumah 30 Mbps", 300_000, "p30"), ADMIN)
        .await
        .unwrap()
        .id;
    Setup {
        services,
        plan_150,
        plan_300,
        _sim: sim,
    }
}

async fn customer(pool: &PgPool, n: u32) -> i64 {
    support::customer(pool, &format!("Pelanggan {n}"), &format!("0812{n:08}")).await
}

async fn subscribe(s: &Setup, customer_id: i64, plan_id: i64, start: NaiveDate, day: i16) -> i64 {
    s.services
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

async fn run(pool: &PgPool, on: NaiveDate) -> (u64, u64) {
    let outcome = invoice_run::run(pool, on, on, issuing(), SETTINGS, ADMIN)
        .await
        .unwrap();
    (outcome.created, outcome.skipped)
}

/// The subscription's invoices, oldest first.
async fn invoices_of(pool: &PgPool, subscription_id: i64) -> Vec<Invoice> {
    let ids: Vec<i64> = sqlx::query_scalar(
        "SELECT id FROM invoices WHERE subscription_id = $1 ORDER BY period_start",
    )
    .bind(subscription_id)
    .fetch_all(pool)
    .await
    .unwrap();
    let mut out = Vec::new();
    for id in ids {
        out.push(
            invoices::get(pool, id, chrono_tz::Asia::Jakarta)
                .await
                .unwrap(),
        );
    }
    out
}

async fn period_of(pool: &PgPool, invoice_id: i64) -> (NaiveDate, NaiveDate) {
    sqlx::query_as("SELECT period_start, period_end FROM invoices WHERE id = $1")
        .bind(invoice_id)
        .fetch_one(pool)
        .await
        .unwrap()
}

#[sqlx::test(migrator = "billing::core::db::MIGRATOR")]
async fn a_mid_period_start_is_prorated_then_whole_periods_follow_once_each(pool: PgPool) {
    let s = setup(&pool).await;
    let c = customer(&pool, 1).await;
    // Billing day 5, starting on 20 December: 16 of the 31 days of [5 Dec, 5 Jan).
    let sub = subscribe(&s, c, s.plan_150, d(2026, 12, 20), 5).await;
    assert_eq!(run(&pool, d(2026, 12, 20)).await, (1, 0));
    assert_eq!(
        run(&pool, d(2026, 12, 20)).await,
        (0, 0),
        "a rerun makes nothing"
    );
    let first = invoices_of(&pool, sub).await;
    assert_eq!(first.len(), 1);
    assert_eq!(first[0].total, Rupiah::new(77_419));
    assert_eq!(
        first[0].lines[0].description,
        "Rumah 10 Mbps, 20-12-2026 – 04-01-2027 (16 dari 31 hari)"
    );
    assert_eq!(
        period_of(&pool, first[0].id).await,
        (d(2026, 12, 20), d(2027, 1, 4))
    );
    assert_eq!(first[0].due_date, d(2026, 12, 20));

    // The next period starts on 5 January: its invoice is issued 7 days before, not earlier.
    assert_eq!(run(&pool, d(2026, 12, 28)).await, (0, 0));
    assert_eq!(run(&pool, d(2026, 12, 29)).await, (1, 0));
    let both = invoices_of(&pool, sub).await;
    assert_eq!(both[1].total, Rupiah::new(150_000));
    assert_eq!(
        period_of(&pool, both[1].id).await,
        (d(2027, 1, 5), d(2027, 2, 4))
    );
    assert_eq!(both[1].due_date, d(2027, 1, 5));
    assert_eq!(
        both[1].lines[0].description,
        "Rumah 10 Mbps, 05-01-2027 – 04-02-2027"
    );

    // A server down for months catches up, one invoice per period, in one run.
    assert_eq!(run(&pool, d(2027, 4, 28)).await, (4, 0));
    let periods: Vec<NaiveDate> = {
        let mut v = Vec::new();
        for i in invoices_of(&pool, sub).await {
            v.push(period_of(&pool, i.id).await.0);
        }
        v
    };
    assert_eq!(
        periods,
        vec![
            d(2026, 12, 20),
            d(2027, 1, 5),
            d(2027, 2, 5),
            d(2027, 3, 5),
            d(2027, 4, 5),
            d(2027, 5, 5)
        ]
    );
}

#[sqlx::test(migrator = "billing::core::db::MIGRATOR")]
async fn billing_day_28_across_february_and_a_leap_year(pool: PgPool) {
    let s = setup(&pool).await;
    let c = customer(&pool, 1).await;
    let sub = subscribe(&s, c, s.plan_150, d(2028, 1, 28), 28).await;
    run(&pool, d(2028, 3, 25)).await;
    let mut periods = Vec::new();
    for invoice in invoices_of(&pool, sub).await {
        assert_eq!(invoice.total, Rupiah::new(150_000), "whole periods");
        periods.push(period_of(&pool, invoice.id).await);
    }
    assert_eq!(
        periods,
        vec![
            (d(2028, 1, 28), d(2028, 2, 27)),
            (d(2028, 2, 28), d(2028, 3, 27)),
            (d(2028, 3, 28), d(2028, 4, 27)),
        ]
    );
    // Starting on 15 February 2028 with billing day 1: 15 of February's 29 days.
    let c2 = customer(&pool, 2).await;
    let leap = subscribe(&s, c2, s.plan_150, d(2028, 2, 15), 1).await;
    run(&pool, d(2028, 2, 15)).await;
    assert_eq!(invoices_of(&pool, leap).await[0].total, Rupiah::new(77_586));
}

#[sqlx::test(migrator = "billing::core::db::MIGRATOR")]
async fn two_runs_at_once_make_one_invoice_per_subscription_and_period(pool: PgPool) {
    let s = setup(&pool).await;
    for n in 0..40 {
        let c = customer(&pool, n).await;
        subscribe(
            &s,
            c,
            if n % 2 == 0 { s.plan_150 } else { s.plan_300 },
            d(2026, 12, 1),
            1,
        )
        .await;
    }
    let on = d(2026, 12, 1);
    let (a, b) = tokio::join!(
        invoice_run::run(&pool, on, on, issuing(), SETTINGS, ADMIN),
        invoice_run::run(&pool, on, on, issuing(), SETTINGS, ADMIN),
    );
    assert_eq!(a.unwrap().created + b.unwrap().created, 40);
    let (invoices, distinct): (i64, i64) = sqlx::query_as(
        "SELECT count(*), count(DISTINCT (subscription_id, period_start)) FROM invoices",
    )
    .fetch_one(&pool)
    .await
    .unwrap();
    assert_eq!((invoices, distinct), (40, 40));
    // Numbers have no gap.
    let numbers: Vec<String> = sqlx::query_scalar("SELECT number FROM invoices ORDER BY number")
        .fetch_all(&pool)
        .await
        .unwrap();
    let serials: Vec<u32> = numbers.iter().map(|n| n[11..].parse().unwrap()).collect();
    assert_eq!(serials, (1..=40).collect::<Vec<u32>>());
    // The database refuses a day billed twice, whoever writes it.
    let refused = sqlx::query(
        "INSERT INTO billed_days (subscription_id, invoice_id, starts, ends, billed_ends, amount,
                                  days, tax_basis_points, prices_include_tax)
         SELECT subscription_id, invoice_id, ends - 1, ends, ends, 1, 1, 0, FALSE
         FROM billed_days LIMIT 1",
    )
    .execute(&pool)
    .await
    .unwrap_err();
    assert!(
        refused
            .to_string()
            .contains("billed_days_subscription_id_daterange_excl"),
        "{refused}"
    );
}

#[sqlx::test(migrator = "billing::core::db::MIGRATOR")]
async fn a_plan_change_mid_period_credits_the_old_plan_and_bills_the_new_from_that_day(
    pool: PgPool,
) {
    let s = setup(&pool).await;
    let c = customer(&pool, 1).await;
    let sub = subscribe(&s, c, s.plan_150, d(2026, 12, 5), 5).await;
    assert_eq!(run(&pool, d(2026, 12, 5)).await.0, 1);
    // On 20 December, 16 of the period's 31 days are left.
    s.services
        .subscriptions
        .change_plan(sub, s.plan_300, d(2026, 12, 20), ADMIN)
        .await
        .unwrap();
    // The next run credits them, 150,000 × 16/31 = 77,419.35 → 77,419, and bills the same days
    // at the new plan, 300,000 × 16/31 = 154,838.71 → 154,839, the credit applied: 77,420; then
    // January at 300,000.
    assert_eq!(run(&pool, d(2026, 12, 29)).await.0, 2);
    let all = invoices_of(&pool, sub).await;
    assert_eq!(all.len(), 3);
    let change = &all[1];
    let lines: Vec<(LineKind, i64)> = change
        .lines
        .iter()
        .map(|l| (l.kind, l.amount.amount()))
        .collect();
    assert_eq!(
        lines,
        vec![
            (LineKind::Charge, 154_839),
            (LineKind::CreditApplied, -77_419)
        ]
    );
    assert_eq!(change.total, Rupiah::new(77_420));
    assert_eq!(
        change.lines[0].description,
        "Rumah 30 Mbps, 20-12-2026 – 04-01-2027 (16 dari 31 hari)"
    );
    assert_eq!(
        period_of(&pool, change.id).await,
        (d(2026, 12, 20), d(2027, 1, 4))
    );
    assert_eq!(all[2].total, Rupiah::new(300_000));
    // Credited once: the next runs give nothing back again.
    run(&pool, d(2027, 1, 29)).await;
    let after = invoices_of(&pool, sub).await.pop().unwrap();
    assert_eq!(after.lines.len(), 1);
    assert_eq!(after.total, Rupiah::new(300_000));

    // A big step down: the credit is more than the charges; the rest becomes balance.
    let c2 = customer(&pool, 2).await;
    let down = subscribe(&s, c2, s.plan_300, d(2026, 12, 5), 5).await;
    run(&pool, d(2026, 12, 5)).await;
    let cheap = plans::create_plan(
        &pool,
        PlanInput {
            kind: PlanKind::Pppoe,
            router_id: s.services.subscriptions.get(down).await.unwrap().router_id,
            name: "Hemat".into(),
            price: 10_000,
            profile: "hemat".into(),
            ..PlanInput::default()
        },
        ADMIN,
    )
    .await
    .unwrap();
    s.services
        .subscriptions
        .change_plan(down, cheap.id, d(2026, 12, 6), ADMIN)
        .await
        .unwrap();
    run(&pool, d(2026, 12, 29)).await;
    let invoice = invoices_of(&pool, down).await.pop().unwrap();
    assert_eq!(invoice.total, Rupiah::ZERO);
    assert_eq!(invoice.status, InvoiceStatus::Paid);
    let balance: i64 = sqlx::query_scalar("SELECT balance FROM customers WHERE id = $1")
        .bind(c2)
        .fetch_one(&pool)
        .await
        .unwrap();
    // 300,000 × 30/31 = 290,322.58 → 290,323 back; the same 30 days at 10,000: 9,677.42 →
    // 9,677; next month 10,000: all from the credit.
    assert_eq!(balance, 290_323 - 9_677 - 10_000);
}

#[sqlx::test(migrator = "billing::core::db::MIGRATOR")]
async fn closed_and_suspended_subscriptions_are_not_billed_isolated_ones_are(pool: PgPool) {
    let s = setup(&pool).await;
    let mut subs = Vec::new();
    for n in 0..4 {
        let c = customer(&pool, n).await;
        subs.push(subscribe(&s, c, s.plan_150, d(2026, 12, 1), 1).await);
    }
    let subscriptions = &s.services.subscriptions;
    subscriptions
        .act(subs[1], SubscriptionAction::Isolate, d(2026, 12, 1), ADMIN)
        .await
        .unwrap();
    subscriptions
        .act(subs[2], SubscriptionAction::Suspend, d(2026, 12, 1), ADMIN)
        .await
        .unwrap();
    subscriptions
        .act(subs[3], SubscriptionAction::Close, d(2026, 12, 1), ADMIN)
        .await
        .unwrap();
    assert_eq!(run(&pool, d(2026, 12, 1)).await, (2, 0));
    for (sub, billed) in subs.iter().zip([true, true, false, false]) {
        assert_eq!(!invoices_of(&pool, *sub).await.is_empty(), billed);
    }
    // A closed customer is not billed either (counted as skipped).
    let closed_customer: i64 =
        sqlx::query_scalar("SELECT customer_id FROM subscriptions WHERE id = $1")
            .bind(subs[0])
            .fetch_one(&pool)
            .await
            .unwrap();
    sqlx::query("UPDATE customers SET status = 'closed' WHERE id = $1")
        .bind(closed_customer)
        .execute(&pool)
        .await
        .unwrap();
    assert_eq!(run(&pool, d(2026, 12, 26)).await, (1, 1));
    // A plan whose price is not set yet (Rp 0, as the import makes them) is not billed.
    sqlx::query("UPDATE plans SET price = 0 WHERE id = $1")
        .bind(s.plan_150)
        .execute(&pool)
        .await
        .unwrap();
    assert_eq!(run(&pool, d(2027, 1, 26)).await, (0, 2));
}

#[sqlx::test(migrator = "billing::core::db::MIGRATOR")]
async fn the_balance_is_applied_as_on_every_invoice(pool: PgPool) {
    let s = setup(&pool).await;
    let c = customer(&pool, 1).await;
    // Rp 200.000 of credit and two subscriptions: the first invoice takes 150.000, the second
    // the remaining 50.000.
    billing::money::payments::adjust(
        &pool,
        c,
        AdjustmentInput {
            amount: Rupiah::new(200_000),
            reason: "Deposit".into(),
        },
        d(2026, 12, 1),
        ADMIN,
    )
    .await
    .unwrap();
    let a = subscribe(&s, c, s.plan_150, d(2026, 12, 1), 1).await;
    let b = subscribe(&s, c, s.plan_300, d(2026, 12, 1), 1).await;
    run(&pool, d(2026, 12, 1)).await;
    let first = invoices_of(&pool, a).await.remove(0);
    let second = invoices_of(&pool, b).await.remove(0);
    assert_eq!(
        (first.total, first.status),
        (Rupiah::ZERO, InvoiceStatus::Paid)
    );
    assert_eq!(second.total, Rupiah::new(250_000));
    assert_eq!(second.lines[1].kind, LineKind::CreditApplied);
    assert_eq!(second.lines[1].amount, Rupiah::new(-50_000));
    let (balance, ledger_sum): (i64, i64) = sqlx::query_as(
        "SELECT c.balance, (SELECT sum(amount)::BIGINT FROM balance_ledger WHERE customer_id = c.id)
         FROM customers c WHERE id = $1",
    )
    .bind(c)
    .fetch_one(&pool)
    .await
    .unwrap();
    assert_eq!((balance, ledger_sum), (0, 0), "the ledger is the balance");
    // The month of issue is the run's today's (1 December 2026 here), not the wall clock's.
    assert!(first.number.starts_with("INV-202612-"), "{}", first.number);
}
