//! Client ↔ simulator integration tests. One test binary (with modules) keeps link time down.

mod binary;
mod faults;
mod login;
mod menus;
mod pipelining;
mod queries;
mod streams;
mod tls;
mod wire;

use routeros::sim::{Simulator, SimulatorBuilder};
use routeros::{Client, ClientConfig, Reconnect};
use std::time::Duration;

pub const PASSWORD: &str = "s3cret=with=equals";

pub fn builder() -> SimulatorBuilder {
    Simulator::builder().credentials("admin", PASSWORD)
}

pub fn config_for(sim: &Simulator) -> ClientConfig {
    ClientConfig::new(sim.addr().ip().to_string(), "admin", PASSWORD)
        .port(sim.addr().port())
        .reconnect(Reconnect {
            attempts: 3,
            initial_delay: Duration::from_millis(10),
            max_delay: Duration::from_millis(50),
        })
}

/// Waits until `condition` holds, looking every few milliseconds; fails the test after 5 s.
pub async fn wait_until(what: &str, mut condition: impl AsyncFnMut() -> bool) {
    let deadline = tokio::time::Instant::now() + Duration::from_secs(5);
    while !condition().await {
        assert!(
            tokio::time::Instant::now() < deadline,
            "timed out waiting until {what}"
        );
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
}

pub async fn connect(sim: &Simulator) -> Client {
    Client::connect(config_for(sim))
        .await
        .expect("client connects to the simulator")
}
