//! 1,000 `/ip/hotspot/user/add` against the simulator with 20 ms reply latency: pipelined on one
//! connection versus one at a time (how Mikhmon and PHPNuxBill work).
//!
//! One-at-a-time is measured on 100 adds, since 1,000 would take 20 s per iteration; its time
//! for 1,000 is that figure × 10 (each add is one full round trip, so the cost is linear).

use std::time::{Duration, Instant};

use criterion::{Criterion, SamplingMode, criterion_group, criterion_main};
use routeros::sim::Simulator;
use routeros::{Client, ClientConfig, NewHotspotUser};
use tokio::runtime::Runtime;
use tokio::task::JoinSet;

const LATENCY: Duration = Duration::from_millis(20);

/// A fresh router per iteration, so every iteration adds into an empty user list.
async fn fresh_router() -> (Simulator, Client) {
    let sim = Simulator::builder()
        .credentials("admin", "pw")
        .latency(LATENCY)
        .spawn()
        .await
        .unwrap();
    let config = ClientConfig::new("127.0.0.1", "admin", "pw")
        .port(sim.addr().port())
        .max_in_flight(1000);
    let client = Client::connect(config).await.unwrap();
    (sim, client)
}

fn voucher(n: usize) -> NewHotspotUser {
    NewHotspotUser {
        name: format!("voucher-{n:05}"),
        password: Some(format!("{:06}", n * 7919 % 1_000_000)),
        profile: Some("default".into()),
        limit_uptime: Some(Duration::from_secs(3 * 3600)),
        comment: Some("batch 2026-11-24".into()),
        ..Default::default()
    }
}

async fn add_pipelined(client: &Client, count: usize) {
    let mut adds = JoinSet::new();
    for n in 0..count {
        let client = client.clone();
        adds.spawn(async move { client.hotspot_users().add(&voucher(n)).await });
    }
    while let Some(result) = adds.join_next().await {
        result.unwrap().unwrap();
    }
}

async fn add_one_at_a_time(client: &Client, count: usize) {
    for n in 0..count {
        client.hotspot_users().add(&voucher(n)).await.unwrap();
    }
}

fn pipeline(c: &mut Criterion) {
    let runtime = Runtime::new().unwrap();
    let mut group = c.benchmark_group("hotspot_user_add_20ms_latency");
    group.sampling_mode(SamplingMode::Flat).sample_size(10);

    group.measurement_time(Duration::from_secs(5));
    group.bench_function("pipelined_1000", |b| {
        b.to_async(&runtime).iter_custom(|iterations| async move {
            let mut total = Duration::ZERO;
            for _ in 0..iterations {
                let (_sim, client) = fresh_router().await;
                let started = Instant::now();
                add_pipelined(&client, 1000).await;
                total += started.elapsed();
            }
            total
        });
    });

    group.measurement_time(Duration::from_secs(25));
    group.bench_function("one_at_a_time_100", |b| {
        b.to_async(&runtime).iter_custom(|iterations| async move {
            let mut total = Duration::ZERO;
            for _ in 0..iterations {
                let (_sim, client) = fresh_router().await;
                let started = Instant::now();
                add_one_at_a_time(&client, 100).await;
                total += started.elapsed();
            }
            total
        });
    });
    group.finish();
}

criterion_group!(benches, pipeline);
criterion_main!(benches);
