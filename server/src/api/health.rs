//! `GET /health`: the service and what it depends on (docs/ARCHITECTURE.md, "Health").

use crate::state::AppState;
use axum::extract::State;
use axum::http::StatusCode;
use billing::Services;
use billing::core::health::{HealthReport, Status};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

pub fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(health))
}

/// Health of the service and what it depends on, with latencies. 200 when healthy or degraded,
/// 503 when a critical dependency (database, Redis) fails.
#[utoipa::path(
    get,
    path = "/health",
    tag = "operations",
    responses(
        (status = 200, description = "Healthy or degraded", body = HealthReport,
         example = json!({"status": "healthy", "checks": [{"name": "database", "status": "healthy", "critical": true, "latency_ms": 0.8}]})),
        (status = 503, description = "Unhealthy", body = HealthReport),
    )
)]
async fn health(State(services): State<Services>) -> (StatusCode, axum::Json<HealthReport>) {
    let report = services.health().await;
    let status = match report.status {
        Status::Unhealthy => StatusCode::SERVICE_UNAVAILABLE,
        Status::Healthy | Status::Degraded => StatusCode::OK,
    };
    (status, axum::Json(report))
}
