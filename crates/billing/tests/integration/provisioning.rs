//! Hotspot provisioning against a simulated MikroTik router that speaks the real API protocol:
//! plans, voucher batches through the outbox, a router that goes away, activation and expiry.

use crate::support;

use support::{batch, drain, plan_input, register_router, services, simulator, skip_backoff};

use billing::core::audit::Actor;
use billing::hotspot::activation;
use billing::hotspot::plans;
use billing::hotspot::vouchers::{self, VoucherError};
use chrono::{TimeZone, Utc};
use domain::ExpiredAction;
use domain::model::vouchers::BatchInput;
use routeros::sim::Simulator;
use sqlx::PgPool;
use std::time::Duration;

fn sim_users_with_marker(sim: &Simulator) -> Vec<routeros::Attributes> {
    sim.hotspot_users()
        .into_iter()
        .filter(|u| u.get("comment").is_some_and(|c| c.starts_with("mb:batch=")))
        .collect()
}

#[sqlx::test(migrator = "billing::core::db::MIGRATOR")]
async fn a_batch_reaches_the_router_with_its_profile(pool: PgPool) {
    let services = services(pool.clone()).await;
    let sim = simulator().await;
    let router_id = register_router(&services, &sim, "Tower A").await;
    let plan = plans::create_plan(&pool, plan_input(router_id), Actor::System)
        .await
        .unwrap();
    let created = vouchers::create_batch(&pool, batch(plan.id, 50), Actor::System)
        .await
        .unwrap();
    assert_eq!(created.vouchers.len(), 50);
    assert!(
        created
            .vouchers
            .iter()
            .all(|v| v.code.starts_with("WF") && v.code.len() == 10 && v.password == v.code)
    );

    let progress = vouchers::batch_progress(&pool, created.batch_id)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(
        (progress.pending, progress.pushed),
        (50, 0),
        "nothing reaches the router before the outbox runs"
    );

    let outcome = drain(&services).await;
    assert_eq!(outcome.failed, 0);
    let profiles = sim.hotspot_user_profiles();
    let profile = profiles
        .iter()
        .find(|p| p.get("name") == Some("voucher-1d"))
        .expect("profile created");
    assert_eq!(profile.get("rate-limit"), Some("2M/5M"));

    let users = sim_users_with_marker(&sim);
    assert_eq!(users.len(), 50);
    for voucher in &created.vouchers {
        let user = users
            .iter()
            .find(|u| u.get("name") == Some(voucher.code.as_str()))
            .unwrap();
        assert_eq!(user.get("password"), Some(voucher.password.as_str()));
        assert_eq!(user.get("profile"), Some("voucher-1d"));
        assert_eq!(user.get("limit-uptime"), Some("5h"));
        assert_eq!(
            user.get("comment"),
            Some(billing::hotspot::jobs::voucher_comment(created.batch_id, voucher.id).as_str())
        );
    }
    let progress = vouchers::batch_progress(&pool, created.batch_id)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(
        (progress.pending, progress.pushed, progress.failed),
        (0, 50, 0)
    );
}

#[sqlx::test(migrator = "billing::core::db::MIGRATOR")]
async fn a_router_that_is_down_gets_every_voucher_once_it_is_back(pool: PgPool) {
    let services = services(pool.clone()).await;
    let sim = simulator().await;
    let router_id = register_router(&services, &sim, "Tower A").await;
    let plan = plans::create_plan(&pool, plan_input(router_id), Actor::System)
        .await
        .unwrap();
    drain(&services).await;

    // The router goes away: connections drop and it refuses logins.
    sim.refuse_login(true);
    sim.drop_connections();
    let created = vouchers::create_batch(&pool, batch(plan.id, 300), Actor::System)
        .await
        .unwrap();
    let outcome = drain(&services).await;
    assert_eq!(outcome.retrying, 1, "the job waits for the router");
    let progress = vouchers::batch_progress(&pool, created.batch_id)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(progress.pending, 300);
    assert!(
        progress.retry_error.is_some(),
        "the admin sees why it waits"
    );

    // It comes back, drops the connection once in the middle of the batch, then stays up.
    sim.refuse_login(false);
    sim.drop_after(150);
    skip_backoff(&pool).await;
    drain(&services).await;
    sim.drop_after(u64::MAX);
    for _ in 0..5 {
        skip_backoff(&pool).await;
        drain(&services).await;
    }

    // The router refuses a second user of the same name, so a voucher pushed twice would show as
    // an extra user under another name, or as a voucher missing: count everything on the router.
    let on_router = sim.hotspot_users();
    assert_eq!(
        on_router.len(),
        300,
        "every voucher is on the router, once, and nothing else is"
    );
    let mut names: Vec<&str> = on_router.iter().filter_map(|u| u.get("name")).collect();
    names.sort_unstable();
    let mut codes: Vec<&str> = created.vouchers.iter().map(|v| v.code.as_str()).collect();
    codes.sort_unstable();
    assert_eq!(names, codes, "the router's users are exactly the batch");
    assert_eq!(sim_users_with_marker(&sim).len(), 300);
    let progress = vouchers::batch_progress(&pool, created.batch_id)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(
        (progress.pending, progress.pushed, progress.failed),
        (0, 300, 0)
    );
}

#[sqlx::test(migrator = "billing::core::db::MIGRATOR")]
async fn first_login_activates_and_expiry_retires_the_user(pool: PgPool) {
    let services = services(pool.clone()).await;
    let sim = simulator().await;
    let router_id = register_router(&services, &sim, "Tower A").await;
    let plan = plans::create_plan(&pool, plan_input(router_id), Actor::System)
        .await
        .unwrap();
    let created = vouchers::create_batch(&pool, batch(plan.id, 3), Actor::System)
        .await
        .unwrap();
    drain(&services).await;

    let used = &created.vouchers[0];
    sim.login_hotspot_user(&used.code).unwrap();
    sim.advance_clock(Duration::from_secs(600));
    // A voucher bought on the 31st: 23:30 in Jakarta is 16:30 UTC.
    let first_login = Utc.with_ymd_and_hms(2026, 1, 31, 16, 30, 0).unwrap();
    let outcome = activation::run_once(
        &pool,
        &services.routers,
        router_id,
        first_login,
        ExpiredAction::Remove,
    )
    .await
    .unwrap();
    assert_eq!(
        (outcome.matched, outcome.activated, outcome.expired),
        (3, 1, 0)
    );

    let (status, first, expires, uptime): (
        String,
        chrono::DateTime<Utc>,
        chrono::DateTime<Utc>,
        i64,
    ) = sqlx::query_as(
        "SELECT status, first_login_at, expires_at, uptime_seconds FROM vouchers WHERE id = $1",
    )
    .bind(used.id)
    .fetch_one(&pool)
    .await
    .unwrap();
    assert_eq!(status, "active");
    assert_eq!(first, first_login);
    assert_eq!(
        expires,
        Utc.with_ymd_and_hms(2026, 2, 1, 16, 30, 0).unwrap(),
        "24 hours across the month end"
    );
    assert_eq!(uptime, 600);

    // An hour later nothing changes but the usage.
    sim.advance_clock(Duration::from_secs(3600));
    let outcome = activation::run_once(
        &pool,
        &services.routers,
        router_id,
        first_login + chrono::Duration::hours(1),
        ExpiredAction::Remove,
    )
    .await
    .unwrap();
    assert_eq!(
        (outcome.activated, outcome.expired, outcome.usage_updated),
        (0, 0, 1)
    );

    // Past its validity it expires; the router user is removed and the session kicked.
    let outcome = activation::run_once(
        &pool,
        &services.routers,
        router_id,
        first_login + chrono::Duration::hours(24),
        ExpiredAction::Remove,
    )
    .await
    .unwrap();
    assert_eq!(outcome.expired, 1);
    drain(&services).await;
    assert!(
        sim.hotspot_users()
            .iter()
            .all(|u| u.get("name") != Some(used.code.as_str()))
    );
    assert!(sim.hotspot_active().is_empty(), "the session was kicked");
    assert_eq!(sim_users_with_marker(&sim).len(), 2, "unused vouchers stay");
    let status: String = sqlx::query_scalar("SELECT status FROM vouchers WHERE id = $1")
        .bind(used.id)
        .fetch_one(&pool)
        .await
        .unwrap();
    assert_eq!(status, "expired");
}

#[sqlx::test(migrator = "billing::core::db::MIGRATOR")]
async fn a_used_up_time_quota_expires_a_voucher_and_disable_keeps_the_user(pool: PgPool) {
    let services = services(pool.clone()).await;
    let sim = simulator().await;
    let router_id = register_router(&services, &sim, "Tower A").await;
    let plan = plans::create_plan(&pool, plan_input(router_id), Actor::System)
        .await
        .unwrap();
    let created = vouchers::create_batch(&pool, batch(plan.id, 1), Actor::System)
        .await
        .unwrap();
    drain(&services).await;
    let code = &created.vouchers[0].code;
    sim.login_hotspot_user(code).unwrap();
    sim.advance_clock(Duration::from_secs(60));
    let now = Utc::now();
    activation::run_once(
        &pool,
        &services.routers,
        router_id,
        now,
        ExpiredAction::Disable,
    )
    .await
    .unwrap();
    sim.advance_clock(Duration::from_secs(5 * 3600));
    let outcome = activation::run_once(
        &pool,
        &services.routers,
        router_id,
        now,
        ExpiredAction::Disable,
    )
    .await
    .unwrap();
    assert_eq!(outcome.expired, 1, "5 h of the 5 h quota used");
    drain(&services).await;
    let user = sim
        .hotspot_users()
        .into_iter()
        .find(|u| u.get("name") == Some(code.as_str()))
        .unwrap();
    assert_eq!(user.get("disabled"), Some("true"));
}

#[sqlx::test(migrator = "billing::core::db::MIGRATOR")]
async fn codes_stay_unique_per_router_when_the_space_is_crowded(pool: PgPool) {
    let services = services(pool.clone()).await;
    let sim = simulator().await;
    let router_id = register_router(&services, &sim, "Tower A").await;
    let plan = plans::create_plan(&pool, plan_input(router_id), Actor::System)
        .await
        .unwrap();
    let crowded = |quantity| BatchInput {
        code_length: Some(4),
        alphabet: Some("0123456789".into()),
        prefix: String::new(),
        ..batch(plan.id, quantity)
    };
    let first = vouchers::create_batch(&pool, crowded(2_000), Actor::System)
        .await
        .unwrap();
    let second = vouchers::create_batch(&pool, crowded(2_000), Actor::System)
        .await
        .unwrap();
    assert_eq!(first.vouchers.len() + second.vouchers.len(), 4_000);
    let distinct: i64 =
        sqlx::query_scalar("SELECT count(DISTINCT code) FROM vouchers WHERE router_id = $1")
            .bind(router_id)
            .fetch_one(&pool)
            .await
            .unwrap();
    assert_eq!(distinct, 4_000);
}

#[sqlx::test(migrator = "billing::core::db::MIGRATOR")]
async fn bad_batches_are_refused_and_leave_nothing(pool: PgPool) {
    let services = services(pool.clone()).await;
    let sim = simulator().await;
    let router_id = register_router(&services, &sim, "Tower A").await;
    let plan = plans::create_plan(&pool, plan_input(router_id), Actor::System)
        .await
        .unwrap();
    for (input, field) in [
        (batch(plan.id, 0), "quantity"),
        (batch(plan.id, 10_001), "quantity"),
        (
            BatchInput {
                code_length: Some(2),
                ..batch(plan.id, 1)
            },
            "code_length",
        ),
        (
            BatchInput {
                alphabet: Some("AB".into()),
                ..batch(plan.id, 1)
            },
            "alphabet",
        ),
        (
            BatchInput {
                prefix: "bad prefix".into(),
                ..batch(plan.id, 1)
            },
            "prefix",
        ),
    ] {
        match vouchers::create_batch(&pool, input, Actor::System).await {
            Err(VoucherError::Invalid(e)) => assert_eq!(e.field, field),
            other => panic!("{field}: {other:?}"),
        }
    }
    assert!(matches!(
        vouchers::create_batch(&pool, batch(9_999, 1), Actor::System).await,
        Err(VoucherError::PlanNotFound)
    ));
    let (batches, vouchers, jobs): (i64, i64, i64) = sqlx::query_as(
        "SELECT (SELECT count(*) FROM voucher_batches), (SELECT count(*) FROM vouchers),
                (SELECT count(*) FROM router_jobs WHERE kind = 'push_vouchers')",
    )
    .fetch_one(&pool)
    .await
    .unwrap();
    assert_eq!((batches, vouchers, jobs), (0, 0, 0));
}

#[sqlx::test(migrator = "billing::core::db::MIGRATOR")]
async fn a_profile_missing_on_the_router_is_recreated_before_the_vouchers(pool: PgPool) {
    let services = services(pool.clone()).await;
    let sim = simulator().await;
    let router_id = register_router(&services, &sim, "Tower A").await;
    let plan = plans::create_plan(&pool, plan_input(router_id), Actor::System)
        .await
        .unwrap();
    drain(&services).await;
    let client = services.routers.client(router_id).await.unwrap();
    let profile = client
        .hotspot_user_profiles()
        .find_by_name("voucher-1d")
        .await
        .unwrap()
        .unwrap();
    client
        .hotspot_user_profiles()
        .remove(&profile.id)
        .await
        .unwrap();

    let created = vouchers::create_batch(&pool, batch(plan.id, 20), Actor::System)
        .await
        .unwrap();
    drain(&services).await;
    let progress = vouchers::batch_progress(&pool, created.batch_id)
        .await
        .unwrap()
        .unwrap();
    assert_eq!((progress.pushed, progress.failed), (20, 0), "{progress:?}");
    assert!(
        sim.hotspot_user_profiles()
            .iter()
            .any(|p| p.get("name") == Some("voucher-1d"))
    );
}

#[sqlx::test(migrator = "billing::core::db::MIGRATOR")]
async fn profile_sync_copies_the_router_and_marks_what_it_lost(pool: PgPool) {
    let services = services(pool.clone()).await;
    let sim = simulator().await;
    let router_id = register_router(&services, &sim, "Tower A").await;
    plans::create_plan(&pool, plan_input(router_id), Actor::System)
        .await
        .unwrap();
    drain(&services).await;
    let client = services.routers.client(router_id).await.unwrap();
    client
        .hotspot_user_profiles()
        .add(&routeros::NewHotspotUserProfile {
            name: "manual".into(),
            rate_limit: Some("1M/1M".into()),
            ..Default::default()
        })
        .await
        .unwrap();

    let outcome = billing::routers::profiles::sync_profiles(&pool, &services.routers, router_id)
        .await
        .unwrap();
    assert!(outcome.hotspot_profiles >= 2);
    let profiles = billing::routers::profiles::hotspot_profiles(&pool, router_id)
        .await
        .unwrap();
    let manual = profiles.iter().find(|p| p.name == "manual").unwrap();
    assert_eq!(manual.rate_limit.as_deref(), Some("1M/1M"));
    assert!(manual.last_sync.is_some() && !manual.deleted_on_router);

    let id = client
        .hotspot_user_profiles()
        .find_by_name("manual")
        .await
        .unwrap()
        .unwrap()
        .id;
    client.hotspot_user_profiles().remove(&id).await.unwrap();
    let outcome = billing::routers::profiles::sync_profiles(&pool, &services.routers, router_id)
        .await
        .unwrap();
    assert_eq!(outcome.marked_deleted, 1);
    let profiles = billing::routers::profiles::hotspot_profiles(&pool, router_id)
        .await
        .unwrap();
    assert!(
        profiles
            .iter()
            .find(|p| p.name == "manual")
            .unwrap()
            .deleted_on_router,
        "marked, not dropped"
    );
}

#[sqlx::test(migrator = "billing::core::db::MIGRATOR")]
async fn reconciliation_recreates_missing_users_and_reports_strangers(pool: PgPool) {
    let services = services(pool.clone()).await;
    let sim = simulator().await;
    let router_id = register_router(&services, &sim, "Tower A").await;
    let plan = plans::create_plan(&pool, plan_input(router_id), Actor::System)
        .await
        .unwrap();
    let created = vouchers::create_batch(&pool, batch(plan.id, 5), Actor::System)
        .await
        .unwrap();
    drain(&services).await;

    let client = services.routers.client(router_id).await.unwrap();
    let users = client.hotspot_users();
    let gone = users
        .find_by_name(&created.vouchers[0].code)
        .await
        .unwrap()
        .unwrap();
    users.remove(&gone.id).await.unwrap();
    users
        .add(&routeros::NewHotspotUser {
            name: "STRANGER".into(),
            comment: Some(billing::hotspot::jobs::voucher_comment(999, 999)),
            ..Default::default()
        })
        .await
        .unwrap();

    let report = services.reconcile(router_id).await.unwrap();
    assert_eq!(report.recreated, 1);
    assert_eq!(report.unknown_on_router, vec!["STRANGER".to_owned()]);
    drain(&services).await;
    assert!(
        sim.hotspot_users()
            .iter()
            .any(|u| u.get("name") == Some(created.vouchers[0].code.as_str()))
    );
    let again = services.reconcile(router_id).await.unwrap();
    assert_eq!(again.recreated, 0);
}

#[sqlx::test(migrator = "billing::core::db::MIGRATOR")]
async fn the_voucher_list_filters_and_withdrawn_vouchers_leave_the_router(pool: PgPool) {
    let services = services(pool.clone()).await;
    let sim = simulator().await;
    let router_id = register_router(&services, &sim, "Tower A").await;
    let plan = plans::create_plan(&pool, plan_input(router_id), Actor::System)
        .await
        .unwrap();
    let first = vouchers::create_batch(&pool, batch(plan.id, 30), Actor::System)
        .await
        .unwrap();
    let second = vouchers::create_batch(
        &pool,
        BatchInput {
            prefix: "ZZ".into(),
            ..batch(plan.id, 10)
        },
        Actor::System,
    )
    .await
    .unwrap();
    drain(&services).await;

    let all = vouchers::list(
        &pool,
        &domain::model::vouchers::VoucherFilter {
            limit: Some(500),
            ..Default::default()
        },
    )
    .await
    .unwrap();
    assert_eq!(all.len(), 40);
    assert!(all.windows(2).all(|w| w[0].id > w[1].id), "newest first");
    let by_batch = vouchers::list(
        &pool,
        &domain::model::vouchers::VoucherFilter {
            batch_id: Some(second.batch_id),
            ..Default::default()
        },
    )
    .await
    .unwrap();
    assert_eq!(by_batch.len(), 10);
    let by_code = vouchers::list(
        &pool,
        &domain::model::vouchers::VoucherFilter {
            code: Some("zz".into()),
            ..Default::default()
        },
    )
    .await
    .unwrap();
    assert_eq!(by_code.len(), 10);
    let page = vouchers::list(
        &pool,
        &domain::model::vouchers::VoucherFilter {
            limit: Some(25),
            ..Default::default()
        },
    )
    .await
    .unwrap();
    let next = vouchers::list(
        &pool,
        &domain::model::vouchers::VoucherFilter {
            limit: Some(25),
            before_id: page.last().map(|v| v.id),
            ..Default::default()
        },
    )
    .await
    .unwrap();
    assert_eq!((page.len(), next.len()), (25, 15));
    assert!(matches!(
        vouchers::list(
            &pool,
            &domain::model::vouchers::VoucherFilter {
                status: Some("sold".into()),
                ..Default::default()
            }
        )
        .await,
        Err(VoucherError::Invalid(domain::FieldError {
            field: "status",
            ..
        }))
    ));

    let to_delete = first.vouchers[0].id;
    let to_disable = first.vouchers[1].id;
    assert_eq!(
        vouchers::withdraw(&pool, &[to_delete], true, Actor::System)
            .await
            .unwrap(),
        1
    );
    assert_eq!(
        vouchers::withdraw(&pool, &[to_disable], false, Actor::System)
            .await
            .unwrap(),
        1
    );
    drain(&services).await;
    let names: Vec<String> = sim
        .hotspot_users()
        .iter()
        .filter_map(|u| u.get("name").map(str::to_owned))
        .collect();
    assert!(
        !names.contains(&first.vouchers[0].code),
        "deleted on the router too"
    );
    let disabled = sim
        .hotspot_users()
        .into_iter()
        .find(|u| u.get("name") == Some(first.vouchers[1].code.as_str()))
        .unwrap();
    assert_eq!(disabled.get("disabled"), Some("true"));
    let deleted = vouchers::list(
        &pool,
        &domain::model::vouchers::VoucherFilter {
            status: Some("deleted".into()),
            ..Default::default()
        },
    )
    .await
    .unwrap();
    assert_eq!(deleted.len(), 1);
}
