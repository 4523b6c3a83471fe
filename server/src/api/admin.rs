//! `/api/v2/admin`: figures for the admin dashboard.

use super::auth::AuthUser;
use super::error::{ApiError, ErrorBody};
use crate::state::AppState;
use axum::extract::State;
use billing::Services;
use domain::Role;
use domain::model::accounts::Summary;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

pub fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(summary))
}

/// Head counts for the admin dashboard. Admins only.
#[utoipa::path(
    get,
    path = "/api/v2/admin/summary",
    tag = "admin",
    security(("bearer" = []), ("cookie" = [])),
    responses(
        (status = 200, description = "Figures", body = Summary),
        (status = 401, description = "Not logged in", body = ErrorBody),
        (status = 403, description = "Not an admin", body = ErrorBody),
    )
)]
async fn summary(
    State(services): State<Services>,
    caller: AuthUser,
) -> Result<axum::Json<Summary>, ApiError> {
    caller.require(&[Role::Admin])?;
    Ok(axum::Json(
        billing::identity::accounts::counts(&services.pool).await?,
    ))
}
