//! `/api/v2/admin`: figures for the admin dashboard.

use super::auth::AuthUser;
use super::error::{ApiError, ErrorBody};
use crate::state::AppState;
use axum::extract::State;
use billing::Services;
use domain::Role;
use serde::Serialize;
use utoipa::ToSchema;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

pub fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(summary))
}

#[derive(Debug, Serialize, ToSchema)]
pub struct SummaryResponse {
    pub customers: i64,
    pub active_staff: i64,
    /// Sum of customer balances, whole rupiah (credit minus debt).
    pub balance_total: i64,
}

/// Head counts for the admin dashboard. Admins only.
#[utoipa::path(
    get,
    path = "/api/v2/admin/summary",
    tag = "admin",
    security(("bearer" = []), ("cookie" = [])),
    responses(
        (status = 200, description = "Figures", body = SummaryResponse),
        (status = 401, description = "Not logged in", body = ErrorBody),
        (status = 403, description = "Not an admin", body = ErrorBody),
    )
)]
async fn summary(
    State(services): State<Services>,
    caller: AuthUser,
) -> Result<axum::Json<SummaryResponse>, ApiError> {
    caller.require(&[Role::Admin])?;
    let counts = billing::identity::accounts::counts(&services.pool).await?;
    Ok(axum::Json(SummaryResponse {
        customers: counts.customers,
        active_staff: counts.staff,
        balance_total: counts.balance_total,
    }))
}
