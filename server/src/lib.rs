//! The Mikrotik Billing server: composition root of the HTTP routes (REST API, web pages,
//! server functions, health) over the billing services.

pub mod api;
pub mod background;
pub mod body_limit;
pub mod cache_headers;
pub mod pages_guard;
pub mod same_origin;
pub mod security_headers;
pub mod state;
pub mod static_files;

use axum::Router;
use axum::extract::{MatchedPath, Request};
use axum::middleware::from_fn_with_state;
use billing::Services;
use leptos::prelude::{LeptosOptions, provide_context};
use leptos_axum::{LeptosRoutes, generate_route_list};
use state::AppState;
use std::sync::Arc;
use tower_http::trace::TraceLayer;
use tower_sessions::cookie::SameSite;
use tower_sessions::{Expiry, SessionManagerLayer};
use tower_sessions_redis_store::RedisStore;

/// Name of the browser's session cookie (httpOnly, SameSite=Lax).
pub const SESSION_COOKIE: &str = "mb_session";

/// Every route of the application.
pub fn router(services: Services, leptos_options: LeptosOptions) -> Router {
    let (api_routes, openapi) = api::router().split_for_parts();
    let state = AppState {
        leptos_options: leptos_options.clone(),
        services: services.clone(),
        openapi: Arc::new(openapi),
    };

    let page_context = {
        let services = services.clone();
        move || provide_context(services.clone())
    };
    let package = static_files::package_routes(&leptos_options);
    let shell = move || app::shell(leptos_options.clone());

    let sessions = SessionManagerLayer::new(RedisStore::new(services.redis.clone()))
        .with_name(SESSION_COOKIE)
        .with_http_only(true)
        .with_same_site(SameSite::Lax)
        .with_secure(services.config.auth.secure_cookies)
        .with_expiry(Expiry::OnInactivity(time::Duration::seconds(
            services.config.auth.session_ttl_seconds as i64,
        )));

    Router::new()
        .merge(api_routes)
        .route("/api/{*rest}", axum::routing::any(api::not_found))
        .leptos_routes_with_context(&state, generate_route_list(app::App), page_context, shell)
        .merge(package)
        .fallback(leptos_axum::file_and_error_handler::<AppState, _>(app::shell))
        .method_not_allowed_fallback(api::method_not_allowed)
        .layer(from_fn_with_state(state.clone(), pages_guard::guard))
        .layer(axum::middleware::from_fn(api::server_function_status))
        .layer(sessions)
        .layer(axum::Extension(api::auth::TrustedProxies(
            services.config.trusted_proxies.clone().into(),
        )))
        .layer(axum::extract::DefaultBodyLimit::max(body_limit::BODY_LIMIT))
        .layer(axum::middleware::from_fn(body_limit::limit))
        .layer(from_fn_with_state(
            same_origin::PublicHost::from_url(&services.config.public_url),
            same_origin::check,
        ))
        .layer(from_fn_with_state(
            security_headers::Hsts(services.config.mode == billing::core::config::Mode::Production),
            security_headers::add,
        ))
        .layer(axum::middleware::from_fn(cache_headers::add))
        .layer(static_files::compression())
        .layer(
            TraceLayer::new_for_http().make_span_with(|request: &Request| {
                let route = request
                    .extensions()
                    .get::<MatchedPath>()
                    .map(MatchedPath::as_str)
                    .unwrap_or("");
                tracing::info_span!("request", method = %request.method(), route, path = %request.uri().path())
            }),
        )
        .with_state(state)
}
