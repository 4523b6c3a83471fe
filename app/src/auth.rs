//! Login, logout, registration and "who am I" as server functions, plus the server-side helpers
//! every other server function uses to check the caller's role.

use crate::error::AppError;
use leptos::prelude::*;

pub use domain::model::accounts::User as UserInfo;

#[server(prefix = "/rpc")]
pub async fn current_user() -> Result<Option<UserInfo>, AppError> {
    Ok(ssr::authenticated().await?.map(|a| UserInfo {
        id: a.principal.id,
        name: a.principal.name,
        role: a.principal.role,
    }))
}

#[server(prefix = "/rpc")]
pub async fn login(username: String, password: String) -> Result<(), AppError> {
    let services = ssr::services()?;
    let success = services
        .auth
        .login(&username, password.into(), ssr::client_ip().await)
        .await?;
    ssr::start_browser_session(&services, &success.authenticated.session_id).await?;
    leptos_axum::redirect(success.authenticated.principal.role.home_path());
    Ok(())
}

#[server(prefix = "/rpc")]
pub async fn logout() -> Result<(), AppError> {
    let services = ssr::services()?;
    ssr::end_browser_session(&services).await?;
    leptos_axum::redirect("/login");
    Ok(())
}

#[server(prefix = "/rpc")]
pub async fn register(
    name: String,
    whatsapp: String,
    email: String,
    password: String,
) -> Result<(), AppError> {
    let services = ssr::services()?;
    services
        .auth
        .register(
            domain::model::accounts::Registration {
                name,
                whatsapp,
                email,
                password,
            },
            ssr::client_ip().await,
        )
        .await?;
    leptos_axum::redirect("/login?registered=1");
    Ok(())
}

#[cfg(feature = "ssr")]
pub mod ssr {
    use super::*;
    use billing::Services;
    use billing::identity::auth::{AuthError, Authenticated};
    use domain::Role;
    use tower_sessions::Session;

    /// The key under which a browser's cookie session keeps its login session id.
    pub const SESSION_KEY: &str = "login_session";

    pub fn services() -> Result<Services, AppError> {
        use_context::<Services>().ok_or_else(|| {
            tracing::error!("Services missing from the Leptos context");
            AppError::Internal
        })
    }

    fn session_error(error: impl std::fmt::Display) -> AppError {
        tracing::error!(error = %error, "cookie session store failed");
        AppError::Internal
    }

    async fn cookie_session() -> Result<Session, AppError> {
        leptos_axum::extract::<Session>()
            .await
            .map_err(session_error)
    }

    /// The client's address: the connection's peer, or the client a trusted reverse proxy
    /// names in `X-Forwarded-For` (`billing::core::client_address`).
    pub async fn client_ip() -> Option<std::net::IpAddr> {
        use axum::extract::ConnectInfo;
        let ConnectInfo(peer) = leptos_axum::extract::<ConnectInfo<std::net::SocketAddr>>()
            .await
            .ok()?;
        let headers = leptos_axum::extract::<axum::http::HeaderMap>().await.ok();
        let forwarded_for = headers
            .as_ref()
            .and_then(|h| h.get("x-forwarded-for"))
            .and_then(|v| v.to_str().ok());
        let trusted = services()
            .map(|s| s.config.trusted_proxies.clone())
            .unwrap_or_default();
        Some(billing::core::client_address::client_address(
            peer.ip(),
            forwarded_for,
            &trusted,
        ))
    }

    /// The login session id the browser's cookie session holds. The cookie sessions live in Redis:
    /// a store that does not answer is an error (503), not an anonymous visitor.
    async fn login_session_id(session: &Session) -> Result<Option<String>, AuthError> {
        session
            .get::<String>(SESSION_KEY)
            .await
            .map_err(AuthError::session_store)
    }

    /// Resolves a browser's cookie session to the login behind it.
    pub async fn authenticated_by(
        services: &Services,
        session: &Session,
    ) -> Result<Option<Authenticated>, AuthError> {
        let Some(session_id) = login_session_id(session).await? else {
            return Ok(None);
        };
        match services.auth.authenticate_session(&session_id).await {
            Ok(authenticated) => Ok(Some(authenticated)),
            Err(AuthError::Unauthenticated) => Ok(None),
            Err(e) => Err(e),
        }
    }

    /// Who a page request is, as the page guard found when the request arrived: the server
    /// functions that the page's rendering calls ask it here rather than Redis again.
    #[derive(Debug, Clone)]
    pub struct RequestLogin(pub Option<Authenticated>);

    pub async fn authenticated() -> Result<Option<Authenticated>, AppError> {
        if let Some(login) = use_context::<http::request::Parts>()
            .and_then(|parts| parts.extensions.get::<RequestLogin>().cloned())
        {
            return Ok(login.0);
        }
        let services = services()?;
        let session = cookie_session().await?;
        Ok(authenticated_by(&services, &session).await?)
    }

    /// The caller, if logged in with one of `roles`; every protected server function starts here.
    pub async fn require(roles: &[Role]) -> Result<Authenticated, AppError> {
        let authenticated = authenticated().await?.ok_or(AppError::Unauthenticated)?;
        authenticated.principal.require(roles)?;
        Ok(authenticated)
    }

    /// Binds the browser's cookie session to a login session (a fresh cookie id, against fixation).
    pub async fn bind_login(
        session: &Session,
        services: &Services,
        session_id: &str,
    ) -> Result<(), AuthError> {
        if let Some(previous) = login_session_id(session).await? {
            services.auth.logout(&previous).await?;
        }
        if let Err(e) = session.cycle_id().await {
            tracing::error!(error = %e, "cannot renew the cookie session id");
        }
        if let Err(e) = session.insert(SESSION_KEY, session_id).await {
            tracing::error!(error = %e, "cannot store the login in the cookie session");
            return Err(AuthError::Unauthenticated);
        }
        Ok(())
    }

    /// Revokes the login session behind the browser's cookie and clears the cookie session.
    pub async fn unbind_login(session: &Session, services: &Services) -> Result<(), AuthError> {
        if let Some(session_id) = login_session_id(session).await? {
            services.auth.logout(&session_id).await?;
        }
        if let Err(e) = session.flush().await {
            tracing::error!(error = %e, "cannot clear the cookie session");
        }
        Ok(())
    }

    pub async fn start_browser_session(
        services: &Services,
        session_id: &str,
    ) -> Result<(), AppError> {
        let session = cookie_session().await?;
        Ok(bind_login(&session, services, session_id).await?)
    }

    pub async fn end_browser_session(services: &Services) -> Result<(), AppError> {
        let session = cookie_session().await?;
        Ok(unbind_login(&session, services).await?)
    }
}
