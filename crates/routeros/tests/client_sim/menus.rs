use std::time::Duration;

use routeros::{
    Error, HotspotUserChanges, NewHotspotUser, NewHotspotUserProfile, NewPppProfile, NewPppSecret,
    PppSecretChanges, Query, TrapCategory,
};

use crate::{builder, connect};

#[tokio::test]
async fn hotspot_user_lifecycle_through_typed_helpers() {
    let sim = builder().spawn().await.unwrap();
    let client = connect(&sim).await;
    let profiles = client.hotspot_user_profiles();
    profiles
        .add(&NewHotspotUserProfile {
            name: "daily".into(),
            rate_limit: Some("2M/5M".into()),
            ..Default::default()
        })
        .await
        .unwrap();

    let users = client.hotspot_users();
    let id = users
        .add(&NewHotspotUser {
            name: "v-1".into(),
            password: Some("pw".into()),
            profile: Some("daily".into()),
            limit_uptime: Some(Duration::from_secs(3600)),
            limit_bytes_total: Some(1 << 30),
            comment: Some("paid=5000".into()),
            ..Default::default()
        })
        .await
        .unwrap();
    users
        .add(&NewHotspotUser {
            name: "v-2".into(),
            ..Default::default()
        })
        .await
        .unwrap();

    let found = users
        .find_by_name("v-1")
        .await
        .unwrap()
        .expect("v-1 exists");
    assert_eq!(found.id, id);
    assert_eq!(found.profile.as_deref(), Some("daily"));
    assert_eq!(found.limit_uptime, Some(Duration::from_secs(3600)));
    assert_eq!(found.limit_bytes_total, Some(1 << 30));
    assert_eq!(found.comment.as_deref(), Some("paid=5000"));
    assert!(!found.disabled);

    users
        .set(
            &id,
            &HotspotUserChanges {
                disabled: Some(true),
                ..Default::default()
            },
        )
        .await
        .unwrap();
    let disabled = users
        .print(
            &Query::new().equals("disabled", "true"),
            &["name", "disabled"],
        )
        .await
        .unwrap();
    assert_eq!(disabled.len(), 1);
    assert_eq!(disabled[0].name, "v-1");
    assert_eq!(
        disabled[0].password, None,
        ".proplist left the password out"
    );

    // `?#` operations: neither v-1 nor v-2.
    let others = users
        .print(
            &Query::new()
                .equals("name", "v-1")
                .equals("name", "v-2")
                .operations("|!"),
            &[],
        )
        .await;
    assert!(others.unwrap().is_empty());

    users.remove(&id).await.unwrap();
    assert_eq!(users.find_by_name("v-1").await.unwrap(), None);
    assert_eq!(sim.hotspot_users().len(), 1);
}

#[tokio::test]
async fn traps_keep_the_routers_message_and_category() {
    let sim = builder().spawn().await.unwrap();
    let client = connect(&sim).await;
    let users = client.hotspot_users();
    let user = NewHotspotUser {
        name: "dup".into(),
        ..Default::default()
    };
    users.add(&user).await.unwrap();

    let duplicate = users.add(&user).await.unwrap_err();
    assert_eq!(
        duplicate.trap_message(),
        Some("failure: already have user with this name for this server")
    );

    let missing = users
        .remove(&routeros::ItemId("*FFFF".into()))
        .await
        .unwrap_err();
    assert_eq!(missing.trap_message(), Some("no such item"));

    let gold = NewHotspotUser {
        name: "x".into(),
        profile: Some("gold".into()),
        ..Default::default()
    };
    match users.add(&gold).await.unwrap_err() {
        Error::Trap {
            message, category, ..
        } => {
            assert_eq!(message, "input does not match any value of profile");
            assert_eq!(category, Some(TrapCategory::ArgumentValue));
        }
        other => panic!("expected a trap, got {other:?}"),
    }

    sim.trap_command(
        "/ip/hotspot/user/add",
        "failure: simulated router is read-only",
    );
    let injected = users
        .add(&NewHotspotUser {
            name: "y".into(),
            ..Default::default()
        })
        .await
        .unwrap_err();
    assert_eq!(
        injected.trap_message(),
        Some("failure: simulated router is read-only")
    );
    sim.clear_trapped_commands();

    // A trap is the command's failure, not the connection's.
    assert!(!duplicate.is_connection_failure());
    users
        .add(&NewHotspotUser {
            name: "y".into(),
            ..Default::default()
        })
        .await
        .unwrap();
}

#[tokio::test]
async fn active_sessions_follow_the_simulated_clock_and_can_be_kicked() {
    let sim = builder().spawn().await.unwrap();
    let client = connect(&sim).await;
    client
        .hotspot_users()
        .add(&NewHotspotUser {
            name: "v-9".into(),
            ..Default::default()
        })
        .await
        .unwrap();
    sim.login_hotspot_user("v-9").unwrap();
    sim.advance_clock(Duration::from_secs(125));

    let active = client.hotspot_active().print_all().await.unwrap();
    assert_eq!(active.len(), 1);
    assert_eq!(active[0].user, "v-9");
    assert_eq!(active[0].uptime, Some(Duration::from_secs(125)));

    client.hotspot_active().remove(&active[0].id).await.unwrap();
    assert!(sim.hotspot_active().is_empty());
    let user = client
        .hotspot_users()
        .find_by_name("v-9")
        .await
        .unwrap()
        .unwrap();
    assert_eq!(
        user.uptime,
        Some(Duration::from_secs(125)),
        "session time is kept on the user"
    );
}

#[tokio::test]
async fn ppp_menus_and_system_information() {
    let sim = builder().spawn().await.unwrap();
    let client = connect(&sim).await;
    client
        .ppp_profiles()
        .add(&NewPppProfile {
            name: "10M".into(),
            rate_limit: Some("10M/10M".into()),
            ..Default::default()
        })
        .await
        .unwrap();
    let secrets = client.ppp_secrets();
    let id = secrets
        .add(&NewPppSecret {
            name: "cust-1".into(),
            password: Some("pw".into()),
            profile: Some("10M".into()),
            service: Some("pppoe".into()),
            ..Default::default()
        })
        .await
        .unwrap();
    let duplicate = secrets
        .add(&NewPppSecret {
            name: "cust-1".into(),
            ..Default::default()
        })
        .await
        .unwrap_err();
    assert_eq!(
        duplicate.trap_message(),
        Some("failure: secret with the same name already exists")
    );
    secrets
        .set(
            &id,
            &PppSecretChanges {
                comment: Some("isolated".into()),
                ..Default::default()
            },
        )
        .await
        .unwrap();
    assert_eq!(
        secrets
            .find_by_name("cust-1")
            .await
            .unwrap()
            .unwrap()
            .comment
            .as_deref(),
        Some("isolated")
    );

    sim.login_ppp_secret("cust-1").unwrap();
    let active = client.ppp_active().print_all().await.unwrap();
    assert_eq!(active[0].name, "cust-1");
    assert_eq!(active[0].service.as_deref(), Some("pppoe"));

    let profiles = client.ppp_profiles().print_all().await.unwrap();
    let names: Vec<_> = profiles.iter().map(|p| p.name.as_str()).collect();
    assert_eq!(names, ["default", "10M", "default-encryption"]);

    sim.advance_clock(Duration::from_secs(90));
    let resource = client.system_resource().await.unwrap();
    assert_eq!(resource.uptime, Some(Duration::from_secs(90)));
    assert_eq!(resource.board_name.as_deref(), Some("CHR"));
    client
        .command("/system/identity/set")
        .attr("name", "hotspot-1")
        .run()
        .await
        .unwrap();
    assert_eq!(client.system_identity().await.unwrap().name, "hotspot-1");
}

#[tokio::test]
async fn empty_print_is_an_empty_list() {
    let sim = builder().spawn().await.unwrap();
    let client = connect(&sim).await;
    let response = client
        .command("/ip/hotspot/active/print")
        .run()
        .await
        .unwrap();
    assert!(response.rows.is_empty());
    assert!(
        client
            .hotspot_users()
            .find_by_name("nobody")
            .await
            .unwrap()
            .is_none()
    );
}
