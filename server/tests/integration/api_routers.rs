//! `/api/v2/routers` against a simulated MikroTik router speaking the real API protocol.

use crate::support;

use axum::http::StatusCode;
use domain::Role;
use routeros::sim::Simulator;
use serde_json::json;
use sqlx::PgPool;
use support::{Auth, ROUTER_PASSWORD, ROUTER_USER, TestApp, simulator};

async fn admin(app: &TestApp) -> String {
    app.create_staff("admin", "admin12345", Role::Admin).await;
    app.token("admin", "admin12345").await
}

/// A router edit that leaves the stored password as it is (no `password` field).
fn router_body_without_password(name: &str, sim: &Simulator) -> serde_json::Value {
    let mut body = router_body(name, sim, "");
    body.as_object_mut().unwrap().remove("password");
    body
}

fn router_body(name: &str, sim: &Simulator, password: &str) -> serde_json::Value {
    json!({
        "name": name,
        "host": sim.addr().ip().to_string(),
        "port": sim.addr().port(),
        "username": ROUTER_USER,
        "password": password,
    })
}

#[sqlx::test(migrator = "billing::core::db::MIGRATOR")]
async fn registers_a_router_and_reads_its_live_status(pool: PgPool) {
    let app = TestApp::new(pool.clone()).await;
    let token = admin(&app).await;
    let sim = simulator().await;

    let created = app
        .request(
            "POST",
            "/api/v2/routers",
            Auth::Bearer(&token),
            Some(router_body("Tower A", &sim, ROUTER_PASSWORD)),
        )
        .await;
    assert_eq!(created.status, StatusCode::CREATED, "{}", created.text);
    assert!(
        created.body.get("password").is_none(),
        "the password is never returned"
    );
    assert!(!created.text.contains(ROUTER_PASSWORD));
    let id = created.body["id"].as_i64().unwrap();

    let stored: Vec<u8> =
        sqlx::query_scalar("SELECT password_encrypted FROM routers WHERE id = $1")
            .bind(id)
            .fetch_one(&pool)
            .await
            .unwrap();
    assert!(
        !stored
            .windows(ROUTER_PASSWORD.len())
            .any(|w| w == ROUTER_PASSWORD.as_bytes()),
        "stored encrypted, not in plain text"
    );

    // The identity is set on the router itself, so it can only come from reading it there.
    app.services
        .routers
        .client(id)
        .await
        .unwrap()
        .command("/system/identity/set")
        .attr("name", "Menara Utara")
        .run()
        .await
        .unwrap();
    let status = app
        .request(
            "GET",
            &format!("/api/v2/routers/{id}/status"),
            Auth::Bearer(&token),
            None,
        )
        .await;
    assert_eq!(status.status, StatusCode::OK, "{}", status.text);
    assert_eq!(status.body["reachable"], true, "{}", status.text);
    assert_eq!(status.body["identity"], "Menara Utara", "{}", status.text);
    assert_eq!(status.body["version"], "7.18 (stable)");
    assert_eq!(
        (
            status.body["cpu_load_percent"].as_u64(),
            status.body["free_memory"].as_u64(),
            status.body["total_memory"].as_u64(),
        ),
        (Some(3), Some(201_326_592), Some(268_435_456)),
        "the router's resources as it reports them"
    );
    assert!(status.body["latency_ms"].as_f64().unwrap() >= 0.0);

    let listed = app
        .request("GET", "/api/v2/routers", Auth::Bearer(&token), None)
        .await;
    assert_eq!(listed.body.as_array().unwrap().len(), 1);
    assert!(
        listed.body[0]["last_seen_at"].is_string(),
        "status recorded when it was seen"
    );
    assert_eq!(listed.body[0]["identity"], "Menara Utara");
    assert_eq!(listed.body[0]["routeros_version"], "7.18 (stable)");

    // Router names are for admins (see security.rs for the public answer).
    let health = app
        .request("GET", "/health", Auth::Bearer(&token), None)
        .await;
    let check = health.body["checks"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["name"] == "router:Tower A")
        .cloned()
        .expect("health reports each router");
    assert_eq!(check["status"], "healthy");
    assert_eq!(health.body["status"], "healthy");
}

/// A local port nothing listens on: bound to get a free one, then closed again.
fn closed_port() -> u16 {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    listener.local_addr().unwrap().port()
}

#[sqlx::test(migrator = "billing::core::db::MIGRATOR")]
async fn an_unreachable_router_is_reported_and_degrades_health(pool: PgPool) {
    let app = TestApp::new(pool).await;
    let token = admin(&app).await;
    let nowhere = app
        .request(
            "POST",
            "/api/v2/routers",
            Auth::Bearer(&token),
            Some(json!({
                "name": "Tower B",
                "host": "127.0.0.1",
                "port": closed_port(),
                "username": ROUTER_USER,
                "password": ROUTER_PASSWORD,
            })),
        )
        .await;
    assert_eq!(nowhere.status, StatusCode::CREATED, "{}", nowhere.text);
    let id = nowhere.body["id"].as_i64().unwrap();

    let status = app
        .request(
            "GET",
            &format!("/api/v2/routers/{id}/status"),
            Auth::Bearer(&token),
            None,
        )
        .await;
    assert_eq!(status.status, StatusCode::OK);
    assert_eq!(status.body["reachable"], false);
    assert!(
        status.body["error"]
            .as_str()
            .unwrap()
            .contains("cannot connect"),
        "{}",
        status.text
    );

    let health = app.request("GET", "/health", Auth::None, None).await;
    assert_eq!(
        health.status,
        StatusCode::OK,
        "a router down degrades, it does not fail the service"
    );
    assert_eq!(health.body["status"], "degraded");

    // Pointing the router at a running one over the API makes it reachable on the next check.
    let sim = simulator().await;
    let moved = app
        .request(
            "PUT",
            &format!("/api/v2/routers/{id}"),
            Auth::Bearer(&token),
            Some(router_body("Tower B", &sim, ROUTER_PASSWORD)),
        )
        .await;
    assert_eq!(moved.status, StatusCode::OK, "{}", moved.text);
    let status = app
        .request(
            "GET",
            &format!("/api/v2/routers/{id}/status"),
            Auth::Bearer(&token),
            None,
        )
        .await;
    assert_eq!(status.body["reachable"], true, "{}", status.text);

    // Pointing it at another address without its password is refused: the stored password must
    // not go to a server of the editor's choice. Nothing changes.
    let elsewhere = simulator().await;
    let moved = router_body_without_password("Tower B2", &elsewhere);
    let refused = app
        .request(
            "PUT",
            &format!("/api/v2/routers/{id}"),
            Auth::Bearer(&token),
            Some(moved),
        )
        .await;
    assert_eq!(
        refused.status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "{}",
        refused.text
    );
    assert_eq!(refused.body["field"], "password");
    assert_eq!(refused.body["code"], "router_password");
    assert_eq!(
        elsewhere.connection_count(),
        0,
        "nothing was sent to the new address"
    );
    let kept = app
        .request(
            "GET",
            &format!("/api/v2/routers/{id}"),
            Auth::Bearer(&token),
            None,
        )
        .await;
    assert_eq!(kept.body["port"], sim.addr().port(), "{}", kept.text);
}

#[sqlx::test(migrator = "billing::core::db::MIGRATOR")]
async fn a_router_refusing_the_login_is_reported_with_the_reason(pool: PgPool) {
    let app = TestApp::new(pool).await;
    let token = admin(&app).await;
    let sim = simulator().await;
    let wrong_password = app
        .request(
            "POST",
            "/api/v2/routers",
            Auth::Bearer(&token),
            Some(router_body("Tower B", &sim, "wrong")),
        )
        .await;
    assert_eq!(
        wrong_password.status,
        StatusCode::CREATED,
        "{}",
        wrong_password.text
    );
    let id = wrong_password.body["id"].as_i64().unwrap();

    let status = app
        .request(
            "GET",
            &format!("/api/v2/routers/{id}/status"),
            Auth::Bearer(&token),
            None,
        )
        .await;
    assert_eq!(status.status, StatusCode::OK);
    assert_eq!(status.body["reachable"], false);
    assert!(
        status.body["error"].as_str().unwrap().contains("login"),
        "{}",
        status.text
    );

    // Fixing the password over the API makes it reachable on the next check.
    let fixed = app
        .request(
            "PUT",
            &format!("/api/v2/routers/{id}"),
            Auth::Bearer(&token),
            Some(router_body("Tower B", &sim, ROUTER_PASSWORD)),
        )
        .await;
    assert_eq!(fixed.status, StatusCode::OK, "{}", fixed.text);
    let status = app
        .request(
            "GET",
            &format!("/api/v2/routers/{id}/status"),
            Auth::Bearer(&token),
            None,
        )
        .await;
    assert_eq!(status.body["reachable"], true, "{}", status.text);

    // Editing without a password keeps the stored one.
    let renamed = router_body_without_password("Tower B2", &sim);
    let renamed = app
        .request(
            "PUT",
            &format!("/api/v2/routers/{id}"),
            Auth::Bearer(&token),
            Some(renamed),
        )
        .await;
    assert_eq!(renamed.body["name"], "Tower B2");
    let status = app
        .request(
            "GET",
            &format!("/api/v2/routers/{id}/status"),
            Auth::Bearer(&token),
            None,
        )
        .await;
    assert_eq!(status.body["reachable"], true, "{}", status.text);
}

#[sqlx::test(migrator = "billing::core::db::MIGRATOR")]
async fn bad_router_input_is_refused_with_reasons(pool: PgPool) {
    let app = TestApp::new(pool.clone()).await;
    let token = admin(&app).await;
    let sim = simulator().await;
    let ok = app
        .request(
            "POST",
            "/api/v2/routers",
            Auth::Bearer(&token),
            Some(router_body("Tower A", &sim, "x")),
        )
        .await;
    assert_eq!(ok.status, StatusCode::CREATED);

    let duplicate = app
        .request(
            "POST",
            "/api/v2/routers",
            Auth::Bearer(&token),
            Some(router_body("Tower A", &sim, "x")),
        )
        .await;
    assert_eq!(duplicate.status, StatusCode::CONFLICT);
    assert_eq!(duplicate.body["code"], "router_name_taken");

    for (patch, field) in [
        (json!({"host": "bad host!"}), "host"),
        (json!({"name": ""}), "name"),
        (json!({"username": " "}), "username"),
        (json!({"password": ""}), "password"),
        (
            json!({"use_tls": false, "tls_fingerprint": "ab"}),
            "tls_fingerprint",
        ),
        (
            json!({"use_tls": true, "tls_fingerprint": "zz"}),
            "tls_fingerprint",
        ),
    ] {
        let mut body = router_body("Tower C", &sim, "x");
        for (k, v) in patch.as_object().unwrap() {
            body[k] = v.clone();
        }
        let response = app
            .request("POST", "/api/v2/routers", Auth::Bearer(&token), Some(body))
            .await;
        assert_eq!(
            response.status,
            StatusCode::UNPROCESSABLE_ENTITY,
            "{field}: {}",
            response.text
        );
        assert_eq!(response.body["field"], field);
    }
    let port_out_of_range = app
        .request(
            "POST",
            "/api/v2/routers",
            Auth::Bearer(&token),
            Some(json!({"name": "X", "host": "10.0.0.1", "port": 70000, "username": "u", "password": "p"})),
        )
        .await;
    assert_eq!(port_out_of_range.status, StatusCode::UNPROCESSABLE_ENTITY);

    let missing = app
        .request("GET", "/api/v2/routers/9999", Auth::Bearer(&token), None)
        .await;
    assert_eq!(missing.status, StatusCode::NOT_FOUND);

    let count: i64 = sqlx::query_scalar("SELECT count(*) FROM routers")
        .fetch_one(&pool)
        .await
        .unwrap();
    assert_eq!(count, 1, "refused input changes nothing");
}

#[sqlx::test(migrator = "billing::core::db::MIGRATOR")]
async fn only_admins_manage_routers(pool: PgPool) {
    let app = TestApp::new(pool).await;
    let token = admin(&app).await;
    app.create_staff("kasir", "kasir12345", Role::Staff).await;
    let cashier = app.token("kasir", "kasir12345").await;
    let sim = simulator().await;
    let created = app
        .request(
            "POST",
            "/api/v2/routers",
            Auth::Bearer(&token),
            Some(router_body("Tower A", &sim, "x")),
        )
        .await;
    let id = created.body["id"].as_i64().unwrap();

    for (method, uri) in [
        ("GET", "/api/v2/routers".to_owned()),
        ("GET", format!("/api/v2/routers/{id}")),
        ("GET", format!("/api/v2/routers/{id}/status")),
        ("DELETE", format!("/api/v2/routers/{id}")),
    ] {
        let denied = app
            .request(method, &uri, Auth::Bearer(&cashier), None)
            .await;
        assert_eq!(denied.status, StatusCode::FORBIDDEN, "{method} {uri}");
        let anonymous = app.request(method, &uri, Auth::None, None).await;
        assert_eq!(anonymous.status, StatusCode::UNAUTHORIZED, "{method} {uri}");
    }

    let removed = app
        .request(
            "DELETE",
            &format!("/api/v2/routers/{id}"),
            Auth::Bearer(&token),
            None,
        )
        .await;
    assert_eq!(removed.status, StatusCode::NO_CONTENT);
    let gone = app
        .request(
            "GET",
            &format!("/api/v2/routers/{id}"),
            Auth::Bearer(&token),
            None,
        )
        .await;
    assert_eq!(gone.status, StatusCode::NOT_FOUND);
}

/// Whether the app reaches router `id` now (a fresh connection, its status probe).
async fn reachable(app: &TestApp, token: &str, id: i64) -> serde_json::Value {
    app.services.routers.forget(id).await;
    let status = app
        .request(
            "GET",
            &format!("/api/v2/routers/{id}/status"),
            Auth::Bearer(token),
            None,
        )
        .await;
    assert_eq!(status.status, StatusCode::OK, "{}", status.text);
    status.body
}

#[sqlx::test(migrator = "billing::core::db::MIGRATOR")]
async fn a_stored_password_opens_only_for_its_own_row_at_its_own_address(pool: PgPool) {
    let app = TestApp::new(pool.clone()).await;
    let token = admin(&app).await;
    let tower = simulator().await;
    // A server that would accept Tower A's password, where someone with access to the database
    // wants it sent.
    let elsewhere = simulator().await;
    let mut ids = Vec::new();
    for (name, sim, password) in [
        ("Tower A", &tower, ROUTER_PASSWORD),
        ("Tower B", &elsewhere, "another-password"),
    ] {
        let created = app
            .request(
                "POST",
                "/api/v2/routers",
                Auth::Bearer(&token),
                Some(router_body(name, sim, password)),
            )
            .await;
        assert_eq!(created.status, StatusCode::CREATED, "{}", created.text);
        ids.push(created.body["id"].as_i64().unwrap());
    }
    let (a, b) = (ids[0], ids[1]);
    assert_eq!(reachable(&app, &token, a).await["reachable"], true);

    // Tower A's ciphertext copied onto Tower B does not open there.
    sqlx::query(
        "UPDATE routers SET password_encrypted = (SELECT password_encrypted FROM routers WHERE id = $1)
         WHERE id = $2",
    )
    .bind(a)
    .bind(b)
    .execute(&pool)
    .await
    .unwrap();
    let copied = reachable(&app, &token, b).await;
    assert_eq!(copied["reachable"], false, "{copied}");
    assert!(
        copied["error"]
            .as_str()
            .unwrap()
            .contains("does not decrypt")
    );

    // Tower A pointed elsewhere behind the app's back: its password is not sent there.
    sqlx::query("UPDATE routers SET port = $2 WHERE id = $1")
        .bind(a)
        .bind(i32::from(elsewhere.addr().port()))
        .execute(&pool)
        .await
        .unwrap();
    let moved = reachable(&app, &token, a).await;
    assert_eq!(moved["reachable"], false, "{moved}");
    assert_eq!(
        elsewhere.commands_received("/system/identity/print"),
        0,
        "nothing logged in to the other server"
    );
}

#[sqlx::test(migrator = "billing::core::db::MIGRATOR")]
async fn passwords_stored_before_binding_are_resealed_at_start(pool: PgPool) {
    let app = TestApp::new(pool.clone()).await;
    let token = admin(&app).await;
    let sim = simulator().await;
    let created = app
        .request(
            "POST",
            "/api/v2/routers",
            Auth::Bearer(&token),
            Some(router_body("Tower A", &sim, ROUTER_PASSWORD)),
        )
        .await;
    let id = created.body["id"].as_i64().unwrap();
    // As an earlier version stored it: sealed for no row in particular.
    let key = app.services.config.encryption_key_bytes();
    let legacy = billing::core::crypto::SecretBox::new(&key).seal(ROUTER_PASSWORD, b"");
    sqlx::query("UPDATE routers SET password_encrypted = $2, password_bound = FALSE WHERE id = $1")
        .bind(id)
        .bind(&legacy)
        .execute(&pool)
        .await
        .unwrap();
    assert_eq!(
        reachable(&app, &token, id).await["reachable"],
        true,
        "opens the old way until re-sealed"
    );

    assert_eq!(app.services.routers.bind_credentials().await.unwrap(), 1);
    let (stored, bound): (Vec<u8>, bool) =
        sqlx::query_as("SELECT password_encrypted, password_bound FROM routers WHERE id = $1")
            .bind(id)
            .fetch_one(&pool)
            .await
            .unwrap();
    assert!(bound && stored != legacy);
    assert_eq!(reachable(&app, &token, id).await["reachable"], true);
    assert_eq!(app.services.routers.bind_credentials().await.unwrap(), 0);
}

#[sqlx::test(migrator = "billing::core::db::MIGRATOR")]
async fn names_with_control_characters_are_refused_with_a_reason(pool: PgPool) {
    let app = TestApp::new(pool).await;
    let token = admin(&app).await;
    let sim = simulator().await;
    // PostgreSQL cannot store a NUL, and a RouterOS word should not carry control characters.
    let router = app
        .request(
            "POST",
            "/api/v2/routers",
            Auth::Bearer(&token),
            Some(router_body("Tower\u{0}A", &sim, ROUTER_PASSWORD)),
        )
        .await;
    assert_eq!(
        router.status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "{}",
        router.text
    );
    assert_eq!(router.body["code"], "router_name");
    // The API username too (found by the contract run: a NUL in it was a 500).
    let mut body = router_body("Tower B", &sim, ROUTER_PASSWORD);
    body["username"] = json!("adm\u{0}in");
    let user = app
        .request("POST", "/api/v2/routers", Auth::Bearer(&token), Some(body))
        .await;
    assert_eq!(
        user.status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "{}",
        user.text
    );
    assert_eq!(user.body["code"], "router_username");

    let created = app
        .request(
            "POST",
            "/api/v2/routers",
            Auth::Bearer(&token),
            Some(router_body("Tower A", &sim, ROUTER_PASSWORD)),
        )
        .await;
    let router_id = created.body["id"].as_i64().unwrap();
    for name in ["\u{0}\u{1F600}", "Harian\n"] {
        let plan = app
            .request(
                "POST",
                "/api/v2/plans",
                Auth::Bearer(&token),
                Some(
                    json!({"router_id": router_id, "name": format!("1 {name} Hari"), "price": 5000,
                            "validity": "1d", "profile": "voucher-1d"}),
                ),
            )
            .await;
        assert_eq!(
            plan.status,
            StatusCode::UNPROCESSABLE_ENTITY,
            "{}",
            plan.text
        );
        assert_eq!(plan.body["code"], "plan_name");
    }
}
