//! `/api/v2/plans` and `/api/v2/vouchers` against a simulated router, with the outbox drained
//! the way the background worker does it.

use crate::support;

use axum::http::StatusCode;
use domain::Role;
use routeros::sim::Simulator;
use serde_json::json;
use sqlx::PgPool;
use support::{Auth, TestApp, drain, site};

struct Setup {
    app: TestApp,
    admin: String,
    plan_id: i64,
    router_id: i64,
    sim: Simulator,
}

async fn setup(pool: PgPool) -> Setup {
    let app = TestApp::new(pool).await;
    app.create_staff("admin", "admin12345", Role::Admin).await;
    let admin = app.token("admin", "admin12345").await;
    let site = site(&app, &admin).await;
    Setup {
        app,
        admin,
        plan_id: site.plan_id,
        router_id: site.router_id,
        sim: site.sim,
    }
}

#[sqlx::test(migrator = "billing::core::db::MIGRATOR")]
async fn a_batch_is_created_and_its_progress_followed(pool: PgPool) {
    let s = setup(pool).await;
    let created = s
        .app
        .request(
            "POST",
            "/api/v2/vouchers/batch",
            Auth::Bearer(&s.admin),
            Some(json!({"plan_id": s.plan_id, "quantity": 50, "prefix": "HS", "password_mode": "separate"})),
        )
        .await;
    assert_eq!(created.status, StatusCode::CREATED, "{}", created.text);
    let vouchers = created.body["vouchers"].as_array().unwrap();
    assert_eq!(vouchers.len(), 50);
    assert!(
        vouchers
            .iter()
            .all(|v| v["code"].as_str().unwrap().starts_with("HS") && v["password"] != v["code"])
    );
    let batch_id = created.body["batch_id"].as_i64().unwrap();
    let uri = format!("/api/v2/vouchers/batches/{batch_id}");

    let before = s
        .app
        .request("GET", &uri, Auth::Bearer(&s.admin), None)
        .await;
    assert_eq!(
        (
            before.body["pending"].as_i64(),
            before.body["pushed"].as_i64()
        ),
        (Some(50), Some(0))
    );
    drain(&s.app).await;
    let after = s
        .app
        .request("GET", &uri, Auth::Bearer(&s.admin), None)
        .await;
    assert_eq!(
        (
            after.body["pending"].as_i64(),
            after.body["pushed"].as_i64()
        ),
        (Some(0), Some(50))
    );
    assert_eq!(
        s.sim
            .hotspot_users()
            .iter()
            .filter(|u| u.get("name").is_some_and(|n| n.starts_with("HS")))
            .count(),
        50
    );

    let listed = s
        .app
        .request(
            "GET",
            &format!("/api/v2/vouchers?batch_id={batch_id}&limit=10"),
            Auth::Bearer(&s.admin),
            None,
        )
        .await;
    assert_eq!(listed.body.as_array().unwrap().len(), 10);
    let batches = s
        .app
        .request(
            "GET",
            "/api/v2/vouchers/batches",
            Auth::Bearer(&s.admin),
            None,
        )
        .await;
    assert_eq!(batches.body[0]["pushed"], 50);

    let first = vouchers[0]["id"].as_i64().unwrap();
    let deleted = s
        .app
        .request(
            "DELETE",
            &format!("/api/v2/vouchers/{first}"),
            Auth::Bearer(&s.admin),
            None,
        )
        .await;
    assert_eq!(deleted.status, StatusCode::NO_CONTENT);
    drain(&s.app).await;
    assert_eq!(
        s.sim
            .hotspot_users()
            .iter()
            .filter(|u| u.get("name").is_some_and(|n| n.starts_with("HS")))
            .count(),
        49
    );
    let missing = s
        .app
        .request(
            "DELETE",
            "/api/v2/vouchers/999999",
            Auth::Bearer(&s.admin),
            None,
        )
        .await;
    assert_eq!(missing.status, StatusCode::NOT_FOUND);

    let synced = s
        .app
        .request(
            "POST",
            &format!("/api/v2/routers/{}/sync-profiles", s.router_id),
            Auth::Bearer(&s.admin),
            None,
        )
        .await;
    assert_eq!(synced.status, StatusCode::OK, "{}", synced.text);
    assert!(synced.body["hotspot_profiles"].as_u64().unwrap() >= 1);
}

#[sqlx::test(migrator = "billing::core::db::MIGRATOR")]
async fn bad_batches_and_plans_get_reasons_and_cashiers_are_refused(pool: PgPool) {
    let s = setup(pool.clone()).await;
    for (body, field) in [
        (json!({"plan_id": s.plan_id, "quantity": 0}), "quantity"),
        (json!({"plan_id": s.plan_id, "quantity": 10001}), "quantity"),
        (json!({"plan_id": 424242, "quantity": 5}), "plan_id"),
        (
            json!({"plan_id": s.plan_id, "quantity": 5, "code_length": 40}),
            "code_length",
        ),
    ] {
        let response = s
            .app
            .request(
                "POST",
                "/api/v2/vouchers/batch",
                Auth::Bearer(&s.admin),
                Some(body),
            )
            .await;
        assert_eq!(
            response.status,
            StatusCode::UNPROCESSABLE_ENTITY,
            "{field}: {}",
            response.text
        );
        assert_eq!(response.body["field"], field);
    }
    let wrong_type = s
        .app
        .request(
            "POST",
            "/api/v2/vouchers/batch",
            Auth::Bearer(&s.admin),
            Some(json!({"plan_id": "x"})),
        )
        .await;
    assert_eq!(wrong_type.status, StatusCode::UNPROCESSABLE_ENTITY);
    for (patch, field) in [
        (json!({"price": -1}), "price"),
        (json!({"validity": "soon"}), "validity"),
        (json!({"profile": "bad profile"}), "profile"),
        (json!({"router_id": 999}), "router_id"),
    ] {
        let mut body = json!({"router_id": s.router_id, "name": "X", "price": 1000, "validity": "3h", "profile": "p"});
        for (k, v) in patch.as_object().unwrap() {
            body[k] = v.clone();
        }
        let response = s
            .app
            .request("POST", "/api/v2/plans", Auth::Bearer(&s.admin), Some(body))
            .await;
        assert_eq!(
            response.status,
            StatusCode::UNPROCESSABLE_ENTITY,
            "{field}: {}",
            response.text
        );
        assert_eq!(response.body["field"], field);
    }
    let duplicate = s
        .app
        .request(
            "POST",
            "/api/v2/plans",
            Auth::Bearer(&s.admin),
            Some(json!({"router_id": s.router_id, "name": "1 Hari", "price": 1, "validity": "1d", "profile": "p"})),
        )
        .await;
    assert_eq!(duplicate.status, StatusCode::CONFLICT);

    s.app.create_staff("kasir", "kasir12345", Role::Staff).await;
    let cashier = s.app.token("kasir", "kasir12345").await;
    let refused = s
        .app
        .request(
            "POST",
            "/api/v2/vouchers/batch",
            Auth::Bearer(&cashier),
            Some(json!({"plan_id": s.plan_id, "quantity": 1})),
        )
        .await;
    assert_eq!(refused.status, StatusCode::FORBIDDEN);
    let plans = s
        .app
        .request("GET", "/api/v2/plans", Auth::Bearer(&cashier), None)
        .await;
    assert_eq!(
        plans.status,
        StatusCode::OK,
        "cashiers see plans to sell them"
    );

    let count: i64 = sqlx::query_scalar("SELECT count(*) FROM vouchers")
        .fetch_one(&pool)
        .await
        .unwrap();
    assert_eq!(count, 0);
}

#[sqlx::test(migrator = "billing::core::db::MIGRATOR")]
async fn editing_a_plan_updates_its_profile_on_the_router_and_keeps_old_prices(pool: PgPool) {
    let s = setup(pool.clone()).await;
    let made = s
        .app
        .request(
            "POST",
            "/api/v2/vouchers/batch",
            Auth::Bearer(&s.admin),
            Some(json!({"plan_id": s.plan_id, "quantity": 3})),
        )
        .await;
    assert_eq!(made.status, StatusCode::CREATED);
    drain(&s.app).await;

    let uri = format!("/api/v2/plans/{}", s.plan_id);
    let edited = s
        .app
        .request(
            "PUT",
            &uri,
            Auth::Bearer(&s.admin),
            Some(json!({"router_id": s.router_id, "name": "1 Hari Plus", "price": 6000, "validity": "1d",
                        "profile": "voucher-1d", "rate_limit": "4M/8M", "shared_users": 2})),
        )
        .await;
    assert_eq!(edited.status, StatusCode::OK, "{}", edited.text);
    assert_eq!(
        (edited.body["name"].as_str(), edited.body["price"].as_i64()),
        (Some("1 Hari Plus"), Some(6000))
    );
    drain(&s.app).await;
    let profile = s
        .sim
        .hotspot_user_profiles()
        .into_iter()
        .find(|p| p.get("name") == Some("voucher-1d"))
        .unwrap();
    assert_eq!(
        (profile.get("rate-limit"), profile.get("shared-users")),
        (Some("4M/8M"), Some("2"))
    );
    let prices: Vec<i64> = sqlx::query_scalar("SELECT price FROM vouchers")
        .fetch_all(&pool)
        .await
        .unwrap();
    assert!(
        prices.iter().all(|p| *p == 5000),
        "vouchers already made keep their price"
    );

    let missing = s
        .app
        .request(
            "PUT",
            "/api/v2/plans/999999",
            Auth::Bearer(&s.admin),
            Some(json!({"router_id": s.router_id, "name": "X", "price": 1, "validity": "1d", "profile": "p"})),
        )
        .await;
    assert_eq!(missing.status, StatusCode::NOT_FOUND);
}

#[sqlx::test(migrator = "billing::core::db::MIGRATOR")]
async fn a_plan_switched_off_makes_no_batches_until_switched_on(pool: PgPool) {
    let s = setup(pool.clone()).await;
    let uri = format!("/api/v2/plans/{}/active", s.plan_id);
    s.app.create_staff("kasir", "kasir12345", Role::Staff).await;
    let cashier = s.app.token("kasir", "kasir12345").await;
    let refused = s
        .app
        .request(
            "PUT",
            &uri,
            Auth::Bearer(&cashier),
            Some(json!({"active": false})),
        )
        .await;
    assert_eq!(refused.status, StatusCode::FORBIDDEN);

    let off = s
        .app
        .request(
            "PUT",
            &uri,
            Auth::Bearer(&s.admin),
            Some(json!({"active": false})),
        )
        .await;
    assert_eq!(off.status, StatusCode::OK, "{}", off.text);
    assert_eq!(off.body["active"], false);
    let batch = json!({"plan_id": s.plan_id, "quantity": 1});
    let refused = s
        .app
        .request(
            "POST",
            "/api/v2/vouchers/batch",
            Auth::Bearer(&s.admin),
            Some(batch.clone()),
        )
        .await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(refused.body["code"], "plan_inactive");

    let on = s
        .app
        .request(
            "PUT",
            &uri,
            Auth::Bearer(&s.admin),
            Some(json!({"active": true})),
        )
        .await;
    assert_eq!(on.body["active"], true);
    let made = s
        .app
        .request(
            "POST",
            "/api/v2/vouchers/batch",
            Auth::Bearer(&s.admin),
            Some(batch),
        )
        .await;
    assert_eq!(made.status, StatusCode::CREATED, "{}", made.text);

    let missing = s
        .app
        .request(
            "PUT",
            "/api/v2/plans/999999/active",
            Auth::Bearer(&s.admin),
            Some(json!({"active": false})),
        )
        .await;
    assert_eq!(missing.status, StatusCode::NOT_FOUND);
    let bad = s
        .app
        .request(
            "PUT",
            &uri,
            Auth::Bearer(&s.admin),
            Some(json!({"active": "maybe"})),
        )
        .await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", bad.text);
    assert_eq!(bad.body["code"], "invalid_body", "{}", bad.text);
    let plan = s
        .app
        .request("GET", "/api/v2/plans", Auth::Bearer(&s.admin), None)
        .await;
    assert_eq!(
        plan.body[0]["active"], true,
        "a refused body leaves the plan as it was"
    );
}

#[sqlx::test(migrator = "billing::core::db::MIGRATOR")]
async fn a_pppoe_plan_is_created_through_the_same_route(pool: PgPool) {
    let s = setup(pool).await;
    let created = s
        .app
        .request(
            "POST",
            "/api/v2/plans",
            Auth::Bearer(&s.admin),
            Some(
                json!({"kind": "pppoe", "router_id": s.router_id, "name": "Rumah 20 Mbps",
                        "price": 200000, "profile": "pppoe-20m", "rate_limit": "10M/20M"}),
            ),
        )
        .await;
    assert_eq!(created.status, StatusCode::CREATED, "{}", created.text);
    assert_eq!(created.body["kind"], "pppoe");
    assert_eq!(created.body["validity"], serde_json::Value::Null);
    assert_eq!(created.body["price"], 200000);
    drain(&s.app).await;
    let profile = s
        .sim
        .ppp_profiles()
        .into_iter()
        .find(|p| p.get("name") == Some("pppoe-20m"))
        .expect("the profile is on the router");
    assert_eq!(profile.get("rate-limit"), Some("10M/20M"));

    // Hotspot settings on a PPPoE plan are refused with a reason, and nothing is made.
    let refused = s
        .app
        .request(
            "POST",
            "/api/v2/plans",
            Auth::Bearer(&s.admin),
            Some(
                json!({"kind": "pppoe", "router_id": s.router_id, "name": "Salah",
                        "price": 1, "profile": "x", "validity": "30d"}),
            ),
        )
        .await;
    assert_eq!(
        refused.status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "{}",
        refused.text
    );
    assert_eq!(refused.body["code"], "pppoe_plan_field");
    assert_eq!(refused.body["field"], "validity");
    // A batch of a PPPoE plan is refused too.
    let plan_id = created.body["id"].as_i64().unwrap();
    let batch = s
        .app
        .request(
            "POST",
            "/api/v2/vouchers/batch",
            Auth::Bearer(&s.admin),
            Some(json!({"plan_id": plan_id, "quantity": 5})),
        )
        .await;
    assert_eq!(
        batch.status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "{}",
        batch.text
    );
    assert_eq!(batch.body["code"], "plan_not_hotspot");
    // Hotspot plans are still created as before, without a kind.
    let listed = s
        .app
        .request("GET", "/api/v2/plans", Auth::Bearer(&s.admin), None)
        .await;
    let kinds: Vec<&str> = listed
        .body
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["kind"].as_str().unwrap())
        .collect();
    assert!(
        kinds.contains(&"hotspot") && kinds.contains(&"pppoe"),
        "{kinds:?}"
    );
}
