//! `/api/v2/auth`: register, login, logout, me; and the extractor that authenticates requests.

use super::error::{ApiError, ApiJson, ErrorBody};
use crate::state::AppState;
use axum::extract::{ConnectInfo, FromRequestParts, State};
use axum::http::StatusCode;
use axum::http::request::Parts;
use axum::response::IntoResponse;
use billing::Services;
use billing::identity::accounts;
use billing::identity::auth::Authenticated;
use billing::identity::principal::PrincipalKind;
use domain::model::accounts::{Customer, LoginRequest, LoginResponse, Me, Registration};
use domain::{CustomerId, Role, StaffUserId};
use std::net::SocketAddr;
use tower_sessions::Session;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

pub fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(register))
        .routes(routes!(login))
        .routes(routes!(logout))
        .routes(routes!(me))
}

/// An authenticated caller: by `Authorization: Bearer <token>` (API clients) or by the cookie
/// session (the browser). Rejects with 401 otherwise.
#[derive(Debug, Clone)]
pub struct AuthUser(pub Authenticated);

impl AuthUser {
    /// 403 unless the caller has one of `roles`.
    pub fn require(&self, roles: &[Role]) -> Result<&Authenticated, ApiError> {
        self.0.principal.require(roles)?;
        Ok(&self.0)
    }
}

impl FromRequestParts<AppState> for AuthUser {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, ApiError> {
        let services = &state.services;
        if let Some(value) = parts.headers.get(axum::http::header::AUTHORIZATION) {
            let token = value
                .to_str()
                .ok()
                .and_then(|v| v.strip_prefix("Bearer "))
                .ok_or(ApiError::Unauthenticated)?;
            return Ok(AuthUser(
                services.auth.authenticate_token(token.trim()).await?,
            ));
        }
        let session = Session::from_request_parts(parts, state)
            .await
            .map_err(|_| ApiError::Unauthenticated)?;
        app::auth::ssr::authenticated_by(services, &session)
            .await?
            .map(AuthUser)
            .ok_or(ApiError::Unauthenticated)
    }
}

/// The client's address: the connection's peer, or the client a trusted reverse proxy names in
/// `X-Forwarded-For` (see `billing::core::client_address`). `None` without connect info (tests).
#[derive(Debug, Clone, Copy)]
pub struct ClientIp(pub Option<std::net::IpAddr>);

/// The reverse proxies whose `X-Forwarded-For` is believed (`trusted_proxies`), for [`ClientIp`].
#[derive(Debug, Clone, Default)]
pub struct TrustedProxies(pub std::sync::Arc<[ipnet::IpNet]>);

impl<S: Send + Sync> FromRequestParts<S> for ClientIp {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Self::Rejection> {
        let Some(ConnectInfo(peer)) = parts.extensions.get::<ConnectInfo<SocketAddr>>() else {
            return Ok(ClientIp(None));
        };
        let trusted = parts
            .extensions
            .get::<TrustedProxies>()
            .cloned()
            .unwrap_or_default();
        let forwarded_for = parts
            .headers
            .get("x-forwarded-for")
            .and_then(|v| v.to_str().ok());
        Ok(ClientIp(Some(
            billing::core::client_address::client_address(peer.ip(), forwarded_for, &trusted.0),
        )))
    }
}

/// Registers a customer.
#[utoipa::path(
    post,
    path = "/api/v2/auth/register",
    tag = "auth",
    request_body = Registration,
    responses(
        (status = 201, description = "Registered", body = Customer),
        (status = 400, description = "Body is not JSON", body = ErrorBody),
        (status = 409, description = "The WhatsApp number or the email belongs to an account (`already_registered`; which one is not said)", body = ErrorBody),
        (status = 422, description = "A field is invalid", body = ErrorBody),
        (status = 429, description = "Too many registrations from this address, or from everyone, this hour; see `Retry-After`", body = ErrorBody),
    )
)]
async fn register(
    State(services): State<Services>,
    ClientIp(client_ip): ClientIp,
    ApiJson(body): ApiJson<Registration>,
) -> Result<(StatusCode, axum::Json<Customer>), ApiError> {
    let customer = services.auth.register(body, client_ip).await?;
    Ok((StatusCode::CREATED, axum::Json(customer)))
}

async fn me_of(services: &Services, auth: &Authenticated) -> Result<Me, ApiError> {
    let principal = &auth.principal;
    let mut me = Me {
        id: principal.id,
        name: principal.name.clone(),
        role: principal.role,
        home: principal.role.home_path().to_owned(),
        username: None,
        whatsapp: None,
        email: None,
        balance: None,
    };
    match principal.kind {
        PrincipalKind::Staff => {
            let staff = accounts::staff_user(&services.pool, StaffUserId(principal.id))
                .await?
                .ok_or(ApiError::Unauthenticated)?;
            me.name = staff.name;
            me.username = Some(staff.username);
        }
        PrincipalKind::Customer => {
            let customer = accounts::customer(&services.pool, CustomerId(principal.id))
                .await?
                .ok_or(ApiError::Unauthenticated)?;
            me.name = customer.name;
            me.whatsapp = Some(customer.whatsapp);
            me.email = customer.email;
            me.balance = Some(customer.balance.amount());
        }
    }
    Ok(me)
}

/// Logs in: returns a bearer token and also starts the browser's cookie session.
/// Failed attempts are limited per username and per client address (429 with `Retry-After`).
#[utoipa::path(
    post,
    path = "/api/v2/auth/login",
    tag = "auth",
    request_body = LoginRequest,
    responses(
        (status = 200, description = "Logged in", body = LoginResponse),
        (status = 400, description = "Body is not JSON", body = ErrorBody),
        (status = 401, description = "Wrong username or password", body = ErrorBody),
        (status = 422, description = "Username or password empty", body = ErrorBody),
        (status = 429, description = "Too many failed attempts", body = ErrorBody,
         headers(("Retry-After" = u64, description = "Seconds to wait"))),
    )
)]
async fn login(
    State(services): State<Services>,
    ClientIp(client_ip): ClientIp,
    session: Session,
    ApiJson(body): ApiJson<LoginRequest>,
) -> Result<axum::Json<LoginResponse>, ApiError> {
    let success = services
        .auth
        .login(&body.username, body.password.into(), client_ip)
        .await?;
    app::auth::ssr::bind_login(&session, &services, &success.authenticated.session_id).await?;
    let user = me_of(&services, &success.authenticated).await?;
    Ok(axum::Json(LoginResponse {
        token: success.token,
        token_type: "Bearer".to_owned(),
        expires_at: success.expires_at,
        user,
    }))
}

/// Logs out: the token and the cookie session of this login stop working at once.
#[utoipa::path(
    post,
    path = "/api/v2/auth/logout",
    tag = "auth",
    security(("bearer" = []), ("cookie" = [])),
    responses(
        (status = 204, description = "Logged out"),
        (status = 401, description = "Not logged in", body = ErrorBody),
    )
)]
async fn logout(
    State(services): State<Services>,
    AuthUser(auth): AuthUser,
    session: Session,
) -> Result<impl IntoResponse, ApiError> {
    services.auth.logout(&auth.session_id).await?;
    if let Err(e) = session.flush().await {
        tracing::warn!(error = %e, "cannot clear the cookie session");
    }
    Ok(StatusCode::NO_CONTENT)
}

/// The caller's own account.
#[utoipa::path(
    get,
    path = "/api/v2/auth/me",
    tag = "auth",
    security(("bearer" = []), ("cookie" = [])),
    responses(
        (status = 200, description = "The caller", body = Me),
        (status = 401, description = "Not logged in", body = ErrorBody),
    )
)]
async fn me(
    State(services): State<Services>,
    AuthUser(auth): AuthUser,
) -> Result<axum::Json<Me>, ApiError> {
    Ok(axum::Json(me_of(&services, &auth).await?))
}
