//! `/api/v2/routers`: register MikroTik routers, read their live status. Admins only.

use super::auth::AuthUser;
use super::error::{ApiError, ApiJson, ErrorBody};
use crate::state::AppState;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use billing::Services;
use billing::routers::{RouterInput, RouterStatus, RouterSummary};
use domain::Role;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

pub fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list, create))
        .routes(routes!(get_one, update, remove))
        .routes(routes!(status))
}

#[derive(Debug, Deserialize, ToSchema)]
pub struct RouterRequest {
    #[schema(example = "Tower A")]
    pub name: String,
    /// IP address or host name of the router's API.
    #[schema(example = "192.168.88.1")]
    pub host: String,
    /// Defaults to 8728, or 8729 with TLS.
    pub port: Option<u16>,
    #[serde(default)]
    pub use_tls: bool,
    /// SHA-256 fingerprint (hex) of the router's self-signed certificate, to pin it.
    pub tls_fingerprint: Option<String>,
    #[schema(example = "billing")]
    pub username: String,
    /// Required when adding; leave out when editing to keep the stored one. Stored encrypted.
    pub password: Option<String>,
    /// The hotspot's login page; voucher QR codes open it with the code filled in. Defaults to
    /// `http://10.5.50.1/login`.
    #[schema(example = "http://hotspot.example.net/login")]
    pub hotspot_login_url: Option<String>,
}

impl From<RouterRequest> for RouterInput {
    fn from(r: RouterRequest) -> Self {
        RouterInput {
            name: r.name,
            host: r.host,
            port: r.port,
            use_tls: r.use_tls,
            tls_fingerprint: r.tls_fingerprint,
            username: r.username,
            password: r.password,
            hotspot_login_url: r.hotspot_login_url,
        }
    }
}

/// A router; the password is never returned.
#[derive(Debug, Serialize, ToSchema)]
pub struct RouterResponse {
    pub id: i64,
    pub name: String,
    pub host: String,
    pub port: u16,
    pub use_tls: bool,
    pub tls_fingerprint: Option<String>,
    pub username: String,
    pub hotspot_login_url: Option<String>,
    pub identity: Option<String>,
    pub routeros_version: Option<String>,
    pub last_seen_at: Option<chrono::DateTime<chrono::Utc>>,
    pub last_error: Option<String>,
}

impl From<RouterSummary> for RouterResponse {
    fn from(r: RouterSummary) -> Self {
        RouterResponse {
            id: r.id,
            name: r.name,
            host: r.host,
            port: r.port,
            use_tls: r.use_tls,
            tls_fingerprint: r.tls_fingerprint,
            username: r.username,
            hotspot_login_url: r.hotspot_login_url,
            identity: r.identity,
            routeros_version: r.routeros_version,
            last_seen_at: r.last_seen_at,
            last_error: r.last_error,
        }
    }
}

/// Live state read over the router's API just now.
#[derive(Debug, Serialize, ToSchema)]
pub struct RouterStatusResponse {
    pub router_id: i64,
    pub reachable: bool,
    pub latency_ms: f64,
    pub identity: Option<String>,
    pub version: Option<String>,
    pub uptime_seconds: Option<u64>,
    pub cpu_load_percent: Option<u64>,
    pub free_memory: Option<u64>,
    pub total_memory: Option<u64>,
    /// Why the router could not be reached.
    pub error: Option<String>,
}

impl From<RouterStatus> for RouterStatusResponse {
    fn from(s: RouterStatus) -> Self {
        RouterStatusResponse {
            router_id: s.router_id,
            reachable: s.reachable,
            latency_ms: s.latency_ms,
            identity: s.identity,
            version: s.version,
            uptime_seconds: s.uptime_seconds,
            cpu_load_percent: s.cpu_load_percent,
            free_memory: s.free_memory,
            total_memory: s.total_memory,
            error: s.error,
        }
    }
}

/// Every router.
#[utoipa::path(get, path = "/api/v2/routers", tag = "routers",
    security(("bearer" = []), ("cookie" = [])),
    responses(
        (status = 200, body = Vec<RouterResponse>),
        (status = 401, body = ErrorBody), (status = 403, body = ErrorBody),
    ))]
async fn list(
    State(services): State<Services>,
    caller: AuthUser,
) -> Result<axum::Json<Vec<RouterResponse>>, ApiError> {
    caller.require(&[Role::Admin])?;
    let routers = services.routers.list().await?;
    Ok(axum::Json(routers.into_iter().map(Into::into).collect()))
}

/// Registers a router. Its API password is stored encrypted (AES-256-GCM).
#[utoipa::path(post, path = "/api/v2/routers", tag = "routers",
    security(("bearer" = []), ("cookie" = [])),
    request_body = RouterRequest,
    responses(
        (status = 201, body = RouterResponse),
        (status = 400, body = ErrorBody), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody),
        (status = 409, description = "Name taken", body = ErrorBody),
        (status = 422, body = ErrorBody),
    ))]
async fn create(
    State(services): State<Services>,
    caller: AuthUser,
    ApiJson(body): ApiJson<RouterRequest>,
) -> Result<(StatusCode, axum::Json<RouterResponse>), ApiError> {
    let actor = caller.require(&[Role::Admin])?.principal.actor();
    let router = services.routers.create(body.into(), actor).await?;
    Ok((StatusCode::CREATED, axum::Json(router.into())))
}

/// One router.
#[utoipa::path(get, path = "/api/v2/routers/{id}", tag = "routers",
    security(("bearer" = []), ("cookie" = [])),
    params(("id" = i64, Path)),
    responses(
        (status = 200, body = RouterResponse),
        (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody),
    ))]
async fn get_one(
    State(services): State<Services>,
    caller: AuthUser,
    Path(id): Path<i64>,
) -> Result<axum::Json<RouterResponse>, ApiError> {
    caller.require(&[Role::Admin])?;
    Ok(axum::Json(services.routers.get(id).await?.into()))
}

/// Edits a router; without `password` the stored one is kept.
#[utoipa::path(put, path = "/api/v2/routers/{id}", tag = "routers",
    security(("bearer" = []), ("cookie" = [])),
    params(("id" = i64, Path)),
    request_body = RouterRequest,
    responses(
        (status = 200, body = RouterResponse),
        (status = 400, body = ErrorBody), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody),
        (status = 404, body = ErrorBody), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody),
    ))]
async fn update(
    State(services): State<Services>,
    caller: AuthUser,
    Path(id): Path<i64>,
    ApiJson(body): ApiJson<RouterRequest>,
) -> Result<axum::Json<RouterResponse>, ApiError> {
    let actor = caller.require(&[Role::Admin])?.principal.actor();
    Ok(axum::Json(
        services
            .routers
            .update(id, body.into(), actor)
            .await?
            .into(),
    ))
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
    Path(id): Path<i64>,
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
        (status = 200, body = RouterStatusResponse),
        (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody),
    ))]
async fn status(
    State(services): State<Services>,
    caller: AuthUser,
    Path(id): Path<i64>,
) -> Result<axum::Json<RouterStatusResponse>, ApiError> {
    caller.require(&[Role::Admin])?;
    Ok(axum::Json(services.routers.status(id).await?.into()))
}
