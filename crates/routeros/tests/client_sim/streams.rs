use std::time::Duration;

use routeros::NewHotspotUser;
use tokio::time::timeout;

use crate::{builder, connect, wait_until};

#[tokio::test]
async fn listen_streams_changes_until_cancelled() {
    let sim = builder().spawn().await.unwrap();
    let client = connect(&sim).await;
    client
        .hotspot_users()
        .add(&NewHotspotUser {
            name: "v-5".into(),
            ..Default::default()
        })
        .await
        .unwrap();

    let mut changes = client
        .command("/ip/hotspot/active/listen")
        .stream()
        .await
        .unwrap();
    // A round trip on the same connection guarantees the listen is registered before the login.
    client.system_identity().await.unwrap();
    let session = sim.login_hotspot_user("v-5").unwrap();

    let row = timeout(Duration::from_secs(2), changes.next())
        .await
        .unwrap()
        .unwrap()
        .unwrap();
    assert_eq!(row.get("user"), Some("v-5"));
    assert_eq!(row.get(".id"), Some(session.as_str()));

    sim.logout_hotspot_user("v-5");
    let gone = timeout(Duration::from_secs(2), changes.next())
        .await
        .unwrap()
        .unwrap()
        .unwrap();
    assert_eq!(gone.get(".dead"), Some("yes"));

    assert_eq!(sim.listen_count(), 1);
    timeout(Duration::from_secs(2), changes.cancel())
        .await
        .unwrap()
        .unwrap();
    // cancel() returns once the router has confirmed: the listen is over there too.
    assert_eq!(sim.listen_count(), 0);
    // The connection is still healthy after the cancel.
    assert_eq!(client.hotspot_users().print_all().await.unwrap().len(), 1);
}

#[tokio::test]
async fn commands_run_while_a_stream_is_open() {
    let sim = builder()
        .latency(Duration::from_millis(10))
        .spawn()
        .await
        .unwrap();
    let client = connect(&sim).await;
    let mut changes = client
        .command("/ip/hotspot/user/listen")
        .stream()
        .await
        .unwrap();
    client
        .hotspot_users()
        .add(&NewHotspotUser {
            name: "a".into(),
            ..Default::default()
        })
        .await
        .unwrap();
    let row = timeout(Duration::from_secs(2), changes.next())
        .await
        .unwrap()
        .unwrap()
        .unwrap();
    assert_eq!(row.get("name"), Some("a"));
    assert_eq!(sim.listen_count(), 1);
    drop(changes);
    // Dropping the stream cancels it on the router, on the same connection.
    wait_until("the simulator has ended the listen", async || {
        sim.listen_count() == 0
    })
    .await;
    assert_eq!(sim.connection_count(), 1);
    // Later adds reach nobody and nothing breaks.
    client
        .hotspot_users()
        .add(&NewHotspotUser {
            name: "b".into(),
            ..Default::default()
        })
        .await
        .unwrap();
    assert_eq!(sim.hotspot_users().len(), 2);
}
