//! The state every handler can reach.

use axum::extract::FromRef;
use billing::Services;
use leptos::prelude::LeptosOptions;
use std::sync::Arc;

#[derive(Clone, FromRef)]
pub struct AppState {
    pub leptos_options: LeptosOptions,
    pub services: Services,
    /// The OpenAPI document of every route, served at `/api/v2/openapi.json`.
    pub openapi: Arc<utoipa::openapi::OpenApi>,
}
