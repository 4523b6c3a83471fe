//! `/api/v2/sales` and `/api/v2/reports` against a simulated router: selling at the counter with
//! request keys, who may sell and report, refused sales, and reports that add up.

use crate::support;

use axum::http::{StatusCode, header};
use domain::Role;
use routeros::sim::Simulator;
use serde_json::{Value, json};
use sqlx::PgPool;
use support::{Auth, HOTSPOT_LOGIN_URL, Response, TestApp, create_plan, drain, site};
use uuid::Uuid;

struct Setup {
    app: TestApp,
    admin: String,
    cashier: String,
    router_id: i64,
    plan_id: i64,
    _sim: Simulator,
}

async fn setup(pool: PgPool) -> Setup {
    let app = TestApp::new(pool).await;
    app.create_staff("admin", "admin12345", Role::Admin).await;
    app.create_staff("kasir", "kasir12345", Role::Staff).await;
    let admin = app.token("admin", "admin12345").await;
    let cashier = app.token("kasir", "kasir12345").await;
    let site = site(&app, &admin).await;
    Setup {
        app,
        admin,
        cashier,
        router_id: site.router_id,
        plan_id: site.plan_id,
        _sim: site.sim,
    }
}

async fn sell(app: &TestApp, auth: Auth<'_>, body: Value) -> Response {
    app.request("POST", "/api/v2/sales", auth, Some(body)).await
}

/// A new tap on the sales screen: a fresh request key.
fn tap(plan_id: i64) -> Value {
    json!({"plan_id": plan_id, "request_key": Uuid::new_v4()})
}

async fn count(pool: &PgPool, sql: &'static str) -> i64 {
    sqlx::query_scalar(sql).fetch_one(pool).await.unwrap()
}

#[sqlx::test(migrator = "billing::core::db::MIGRATOR")]
async fn a_cashier_sells_and_the_same_request_key_returns_the_same_sale(pool: PgPool) {
    let s = setup(pool.clone()).await;
    let key = Uuid::new_v4();
    let body =
        json!({"plan_id": s.plan_id, "request_key": key, "customer_whatsapp": "0812-3456-7890"});

    let sold = sell(&s.app, Auth::Bearer(&s.cashier), body.clone()).await;
    assert_eq!(sold.status, StatusCode::CREATED, "{}", sold.text);
    let sale = &sold.body;
    let code = sale["code"].as_str().unwrap();
    assert!(!code.is_empty());
    assert_eq!(sale["password"], code, "sold vouchers log in with the code");
    assert_eq!(
        sale["login_url"],
        format!("{HOTSPOT_LOGIN_URL}?username={code}&password={code}")
    );
    assert_eq!(sale["plan"], json!({"id": s.plan_id, "name": "1 Hari"}));
    assert_eq!(sale["router"]["id"], s.router_id);
    assert_eq!(sale["price"], 5_000);
    assert_eq!(sale["cashier"]["name"], "Test Staff");
    assert_eq!(sale["customer_whatsapp"], "6281234567890");
    assert_eq!(
        sale["router_state"], "pushed",
        "without stock the voucher is made and pushed before the answer"
    );
    assert_eq!(sale["replayed"], false);
    assert!(sale["sold_at"].is_string());

    // The same tap again, this time through the browser's cookie session of the same cashier.
    let cookie = s
        .app
        .login("kasir", "kasir12345")
        .await
        .session_cookie()
        .unwrap();
    let again = sell(&s.app, Auth::Cookie(&cookie), body.clone()).await;
    assert_eq!(again.status, StatusCode::OK, "{}", again.text);
    assert_eq!(again.body["replayed"], true);
    for field in [
        "id",
        "voucher_id",
        "code",
        "password",
        "login_url",
        "sold_at",
    ] {
        assert_eq!(again.body[field], sale[field], "{field}");
    }
    assert_eq!(count(&pool, "SELECT count(*) FROM voucher_sales").await, 1);
    assert_eq!(
        count(
            &pool,
            "SELECT count(*) FROM vouchers WHERE sold_at IS NOT NULL"
        )
        .await,
        1
    );
    assert_eq!(count(&pool, "SELECT count(*) FROM vouchers").await, 1);

    // The same key for another plan is a client's mistake, not a repeat: refused, nothing sold.
    let mut other_plan = body.clone();
    other_plan["plan_id"] = json!(s.plan_id + 1_000);
    let reused = sell(&s.app, Auth::Bearer(&s.cashier), other_plan).await;
    assert_eq!(reused.status, StatusCode::CONFLICT, "{}", reused.text);
    assert_eq!(reused.body["code"], "request_key_reused");
    assert_eq!(reused.body["field"], "request_key");
    assert_eq!(count(&pool, "SELECT count(*) FROM voucher_sales").await, 1);

    let uri = format!("/api/v2/sales/{}", sale["id"]);
    let receipt = s
        .app
        .request("GET", &uri, Auth::Bearer(&s.cashier), None)
        .await;
    assert_eq!(receipt.status, StatusCode::OK, "{}", receipt.text);
    assert_eq!(
        (&receipt.body["code"], &receipt.body["replayed"]),
        (&sale["code"], &json!(false))
    );
    let by_admin = s
        .app
        .request("GET", &uri, Auth::Bearer(&s.admin), None)
        .await;
    assert_eq!(by_admin.status, StatusCode::OK);
    s.app
        .create_staff("kasir2", "kasir12345", Role::Staff)
        .await;
    let other_cashier = s.app.token("kasir2", "kasir12345").await;
    let not_theirs = s
        .app
        .request("GET", &uri, Auth::Bearer(&other_cashier), None)
        .await;
    assert_eq!(not_theirs.status, StatusCode::NOT_FOUND);
    let missing = s
        .app
        .request("GET", "/api/v2/sales/999999", Auth::Bearer(&s.admin), None)
        .await;
    assert_eq!(missing.status, StatusCode::NOT_FOUND);
}

#[sqlx::test(migrator = "billing::core::db::MIGRATOR")]
async fn stock_sells_first_and_today_shows_a_cashier_their_own_sales(pool: PgPool) {
    let s = setup(pool.clone()).await;
    let batch = s
        .app
        .request(
            "POST",
            "/api/v2/vouchers/batch",
            Auth::Bearer(&s.admin),
            Some(json!({"plan_id": s.plan_id, "quantity": 2, "prefix": "ST"})),
        )
        .await;
    assert_eq!(batch.status, StatusCode::CREATED, "{}", batch.text);
    drain(&s.app).await;
    let plans = s
        .app
        .request("GET", "/api/v2/sales/plans", Auth::Bearer(&s.cashier), None)
        .await;
    assert_eq!(plans.status, StatusCode::OK, "{}", plans.text);
    assert_eq!(plans.body[0]["id"], s.plan_id);
    assert_eq!(plans.body[0]["stock"], 2);

    let first = sell(&s.app, Auth::Bearer(&s.cashier), tap(s.plan_id)).await;
    assert_eq!(first.status, StatusCode::CREATED, "{}", first.text);
    assert_eq!(first.body["code"], batch.body["vouchers"][0]["code"]);
    assert_eq!(first.body["router_state"], "pushed");
    let by_admin = sell(&s.app, Auth::Bearer(&s.admin), tap(s.plan_id)).await;
    assert_eq!(by_admin.status, StatusCode::CREATED, "admins sell too");
    assert_eq!(by_admin.body["code"], batch.body["vouchers"][1]["code"]);
    let plans = s
        .app
        .request("GET", "/api/v2/sales/plans", Auth::Bearer(&s.cashier), None)
        .await;
    assert_eq!(plans.body[0]["stock"], 0);

    let today = s
        .app
        .request("GET", "/api/v2/sales/today", Auth::Bearer(&s.cashier), None)
        .await;
    assert_eq!(today.status, StatusCode::OK, "{}", today.text);
    assert_eq!(
        (today.body["count"].as_i64(), today.body["total"].as_i64()),
        (Some(2), Some(10_000))
    );
    assert_eq!(today.body["cashiers"].as_array().unwrap().len(), 2);
    let latest = today.body["latest"].as_array().unwrap();
    assert_eq!(
        latest.len(),
        1,
        "a cashier lists their own sales: {latest:?}"
    );
    assert_eq!(latest[0]["code"], first.body["code"]);
    let everyone = s
        .app
        .request(
            "GET",
            "/api/v2/sales/today?limit=5",
            Auth::Bearer(&s.admin),
            None,
        )
        .await;
    assert_eq!(everyone.body["latest"].as_array().unwrap().len(), 2);
}

#[sqlx::test(migrator = "billing::core::db::MIGRATOR")]
async fn customers_cashiers_and_strangers_are_refused_what_is_not_theirs(pool: PgPool) {
    let s = setup(pool.clone()).await;
    let registered = s
        .app
        .register("Budi", "081234567801", "budi@example.com", "budi12345")
        .await;
    assert_eq!(
        registered.status,
        StatusCode::CREATED,
        "{}",
        registered.text
    );
    let customer = s.app.token("budi@example.com", "budi12345").await;
    let reports = [
        "/api/v2/reports/sales?from=2026-11-01&to=2026-11-30",
        "/api/v2/reports/sales.csv?from=2026-11-01&to=2026-11-30",
        "/api/v2/reports/sales.svg?from=2026-11-01&to=2026-11-30",
    ];
    let cashier_routes = [
        "/api/v2/sales/today",
        "/api/v2/sales/plans",
        "/api/v2/sales/1",
    ];

    for (auth, expected) in [
        (Auth::Bearer(&customer), StatusCode::FORBIDDEN),
        (Auth::None, StatusCode::UNAUTHORIZED),
    ] {
        let sold = sell(&s.app, auth, tap(s.plan_id)).await;
        assert_eq!(sold.status, expected, "{}", sold.text);
        for uri in cashier_routes.iter().chain(&reports) {
            let response = s.app.request("GET", uri, auth, None).await;
            assert_eq!(response.status, expected, "{uri}: {}", response.text);
            assert!(response.body["code"].is_string(), "{uri}: a JSON error");
        }
    }
    for uri in reports {
        let response = s
            .app
            .request("GET", uri, Auth::Bearer(&s.cashier), None)
            .await;
        assert_eq!(response.status, StatusCode::FORBIDDEN, "{uri}");
    }
    assert_eq!(count(&pool, "SELECT count(*) FROM voucher_sales").await, 0);
    assert_eq!(count(&pool, "SELECT count(*) FROM vouchers").await, 0);
}

#[sqlx::test(migrator = "billing::core::db::MIGRATOR")]
async fn bad_sales_get_a_reason_and_write_nothing(pool: PgPool) {
    let s = setup(pool.clone()).await;
    let jobs_before = count(&pool, "SELECT count(*) FROM router_jobs").await;
    let key = Uuid::new_v4();
    for (body, field, code) in [
        (
            json!({"plan_id": s.plan_id, "request_key": key, "customer_whatsapp": "12345"}),
            Some("customer_whatsapp"),
            None,
        ),
        (
            json!({"plan_id": 424242, "request_key": key}),
            Some("plan_id"),
            Some("plan_not_found"),
        ),
        (
            json!({"plan_id": s.plan_id, "request_key": "not-a-uuid"}),
            None,
            Some("invalid_body"),
        ),
        (json!({"plan_id": s.plan_id}), None, Some("invalid_body")),
    ] {
        let response = sell(&s.app, Auth::Bearer(&s.cashier), body.clone()).await;
        assert_eq!(
            response.status,
            StatusCode::UNPROCESSABLE_ENTITY,
            "{body}: {}",
            response.text
        );
        assert_eq!(response.body["field"].as_str(), field, "{body}");
        let got = response.body["code"].as_str().unwrap();
        assert!(
            !got.is_empty() && code.is_none_or(|c| c == got),
            "{body}: {got}"
        );
        assert!(response.body["error"].is_string());
    }
    sqlx::query("UPDATE plans SET active = FALSE WHERE id = $1")
        .bind(s.plan_id)
        .execute(&pool)
        .await
        .unwrap();
    let inactive = sell(&s.app, Auth::Bearer(&s.cashier), tap(s.plan_id)).await;
    assert_eq!(inactive.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(
        (
            inactive.body["field"].as_str(),
            inactive.body["code"].as_str()
        ),
        (Some("plan_id"), Some("plan_inactive"))
    );

    assert_eq!(count(&pool, "SELECT count(*) FROM voucher_sales").await, 0);
    assert_eq!(count(&pool, "SELECT count(*) FROM vouchers").await, 0);
    assert_eq!(
        count(&pool, "SELECT count(*) FROM router_jobs").await,
        jobs_before
    );
}

#[sqlx::test(migrator = "billing::core::db::MIGRATOR")]
async fn the_report_adds_up_to_the_sales_and_exports_them(pool: PgPool) {
    let s = setup(pool.clone()).await;
    let weekly = create_plan(&s.app, &s.admin, s.router_id, "1 Minggu", 25_000).await;
    drain(&s.app).await;
    s.app
        .create_staff("kasir2", "kasir12345", Role::Staff)
        .await;
    let second_cashier = s.app.token("kasir2", "kasir12345").await;
    for i in 0..9 {
        let cashier = if i % 3 == 0 {
            &s.admin
        } else if i % 3 == 1 {
            &s.cashier
        } else {
            &second_cashier
        };
        let plan_id = if i % 2 == 0 { s.plan_id } else { weekly };
        let sold = sell(&s.app, Auth::Bearer(cashier), tap(plan_id)).await;
        assert_eq!(sold.status, StatusCode::CREATED, "{}", sold.text);
    }
    // Spread the sales over three local days (Asia/Jakarta, UTC+7): the 10th, the 11th (00:30
    // local is still the 10th in UTC) and the 12th, which is outside the period asked for.
    sqlx::query(
        "UPDATE voucher_sales SET sold_at = CASE id % 3
             WHEN 0 THEN TIMESTAMPTZ '2026-11-10 09:00+07'
             WHEN 1 THEN TIMESTAMPTZ '2026-11-11 00:30+07'
             ELSE TIMESTAMPTZ '2026-11-12 10:00+07' END",
    )
    .execute(&pool)
    .await
    .unwrap();
    let (count_in_period, revenue_in_period, plans_in_period, cashiers_in_period): (
        i64,
        i64,
        i64,
        i64,
    ) = sqlx::query_as(
        "SELECT count(*), sum(price)::BIGINT, count(DISTINCT plan_id), count(DISTINCT cashier_id)
         FROM voucher_sales
         WHERE sold_at >= '2026-11-10 00:00+07' AND sold_at < '2026-11-12 00:00+07'",
    )
    .fetch_one(&pool)
    .await
    .unwrap();
    assert_eq!(count_in_period, 6);
    let query = "from=2026-11-10&to=2026-11-11";

    let report = s
        .app
        .request(
            "GET",
            &format!("/api/v2/reports/sales?{query}"),
            Auth::Bearer(&s.admin),
            None,
        )
        .await;
    assert_eq!(report.status, StatusCode::OK, "{}", report.text);
    let r = &report.body;
    assert_eq!(
        r["period"],
        json!({"from": "2026-11-10", "to": "2026-11-11"})
    );
    assert_eq!(
        (r["count"].as_i64(), r["revenue"].as_i64()),
        (Some(count_in_period), Some(revenue_in_period))
    );
    let sum = |groups: &Value, amount: &str| -> (i64, i64) {
        let groups = groups.as_array().unwrap();
        (
            groups.iter().map(|g| g["count"].as_i64().unwrap()).sum(),
            groups.iter().map(|g| g[amount].as_i64().unwrap()).sum(),
        )
    };
    for grouping in ["by_day", "by_plan", "by_cashier", "by_router"] {
        assert_eq!(
            sum(&r[grouping], "revenue"),
            (count_in_period, revenue_in_period),
            "{grouping}"
        );
    }
    assert_eq!(r["by_day"].as_array().unwrap().len(), 2);
    assert_eq!(
        r["by_plan"].as_array().unwrap().len() as i64,
        plans_in_period
    );
    assert_eq!(
        r["by_cashier"].as_array().unwrap().len() as i64,
        cashiers_in_period
    );
    assert!(cashiers_in_period > 1 && plans_in_period > 1);

    let csv = s
        .app
        .request(
            "GET",
            &format!("/api/v2/reports/sales.csv?{query}"),
            Auth::Bearer(&s.admin),
            None,
        )
        .await;
    assert_eq!(csv.status, StatusCode::OK, "{}", csv.text);
    assert_eq!(csv.headers[header::CONTENT_TYPE], "text/csv; charset=utf-8");
    assert_eq!(
        csv.headers[header::CONTENT_DISPOSITION],
        "attachment; filename=\"penjualan-2026-11-10-2026-11-11.csv\""
    );
    let lines: Vec<&str> = csv.text.lines().collect();
    assert_eq!(
        lines.len() as i64,
        1 + count_in_period,
        "a header and one line per sale"
    );
    assert!(lines[0].starts_with("sale_id,sold_at,router,plan,cashier,voucher_code,price"));
    let csv_revenue: i64 = lines[1..]
        .iter()
        .map(|l| l.split(',').nth(6).unwrap().parse::<i64>().unwrap())
        .sum();
    assert_eq!(csv_revenue, revenue_in_period);

    let chart = s
        .app
        .request(
            "GET",
            &format!("/api/v2/reports/sales.svg?{query}"),
            Auth::Bearer(&s.admin),
            None,
        )
        .await;
    assert_eq!(chart.status, StatusCode::OK);
    assert_eq!(chart.headers[header::CONTENT_TYPE], "image/svg+xml");
    assert!(chart.text.contains("<svg") && chart.text.contains("10/11"));

    for (uri, field) in [
        ("/api/v2/reports/sales?from=2026-11-11&to=2026-11-10", "to"),
        ("/api/v2/reports/sales.csv?to=2026-11-10", "from"),
        (
            "/api/v2/reports/sales.svg?from=kemarin&to=2026-11-10",
            "from",
        ),
        ("/api/v2/reports/sales?from=2025-01-01&to=2026-11-10", "to"),
    ] {
        let refused = s
            .app
            .request("GET", uri, Auth::Bearer(&s.admin), None)
            .await;
        assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY, "{uri}");
        assert_eq!(refused.body["field"], field, "{uri}");
    }
}

#[sqlx::test(migrator = "billing::core::db::MIGRATOR")]
async fn the_sales_routes_are_in_the_openapi_document(pool: PgPool) {
    let app = TestApp::new(pool).await;
    let doc = app
        .request("GET", "/api/v2/openapi.json", Auth::None, None)
        .await;
    let paths = doc.body["paths"].as_object().unwrap();
    for (path, method) in [
        ("/api/v2/sales", "post"),
        ("/api/v2/sales/{id}", "get"),
        ("/api/v2/sales/today", "get"),
        ("/api/v2/sales/plans", "get"),
        ("/api/v2/reports/sales", "get"),
        ("/api/v2/reports/sales.csv", "get"),
        ("/api/v2/reports/sales.svg", "get"),
    ] {
        let operation = &paths[path][method];
        assert_eq!(operation["tags"], json!(["sales"]), "{method} {path}");
    }
    let schemas = &doc.body["components"]["schemas"];
    for schema in [
        "Sale",
        "SaleRequest",
        "Today",
        "SaleablePlan",
        "SalesReport",
    ] {
        assert!(schemas[schema].is_object(), "{schema} is described");
    }
    assert_eq!(
        schemas["Sale"]["properties"]["router_state"]["$ref"],
        "#/components/schemas/RouterState"
    );
}

#[sqlx::test(migrator = "billing::core::db::MIGRATOR")]
async fn the_csv_export_keeps_names_from_running_as_formulas(pool: PgPool) {
    let s = setup(pool.clone()).await;
    let formula_plan = create_plan(
        &s.app,
        &s.admin,
        s.router_id,
        "=HYPERLINK(\"http://x\")",
        5_000,
    )
    .await;
    drain(&s.app).await;
    let sold = sell(&s.app, Auth::Bearer(&s.cashier), tap(formula_plan)).await;
    assert_eq!(sold.status, StatusCode::CREATED, "{}", sold.text);
    // Names typed elsewhere: a router renamed, a cashier's display name.
    sqlx::query("UPDATE routers SET name = '+cmd|'' /C calc''!A0'")
        .execute(&pool)
        .await
        .unwrap();
    sqlx::query("UPDATE staff_users SET name = '@SUM(A1)' WHERE username = 'kasir'")
        .execute(&pool)
        .await
        .unwrap();
    sqlx::query("UPDATE voucher_sales SET sold_at = TIMESTAMPTZ '2026-11-10 09:00+07'")
        .execute(&pool)
        .await
        .unwrap();

    let csv = s
        .app
        .request(
            "GET",
            "/api/v2/reports/sales.csv?from=2026-11-10&to=2026-11-10",
            Auth::Bearer(&s.admin),
            None,
        )
        .await;
    assert_eq!(csv.status, StatusCode::OK, "{}", csv.text);
    let mut reader = csv::Reader::from_reader(csv.text.as_bytes());
    let rows: Vec<csv::StringRecord> = reader.records().map(Result::unwrap).collect();
    assert_eq!(rows.len(), 1, "{}", csv.text);
    let row = &rows[0];
    assert_eq!(&row[2], "'+cmd|' /C calc'!A0", "router");
    assert_eq!(&row[3], "'=HYPERLINK(\"http://x\")", "plan");
    assert_eq!(&row[4], "'@SUM(A1)", "cashier");
    assert_eq!(&row[6], "5000", "the price stays a number");
    assert_eq!(row[0].parse::<i64>().ok(), sold.body["id"].as_i64());
}
