//! `/api/v2/plans` and `/api/v2/vouchers`: plans, voucher batches (spec 4.1) and their progress,
//! the voucher list; profile sync and reconciliation of a router. Admins only.

use super::auth::AuthUser;
use super::error::{ApiError, ApiJson, ErrorBody};
use crate::state::AppState;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use billing::Services;
use billing::catalog::{self, PlanInput};
use billing::vouchers::{self, BatchInput, VoucherFilter};
use domain::{PasswordMode, Role};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
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

#[derive(Debug, Deserialize, ToSchema)]
pub struct PlanRequest {
    pub router_id: i64,
    #[schema(example = "Harian 1 hari")]
    pub name: String,
    /// Whole rupiah.
    #[schema(example = 5000)]
    pub price: i64,
    /// From the first login: `3h`, `1d`, `7d`, `30d`, `1d12h`…
    #[schema(example = "1d")]
    pub validity: String,
    /// Usage time allowed (limit-uptime), e.g. `5h`.
    pub time_quota: Option<String>,
    /// Data allowed (limit-bytes-total), megabytes.
    pub data_quota_mb: Option<i64>,
    /// Hotspot user profile of the plan's vouchers.
    #[schema(example = "voucher-1d")]
    pub profile: String,
    /// When given (with or without `shared_users`), the profile is created or updated on the router.
    #[schema(example = "2M/5M")]
    pub rate_limit: Option<String>,
    pub shared_users: Option<u32>,
}

impl From<PlanRequest> for PlanInput {
    fn from(body: PlanRequest) -> Self {
        PlanInput {
            router_id: body.router_id,
            name: body.name,
            price: body.price,
            validity: body.validity,
            time_quota: body.time_quota,
            data_quota_mb: body.data_quota_mb,
            profile: body.profile,
            rate_limit: body.rate_limit,
            shared_users: body.shared_users,
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct PlanResponse {
    pub id: i64,
    pub router_id: i64,
    pub name: String,
    pub price: i64,
    #[schema(example = "1d")]
    pub validity: String,
    pub time_quota_seconds: Option<i64>,
    pub data_quota_bytes: Option<i64>,
    pub profile: Option<String>,
    pub active: bool,
}

impl From<catalog::Plan> for PlanResponse {
    fn from(p: catalog::Plan) -> Self {
        PlanResponse {
            id: p.id,
            router_id: p.router_id,
            name: p.name,
            price: p.price.amount(),
            validity: p.validity.to_string(),
            time_quota_seconds: p.time_quota_seconds,
            data_quota_bytes: p.data_quota_bytes,
            profile: p.profile,
            active: p.active,
        }
    }
}

#[derive(Debug, Deserialize, IntoParams)]
pub struct PlanQuery {
    /// Only this router's plans.
    pub router_id: Option<i64>,
}

/// Plans, cheapest first.
#[utoipa::path(get, path = "/api/v2/plans", tag = "vouchers", params(PlanQuery),
    security(("bearer" = []), ("cookie" = [])),
    responses((status = 200, body = Vec<PlanResponse>), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody)))]
async fn list_plans(
    State(services): State<Services>,
    caller: AuthUser,
    Query(query): Query<PlanQuery>,
) -> Result<axum::Json<Vec<PlanResponse>>, ApiError> {
    caller.require(&[Role::Admin, Role::Staff])?;
    let plans = catalog::plans(&services.pool, query.router_id).await?;
    Ok(axum::Json(plans.into_iter().map(Into::into).collect()))
}

/// Creates a voucher plan.
#[utoipa::path(post, path = "/api/v2/plans", tag = "vouchers", request_body = PlanRequest,
    security(("bearer" = []), ("cookie" = [])),
    responses((status = 201, body = PlanResponse), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody),
               (status = 403, body = ErrorBody), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
async fn create_plan(
    State(services): State<Services>,
    caller: AuthUser,
    ApiJson(body): ApiJson<PlanRequest>,
) -> Result<(StatusCode, axum::Json<PlanResponse>), ApiError> {
    let actor = caller.require(&[Role::Admin])?.principal.actor();
    let plan = catalog::create_plan(&services.pool, body.into(), actor).await?;
    services.outbox_wake.notify_one();
    Ok((StatusCode::CREATED, axum::Json(plan.into())))
}

/// Changes a plan (and, with a rate limit or shared users, its profile on the router). Vouchers
/// already made keep their price.
#[utoipa::path(put, path = "/api/v2/plans/{id}", tag = "vouchers", request_body = PlanRequest,
    params(("id" = i64, Path)), security(("bearer" = []), ("cookie" = [])),
    responses((status = 200, body = PlanResponse), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody),
               (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody),
               (status = 422, body = ErrorBody)))]
async fn update_plan(
    State(services): State<Services>,
    caller: AuthUser,
    Path(id): Path<i64>,
    ApiJson(body): ApiJson<PlanRequest>,
) -> Result<axum::Json<PlanResponse>, ApiError> {
    let actor = caller.require(&[Role::Admin])?.principal.actor();
    let plan = catalog::update_plan(&services.pool, id, body.into(), actor).await?;
    services.outbox_wake.notify_one();
    Ok(axum::Json(plan.into()))
}

#[derive(Debug, Deserialize, ToSchema)]
pub struct PlanActiveRequest {
    /// `false` stops selling the plan and making batches of it; vouchers already made stay valid.
    pub active: bool,
}

/// Switches a plan on or off.
#[utoipa::path(put, path = "/api/v2/plans/{id}/active", tag = "vouchers", request_body = PlanActiveRequest,
    params(("id" = i64, Path)), security(("bearer" = []), ("cookie" = [])),
    responses((status = 200, body = PlanResponse), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody),
               (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
async fn set_plan_active(
    State(services): State<Services>,
    caller: AuthUser,
    Path(id): Path<i64>,
    ApiJson(body): ApiJson<PlanActiveRequest>,
) -> Result<axum::Json<PlanResponse>, ApiError> {
    let actor = caller.require(&[Role::Admin])?.principal.actor();
    let plan = catalog::set_plan_active(&services.pool, id, body.active, actor).await?;
    Ok(axum::Json(plan.into()))
}

/// Reads the router's hotspot and PPPoE profiles now (it also happens every hour).
#[utoipa::path(post, path = "/api/v2/routers/{id}/sync-profiles", tag = "routers",
    params(("id" = i64, Path)), security(("bearer" = []), ("cookie" = [])),
    responses((status = 200, body = serde_json::Value), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody),
               (status = 404, body = ErrorBody), (status = 502, description = "Router unreachable", body = ErrorBody)))]
async fn sync_profiles(
    State(services): State<Services>,
    caller: AuthUser,
    Path(id): Path<i64>,
) -> Result<axum::Json<catalog::SyncOutcome>, ApiError> {
    caller.require(&[Role::Admin])?;
    Ok(axum::Json(
        catalog::sync_profiles(&services.pool, &services.routers, id).await?,
    ))
}

/// Compares vouchers with the router now: missing users are queued again, unknown users with our
/// marker are listed.
#[utoipa::path(post, path = "/api/v2/routers/{id}/reconcile", tag = "routers",
    params(("id" = i64, Path)), security(("bearer" = []), ("cookie" = [])),
    responses((status = 200, body = serde_json::Value), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody),
               (status = 404, body = ErrorBody), (status = 502, description = "Router unreachable", body = ErrorBody)))]
async fn reconcile(
    State(services): State<Services>,
    caller: AuthUser,
    Path(id): Path<i64>,
) -> Result<axum::Json<billing::reconcile::ReconcileReport>, ApiError> {
    caller.require(&[Role::Admin])?;
    let report = billing::reconcile::run_once(&services.pool, &services.routers, id).await?;
    services.outbox_wake.notify_one();
    Ok(axum::Json(report))
}

#[derive(Debug, Deserialize, ToSchema)]
pub struct BatchRequest {
    pub plan_id: i64,
    /// 1 to 10,000.
    #[schema(example = 100)]
    pub quantity: u32,
    /// Random symbols after the prefix (4–32); 8 when not given.
    pub code_length: Option<u8>,
    /// Symbols to draw from; by default upper-case letters and digits without 0/O/1/I/L.
    pub alphabet: Option<String>,
    #[serde(default)]
    pub prefix: String,
    /// `same` (password = code, the default) or `separate`.
    #[schema(value_type = Option<String>, example = "same")]
    pub password_mode: Option<PasswordMode>,
    pub comment: Option<String>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct NewVoucherResponse {
    pub id: i64,
    pub code: String,
    pub password: String,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct BatchResponse {
    pub batch_id: i64,
    pub router_id: i64,
    pub vouchers: Vec<NewVoucherResponse>,
}

/// Creates a batch of vouchers in one transaction and queues their hotspot users for the router.
/// Follow the router side with `GET /api/v2/vouchers/batches/{id}`.
#[utoipa::path(post, path = "/api/v2/vouchers/batch", tag = "vouchers", request_body = BatchRequest,
    security(("bearer" = []), ("cookie" = [])),
    responses((status = 201, body = BatchResponse), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody),
               (status = 403, body = ErrorBody), (status = 422, body = ErrorBody)))]
async fn create_batch(
    State(services): State<Services>,
    caller: AuthUser,
    ApiJson(body): ApiJson<BatchRequest>,
) -> Result<(StatusCode, axum::Json<BatchResponse>), ApiError> {
    let actor = caller.require(&[Role::Admin])?.principal.actor();
    let input = BatchInput {
        plan_id: body.plan_id,
        quantity: body.quantity,
        code_length: body.code_length,
        alphabet: body.alphabet,
        prefix: body.prefix,
        password_mode: body.password_mode,
        comment: body.comment,
    };
    let created = vouchers::create_batch(&services.pool, input, actor).await?;
    services.outbox_wake.notify_one();
    Ok((
        StatusCode::CREATED,
        axum::Json(BatchResponse {
            batch_id: created.batch_id,
            router_id: created.router_id,
            vouchers: created
                .vouchers
                .into_iter()
                .map(|v| NewVoucherResponse {
                    id: v.id,
                    code: v.code,
                    password: v.password,
                })
                .collect(),
        }),
    ))
}

/// The newest batches with their progress.
#[utoipa::path(get, path = "/api/v2/vouchers/batches", tag = "vouchers",
    security(("bearer" = []), ("cookie" = [])),
    responses((status = 200, body = serde_json::Value), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody)))]
async fn list_batches(
    State(services): State<Services>,
    caller: AuthUser,
) -> Result<axum::Json<Vec<vouchers::BatchSummary>>, ApiError> {
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
    Path(id): Path<i64>,
) -> Result<axum::Json<vouchers::BatchProgress>, ApiError> {
    caller.require(&[Role::Admin])?;
    vouchers::batch_progress(&services.pool, id)
        .await?
        .map(axum::Json)
        .ok_or(ApiError::NotFound)
}

#[derive(Debug, Deserialize, IntoParams)]
pub struct VoucherQuery {
    pub router_id: Option<i64>,
    pub plan_id: Option<i64>,
    pub batch_id: Option<i64>,
    /// `created`, `active`, `expired`, `disabled` or `deleted`.
    pub status: Option<String>,
    /// The start of a code.
    pub code: Option<String>,
    /// Next page: the smallest id of the previous page.
    pub before_id: Option<i64>,
    /// 1–500, default 50.
    pub limit: Option<i64>,
}

/// Vouchers, newest first, filtered.
#[utoipa::path(get, path = "/api/v2/vouchers", tag = "vouchers", params(VoucherQuery),
    security(("bearer" = []), ("cookie" = [])),
    responses((status = 200, body = serde_json::Value), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody),
               (status = 403, body = ErrorBody), (status = 422, body = ErrorBody)))]
async fn list_vouchers(
    State(services): State<Services>,
    caller: AuthUser,
    Query(query): Query<VoucherQuery>,
) -> Result<axum::Json<Vec<vouchers::VoucherRow>>, ApiError> {
    caller.require(&[Role::Admin])?;
    let filter = VoucherFilter {
        router_id: query.router_id,
        plan_id: query.plan_id,
        batch_id: query.batch_id,
        status: query.status,
        code: query.code,
        before_id: query.before_id,
        limit: query.limit,
    };
    Ok(axum::Json(vouchers::list(&services.pool, &filter).await?))
}

async fn withdraw(
    services: &Services,
    caller: &AuthUser,
    id: i64,
    delete: bool,
) -> Result<StatusCode, ApiError> {
    let actor = caller.require(&[Role::Admin])?.principal.actor();
    let exists: bool = sqlx::query_scalar("SELECT EXISTS (SELECT 1 FROM vouchers WHERE id = $1)")
        .bind(id)
        .fetch_one(&services.pool)
        .await?;
    if !exists {
        return Err(ApiError::NotFound);
    }
    vouchers::withdraw(&services.pool, &[id], delete, actor).await?;
    services.outbox_wake.notify_one();
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
    Path(id): Path<i64>,
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
    Path(id): Path<i64>,
) -> Result<StatusCode, ApiError> {
    withdraw(&services, &caller, id, true).await
}
