//! `/api/v2/subscriptions` and the routers' isolation and import routes, against a simulated
//! router, with the outbox drained the way the background worker does it.

use crate::support;

use axum::http::StatusCode;
use domain::Role;
use serde_json::{Value, json};
use sqlx::PgPool;
use support::{Auth, TestApp, drain, site};

/// A PPPoE plan at Rp 150.000 on `router_id` (profile `profile`, 5M/10M), made over the API.
async fn pppoe_plan(app: &TestApp, admin: &str, router_id: i64, name: &str, profile: &str) -> i64 {
    let plan = app
        .request(
            "POST",
            "/api/v2/plans",
            Auth::Bearer(admin),
            Some(
                json!({"kind": "pppoe", "router_id": router_id, "name": name, "price": 150000,
                         "profile": profile, "rate_limit": "5M/10M"}),
            ),
        )
        .await;
    assert_eq!(plan.status, StatusCode::CREATED, "{}", plan.text);
    plan.body["id"].as_i64().unwrap()
}

#[sqlx::test(migrator = "billing::core::db::MIGRATOR")]
async fn a_subscription_is_made_changed_isolated_and_closed_through_the_api(pool: PgPool) {
    let app = TestApp::new(pool).await;
    app.create_staff("admin", "admin12345", Role::Admin).await;
    app.create_staff("kasir", "kasir12345", Role::Staff).await;
    let admin = app.token("admin", "admin12345").await;
    let cashier = app.token("kasir", "kasir12345").await;
    let site = site(&app, &admin).await;
    let plan_10 = pppoe_plan(&app, &admin, site.router_id, "Rumah 10", "pppoe-10m").await;
    let plan_20 = pppoe_plan(&app, &admin, site.router_id, "Rumah 20", "pppoe-20m").await;
    let customer = app
        .request(
            "POST",
            "/api/v2/customers",
            Auth::Bearer(&admin),
            Some(json!({"name": "Budi Santoso", "whatsapp": "0812-3456-7801"})),
        )
        .await;
    let customer_id = customer.body["id"].as_i64().unwrap();

    let body = json!({"customer_id": customer_id, "plan_id": plan_10,
                      "pppoe_username": "budi", "billing_day": 5});
    let refused = app
        .request(
            "POST",
            "/api/v2/subscriptions",
            Auth::Bearer(&cashier),
            Some(body.clone()),
        )
        .await;
    assert_eq!(
        refused.status,
        StatusCode::FORBIDDEN,
        "cashiers do not subscribe customers"
    );
    let created = app
        .request(
            "POST",
            "/api/v2/subscriptions",
            Auth::Bearer(&admin),
            Some(body.clone()),
        )
        .await;
    assert_eq!(created.status, StatusCode::CREATED, "{}", created.text);
    assert_eq!(created.body["pppoe_username"], "budi");
    assert_eq!(created.body["billing_day"], 5);
    assert_eq!(created.body["status"], "active");
    assert_eq!(created.body["router_state"], "pending");
    let password = created.body["pppoe_password"].as_str().unwrap().to_owned();
    let id = created.body["id"].as_i64().unwrap();
    let again = app
        .request(
            "POST",
            "/api/v2/subscriptions",
            Auth::Bearer(&admin),
            Some(body),
        )
        .await;
    assert_eq!(again.status, StatusCode::CONFLICT);
    assert_eq!(again.body["code"], "pppoe_username_taken");
    let bad_day = app
        .request(
            "POST",
            "/api/v2/subscriptions",
            Auth::Bearer(&admin),
            Some(json!({"customer_id": customer_id, "plan_id": plan_10, "billing_day": 31})),
        )
        .await;
    assert_eq!(bad_day.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(bad_day.body["code"], "billing_day");
    let hotspot = app
        .request(
            "POST",
            "/api/v2/subscriptions",
            Auth::Bearer(&admin),
            Some(json!({"customer_id": customer_id, "plan_id": site.plan_id})),
        )
        .await;
    assert_eq!(hotspot.body["code"], "plan_not_pppoe", "{}", hotspot.text);

    drain(&app).await;
    let secret = site
        .sim
        .ppp_secrets()
        .into_iter()
        .find(|s| s.get("name") == Some("budi"))
        .expect("the secret is on the router");
    assert_eq!(secret.get("password"), Some(password.as_str()));
    assert_eq!(secret.get("profile"), Some("pppoe-10m"));
    let uri = format!("/api/v2/subscriptions/{id}");
    let read = app.request("GET", &uri, Auth::Bearer(&cashier), None).await;
    assert_eq!(read.body["router_state"], "synced");
    // The PPPoE password is the admins' (and its customer's), not the cashier's.
    assert_eq!(read.body["pppoe_password"], Value::Null, "{}", read.text);
    let by_admin = app.request("GET", &uri, Auth::Bearer(&admin), None).await;
    assert_eq!(by_admin.body["pppoe_password"], password.as_str());

    // Online now: the live session.
    site.sim.login_ppp_secret("budi").unwrap();
    let session = app
        .request("GET", &format!("{uri}/session"), Auth::Bearer(&admin), None)
        .await;
    assert_eq!(session.body["online"], true, "{}", session.text);

    let changed = app
        .request(
            "PUT",
            &uri,
            Auth::Bearer(&admin),
            Some(json!({"plan_id": plan_20})),
        )
        .await;
    assert_eq!(changed.body["plan_name"], "Rumah 20", "{}", changed.text);

    // The isolation profile of the router, then isolation by hand.
    let isolation = app
        .request(
            "PUT",
            &format!("/api/v2/routers/{}/isolation", site.router_id),
            Auth::Bearer(&admin),
            Some(json!({"isolation_profile": "default"})),
        )
        .await;
    assert_eq!(
        isolation.body["isolation_profile"], "default",
        "{}",
        isolation.text
    );
    let isolated = app
        .request(
            "POST",
            &format!("{uri}/isolate"),
            Auth::Bearer(&admin),
            None,
        )
        .await;
    assert_eq!(isolated.body["status"], "isolated", "{}", isolated.text);
    drain(&app).await;
    let secret = site
        .sim
        .ppp_secrets()
        .into_iter()
        .find(|s| s.get("name") == Some("budi"))
        .unwrap();
    assert_eq!(secret.get("profile"), Some("default"));
    assert!(site.sim.ppp_active().is_empty(), "the session was ended");

    let unknown = app
        .request("POST", &format!("{uri}/pause"), Auth::Bearer(&admin), None)
        .await;
    assert_eq!(unknown.status, StatusCode::BAD_REQUEST);
    let not_closed = app
        .request("DELETE", &uri, Auth::Bearer(&admin), None)
        .await;
    assert_eq!(not_closed.status, StatusCode::CONFLICT);
    assert_eq!(not_closed.body["code"], "subscription_not_closed");
    let closed = app
        .request("POST", &format!("{uri}/close"), Auth::Bearer(&admin), None)
        .await;
    assert_eq!(closed.body["status"], "closed");
    let resume = app
        .request("POST", &format!("{uri}/resume"), Auth::Bearer(&admin), None)
        .await;
    assert_eq!(resume.status, StatusCode::CONFLICT);
    assert_eq!(resume.body["code"], "subscription_transition");
    let deleted = app
        .request("DELETE", &uri, Auth::Bearer(&admin), None)
        .await;
    assert_eq!(deleted.status, StatusCode::NO_CONTENT);
    drain(&app).await;
    assert!(
        site.sim
            .ppp_secrets()
            .iter()
            .all(|s| s.get("name") != Some("budi"))
    );

    let listed = app
        .request(
            "GET",
            &format!("/api/v2/subscriptions?customer_id={customer_id}"),
            Auth::Bearer(&cashier),
            None,
        )
        .await;
    assert_eq!(listed.body["subscriptions"].as_array().unwrap().len(), 0);
}

#[sqlx::test(migrator = "billing::core::db::MIGRATOR")]
async fn a_routers_secrets_are_previewed_then_imported_once(pool: PgPool) {
    let app = TestApp::new(pool).await;
    app.create_staff("admin", "admin12345", Role::Admin).await;
    let admin = app.token("admin", "admin12345").await;
    let site = site(&app, &admin).await;
    let client = app.services.routers.client(site.router_id).await.unwrap();
    for (name, comment) in [
        ("rumah-1", "Ani 081234567811"),
        ("rumah-2", "Bayu 081234567812"),
    ] {
        client
            .ppp_secrets()
            .add(&routeros::NewPppSecret {
                name: name.into(),
                password: Some("rahasia1".into()),
                profile: Some("default".into()),
                comment: Some(comment.into()),
                ..Default::default()
            })
            .await
            .unwrap();
    }
    let uri = format!("/api/v2/routers/{}/ppp-import", site.router_id);
    let preview = app.request("GET", &uri, Auth::Bearer(&admin), None).await;
    assert_eq!(preview.status, StatusCode::OK, "{}", preview.text);
    assert_eq!(preview.body["candidates"].as_array().unwrap().len(), 2);
    let first = app
        .request("POST", &uri, Auth::Bearer(&admin), Some(json!({})))
        .await;
    assert_eq!(first.body["subscriptions_created"], 2, "{}", first.text);
    assert_eq!(first.body["customers_created"], 2);
    assert_eq!(first.body["plans_created"], 1);
    let second = app
        .request("POST", &uri, Auth::Bearer(&admin), Some(json!({})))
        .await;
    assert_eq!(second.body["subscriptions_created"], 0);
    let listed = app
        .request("GET", "/api/v2/subscriptions", Auth::Bearer(&admin), None)
        .await;
    assert_eq!(listed.body["subscriptions"].as_array().unwrap().len(), 2);
}

#[sqlx::test(migrator = "billing::core::db::MIGRATOR")]
async fn a_customer_sees_only_their_own_subscriptions(pool: PgPool) {
    use app::pages::subscriptions::server::{
        ActOnSubscription, AllSubscriptions, CustomerSubscriptions, MySubscriptions,
    };
    use leptos::server_fn::ServerFn;
    let app = TestApp::new(pool).await;
    app.create_staff("admin", "admin12345", Role::Admin).await;
    let admin = app.token("admin", "admin12345").await;
    let site = site(&app, &admin).await;
    let plan = pppoe_plan(&app, &admin, site.router_id, "Rumah", "pppoe-10m").await;
    let siti = app
        .register("Siti", "081234567802", "siti@example.com", "rahasia123")
        .await
        .body["id"]
        .as_i64()
        .unwrap();
    let budi = app
        .request(
            "POST",
            "/api/v2/customers",
            Auth::Bearer(&admin),
            Some(json!({"name": "Budi Rahasia", "whatsapp": "081234567801"})),
        )
        .await
        .body["id"]
        .as_i64()
        .unwrap();
    let mut ids = Vec::new();
    for (customer, username) in [(siti, "siti-rumah"), (budi, "budi-rahasia")] {
        let created = app
            .request(
                "POST",
                "/api/v2/subscriptions",
                Auth::Bearer(&admin),
                Some(json!({"customer_id": customer, "plan_id": plan, "pppoe_username": username})),
            )
            .await;
        ids.push(created.body["id"].as_i64().unwrap());
    }
    drain(&app).await;
    let cookie = app
        .login("siti@example.com", "rahasia123")
        .await
        .session_cookie()
        .expect("a cookie session");

    let mine = support::server_function(&app, MySubscriptions::PATH, &cookie, "").await;
    assert_eq!(mine.status, StatusCode::OK, "{}", mine.text);
    assert!(mine.text.contains("siti-rumah"), "{}", mine.text);
    assert!(!mine.text.contains("budi"), "{}", mine.text);
    // Her own PPPoE password is hers to see (to set up her router).
    assert!(mine.text.contains("\"pppoe_password\":\""), "{}", mine.text);
    for (path, form) in [
        (CustomerSubscriptions::PATH, format!("customer_id={budi}")),
        (AllSubscriptions::PATH, "status=".to_owned()),
        (
            ActOnSubscription::PATH,
            format!("subscription_id={}&action=suspend", ids[1]),
        ),
    ] {
        let refused = support::server_function(&app, path, &cookie, &form).await;
        assert!(
            refused.status.is_client_error(),
            "{path}: {} {}",
            refused.status,
            refused.text
        );
        assert!(!refused.text.contains("budi"), "{path}: {}", refused.text);
    }
    let budi_now = app
        .request(
            "GET",
            &format!("/api/v2/subscriptions/{}", ids[1]),
            Auth::Bearer(&admin),
            None,
        )
        .await;
    assert_eq!(budi_now.body["status"], "active", "nothing changed");
    let refused = app
        .request("GET", "/api/v2/subscriptions", Auth::Cookie(&cookie), None)
        .await;
    assert_eq!(refused.status, StatusCode::FORBIDDEN);
}

#[sqlx::test(migrator = "billing::core::db::MIGRATOR")]
async fn the_invoice_run_through_the_api_and_from_two_server_processes_at_once(pool: PgPool) {
    let database = pool
        .connect_options()
        .get_database()
        .expect("a test database")
        .to_owned();
    let app = TestApp::new(pool.clone()).await;
    app.create_staff("admin", "admin12345", Role::Admin).await;
    app.create_staff("kasir", "kasir12345", Role::Staff).await;
    let admin = app.token("admin", "admin12345").await;
    let cashier = app.token("kasir", "kasir12345").await;
    let site = site(&app, &admin).await;
    let plan = pppoe_plan(&app, &admin, site.router_id, "Rumah", "pppoe-10m").await;
    for n in 0..30 {
        let customer = app
            .request(
                "POST",
                "/api/v2/customers",
                Auth::Bearer(&admin),
                Some(json!({"name": format!("Pelanggan {n}"), "whatsapp": format!("08123456{n:04}")})),
            )
            .await;
        let created = app
            .request(
                "POST",
                "/api/v2/subscriptions",
                Auth::Bearer(&admin),
                Some(json!({"customer_id": customer.body["id"], "plan_id": plan,
                            "billing_day": 1, "start_date": "2026-12-01"})),
            )
            .await;
        assert_eq!(created.status, StatusCode::CREATED, "{}", created.text);
    }

    // Two server processes run it at the same moment on the same database.
    let base = std::env::var("DATABASE_URL").expect("DATABASE_URL");
    let url = format!("{}/{database}", &base[..base.rfind('/').unwrap()]);
    let spawn = || {
        let dir = tempfile::tempdir().unwrap();
        let child = tokio::process::Command::new(env!("CARGO_BIN_EXE_server"))
            .args(["invoice-run", "--date", "2026-12-01"])
            .env("APP_DATABASE__URL", &url)
            .env("APP_REDIS__URL", support::shared_redis_url())
            .env("APP_MODE", "development")
            .current_dir(dir.path())
            .kill_on_drop(true)
            .output();
        (dir, child)
    };
    let ((_a, first), (_b, second)) = (spawn(), spawn());
    let (first, second) = tokio::join!(first, second);
    let created: u64 = [first.unwrap(), second.unwrap()]
        .iter()
        .map(|out| {
            let text = String::from_utf8_lossy(&out.stdout).into_owned();
            assert!(
                out.status.success(),
                "{text} {}",
                String::from_utf8_lossy(&out.stderr)
            );
            text.split_whitespace()
                .find_map(|w| w.parse::<u64>().ok())
                .unwrap_or_else(|| panic!("{text}"))
        })
        .sum();
    assert_eq!(created, 30);
    let (invoices, distinct): (i64, i64) = sqlx::query_as(
        "SELECT count(*), count(DISTINCT (subscription_id, period_start)) FROM invoices",
    )
    .fetch_one(&pool)
    .await
    .unwrap();
    assert_eq!((invoices, distinct), (30, 30));

    // Through the API: admins only; a rerun makes nothing.
    let refused = app
        .request(
            "POST",
            "/api/v2/invoices/run",
            Auth::Bearer(&cashier),
            Some(json!({})),
        )
        .await;
    assert_eq!(refused.status, StatusCode::FORBIDDEN);
    let rerun = app
        .request(
            "POST",
            "/api/v2/invoices/run",
            Auth::Bearer(&admin),
            Some(json!({"date": "2026-12-01"})),
        )
        .await;
    assert_eq!(rerun.status, StatusCode::OK, "{}", rerun.text);
    assert_eq!(
        (
            rerun.body["created"].as_u64(),
            rerun.body["skipped"].as_u64()
        ),
        (Some(0), Some(0))
    );
    // A day after today is refused: invoices are never issued ahead of the calendar.
    let tomorrow = app.services.today() + chrono::Days::new(1);
    let ahead = app
        .request(
            "POST",
            "/api/v2/invoices/run",
            Auth::Bearer(&admin),
            Some(json!({"date": tomorrow.to_string()})),
        )
        .await;
    assert_eq!(
        ahead.status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "{}",
        ahead.text
    );
    assert_eq!(ahead.body["code"], "run_date");
}
