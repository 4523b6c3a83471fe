use std::time::Duration;

use routeros::{Client, Error, NewHotspotUser, TimeoutStage, Timeouts};
use tokio::net::TcpListener;
use tokio::task::JoinSet;

use crate::{builder, config_for, connect, wait_until};

#[tokio::test]
async fn commands_in_flight_at_a_drop_fail_distinctly_and_the_next_one_reconnects() {
    let sim = builder()
        .latency(Duration::from_millis(20))
        .spawn()
        .await
        .unwrap();
    let client = connect(&sim).await;
    sim.drop_after(5);
    let mut adds = JoinSet::new();
    for n in 0..20 {
        let client = client.clone();
        adds.spawn(async move {
            client
                .hotspot_users()
                .add(&NewHotspotUser {
                    name: format!("d{n}"),
                    ..Default::default()
                })
                .await
        });
    }
    let (mut succeeded, mut lost) = (0, 0);
    while let Some(result) = adds.join_next().await {
        match result.unwrap() {
            Ok(_) => succeeded += 1,
            Err(error @ Error::ConnectionLost { .. }) => {
                assert!(error.is_connection_failure());
                lost += 1;
            }
            Err(other) => panic!("unexpected error {other:?}"),
        }
    }
    assert_eq!((succeeded, lost), (5, 15));

    // The next command reconnects by itself.
    let identity = client.system_identity().await.unwrap();
    assert_eq!(identity.name, "MikroTik");
}

#[tokio::test]
async fn dropped_connections_are_replaced_on_the_next_command() {
    let sim = builder().spawn().await.unwrap();
    let client = connect(&sim).await;
    for _ in 0..3 {
        sim.drop_connections();
        wait_until("the client has seen the drop", async || {
            !client.is_connected().await
        })
        .await;
        client.system_identity().await.unwrap();
        assert!(client.is_connected().await);
    }
    assert_eq!(sim.connection_count(), 1);
}

#[tokio::test]
async fn fatal_reply_fails_the_command_and_the_client_recovers() {
    let sim = builder().spawn().await.unwrap();
    let client = connect(&sim).await;
    let error = client.command("/quit").run().await.unwrap_err();
    assert!(
        matches!(&error, Error::Fatal { reason } if reason == "session terminated on request"),
        "{error:?}"
    );
    client.system_identity().await.unwrap();
}

#[tokio::test]
async fn reconnect_gives_up_when_the_router_is_gone() {
    let sim = builder().spawn().await.unwrap();
    let client = connect(&sim).await;
    drop(sim);
    // The simulator closes its listener before its connections: once the client has seen its
    // connection end, nothing listens on the port any more.
    wait_until("the client has seen the router go", async || {
        !client.is_connected().await
    })
    .await;
    let error = client.system_identity().await.unwrap_err();
    assert!(matches!(error, Error::Connect { .. }), "{error:?}");
    assert!(error.is_connection_failure(), "{error:?}");
}

#[tokio::test]
async fn slow_command_times_out() {
    let sim = builder()
        .latency(Duration::from_millis(500))
        .spawn()
        .await
        .unwrap();
    let mut config = config_for(&sim);
    // Login also waits 500 ms for its reply.
    config.timeouts = Timeouts {
        command: Duration::from_millis(100),
        ..Timeouts::default()
    };
    let client = Client::connect(config).await.unwrap();
    let error = client.system_identity().await.unwrap_err();
    assert!(
        matches!(
            error,
            Error::Timeout {
                stage: TimeoutStage::Command,
                ..
            }
        ),
        "{error:?}"
    );
    sim.set_latency(Duration::ZERO);
    // The late reply to the timed-out command holds the connection's replies back for up to
    // 500 ms; until it has gone out, commands keep timing out, and then they succeed again on
    // the same connection.
    let identity = tokio::time::timeout(Duration::from_secs(5), async {
        loop {
            match client.system_identity().await {
                Ok(identity) => break identity,
                Err(Error::Timeout {
                    stage: TimeoutStage::Command,
                    ..
                }) => {}
                Err(other) => panic!("unexpected error {other:?}"),
            }
        }
    })
    .await
    .expect("the client answers again once the late reply has passed");
    assert_eq!(identity.name, "MikroTik");
    assert_eq!(
        sim.connection_count(),
        1,
        "a command timeout does not cost the connection"
    );
    assert!(client.is_connected().await);
}

#[tokio::test]
async fn silent_router_times_out_at_login() {
    let silent = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let port = silent.local_addr().unwrap().port();
    let hold = tokio::spawn(async move {
        let (_socket, _) = silent.accept().await.unwrap();
        tokio::time::sleep(Duration::from_secs(5)).await;
    });
    let config = routeros::ClientConfig::new("127.0.0.1", "admin", "")
        .port(port)
        .timeouts(Timeouts {
            login: Duration::from_millis(150),
            ..Timeouts::default()
        });
    let error = Client::connect(config).await.err().unwrap();
    assert!(
        matches!(
            error,
            Error::Timeout {
                stage: TimeoutStage::Login,
                ..
            }
        ),
        "{error:?}"
    );
    hold.abort();
}
