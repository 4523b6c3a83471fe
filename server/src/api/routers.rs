//! `/api/v2/routers`: register MikroTik routers, read their live status. Admins only.

use super::auth::AuthUser;
use super::error::{ApiError, ApiJson, ApiPath, ErrorBody};
use crate::state::AppState;
use axum::extract::State;
use axum::http::StatusCode;
use billing::Services;
use domain::Role;
use domain::model::routers::{Router, RouterInput, RouterStatus};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

pub fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list, create))
        .routes(routes!(get_one, update, remove))
        .routes(routes!(status))
}

/// Every router.
#[utoipa::path(get, path = "/api/v2/routers", tag = "routers",
    security(("bearer" = []), ("cookie" = [])),
    responses(
        (status = 200, body = Vec<Router>),
        (status = 401, body = ErrorBody), (status = 403, body = ErrorBody),
    ))]
async fn list(
    State(services): State<Services>,
    caller: AuthUser,
) -> Result<axum::Json<Vec<Router>>, ApiError> {
    caller.require(&[Role::Admin])?;
    let routers = services.routers.list().await?;
    Ok(axum::Json(routers))
}

/// Registers a router. Its API password is stored encrypted (AES-256-GCM).
#[utoipa::path(post, path = "/api/v2/routers", tag = "routers",
    security(("bearer" = []), ("cookie" = [])),
    request_body = RouterInput,
    responses(
        (status = 201, body = Router),
        (status = 400, body = ErrorBody), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody),
        (status = 409, description = "Name taken", body = ErrorBody),
        (status = 422, body = ErrorBody),
    ))]
async fn create(
    State(services): State<Services>,
    caller: AuthUser,
    ApiJson(body): ApiJson<RouterInput>,
) -> Result<(StatusCode, axum::Json<Router>), ApiError> {
    let actor = caller.require(&[Role::Admin])?.principal.actor();
    let router = services.routers.create(body, actor).await?;
    Ok((StatusCode::CREATED, axum::Json(router)))
}

/// One router.
#[utoipa::path(get, path = "/api/v2/routers/{id}", tag = "routers",
    security(("bearer" = []), ("cookie" = [])),
    params(("id" = i64, Path)),
    responses(
        (status = 200, body = Router),
        (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody),
    ))]
async fn get_one(
    State(services): State<Services>,
    caller: AuthUser,
    ApiPath(id): ApiPath<i64>,
) -> Result<axum::Json<Router>, ApiError> {
    caller.require(&[Role::Admin])?;
    Ok(axum::Json(services.routers.get(id).await?))
}

/// Edits a router; without `password` the stored one is kept.
#[utoipa::path(put, path = "/api/v2/routers/{id}", tag = "routers",
    security(("bearer" = []), ("cookie" = [])),
    params(("id" = i64, Path)),
    request_body = RouterInput,
    responses(
        (status = 200, body = Router),
        (status = 400, body = ErrorBody), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody),
        (status = 404, body = ErrorBody), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody),
    ))]
async fn update(
    State(services): State<Services>,
    caller: AuthUser,
    ApiPath(id): ApiPath<i64>,
    ApiJson(body): ApiJson<RouterInput>,
) -> Result<axum::Json<Router>, ApiError> {
    let actor = caller.require(&[Role::Admin])?.principal.actor();
    Ok(axum::Json(services.routers.update(id, body, actor).await?))
}

/// Removes a router that no plan or voucher refers to.
#[utoipa::path(delete, path = "/api/v2/routers/{id}", tag = "routers",
    security(("bearer" = []), ("cookie" = [])),
    params(("id" = i64, Path)),
    responses(
        (status = 204, description = "Removed"),
        (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody),
        (status = 409, description = "Still in use", body = ErrorBody),
    ))]
async fn remove(
    State(services): State<Services>,
    caller: AuthUser,
    ApiPath(id): ApiPath<i64>,
) -> Result<StatusCode, ApiError> {
    let actor = caller.require(&[Role::Admin])?.principal.actor();
    services.routers.delete(id, actor).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Tests the connection and reads identity, RouterOS version, uptime, CPU and memory.
/// An unreachable router is a 200 with `reachable: false` and the reason.
#[utoipa::path(get, path = "/api/v2/routers/{id}/status", tag = "routers",
    security(("bearer" = []), ("cookie" = [])),
    params(("id" = i64, Path)),
    responses(
        (status = 200, body = RouterStatus),
        (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody),
    ))]
async fn status(
    State(services): State<Services>,
    caller: AuthUser,
    ApiPath(id): ApiPath<i64>,
) -> Result<axum::Json<RouterStatus>, ApiError> {
    caller.require(&[Role::Admin])?;
    Ok(axum::Json(services.routers.status(id).await?))
}
