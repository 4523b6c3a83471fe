//! `/api/v2/admin`: figures for the admin dashboard, and the staff users with their sessions.

use super::auth::AuthUser;
use super::error::{ApiError, ApiJson, ApiPath, ErrorBody};
use crate::state::AppState;
use axum::extract::State;
use axum::http::StatusCode;
use billing::Services;
use domain::Role;
use domain::model::accounts::{LoginSession, SessionsEnded, StaffChange, StaffMember, Summary};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

pub fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(summary))
        .routes(routes!(staff_list))
        .routes(routes!(staff_update))
        .routes(routes!(staff_sessions, staff_end_sessions))
        .routes(routes!(staff_end_session))
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

/// Every staff user (admins and cashiers), admins first. Admins only.
#[utoipa::path(get, path = "/api/v2/admin/staff", tag = "admin",
    security(("bearer" = []), ("cookie" = [])),
    responses(
        (status = 200, body = Vec<StaffMember>),
        (status = 401, body = ErrorBody), (status = 403, body = ErrorBody),
    ))]
async fn staff_list(
    State(services): State<Services>,
    caller: AuthUser,
) -> Result<axum::Json<Vec<StaffMember>>, ApiError> {
    caller.require(&[Role::Admin])?;
    Ok(axum::Json(services.staff.list().await?))
}

/// Renames a staff user, changes their role, or (de)activates them. A role change or a
/// deactivation ends every session of the user at once (their tokens and cookies stop working).
/// The last active admin cannot be demoted or deactivated (409 `last_admin`). Admins only.
#[utoipa::path(put, path = "/api/v2/admin/staff/{id}", tag = "admin",
    security(("bearer" = []), ("cookie" = [])),
    params(("id" = i64, Path)),
    request_body = StaffChange,
    responses(
        (status = 200, body = StaffMember),
        (status = 400, body = ErrorBody), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody),
        (status = 404, body = ErrorBody),
        (status = 409, description = "The last active admin (`last_admin`)", body = ErrorBody),
        (status = 422, body = ErrorBody),
    ))]
async fn staff_update(
    State(services): State<Services>,
    caller: AuthUser,
    ApiPath(id): ApiPath<i64>,
    ApiJson(body): ApiJson<StaffChange>,
) -> Result<axum::Json<StaffMember>, ApiError> {
    let actor = caller.require(&[Role::Admin])?.principal.actor();
    Ok(axum::Json(services.staff.update(id, body, actor).await?))
}

/// A staff user's live login sessions (browser cookies and API tokens), oldest first. Admins only.
#[utoipa::path(get, path = "/api/v2/admin/staff/{id}/sessions", tag = "admin",
    security(("bearer" = []), ("cookie" = [])),
    params(("id" = i64, Path)),
    responses(
        (status = 200, body = Vec<LoginSession>),
        (status = 400, body = ErrorBody), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody),
        (status = 404, body = ErrorBody),
    ))]
async fn staff_sessions(
    State(services): State<Services>,
    caller: AuthUser,
    ApiPath(id): ApiPath<i64>,
) -> Result<axum::Json<Vec<LoginSession>>, ApiError> {
    caller.require(&[Role::Admin])?;
    Ok(axum::Json(services.staff.sessions(id).await?))
}

/// Ends every session of a staff user at once. Admins only.
#[utoipa::path(delete, path = "/api/v2/admin/staff/{id}/sessions", tag = "admin",
    security(("bearer" = []), ("cookie" = [])),
    params(("id" = i64, Path)),
    responses(
        (status = 200, body = SessionsEnded),
        (status = 400, body = ErrorBody), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody),
        (status = 404, body = ErrorBody),
    ))]
async fn staff_end_sessions(
    State(services): State<Services>,
    caller: AuthUser,
    ApiPath(id): ApiPath<i64>,
) -> Result<axum::Json<SessionsEnded>, ApiError> {
    let actor = caller.require(&[Role::Admin])?.principal.actor();
    let ended = services.staff.end_sessions(id, actor).await?;
    Ok(axum::Json(SessionsEnded { ended }))
}

/// Ends one session of a staff user, by the id the session list gives. Admins only.
#[utoipa::path(delete, path = "/api/v2/admin/staff/{id}/sessions/{session}", tag = "admin",
    security(("bearer" = []), ("cookie" = [])),
    params(("id" = i64, Path), ("session" = String, Path)),
    responses(
        (status = 204, description = "Ended"),
        (status = 400, body = ErrorBody), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody),
        (status = 404, body = ErrorBody),
    ))]
async fn staff_end_session(
    State(services): State<Services>,
    caller: AuthUser,
    ApiPath((id, session)): ApiPath<(i64, String)>,
) -> Result<StatusCode, ApiError> {
    let actor = caller.require(&[Role::Admin])?.principal.actor();
    services.staff.end_session(id, &session, actor).await?;
    Ok(StatusCode::NO_CONTENT)
}
