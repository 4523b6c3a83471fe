//! The services around the app fail and come back under a running app: Redis and PostgreSQL
//! restarted (each test runs its own server process, never the shared ones), and a background
//! task that panics. Requests fail fast and clearly while a service is away, everything works
//! again within seconds after it is back, and nothing needs the app to be restarted.

use crate::support;

use axum::http::StatusCode;
use billing::outbox::{self, JobError, JobHandler, OutboxJob};
use billing::{Config, Services};
use domain::Role;
use fred::prelude::*;
use futures::future::BoxFuture;
use serde_json::{Value, json};
use sqlx::PgPool;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;
use support::processes::{PostgresCluster, RedisServer};
use support::{Auth, Response, TestApp, shared_redis_url, site, test_config};
use tokio::time::Instant;
use tokio_util::sync::CancellationToken;
use uuid::Uuid;

/// The longest any one request may take, whatever is down: a request that waits longer hangs.
const REQUEST_BOUND: Duration = Duration::from_secs(3);
/// How soon after a service is back everything must work again.
const RECOVERY_BOUND: Duration = Duration::from_secs(5);

/// A request that must answer within [`REQUEST_BOUND`].
async fn bounded(
    app: &TestApp,
    method: &str,
    uri: &str,
    auth: Auth<'_>,
    body: Option<Value>,
) -> Response {
    tokio::time::timeout(REQUEST_BOUND, app.request(method, uri, auth, body))
        .await
        .unwrap_or_else(|_| panic!("{method} {uri} got no answer within {REQUEST_BOUND:?}"))
}

async fn login(app: &TestApp, username: &str, password: &str) -> Response {
    let body = json!({ "username": username, "password": password });
    bounded(app, "POST", "/api/v2/auth/login", Auth::None, Some(body)).await
}

async fn sell(app: &TestApp, token: &str, plan_id: i64) -> Response {
    let body = json!({"plan_id": plan_id, "request_key": Uuid::new_v4()});
    bounded(
        app,
        "POST",
        "/api/v2/sales",
        Auth::Bearer(token),
        Some(body),
    )
    .await
}

/// Polls `check` every 100 ms until it holds; returns how long that took, or panics after `bound`.
async fn within<F, Fut>(bound: Duration, what: &str, mut check: F) -> Duration
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = bool>,
{
    let started = Instant::now();
    loop {
        if check().await {
            return started.elapsed();
        }
        assert!(started.elapsed() < bound, "{what}: not within {bound:?}");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

/// Whether the scheduler took the activation job's lock in the last two ticks (of 1 s): proof
/// that the scheduled jobs run and reach Redis.
async fn activation_ticked(services: &Services) -> bool {
    let now = chrono::Utc::now().timestamp();
    let prefix = &services.config.redis.key_prefix;
    let keys: Vec<String> = (now - 1..=now)
        .map(|tick| format!("{prefix}job-lock:activation:{tick}"))
        .collect();
    matches!(services.redis.exists::<i64, _>(keys).await, Ok(n) if n > 0)
}

/// The app's services with the activation job every second, so its ticks can be watched.
fn fast_ticks(mut config: Config) -> Config {
    config.activation_interval_seconds = 1;
    config
}

/// The scheduler and the outbox worker, as `serve` starts them.
struct Background {
    shutdown: CancellationToken,
    scheduler: tokio_cron_scheduler::JobScheduler,
}

impl Background {
    async fn start(services: &Services) -> Background {
        let shutdown = CancellationToken::new();
        let scheduler = server::background::start(services.clone(), shutdown.clone())
            .await
            .unwrap();
        Background {
            shutdown,
            scheduler,
        }
    }

    async fn stop(mut self) {
        self.shutdown.cancel();
        self.scheduler.shutdown().await.unwrap();
    }
}

/// A cashier and an admin with a simulated router and a plan.
async fn staff_and_site(app: &TestApp) -> (String, support::Site) {
    app.create_staff("admin", "admin12345", Role::Admin).await;
    app.create_staff("kasir", "kasir12345", Role::Staff).await;
    let admin = app.token("admin", "admin12345").await;
    let site = site(app, &admin).await;
    (admin, site)
}

#[sqlx::test(migrator = "billing::core::db::MIGRATOR")]
async fn a_redis_restart_fails_requests_fast_and_recovers_without_restarting_the_app(pool: PgPool) {
    let mut redis = RedisServer::start();
    let config = fast_ticks(test_config("postgres://unused", &redis.url()));
    let redis_pool = billing::core::redis::connect(&config.redis).await.unwrap();
    let app = TestApp::from_services(Services::new(config, pool, redis_pool));
    let background = Background::start(&app.services).await;
    let (_admin, site) = staff_and_site(&app).await;

    // Before: logins, sales and the scheduled jobs work.
    let cashier = login(&app, "kasir", "kasir12345").await;
    assert_eq!(cashier.status, StatusCode::OK, "{}", cashier.text);
    let token = cashier.body["token"].as_str().unwrap().to_owned();
    let cookie = cashier
        .session_cookie()
        .expect("login starts a cookie session");
    let pos = bounded(&app, "GET", "/pos", Auth::Cookie(&cookie), None).await;
    assert_eq!(pos.status, StatusCode::OK, "{}", pos.text);
    let sold = sell(&app, &token, site.plan_id).await;
    assert_eq!(sold.status, StatusCode::CREATED, "{}", sold.text);
    within(RECOVERY_BOUND, "the activation job ticks", || {
        activation_ticked(&app.services)
    })
    .await;

    redis.stop();

    // During: what needs Redis fails at once with a clear 503; what does not still works.
    let refused = login(&app, "kasir", "kasir12345").await;
    assert_eq!(
        (refused.status, refused.body["code"].as_str()),
        (StatusCode::SERVICE_UNAVAILABLE, Some("unavailable")),
        "{}",
        refused.text
    );
    assert!(refused.headers.contains_key("retry-after"));
    let refused = sell(&app, &token, site.plan_id).await;
    assert_eq!(
        (refused.status, refused.body["code"].as_str()),
        (StatusCode::SERVICE_UNAVAILABLE, Some("unavailable")),
        "{}",
        refused.text
    );
    let pos = bounded(&app, "GET", "/pos", Auth::Cookie(&cookie), None).await;
    assert_eq!(pos.status, StatusCode::SERVICE_UNAVAILABLE, "{}", pos.text);
    assert!(
        pos.text.contains("Service briefly unavailable"),
        "{}",
        pos.text
    );
    let login_page = bounded(&app, "GET", "/login", Auth::None, None).await;
    assert_eq!(
        login_page.status,
        StatusCode::OK,
        "pages that need no Redis still render"
    );
    let health = bounded(&app, "GET", "/health", Auth::None, None).await;
    assert_eq!(
        health.status,
        StatusCode::SERVICE_UNAVAILABLE,
        "{}",
        health.text
    );
    let redis_check = health.body["checks"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["name"] == "redis")
        .unwrap();
    assert_eq!(redis_check["status"], "unhealthy", "{}", health.text);

    redis.restart();

    // After: everything works again within seconds, on the same app.
    let recovered = within(RECOVERY_BOUND, "logins", || async {
        login(&app, "kasir", "kasir12345").await.status == StatusCode::OK
    })
    .await;
    eprintln!("logins worked again {recovered:?} after Redis was back");
    // The health report reuses its checks for a moment: the one taken while Redis was away may
    // still be served right after a login works again.
    within(RECOVERY_BOUND, "the health report", || async {
        bounded(&app, "GET", "/health", Auth::None, None)
            .await
            .status
            == StatusCode::OK
    })
    .await;
    // The restart lost every session (SHUTDOWN NOSAVE): the old token is refused, not hung.
    let stale = sell(&app, &token, site.plan_id).await;
    assert_eq!(stale.status, StatusCode::UNAUTHORIZED, "{}", stale.text);
    let token = login(&app, "kasir", "kasir12345").await.body["token"]
        .as_str()
        .unwrap()
        .to_owned();
    let sold = sell(&app, &token, site.plan_id).await;
    assert_eq!(sold.status, StatusCode::CREATED, "{}", sold.text);
    within(RECOVERY_BOUND, "the activation job ticks again", || {
        activation_ticked(&app.services)
    })
    .await;

    background.stop().await;
}

#[tokio::test]
async fn a_postgres_restart_under_the_running_app_recovers_at_once() {
    let cluster = PostgresCluster::start();
    let config = fast_ticks(test_config(&cluster.url(), &shared_redis_url()));
    let app = TestApp::from_services(Services::start(config).await.unwrap());
    let background = Background::start(&app.services).await;
    let (admin, site) = staff_and_site(&app).await;
    let cashier = app.token("kasir", "kasir12345").await;
    let sold = sell(&app, &cashier, site.plan_id).await;
    assert_eq!(sold.status, StatusCode::CREATED, "{}", sold.text);

    let cluster = tokio::task::spawn_blocking(move || {
        cluster.restart();
        cluster
    })
    .await
    .unwrap();

    let healthy = within(RECOVERY_BOUND, "health", || async {
        bounded(&app, "GET", "/health", Auth::None, None)
            .await
            .status
            == StatusCode::OK
    })
    .await;
    eprintln!("healthy again {healthy:?} after the restart");
    within(RECOVERY_BOUND, "sales", || async {
        sell(&app, &cashier, site.plan_id).await.status == StatusCode::CREATED
    })
    .await;
    // The outbox worker, not the test, pushes a new batch to the router.
    let created = bounded(
        &app,
        "POST",
        "/api/v2/vouchers/batch",
        Auth::Bearer(&admin),
        Some(json!({"plan_id": site.plan_id, "quantity": 3})),
    )
    .await;
    assert_eq!(created.status, StatusCode::CREATED, "{}", created.text);
    let uri = format!(
        "/api/v2/vouchers/batches/{}",
        created.body["batch_id"].as_i64().unwrap()
    );
    within(
        RECOVERY_BOUND,
        "the outbox worker pushes a batch",
        || async {
            let batch = bounded(&app, "GET", &uri, Auth::Bearer(&admin), None).await;
            batch.body["pushed"].as_i64() == Some(3)
        },
    )
    .await;

    background.stop().await;
    drop(cluster);
}

/// A job kind of this test only.
#[derive(serde::Serialize)]
struct Probe {
    name: &'static str,
}

impl OutboxJob for Probe {
    fn kind(&self) -> &'static str {
        "probe"
    }
}

/// Panics on its first job, then records the name of every job it runs.
#[derive(Default)]
struct PanicsOnce {
    runs: AtomicUsize,
    done: std::sync::Mutex<Vec<String>>,
}

impl JobHandler for PanicsOnce {
    fn run<'a>(
        &'a self,
        _router_id: i64,
        _kind: &'a str,
        payload: serde_json::Value,
    ) -> BoxFuture<'a, Result<(), JobError>> {
        Box::pin(async move {
            if self.runs.fetch_add(1, Ordering::SeqCst) == 0 {
                panic!("a job handler that panics once");
            }
            let name = payload["name"].as_str().unwrap_or_default().to_owned();
            self.done.lock().unwrap().push(name);
            Ok(())
        })
    }
}

async fn enqueue_probe(pool: &PgPool, router_id: i64, name: &'static str) {
    let mut conn = pool.acquire().await.unwrap();
    outbox::enqueue(&mut conn, router_id, &Probe { name })
        .await
        .unwrap();
}

#[sqlx::test(migrator = "billing::core::db::MIGRATOR")]
async fn an_outbox_worker_that_panics_is_started_again(pool: PgPool) {
    let app = TestApp::new(pool.clone()).await;
    let (_admin, site) = staff_and_site(&app).await;
    let handler = Arc::new(PanicsOnce::default());
    let shutdown = CancellationToken::new();
    let supervisor = tokio::spawn({
        let (pool, handler, shutdown) = (pool.clone(), handler.clone(), shutdown.clone());
        server::background::supervise("outbox-worker", shutdown.clone(), move || {
            let (pool, handler, shutdown) = (pool.clone(), handler.clone(), shutdown.clone());
            async move { outbox::work(pool, &*handler, 50, shutdown.cancelled_owned()).await }
        })
    });

    enqueue_probe(&pool, site.router_id, "first").await;
    within(RECOVERY_BOUND, "the handler runs (and panics)", || async {
        handler.runs.load(Ordering::SeqCst) > 0
    })
    .await;
    // The panicked job waits for its lease to end; a new job shows the worker is back.
    enqueue_probe(&pool, site.router_id, "second").await;
    within(
        RECOVERY_BOUND,
        "the restarted worker runs a new job",
        || async { handler.done.lock().unwrap().contains(&"second".to_owned()) },
    )
    .await;

    shutdown.cancel();
    tokio::time::timeout(REQUEST_BOUND, supervisor)
        .await
        .expect("the supervisor stops on shutdown")
        .unwrap();
}
