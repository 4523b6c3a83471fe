//! The `routeros-sim` binary, as the demo runs it.

use std::net::SocketAddr;
use std::process::Stdio;
use std::time::Duration;

use routeros::{Client, ClientConfig, NewHotspotUser};
use tokio::io::{AsyncBufReadExt, BufReader};
use tokio::process::Command;

use crate::{PASSWORD, wait_until};

#[tokio::test]
async fn demo_mode_logs_in_only_users_whose_comment_has_the_prefix() {
    let mut sim = Command::new(env!("CARGO_BIN_EXE_routeros-sim"))
        .args([
            "--listen",
            "127.0.0.1:0",
            "--user",
            "admin",
            "--password",
            PASSWORD,
        ])
        .args([
            "--demo-login-every",
            "1",
            "--demo-comment-prefix",
            "shop:batch=",
        ])
        .stdout(Stdio::piped())
        .kill_on_drop(true)
        .spawn()
        .expect("routeros-sim starts");
    let mut stdout = BufReader::new(sim.stdout.take().unwrap()).lines();
    let ready = tokio::time::timeout(Duration::from_secs(10), stdout.next_line())
        .await
        .expect("routeros-sim says where it listens")
        .unwrap()
        .unwrap();
    let addr: SocketAddr = ready
        .strip_prefix("listening on ")
        .unwrap_or_else(|| panic!("unexpected first line {ready:?}"))
        .parse()
        .unwrap();
    let client = Client::connect(
        ClientConfig::new(addr.ip().to_string(), "admin", PASSWORD).port(addr.port()),
    )
    .await
    .unwrap();
    // Listed first, so a demo that ignored the prefix would log this one in first.
    for (name, comment) in [
        ("not-ours", Some("someone else's batch")),
        ("no-comment", None),
        ("ours", Some("shop:batch=7")),
    ] {
        client
            .hotspot_users()
            .add(&NewHotspotUser {
                name: name.into(),
                comment: comment.map(Into::into),
                ..Default::default()
            })
            .await
            .unwrap();
    }

    wait_until("a demo customer has logged in", async || {
        !client
            .hotspot_active()
            .print_all()
            .await
            .unwrap()
            .is_empty()
    })
    .await;
    let online: Vec<String> = client
        .hotspot_active()
        .print_all()
        .await
        .unwrap()
        .into_iter()
        .map(|session| session.user)
        .collect();
    assert_eq!(online, ["ours"]);
}
