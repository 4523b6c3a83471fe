//! A test app over a fresh database (from `#[sqlx::test]`) and the shared test Redis, driven
//! through `Router::oneshot`, so requests take exactly the production path.

// Each test module uses part of this one.
#![allow(dead_code)]

pub mod processes;

use axum::Router;
use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use billing::{Config, Services};
use http_body_util::BodyExt;
use leptos::prelude::LeptosOptions;
use routeros::sim::Simulator;
use serde_json::{Value, json};
use sqlx::PgPool;
use tower::ServiceExt;

/// The API user every simulated router accepts.
pub const ROUTER_USER: &str = "billing";
pub const ROUTER_PASSWORD: &str = "router-secret";
/// The hotspot login page of the router [`site`] registers.
pub const HOTSPOT_LOGIN_URL: &str = "http://hotspot.tower.lan/login";

pub struct TestApp {
    pub router: Router,
    pub services: Services,
}

pub struct Response {
    pub status: StatusCode,
    pub headers: axum::http::HeaderMap,
    pub body: Value,
    pub text: String,
}

impl Response {
    /// The `name=value` part of the session cookie the response set.
    pub fn session_cookie(&self) -> Option<String> {
        self.headers
            .get_all(header::SET_COOKIE)
            .iter()
            .filter_map(|v| v.to_str().ok())
            .find(|v| v.starts_with(server::SESSION_COOKIE))
            .and_then(|v| v.split(';').next())
            .map(str::to_owned)
    }
}

/// What a request carries to authenticate itself.
#[derive(Clone, Copy)]
pub enum Auth<'a> {
    None,
    Bearer(&'a str),
    Cookie(&'a str),
}

/// The shared test Redis (scripts/dev.sh services).
pub fn shared_redis_url() -> String {
    std::env::var("REDIS_URL").unwrap_or_else(|_| "redis://127.0.0.1:56379".to_owned())
}

/// The configuration of a test app on Redis at `redis_url`.
pub fn test_config(database_url: &str, redis_url: &str) -> Config {
    let mut config = Config::for_tests(database_url, redis_url);
    config.auth.login_max_failures = 5;
    config
}

impl TestApp {
    pub async fn new(pool: PgPool) -> TestApp {
        Self::with_redis(pool, &shared_redis_url()).await
    }

    /// A test app over `pool` whose Redis is at `redis_url`.
    pub async fn with_redis(pool: PgPool, redis_url: &str) -> TestApp {
        let config = test_config("postgres://unused-the-pool-is-given", redis_url);
        let redis = billing::core::redis::connect(&config.redis)
            .await
            .expect("the test Redis is running (scripts/dev.sh services)");
        Self::from_services(Services::new(config, pool, redis))
    }

    pub fn from_services(services: Services) -> TestApp {
        let options = LeptosOptions::builder()
            .output_name("mikrotik_billing")
            .build();
        Self::with_site(services, options)
    }

    /// A test app serving the built site that `options` point at.
    pub fn with_site(services: Services, options: LeptosOptions) -> TestApp {
        TestApp {
            router: server::router(services.clone(), options),
            services,
        }
    }

    pub async fn request(
        &self,
        method: &str,
        uri: &str,
        auth: Auth<'_>,
        body: Option<Value>,
    ) -> Response {
        let mut builder = Request::builder().method(method).uri(uri);
        match auth {
            Auth::None => {}
            Auth::Bearer(token) => {
                builder = builder.header(header::AUTHORIZATION, format!("Bearer {token}"))
            }
            Auth::Cookie(cookie) => builder = builder.header(header::COOKIE, cookie),
        }
        let body = match body {
            Some(json) => {
                builder = builder.header(header::CONTENT_TYPE, "application/json");
                Body::from(json.to_string())
            }
            None => Body::empty(),
        };
        self.send(builder.body(body).unwrap()).await
    }

    pub async fn send(&self, request: Request<Body>) -> Response {
        let response = self.router.clone().oneshot(request).await.unwrap();
        let status = response.status();
        let headers = response.headers().clone();
        let bytes = response.into_body().collect().await.unwrap().to_bytes();
        let text = String::from_utf8_lossy(&bytes).into_owned();
        let body = serde_json::from_slice(&bytes).unwrap_or(Value::Null);
        Response {
            status,
            headers,
            body,
            text,
        }
    }

    pub async fn register(
        &self,
        name: &str,
        whatsapp: &str,
        email: &str,
        password: &str,
    ) -> Response {
        self.request(
            "POST",
            "/api/v2/auth/register",
            Auth::None,
            Some(serde_json::json!({ "name": name, "whatsapp": whatsapp, "email": email, "password": password })),
        )
        .await
    }

    pub async fn login(&self, username: &str, password: &str) -> Response {
        self.request(
            "POST",
            "/api/v2/auth/login",
            Auth::None,
            Some(serde_json::json!({ "username": username, "password": password })),
        )
        .await
    }

    /// Logs in and returns the bearer token, failing the test if login fails.
    pub async fn token(&self, username: &str, password: &str) -> String {
        let response = self.login(username, password).await;
        assert_eq!(response.status, StatusCode::OK, "{}", response.text);
        response.body["token"].as_str().unwrap().to_owned()
    }

    pub async fn create_staff(&self, username: &str, password: &str, role: domain::Role) {
        billing::identity::accounts::create_staff(
            &self.services.pool,
            username,
            "Test Staff",
            password.to_owned().into(),
            role,
        )
        .await
        .unwrap();
    }
}

/// A simulated router on a free local port that accepts [`ROUTER_USER`] / [`ROUTER_PASSWORD`].
pub async fn simulator() -> Simulator {
    Simulator::builder()
        .credentials(ROUTER_USER, ROUTER_PASSWORD)
        .spawn()
        .await
        .unwrap()
}

/// Runs the router outbox, as its worker does, until no job is due.
pub async fn drain(app: &TestApp) {
    while billing::outbox::run_once(&app.services.pool, &app.services.router_jobs(), 50)
        .await
        .unwrap()
        .claimed()
        > 0
    {}
}

/// A simulated router registered over the API, with one plan on it.
pub struct Site {
    pub router_id: i64,
    pub plan_id: i64,
    pub sim: Simulator,
}

/// Registers a fresh simulated router as `Tower` (hotspot login page [`HOTSPOT_LOGIN_URL`]) with
/// the plan `1 Hari`: Rp 5,000 for a day on profile `voucher-1d`, 2M/5M. The outbox has run, so
/// the profile is on the router.
pub async fn site(app: &TestApp, admin: &str) -> Site {
    let sim = simulator().await;
    let router = app
        .request(
            "POST",
            "/api/v2/routers",
            Auth::Bearer(admin),
            Some(
                json!({"name": "Tower", "host": "127.0.0.1", "port": sim.addr().port(),
                        "username": ROUTER_USER, "password": ROUTER_PASSWORD,
                        "hotspot_login_url": HOTSPOT_LOGIN_URL}),
            ),
        )
        .await;
    assert_eq!(router.status, StatusCode::CREATED, "{}", router.text);
    let router_id = router.body["id"].as_i64().unwrap();
    let plan_id = create_plan(app, admin, router_id, "1 Hari", 5_000).await;
    drain(app).await;
    Site {
        router_id,
        plan_id,
        sim,
    }
}

/// Creates a one-day plan on profile `voucher-1d` (2M/5M) over the API and returns its id.
pub async fn create_plan(
    app: &TestApp,
    admin: &str,
    router_id: i64,
    name: &str,
    price: i64,
) -> i64 {
    let plan = app
        .request(
            "POST",
            "/api/v2/plans",
            Auth::Bearer(admin),
            Some(
                json!({"router_id": router_id, "name": name, "price": price, "validity": "1d",
                        "profile": "voucher-1d", "rate_limit": "2M/5M"}),
            ),
        )
        .await;
    assert_eq!(plan.status, StatusCode::CREATED, "{}", plan.text);
    assert_eq!(
        (plan.body["name"].as_str(), plan.body["validity"].as_str()),
        (Some(name), Some("1d"))
    );
    plan.body["id"].as_i64().unwrap()
}

/// Calls a server function of the web interface at `path` with a session `cookie`, as the
/// browser's forms post them.
pub async fn server_function(app: &TestApp, path: &str, cookie: &str, form: &str) -> Response {
    let request = axum::http::Request::post(path.to_owned())
        .header(
            axum::http::header::CONTENT_TYPE,
            "application/x-www-form-urlencoded",
        )
        .header(axum::http::header::ACCEPT, "application/json")
        .header(axum::http::header::COOKIE, cookie)
        .body(axum::body::Body::from(form.to_owned()))
        .unwrap();
    app.send(request).await
}
