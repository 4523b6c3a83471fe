//! The money defects an auditor found, reproduced through the REST API as an operator would meet
//! them (issue 21): each test failed on the code before its fix. Dates are the business's today;
//! "overdue" is made by moving an invoice's due date back in the database.

use crate::support;

use axum::http::StatusCode;
use billing::Services;
use domain::Role;
use serde_json::{Value, json};
use sqlx::PgPool;
use support::{Auth, TestApp, site};

struct Shop {
    app: TestApp,
    admin: String,
    router_id: i64,
    _sim: routeros::sim::Simulator,
}

async fn shop(app: TestApp) -> Shop {
    app.create_staff("admin", "admin12345", Role::Admin).await;
    let admin = app.token("admin", "admin12345").await;
    let site = site(&app, &admin).await;
    Shop {
        router_id: site.router_id,
        _sim: site.sim,
        app,
        admin,
    }
}

impl Shop {
    async fn call(&self, method: &str, uri: &str, body: Option<Value>) -> support::Response {
        self.app
            .request(method, uri, Auth::Bearer(&self.admin), body)
            .await
    }

    async fn plan(&self, name: &str, price: i64) -> i64 {
        let plan = self
            .call(
                "POST",
                "/api/v2/plans",
                Some(json!({"kind": "pppoe", "router_id": self.router_id, "name": name,
                            "price": price, "profile": format!("p-{price}"), "rate_limit": "5M/10M"})),
            )
            .await;
        assert_eq!(plan.status, StatusCode::CREATED, "{}", plan.text);
        plan.body["id"].as_i64().unwrap()
    }

    async fn customer(&self, n: u32) -> i64 {
        let c = self
            .call(
                "POST",
                "/api/v2/customers",
                Some(json!({"name": format!("Pelanggan {n}"), "whatsapp": format!("0812{n:08}")})),
            )
            .await;
        assert_eq!(c.status, StatusCode::CREATED, "{}", c.text);
        c.body["id"].as_i64().unwrap()
    }

    /// A subscription starting today, billed on today's day of the month (the 28th at most), so
    /// that its next period is weeks away whatever the day the test runs.
    async fn subscribe(&self, customer: i64, plan: i64) -> i64 {
        use chrono::Datelike;
        let day = self.app.services.today().day().min(28);
        let s = self
            .call(
                "POST",
                "/api/v2/subscriptions",
                Some(json!({"customer_id": customer, "plan_id": plan, "billing_day": day})),
            )
            .await;
        assert_eq!(s.status, StatusCode::CREATED, "{}", s.text);
        s.body["id"].as_i64().unwrap()
    }

    async fn run(&self) -> support::Response {
        self.call("POST", "/api/v2/invoices/run", Some(json!({})))
            .await
    }

    async fn status_of(&self, subscription: i64) -> String {
        let s = self
            .call(
                "GET",
                &format!("/api/v2/subscriptions/{subscription}"),
                None,
            )
            .await;
        s.body["status"].as_str().unwrap().to_owned()
    }

    async fn balance(&self, customer: i64) -> i64 {
        sqlx::query_scalar("SELECT balance FROM customers WHERE id = $1")
            .bind(customer)
            .fetch_one(&self.app.services.pool)
            .await
            .unwrap()
    }

    async fn pay(&self, invoice: i64, amount: i64, key: &str) -> support::Response {
        self.call(
            "POST",
            &format!("/api/v2/invoices/{invoice}/payments"),
            Some(json!({"amount": amount, "method": "cash", "request_key": key})),
        )
        .await
    }

    /// An invoice of `total` for the customer, due `days` days ago.
    async fn overdue_invoice(&self, customer: i64, total: i64, days: i64) -> i64 {
        let i = self
            .call(
                "POST",
                "/api/v2/invoices",
                Some(json!({"customer_id": customer, "lines": [{"description": "Internet", "amount": total}]})),
            )
            .await;
        assert_eq!(i.status, StatusCode::CREATED, "{}", i.text);
        let id = i.body["id"].as_i64().unwrap();
        let due = self.app.services.today() - chrono::Days::new(days as u64);
        let pool = &self.app.services.pool;
        sqlx::query("UPDATE invoices SET due_date = $2 WHERE id = $1")
            .bind(id)
            .bind(due)
            .execute(pool)
            .await
            .unwrap();
        // Where it is recorded, it is owed from then too.
        let _ = sqlx::query("UPDATE invoices SET owed_since = $2 WHERE id = $1")
            .bind(id)
            .bind(due)
            .execute(pool)
            .await;
        id
    }

    async fn isolation_run(&self) {
        billing::ops::schedule::isolation_tick(&self.app.services)
            .await
            .unwrap();
    }
}

/// Rule 6: a day after today is refused (it issued 24 invoices per subscription for 2030).
#[sqlx::test(migrator = "billing::core::db::MIGRATOR")]
async fn the_run_refuses_a_day_after_today(pool: PgPool) {
    let shop = shop(TestApp::new(pool).await).await;
    let plan = shop.plan("Rumah", 100_000).await;
    let c = shop.customer(1).await;
    shop.subscribe(c, plan).await;
    let ahead = shop.app.services.today() + chrono::Days::new(400);
    let refused = shop
        .call(
            "POST",
            "/api/v2/invoices/run",
            Some(json!({"date": ahead.to_string()})),
        )
        .await;
    assert_eq!(
        refused.status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "{}",
        refused.text
    );
    assert_eq!(refused.body["field"], "date");
    let invoices: i64 = sqlx::query_scalar("SELECT count(*) FROM invoices")
        .fetch_one(&shop.app.services.pool)
        .await
        .unwrap();
    assert_eq!(invoices, 0, "nothing was issued");
}

/// Rule 2: two step-down changes in one period stopped every later run with a 500, for all
/// customers.
#[sqlx::test(migrator = "billing::core::db::MIGRATOR")]
async fn two_step_downs_in_a_period_stop_no_run(pool: PgPool) {
    let shop = shop(TestApp::new(pool).await).await;
    let big = shop.plan("Besar", 300_000).await;
    let mid = shop.plan("Sedang", 100_000).await;
    let small = shop.plan("Hemat", 10_000).await;
    let c = shop.customer(1).await;
    let sub = shop.subscribe(c, big).await;
    let other = shop.customer(2).await;
    let run = shop.run().await;
    assert_eq!(run.status, StatusCode::OK, "{}", run.text);
    for plan in [mid, small] {
        let changed = shop
            .call(
                "PUT",
                &format!("/api/v2/subscriptions/{sub}"),
                Some(json!({"plan_id": plan})),
            )
            .await;
        assert_eq!(changed.status, StatusCode::OK, "{}", changed.text);
    }
    // Another customer subscribes meanwhile: the next run bills them.
    shop.subscribe(other, mid).await;
    let run = shop.run().await;
    assert_eq!(run.status, StatusCode::OK, "{}", run.text);
    assert_eq!(run.body["failed"], json!([]), "{}", run.text);
    let billed: i64 = sqlx::query_scalar("SELECT count(*) FROM invoices WHERE customer_id = $1")
        .bind(other)
        .fetch_one(&shop.app.services.pool)
        .await
        .unwrap();
    assert_eq!(billed, 1, "the other customer is billed");
    // The step-down customer was billed the small plan for the days from today, and credited
    // the big plan's days: their balance is the difference, as credit.
    assert!(shop.balance(c).await > 0);
    let again = shop.run().await;
    assert_eq!(again.status, StatusCode::OK, "{}", again.text);
}

/// Rule 4: Rp 1 paid on an overdue invoice resumed an isolated subscriber while the debt grew.
#[sqlx::test(migrator = "billing::core::db::MIGRATOR")]
async fn a_partial_payment_resumes_nothing(pool: PgPool) {
    let shop = shop(TestApp::new(pool).await).await;
    let plan = shop.plan("Rumah", 100_000).await;
    let c = shop.customer(1).await;
    let sub = shop.subscribe(c, plan).await;
    let invoice = shop.overdue_invoice(c, 100_000, 10).await;
    shop.isolation_run().await;
    assert_eq!(shop.status_of(sub).await, "isolated");
    let paid = shop.pay(invoice, 1, "rupiah-satu-01").await;
    assert_eq!(paid.status, StatusCode::CREATED, "{}", paid.text);
    assert_eq!(paid.body["invoice_status"], "partial");
    assert_eq!(
        shop.status_of(sub).await,
        "isolated",
        "Rp 1 of Rp 100,000 resumes nothing"
    );
    // And the debt it left keeps them isolated on the next isolation run.
    shop.isolation_run().await;
    assert_eq!(shop.status_of(sub).await, "isolated");
}

/// Rule 5: voiding the overdue invoice left the subscription isolated, and a voided run invoice's
/// period could never be billed again.
#[sqlx::test(migrator = "billing::core::db::MIGRATOR")]
async fn a_void_leaves_things_as_if_never_issued(pool: PgPool) {
    let shop = shop(TestApp::new(pool).await).await;
    let plan = shop.plan("Rumah", 100_000).await;
    let c = shop.customer(1).await;
    let sub = shop.subscribe(c, plan).await;
    let run = shop.run().await;
    assert_eq!(run.body["created"], 1, "{}", run.text);
    let first: i64 = sqlx::query_scalar("SELECT id FROM invoices WHERE subscription_id = $1")
        .bind(sub)
        .fetch_one(&shop.app.services.pool)
        .await
        .unwrap();
    let voided = shop
        .call(
            "POST",
            &format!("/api/v2/invoices/{first}/void"),
            Some(json!({"reason": "Harga salah"})),
        )
        .await;
    assert_eq!(voided.status, StatusCode::OK, "{}", voided.text);
    let rerun = shop.run().await;
    assert_eq!(
        rerun.body["created"], 1,
        "the period is billed again: {}",
        rerun.text
    );

    let c2 = shop.customer(2).await;
    let sub2 = shop.subscribe(c2, plan).await;
    let invoice = shop.overdue_invoice(c2, 50_000, 10).await;
    // Its own period's invoice is issued too; paid, it is not what isolates.
    shop.run().await;
    let period: i64 = sqlx::query_scalar("SELECT id FROM invoices WHERE subscription_id = $1")
        .bind(sub2)
        .fetch_one(&shop.app.services.pool)
        .await
        .unwrap();
    let total: i64 = sqlx::query_scalar("SELECT total FROM invoices WHERE id = $1")
        .bind(period)
        .fetch_one(&shop.app.services.pool)
        .await
        .unwrap();
    shop.pay(period, total, "period-paid-01").await;
    shop.isolation_run().await;
    assert_eq!(shop.status_of(sub2).await, "isolated");
    let voided = shop
        .call(
            "POST",
            &format!("/api/v2/invoices/{invoice}/void"),
            Some(json!({"reason": "Ditagih dobel"})),
        )
        .await;
    assert_eq!(voided.status, StatusCode::OK, "{}", voided.text);
    assert_eq!(
        shop.status_of(sub2).await,
        "active",
        "nothing is owed once it is void"
    );
}

/// Rule 7: with PPN added to prices, a step down from 300,000 to 10,000 credited the unused
/// days without their tax.
#[sqlx::test(migrator = "billing::core::db::MIGRATOR")]
async fn a_step_down_credits_the_tax_that_was_charged(pool: PgPool) {
    let mut config = support::test_config("postgres://unused", &support::shared_redis_url());
    config.invoices.tax_basis_points = 1_100;
    config.invoices.prices_include_tax = false;
    let redis = billing::core::redis::connect(&config.redis).await.unwrap();
    let shop = shop(TestApp::from_services(Services::new(config, pool, redis))).await;
    let big = shop.plan("Besar", 300_000).await;
    let small = shop.plan("Hemat", 10_000).await;
    let c = shop.customer(1).await;
    let sub = shop.subscribe(c, big).await;
    shop.run().await;
    let (line, tax): (i64, i64) = sqlx::query_as(
        "SELECT (SELECT amount FROM invoice_lines WHERE invoice_id = i.id AND kind = 'charge'),
                (SELECT amount FROM invoice_lines WHERE invoice_id = i.id AND kind = 'tax')
         FROM invoices i WHERE subscription_id = $1",
    )
    .bind(sub)
    .fetch_one(&shop.app.services.pool)
    .await
    .unwrap();
    // Changed on the day it started: every billed day comes back, with its tax.
    let changed = shop
        .call(
            "PUT",
            &format!("/api/v2/subscriptions/{sub}"),
            Some(json!({"plan_id": small})),
        )
        .await;
    assert_eq!(changed.status, StatusCode::OK, "{}", changed.text);
    let run = shop.run().await;
    assert_eq!(run.status, StatusCode::OK, "{}", run.text);
    // The days are billed again at 10,000 a month with their own tax; the balance keeps the
    // rest: (line × 1.11, rounded once) − (the new line + its tax).
    let credit = (line * 11_100 * 2 + 10_000) / 20_000;
    let (new_line, new_tax): (i64, i64) = sqlx::query_as(
        "SELECT (SELECT amount FROM invoice_lines WHERE invoice_id = i.id AND kind = 'charge'),
                COALESCE((SELECT amount FROM invoice_lines WHERE invoice_id = i.id AND kind = 'tax'), 0)
         FROM invoices i WHERE subscription_id = $1 ORDER BY id DESC LIMIT 1",
    )
    .bind(sub)
    .fetch_one(&shop.app.services.pool)
    .await
    .unwrap();
    assert!(
        new_line < line,
        "the new invoice bills the small plan: {new_line}"
    );
    assert_eq!(
        shop.balance(c).await,
        credit - new_line - new_tax,
        "credit {credit} (of {line} + {tax} billed)"
    );
}

/// Who may move money: a cashier takes at most what is due (a billion on a 10,000 invoice gave
/// 999,990,000 of refundable credit); a transfer carries its reference, shown on the receipt and
/// the payments list.
#[sqlx::test(migrator = "billing::core::db::MIGRATOR")]
async fn a_cashier_takes_what_is_due_and_a_transfer_its_reference(pool: PgPool) {
    let shop = shop(TestApp::new(pool).await).await;
    shop.app
        .create_staff("kasir", "kasir12345", Role::Staff)
        .await;
    let kasir = shop.app.token("kasir", "kasir12345").await;
    let c = shop.customer(1).await;
    let invoice = shop.overdue_invoice(c, 10_000, 0).await;
    let uri = format!("/api/v2/invoices/{invoice}/payments");
    let over = shop
        .app
        .request(
            "POST",
            &uri,
            Auth::Bearer(&kasir),
            Some(
                json!({"amount": 1_000_000_000, "method": "cash", "request_key": "kasir-over-01"}),
            ),
        )
        .await;
    assert_eq!(
        over.status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "{}",
        over.text
    );
    assert_eq!(
        (over.body["field"].as_str(), over.body["code"].as_str()),
        (Some("amount"), Some("payment_over_due"))
    );
    assert_eq!(shop.balance(c).await, 0, "nothing changed");
    let no_reference = shop
        .app
        .request(
            "POST",
            &uri,
            Auth::Bearer(&kasir),
            Some(json!({"amount": 10_000, "method": "transfer", "request_key": "kasir-trf-01"})),
        )
        .await;
    assert_eq!(no_reference.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(no_reference.body["field"], "reference");
    let paid = shop
        .app
        .request(
            "POST",
            &uri,
            Auth::Bearer(&kasir),
            Some(
                json!({"amount": 10_000, "method": "transfer", "request_key": "kasir-trf-02",
                        "reference": "BCA 0712 8841"}),
            ),
        )
        .await;
    assert_eq!(paid.status, StatusCode::CREATED, "{}", paid.text);
    assert_eq!(paid.body["reference"], "BCA 0712 8841");
    let listed = shop
        .call("GET", &format!("/api/v2/customers/{c}/payments"), None)
        .await;
    assert_eq!(listed.status, StatusCode::OK, "{}", listed.text);
    assert_eq!(
        listed.body[0]["reference"], "BCA 0712 8841",
        "{}",
        listed.text
    );
    // An admin may take more than is due: the rest is credit.
    let second = shop.overdue_invoice(c, 10_000, 0).await;
    let credit = shop.pay(second, 25_000, "admin-over-01").await;
    assert_eq!(credit.status, StatusCode::CREATED, "{}", credit.text);
    assert_eq!(shop.balance(c).await, 15_000);
}
