//! HTTP tests of `/api/v2/auth`, roles, the OpenAPI document, health and page guards.

use crate::support;

use axum::http::{StatusCode, header};
use domain::Role;
use secrecy::ExposeSecret;
use serde_json::json;
use sqlx::PgPool;
use support::{Auth, TestApp};

#[sqlx::test(migrator = "billing::core::db::MIGRATOR")]
async fn registers_and_logs_in_by_whatsapp_email_and_token(pool: PgPool) {
    let app = TestApp::new(pool).await;
    let registered = app
        .register(
            "Budi Santoso",
            "0812-3456-7890",
            "Budi@Example.com",
            "rahasia123",
        )
        .await;
    assert_eq!(
        registered.status,
        StatusCode::CREATED,
        "{}",
        registered.text
    );
    assert_eq!(registered.body["whatsapp"], "6281234567890");
    assert_eq!(registered.body["email"], "budi@example.com");
    assert_eq!(registered.body["balance"], 0);

    for username in ["+62 812 3456 7890", "081234567890", "BUDI@example.com"] {
        let token = app.token(username, "rahasia123").await;
        let me = app
            .request("GET", "/api/v2/auth/me", Auth::Bearer(&token), None)
            .await;
        assert_eq!(me.status, StatusCode::OK, "{}", me.text);
        assert_eq!(me.body["role"], "customer");
        assert_eq!(me.body["name"], "Budi Santoso");
        assert_eq!(me.body["whatsapp"], "6281234567890");
        assert_eq!(me.body["home"], "/portal");
    }
}

#[sqlx::test(migrator = "billing::core::db::MIGRATOR")]
async fn logout_revokes_the_token_and_the_cookie_at_once(pool: PgPool) {
    let app = TestApp::new(pool).await;
    app.create_staff("admin", "admin12345", Role::Admin).await;
    let login = app.login("admin", "admin12345").await;
    assert_eq!(login.status, StatusCode::OK, "{}", login.text);
    let token = login.body["token"].as_str().unwrap().to_owned();
    let cookie = login
        .session_cookie()
        .expect("login starts a cookie session");
    let set_cookie = login
        .headers
        .get(header::SET_COOKIE)
        .unwrap()
        .to_str()
        .unwrap();
    assert!(set_cookie.contains("HttpOnly"), "{set_cookie}");
    assert!(set_cookie.contains("SameSite=Lax"), "{set_cookie}");

    let by_cookie = app
        .request("GET", "/api/v2/auth/me", Auth::Cookie(&cookie), None)
        .await;
    assert_eq!(by_cookie.status, StatusCode::OK);
    assert_eq!(by_cookie.body["username"], "admin");
    assert_eq!(by_cookie.body["role"], "admin");

    let logout = app
        .request("POST", "/api/v2/auth/logout", Auth::Bearer(&token), None)
        .await;
    assert_eq!(logout.status, StatusCode::NO_CONTENT, "{}", logout.text);

    let after_token = app
        .request("GET", "/api/v2/auth/me", Auth::Bearer(&token), None)
        .await;
    assert_eq!(after_token.status, StatusCode::UNAUTHORIZED);
    assert_eq!(after_token.body["code"], "unauthenticated");
    let after_cookie = app
        .request("GET", "/api/v2/auth/me", Auth::Cookie(&cookie), None)
        .await;
    assert_eq!(after_cookie.status, StatusCode::UNAUTHORIZED);
}

#[sqlx::test(migrator = "billing::core::db::MIGRATOR")]
async fn duplicate_registration_is_a_conflict_that_names_the_field(pool: PgPool) {
    let app = TestApp::new(pool).await;
    let first = app
        .register("Siti", "081234567802", "siti@example.com", "rahasia123")
        .await;
    assert_eq!(first.status, StatusCode::CREATED);

    let same_number = app
        .register(
            "Siti Lain",
            "+6281234567802",
            "lain@example.com",
            "rahasia123",
        )
        .await;
    assert_eq!(
        same_number.status,
        StatusCode::CONFLICT,
        "{}",
        same_number.text
    );
    // One answer for a number and for an address already registered: which of the two belongs
    // to a customer is not given away.
    assert_eq!(same_number.body["code"], "already_registered");
    assert!(
        same_number.body.get("field").is_none(),
        "{}",
        same_number.text
    );

    let same_email = app
        .register(
            "Siti Lain",
            "081234567803",
            "SITI@example.com",
            "rahasia123",
        )
        .await;
    assert_eq!(same_email.status, StatusCode::CONFLICT);
    assert_eq!(same_email.body, same_number.body);

    let count: i64 = sqlx::query_scalar("SELECT count(*) FROM customers")
        .fetch_one(&app.services.pool)
        .await
        .unwrap();
    assert_eq!(count, 1, "a refused registration changes nothing");
}

#[sqlx::test(migrator = "billing::core::db::MIGRATOR")]
async fn bad_input_gets_a_readable_4xx_and_changes_nothing(pool: PgPool) {
    let app = TestApp::new(pool).await;
    let cases = [
        (
            json!({"name": "A", "whatsapp": "12345", "email": "a@example.com", "password": "rahasia123"}),
            "whatsapp",
            "whatsapp_not_indonesian_mobile",
        ),
        (
            json!({"name": " ", "whatsapp": "081234567890", "email": "a@example.com", "password": "rahasia123"}),
            "name",
            "name_empty",
        ),
        (
            json!({"name": "A", "whatsapp": "081234567890", "email": "not-an-email", "password": "rahasia123"}),
            "email",
            "email_invalid",
        ),
        (
            json!({"name": "A", "whatsapp": "081234567890", "email": "a@example.com", "password": "short"}),
            "password",
            "password_too_short",
        ),
    ];
    for (body, field, code) in cases {
        let response = app
            .request("POST", "/api/v2/auth/register", Auth::None, Some(body))
            .await;
        assert_eq!(
            response.status,
            StatusCode::UNPROCESSABLE_ENTITY,
            "{}",
            response.text
        );
        assert_eq!(response.body["field"], field);
        assert_eq!(response.body["code"], code);
        assert!(!response.body["error"].as_str().unwrap().is_empty());
    }

    let missing = app
        .request(
            "POST",
            "/api/v2/auth/register",
            Auth::None,
            Some(json!({"name": "A"})),
        )
        .await;
    assert_eq!(missing.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        missing.body["error"]
            .as_str()
            .unwrap()
            .contains("missing field"),
        "{}",
        missing.text
    );

    let not_json = app
        .send(
            axum::http::Request::post("/api/v2/auth/login")
                .header(header::CONTENT_TYPE, "text/plain")
                .body(axum::body::Body::from("username=admin"))
                .unwrap(),
        )
        .await;
    assert_eq!(not_json.status, StatusCode::BAD_REQUEST);
    assert_eq!(not_json.body["code"], "expected_json");

    let broken = app
        .send(
            axum::http::Request::post("/api/v2/auth/login")
                .header(header::CONTENT_TYPE, "application/json")
                .body(axum::body::Body::from("{\"username\": "))
                .unwrap(),
        )
        .await;
    assert_eq!(broken.status, StatusCode::BAD_REQUEST);
    assert_eq!(broken.body["code"], "malformed_json");

    let empty_login = app.login("", "").await;
    assert_eq!(empty_login.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(empty_login.body["field"], "username");

    let wrong_method = app
        .request("GET", "/api/v2/auth/login", Auth::None, None)
        .await;
    assert_eq!(wrong_method.status, StatusCode::METHOD_NOT_ALLOWED);
    assert_eq!(wrong_method.body["code"], "method_not_allowed");

    let unknown = app
        .request("GET", "/api/v2/no-such-thing", Auth::None, None)
        .await;
    assert_eq!(unknown.status, StatusCode::NOT_FOUND);
    assert_eq!(unknown.body["code"], "not_found");

    let count: i64 = sqlx::query_scalar("SELECT count(*) FROM customers")
        .fetch_one(&app.services.pool)
        .await
        .unwrap();
    assert_eq!(count, 0);
}

#[sqlx::test(migrator = "billing::core::db::MIGRATOR")]
async fn wrong_credentials_are_401_without_saying_which_part_was_wrong(pool: PgPool) {
    let app = TestApp::new(pool).await;
    app.create_staff("kasir", "kasir12345", Role::Staff).await;
    let wrong_password = app.login("kasir", "kasir99999").await;
    let unknown_user = app.login("nobody", "kasir12345").await;
    for response in [&wrong_password, &unknown_user] {
        assert_eq!(
            response.status,
            StatusCode::UNAUTHORIZED,
            "{}",
            response.text
        );
        assert_eq!(response.body["code"], "invalid_credentials");
        assert!(response.session_cookie().is_none());
    }
    assert_eq!(wrong_password.body["error"], unknown_user.body["error"]);

    let garbage_token = app
        .request("GET", "/api/v2/auth/me", Auth::Bearer("not.a.token"), None)
        .await;
    assert_eq!(garbage_token.status, StatusCode::UNAUTHORIZED);
}

#[sqlx::test(migrator = "billing::core::db::MIGRATOR")]
async fn failed_logins_are_rate_limited_with_retry_after(pool: PgPool) {
    let app = TestApp::new(pool).await;
    app.create_staff("admin", "admin12345", Role::Admin).await;
    for _ in 0..5 {
        assert_eq!(
            app.login("admin", "wrong-password").await.status,
            StatusCode::UNAUTHORIZED
        );
    }
    let limited = app.login("ADMIN", "admin12345").await;
    assert_eq!(
        limited.status,
        StatusCode::TOO_MANY_REQUESTS,
        "{}",
        limited.text
    );
    assert_eq!(limited.body["code"], "rate_limited");
    let retry_after: u64 = limited.headers[header::RETRY_AFTER]
        .to_str()
        .unwrap()
        .parse()
        .unwrap();
    assert!((1..=15 * 60).contains(&retry_after), "{retry_after}");

    // Another user is not affected by the first user's failures.
    app.create_staff("kasir", "kasir12345", Role::Staff).await;
    assert_eq!(
        app.login("kasir", "kasir12345").await.status,
        StatusCode::OK
    );
}

#[sqlx::test(migrator = "billing::core::db::MIGRATOR")]
async fn roles_are_enforced_on_admin_routes(pool: PgPool) {
    let app = TestApp::new(pool).await;
    app.create_staff("admin", "admin12345", Role::Admin).await;
    app.create_staff("kasir", "kasir12345", Role::Staff).await;
    app.register("Agus", "081234567803", "agus@example.com", "rahasia123")
        .await;

    let anonymous = app
        .request("GET", "/api/v2/admin/summary", Auth::None, None)
        .await;
    assert_eq!(anonymous.status, StatusCode::UNAUTHORIZED);

    let customer = app.token("agus@example.com", "rahasia123").await;
    let denied = app
        .request(
            "GET",
            "/api/v2/admin/summary",
            Auth::Bearer(&customer),
            None,
        )
        .await;
    assert_eq!(denied.status, StatusCode::FORBIDDEN, "{}", denied.text);
    assert_eq!(denied.body["code"], "forbidden");

    let cashier = app.token("kasir", "kasir12345").await;
    let denied = app
        .request("GET", "/api/v2/admin/summary", Auth::Bearer(&cashier), None)
        .await;
    assert_eq!(denied.status, StatusCode::FORBIDDEN);

    let admin = app.token("admin", "admin12345").await;
    let allowed = app
        .request("GET", "/api/v2/admin/summary", Auth::Bearer(&admin), None)
        .await;
    assert_eq!(allowed.status, StatusCode::OK, "{}", allowed.text);
    assert_eq!(allowed.body["customers"], 1);
    assert_eq!(allowed.body["active_staff"], 2);
}

#[sqlx::test(migrator = "billing::core::db::MIGRATOR")]
async fn a_customer_sees_only_their_own_account(pool: PgPool) {
    let app = TestApp::new(pool).await;
    let budi = app
        .register("Budi", "081234567801", "budi@example.com", "rahasia123")
        .await;
    let siti = app
        .register("Siti", "081234567802", "siti@example.com", "rahasia123")
        .await;
    let budi_token = app.token("budi@example.com", "rahasia123").await;
    let siti_token = app.token("siti@example.com", "rahasia123").await;
    let me = |token: String| {
        let app = &app;
        async move {
            app.request("GET", "/api/v2/auth/me", Auth::Bearer(&token), None)
                .await
        }
    };
    for (token, registered) in [(&budi_token, &budi), (&siti_token, &siti)] {
        let me = me(token.clone()).await;
        assert_eq!(me.status, StatusCode::OK, "{}", me.text);
        assert_eq!(me.body["id"], registered.body["id"]);
        assert_eq!(me.body["email"], registered.body["email"]);
    }
    assert_ne!(budi.body["id"], siti.body["id"]);

    // Budi's token altered to act as Siti. The server's own key signs the forgeries below, as if
    // it had leaked, so only the binding of a token's subject to its session can refuse them.
    let keys = billing::identity::token::TokenKeys::new(
        app.services
            .config
            .secrets
            .jwt_secret
            .expose_secret()
            .as_bytes(),
    );
    let claims = keys.verify(&budi_token).unwrap();
    let siti_claims = keys.verify(&siti_token).unwrap();
    assert_eq!(claims.sub, format!("customer:{}", budi.body["id"]));
    let sign = |sub: &str, sid: &str| keys.issue(sub.into(), sid.into(), claims.iat, claims.exp);
    let resigned = me(sign(&claims.sub, &claims.sid)).await;
    assert_eq!(
        (resigned.status, &resigned.body["id"]),
        (StatusCode::OK, &budi.body["id"]),
        "re-signing Budi's own claims changes nothing: {}",
        resigned.text
    );
    let part = |token: &str, i: usize| token.split('.').nth(i).unwrap().to_owned();
    for (what, forged) in [
        (
            "Siti's subject on Budi's session",
            sign(&siti_claims.sub, &claims.sid),
        ),
        (
            "Budi's subject on Siti's session",
            sign(&claims.sub, &siti_claims.sid),
        ),
        (
            "Budi's claims under Siti's signature",
            format!(
                "{}.{}.{}",
                part(&budi_token, 0),
                part(&budi_token, 1),
                part(&siti_token, 2)
            ),
        ),
        (
            "Siti's subject on Budi's session under another key",
            billing::identity::token::TokenKeys::new(b"another-secret-another-secret-xx").issue(
                siti_claims.sub.clone(),
                claims.sid.clone(),
                claims.iat,
                claims.exp,
            ),
        ),
    ] {
        let refused = me(forged).await;
        assert_eq!(
            refused.status,
            StatusCode::UNAUTHORIZED,
            "{what}: {}",
            refused.text
        );
        assert_eq!(refused.body["code"], "unauthenticated", "{what}");
    }
    // The genuine tokens still act as their owners only.
    assert_eq!(me(budi_token).await.body["id"], budi.body["id"]);
    assert_eq!(me(siti_token).await.body["id"], siti.body["id"]);
}

#[sqlx::test(migrator = "billing::core::db::MIGRATOR")]
async fn every_route_is_in_the_openapi_document(pool: PgPool) {
    let app = TestApp::new(pool).await;
    let doc = app
        .request("GET", "/api/v2/openapi.json", Auth::None, None)
        .await;
    assert_eq!(doc.status, StatusCode::OK);
    let paths = doc.body["paths"].as_object().unwrap();
    for (path, method) in [
        ("/api/v2/auth/register", "post"),
        ("/api/v2/auth/login", "post"),
        ("/api/v2/auth/logout", "post"),
        ("/api/v2/auth/me", "get"),
        ("/api/v2/admin/summary", "get"),
        ("/api/v2/openapi.json", "get"),
        ("/health", "get"),
        ("/rpc/{function}", "post"),
    ] {
        assert!(
            paths.get(path).and_then(|p| p.get(method)).is_some(),
            "{method} {path} is not documented"
        );
    }
    assert!(doc.body["components"]["securitySchemes"]["bearer"].is_object());
}

#[sqlx::test(migrator = "billing::core::db::MIGRATOR")]
async fn health_reports_database_and_redis_with_latency(pool: PgPool) {
    let app = TestApp::new(pool).await;
    let health = app.request("GET", "/health", Auth::None, None).await;
    assert_eq!(health.status, StatusCode::OK, "{}", health.text);
    assert_eq!(health.body["status"], "healthy");
    let checks = health.body["checks"].as_array().unwrap();
    for name in ["database", "redis"] {
        let check = checks.iter().find(|c| c["name"] == name).unwrap();
        assert_eq!(check["status"], "healthy");
        assert!(check["latency_ms"].as_f64().unwrap() >= 0.0);
    }
}

#[sqlx::test(migrator = "billing::core::db::MIGRATOR")]
async fn pages_check_the_role_before_rendering(pool: PgPool) {
    let app = TestApp::new(pool).await;
    app.register("Budi", "081234567801", "budi@example.com", "rahasia123")
        .await;
    app.create_staff("admin", "admin12345", Role::Admin).await;

    let anonymous = app.request("GET", "/admin", Auth::None, None).await;
    assert!(anonymous.status.is_redirection());
    assert_eq!(anonymous.headers[header::LOCATION], "/login");

    let customer = app
        .login("budi@example.com", "rahasia123")
        .await
        .session_cookie()
        .unwrap();
    let denied = app
        .request("GET", "/admin/routers", Auth::Cookie(&customer), None)
        .await;
    assert_eq!(denied.headers[header::LOCATION], "/forbidden");
    let home = app.request("GET", "/", Auth::Cookie(&customer), None).await;
    assert_eq!(home.headers[header::LOCATION], "/portal");

    let admin = app
        .login("admin", "admin12345")
        .await
        .session_cookie()
        .unwrap();
    let dashboard = app
        .request("GET", "/admin", Auth::Cookie(&admin), None)
        .await;
    assert_eq!(dashboard.status, StatusCode::OK);
    assert!(
        dashboard.text.contains("Dasbor"),
        "renders the Indonesian admin shell"
    );

    let login_page = app.request("GET", "/login", Auth::None, None).await;
    assert_eq!(login_page.status, StatusCode::OK);
    assert!(login_page.text.contains("Masuk"));
}

#[sqlx::test(migrator = "billing::core::db::MIGRATOR")]
async fn server_functions_answer_errors_with_4xx_statuses(pool: PgPool) {
    let app = TestApp::new(pool).await;
    app.create_staff("admin", "admin12345", Role::Admin).await;
    use leptos::server_fn::ServerFn;
    let login = app::auth::Login::PATH;
    let register = app::auth::Register::PATH;
    let dashboard = app::pages::admin::DashboardSummary::PATH;
    let rpc = |uri: &str, body: &str| {
        axum::http::Request::post(uri.to_owned())
            .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
            .header(header::ACCEPT, "application/json")
            .body(axum::body::Body::from(body.to_owned()))
            .unwrap()
    };

    let wrong = app.send(rpc(login, "username=admin&password=nope")).await;
    assert_eq!(wrong.status, StatusCode::UNAUTHORIZED, "{}", wrong.text);
    assert!(wrong.text.contains("InvalidCredentials"), "{}", wrong.text);

    let missing = app.send(rpc(login, "username=admin")).await;
    assert_eq!(missing.status, StatusCode::BAD_REQUEST, "{}", missing.text);

    let invalid = app
        .send(rpc(
            register,
            "name=A&whatsapp=123&email=a%40example.com&password=rahasia123",
        ))
        .await;
    assert_eq!(
        invalid.status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "{}",
        invalid.text
    );
    assert!(
        invalid.text.contains("whatsapp_not_indonesian_mobile"),
        "{}",
        invalid.text
    );

    let anonymous = app.send(rpc(dashboard, "")).await;
    assert_eq!(
        anonymous.status,
        StatusCode::UNAUTHORIZED,
        "{}",
        anonymous.text
    );

    // A server-function client (it accepts JSON) is not redirected by the status: the answer is
    // 200 with the admin's home in `Location` and the header the client redirects on.
    let ok = app
        .send(rpc(login, "username=admin&password=admin12345"))
        .await;
    assert_eq!(ok.status, StatusCode::OK, "{}", ok.text);
    assert_eq!(ok.headers[header::LOCATION], "/admin");
    assert!(
        ok.headers.contains_key("serverfnredirect"),
        "{:?}",
        ok.headers
    );
    let cookie = ok
        .session_cookie()
        .expect("the login starts a cookie session");
    let me = app
        .request("GET", "/api/v2/auth/me", Auth::Cookie(&cookie), None)
        .await;
    assert_eq!(me.body["username"], "admin", "{}", me.text);
}
