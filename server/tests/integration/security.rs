//! Closed doors: what an attacker (or an unlucky client) meets at the edge of the app.

use crate::support;

use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use leptos::server_fn::ServerFn;
use sqlx::PgPool;
use support::TestApp;

/// A body far over the limit of every route.
fn one_megabyte() -> String {
    format!(
        "{{\"username\":\"admin\",\"password\":\"{}\"}}",
        "x".repeat(1024 * 1024)
    )
}

#[sqlx::test(migrator = "billing::core::db::MIGRATOR")]
async fn a_body_over_the_limit_is_refused_with_413_and_a_reason(pool: PgPool) {
    let app = TestApp::new(pool).await;
    // A server function (the login form's), a REST route, and a page address.
    for (uri, content_type) in [
        (app::auth::Login::PATH, "application/x-www-form-urlencoded"),
        ("/api/v2/auth/login", "application/json"),
        ("/login", "application/x-www-form-urlencoded"),
    ] {
        let response = app
            .send(
                Request::builder()
                    .method("POST")
                    .uri(uri)
                    .header(header::CONTENT_TYPE, content_type)
                    .body(Body::from(one_megabyte()))
                    .unwrap(),
            )
            .await;
        assert_eq!(
            response.status,
            StatusCode::PAYLOAD_TOO_LARGE,
            "{uri}: {}",
            response.text
        );
        assert_eq!(response.body["code"], "body_too_large", "{uri}");
        assert!(
            response.body["error"].as_str().unwrap().contains("64 KiB"),
            "{uri}: the reason names the limit: {}",
            response.text
        );
    }
}

#[sqlx::test(migrator = "billing::core::db::MIGRATOR")]
async fn a_streamed_body_without_a_length_is_cut_at_the_limit(pool: PgPool) {
    let app = TestApp::new(pool).await;
    let chunks =
        (0..64).map(|_| Ok::<_, std::io::Error>(axum::body::Bytes::from(vec![b' '; 16 * 1024])));
    let response = app
        .send(
            Request::builder()
                .method("POST")
                .uri("/api/v2/auth/login")
                .header(header::CONTENT_TYPE, "application/json")
                .body(Body::from_stream(futures::stream::iter(chunks)))
                .unwrap(),
        )
        .await;
    assert_eq!(
        response.status,
        StatusCode::PAYLOAD_TOO_LARGE,
        "{}",
        response.text
    );
    assert_eq!(response.body["code"], "body_too_large");
}

#[sqlx::test(migrator = "billing::core::db::MIGRATOR")]
async fn a_body_within_the_limit_still_works(pool: PgPool) {
    let app = TestApp::new(pool).await;
    let response = app
        .request(
            "POST",
            "/api/v2/auth/login",
            support::Auth::None,
            Some(serde_json::json!({"username": "nobody", "password": "x".repeat(60 * 1024)})),
        )
        .await;
    assert_eq!(
        response.status,
        StatusCode::UNAUTHORIZED,
        "{}",
        response.text
    );
}

#[sqlx::test(migrator = "billing::core::db::MIGRATOR")]
async fn every_answer_carries_the_security_headers(pool: PgPool) {
    let app = TestApp::new(pool).await;
    for uri in [
        "/login",
        "/admin",
        "/pos",
        "/no-such-page",
        "/health",
        "/api/v2/openapi.json",
        "/api/v2/no-such-route",
    ] {
        let response = app.request("GET", uri, support::Auth::None, None).await;
        let header = |name: &str| {
            response
                .headers
                .get(name)
                .and_then(|v| v.to_str().ok())
                .map(str::to_owned)
        };
        let csp = header("content-security-policy").unwrap_or_else(|| {
            panic!("{uri} ({}) has no Content-Security-Policy", response.status)
        });
        for directive in [
            "default-src 'self'",
            "frame-ancestors 'none'",
            "object-src 'none'",
            "base-uri 'self'",
            "form-action 'self'",
        ] {
            assert!(csp.contains(directive), "{uri}: {directive} in {csp}");
        }
        assert_eq!(
            header("x-content-type-options").as_deref(),
            Some("nosniff"),
            "{uri}"
        );
        assert_eq!(
            header("referrer-policy").as_deref(),
            Some("same-origin"),
            "{uri}"
        );
        assert_eq!(header("x-frame-options").as_deref(), Some("DENY"), "{uri}");
        assert_eq!(
            header("strict-transport-security"),
            None,
            "{uri}: no HSTS outside production (the dev server speaks plain HTTP)"
        );
    }
}

/// A state-changing request as a browser sends it from a page of `origin`.
fn from_origin(
    method: &str,
    uri: &str,
    origin: Option<&str>,
    host: &str,
    body: &str,
) -> Request<Body> {
    let mut request = Request::builder()
        .method(method)
        .uri(uri)
        .header(header::HOST, host)
        .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded");
    if let Some(origin) = origin {
        request = request.header(header::ORIGIN, origin);
    }
    request.body(Body::from(body.to_owned())).unwrap()
}

#[sqlx::test(migrator = "billing::core::db::MIGRATOR")]
async fn a_cross_site_post_is_refused_and_a_same_site_one_goes_through(pool: PgPool) {
    let app = TestApp::new(pool).await;
    app.create_staff("admin", "admin12345", domain::Role::Admin)
        .await;
    let login = app::auth::Login::PATH;
    let form = "username=admin&password=admin12345";

    let forged = app
        .send(from_origin(
            "POST",
            login,
            Some("https://evil.example"),
            "billing.example.net",
            form,
        ))
        .await;
    assert_eq!(forged.status, StatusCode::FORBIDDEN, "{}", forged.text);
    assert_eq!(forged.body["code"], "cross_origin");
    assert!(
        forged.session_cookie().is_none(),
        "no session for a forged login"
    );

    // The same post from a page of this site, and from a client that sends no Origin at all
    // (curl, an API client; browsers always send one with a POST).
    for origin in [Some("http://billing.example.net"), None] {
        let own = app
            .send(from_origin(
                "POST",
                login,
                origin,
                "billing.example.net",
                form,
            ))
            .await;
        assert!(
            own.status.is_success() || own.status.is_redirection(),
            "{origin:?}: {} {}",
            own.status,
            own.text
        );
    }

    // The REST API and the page forms the same way; reading is never refused.
    let forged_api = app
        .send(from_origin(
            "POST",
            "/api/v2/auth/login",
            Some("https://evil.example"),
            "billing.example.net",
            "",
        ))
        .await;
    assert_eq!(
        forged_api.status,
        StatusCode::FORBIDDEN,
        "{}",
        forged_api.text
    );
    let mut read = from_origin(
        "GET",
        "/login",
        Some("https://evil.example"),
        "billing.example.net",
        "",
    );
    *read.body_mut() = Body::empty();
    assert_eq!(app.send(read).await.status, StatusCode::OK);
    // The origin the operator configured as the public address counts as this site.
    let configured = app
        .send(from_origin(
            "POST",
            login,
            Some("http://localhost:3000"),
            "10.0.0.5:3000",
            form,
        ))
        .await;
    assert_ne!(
        configured.status,
        StatusCode::FORBIDDEN,
        "{}",
        configured.text
    );
}

/// A REST login as it reaches the server from `peer`, with `forwarded_for` as a proxy wrote it.
fn login_from(peer: &str, forwarded_for: Option<&str>, username: &str) -> Request<Body> {
    let mut request = Request::builder()
        .method("POST")
        .uri("/api/v2/auth/login")
        .header(header::CONTENT_TYPE, "application/json");
    if let Some(header) = forwarded_for {
        request = request.header("x-forwarded-for", header);
    }
    let mut request = request
        .body(Body::from(
            serde_json::json!({"username": username, "password": "wrong-password"}).to_string(),
        ))
        .unwrap();
    let peer: std::net::SocketAddr = format!("{peer}:40000").parse().unwrap();
    request
        .extensions_mut()
        .insert(axum::extract::ConnectInfo(peer));
    request
}

#[sqlx::test(migrator = "billing::core::db::MIGRATOR")]
async fn forwarded_addresses_count_only_from_a_trusted_proxy(pool: PgPool) {
    let mut config = support::test_config("postgres://unused", &support::shared_redis_url());
    config.trusted_proxies = billing::core::client_address::parse_trusted("127.0.0.1").unwrap();
    let redis = billing::core::redis::connect(&config.redis).await.unwrap();
    let app = TestApp::from_services(billing::Services::new(config, pool, redis));
    let per_address = app.services.config.auth.login_max_failures as usize * 5;

    // Through the proxy, one client uses up its address's attempts (on many usernames, so that
    // no username is slowed down)…
    let mut last = StatusCode::OK;
    for n in 0..=per_address {
        last = app
            .send(login_from(
                "127.0.0.1",
                Some("203.0.113.5"),
                &format!("user{n}"),
            ))
            .await
            .status;
    }
    assert_eq!(
        last,
        StatusCode::TOO_MANY_REQUESTS,
        "the client behind the proxy is blocked"
    );
    // …and is blocked, while another client behind the same proxy is not.
    let other = app
        .send(login_from("127.0.0.1", Some("198.51.100.7"), "other"))
        .await;
    assert_ne!(
        other.status,
        StatusCode::TOO_MANY_REQUESTS,
        "{}",
        other.text
    );
    // A client that writes the header itself (not through the proxy) is its own address.
    let spoofed = app
        .send(login_from("192.0.2.44", Some("198.51.100.99"), "spoofer"))
        .await;
    assert_ne!(
        spoofed.status,
        StatusCode::TOO_MANY_REQUESTS,
        "{}",
        spoofed.text
    );
    let blocked_spoof = app
        .send(login_from("192.0.2.44", Some("203.0.113.5"), "spoofer2"))
        .await;
    assert_ne!(
        blocked_spoof.status,
        StatusCode::TOO_MANY_REQUESTS,
        "naming a blocked client does not borrow its block: {}",
        blocked_spoof.text
    );
}

/// A test app whose routers are probed at most once per `interval`, readable in detail with
/// `token`.
async fn app_with_health(pool: PgPool, interval_seconds: u64, token: &str) -> TestApp {
    let mut config = support::test_config("postgres://unused", &support::shared_redis_url());
    config.health.router_probe_interval_seconds = interval_seconds;
    config.health.monitoring_token = Some(secrecy::SecretString::from(token.to_owned()));
    let redis = billing::core::redis::connect(&config.redis).await.unwrap();
    TestApp::from_services(billing::Services::new(config, pool, redis))
}

#[sqlx::test(migrator = "billing::core::db::MIGRATOR")]
async fn health_probes_each_router_once_an_interval_and_names_none_in_public(pool: PgPool) {
    use support::Auth;
    const MONITORING: &str = "monitoring-token-0123456789";
    let app = app_with_health(pool, 2, MONITORING).await;
    app.create_staff("admin", "admin12345", domain::Role::Admin)
        .await;
    let admin = app.token("admin", "admin12345").await;
    let site = support::site(&app, &admin).await;
    let down = app
        .request(
            "POST",
            "/api/v2/routers",
            Auth::Bearer(&admin),
            Some(
                serde_json::json!({"name": "Menara Selatan", "host": "127.0.0.1",
                "port": support::processes::free_port(), "username": "api", "password": "secret"}),
            ),
        )
        .await;
    assert_eq!(down.status, StatusCode::CREATED, "{}", down.text);
    let probes = || site.sim.commands_received("/system/identity/print");
    let before = probes();

    // 200 callers at once: one probe of each router, and nobody learns a name or an error.
    let answers = futures::future::join_all(
        (0..200).map(|_| app.request("GET", "/health", Auth::None, None)),
    )
    .await;
    assert_eq!(probes() - before, 1, "the router was probed once");
    for answer in &answers {
        assert_eq!(answer.status, StatusCode::OK, "{}", answer.text);
        assert_eq!(answer.body["status"], "degraded", "{}", answer.text);
        let names: Vec<_> = answer.body["checks"]
            .as_array()
            .unwrap()
            .iter()
            .map(|c| c["name"].as_str().unwrap().to_owned())
            .collect();
        assert_eq!(
            names,
            ["database", "redis", "ledger", "routers"],
            "{}",
            answer.text
        );
        assert!(
            !answer.text.contains("Tower")
                && !answer.text.contains("Menara")
                && !answer.text.contains("error"),
            "{}",
            answer.text
        );
    }

    // The admin and the monitoring token read every router by name, with its error, from the
    // same probes.
    for auth in [Auth::Bearer(&admin), Auth::Bearer(MONITORING)] {
        let detailed = app.request("GET", "/health", auth, None).await;
        assert_eq!(detailed.status, StatusCode::OK, "{}", detailed.text);
        let checks = detailed.body["checks"].as_array().unwrap();
        let tower = checks.iter().find(|c| c["name"] == "router:Tower").unwrap();
        assert_eq!(tower["status"], "healthy");
        let south = checks
            .iter()
            .find(|c| c["name"] == "router:Menara Selatan")
            .unwrap();
        assert_eq!(south["status"], "unhealthy");
        assert!(south["error"].as_str().unwrap().contains("cannot connect"));
    }
    assert_eq!(probes() - before, 1);
    let wrong = app
        .request("GET", "/health", Auth::Bearer("not-the-token"), None)
        .await;
    assert_eq!(wrong.status, StatusCode::UNAUTHORIZED, "{}", wrong.text);

    // Past the interval the next callers get the last answer at once while one probe refreshes it.
    tokio::time::sleep(std::time::Duration::from_millis(2_100)).await;
    let answers =
        futures::future::join_all((0..50).map(|_| app.request("GET", "/health", Auth::None, None)))
            .await;
    assert!(answers.iter().all(|a| a.status == StatusCode::OK));
    for _ in 0..50 {
        if probes() - before == 2 {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(20)).await;
    }
    assert_eq!(probes() - before, 2, "one more probe for the new interval");
}

/// Logs `username` in over the API: its bearer token and its browser cookie (one session).
async fn logged_in(app: &TestApp, username: &str, password: &str) -> (String, String) {
    let response = app.login(username, password).await;
    assert_eq!(response.status, StatusCode::OK, "{}", response.text);
    (
        response.body["token"].as_str().unwrap().to_owned(),
        response.session_cookie().unwrap(),
    )
}

async fn me_status(app: &TestApp, auth: support::Auth<'_>) -> (StatusCode, serde_json::Value) {
    let me = app.request("GET", "/api/v2/auth/me", auth, None).await;
    (me.status, me.body["role"].clone())
}

async fn staff_id(app: &TestApp, admin: &str, username: &str) -> i64 {
    let list = app
        .request(
            "GET",
            "/api/v2/admin/staff",
            support::Auth::Bearer(admin),
            None,
        )
        .await;
    assert_eq!(list.status, StatusCode::OK, "{}", list.text);
    list.body
        .as_array()
        .unwrap()
        .iter()
        .find(|m| m["username"] == username)
        .unwrap()["id"]
        .as_i64()
        .unwrap()
}

#[sqlx::test(migrator = "billing::core::db::MIGRATOR")]
async fn a_role_change_or_a_deactivation_ends_every_session_of_the_user(pool: PgPool) {
    use support::Auth;
    let app = TestApp::new(pool).await;
    app.create_staff("admin", "admin12345", domain::Role::Admin)
        .await;
    app.create_staff("kasir", "kasir12345", domain::Role::Staff)
        .await;
    let admin = app.token("admin", "admin12345").await;
    let kasir = staff_id(&app, &admin, "kasir").await;
    let (phone_token, phone_cookie) = logged_in(&app, "kasir", "kasir12345").await;
    let (laptop_token, _) = logged_in(&app, "kasir", "kasir12345").await;

    let sessions = app
        .request(
            "GET",
            &format!("/api/v2/admin/staff/{kasir}/sessions"),
            Auth::Bearer(&admin),
            None,
        )
        .await;
    assert_eq!(sessions.status, StatusCode::OK, "{}", sessions.text);
    let listed = sessions.body.as_array().unwrap();
    assert_eq!(listed.len(), 2, "{}", sessions.text);
    assert!(listed.iter().all(|s| s["started_at"].is_string()));
    assert!(
        !sessions.text.contains(&phone_token) && !sessions.text.contains(&phone_cookie),
        "the list names sessions without giving their secrets away"
    );

    // Promoted: the sessions that carried the cashier role end at once.
    let promoted = app
        .request(
            "PUT",
            &format!("/api/v2/admin/staff/{kasir}"),
            Auth::Bearer(&admin),
            Some(serde_json::json!({"name": "Sari Kasir", "role": "admin", "active": true})),
        )
        .await;
    assert_eq!(promoted.status, StatusCode::OK, "{}", promoted.text);
    assert_eq!(promoted.body["role"], "admin");
    for auth in [
        Auth::Bearer(&phone_token),
        Auth::Cookie(&phone_cookie),
        Auth::Bearer(&laptop_token),
    ] {
        assert_eq!(me_status(&app, auth).await.0, StatusCode::UNAUTHORIZED);
    }
    let (token, _) = logged_in(&app, "kasir", "kasir12345").await;
    assert_eq!(
        me_status(&app, Auth::Bearer(&token)).await,
        (StatusCode::OK, serde_json::json!("admin")),
        "a new login carries the new role"
    );

    // A rename alone ends nothing.
    let renamed = app
        .request(
            "PUT",
            &format!("/api/v2/admin/staff/{kasir}"),
            Auth::Bearer(&admin),
            Some(serde_json::json!({"name": "Sari", "role": "admin", "active": true})),
        )
        .await;
    assert_eq!(renamed.status, StatusCode::OK, "{}", renamed.text);
    assert_eq!(
        me_status(&app, Auth::Bearer(&token)).await.0,
        StatusCode::OK
    );

    // Deactivated: the session ends and no new one starts.
    let deactivated = app
        .request(
            "PUT",
            &format!("/api/v2/admin/staff/{kasir}"),
            Auth::Bearer(&admin),
            Some(serde_json::json!({"name": "Sari", "role": "admin", "active": false})),
        )
        .await;
    assert_eq!(deactivated.status, StatusCode::OK, "{}", deactivated.text);
    assert_eq!(
        me_status(&app, Auth::Bearer(&token)).await.0,
        StatusCode::UNAUTHORIZED
    );
    assert_eq!(
        app.login("kasir", "kasir12345").await.status,
        StatusCode::UNAUTHORIZED
    );
}

#[sqlx::test(migrator = "billing::core::db::MIGRATOR")]
async fn an_admin_ends_one_session_or_all_and_only_admins_may(pool: PgPool) {
    use support::Auth;
    let app = TestApp::new(pool).await;
    app.create_staff("admin", "admin12345", domain::Role::Admin)
        .await;
    app.create_staff("kasir", "kasir12345", domain::Role::Staff)
        .await;
    let admin = app.token("admin", "admin12345").await;
    let kasir = staff_id(&app, &admin, "kasir").await;
    let (first, _) = logged_in(&app, "kasir", "kasir12345").await;
    let (second, _) = logged_in(&app, "kasir", "kasir12345").await;
    let (third, _) = logged_in(&app, "kasir", "kasir12345").await;

    // A cashier may not manage staff, not even their own sessions' list.
    for (method, uri) in [
        ("GET", "/api/v2/admin/staff".to_owned()),
        ("GET", format!("/api/v2/admin/staff/{kasir}/sessions")),
        ("DELETE", format!("/api/v2/admin/staff/{kasir}/sessions")),
    ] {
        let refused = app.request(method, &uri, Auth::Bearer(&first), None).await;
        assert_eq!(refused.status, StatusCode::FORBIDDEN, "{method} {uri}");
    }

    let sessions = app
        .request(
            "GET",
            &format!("/api/v2/admin/staff/{kasir}/sessions"),
            Auth::Bearer(&admin),
            None,
        )
        .await;
    let ids: Vec<String> = sessions
        .body
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["id"].as_str().unwrap().to_owned())
        .collect();
    assert_eq!(ids.len(), 3);
    let ended = app
        .request(
            "DELETE",
            &format!("/api/v2/admin/staff/{kasir}/sessions/{}", ids[0]),
            Auth::Bearer(&admin),
            None,
        )
        .await;
    assert_eq!(ended.status, StatusCode::NO_CONTENT, "{}", ended.text);
    let alive: Vec<bool> = futures::future::join_all(
        [&first, &second, &third].map(|t| me_status(&app, Auth::Bearer(t))),
    )
    .await
    .into_iter()
    .map(|(status, _)| status == StatusCode::OK)
    .collect();
    assert_eq!(alive.iter().filter(|a| **a).count(), 2, "exactly one ended");
    let again = app
        .request(
            "DELETE",
            &format!("/api/v2/admin/staff/{kasir}/sessions/{}", ids[0]),
            Auth::Bearer(&admin),
            None,
        )
        .await;
    assert_eq!(again.status, StatusCode::NOT_FOUND, "{}", again.text);

    let all = app
        .request(
            "DELETE",
            &format!("/api/v2/admin/staff/{kasir}/sessions"),
            Auth::Bearer(&admin),
            None,
        )
        .await;
    assert_eq!(all.status, StatusCode::OK, "{}", all.text);
    assert_eq!(all.body["ended"], 2);
    for token in [&first, &second, &third] {
        assert_eq!(
            me_status(&app, Auth::Bearer(token)).await.0,
            StatusCode::UNAUTHORIZED
        );
    }
    assert_eq!(
        me_status(&app, Auth::Bearer(&admin)).await.0,
        StatusCode::OK,
        "the admin's own session is untouched"
    );
}

#[sqlx::test(migrator = "billing::core::db::MIGRATOR")]
async fn the_last_active_admin_is_neither_demoted_nor_deactivated(pool: PgPool) {
    use support::Auth;
    let app = TestApp::new(pool).await;
    app.create_staff("admin", "admin12345", domain::Role::Admin)
        .await;
    let admin = app.token("admin", "admin12345").await;
    let me = staff_id(&app, &admin, "admin").await;
    for change in [
        serde_json::json!({"name": "Admin", "role": "staff", "active": true}),
        serde_json::json!({"name": "Admin", "role": "admin", "active": false}),
    ] {
        let refused = app
            .request(
                "PUT",
                &format!("/api/v2/admin/staff/{me}"),
                Auth::Bearer(&admin),
                Some(change),
            )
            .await;
        assert_eq!(refused.status, StatusCode::CONFLICT, "{}", refused.text);
        assert_eq!(refused.body["code"], "last_admin");
    }
    assert_eq!(
        me_status(&app, Auth::Bearer(&admin)).await,
        (StatusCode::OK, serde_json::json!("admin")),
        "nothing changed"
    );
    let customer_role = app
        .request(
            "PUT",
            &format!("/api/v2/admin/staff/{me}"),
            Auth::Bearer(&admin),
            Some(serde_json::json!({"name": "Admin", "role": "customer", "active": true})),
        )
        .await;
    assert_eq!(customer_role.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(customer_role.body["code"], "staff_role");

    // With a second admin, either may step down.
    app.create_staff("owner", "owner12345", domain::Role::Admin)
        .await;
    let stepped_down = app
        .request(
            "PUT",
            &format!("/api/v2/admin/staff/{me}"),
            Auth::Bearer(&admin),
            Some(serde_json::json!({"name": "Admin", "role": "staff", "active": true})),
        )
        .await;
    assert_eq!(stepped_down.status, StatusCode::OK, "{}", stepped_down.text);
    assert_eq!(
        me_status(&app, Auth::Bearer(&admin)).await.0,
        StatusCode::UNAUTHORIZED,
        "their own admin session ended with the role"
    );
}

/// HTML pages are never reused from a cache without asking (a deploy, a logout, a payment shows
/// at once), and a logged-in user's pages are never kept by a shared cache (a proxy of the RT/RW
/// network).
#[sqlx::test(migrator = "billing::core::db::MIGRATOR")]
async fn pages_are_not_cached_and_logged_in_pages_are_private(pool: PgPool) {
    let app = TestApp::new(pool).await;
    app.create_staff("admin", "admin12345", domain::Role::Admin)
        .await;
    let cache_control = |response: &support::Response| {
        response
            .headers
            .get("cache-control")
            .and_then(|v| v.to_str().ok())
            .map(str::to_owned)
    };
    let login_page = app
        .request("GET", "/login", support::Auth::None, None)
        .await;
    assert_eq!(login_page.status, StatusCode::OK);
    assert_eq!(cache_control(&login_page).as_deref(), Some("no-cache"));
    let cookie = app
        .login("admin", "admin12345")
        .await
        .session_cookie()
        .expect("a cookie session");
    let dashboard = app
        .request("GET", "/admin", support::Auth::Cookie(&cookie), None)
        .await;
    assert_eq!(dashboard.status, StatusCode::OK, "{}", dashboard.text);
    assert_eq!(
        cache_control(&dashboard).as_deref(),
        Some("private, no-cache")
    );
    // Answers of the API say what they say themselves; JSON is not a page.
    let health = app
        .request("GET", "/health", support::Auth::None, None)
        .await;
    assert_ne!(cache_control(&health).as_deref(), Some("no-cache"));
}

/// The WASM reaches a phone compressed (once, at build or start-up: never per request) and, named
/// by its content, is kept for a year; pages made per request are compressed per request.
#[sqlx::test(migrator = "billing::core::db::MIGRATOR")]
async fn site_files_are_precompressed_and_immutable(pool: PgPool) {
    use tower::ServiceExt;
    let site = tempfile::tempdir().unwrap();
    let pkg = site.path().join("pkg");
    std::fs::create_dir(&pkg).unwrap();
    let wasm = pkg.join("mikrotik_billing.Xq3r9vWk2cYbTn0pLmAe7g.wasm");
    std::fs::write(&wasm, b"\0asm".repeat(2000)).unwrap();
    assert_eq!(
        server::static_files::precompress(site.path().into())
            .await
            .unwrap(),
        1
    );
    let services = TestApp::new(pool).await.services;
    let options = leptos::prelude::LeptosOptions::builder()
        .output_name("mikrotik_billing")
        .site_root(site.path().to_string_lossy().into_owned())
        .hash_files(true)
        .build();
    let pages = TestApp::from_services(services.clone());
    let app = TestApp::with_site(services, options);
    let get = |path: &str, encodings: &str| {
        let request = Request::builder()
            .uri(path)
            .header(header::ACCEPT_ENCODING, encodings)
            .body(Body::empty())
            .unwrap();
        app.router.clone().oneshot(request)
    };
    let header_of = |response: &axum::response::Response, name: header::HeaderName| {
        response
            .headers()
            .get(name)
            .map(|v| v.to_str().unwrap().to_owned())
    };

    let path = "/pkg/mikrotik_billing.Xq3r9vWk2cYbTn0pLmAe7g.wasm";
    let brotli = get(path, "br, gzip").await.unwrap();
    assert_eq!(brotli.status(), StatusCode::OK);
    assert_eq!(
        header_of(&brotli, header::CONTENT_ENCODING).as_deref(),
        Some("br")
    );
    assert_eq!(
        header_of(&brotli, header::CACHE_CONTROL).as_deref(),
        Some("public, max-age=31536000, immutable")
    );
    assert_eq!(
        header_of(&brotli, header::CONTENT_TYPE).as_deref(),
        Some("application/wasm")
    );
    let body = axum::body::to_bytes(brotli.into_body(), usize::MAX)
        .await
        .unwrap();
    assert_eq!(
        body.as_ref(),
        std::fs::read(pkg.join(format!(
            "{}.br",
            wasm.file_name().unwrap().to_string_lossy()
        )))
        .unwrap()
    );

    let gzip = get(path, "gzip").await.unwrap();
    assert_eq!(
        header_of(&gzip, header::CONTENT_ENCODING).as_deref(),
        Some("gzip")
    );
    let plain = get(path, "identity").await.unwrap();
    assert_eq!(header_of(&plain, header::CONTENT_ENCODING), None);
    assert_eq!(
        axum::body::to_bytes(plain.into_body(), usize::MAX)
            .await
            .unwrap()
            .len(),
        8_000
    );
    assert_eq!(
        get("/pkg/missing.wasm", "br").await.unwrap().status(),
        StatusCode::NOT_FOUND
    );

    // A page is made per request: compressed per request, and never cached without asking.
    let request = Request::builder()
        .uri("/login")
        .header(header::ACCEPT_ENCODING, "br, gzip")
        .body(Body::empty())
        .unwrap();
    let page = pages.router.clone().oneshot(request).await.unwrap();
    assert_eq!(page.status(), StatusCode::OK);
    assert_eq!(
        header_of(&page, header::CONTENT_ENCODING).as_deref(),
        Some("br")
    );
    assert_eq!(
        header_of(&page, header::CACHE_CONTROL).as_deref(),
        Some("no-cache")
    );
}
