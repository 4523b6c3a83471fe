use std::collections::HashSet;
use std::time::{Duration, Instant};

use routeros::NewHotspotUser;
use tokio::task::JoinSet;

use crate::{builder, config_for, connect};

fn voucher(n: usize) -> NewHotspotUser {
    NewHotspotUser {
        name: format!("v{n:04}"),
        password: Some(format!("{n:04}")),
        comment: Some("batch".into()),
        ..Default::default()
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn thousand_pipelined_adds_over_a_slow_link_take_about_one_round_trip() {
    let sim = builder()
        .latency(Duration::from_millis(20))
        .spawn()
        .await
        .unwrap();
    let client = connect(&sim).await;
    let started = Instant::now();
    let mut adds = JoinSet::new();
    for n in 0..1000 {
        let client = client.clone();
        adds.spawn(async move { client.hotspot_users().add(&voucher(n)).await });
    }
    let mut ids = HashSet::new();
    while let Some(result) = adds.join_next().await {
        ids.insert(result.unwrap().unwrap());
    }
    let elapsed = started.elapsed();
    assert_eq!(ids.len(), 1000, "every add got its own id");
    assert_eq!(sim.hotspot_users().len(), 1000);
    // One at a time this is 1,000 × 20 ms = 20 s; pipelined it is a few round trips.
    assert!(elapsed < Duration::from_secs(3), "took {elapsed:?}");
    assert_eq!(
        sim.connection_count(),
        1,
        "all commands shared one connection"
    );
}

#[tokio::test]
async fn max_in_flight_holds_back_extra_commands() {
    const LATENCY: Duration = Duration::from_millis(250);
    let sim = builder().latency(LATENCY).spawn().await.unwrap();
    let client = routeros::Client::connect(config_for(&sim).max_in_flight(2))
        .await
        .unwrap();
    let started = Instant::now();
    let mut prints = JoinSet::new();
    for _ in 0..4 {
        let client = client.clone();
        prints.spawn(async move { client.system_identity().await });
    }
    while let Some(result) = prints.join_next().await {
        result.unwrap().unwrap();
    }
    let elapsed = started.elapsed();
    // Four commands, two at a time, 250 ms each: two rounds (500 ms). All four at once would be
    // one round; one at a time, four rounds (at least 1 s, as each reply waits 250 ms after its
    // command arrived). The upper bound sits between, leaving 400 ms for a busy machine.
    assert!(elapsed >= 2 * LATENCY, "took {elapsed:?}");
    assert!(
        elapsed < Duration::from_millis(900),
        "took {elapsed:?}: the commands did not overlap"
    );
}
