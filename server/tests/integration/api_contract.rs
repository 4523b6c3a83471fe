//! The REST API keeps the promises of its OpenAPI document: every error is the JSON
//! `{error, code, field?}` with a status the operation documents, whatever the path, query or
//! body holds; the document states the limits the code enforces; creating operations link to
//! what can be done with the record. Each check walks every operation of the document, so a new
//! route is checked as soon as it is documented. (`scripts/dev.sh api-contract` runs
//! schemathesis against a seeded server for the same promises with generated requests.)

use crate::support;

use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use domain::Role;
use serde_json::{Map, Value, json};
use sqlx::PgPool;
use support::{Auth, Response, TestApp};

/// A path id one past `i64::MAX`.
const OVERFLOWING_ID: &str = "9223372036854775808";

async fn admin(app: &TestApp) -> String {
    app.create_staff("admin", "admin12345", Role::Admin).await;
    app.token("admin", "admin12345").await
}

async fn document(app: &TestApp) -> Value {
    let doc = app
        .request("GET", "/api/v2/openapi.json", Auth::None, None)
        .await;
    assert_eq!(doc.status, StatusCode::OK);
    doc.body
}

/// Every operation under `/api/v2`: path, method and its description in the document.
fn operations(doc: &Value) -> Vec<(String, String, Map<String, Value>)> {
    let mut found = Vec::new();
    for (path, item) in doc["paths"].as_object().unwrap() {
        if !path.starts_with("/api/v2/") {
            continue;
        }
        for (method, operation) in item.as_object().unwrap() {
            if ["get", "put", "post", "delete", "patch"].contains(&method.as_str()) {
                found.push((
                    path.clone(),
                    method.clone(),
                    operation.as_object().unwrap().clone(),
                ));
            }
        }
    }
    assert!(found.len() > 20, "the document lists the API's operations");
    found
}

fn parameters<'a>(operation: &'a Map<String, Value>, place: &str) -> Vec<&'a Value> {
    operation
        .get("parameters")
        .and_then(Value::as_array)
        .map(|all| all.iter().filter(|p| p["in"] == place).collect())
        .unwrap_or_default()
}

/// Sends a raw request: `body` as it is, with `content_type` when given.
async fn send(
    app: &TestApp,
    method: &str,
    uri: &str,
    token: &str,
    content_type: Option<&str>,
    body: &str,
) -> Response {
    let mut request = Request::builder()
        .method(method.to_uppercase().as_str())
        .uri(uri)
        .header(header::AUTHORIZATION, format!("Bearer {token}"));
    if let Some(content_type) = content_type {
        request = request.header(header::CONTENT_TYPE, content_type);
    }
    app.send(request.body(Body::from(body.to_owned())).unwrap())
        .await
}

/// The answer is a JSON error of a status the operation documents, with that code.
fn assert_documented_error(
    answer: &Response,
    operation: &Map<String, Value>,
    status: StatusCode,
    code: &str,
    what: &str,
) {
    assert_eq!(answer.status, status, "{what}: {}", answer.text);
    assert_eq!(
        answer.headers[header::CONTENT_TYPE],
        "application/json",
        "{what}"
    );
    assert_eq!(answer.body["code"], code, "{what}: {}", answer.text);
    assert!(answer.body["error"].is_string(), "{what}: {}", answer.text);
    let documented = &operation["responses"][status.as_str()];
    assert_eq!(
        documented["content"]["application/json"]["schema"]["$ref"],
        "#/components/schemas/ErrorBody",
        "{what}: {status} is documented with the error body"
    );
}

#[sqlx::test(migrator = "billing::core::db::MIGRATOR")]
async fn a_path_id_that_overflows_is_a_documented_json_400(pool: PgPool) {
    let app = TestApp::new(pool).await;
    let token = admin(&app).await;
    let doc = document(&app).await;
    let mut checked = 0;
    for (path, method, operation) in operations(&doc) {
        if parameters(&operation, "path").is_empty() {
            continue;
        }
        let uri = path.replace("{id}", OVERFLOWING_ID);
        let body = operation.contains_key("requestBody").then_some("{}");
        let answer = send(
            &app,
            &method,
            &uri,
            &token,
            body.map(|_| "application/json"),
            body.unwrap_or(""),
        )
        .await;
        let what = format!("{method} {uri}");
        assert_documented_error(
            &answer,
            &operation,
            StatusCode::BAD_REQUEST,
            "invalid_query",
            &what,
        );
        checked += 1;
    }
    assert!(checked >= 12, "{checked} operations with a path id");
}

#[sqlx::test(migrator = "billing::core::db::MIGRATOR")]
async fn a_query_value_of_the_wrong_type_is_a_documented_json_400(pool: PgPool) {
    let app = TestApp::new(pool).await;
    let token = admin(&app).await;
    let doc = document(&app).await;
    let mut checked = 0;
    for (path, method, operation) in operations(&doc) {
        for parameter in parameters(&operation, "query") {
            let schema = &parameter["schema"];
            let is_integer = schema["type"] == "integer"
                || schema["type"]
                    .as_array()
                    .is_some_and(|types| types.contains(&json!("integer")));
            if !is_integer {
                continue;
            }
            let name = parameter["name"].as_str().unwrap();
            for value in ["abc", OVERFLOWING_ID] {
                let uri = format!("{path}?{name}={value}");
                let answer = send(&app, &method, &uri, &token, None, "").await;
                let what = format!("{method} {uri}");
                assert_documented_error(
                    &answer,
                    &operation,
                    StatusCode::BAD_REQUEST,
                    "invalid_query",
                    &what,
                );
            }
            checked += 1;
        }
    }
    assert!(checked >= 6, "{checked} integer query parameters");
}

#[sqlx::test(migrator = "billing::core::db::MIGRATOR")]
async fn bodies_that_are_not_json_or_of_the_wrong_shape_get_documented_errors(pool: PgPool) {
    let app = TestApp::new(pool).await;
    let token = admin(&app).await;
    let doc = document(&app).await;
    let mut checked = 0;
    for (path, method, operation) in operations(&doc) {
        if !operation.contains_key("requestBody") {
            continue;
        }
        // No record needs to exist: the body is read before anything is looked up.
        let uri = path.replace("{id}", "1");
        let what = format!("{method} {uri}");
        let not_json = send(
            &app,
            &method,
            &uri,
            &token,
            Some("application/json"),
            "{not json",
        )
        .await;
        assert_documented_error(
            &not_json,
            &operation,
            StatusCode::BAD_REQUEST,
            "malformed_json",
            &what,
        );
        let not_said_json = send(&app, &method, &uri, &token, Some("text/plain"), "{}").await;
        assert_documented_error(
            &not_said_json,
            &operation,
            StatusCode::BAD_REQUEST,
            "expected_json",
            &what,
        );
        let wrong_shape = send(&app, &method, &uri, &token, Some("application/json"), "[]").await;
        assert_documented_error(
            &wrong_shape,
            &operation,
            StatusCode::UNPROCESSABLE_ENTITY,
            "invalid_body",
            &what,
        );
        checked += 1;
    }
    assert!(checked >= 9, "{checked} operations with a body");
}

#[sqlx::test(migrator = "billing::core::db::MIGRATOR")]
async fn switching_a_plan_with_a_bad_body_is_the_documented_422(pool: PgPool) {
    let app = TestApp::new(pool).await;
    let token = admin(&app).await;
    let doc = document(&app).await;
    let operation = doc["paths"]["/api/v2/plans/{id}/active"]["put"]
        .as_object()
        .unwrap()
        .clone();
    let answer = app
        .request(
            "PUT",
            "/api/v2/plans/1/active",
            Auth::Bearer(&token),
            Some(json!({"active": "yes"})),
        )
        .await;
    assert_documented_error(
        &answer,
        &operation,
        StatusCode::UNPROCESSABLE_ENTITY,
        "invalid_body",
        "PUT /api/v2/plans/1/active",
    );
}

#[sqlx::test(migrator = "billing::core::db::MIGRATOR")]
async fn a_caller_without_a_token_gets_the_documented_401(pool: PgPool) {
    let app = TestApp::new(pool).await;
    let doc = document(&app).await;
    for (path, method, operation) in operations(&doc) {
        if !operation.contains_key("security") {
            continue;
        }
        let uri = path.replace("{id}", "1");
        let request = Request::builder()
            .method(method.to_uppercase().as_str())
            .uri(&uri)
            .body(Body::empty())
            .unwrap();
        let answer = app.send(request).await;
        assert_documented_error(
            &answer,
            &operation,
            StatusCode::UNAUTHORIZED,
            "unauthenticated",
            &format!("{method} {uri}"),
        );
    }
}

#[sqlx::test(migrator = "billing::core::db::MIGRATOR")]
async fn a_shared_users_count_beyond_the_limit_is_refused_not_a_500(pool: PgPool) {
    let app = TestApp::new(pool).await;
    let token = admin(&app).await;
    let router = app
        .request(
            "POST",
            "/api/v2/routers",
            Auth::Bearer(&token),
            Some(json!({"name": "Tower", "host": "127.0.0.1", "port": 1,
                        "username": "billing", "password": "secret"})),
        )
        .await;
    assert_eq!(router.status, StatusCode::CREATED, "{}", router.text);
    for shared_users in [2_147_483_648_u64, 1_001] {
        let plan = app
            .request(
                "POST",
                "/api/v2/plans",
                Auth::Bearer(&token),
                Some(
                    json!({"router_id": router.body["id"], "name": "Harian", "price": 5000,
                            "validity": "1d", "profile": "voucher-1d",
                            "shared_users": shared_users}),
                ),
            )
            .await;
        assert_eq!(
            plan.status,
            StatusCode::UNPROCESSABLE_ENTITY,
            "{shared_users}: {}",
            plan.text
        );
        assert_eq!(plan.body["field"], "shared_users");
    }
}

#[sqlx::test(migrator = "billing::core::db::MIGRATOR")]
async fn the_document_states_the_limits_the_code_enforces(pool: PgPool) {
    let app = TestApp::new(pool).await;
    let doc = document(&app).await;
    let schemas = &doc["components"]["schemas"];
    let property = |schema: &str, field: &str| schemas[schema]["properties"][field].clone();
    let limits = |schema: &str, field: &str| {
        let p = property(schema, field);
        (
            p["minimum"].as_i64().or(p["minLength"].as_i64()),
            p["maximum"].as_i64().or(p["maxLength"].as_i64()),
        )
    };
    let max_price = domain::plan::MAX_PRICE;
    let max_batch = i64::from(domain::voucher::MAX_BATCH);
    let code_lengths = (
        i64::from(domain::voucher::MIN_CODE_LENGTH),
        i64::from(domain::voucher::MAX_CODE_LENGTH),
    );
    for (schema, field, expected) in [
        ("RouterInput", "name", (Some(1), Some(64))),
        ("RouterInput", "port", (Some(1), Some(65_535))),
        ("RouterInput", "hotspot_login_url", (None, Some(300))),
        ("PlanInput", "name", (Some(1), Some(64))),
        ("PlanInput", "price", (Some(0), Some(max_price))),
        ("PlanInput", "data_quota_mb", (Some(1), Some(10_000_000))),
        ("PlanInput", "shared_users", (Some(1), Some(1_000))),
        ("PlanInput", "rate_limit", (None, Some(64))),
        ("BatchInput", "quantity", (Some(1), Some(max_batch))),
        (
            "BatchInput",
            "code_length",
            (Some(code_lengths.0), Some(code_lengths.1)),
        ),
        ("BatchInput", "comment", (None, Some(200))),
        ("Registration", "name", (Some(1), Some(100))),
        (
            "Registration",
            "password",
            (
                Some(billing::identity::password::MIN_LEN as i64),
                Some(billing::identity::password::MAX_LEN as i64),
            ),
        ),
        ("LoginRequest", "username", (Some(1), None)),
        ("LoginRequest", "password", (Some(1), None)),
    ] {
        assert_eq!(limits(schema, field), expected, "{schema}.{field}");
    }
    for (schema, field) in [
        ("RouterInput", "host"),
        ("RouterInput", "tls_fingerprint"),
        ("PlanInput", "validity"),
        ("PlanInput", "profile"),
        ("BatchInput", "prefix"),
        ("BatchInput", "alphabet"),
        ("Registration", "whatsapp"),
        ("SaleRequest", "customer_whatsapp"),
    ] {
        assert!(
            property(schema, field)["pattern"].is_string(),
            "{schema}.{field} has a pattern"
        );
    }
    let words = |schema: &str| schemas[schema]["enum"].clone();
    assert_eq!(
        words("RouterState"),
        json!(["pending", "pushed", "failed", "removed"])
    );
    assert_eq!(words("PasswordMode"), json!(["same", "separate"]));
    let list = &doc["paths"]["/api/v2/vouchers"]["get"]["parameters"];
    let status = list
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["name"] == "status")
        .unwrap();
    assert_eq!(
        status["schema"]["oneOf"]
            .as_array()
            .and_then(|any| any.iter().find_map(|s| s.get("enum")))
            .or(status["schema"].get("enum")),
        Some(&json!([
            "created", "active", "expired", "disabled", "deleted"
        ])),
        "{status}"
    );
}

#[sqlx::test(migrator = "billing::core::db::MIGRATOR")]
async fn creating_operations_link_to_what_can_be_done_with_the_record(pool: PgPool) {
    let app = TestApp::new(pool).await;
    let doc = document(&app).await;
    let operation_id = |path: &str, method: &str| doc["paths"][path][method]["operationId"].clone();
    let links = |path: &str| doc["paths"][path]["post"]["responses"]["201"]["links"].clone();
    let routers = links("/api/v2/routers");
    for (path, method) in [
        ("/api/v2/routers/{id}", "get"),
        ("/api/v2/routers/{id}", "put"),
        ("/api/v2/routers/{id}", "delete"),
        ("/api/v2/routers/{id}/status", "get"),
    ] {
        let id = operation_id(path, method);
        let link = &routers[id.as_str().unwrap()];
        assert_eq!(link["operationId"], id, "{method} {path}");
        assert_eq!(link["parameters"]["id"], "$response.body#/id");
    }
    let batch = links("/api/v2/vouchers/batch");
    let progress = operation_id("/api/v2/vouchers/batches/{id}", "get");
    assert_eq!(
        batch[progress.as_str().unwrap()]["parameters"]["id"],
        "$response.body#/batch_id"
    );
}

/// A documented pattern and the parser it describes agree on typical and edge inputs.
#[sqlx::test(migrator = "billing::core::db::MIGRATOR")]
async fn the_documented_patterns_agree_with_the_parsers(pool: PgPool) {
    let app = TestApp::new(pool).await;
    let doc = document(&app).await;
    let pattern = |schema: &str, field: &str| {
        let text = doc["components"]["schemas"][schema]["properties"][field]["pattern"]
            .as_str()
            .unwrap_or_else(|| panic!("{schema}.{field} has a pattern"))
            .to_owned();
        regex::Regex::new(&text).unwrap()
    };
    let check = |schema: &str, field: &str, parses: &dyn Fn(&str) -> bool, samples: &[&str]| {
        let documented = pattern(schema, field);
        for sample in samples {
            assert_eq!(
                documented.is_match(sample),
                parses(sample),
                "{schema}.{field}: {sample:?}"
            );
        }
    };
    let whatsapp = |s: &str| domain::WhatsappNumber::parse(s).is_ok();
    let numbers = [
        "0812-3456-7890",
        "+62 812 3456 7890",
        "6281234567890",
        "81234567890",
        " (0812) 3456.7890 ",
        "000000000",
        "+1 555 123 4567",
        "0812",
        "08123456789012345",
        "0812-3456-789x",
        "",
    ];
    check("Registration", "whatsapp", &whatsapp, &numbers);
    check(
        "SaleRequest",
        "customer_whatsapp",
        &whatsapp,
        &numbers[..10],
    );
    check(
        "PlanInput",
        "validity",
        &|s| domain::Validity::parse(s).is_ok(),
        &[
            "1d", "1d12h", "90m", " 3H ", "0d1h", "2w", "0D", "0d0h", "", "1x", "1d 2h", "d",
        ],
    );
    let router = |host: &str| domain::model::routers::RouterInput {
        name: "Tower".into(),
        host: host.into(),
        username: "billing".into(),
        ..Default::default()
    };
    check(
        "RouterInput",
        "host",
        &|s| router(s).parse().is_ok(),
        &[
            "192.168.88.1",
            "router.lan",
            "[fe80::1]",
            " 10.0.0.1 ",
            "router one",
            "",
            "a_b",
        ],
    );
    let hex = "0123456789abcdef".repeat(4);
    let grouped = hex
        .as_bytes()
        .chunks(2)
        .map(|p| std::str::from_utf8(p).unwrap())
        .collect::<Vec<_>>()
        .join(":");
    check(
        "RouterInput",
        "tls_fingerprint",
        &|s| domain::router::CertificateFingerprint::parse(s.trim()).is_some(),
        &[&hex, &grouped, &hex[2..], "xyz", &format!("{hex}00")],
    );
    check(
        "BatchInput",
        "prefix",
        &|s| domain::CodeSpec::new(8, None, s).is_ok(),
        &[
            "",
            "DM",
            "HOT-",
            "ABCDEFGHIJKL",
            "ABCDEFGHIJKLM",
            "D M",
            "D_M",
        ],
    );
}

/// Every `$ref` of the document points at a schema it defines (a path parameter's type is not
/// collected into the components by itself; API testers and client generators stop at the first
/// dangling reference).
#[sqlx::test(migrator = "billing::core::db::MIGRATOR")]
async fn every_reference_of_the_document_resolves(pool: PgPool) {
    fn references(value: &Value, found: &mut Vec<String>) {
        match value {
            Value::Object(map) => {
                if let Some(Value::String(target)) = map.get("$ref") {
                    found.push(target.clone());
                }
                map.values().for_each(|v| references(v, found));
            }
            Value::Array(items) => items.iter().for_each(|v| references(v, found)),
            _ => {}
        }
    }
    let app = TestApp::new(pool).await;
    let doc = document(&app).await;
    let mut found = Vec::new();
    references(&doc, &mut found);
    assert!(!found.is_empty());
    for target in found {
        let pointer = target.strip_prefix('#').expect("a local reference");
        assert!(doc.pointer(pointer).is_some(), "{target} does not exist");
    }
}
