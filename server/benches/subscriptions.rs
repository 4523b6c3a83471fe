//! PPPoE subscriptions end to end (issue 12): 1,000 subscriptions created through the HTTP API
//! (16 requests at a time, as an operator's script or a bulk form sends them), each through
//! PostgreSQL and the router outbox to a simulated router with 20 ms reply latency, until every
//! secret is on the router; and the import of 1,000 secrets already on a router.
//!
//! Needs the local PostgreSQL and Redis (`make services`); `make bench` runs it. It creates a
//! database of its own and drops it at the end. Exits with failure when a median misses its
//! target.

mod support;

use futures::StreamExt;
use serde_json::json;
use std::time::{Duration, Instant};
use support::{Bench, Site, TempDatabase, call, drain, report_median, setup, site};

const LATENCY: Duration = Duration::from_millis(20);
const SUBSCRIPTIONS: usize = 1_000;

/// A PPPoE plan on the site's router, its profile already there.
async fn pppoe_plan(bench: &Bench, site: &Site) -> i64 {
    let plan = call(
        &bench.router,
        "POST",
        "/api/v2/plans",
        Some(&bench.token),
        json!({"kind": "pppoe", "router_id": site.router_id, "name": "Rumah 10 Mbps", "price": 150000,
               "profile": "pppoe-10m", "rate_limit": "5M/10M"}),
    )
    .await;
    site.sim.set_latency(Duration::ZERO);
    drain(&bench.services).await;
    site.sim.set_latency(LATENCY);
    plan["id"].as_i64().unwrap()
}

/// `count` customers made for a run (not measured).
async fn customers(bench: &Bench, run: usize, count: usize) -> Vec<i64> {
    sqlx::query_scalar(
        "INSERT INTO customers (name, whatsapp)
         SELECT 'Pelanggan ' || $1 || '-' || n, '62858' || lpad(($1 * 100000 + n)::TEXT, 8, '0')
         FROM generate_series(1, $2) AS n
         RETURNING id",
    )
    .bind(run as i64)
    .bind(count as i64)
    .fetch_all(&bench.services.pool)
    .await
    .unwrap()
}

/// `POST /api/v2/subscriptions` for each customer, 16 at a time, with the outbox worker running;
/// ends when every secret is on the router.
async fn subscriptions_end_to_end(
    bench: &Bench,
    site: &Site,
    plan_id: i64,
    customers: &[i64],
) -> Duration {
    let worker_stop = tokio_util::sync::CancellationToken::new();
    let worker = tokio::spawn(billing::ops::schedule::outbox_worker(
        bench.services.clone(),
        worker_stop.clone().cancelled_owned(),
    ));
    let before = site.sim.ppp_secrets().len();
    let started = Instant::now();
    futures::stream::iter(customers.iter().map(|&customer_id| {
        call(
            &bench.router,
            "POST",
            "/api/v2/subscriptions",
            Some(&bench.token),
            json!({"customer_id": customer_id, "plan_id": plan_id}),
        )
    }))
    .buffer_unordered(16)
    .collect::<Vec<_>>()
    .await;
    loop {
        let pending: i64 = sqlx::query_scalar(
            "SELECT count(*) FROM subscriptions WHERE router_id = $1 AND router_state <> 'synced'",
        )
        .bind(site.router_id)
        .fetch_one(&bench.services.pool)
        .await
        .unwrap();
        if pending == 0 {
            break;
        }
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
    let elapsed = started.elapsed();
    worker_stop.cancel();
    worker.await.unwrap();
    assert_eq!(site.sim.ppp_secrets().len(), before + customers.len());
    elapsed
}

/// Imports `count` secrets made on the router before the billing (comments with numbers).
async fn import_secrets(bench: &Bench, site: &Site, run: usize, count: usize) -> Duration {
    site.sim.set_latency(Duration::ZERO);
    let client = bench.services.routers.client(site.router_id).await.unwrap();
    let menu = client.ppp_secrets();
    futures::future::join_all((0..count).map(|n| {
        let secret = routeros::NewPppSecret {
            name: format!("lama-{run}-{n}"),
            password: Some("rahasia1".into()),
            profile: Some("pppoe-10m".into()),
            comment: Some(format!("Pelanggan Lama {n} 0859{:08}", run * 100_000 + n)),
            ..Default::default()
        };
        let menu = &menu;
        async move { menu.add(&secret).await.unwrap() }
    }))
    .await;
    site.sim.set_latency(LATENCY);
    let started = Instant::now();
    let outcome = call(
        &bench.router,
        "POST",
        &format!("/api/v2/routers/{}/ppp-import", site.router_id),
        Some(&bench.token),
        json!({}),
    )
    .await;
    let elapsed = started.elapsed();
    assert_eq!(outcome["subscriptions_created"], count);
    elapsed
}

#[tokio::main]
async fn main() {
    let database = TempDatabase::create().await;
    let bench = setup(&database.url).await;

    let mut samples = Vec::new();
    for run in 0..5 {
        let site = site(&bench, LATENCY).await;
        let plan_id = pppoe_plan(&bench, &site).await;
        let warm = customers(&bench, run * 2, 10).await;
        subscriptions_end_to_end(&bench, &site, plan_id, &warm).await;
        let customers = customers(&bench, run * 2 + 1, SUBSCRIPTIONS).await;
        samples.push(subscriptions_end_to_end(&bench, &site, plan_id, &customers).await);
    }
    let mut met = report_median(
        "1,000 subscriptions: API → database → router (20 ms latency)",
        Duration::from_secs(2),
        samples,
    );

    let mut samples = Vec::new();
    for run in 0..3 {
        let site = site(&bench, LATENCY).await;
        pppoe_plan(&bench, &site).await;
        samples.push(import_secrets(&bench, &site, run, SUBSCRIPTIONS).await);
    }
    met &= report_median(
        "import of 1,000 secrets from a router (20 ms latency)",
        Duration::from_secs(5),
        samples,
    );

    drop(bench);
    database.drop().await;
    if !met {
        eprintln!("a subscriptions benchmark missed its target");
        std::process::exit(1);
    }
}
