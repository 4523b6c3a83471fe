//! End-to-end provisioning benchmarks (issue 4): a voucher batch from the HTTP API through
//! PostgreSQL and the router outbox to a simulated router with 20 ms reply latency, one activation
//! cycle over 20,000 router users, and the admin's voucher list over HTTP at 100,000 vouchers.
//!
//! Needs the local PostgreSQL and Redis (`make services`); `make bench` runs it. It creates a
//! database of its own and drops it at the end. Exits with failure when a median misses its
//! target.

mod support;

use billing::hotspot::activation;
use domain::ExpiredAction;
use serde_json::json;
use std::time::{Duration, Instant};
use support::{Bench, Site, TempDatabase, call, get, report_median, setup, site};

const LATENCY: Duration = Duration::from_millis(20);

/// POST /api/v2/vouchers/batch, then wait until the worker has every voucher on the router.
async fn batch_end_to_end(bench: &Bench, site: &Site, quantity: u32) -> Duration {
    let worker_stop = tokio_util::sync::CancellationToken::new();
    let worker = tokio::spawn(billing::ops::schedule::outbox_worker(
        bench.services.clone(),
        worker_stop.clone().cancelled_owned(),
    ));
    let before = site.sim.hotspot_users().len();
    let started = Instant::now();
    let created = call(
        &bench.router,
        "POST",
        "/api/v2/vouchers/batch",
        Some(&bench.token),
        json!({"plan_id": site.plan_id, "quantity": quantity}),
    )
    .await;
    let batch_id = created["batch_id"].as_i64().unwrap();
    loop {
        let progress = billing::hotspot::vouchers::batch_progress(&bench.services.pool, batch_id)
            .await
            .unwrap()
            .unwrap();
        assert_eq!(progress.failed, 0);
        if progress.pushed == i64::from(quantity) {
            break;
        }
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
    let elapsed = started.elapsed();
    worker_stop.cancel();
    worker.await.unwrap();
    assert_eq!(site.sim.hotspot_users().len(), before + quantity as usize);
    elapsed
}

/// The admin's voucher list with 100,000 vouchers in the database: each filter's first page, as
/// `GET /api/v2/vouchers` answers it. Returns whether every filter met its target.
async fn voucher_list_at_100k(bench: &Bench, site: &Site) -> bool {
    let pool = &bench.services.pool;
    let existing: i64 = sqlx::query_scalar("SELECT count(*) FROM vouchers")
        .fetch_one(pool)
        .await
        .unwrap();
    let batch_id: i64 = sqlx::query_scalar("SELECT max(id) FROM voucher_batches")
        .fetch_one(pool)
        .await
        .unwrap();
    sqlx::query(
        "INSERT INTO vouchers (batch_id, router_id, plan_id, code, password, price, status, router_state)
         SELECT $1, $2, $3, 'L' || lpad(n::TEXT, 9, '0'), 'x', 5000,
                (ARRAY['created', 'active', 'expired'])[1 + n % 3], 'pushed'
         FROM generate_series(1, $4) AS n",
    )
    .bind(batch_id)
    .bind(site.router_id)
    .bind(site.plan_id)
    .bind(100_000 - existing)
    .execute(pool)
    .await
    .unwrap();
    sqlx::query("ANALYZE vouchers").execute(pool).await.unwrap();
    let filters = [
        ("newest", String::new()),
        ("status = expired", "status=expired".to_owned()),
        ("code starts with L00004", "code=L00004".to_owned()),
        ("one plan", format!("plan_id={}", site.plan_id)),
        (
            "one batch, page 2",
            format!("batch_id={batch_id}&before_id=50000"),
        ),
    ];
    let mut met = true;
    for (name, query) in filters {
        let uri = format!("/api/v2/vouchers?{query}");
        let mut samples = Vec::new();
        for _ in 0..20 {
            let started = Instant::now();
            let rows = get(&bench.router, &uri, &bench.token).await;
            samples.push(started.elapsed());
            let rows = rows.as_array().expect("a list of vouchers");
            assert_eq!(rows.len(), 50, "{name}: a full first page");
        }
        met &= report_median(
            &format!("GET /api/v2/vouchers at 100,000 vouchers: {name}"),
            Duration::from_millis(50),
            samples,
        );
    }
    met
}

#[tokio::main]
async fn main() {
    let database = TempDatabase::create().await;
    let bench = setup(&database.url).await;

    let mut samples = Vec::new();
    for _ in 0..5 {
        let site = site(&bench, LATENCY).await;
        batch_end_to_end(&bench, &site, 10).await;
        samples.push(batch_end_to_end(&bench, &site, 1_000).await);
    }
    let mut met = report_median(
        "batch of 1,000: API → database → router (20 ms latency)",
        Duration::from_secs(2),
        samples,
    );

    let mut samples = Vec::new();
    for _ in 0..3 {
        let site = site(&bench, LATENCY).await;
        batch_end_to_end(&bench, &site, 10).await;
        samples.push(batch_end_to_end(&bench, &site, 10_000).await);
    }
    met &= report_median(
        "batch of 10,000: API → database → router (20 ms latency)",
        Duration::from_secs(10),
        samples,
    );

    // 20,000 vouchers on one router, 500 of them in use, usage changing between cycles.
    let site = site(&bench, Duration::ZERO).await;
    batch_end_to_end(&bench, &site, 10_000).await;
    batch_end_to_end(&bench, &site, 10_000).await;
    site.sim.set_latency(LATENCY);
    for user in site.sim.hotspot_users().iter().take(500) {
        site.sim
            .login_hotspot_user(user.get("name").unwrap())
            .unwrap();
    }
    site.sim.advance_clock(Duration::from_secs(60));
    let now = chrono::Utc::now();
    let mut samples = Vec::new();
    for _ in 0..7 {
        site.sim.advance_clock(Duration::from_secs(30));
        let started = Instant::now();
        let outcome = activation::run_once(
            &bench.services.pool,
            &bench.services.routers,
            site.router_id,
            now,
            ExpiredAction::Remove,
        )
        .await
        .unwrap();
        samples.push(started.elapsed());
        assert_eq!(outcome.matched, 20_000);
    }
    met &= report_median(
        "activation cycle over 20,000 router users (20 ms latency)",
        Duration::from_millis(300),
        samples,
    );

    met &= voucher_list_at_100k(&bench, &site).await;

    drop((site, bench));
    database.drop().await;
    if !met {
        eprintln!("a provisioning benchmark missed its target");
        std::process::exit(1);
    }
}
