//! `/api/v2/subscriptions`: PPPoE subscriptions, their secrets on the routers (through the
//! outbox), isolation by hand, live sessions; and per router, the isolation setting and the
//! import of secrets made before the billing. Admins manage; cashiers (staff) read.

use super::auth::AuthUser;
use super::error::{ApiError, ApiJson, ApiPath, ApiQuery, ErrorBody};
use crate::state::AppState;
use axum::extract::State;
use axum::http::StatusCode;
use billing::Services;
use billing::pppoe::subscriptions::{self, SubscriptionFilter};
use domain::model::subscriptions::{
    ImportOutcome, ImportPreview, ImportRequest, IsolationSetting, PppSession, Subscription,
    SubscriptionAction, SubscriptionChange, SubscriptionInput, SubscriptionPage,
};
use domain::{Role, SubscriptionStatus};
use serde::Deserialize;
use utoipa::IntoParams;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

const STAFF: &[Role] = &[Role::Admin, Role::Staff];

pub fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list, create))
        .routes(routes!(get_one, change_plan, delete))
        .routes(routes!(act))
        .routes(routes!(session))
        .routes(routes!(get_isolation, set_isolation))
        .routes(routes!(import_preview, import))
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct SubscriptionQuery {
    pub customer_id: Option<i64>,
    pub router_id: Option<i64>,
    pub status: Option<SubscriptionStatus>,
    /// The `next_after` of the previous page.
    pub after: Option<i64>,
    /// 1–500; 100 when not given.
    #[param(minimum = 1, maximum = 500)]
    pub limit: Option<i64>,
}

/// Subscriptions, oldest first, a page at a time (without passwords). Admins and cashiers.
#[utoipa::path(get, path = "/api/v2/subscriptions", tag = "subscriptions", params(SubscriptionQuery),
    security(("bearer" = []), ("cookie" = [])),
    responses((status = 200, body = SubscriptionPage), (status = 400, body = ErrorBody),
               (status = 401, body = ErrorBody), (status = 403, body = ErrorBody)))]
async fn list(
    State(services): State<Services>,
    caller: AuthUser,
    ApiQuery(query): ApiQuery<SubscriptionQuery>,
) -> Result<axum::Json<SubscriptionPage>, ApiError> {
    caller.require(STAFF)?;
    let filter = SubscriptionFilter {
        customer_id: query.customer_id,
        router_id: query.router_id,
        status: query.status,
        after: query.after,
        limit: query.limit.unwrap_or(100),
    };
    Ok(axum::Json(services.subscriptions.list(&filter).await?))
}

/// Subscribes a customer to a PPPoE plan. The secret reaches the plan's router through the
/// outbox (`router_state` goes from `pending` to `synced`). The answer carries the PPPoE
/// password. Admins only.
#[utoipa::path(post, path = "/api/v2/subscriptions", tag = "subscriptions", request_body = SubscriptionInput,
    security(("bearer" = []), ("cookie" = [])),
    responses((status = 201, body = Subscription), (status = 400, body = ErrorBody),
               (status = 401, body = ErrorBody), (status = 403, body = ErrorBody),
               (status = 404, description = "No such customer", body = ErrorBody),
               (status = 409, description = "The username is taken on the router (`pppoe_username_taken`), or the customer is closed", body = ErrorBody),
               (status = 422, description = "Invalid, or not a PPPoE plan (`plan_not_pppoe`)", body = ErrorBody)))]
async fn create(
    State(services): State<Services>,
    caller: AuthUser,
    ApiJson(body): ApiJson<SubscriptionInput>,
) -> Result<(StatusCode, axum::Json<Subscription>), ApiError> {
    let actor = caller.require(&[Role::Admin])?.principal.actor();
    let created = services
        .subscriptions
        .create(body, services.today(), actor)
        .await?;
    Ok((StatusCode::CREATED, axum::Json(created)))
}

/// One subscription; its PPPoE password for admins only. Admins and cashiers.
#[utoipa::path(get, path = "/api/v2/subscriptions/{id}", tag = "subscriptions", params(("id" = i64, Path)),
    security(("bearer" = []), ("cookie" = [])),
    responses((status = 200, body = Subscription), (status = 400, body = ErrorBody),
               (status = 401, body = ErrorBody), (status = 403, body = ErrorBody),
               (status = 404, body = ErrorBody)))]
async fn get_one(
    State(services): State<Services>,
    caller: AuthUser,
    ApiPath(id): ApiPath<i64>,
) -> Result<axum::Json<Subscription>, ApiError> {
    let role = caller.require(STAFF)?.principal.role;
    let mut subscription = services.subscriptions.get(id).await?;
    if role != Role::Admin {
        subscription.pppoe_password = None;
    }
    Ok(axum::Json(subscription))
}

/// Moves a subscription to another PPPoE plan of its router from today on; its session is ended
/// so that it reconnects with the new profile. The next invoice run (within the hour) credits to
/// the balance what was billed for the days from today on (tax as billed) and invoices those
/// days at the new plan's daily rate. Admins only.
#[utoipa::path(put, path = "/api/v2/subscriptions/{id}", tag = "subscriptions", params(("id" = i64, Path)),
    request_body = SubscriptionChange, security(("bearer" = []), ("cookie" = [])),
    responses((status = 200, body = Subscription), (status = 400, body = ErrorBody),
               (status = 401, body = ErrorBody), (status = 403, body = ErrorBody),
               (status = 404, body = ErrorBody),
               (status = 422, description = "Not a PPPoE plan of the subscription's router (`plan_not_pppoe`)", body = ErrorBody)))]
async fn change_plan(
    State(services): State<Services>,
    caller: AuthUser,
    ApiPath(id): ApiPath<i64>,
    ApiJson(body): ApiJson<SubscriptionChange>,
) -> Result<axum::Json<Subscription>, ApiError> {
    let actor = caller.require(&[Role::Admin])?.principal.actor();
    Ok(axum::Json(
        services
            .subscriptions
            .change_plan(id, body.plan_id, services.today(), actor)
            .await?,
    ))
}

/// Deletes a closed subscription; its secret is removed from the router. Admins only.
#[utoipa::path(delete, path = "/api/v2/subscriptions/{id}", tag = "subscriptions", params(("id" = i64, Path)),
    security(("bearer" = []), ("cookie" = [])),
    responses((status = 204, description = "Deleted"), (status = 400, body = ErrorBody),
               (status = 401, body = ErrorBody), (status = 403, body = ErrorBody),
               (status = 404, body = ErrorBody),
               (status = 409, description = "Not closed (`subscription_not_closed`)", body = ErrorBody)))]
async fn delete(
    State(services): State<Services>,
    caller: AuthUser,
    ApiPath(id): ApiPath<i64>,
) -> Result<StatusCode, ApiError> {
    let actor = caller.require(&[Role::Admin])?.principal.actor();
    services.subscriptions.delete(id, actor).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Isolates, resumes, suspends or closes a subscription; the router follows through the
/// outbox, and the subscriber's session is ended so that it reconnects as it now should. Doing
/// what is already done changes nothing. Admins only.
#[utoipa::path(post, path = "/api/v2/subscriptions/{id}/{action}", tag = "subscriptions",
    params(("id" = i64, Path), ("action" = inline(SubscriptionAction), Path)),
    security(("bearer" = []), ("cookie" = [])),
    responses((status = 200, body = Subscription), (status = 400, body = ErrorBody),
               (status = 401, body = ErrorBody), (status = 403, body = ErrorBody),
               (status = 404, body = ErrorBody),
               (status = 409, description = "Not from this status (`subscription_transition`), e.g. resuming a closed one", body = ErrorBody)))]
async fn act(
    State(services): State<Services>,
    caller: AuthUser,
    ApiPath((id, action)): ApiPath<(i64, SubscriptionAction)>,
) -> Result<axum::Json<Subscription>, ApiError> {
    let actor = caller.require(&[Role::Admin])?.principal.actor();
    Ok(axum::Json(
        services
            .subscriptions
            .act(id, action, services.today(), actor)
            .await?,
    ))
}

/// The subscriber's session on the router now (online, address, uptime). Admins and cashiers.
#[utoipa::path(get, path = "/api/v2/subscriptions/{id}/session", tag = "subscriptions",
    params(("id" = i64, Path)), security(("bearer" = []), ("cookie" = [])),
    responses((status = 200, body = PppSession), (status = 400, body = ErrorBody),
               (status = 401, body = ErrorBody), (status = 403, body = ErrorBody),
               (status = 404, body = ErrorBody)))]
async fn session(
    State(services): State<Services>,
    caller: AuthUser,
    ApiPath(id): ApiPath<i64>,
) -> Result<axum::Json<PppSession>, ApiError> {
    caller.require(STAFF)?;
    let subscription = services.subscriptions.get(id).await?;
    let mut sessions = services
        .subscriptions
        .sessions(std::slice::from_ref(&subscription))
        .await;
    Ok(axum::Json(sessions.remove(0)))
}

/// The router's isolation setting. Admins only.
#[utoipa::path(get, path = "/api/v2/routers/{id}/isolation", tag = "subscriptions",
    params(("id" = i64, Path)), security(("bearer" = []), ("cookie" = [])),
    responses((status = 200, body = IsolationSetting), (status = 400, body = ErrorBody),
               (status = 401, body = ErrorBody), (status = 403, body = ErrorBody),
               (status = 404, body = ErrorBody)))]
async fn get_isolation(
    State(services): State<Services>,
    caller: AuthUser,
    ApiPath(id): ApiPath<i64>,
) -> Result<axum::Json<IsolationSetting>, ApiError> {
    caller.require(&[Role::Admin])?;
    Ok(axum::Json(IsolationSetting {
        isolation_profile: subscriptions::isolation_profile(&services.pool, id).await?,
    }))
}

/// Sets what isolation does on the router: move isolated subscribers' secrets to this
/// `/ppp/profile` (which the operator made on the router), or, with none, disable them.
/// Subscribers isolated now follow. Admins only.
#[utoipa::path(put, path = "/api/v2/routers/{id}/isolation", tag = "subscriptions",
    params(("id" = i64, Path)), request_body = IsolationSetting,
    security(("bearer" = []), ("cookie" = [])),
    responses((status = 200, body = IsolationSetting), (status = 400, body = ErrorBody),
               (status = 401, body = ErrorBody), (status = 403, body = ErrorBody),
               (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)))]
async fn set_isolation(
    State(services): State<Services>,
    caller: AuthUser,
    ApiPath(id): ApiPath<i64>,
    ApiJson(body): ApiJson<IsolationSetting>,
) -> Result<axum::Json<IsolationSetting>, ApiError> {
    let actor = caller.require(&[Role::Admin])?.principal.actor();
    subscriptions::set_isolation_profile(
        &services.pool,
        id,
        body.isolation_profile.as_deref(),
        actor,
    )
    .await?;
    Ok(axum::Json(IsolationSetting {
        isolation_profile: subscriptions::isolation_profile(&services.pool, id).await?,
    }))
}

/// What importing the router's `/ppp/secret`s would do: each secret not yet a subscription,
/// its customer (by the WhatsApp number in its comment) and plan (by its profile). Asks the
/// router. Admins only.
#[utoipa::path(get, path = "/api/v2/routers/{id}/ppp-import", tag = "subscriptions",
    params(("id" = i64, Path)), security(("bearer" = []), ("cookie" = [])),
    responses((status = 200, body = ImportPreview), (status = 400, body = ErrorBody),
               (status = 401, body = ErrorBody), (status = 403, body = ErrorBody),
               (status = 404, body = ErrorBody),
               (status = 502, description = "The router could not be asked", body = ErrorBody)))]
async fn import_preview(
    State(services): State<Services>,
    caller: AuthUser,
    ApiPath(id): ApiPath<i64>,
) -> Result<axum::Json<ImportPreview>, ApiError> {
    caller.require(&[Role::Admin])?;
    Ok(axum::Json(services.subscriptions.import_preview(id).await?))
}

/// Imports the router's secrets as customers and subscriptions, in one transaction; plans are
/// made (price 0, to be set) for profiles no PPPoE plan has. A secret that is already a
/// subscription is left: a second import adds nothing. Admins only.
#[utoipa::path(post, path = "/api/v2/routers/{id}/ppp-import", tag = "subscriptions",
    params(("id" = i64, Path)), request_body = ImportRequest,
    security(("bearer" = []), ("cookie" = [])),
    responses((status = 200, body = ImportOutcome), (status = 400, body = ErrorBody),
               (status = 401, body = ErrorBody), (status = 403, body = ErrorBody),
               (status = 404, body = ErrorBody), (status = 422, body = ErrorBody),
               (status = 502, description = "The router could not be asked", body = ErrorBody)))]
async fn import(
    State(services): State<Services>,
    caller: AuthUser,
    ApiPath(id): ApiPath<i64>,
    ApiJson(body): ApiJson<ImportRequest>,
) -> Result<axum::Json<ImportOutcome>, ApiError> {
    let actor = caller.require(&[Role::Admin])?.principal.actor();
    Ok(axum::Json(
        services
            .subscriptions
            .import(id, body, services.today(), actor)
            .await?,
    ))
}
