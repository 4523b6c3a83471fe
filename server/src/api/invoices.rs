//! `/api/v2/invoices`: manual invoices, their payments at the counter, voids and reversals.

use super::auth::AuthUser;
use super::error::{ApiError, ApiJson, ApiPath, ApiQuery, ErrorBody};
use crate::state::AppState;
use axum::extract::State;
use axum::http::StatusCode;
use billing::Services;
use billing::money::invoices::{self, InvoiceFilter};
use billing::money::payments;
use domain::model::invoices::{
    Invoice, InvoiceInput, InvoicePage, InvoiceRunOutcome, InvoiceRunRequest, InvoiceStatus,
    PaymentInput, PaymentReceipt, ReasonInput,
};
use domain::{ErrorCode, Role};
use serde::Deserialize;
use utoipa::IntoParams;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

const STAFF: &[Role] = &[Role::Admin, Role::Staff];

pub fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list, issue))
        .routes(routes!(get_one))
        .routes(routes!(void))
        .routes(routes!(pay))
        .routes(routes!(reverse))
        .routes(routes!(invoice_run))
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct InvoiceQuery {
    pub status: Option<InvoiceStatus>,
    pub customer_id: Option<i64>,
    /// Issued in this month, `YYYY-MM` (the business's time zone).
    #[param(example = "2026-12", pattern = "^[0-9]{4}-[0-9]{2}$")]
    pub period: Option<String>,
    /// Only unpaid invoices past their due date.
    pub overdue: Option<bool>,
    /// The `next_after` of the previous page.
    pub after: Option<i64>,
    /// 1–100; 50 when not given.
    #[param(minimum = 1, maximum = 100)]
    pub limit: Option<i64>,
}

/// Invoices, newest first, with what all of the selected ones still ask for and have collected.
/// Admins and cashiers.
#[utoipa::path(get, path = "/api/v2/invoices", tag = "invoices", params(InvoiceQuery),
    security(("bearer" = []), ("cookie" = [])),
    responses((status = 200, body = InvoicePage), (status = 400, body = ErrorBody),
               (status = 401, body = ErrorBody), (status = 403, body = ErrorBody)))]
async fn list(
    State(services): State<Services>,
    caller: AuthUser,
    ApiQuery(query): ApiQuery<InvoiceQuery>,
) -> Result<axum::Json<InvoicePage>, ApiError> {
    caller.require(STAFF)?;
    let zone = services.config.timezone;
    let period = match query.period.as_deref() {
        None => None,
        Some(month) => Some(
            billing::core::days::month_bounds(zone, month).ok_or_else(|| ApiError::BadRequest {
                code: ErrorCode::InvalidQuery.as_str(),
                message: "period is a month, YYYY-MM".into(),
            })?,
        ),
    };
    let filter = InvoiceFilter {
        status: query.status,
        customer_id: query.customer_id,
        period,
        overdue: query.overdue.unwrap_or(false),
        after: query.after,
        limit: query.limit.unwrap_or(50),
    };
    Ok(axum::Json(
        invoices::list(&services.pool, filter, zone).await?,
    ))
}

/// Issues a manual invoice: its lines, the tax line if PPN is set, and the customer's balance
/// (credit as a negative line, debt as a line). Fully covered by credit it is `paid` at once.
/// Admins only.
#[utoipa::path(post, path = "/api/v2/invoices", tag = "invoices", request_body = InvoiceInput,
    security(("bearer" = []), ("cookie" = [])),
    responses((status = 201, body = Invoice), (status = 400, body = ErrorBody),
               (status = 401, body = ErrorBody), (status = 403, body = ErrorBody),
               (status = 404, description = "No such customer", body = ErrorBody),
               (status = 409, description = "The customer is closed (`customer_closed`)", body = ErrorBody),
               (status = 422, body = ErrorBody)))]
async fn issue(
    State(services): State<Services>,
    caller: AuthUser,
    ApiJson(body): ApiJson<InvoiceInput>,
) -> Result<(StatusCode, axum::Json<Invoice>), ApiError> {
    let actor = caller.require(&[Role::Admin])?.principal.actor();
    let issuing = invoices::Issuing::from_config(&services.config);
    let invoice = invoices::issue(&services.pool, body, issuing, services.today(), actor).await?;
    Ok((StatusCode::CREATED, axum::Json(invoice)))
}

/// One invoice with its lines. Admins and cashiers.
#[utoipa::path(get, path = "/api/v2/invoices/{id}", tag = "invoices", params(("id" = i64, Path)),
    security(("bearer" = []), ("cookie" = [])),
    responses((status = 200, body = Invoice), (status = 400, body = ErrorBody),
               (status = 401, body = ErrorBody), (status = 403, body = ErrorBody),
               (status = 404, body = ErrorBody)))]
async fn get_one(
    State(services): State<Services>,
    caller: AuthUser,
    ApiPath(id): ApiPath<i64>,
) -> Result<axum::Json<Invoice>, ApiError> {
    caller.require(STAFF)?;
    Ok(axum::Json(
        invoices::get(&services.pool, id, services.config.timezone).await?,
    ))
}

/// Voids an invoice without a payment, with a reason (audit logged); what it took from the
/// balance is given back. Admins only.
#[utoipa::path(post, path = "/api/v2/invoices/{id}/void", tag = "invoices",
    params(("id" = i64, Path)), request_body = ReasonInput,
    security(("bearer" = []), ("cookie" = [])),
    responses((status = 200, body = Invoice), (status = 400, body = ErrorBody),
               (status = 401, body = ErrorBody), (status = 403, body = ErrorBody),
               (status = 404, body = ErrorBody),
               (status = 409, description = "Has a payment (`invoice_has_payment`) or is void already (`invoice_void`)", body = ErrorBody),
               (status = 422, body = ErrorBody)))]
async fn void(
    State(services): State<Services>,
    caller: AuthUser,
    ApiPath(id): ApiPath<i64>,
    ApiJson(body): ApiJson<ReasonInput>,
) -> Result<axum::Json<Invoice>, ApiError> {
    let actor = caller.require(&[Role::Admin])?.principal.actor();
    Ok(axum::Json(
        invoices::void(
            &services.pool,
            id,
            &body.reason,
            services.config.timezone,
            services.today(),
            actor,
        )
        .await?,
    ))
}

/// Records a payment at the counter and settles the invoice: exact → `paid`; less → `partial`,
/// the rest moves to the balance as debt; more → `paid`, the excess becomes credit. The same
/// `request_key` again answers with the same payment (201 again, nothing paid twice). Admins and
/// cashiers.
#[utoipa::path(post, path = "/api/v2/invoices/{id}/payments", tag = "invoices",
    params(("id" = i64, Path)), request_body = PaymentInput,
    security(("bearer" = []), ("cookie" = [])),
    responses((status = 201, body = PaymentReceipt), (status = 400, body = ErrorBody),
               (status = 401, body = ErrorBody), (status = 403, body = ErrorBody),
               (status = 404, body = ErrorBody),
               (status = 409, description = "Not payable (`invoice_not_payable`), or the key was used for another payment (`request_key_reused`)", body = ErrorBody),
               (status = 422, body = ErrorBody)))]
async fn pay(
    State(services): State<Services>,
    caller: AuthUser,
    ApiPath(id): ApiPath<i64>,
    ApiJson(body): ApiJson<PaymentInput>,
) -> Result<(StatusCode, axum::Json<PaymentReceipt>), ApiError> {
    let actor = caller.require(STAFF)?.principal.actor();
    let receipt =
        payments::pay_at_counter(&services.pool, id, body, services.today(), actor).await?;
    Ok((StatusCode::CREATED, axum::Json(receipt)))
}

/// Reverses a payment recorded in error, with a reason (audit logged): its effect on the balance
/// is undone and the invoice is unpaid again. Admins only.
#[utoipa::path(post, path = "/api/v2/payments/{id}/reverse", tag = "invoices",
    params(("id" = i64, Path)), request_body = ReasonInput,
    security(("bearer" = []), ("cookie" = [])),
    responses((status = 200, body = PaymentReceipt), (status = 400, body = ErrorBody),
               (status = 401, body = ErrorBody), (status = 403, body = ErrorBody),
               (status = 404, body = ErrorBody),
               (status = 409, description = "Reversed already (`payment_reversed`)", body = ErrorBody),
               (status = 422, body = ErrorBody)))]
async fn reverse(
    State(services): State<Services>,
    caller: AuthUser,
    ApiPath(id): ApiPath<i64>,
    ApiJson(body): ApiJson<ReasonInput>,
) -> Result<axum::Json<PaymentReceipt>, ApiError> {
    let actor = caller.require(&[Role::Admin])?.principal.actor();
    Ok(axum::Json(
        payments::reverse(&services.pool, id, &body.reason, services.today(), actor).await?,
    ))
}

/// The monthly invoice run, now: every active or isolated subscription gets the invoice of its
/// next period once that period starts within `invoices.run_days_ahead` days (prorated for a
/// first period that starts mid-period, billed day by day as the service was given), the balance
/// applied as on every invoice; a change of plan, a suspension or a close not seen yet first
/// credits the days billed from then on (tax as billed). Each day is billed once however often
/// this runs. Subscriptions of closed customers, and of plans whose price is still 0, are left
/// out (`skipped`); a subscription whose invoice cannot be made is listed in `failed` with the
/// reason and the others are billed all the same. `date` runs it as on an earlier day (to catch
/// up; a later day is refused with 422), but invoices are issued, numbered and due no earlier
/// than today. Admins only.
#[utoipa::path(post, path = "/api/v2/invoices/run", tag = "invoices", request_body = InvoiceRunRequest,
    security(("bearer" = []), ("cookie" = [])),
    responses((status = 200, body = InvoiceRunOutcome), (status = 400, body = ErrorBody),
               (status = 401, body = ErrorBody), (status = 403, body = ErrorBody),
               (status = 422, body = ErrorBody)))]
async fn invoice_run(
    State(services): State<Services>,
    caller: AuthUser,
    ApiJson(body): ApiJson<InvoiceRunRequest>,
) -> Result<axum::Json<InvoiceRunOutcome>, ApiError> {
    let actor = caller.require(&[Role::Admin])?.principal.actor();
    let on = body.date.unwrap_or_else(|| services.today());
    Ok(axum::Json(services.invoice_run(on, actor).await?))
}
