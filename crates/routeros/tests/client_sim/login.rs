use routeros::{Client, Error};

use crate::{PASSWORD, builder, config_for, connect};

#[tokio::test]
async fn correct_credentials_log_in() {
    let sim = builder().spawn().await.unwrap();
    let client = connect(&sim).await;
    assert_eq!(client.system_identity().await.unwrap().name, "MikroTik");
}

#[tokio::test]
async fn wrong_password_is_rejected_with_the_routers_message() {
    let sim = builder().spawn().await.unwrap();
    let mut config = config_for(&sim);
    config.password = "wrong".into();
    let error = Client::connect(config)
        .await
        .err()
        .expect("login must fail");
    assert!(
        matches!(&error, Error::LoginRejected { message } if message == "invalid user name or password (6)"),
        "{error:?}"
    );
}

#[tokio::test]
async fn refused_login_is_rejected_and_can_be_lifted() {
    let sim = builder().spawn().await.unwrap();
    sim.refuse_login(true);
    assert!(matches!(
        Client::connect(config_for(&sim)).await,
        Err(Error::LoginRejected { .. })
    ));
    sim.refuse_login(false);
    connect(&sim).await;
}

#[tokio::test]
async fn legacy_md5_challenge_login_succeeds_and_checks_the_password() {
    let sim = builder().legacy_login(true).spawn().await.unwrap();
    let client = connect(&sim).await;
    assert!(client.system_resource().await.unwrap().version.is_some());

    let mut config = config_for(&sim);
    config.password = format!("{PASSWORD}x");
    assert!(matches!(
        Client::connect(config).await,
        Err(Error::LoginRejected { .. })
    ));
}
