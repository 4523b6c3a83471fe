//! The monthly invoice run at 100,000 subscriptions (issue 13): every one of them due at once
//! (the worst day: all periods starting within the week), a tenth of the customers with credit
//! and a tenth with debt, then a second run that finds nothing to do.
//!
//! Needs the local PostgreSQL and Redis (`make services`); `make bench` runs it. It creates a
//! database of its own and drops it at the end. Exits with failure when a median misses its
//! target.

mod support;

use billing::core::audit::Actor;
use billing::money::invoice_run::{self, RunSettings};
use billing::money::invoices::Issuing;
use chrono::NaiveDate;
use serde_json::json;
use std::time::{Duration, Instant};
use support::{TempDatabase, call, report_median, setup, site};

const SUBSCRIPTIONS: i64 = 100_000;
const SETTINGS: RunSettings = RunSettings {
    days_ahead: 7,
    due_days: 0,
};

fn run_date() -> NaiveDate {
    NaiveDate::from_ymd_opt(2027, 1, 10).unwrap()
}

/// Puts the data back as before a run: no invoices, balances and billed periods as generated.
/// The ledger is append-only (a trigger refuses UPDATE and DELETE): it is emptied with TRUNCATE,
/// which only a bench's throw-away database does.
async fn reset(pool: &sqlx::PgPool) {
    for statement in [
        "TRUNCATE balance_ledger, billed_days, invoice_lines, invoices, invoice_numbers CASCADE",
        "UPDATE customers SET balance = CASE WHEN id % 10 = 0 THEN 50000 WHEN id % 10 = 1 THEN -20000 ELSE 0 END,
                              debt_since = CASE WHEN id % 10 = 1 THEN DATE '2027-01-01' END",
        "UPDATE subscriptions SET billed_until = make_date(2027, 1, billing_day)",
        "VACUUM ANALYZE",
    ] {
        sqlx::query(statement).execute(pool).await.unwrap();
    }
}

#[tokio::main]
async fn main() {
    let database = TempDatabase::create().await;
    let bench = setup(&database.url).await;
    let pool = &bench.services.pool;
    let site = site(&bench, Duration::ZERO).await;
    let plan = call(
        &bench.router,
        "POST",
        "/api/v2/plans",
        Some(&bench.token),
        json!({"kind": "pppoe", "router_id": site.router_id, "name": "Rumah 10 Mbps", "price": 150000,
               "profile": "pppoe-10m", "rate_limit": "5M/10M"}),
    )
    .await;
    let plan_id = plan["id"].as_i64().unwrap();
    // Customers, and a subscription each with billing day 10 to 17: every next period starts
    // within the week after the run's day. Billed up to then already (the month before).
    sqlx::query(
        "INSERT INTO customers (name, whatsapp)
         SELECT 'Pelanggan ' || n, '62858' || lpad(n::TEXT, 8, '0') FROM generate_series(1, $1) AS n",
    )
    .bind(SUBSCRIPTIONS)
    .execute(pool)
    .await
    .unwrap();
    sqlx::query(
        "INSERT INTO subscriptions (customer_id, plan_id, router_id, pppoe_username, pppoe_password_sealed,
                                    billing_day, start_date, router_state)
         SELECT c.id, $1, $2, 'pelanggan' || c.id, '\\x00'::BYTEA, 10 + c.id % 8,
                make_date(2026, 12, (10 + c.id % 8)::INT), 'synced'
         FROM customers c",
    )
    .bind(plan_id)
    .bind(site.router_id)
    .execute(pool)
    .await
    .unwrap();
    // Served on the plan from the start, as a subscription made through the API is.
    sqlx::query(
        "INSERT INTO service_changes (subscription_id, starts, plan_id, reconciled)
         SELECT id, start_date, plan_id, TRUE FROM subscriptions",
    )
    .execute(pool)
    .await
    .unwrap();
    let issuing = Issuing::from_config(&bench.services.config);

    let (mut first, mut second) = (Vec::new(), Vec::new());
    for _ in 0..3 {
        reset(pool).await;
        let started = Instant::now();
        let outcome = invoice_run::run(
            pool,
            run_date(),
            run_date(),
            issuing,
            SETTINGS,
            Actor::System,
        )
        .await
        .unwrap();
        first.push(started.elapsed());
        assert_eq!(outcome.created, SUBSCRIPTIONS as u64);
        let started = Instant::now();
        let again = invoice_run::run(
            pool,
            run_date(),
            run_date(),
            issuing,
            SETTINGS,
            Actor::System,
        )
        .await
        .unwrap();
        second.push(started.elapsed());
        assert_eq!(again.created, 0);
    }
    let (ledger_sum, balances): (i64, i64) = sqlx::query_as(
        "SELECT (SELECT sum(amount)::BIGINT FROM balance_ledger),
                (SELECT sum(balance)::BIGINT FROM customers) - 10000 * 50000 + 10000 * 20000",
    )
    .fetch_one(pool)
    .await
    .unwrap();
    assert_eq!(ledger_sum, balances, "the ledger moved the balances");
    let mut met = report_median(
        "invoice run over 100,000 subscriptions, all due",
        Duration::from_secs(10),
        first,
    );
    met &= report_median(
        "the same run again (nothing to do)",
        Duration::from_secs(2),
        second,
    );
    drop((site, bench));
    database.drop().await;
    if !met {
        eprintln!("an invoice-run benchmark missed its target");
        std::process::exit(1);
    }
}
