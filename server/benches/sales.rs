//! Counter sales benchmark: how long the server takes to answer `POST /api/v2/sales`, one sale
//! at a time as a cashier taps, against a simulated router with 20 ms reply latency. Two cases:
//! selling from stock already on the router (no router call on the way), and selling a plan
//! without stock, so the voucher is made and pushed to the router before the answer.
//!
//! Needs the local PostgreSQL and Redis (`make services`); `make bench` runs it. It creates a
//! database of its own and drops it at the end. Exits with failure when a p95 misses its target.

mod support;

use serde_json::json;
use std::time::{Duration, Instant};
use support::{Bench, TempDatabase, call, drain, setup, site};

const LATENCY: Duration = Duration::from_millis(20);
const SALES: usize = 300;
/// Sales before the measured ones, so connection pools and caches are warm.
const WARM_UP: usize = 10;
const TARGET_P95: Duration = Duration::from_millis(200);

/// Sells `count` vouchers of `plan_id` one after the other and returns each answer's time;
/// `expect` checks every sale's body.
async fn sell(
    bench: &Bench,
    cashier: &str,
    plan_id: i64,
    count: usize,
    expect: impl Fn(&serde_json::Value),
) -> Vec<Duration> {
    let mut samples = Vec::with_capacity(count);
    for _ in 0..count {
        let body = json!({"plan_id": plan_id, "request_key": uuid::Uuid::new_v4()});
        let started = Instant::now();
        let sale = call(&bench.router, "POST", "/api/v2/sales", Some(cashier), body).await;
        samples.push(started.elapsed());
        assert_eq!(sale["replayed"], false);
        expect(&sale);
    }
    samples
}

/// The nearest-rank percentile `p` (0–100) of sorted samples.
fn percentile(sorted: &[Duration], p: usize) -> Duration {
    sorted[(sorted.len() * p).div_ceil(100).max(1) - 1]
}

/// Prints one line of figures; false when p95 misses the target.
fn report(name: &str, mut samples: Vec<Duration>) -> bool {
    samples.sort();
    let ms = |d: Duration| d.as_secs_f64() * 1e3;
    let p95 = percentile(&samples, 95);
    let met = p95 <= TARGET_P95;
    println!(
        "{name:<64} p50 {:>6.1} ms  p95 {:>6.1} ms  p99 {:>6.1} ms  max {:>6.1} ms  ({} sales; target p95 ≤ {} ms) {}",
        ms(percentile(&samples, 50)),
        ms(p95),
        ms(percentile(&samples, 99)),
        ms(samples[samples.len() - 1]),
        samples.len(),
        TARGET_P95.as_millis(),
        if met { "OK" } else { "MISSED" }
    );
    met
}

#[tokio::main]
async fn main() {
    let database = TempDatabase::create().await;
    let bench = setup(&database.url).await;
    let cashier = bench.staff_token("kasir", domain::Role::Staff).await;

    // (a) Stock made beforehand and already on the router: a sale only marks one sold.
    let stocked = site(&bench, LATENCY).await;
    call(
        &bench.router,
        "POST",
        "/api/v2/vouchers/batch",
        Some(&bench.token),
        json!({"plan_id": stocked.plan_id, "quantity": WARM_UP + SALES}),
    )
    .await;
    drain(&bench.services).await;
    let users_before = stocked.sim.hotspot_users().len();
    let from_stock = |sale: &serde_json::Value| assert_eq!(sale["router_state"], "pushed");
    sell(&bench, &cashier, stocked.plan_id, WARM_UP, from_stock).await;
    let samples = sell(&bench, &cashier, stocked.plan_id, SALES, from_stock).await;
    assert_eq!(
        stocked.sim.hotspot_users().len(),
        users_before,
        "sales from stock add nothing to the router"
    );
    let stock_met = report("sale from stock on the router (20 ms latency)", samples);

    // (b) No stock: each sale makes its voucher and pushes it to the router before answering.
    let empty = site(&bench, LATENCY).await;
    let pushed_now = |sale: &serde_json::Value| {
        assert_eq!(
            sale["router_state"], "pushed",
            "the voucher reached the router before the answer"
        )
    };
    sell(&bench, &cashier, empty.plan_id, WARM_UP, pushed_now).await;
    let samples = sell(&bench, &cashier, empty.plan_id, SALES, pushed_now).await;
    assert_eq!(empty.sim.hotspot_users().len(), WARM_UP + SALES);
    let made_met = report(
        "sale without stock: made and pushed on the spot (20 ms latency)",
        samples,
    );

    drop((stocked, empty, bench));
    database.drop().await;
    if !(stock_met && made_met) {
        eprintln!(
            "a sale's p95 missed its target of {} ms",
            TARGET_P95.as_millis()
        );
        std::process::exit(1);
    }
}
