//! HTTP tests of `/api/v2/customers` and `/api/v2/invoices`: the worked example through the API,
//! idempotent payments, reversals, and who may do what (a customer never reaches these routes).

use crate::support;

use axum::http::StatusCode;
use domain::Role;
use serde_json::{Value, json};
use sqlx::PgPool;
use support::{Auth, TestApp};

async fn staff(app: &TestApp) -> (String, String) {
    app.create_staff("admin", "admin12345", Role::Admin).await;
    app.create_staff("kasir", "kasir12345", Role::Staff).await;
    (
        app.token("admin", "admin12345").await,
        app.token("kasir", "kasir12345").await,
    )
}

async fn post(app: &TestApp, token: &str, uri: &str, body: Value) -> support::Response {
    app.request("POST", uri, Auth::Bearer(token), Some(body))
        .await
}

#[sqlx::test(migrator = "billing::core::db::MIGRATOR")]
async fn an_operator_bills_and_collects_at_the_counter(pool: PgPool) {
    let app = TestApp::new(pool).await;
    let (admin, kasir) = staff(&app).await;
    let created = post(
        &app,
        &admin,
        "/api/v2/customers",
        json!({"name": "Budi Santoso", "whatsapp": "0812-3456-7890", "address": "Jl. Melati 7"}),
    )
    .await;
    assert_eq!(created.status, StatusCode::CREATED, "{}", created.text);
    assert_eq!(created.body["whatsapp"], "6281234567890");
    let customer = created.body["id"].as_i64().unwrap();
    let duplicate = post(
        &app,
        &admin,
        "/api/v2/customers",
        json!({"name": "Orang Lain", "whatsapp": "+6281234567890"}),
    )
    .await;
    assert_eq!(duplicate.status, StatusCode::CONFLICT, "{}", duplicate.text);
    assert_eq!(duplicate.body["code"], "whatsapp_taken");

    let a = post(
        &app,
        &admin,
        "/api/v2/invoices",
        json!({"customer_id": customer, "lines": [{"description": "Internet Desember", "amount": 100000}]}),
    )
    .await;
    assert_eq!(a.status, StatusCode::CREATED, "{}", a.text);
    assert_eq!(
        (a.body["status"].as_str(), a.body["total"].as_i64()),
        (Some("unpaid"), Some(100_000))
    );
    let a_id = a.body["id"].as_i64().unwrap();

    // The cashier takes 60,000 in cash; the same request sent twice pays once.
    let payment = json!({"amount": 60000, "method": "cash", "request_key": "counter-0001"});
    let paid = post(
        &app,
        &kasir,
        &format!("/api/v2/invoices/{a_id}/payments"),
        payment.clone(),
    )
    .await;
    assert_eq!(paid.status, StatusCode::CREATED, "{}", paid.text);
    assert_eq!(paid.body["invoice_status"], "partial");
    assert_eq!(paid.body["balance"], -40_000);
    let again = post(
        &app,
        &kasir,
        &format!("/api/v2/invoices/{a_id}/payments"),
        payment,
    )
    .await;
    assert_eq!(again.body["payment_id"], paid.body["payment_id"]);
    let reused = post(
        &app,
        &kasir,
        &format!("/api/v2/invoices/{a_id}/payments"),
        json!({"amount": 50000, "method": "cash", "request_key": "counter-0001"}),
    )
    .await;
    assert_eq!(reused.status, StatusCode::CONFLICT);
    assert_eq!(reused.body["code"], "request_key_reused");

    let b = post(
        &app,
        &admin,
        "/api/v2/invoices",
        json!({"customer_id": customer, "lines": [{"description": "Internet Januari", "amount": 50000}]}),
    )
    .await;
    assert_eq!(b.body["total"], 90_000, "{}", b.text);
    let b_id = b.body["id"].as_i64().unwrap();
    // More than is due becomes credit: an admin's to take (a cashier takes at most what is due),
    // and a transfer carries its bank reference.
    let paid = post(
        &app,
        &admin,
        &format!("/api/v2/invoices/{b_id}/payments"),
        json!({"amount": 100000, "method": "transfer", "request_key": "counter-0002",
               "reference": "BCA 0001"}),
    )
    .await;
    assert_eq!(
        (
            paid.body["invoice_status"].as_str(),
            paid.body["balance"].as_i64()
        ),
        (Some("paid"), Some(10_000))
    );

    let ledger = app
        .request(
            "GET",
            &format!("/api/v2/customers/{customer}/ledger"),
            Auth::Bearer(&kasir),
            None,
        )
        .await;
    assert_eq!(ledger.body["balance"], 10_000);
    let kinds: Vec<&str> = ledger.body["entries"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["kind"].as_str().unwrap())
        .collect();
    assert_eq!(kinds, ["excess", "debt_billed", "shortfall"]);

    // Only an admin reverses; the reversal takes the credit back and reopens the invoice.
    let payment_id = paid.body["payment_id"].as_i64().unwrap();
    let uri = format!("/api/v2/payments/{payment_id}/reverse");
    let refused = post(&app, &kasir, &uri, json!({"reason": "salah"})).await;
    assert_eq!(refused.status, StatusCode::FORBIDDEN);
    let reversed = post(
        &app,
        &admin,
        &uri,
        json!({"reason": "Transfer belum masuk"}),
    )
    .await;
    assert_eq!(reversed.status, StatusCode::OK, "{}", reversed.text);
    assert_eq!(
        (
            reversed.body["invoice_status"].as_str(),
            reversed.body["balance"].as_i64()
        ),
        (Some("unpaid"), Some(0))
    );

    let listed = app
        .request(
            "GET",
            &format!("/api/v2/invoices?customer_id={customer}&status=unpaid"),
            Auth::Bearer(&admin),
            None,
        )
        .await;
    assert_eq!(listed.status, StatusCode::OK, "{}", listed.text);
    assert_eq!(listed.body["invoices"].as_array().unwrap().len(), 1);
    assert_eq!(listed.body["total_outstanding"], 90_000);

    let adjusted = post(
        &app,
        &admin,
        &format!("/api/v2/customers/{customer}/adjustments"),
        json!({"amount": 0, "reason": "nol"}),
    )
    .await;
    assert_eq!(adjusted.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(adjusted.body["code"], "adjustment_amount");
    // The most negative number there is: refused, not a crash.
    let extreme = post(
        &app,
        &admin,
        &format!("/api/v2/customers/{customer}/adjustments"),
        json!({"amount": i64::MIN, "reason": "overflow"}),
    )
    .await;
    assert_eq!(
        extreme.status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "{}",
        extreme.text
    );
}

#[sqlx::test(migrator = "billing::core::db::MIGRATOR")]
async fn a_customer_reaches_no_customer_or_invoice_route(pool: PgPool) {
    let app = TestApp::new(pool).await;
    let (admin, kasir) = staff(&app).await;
    app.register("Siti", "081234567802", "siti@example.com", "rahasia123")
        .await;
    let siti = app.token("siti@example.com", "rahasia123").await;
    let created = post(
        &app,
        &admin,
        "/api/v2/customers",
        json!({"name": "Budi", "whatsapp": "081234567801"}),
    )
    .await;
    let budi = created.body["id"].as_i64().unwrap();
    let invoice = post(
        &app,
        &admin,
        "/api/v2/invoices",
        json!({"customer_id": budi, "lines": [{"description": "Internet", "amount": 100000}]}),
    )
    .await;
    let invoice_id = invoice.body["id"].as_i64().unwrap();
    for (method, uri, body) in [
        ("GET", "/api/v2/customers".to_owned(), None),
        ("GET", format!("/api/v2/customers/{budi}"), None),
        ("GET", format!("/api/v2/customers/{budi}/ledger"), None),
        ("GET", "/api/v2/invoices".to_owned(), None),
        ("GET", format!("/api/v2/invoices/{invoice_id}"), None),
        (
            "POST",
            format!("/api/v2/invoices/{invoice_id}/payments"),
            Some(json!({"amount": 1, "method": "cash", "request_key": "sneaky-0001"})),
        ),
    ] {
        let refused = app.request(method, &uri, Auth::Bearer(&siti), body).await;
        assert_eq!(
            refused.status,
            StatusCode::FORBIDDEN,
            "{method} {uri}: {}",
            refused.text
        );
    }
    // Cashiers look up and collect, but do not create customers or invoices.
    for (uri, body) in [
        (
            "/api/v2/customers",
            json!({"name": "X", "whatsapp": "081234567809"}),
        ),
        (
            "/api/v2/invoices",
            json!({"customer_id": budi, "lines": [{"description": "X", "amount": 1}]}),
        ),
    ] {
        assert_eq!(
            post(&app, &kasir, uri, body).await.status,
            StatusCode::FORBIDDEN,
            "{uri}"
        );
    }
    let found = app
        .request(
            "GET",
            "/api/v2/customers?q=budi",
            Auth::Bearer(&kasir),
            None,
        )
        .await;
    assert_eq!(found.body["customers"][0]["id"], budi, "{}", found.text);
}

#[sqlx::test(migrator = "billing::core::db::MIGRATOR")]
async fn a_customer_reads_only_their_own_papers_through_the_server_functions(pool: PgPool) {
    use leptos::server_fn::ServerFn;
    let app = TestApp::new(pool).await;
    let (admin, _) = staff(&app).await;
    let siti_account = app
        .register("Siti", "081234567802", "siti@example.com", "rahasia123")
        .await;
    let siti_id = siti_account.body["id"].as_i64().expect("registered");
    let budi = post(
        &app,
        &admin,
        "/api/v2/customers",
        json!({"name": "Budi Rahasia", "whatsapp": "081234567801"}),
    )
    .await
    .body["id"]
        .as_i64()
        .unwrap();
    let issue = |customer: i64, description: &'static str| {
        post(
            &app,
            &admin,
            "/api/v2/invoices",
            json!({"customer_id": customer, "lines": [{"description": description, "amount": 100000}]}),
        )
    };
    let budi_invoice = issue(budi, "Budi's line").await.body["id"]
        .as_i64()
        .unwrap();
    let siti_invoice = issue(siti_id, "Siti's line").await.body["id"]
        .as_i64()
        .unwrap();
    let budi_payment = post(
        &app,
        &admin,
        &format!("/api/v2/invoices/{budi_invoice}/payments"),
        json!({"amount": 60000, "method": "cash", "request_key": "budi-pays-0001"}),
    )
    .await
    .body["payment_id"]
        .as_i64()
        .unwrap();
    let siti = app
        .login("siti@example.com", "rahasia123")
        .await
        .session_cookie()
        .expect("a cookie session");

    // Her own invoice prints.
    let own = support::server_function(
        &app,
        app::pages::print::PrintedInvoice::PATH,
        &siti,
        &format!("invoice_id={siti_invoice}"),
    )
    .await;
    assert_eq!(own.status, StatusCode::OK, "{}", own.text);
    assert!(own.text.contains("Siti's line"), "{}", own.text);

    // Budi's invoice and receipt do not exist for her; his file is not hers to read.
    for (path, form) in [
        (
            app::pages::print::PrintedInvoice::PATH,
            format!("invoice_id={budi_invoice}"),
        ),
        (
            app::pages::print::PrintedReceipt::PATH,
            format!("payment_id={budi_payment}"),
        ),
        (
            app::pages::customers::CustomerFile::PATH,
            format!("customer_id={budi}"),
        ),
        (
            app::pages::customers::FindCustomers::PATH,
            "q=budi&status=".to_owned(),
        ),
        (
            app::pages::invoices::InvoiceBook::PATH,
            "status=&period=&overdue=false".to_owned(),
        ),
    ] {
        let refused = support::server_function(&app, path, &siti, &form).await;
        assert!(
            refused.status.is_client_error(),
            "{path}: {} {}",
            refused.status,
            refused.text
        );
        assert!(!refused.text.contains("Budi"), "{path}: {}", refused.text);
    }

    // Her portal lists her invoice only.
    let mine =
        support::server_function(&app, app::pages::portal::MyInvoices::PATH, &siti, "").await;
    assert_eq!(mine.status, StatusCode::OK, "{}", mine.text);
    assert!(mine.text.contains("Siti's line"), "{}", mine.text);
    assert!(!mine.text.contains("Budi"), "{}", mine.text);
}

#[sqlx::test(migrator = "billing::core::db::MIGRATOR")]
async fn a_new_portal_password_ends_the_customers_sessions(pool: PgPool) {
    use leptos::server_fn::ServerFn;
    let app = TestApp::new(pool).await;
    staff(&app).await;
    let siti = app
        .register("Siti", "081234567802", "siti@example.com", "rahasia123")
        .await
        .body["id"]
        .as_i64()
        .unwrap();
    let siti_cookie = app
        .login("siti@example.com", "rahasia123")
        .await
        .session_cookie()
        .unwrap();
    let siti_token = app.token("siti@example.com", "rahasia123").await;
    let admin = app
        .login("admin", "admin12345")
        .await
        .session_cookie()
        .unwrap();
    let me = |auth| app.request("GET", "/api/v2/auth/me", auth, None);
    assert_eq!(me(Auth::Cookie(&siti_cookie)).await.status, StatusCode::OK);

    // Too short: refused, nothing changes.
    let short = support::server_function(
        &app,
        app::pages::customers::SetPortalPassword::PATH,
        &admin,
        &format!("customer_id={siti}&password=short"),
    )
    .await;
    assert!(short.status.is_client_error(), "{}", short.text);
    assert!(short.text.contains("password_too_short"), "{}", short.text);
    assert_eq!(me(Auth::Cookie(&siti_cookie)).await.status, StatusCode::OK);

    let set = support::server_function(
        &app,
        app::pages::customers::SetPortalPassword::PATH,
        &admin,
        &format!("customer_id={siti}&password=baru-rahasia-1"),
    )
    .await;
    assert_eq!(set.status, StatusCode::OK, "{}", set.text);
    assert_eq!(
        me(Auth::Cookie(&siti_cookie)).await.status,
        StatusCode::UNAUTHORIZED
    );
    assert_eq!(
        me(Auth::Bearer(&siti_token)).await.status,
        StatusCode::UNAUTHORIZED
    );
    assert_eq!(
        app.login("siti@example.com", "rahasia123").await.status,
        StatusCode::UNAUTHORIZED
    );
    assert_eq!(
        app.login("siti@example.com", "baru-rahasia-1").await.status,
        StatusCode::OK
    );
}
