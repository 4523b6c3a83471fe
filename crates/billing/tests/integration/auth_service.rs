//! The authentication service against a real PostgreSQL (a fresh database per test) and Redis.

use crate::support;

use support::services;

use billing::identity::accounts;
use billing::identity::auth::AuthError;
use billing::identity::principal::PrincipalKind;
use domain::Role;
use domain::model::accounts::Registration;
use secrecy::SecretString;
use sqlx::PgPool;

fn registration(whatsapp: &str, email: &str) -> Registration {
    Registration {
        name: "Dewi Lestari".into(),
        whatsapp: whatsapp.into(),
        email: email.into(),
        password: "rahasia123".to_owned(),
    }
}

/// The staff admin `admin` / `admin12345`.
async fn admin(pool: &PgPool) {
    accounts::create_staff(
        pool,
        "admin",
        "Admin",
        SecretString::from("admin12345"),
        Role::Admin,
    )
    .await
    .unwrap();
}

#[sqlx::test(migrator = "billing::core::db::MIGRATOR")]
async fn registration_stores_an_argon2_hash_and_an_audit_row(pool: PgPool) {
    let services = services(pool.clone()).await;
    let customer = services
        .auth
        .register(registration("0857 1234 5678", "dewi@example.com"), None)
        .await
        .unwrap();
    assert_eq!(customer.whatsapp, "6285712345678");

    let hash: String = sqlx::query_scalar("SELECT password_hash FROM customers WHERE id = $1")
        .bind(customer.id.0)
        .fetch_one(&pool)
        .await
        .unwrap();
    assert!(hash.starts_with("$argon2id$"), "{hash}");
    assert!(!hash.contains("rahasia123"));

    let audits: i64 = sqlx::query_scalar(
        "SELECT count(*) FROM audit_logs WHERE action = 'customer.register' AND entity_id = $1",
    )
    .bind(customer.id.0.to_string())
    .fetch_one(&pool)
    .await
    .unwrap();
    assert_eq!(audits, 1);
}

#[sqlx::test(migrator = "billing::core::db::MIGRATOR")]
async fn a_refused_registration_leaves_no_trace(pool: PgPool) {
    let services = services(pool.clone()).await;
    services
        .auth
        .register(registration("081200000001", "one@example.com"), None)
        .await
        .unwrap();
    let err = services
        .auth
        .register(registration("+6281200000001", "two@example.com"), None)
        .await
        .unwrap_err();
    assert!(matches!(err, AuthError::AlreadyRegistered), "{err:?}");
    let (customers, audits): (i64, i64) = sqlx::query_as(
        "SELECT (SELECT count(*) FROM customers), (SELECT count(*) FROM audit_logs WHERE action = 'customer.register')",
    )
    .fetch_one(&pool)
    .await
    .unwrap();
    assert_eq!((customers, audits), (1, 1));
}

#[sqlx::test(migrator = "billing::core::db::MIGRATOR")]
async fn login_resolves_staff_and_customers_and_sessions_are_revocable(pool: PgPool) {
    let services = services(pool.clone()).await;
    accounts::create_staff(
        &pool,
        "Kasir.Satu",
        "Kasir Satu",
        SecretString::from("kasir12345"),
        Role::Staff,
    )
    .await
    .unwrap();
    services
        .auth
        .register(registration("081200000002", "dewi@example.com"), None)
        .await
        .unwrap();

    let staff = services
        .auth
        .login("kasir.satu", SecretString::from("kasir12345"), None)
        .await
        .unwrap();
    assert_eq!(staff.authenticated.principal.role, Role::Staff);
    assert_eq!(staff.authenticated.principal.kind, PrincipalKind::Staff);

    let customer = services
        .auth
        .login("081200000002", SecretString::from("rahasia123"), None)
        .await
        .unwrap();
    assert_eq!(customer.authenticated.principal.role, Role::Customer);

    let by_token = services
        .auth
        .authenticate_token(&customer.token)
        .await
        .unwrap();
    assert_eq!(by_token, customer.authenticated);
    services
        .auth
        .logout(&customer.authenticated.session_id)
        .await
        .unwrap();
    assert!(matches!(
        services.auth.authenticate_token(&customer.token).await,
        Err(AuthError::Unauthenticated)
    ));
    // The other login is untouched.
    assert!(services.auth.authenticate_token(&staff.token).await.is_ok());
}

#[sqlx::test(migrator = "billing::core::db::MIGRATOR")]
async fn disabled_accounts_cannot_log_in(pool: PgPool) {
    let services = services(pool.clone()).await;
    accounts::create_staff(
        &pool,
        "mantan",
        "Mantan Staf",
        SecretString::from("mantan12345"),
        Role::Staff,
    )
    .await
    .unwrap();
    sqlx::query("UPDATE staff_users SET active = FALSE WHERE username = 'mantan'")
        .execute(&pool)
        .await
        .unwrap();
    let err = services
        .auth
        .login("mantan", SecretString::from("mantan12345"), None)
        .await
        .unwrap_err();
    assert!(matches!(err, AuthError::InvalidCredentials), "{err:?}");
}

#[sqlx::test(migrator = "billing::core::db::MIGRATOR")]
async fn staff_creation_validates_and_refuses_duplicates(pool: PgPool) {
    let ok = accounts::create_staff(
        &pool,
        "Admin",
        "Admin",
        SecretString::from("admin12345"),
        Role::Admin,
    )
    .await
    .unwrap();
    assert_eq!(ok.username, "admin");
    let dup = accounts::create_staff(
        &pool,
        "ADMIN",
        "Admin 2",
        SecretString::from("admin12345"),
        Role::Admin,
    )
    .await;
    assert!(matches!(
        dup,
        Err(accounts::CreateStaffError::DuplicateUsername)
    ));
    let bad = accounts::create_staff(
        &pool,
        "a b",
        "X",
        SecretString::from("admin12345"),
        Role::Admin,
    )
    .await;
    assert!(matches!(
        bad,
        Err(accounts::CreateStaffError::InvalidUsername)
    ));
    let weak =
        accounts::create_staff(&pool, "weak", "X", SecretString::from("123"), Role::Admin).await;
    assert!(matches!(
        weak,
        Err(accounts::CreateStaffError::InvalidPassword(_))
    ));
    let customer = accounts::create_staff(
        &pool,
        "cust",
        "X",
        SecretString::from("admin12345"),
        Role::Customer,
    )
    .await;
    assert!(matches!(
        customer,
        Err(accounts::CreateStaffError::InvalidRole)
    ));
}

#[sqlx::test(migrator = "billing::core::db::MIGRATOR")]
async fn a_successful_login_clears_the_failure_count(pool: PgPool) {
    let services = services(pool.clone()).await;
    admin(&pool).await;
    for round in 0..3 {
        for _ in 0..4 {
            let err = services
                .auth
                .login("admin", SecretString::from("wrong"), None)
                .await
                .unwrap_err();
            assert!(
                matches!(err, AuthError::InvalidCredentials),
                "round {round}: {err:?}"
            );
        }
        services
            .auth
            .login("admin", SecretString::from("admin12345"), None)
            .await
            .unwrap_or_else(|e| panic!("round {round}: {e:?}"));
    }
}

#[sqlx::test(migrator = "billing::core::db::MIGRATOR")]
async fn the_demo_seed_is_idempotent(pool: PgPool) {
    billing::ops::demo::seed(&pool).await.unwrap();
    billing::ops::demo::seed(&pool).await.unwrap();
    let counts = accounts::counts(&pool).await.unwrap();
    assert_eq!(counts.customers, billing::ops::demo::CUSTOMERS.len() as i64);
    assert_eq!(counts.active_staff, billing::ops::demo::STAFF.len() as i64);
    let services = services(pool).await;
    for login in billing::ops::demo::logins() {
        let success = services
            .auth
            .login(login.username, SecretString::from(login.password), None)
            .await
            .unwrap_or_else(|e| panic!("{}: {e:?}", login.username));
        assert_eq!(success.authenticated.principal.role, login.role);
    }
}

#[sqlx::test(migrator = "billing::core::db::MIGRATOR")]
async fn parallel_wrong_logins_from_one_address_check_at_most_its_limit_and_the_owner_still_gets_in(
    pool: PgPool,
) {
    use std::net::IpAddr;
    use std::time::{Duration, Instant};
    let services = services(pool.clone()).await;
    admin(&pool).await;
    let attacker: IpAddr = "203.0.113.7".parse().unwrap();
    let attempts = futures::future::join_all((0..100).map(|_| {
        services.auth.login(
            "admin",
            SecretString::from("wrong-password"),
            Some(attacker),
        )
    }))
    .await;
    let refused = attempts
        .iter()
        .filter(|a| matches!(a, Err(AuthError::RateLimited { .. })))
        .count();
    let checked: i64 =
        sqlx::query_scalar("SELECT count(*) FROM audit_logs WHERE action = 'auth.login_failed'")
            .fetch_one(&pool)
            .await
            .unwrap();
    let per_address = i64::from(services.config.auth.login_max_failures) * 5;
    assert!(
        checked <= per_address,
        "{checked} passwords were checked; the address may have {per_address}"
    );
    assert_eq!(
        refused as i64 + checked,
        100,
        "the rest were refused unchecked"
    );

    // The attacker's address stays blocked; the owner, elsewhere, is slowed down, not locked out.
    assert!(matches!(
        services
            .auth
            .login("admin", SecretString::from("admin12345"), Some(attacker))
            .await,
        Err(AuthError::RateLimited { .. })
    ));
    let owner: IpAddr = "198.51.100.20".parse().unwrap();
    let started = Instant::now();
    loop {
        match services
            .auth
            .login("admin", SecretString::from("admin12345"), Some(owner))
            .await
        {
            Ok(_) => break,
            Err(AuthError::RateLimited {
                retry_after_seconds,
            }) => {
                assert!(started.elapsed() < Duration::from_secs(60), "locked out");
                tokio::time::sleep(Duration::from_secs(retry_after_seconds)).await;
            }
            Err(other) => panic!("{other:?}"),
        }
    }
}

#[sqlx::test(migrator = "billing::core::db::MIGRATOR")]
async fn registrations_are_limited_per_address_and_in_all(pool: PgPool) {
    use std::net::IpAddr;
    let mut config = billing::Config::for_tests("postgres://unused", &support::redis_url());
    config.auth.register_per_hour = 15;
    let services = support::services_with_config(pool.clone(), config).await;
    let register = |n: u32, ip: &'static str| {
        let services = services.clone();
        async move {
            services
                .auth
                .register(
                    registration(&format!("0812{n:08}"), &format!("c{n}@example.com")),
                    Some(ip.parse::<IpAddr>().unwrap()),
                )
                .await
        }
    };
    // One address: its limit, then 429s; the hashing work is never done for a refused one.
    let mut outcomes = Vec::new();
    for n in 0..40 {
        outcomes.push(register(n, "203.0.113.9").await);
    }
    let refused = outcomes
        .iter()
        .filter(|o| matches!(o, Err(AuthError::RateLimited { .. })))
        .count();
    let per_address = services.config.auth.register_per_address_per_hour as usize;
    assert_eq!(
        40 - refused,
        per_address,
        "{per_address} registered, the rest refused"
    );
    let customers: i64 = sqlx::query_scalar("SELECT count(*) FROM customers")
        .fetch_one(&pool)
        .await
        .unwrap();
    assert_eq!(customers as usize, per_address);

    // Other addresses until the limit for everyone.
    let mut n = 100;
    let mut from_elsewhere = 0;
    loop {
        match register(n, "198.51.100.1").await {
            Ok(_) => from_elsewhere += 1,
            Err(AuthError::RateLimited { .. }) => break,
            Err(other) => panic!("{other:?}"),
        }
        n += 1;
        assert!(n < 200, "no limit in all");
    }
    assert_eq!(
        per_address + from_elsewhere,
        15,
        "the limit for every address together"
    );
}

#[sqlx::test(migrator = "billing::core::db::MIGRATOR")]
async fn an_owner_tapping_login_while_slowed_down_does_not_block_their_own_address(pool: PgPool) {
    use std::net::IpAddr;
    use std::time::Duration;
    let services = services(pool.clone()).await;
    admin(&pool).await;
    let attacker: IpAddr = "203.0.113.8".parse().unwrap();
    for _ in 0..services.config.auth.login_max_failures {
        let _ = services
            .auth
            .login("admin", SecretString::from("wrong"), Some(attacker))
            .await;
    }
    // The owner taps "log in" again and again while the username is slowed down: far more
    // taps than the address allows attempts, none of which checks a password.
    let owner: IpAddr = "198.51.100.21".parse().unwrap();
    let per_address = services.config.auth.login_max_failures * 5;
    for _ in 0..per_address + 5 {
        let tap = services
            .auth
            .login("admin", SecretString::from("admin12345"), Some(owner))
            .await;
        if tap.is_ok() {
            return;
        }
        assert!(matches!(tap, Err(AuthError::RateLimited { .. })), "{tap:?}");
    }
    tokio::time::sleep(Duration::from_secs(
        services.config.auth.login_backoff_max_seconds + 1,
    ))
    .await;
    services
        .auth
        .login("admin", SecretString::from("admin12345"), Some(owner))
        .await
        .expect("the owner gets in once the wait is over");
}

#[sqlx::test(migrator = "billing::core::db::MIGRATOR")]
async fn a_login_that_read_the_user_before_a_revocation_stores_no_session(pool: PgPool) {
    let services = services(pool).await;
    let store = services.auth.sessions();
    let principal = billing::identity::principal::Principal {
        kind: billing::identity::principal::PrincipalKind::Staff,
        id: 41,
        role: domain::Role::Admin,
        name: "Kasir".into(),
    };
    let subject = principal.subject();
    // The login notes the generation and reads the user (as an admin) …
    let generation = store.generation(&subject).await.unwrap();
    // … meanwhile the user is demoted and their sessions revoked …
    store.revoke_all(&subject).await.unwrap();
    // … so the login's session, carrying the old role, is refused.
    assert_eq!(
        store.create(&principal, generation, None).await.unwrap(),
        None
    );
    let fresh = store.generation(&subject).await.unwrap();
    let id = store
        .create(&principal, fresh, None)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(store.list(&subject).await.unwrap().len(), 1);
    assert!(store.get(&id).await.unwrap().is_some());
}
