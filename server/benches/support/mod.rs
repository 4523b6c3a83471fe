//! What the server benchmarks share: a database of their own on the local PostgreSQL, the app
//! over it driven through `Router::oneshot`, and simulated routers registered through the API.

// Each bench uses part of this module.
#![allow(dead_code)]

use axum::body::Body;
use axum::http::{Request, header};
use billing::{Config, Services};
use http_body_util::BodyExt;
use routeros::sim::Simulator;
use serde_json::{Value, json};
use sqlx::PgPool;
use sqlx::postgres::PgPoolOptions;
use std::time::Duration;
use tower::ServiceExt;

/// A database made for one bench run on the server of `DATABASE_URL`, dropped by [`Self::drop`].
pub struct TempDatabase {
    admin: PgPool,
    name: String,
    pub url: String,
}

impl TempDatabase {
    pub async fn create() -> TempDatabase {
        let base = std::env::var("DATABASE_URL")
            .expect("DATABASE_URL: start the services with `make services`");
        let server_url = base
            .rsplit_once('/')
            .map_or(base.as_str(), |(server, _)| server)
            .to_owned();
        let name = format!("bench_{}", std::process::id());
        let admin = PgPoolOptions::new()
            .max_connections(1)
            .connect(&format!("{server_url}/postgres"))
            .await
            .unwrap();
        sqlx::query(sqlx::AssertSqlSafe(format!("CREATE DATABASE {name}")))
            .execute(&admin)
            .await
            .unwrap();
        TempDatabase {
            url: format!("{server_url}/{name}"),
            admin,
            name,
        }
    }

    pub async fn drop(self) {
        sqlx::query(sqlx::AssertSqlSafe(format!(
            "DROP DATABASE {} WITH (FORCE)",
            self.name
        )))
        .execute(&self.admin)
        .await
        .unwrap();
    }
}

pub struct Bench {
    pub router: axum::Router,
    pub services: Services,
    /// An admin's bearer token.
    pub token: String,
}

/// A simulated router registered with one plan. Each measurement gets a fresh one, so that the
/// simulator's own work (it looks names up linearly) does not grow from run to run.
pub struct Site {
    pub router_id: i64,
    pub plan_id: i64,
    pub sim: Simulator,
}

/// Sends a request and returns the JSON reply, failing unless the status is a success.
pub async fn call(
    router: &axum::Router,
    method: &str,
    uri: &str,
    token: Option<&str>,
    body: Value,
) -> Value {
    let mut request = Request::builder()
        .method(method)
        .uri(uri)
        .header(header::CONTENT_TYPE, "application/json");
    if let Some(token) = token {
        request = request.header(header::AUTHORIZATION, format!("Bearer {token}"));
    }
    let response = router
        .clone()
        .oneshot(request.body(Body::from(body.to_string())).unwrap())
        .await
        .unwrap();
    let status = response.status();
    let bytes = response.into_body().collect().await.unwrap().to_bytes();
    assert!(
        status.is_success(),
        "{method} {uri}: {status} {}",
        String::from_utf8_lossy(&bytes)
    );
    serde_json::from_slice(&bytes).unwrap_or(Value::Null)
}

/// `GET uri` with a bearer token; returns the JSON reply, failing unless the status is a success.
pub async fn get(router: &axum::Router, uri: &str, token: &str) -> Value {
    let request = Request::builder()
        .method("GET")
        .uri(uri)
        .header(header::AUTHORIZATION, format!("Bearer {token}"))
        .body(Body::empty())
        .unwrap();
    let response = router.clone().oneshot(request).await.unwrap();
    let status = response.status();
    let bytes = response.into_body().collect().await.unwrap().to_bytes();
    assert!(
        status.is_success(),
        "GET {uri}: {status} {}",
        String::from_utf8_lossy(&bytes)
    );
    serde_json::from_slice(&bytes).unwrap()
}

/// The app over a migrated database at `database_url`, with an admin logged in.
pub async fn setup(database_url: &str) -> Bench {
    let redis_url =
        std::env::var("REDIS_URL").unwrap_or_else(|_| "redis://127.0.0.1:56379".to_owned());
    let pool = PgPoolOptions::new()
        .max_connections(10)
        .connect(database_url)
        .await
        .unwrap();
    billing::core::db::migrate(&pool).await.unwrap();
    let config = Config::for_tests(database_url, &redis_url);
    let redis = billing::core::redis::connect(&config.redis).await.unwrap();
    let services = Services::new(config, pool, redis);
    let options = leptos::prelude::LeptosOptions::builder()
        .output_name("mikrotik_billing")
        .build();
    let router = server::router(services.clone(), options);
    let mut bench = Bench {
        router,
        services,
        token: String::new(),
    };
    bench.token = bench.staff_token("bench", domain::Role::Admin).await;
    bench
}

impl Bench {
    /// Creates a staff user and returns their bearer token.
    pub async fn staff_token(&self, username: &str, role: domain::Role) -> String {
        billing::identity::accounts::create_staff(
            &self.services.pool,
            username,
            username,
            "bench12345".to_owned().into(),
            role,
        )
        .await
        .unwrap();
        let login = call(
            &self.router,
            "POST",
            "/api/v2/auth/login",
            None,
            json!({"username": username, "password": "bench12345"}),
        )
        .await;
        login["token"].as_str().unwrap().to_owned()
    }
}

/// A fresh simulated router with a one-day plan, replying after `latency` from then on.
pub async fn site(bench: &Bench, latency: Duration) -> Site {
    let sim = Simulator::builder()
        .credentials("api", "secret")
        .spawn()
        .await
        .unwrap();
    let name = format!("Bench {}", sim.addr().port());
    let created = call(
        &bench.router,
        "POST",
        "/api/v2/routers",
        Some(&bench.token),
        json!({"name": name, "host": "127.0.0.1", "port": sim.addr().port(), "username": "api", "password": "secret"}),
    )
    .await;
    let router_id = created["id"].as_i64().unwrap();
    let plan = call(
        &bench.router,
        "POST",
        "/api/v2/plans",
        Some(&bench.token),
        json!({"router_id": router_id, "name": "1 Hari", "price": 5000, "validity": "1d", "profile": "voucher-1d", "rate_limit": "2M/5M"}),
    )
    .await;
    drain(&bench.services).await;
    sim.set_latency(latency);
    Site {
        router_id,
        plan_id: plan["id"].as_i64().unwrap(),
        sim,
    }
}

/// Runs the router outbox until it has nothing left to claim.
pub async fn drain(services: &Services) {
    while billing::outbox::run_once(&services.pool, &services.router_jobs(), 50)
        .await
        .unwrap()
        .claimed()
        > 0
    {}
}

/// Prints one line of figures (median, min, max of `samples`); false when the median misses
/// `target`.
pub fn report_median(name: &str, target: Duration, mut samples: Vec<Duration>) -> bool {
    samples.sort();
    let median = samples[samples.len() / 2];
    let met = median <= target;
    println!(
        "{name:<64} median {:>8.1} ms  min {:>8.1} ms  max {:>8.1} ms  ({} runs; target ≤ {} ms) {}",
        median.as_secs_f64() * 1e3,
        samples[0].as_secs_f64() * 1e3,
        samples[samples.len() - 1].as_secs_f64() * 1e3,
        samples.len(),
        target.as_millis(),
        if met { "OK" } else { "MISSED" }
    );
    met
}
