//! `/api/v2/sales` and `/api/v2/reports`: selling vouchers at the counter, one per request, with a
//! request key that makes a repeated request return the first sale (cashiers and admins); sales
//! reports for a period as JSON, CSV and a chart (admins).

use super::auth::AuthUser;
use super::error::{ApiError, ApiJson, ApiPath, ApiQuery, ErrorBody};
use crate::state::AppState;
use axum::extract::State;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use billing::Services;
use billing::hotspot::sales;
use billing::reports;
use domain::Role;
use domain::model::reports::{Period, SalesReport};
use domain::model::sales::{Sale, SaleRequest, SaleablePlan, Today};
use serde::Deserialize;
use utoipa::IntoParams;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

const CASHIERS: &[Role] = &[Role::Admin, Role::Staff];
/// How many of today's sales `GET /api/v2/sales/today` lists when not told.
const TODAY_LATEST: i64 = 20;

pub fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(sell))
        .routes(routes!(today))
        .routes(routes!(saleable_plans))
        .routes(routes!(get_sale))
        .routes(routes!(sales_report))
        .routes(routes!(sales_report_csv))
        .routes(routes!(sales_report_chart))
}

/// Sells one voucher of a hotspot plan: the oldest unsold, unprinted voucher on the router, or
/// else a new one created and pushed to the router before the answer (waiting up to 5 s; after
/// that `router_state` is `pending` and the outbox keeps trying). 201 for a new sale, 200 with
/// the same sale when the request key was used before.
#[utoipa::path(post, path = "/api/v2/sales", tag = "sales", request_body = SaleRequest,
    security(("bearer" = []), ("cookie" = [])),
    responses((status = 201, description = "Sold", body = Sale),
               (status = 200, description = "The request key was used before: that sale, nothing new sold", body = Sale),
               (status = 400, body = ErrorBody), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody),
               (status = 409, description = "The request key was used before for another plan (`request_key_reused`)", body = ErrorBody),
               (status = 422, description = "Unknown, inactive or non-hotspot plan; bad WhatsApp number", body = ErrorBody)))]
async fn sell(
    State(services): State<Services>,
    caller: AuthUser,
    ApiJson(body): ApiJson<SaleRequest>,
) -> Result<(StatusCode, axum::Json<Sale>), ApiError> {
    let cashier_id = caller.require(CASHIERS)?.principal.id;
    let sale = sales::sell(&services.pool, &services.routers, body, cashier_id).await?;
    let status = if sale.replayed {
        StatusCode::OK
    } else {
        StatusCode::CREATED
    };
    Ok((status, axum::Json(sale)))
}

/// One sale, as its receipt shows it; follow `router_state` of a sale that was `pending`.
/// Cashiers see their own sales only.
#[utoipa::path(get, path = "/api/v2/sales/{id}", tag = "sales",
    params(("id" = i64, Path)), security(("bearer" = []), ("cookie" = [])),
    responses((status = 200, body = Sale), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody),
               (status = 404, body = ErrorBody)))]
async fn get_sale(
    State(services): State<Services>,
    caller: AuthUser,
    ApiPath(id): ApiPath<i64>,
) -> Result<axum::Json<Sale>, ApiError> {
    let principal = &caller.require(CASHIERS)?.principal;
    let sale = sales::get(&services.pool, id).await?;
    if principal.role != Role::Admin && sale.cashier.id != principal.id {
        return Err(ApiError::NotFound);
    }
    Ok(axum::Json(sale))
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct TodayQuery {
    /// How many of the newest sales to list, 1–200; 20 when not given (a larger number lists
    /// 200).
    #[param(minimum = 1, maximum = 200)]
    pub limit: Option<i64>,
}

/// Today's sales (the business's local day): totals per cashier and in all, and the newest
/// sales, a cashier's own or, for an admin, everyone's.
#[utoipa::path(get, path = "/api/v2/sales/today", tag = "sales", params(TodayQuery),
    security(("bearer" = []), ("cookie" = [])),
    responses((status = 200, body = Today), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody)))]
async fn today(
    State(services): State<Services>,
    caller: AuthUser,
    ApiQuery(query): ApiQuery<TodayQuery>,
) -> Result<axum::Json<Today>, ApiError> {
    let principal = &caller.require(CASHIERS)?.principal;
    let only_cashier = (principal.role != Role::Admin).then_some(principal.id);
    let today = sales::today(
        &services.pool,
        services.config.timezone,
        only_cashier,
        query.limit.unwrap_or(TODAY_LATEST),
    )
    .await?;
    Ok(axum::Json(today))
}

/// The hotspot plans on sale, with the number of unsold, unprinted vouchers on the router for each
/// (a plan without stock still sells: its voucher is made on the spot).
#[utoipa::path(get, path = "/api/v2/sales/plans", tag = "sales",
    security(("bearer" = []), ("cookie" = [])),
    responses((status = 200, body = Vec<SaleablePlan>), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody)))]
async fn saleable_plans(
    State(services): State<Services>,
    caller: AuthUser,
) -> Result<axum::Json<Vec<SaleablePlan>>, ApiError> {
    caller.require(CASHIERS)?;
    Ok(axum::Json(sales::saleable_plans(&services.pool).await?))
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct PeriodQuery {
    /// First day, `YYYY-MM-DD`, in the business's time zone.
    #[param(example = "2026-11-01", required = true, format = Date)]
    pub from: Option<String>,
    /// Last day, included; at most 366 days after `from`.
    #[param(example = "2026-11-30", required = true, format = Date)]
    pub to: Option<String>,
}

impl PeriodQuery {
    /// The checked period; a missing date is reported like a malformed one, naming its field.
    fn period(&self) -> Result<Period, ApiError> {
        Ok(Period::parse(
            self.from.as_deref().unwrap_or_default(),
            self.to.as_deref().unwrap_or_default(),
        )?)
    }
}

/// Vouchers sold and revenue in a period: in all, per day (every day, those without sales too),
/// per plan, per cashier and per router. Each grouping adds up to the totals.
#[utoipa::path(get, path = "/api/v2/reports/sales", tag = "sales", params(PeriodQuery),
    security(("bearer" = []), ("cookie" = [])),
    responses((status = 200, body = SalesReport), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody),
               (status = 422, description = "A date is missing or malformed, or the period is reversed or too long", body = ErrorBody)))]
async fn sales_report(
    State(services): State<Services>,
    caller: AuthUser,
    ApiQuery(query): ApiQuery<PeriodQuery>,
) -> Result<axum::Json<SalesReport>, ApiError> {
    caller.require(&[Role::Admin])?;
    let report = reports::sales(&services.pool, services.config.timezone, query.period()?).await?;
    Ok(axum::Json(report))
}

/// The sales of a period as CSV, one line per sale, oldest first, times local: `sale_id, sold_at,
/// router, plan, cashier, voucher_code, price, customer_whatsapp`. Downloads as
/// `penjualan-{from}-{to}.csv`.
#[utoipa::path(get, path = "/api/v2/reports/sales.csv", tag = "sales", params(PeriodQuery),
    security(("bearer" = []), ("cookie" = [])),
    responses((status = 200, description = "The sales", content_type = "text/csv", body = String),
               (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 422, body = ErrorBody)))]
async fn sales_report_csv(
    State(services): State<Services>,
    caller: AuthUser,
    ApiQuery(query): ApiQuery<PeriodQuery>,
) -> Result<Response, ApiError> {
    caller.require(&[Role::Admin])?;
    let period = query.period()?;
    let csv = reports::sales_csv(&services.pool, services.config.timezone, period).await?;
    let disposition = format!(
        "attachment; filename=\"penjualan-{}-{}.csv\"",
        period.from, period.to
    );
    let mut response = ([(header::CONTENT_TYPE, "text/csv; charset=utf-8")], csv).into_response();
    response.headers_mut().insert(
        header::CONTENT_DISPOSITION,
        HeaderValue::try_from(disposition).expect("dates make a valid header value"),
    );
    Ok(response)
}

/// Revenue per day of a period as a bar chart (SVG).
#[utoipa::path(get, path = "/api/v2/reports/sales.svg", tag = "sales", params(PeriodQuery),
    security(("bearer" = []), ("cookie" = [])),
    responses((status = 200, description = "The chart", content_type = "image/svg+xml", body = String),
               (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 422, body = ErrorBody)))]
async fn sales_report_chart(
    State(services): State<Services>,
    caller: AuthUser,
    ApiQuery(query): ApiQuery<PeriodQuery>,
) -> Result<Response, ApiError> {
    caller.require(&[Role::Admin])?;
    let period = query.period()?;
    let report = reports::sales(&services.pool, services.config.timezone, period).await?;
    let title = format!("Pendapatan {} – {}", period.from, period.to);
    let svg = reports::revenue_chart_svg(&report, &title);
    Ok(([(header::CONTENT_TYPE, "image/svg+xml")], svg).into_response())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_missing_date_names_its_field() {
        let query = |from: Option<&str>, to: Option<&str>| PeriodQuery {
            from: from.map(str::to_owned),
            to: to.map(str::to_owned),
        };
        let field = |q: PeriodQuery| match q.period() {
            Err(ApiError::Unprocessable { field, .. }) => field,
            other => panic!("{other:?}"),
        };
        assert_eq!(
            field(query(None, Some("2026-11-30"))).as_deref(),
            Some("from")
        );
        assert_eq!(
            field(query(Some("2026-11-01"), None)).as_deref(),
            Some("to")
        );
        assert!(
            query(Some("2026-11-01"), Some("2026-11-30"))
                .period()
                .is_ok()
        );
    }
}
