//! `GET /health`: the service and what it depends on (docs/ARCHITECTURE.md, "Health").

use super::auth::AuthUser;
use super::error::{ApiError, ErrorBody};
use crate::state::AppState;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode, header};
use billing::Services;
use billing::core::health::{HealthReport, Status};
use domain::Role;
use secrecy::ExposeSecret;
use subtle::ConstantTimeEq;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

pub fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(health))
}

/// Health of the service and what it depends on, with latencies. 200 when healthy or degraded,
/// 503 when a critical dependency (database, Redis) fails. Answered from cached probes: each
/// router is probed at most once per `health.router_probe_interval_seconds`.
///
/// Anyone gets the status of each kind of dependency (`database`, `redis`, `routers`) without
/// names or error texts. An admin (cookie or bearer token), or the monitoring token configured
/// as `health.monitoring_token` (`Authorization: Bearer <token>`), gets every router by name with
/// its error.
#[utoipa::path(
    get,
    path = "/health",
    tag = "operations",
    security((), ("bearer" = []), ("cookie" = [])),
    responses(
        (status = 200, description = "Healthy or degraded", body = HealthReport,
         example = json!({"status": "degraded", "checks": [
             {"name": "database", "status": "healthy", "critical": true, "latency_ms": 0.8},
             {"name": "redis", "status": "healthy", "critical": true, "latency_ms": 0.3},
             {"name": "routers", "status": "unhealthy", "critical": false, "latency_ms": 5000.0}]})),
        (status = 401, description = "An `Authorization` header that is neither the monitoring token nor a valid token", body = ErrorBody),
        (status = 503, description = "Unhealthy", body = HealthReport),
    )
)]
async fn health(
    State(services): State<Services>,
    headers: HeaderMap,
    caller: Result<AuthUser, ApiError>,
) -> Result<(StatusCode, axum::Json<HealthReport>), ApiError> {
    let detailed = monitoring_token_given(&services, &headers)
        || match caller {
            Ok(caller) => caller.0.principal.require(&[Role::Admin]).is_ok(),
            // A wrong token is said to be wrong; no credentials at all is the public answer.
            Err(error) if headers.contains_key(header::AUTHORIZATION) => return Err(error),
            Err(_) => false,
        };
    let report = services.health().await;
    let status = match report.status {
        Status::Unhealthy => StatusCode::SERVICE_UNAVAILABLE,
        Status::Healthy | Status::Degraded => StatusCode::OK,
    };
    let report = if detailed { report } else { report.public() };
    Ok((status, axum::Json(report)))
}

fn monitoring_token_given(services: &Services, headers: &HeaderMap) -> bool {
    let Some(expected) = &services.config.health.monitoring_token else {
        return false;
    };
    headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "))
        .is_some_and(|given| {
            bool::from(
                given
                    .trim()
                    .as_bytes()
                    .ct_eq(expected.expose_secret().as_bytes()),
            )
        })
}
