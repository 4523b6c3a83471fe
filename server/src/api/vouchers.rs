//! `/api/v2/plans` and `/api/v2/vouchers`: plans, voucher batches and their progress,
//! the voucher list; profile sync and reconciliation of a router. Admins only.

use super::auth::AuthUser;
use super::error::{ApiError, ApiJson, ApiPath, ApiQuery, ErrorBody};
use crate::state::AppState;
use axum::extract::State;
use axum::http::StatusCode;
use billing::Services;
use billing::hotspot::plans;
use billing::hotspot::vouchers;
use domain::Role;
use domain::model::plans::{Plan, PlanActive, PlanInput};
use domain::model::routers::{ProfileSync, ReconcileReport};
use domain::model::vouchers::{
    BatchCreated, BatchInput, BatchProgress, BatchSummary, Voucher, VoucherFilter,
};
use serde::Deserialize;
use utoipa::IntoParams;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

pub fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list_plans, create_plan))
        .routes(routes!(update_plan))
        .routes(routes!(set_plan_active))
        .routes(routes!(sync_profiles))
        .routes(routes!(reconcile))
        .routes(routes!(create_batch))
        .routes(routes!(list_batches))
        .routes(routes!(batch_progress))
        .routes(routes!(list_vouchers))
        .routes(routes!(disable_voucher))
        .routes(routes!(delete_voucher))
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct PlanQuery {
    /// Only this router's plans.
    pub router_id: Option<i64>,
}

/// Plans, cheapest first.
#[utoipa::path(get, path = "/api/v2/plans", tag = "vouchers", params(PlanQuery),
    security(("bearer" = []), ("cookie" = [])),
    responses((status = 200, body = Vec<Plan>), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody)))]
async fn list_plans(
    State(services): State<Services>,
    caller: AuthUser,
    ApiQuery(query): ApiQuery<PlanQuery>,
) -> Result<axum::Json<Vec<Plan>>, ApiError> {
    caller.require(&[Role::Admin, Role::Staff])?;
    let plans = plans::plans(&services.pool, query.router_id).await?;
    Ok(axum::Json(plans))
}

/// Creates a voucher plan.
#[utoipa::path(post, path = "/api/v2/plans", tag = "vouchers", request_body = PlanInput,
    security(("bearer" = []), ("cookie" = [])),
    responses((status = 201, body = Plan), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody),
               (status = 403, body = ErrorBody), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
async fn create_plan(
    State(services): State<Services>,
    caller: AuthUser,
    ApiJson(body): ApiJson<PlanInput>,
) -> Result<(StatusCode, axum::Json<Plan>), ApiError> {
    let actor = caller.require(&[Role::Admin])?.principal.actor();
    let plan = plans::create_plan(&services.pool, body, actor).await?;
    Ok((StatusCode::CREATED, axum::Json(plan)))
}

/// Changes a plan (and, with a rate limit or shared users, its profile on the router). Vouchers
/// already made keep their price.
#[utoipa::path(put, path = "/api/v2/plans/{id}", tag = "vouchers", request_body = PlanInput,
    params(("id" = i64, Path)), security(("bearer" = []), ("cookie" = [])),
    responses((status = 200, body = Plan), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody),
               (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody),
               (status = 422, body = ErrorBody)))]
async fn update_plan(
    State(services): State<Services>,
    caller: AuthUser,
    ApiPath(id): ApiPath<i64>,
    ApiJson(body): ApiJson<PlanInput>,
) -> Result<axum::Json<Plan>, ApiError> {
    let actor = caller.require(&[Role::Admin])?.principal.actor();
    let plan = plans::update_plan(&services.pool, id, body, actor).await?;
    Ok(axum::Json(plan))
}

/// Switches a plan on or off.
#[utoipa::path(put, path = "/api/v2/plans/{id}/active", tag = "vouchers", request_body = PlanActive,
    params(("id" = i64, Path)), security(("bearer" = []), ("cookie" = [])),
    responses((status = 200, body = Plan), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody),
               (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
async fn set_plan_active(
    State(services): State<Services>,
    caller: AuthUser,
    ApiPath(id): ApiPath<i64>,
    ApiJson(body): ApiJson<PlanActive>,
) -> Result<axum::Json<Plan>, ApiError> {
    let actor = caller.require(&[Role::Admin])?.principal.actor();
    let plan = plans::set_plan_active(&services.pool, id, body.active, actor).await?;
    Ok(axum::Json(plan))
}

/// Reads the router's hotspot and PPPoE profiles now (it also happens every hour).
#[utoipa::path(post, path = "/api/v2/routers/{id}/sync-profiles", tag = "routers",
    params(("id" = i64, Path)), security(("bearer" = []), ("cookie" = [])),
    responses((status = 200, body = ProfileSync), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody),
               (status = 404, body = ErrorBody), (status = 502, description = "Router unreachable", body = ErrorBody)))]
async fn sync_profiles(
    State(services): State<Services>,
    caller: AuthUser,
    ApiPath(id): ApiPath<i64>,
) -> Result<axum::Json<ProfileSync>, ApiError> {
    caller.require(&[Role::Admin])?;
    Ok(axum::Json(
        billing::routers::profiles::sync_profiles(&services.pool, &services.routers, id).await?,
    ))
}

/// Compares vouchers with the router now: missing users are queued again, unknown users with our
/// marker are listed.
#[utoipa::path(post, path = "/api/v2/routers/{id}/reconcile", tag = "routers",
    params(("id" = i64, Path)), security(("bearer" = []), ("cookie" = [])),
    responses((status = 200, body = ReconcileReport), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody),
               (status = 404, body = ErrorBody), (status = 502, description = "Router unreachable", body = ErrorBody)))]
async fn reconcile(
    State(services): State<Services>,
    caller: AuthUser,
    ApiPath(id): ApiPath<i64>,
) -> Result<axum::Json<ReconcileReport>, ApiError> {
    caller.require(&[Role::Admin])?;
    let report = services.reconcile(id).await?;
    Ok(axum::Json(report))
}

/// Creates a batch of vouchers in one transaction and queues their hotspot users for the router.
/// Follow the router side with `GET /api/v2/vouchers/batches/{id}`.
#[utoipa::path(post, path = "/api/v2/vouchers/batch", tag = "vouchers", request_body = BatchInput,
    security(("bearer" = []), ("cookie" = [])),
    responses((status = 201, body = BatchCreated), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody),
               (status = 403, body = ErrorBody), (status = 422, body = ErrorBody)))]
async fn create_batch(
    State(services): State<Services>,
    caller: AuthUser,
    ApiJson(body): ApiJson<BatchInput>,
) -> Result<(StatusCode, axum::Json<BatchCreated>), ApiError> {
    let actor = caller.require(&[Role::Admin])?.principal.actor();
    let created = vouchers::create_batch(&services.pool, body, actor).await?;
    Ok((StatusCode::CREATED, axum::Json(created)))
}

/// The newest batches with their progress.
#[utoipa::path(get, path = "/api/v2/vouchers/batches", tag = "vouchers",
    security(("bearer" = []), ("cookie" = [])),
    responses((status = 200, body = serde_json::Value), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody)))]
async fn list_batches(
    State(services): State<Services>,
    caller: AuthUser,
) -> Result<axum::Json<Vec<BatchSummary>>, ApiError> {
    caller.require(&[Role::Admin])?;
    Ok(axum::Json(vouchers::batches(&services.pool, 50).await?))
}

/// How far a batch has reached its router: pushed, pending (with the reason it waits) and failed
/// (with the router's messages).
#[utoipa::path(get, path = "/api/v2/vouchers/batches/{id}", tag = "vouchers",
    params(("id" = i64, Path)), security(("bearer" = []), ("cookie" = [])),
    responses((status = 200, body = serde_json::Value), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody),
               (status = 404, body = ErrorBody)))]
async fn batch_progress(
    State(services): State<Services>,
    caller: AuthUser,
    ApiPath(id): ApiPath<i64>,
) -> Result<axum::Json<BatchProgress>, ApiError> {
    caller.require(&[Role::Admin])?;
    vouchers::batch_progress(&services.pool, id)
        .await?
        .map(axum::Json)
        .ok_or(ApiError::NotFound)
}

/// Vouchers, newest first, filtered.
#[utoipa::path(get, path = "/api/v2/vouchers", tag = "vouchers", params(VoucherFilter),
    security(("bearer" = []), ("cookie" = [])),
    responses((status = 200, body = serde_json::Value), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody),
               (status = 403, body = ErrorBody), (status = 422, body = ErrorBody)))]
async fn list_vouchers(
    State(services): State<Services>,
    caller: AuthUser,
    ApiQuery(filter): ApiQuery<VoucherFilter>,
) -> Result<axum::Json<Vec<Voucher>>, ApiError> {
    caller.require(&[Role::Admin])?;
    Ok(axum::Json(vouchers::list(&services.pool, &filter).await?))
}

async fn withdraw(
    services: &Services,
    caller: &AuthUser,
    id: i64,
    delete: bool,
) -> Result<StatusCode, ApiError> {
    let actor = caller.require(&[Role::Admin])?.principal.actor();
    vouchers::get(&services.pool, id).await?;
    vouchers::withdraw(&services.pool, &[id], delete, actor).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Disables a voucher here and on the router (its user stays, disabled; a session is ended).
#[utoipa::path(post, path = "/api/v2/vouchers/{id}/disable", tag = "vouchers",
    params(("id" = i64, Path)), security(("bearer" = []), ("cookie" = [])),
    responses((status = 204, description = "Disabled"), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody),
               (status = 404, body = ErrorBody)))]
async fn disable_voucher(
    State(services): State<Services>,
    caller: AuthUser,
    ApiPath(id): ApiPath<i64>,
) -> Result<StatusCode, ApiError> {
    withdraw(&services, &caller, id, false).await
}

/// Deletes a voucher here and its user on the router.
#[utoipa::path(delete, path = "/api/v2/vouchers/{id}", tag = "vouchers",
    params(("id" = i64, Path)), security(("bearer" = []), ("cookie" = [])),
    responses((status = 204, description = "Deleted"), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody),
               (status = 404, body = ErrorBody)))]
async fn delete_voucher(
    State(services): State<Services>,
    caller: AuthUser,
    ApiPath(id): ApiPath<i64>,
) -> Result<StatusCode, ApiError> {
    withdraw(&services, &caller, id, true).await
}
