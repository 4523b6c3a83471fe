//! `/api/v2/customers`: the operator's customers, their balance ledger, adjustments and refunds.
//! Admins manage; cashiers (staff) may look customers up, to take payments at the counter.

use super::auth::AuthUser;
use super::error::{ApiError, ApiJson, ApiPath, ApiQuery, ErrorBody};
use crate::state::AppState;
use axum::extract::State;
use axum::http::StatusCode;
use billing::Services;
use billing::money::{customers, ledger, payments};
use domain::Role;
use domain::model::customers::{
    AdjustmentInput, CustomerInput, CustomerPage, CustomerRecord, CustomerStatus, Ledger,
    RefundInput,
};
use domain::model::invoices::{PaymentInput, PaymentReceipt, PaymentRecord};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

const STAFF: &[Role] = &[Role::Admin, Role::Staff];

pub fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(search, create))
        .routes(routes!(get_one, update))
        .routes(routes!(customer_ledger))
        .routes(routes!(customer_payments, pay_toward_balance))
        .routes(routes!(adjust))
        .routes(routes!(refund))
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct CustomerQuery {
    /// Words of the name (each by its beginning), a WhatsApp number in any usual form (by its
    /// beginning), or an email (by its beginning). At most 100 characters.
    #[param(example = "budi", max_length = 100)]
    pub q: Option<String>,
    pub status: Option<CustomerStatus>,
    /// The `next_after` of the previous page.
    pub after: Option<i64>,
    /// 1–100; 50 when not given.
    #[param(minimum = 1, maximum = 100)]
    pub limit: Option<i64>,
}

/// Customers, by id, a page at a time. Admins and cashiers.
#[utoipa::path(get, path = "/api/v2/customers", tag = "customers", params(CustomerQuery),
    security(("bearer" = []), ("cookie" = [])),
    responses((status = 200, body = CustomerPage), (status = 400, body = ErrorBody),
               (status = 401, body = ErrorBody), (status = 403, body = ErrorBody),
               (status = 422, body = ErrorBody)))]
async fn search(
    State(services): State<Services>,
    caller: AuthUser,
    ApiQuery(query): ApiQuery<CustomerQuery>,
) -> Result<axum::Json<CustomerPage>, ApiError> {
    caller.require(STAFF)?;
    Ok(axum::Json(
        customers::search(
            &services.pool,
            query.q.as_deref().unwrap_or(""),
            query.status,
            query.after,
            query.limit.unwrap_or(50),
        )
        .await?,
    ))
}

/// Adds a customer. Admins only.
#[utoipa::path(post, path = "/api/v2/customers", tag = "customers", request_body = CustomerInput,
    security(("bearer" = []), ("cookie" = [])),
    responses((status = 201, body = CustomerRecord), (status = 400, body = ErrorBody),
               (status = 401, body = ErrorBody), (status = 403, body = ErrorBody),
               (status = 409, description = "Another customer has this WhatsApp number (`whatsapp_taken`) or email (`email_taken`)", body = ErrorBody),
               (status = 422, body = ErrorBody)))]
async fn create(
    State(services): State<Services>,
    caller: AuthUser,
    ApiJson(body): ApiJson<CustomerInput>,
) -> Result<(StatusCode, axum::Json<CustomerRecord>), ApiError> {
    let actor = caller.require(&[Role::Admin])?.principal.actor();
    let customer = customers::create(&services.pool, body, actor).await?;
    Ok((StatusCode::CREATED, axum::Json(customer)))
}

/// One customer. Admins and cashiers.
#[utoipa::path(get, path = "/api/v2/customers/{id}", tag = "customers", params(("id" = i64, Path)),
    security(("bearer" = []), ("cookie" = [])),
    responses((status = 200, body = CustomerRecord), (status = 400, body = ErrorBody),
               (status = 401, body = ErrorBody), (status = 403, body = ErrorBody),
               (status = 404, body = ErrorBody)))]
async fn get_one(
    State(services): State<Services>,
    caller: AuthUser,
    ApiPath(id): ApiPath<i64>,
) -> Result<axum::Json<CustomerRecord>, ApiError> {
    caller.require(STAFF)?;
    Ok(axum::Json(customers::get(&services.pool, id).await?))
}

/// Replaces a customer's details and status. Admins only.
#[utoipa::path(put, path = "/api/v2/customers/{id}", tag = "customers", params(("id" = i64, Path)),
    request_body = CustomerInput, security(("bearer" = []), ("cookie" = [])),
    responses((status = 200, body = CustomerRecord), (status = 400, body = ErrorBody),
               (status = 401, body = ErrorBody), (status = 403, body = ErrorBody),
               (status = 404, body = ErrorBody), (status = 409, body = ErrorBody),
               (status = 422, body = ErrorBody)))]
async fn update(
    State(services): State<Services>,
    caller: AuthUser,
    ApiPath(id): ApiPath<i64>,
    ApiJson(body): ApiJson<CustomerInput>,
) -> Result<axum::Json<CustomerRecord>, ApiError> {
    let actor = caller.require(&[Role::Admin])?.principal.actor();
    Ok(axum::Json(
        customers::update(&services.pool, id, body, services.today(), actor).await?,
    ))
}

/// The customer's balance and its history (newest first, up to 500 rows). Admins and cashiers.
#[utoipa::path(get, path = "/api/v2/customers/{id}/ledger", tag = "customers",
    params(("id" = i64, Path)), security(("bearer" = []), ("cookie" = [])),
    responses((status = 200, body = Ledger), (status = 400, body = ErrorBody),
               (status = 401, body = ErrorBody), (status = 403, body = ErrorBody),
               (status = 404, body = ErrorBody)))]
async fn customer_ledger(
    State(services): State<Services>,
    caller: AuthUser,
    ApiPath(id): ApiPath<i64>,
) -> Result<axum::Json<Ledger>, ApiError> {
    caller.require(STAFF)?;
    Ok(axum::Json(ledger::ledger(&services.pool, id, 500).await?))
}

/// The customer's payments, newest first (up to 200), reversed ones included. Admins and
/// cashiers.
#[utoipa::path(get, path = "/api/v2/customers/{id}/payments", tag = "customers",
    params(("id" = i64, Path)), security(("bearer" = []), ("cookie" = [])),
    responses((status = 200, body = Vec<PaymentRecord>), (status = 400, body = ErrorBody),
               (status = 401, body = ErrorBody), (status = 403, body = ErrorBody),
               (status = 404, body = ErrorBody)))]
async fn customer_payments(
    State(services): State<Services>,
    caller: AuthUser,
    ApiPath(id): ApiPath<i64>,
) -> Result<axum::Json<Vec<PaymentRecord>>, ApiError> {
    caller.require(STAFF)?;
    customers::get(&services.pool, id).await?;
    Ok(axum::Json(
        payments::of_customer(&services.pool, id, 200).await?,
    ))
}

/// Takes a payment toward the customer's balance: their debt (a partial payment's rest, or debt
/// set by hand), payable at once, before any invoice carries it. A cashier takes at most the
/// debt (`payment_over_due` beyond it); an admin may take more, which becomes credit. A transfer
/// needs its `reference`. The same `request_key` again answers with the same payment. Once
/// nothing due is owed, the customer's isolated subscriptions are served again. Admins and
/// cashiers.
#[utoipa::path(post, path = "/api/v2/customers/{id}/payments", tag = "customers",
    params(("id" = i64, Path)), request_body = PaymentInput,
    security(("bearer" = []), ("cookie" = [])),
    responses((status = 201, body = PaymentReceipt), (status = 400, body = ErrorBody),
               (status = 401, body = ErrorBody), (status = 403, body = ErrorBody),
               (status = 404, body = ErrorBody),
               (status = 409, description = "The key was used for another payment (`request_key_reused`)", body = ErrorBody),
               (status = 422, description = "Invalid, or more than the debt from a cashier (`payment_over_due`)", body = ErrorBody)))]
async fn pay_toward_balance(
    State(services): State<Services>,
    caller: AuthUser,
    ApiPath(id): ApiPath<i64>,
    ApiJson(body): ApiJson<PaymentInput>,
) -> Result<(StatusCode, axum::Json<PaymentReceipt>), ApiError> {
    let actor = caller.require(STAFF)?.principal.actor();
    let receipt =
        payments::pay_toward_balance(&services.pool, id, body, services.today(), actor).await?;
    Ok((StatusCode::CREATED, axum::Json(receipt)))
}

/// The customer's balance after a change.
#[derive(Debug, Serialize, ToSchema)]
pub struct BalanceAfter {
    #[schema(example = 5000)]
    pub balance: i64,
}

/// Changes a balance by hand, with a reason (audit logged): positive gives credit, negative
/// adds debt. Admins only.
#[utoipa::path(post, path = "/api/v2/customers/{id}/adjustments", tag = "customers",
    params(("id" = i64, Path)), request_body = AdjustmentInput,
    security(("bearer" = []), ("cookie" = [])),
    responses((status = 201, body = BalanceAfter), (status = 400, body = ErrorBody),
               (status = 401, body = ErrorBody), (status = 403, body = ErrorBody),
               (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)))]
async fn adjust(
    State(services): State<Services>,
    caller: AuthUser,
    ApiPath(id): ApiPath<i64>,
    ApiJson(body): ApiJson<AdjustmentInput>,
) -> Result<(StatusCode, axum::Json<BalanceAfter>), ApiError> {
    let actor = caller.require(&[Role::Admin])?.principal.actor();
    let balance = payments::adjust(&services.pool, id, body, services.today(), actor).await?;
    Ok((
        StatusCode::CREATED,
        axum::Json(BalanceAfter {
            balance: balance.amount(),
        }),
    ))
}

/// Pays credit out to the customer (at most their credit), with a reason. Admins only.
#[utoipa::path(post, path = "/api/v2/customers/{id}/refunds", tag = "customers",
    params(("id" = i64, Path)), request_body = RefundInput,
    security(("bearer" = []), ("cookie" = [])),
    responses((status = 201, body = BalanceAfter), (status = 400, body = ErrorBody),
               (status = 401, body = ErrorBody), (status = 403, body = ErrorBody),
               (status = 404, body = ErrorBody),
               (status = 422, description = "Invalid, or more than the customer's credit (`refund_amount`)", body = ErrorBody)))]
async fn refund(
    State(services): State<Services>,
    caller: AuthUser,
    ApiPath(id): ApiPath<i64>,
    ApiJson(body): ApiJson<RefundInput>,
) -> Result<(StatusCode, axum::Json<BalanceAfter>), ApiError> {
    let actor = caller.require(&[Role::Admin])?.principal.actor();
    let balance = payments::refund(&services.pool, id, body, services.today(), actor).await?;
    Ok((
        StatusCode::CREATED,
        axum::Json(BalanceAfter {
            balance: balance.amount(),
        }),
    ))
}
