//! Services over a fresh test database (from `#[sqlx::test]`) and the shared test Redis, and the
//! simulated routers the tests register with them.

// Each test module uses part of this one.
#![allow(dead_code)]

use billing::core::audit::Actor;
use billing::{Config, Services, outbox};
use domain::model::plans::{PlanInput, PlanKind};
use domain::model::routers::RouterInput;
use domain::model::vouchers::BatchInput;
use routeros::sim::Simulator;
use sqlx::PgPool;

/// The API user every simulated router accepts.
pub const ROUTER_USER: &str = "billing";
pub const ROUTER_PASSWORD: &str = "router-secret";

/// The shared test Redis (`scripts/dev.sh services`), or `REDIS_URL`.
pub fn redis_url() -> String {
    std::env::var("REDIS_URL").unwrap_or_else(|_| "redis://127.0.0.1:56379".to_owned())
}

pub async fn services(pool: PgPool) -> Services {
    let config = Config::for_tests("postgres://unused-the-pool-is-given", &redis_url());
    services_with_config(pool, config).await
}

/// Services with a configuration of the test's own (start from `Config::for_tests`).
pub async fn services_with_config(pool: PgPool, config: Config) -> Services {
    let redis = billing::core::redis::connect(&config.redis)
        .await
        .expect("the test Redis is running (scripts/dev.sh services)");
    Services::new(config, pool, redis)
}

/// A simulated router on a free local port that accepts [`ROUTER_USER`] / [`ROUTER_PASSWORD`].
pub async fn simulator() -> Simulator {
    Simulator::builder()
        .credentials(ROUTER_USER, ROUTER_PASSWORD)
        .spawn()
        .await
        .unwrap()
}

/// Registers `sim` as the router `name`. Its hotspot login page is `http://<name>.lan/login`,
/// the name lower-cased with spaces as dashes (`Tower A` → `http://tower-a.lan/login`).
pub async fn register_router(services: &Services, sim: &Simulator, name: &str) -> i64 {
    let host_name = name.to_lowercase().replace(' ', "-");
    services
        .routers
        .create(
            RouterInput {
                name: name.into(),
                host: sim.addr().ip().to_string(),
                port: Some(sim.addr().port()),
                use_tls: false,
                tls_fingerprint: None,
                username: ROUTER_USER.into(),
                password: Some(ROUTER_PASSWORD.into()),
                hotspot_login_url: Some(format!("http://{host_name}.lan/login")),
            },
            Actor::System,
        )
        .await
        .unwrap()
        .id
}

/// Runs the router outbox, as its worker does, until no job is due; returns what it did in all.
/// A job put back to wait for a retry is not due again until its backoff ends.
pub async fn drain(services: &Services) -> outbox::DrainOutcome {
    let mut total = outbox::DrainOutcome::default();
    loop {
        let outcome = outbox::run_once(&services.pool, &services.router_jobs(), 100)
            .await
            .unwrap();
        if outcome.claimed() == 0 {
            return total;
        }
        total.done += outcome.done;
        total.retrying += outcome.retrying;
        total.failed += outcome.failed;
    }
}

/// Makes jobs waiting for their backoff, or held by a lease, due now, as if the wait were over.
pub async fn skip_backoff(pool: &PgPool) {
    sqlx::query("UPDATE router_jobs SET run_after = now() WHERE status IN ('pending', 'running')")
        .execute(pool)
        .await
        .unwrap();
}

/// A day voucher with a 5-hour time quota on `router_id`, sold for Rp 5,000.
pub fn plan_input(router_id: i64) -> PlanInput {
    PlanInput {
        kind: PlanKind::Hotspot,
        router_id,
        name: "Harian".into(),
        price: 5_000,
        validity: "1d".into(),
        time_quota: Some("5h".into()),
        data_quota_mb: None,
        profile: "voucher-1d".into(),
        rate_limit: Some("2M/5M".into()),
        shared_users: Some(1),
    }
}

/// `quantity` vouchers of `plan_id`: eight-character codes after the prefix `WF`.
pub fn batch(plan_id: i64, quantity: u32) -> BatchInput {
    BatchInput {
        plan_id,
        quantity,
        code_length: Some(8),
        alphabet: None,
        prefix: "WF".into(),
        password_mode: None,
        comment: None,
    }
}

/// A customer with this name and WhatsApp number (any usual form), made by an admin.
pub async fn customer(pool: &PgPool, name: &str, whatsapp: &str) -> i64 {
    billing::money::customers::create(
        pool,
        domain::model::customers::CustomerInput {
            name: name.into(),
            whatsapp: whatsapp.into(),
            email: None,
            address: None,
            notes: None,
            status: None,
        },
        billing::core::audit::Actor::System,
    )
    .await
    .unwrap()
    .id
}
