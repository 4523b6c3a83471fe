//! The routers page's server functions, and the router as its list shows it.

use crate::error::AppError;
#[cfg(feature = "ssr")]
use domain::ErrorCode;
#[cfg(feature = "ssr")]
use domain::model::routers::RouterInput;
use domain::model::routers::{ProfileSync, ReconcileReport, Router, RouterStatus};
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

/// A router as the list shows it, with its last contact in the operator's time zone.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RouterRow {
    pub router: Router,
    /// In the operator's time zone, ready to show.
    pub last_seen: Option<String>,
}
wraps_model!(RouterRow => router: Router);

#[server(prefix = "/rpc")]
pub async fn list_routers() -> Result<Vec<RouterRow>, AppError> {
    use crate::auth::ssr::{require, services};
    use crate::components::format::local_time;
    require(&[domain::Role::Admin]).await?;
    let services = services()?;
    let zone = &services.config.timezone;
    Ok(services
        .routers
        .list()
        .await?
        .into_iter()
        .map(|router| RouterRow {
            last_seen: router.last_seen_at.map(|at| local_time(at, zone)),
            router,
        })
        .collect())
}

/// Adds a router (without `id`) or changes one; on a change an empty password keeps the stored
/// one. Numbers arrive as typed so that a bad one gets the form's own message.
#[server(prefix = "/rpc")]
#[allow(clippy::too_many_arguments)]
pub async fn save_router(
    id: Option<i64>,
    name: String,
    host: String,
    port: String,
    use_tls: Option<String>,
    tls_fingerprint: String,
    username: String,
    password: String,
    hotspot_login_url: String,
) -> Result<i64, AppError> {
    use crate::auth::ssr::{require, services};
    use crate::pages::fields::{optional_in_range, optional_text};
    let caller = require(&[domain::Role::Admin]).await?;
    let services = services()?;
    let input = RouterInput {
        name,
        host,
        port: optional_in_range(&port, "port", ErrorCode::RouterPort)?,
        use_tls: use_tls.is_some(),
        tls_fingerprint: optional_text(tls_fingerprint),
        username,
        password: Some(password).filter(|p| !p.is_empty()),
        hotspot_login_url: optional_text(hotspot_login_url),
    };
    let actor = caller.principal.actor();
    let saved = match id {
        Some(id) => services.routers.update(id, input, actor).await?,
        None => services.routers.create(input, actor).await?,
    };
    Ok(saved.id)
}

#[server(prefix = "/rpc")]
pub async fn delete_router(id: i64) -> Result<(), AppError> {
    use crate::auth::ssr::{require, services};
    let caller = require(&[domain::Role::Admin]).await?;
    let services = services()?;
    services
        .routers
        .delete(id, caller.principal.actor())
        .await?;
    Ok(())
}

#[server(prefix = "/rpc")]
pub async fn test_router(id: i64) -> Result<RouterStatus, AppError> {
    use crate::auth::ssr::{require, services};
    require(&[domain::Role::Admin]).await?;
    Ok(services()?.routers.status(id).await?)
}

#[server(prefix = "/rpc")]
pub async fn sync_router_profiles(id: i64) -> Result<ProfileSync, AppError> {
    use crate::auth::ssr::{require, services};
    require(&[domain::Role::Admin]).await?;
    let services = services()?;
    Ok(billing::routers::profiles::sync_profiles(&services.pool, &services.routers, id).await?)
}

#[server(prefix = "/rpc")]
pub async fn reconcile_router(id: i64) -> Result<ReconcileReport, AppError> {
    use crate::auth::ssr::{require, services};
    require(&[domain::Role::Admin]).await?;
    let services = services()?;
    Ok(services.reconcile(id).await?)
}
