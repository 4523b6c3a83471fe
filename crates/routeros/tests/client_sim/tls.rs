use routeros::{Client, Error, TlsMode};

use crate::{builder, config_for};

#[tokio::test]
async fn pinned_certificate_is_accepted_and_any_other_is_not() {
    let sim = builder().tls(true).spawn().await.unwrap();
    let fingerprint = sim
        .tls_fingerprint()
        .expect("TLS simulator has a certificate");

    let client = Client::connect(config_for(&sim).tls(TlsMode::PinnedSha256(fingerprint)))
        .await
        .unwrap();
    assert_eq!(client.system_identity().await.unwrap().name, "MikroTik");

    let mut wrong = fingerprint;
    wrong[0] ^= 0xFF;
    let error = Client::connect(config_for(&sim).tls(TlsMode::PinnedSha256(wrong)))
        .await
        .err()
        .unwrap();
    assert!(matches!(error, Error::Tls(_)), "{error:?}");
}

#[tokio::test]
async fn self_signed_certificate_fails_against_system_roots() {
    let sim = builder().tls(true).spawn().await.unwrap();
    let error = Client::connect(config_for(&sim).tls(TlsMode::SystemRoots))
        .await
        .err()
        .unwrap();
    assert!(matches!(error, Error::Tls(_)), "{error:?}");
}
