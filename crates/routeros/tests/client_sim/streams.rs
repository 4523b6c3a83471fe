use std::time::Duration;

use routeros::NewHotspotUser;
use tokio::time::timeout;

use crate::{builder, connect};

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

    timeout(Duration::from_secs(2), changes.cancel())
        .await
        .unwrap()
        .unwrap();
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
    drop(changes);
    // Dropping the stream cancelled it on the router; later adds reach nobody and nothing breaks.
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
