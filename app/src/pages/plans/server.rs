//! The plans page's server functions.

use crate::error::AppError;
#[cfg(feature = "ssr")]
use domain::ErrorCode;
use domain::model::plans::Plan;
use domain::model::sales::NamedRef;
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

/// The routers to choose from, and the plans of the one shown.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PlansData {
    pub routers: Vec<NamedRef>,
    /// The router shown: the one asked for, else the first.
    pub router_id: Option<i64>,
    pub plans: Vec<Plan>,
}

/// The router the page shows: the one asked for if it exists, else the first.
#[cfg(feature = "ssr")]
fn shown_router(asked: Option<i64>, mut routers: impl Iterator<Item = i64> + Clone) -> Option<i64> {
    let first = routers.clone().next();
    asked.filter(|id| routers.any(|r| r == *id)).or(first)
}

#[server(prefix = "/rpc")]
pub async fn plans_of_router(router_id: Option<i64>) -> Result<PlansData, AppError> {
    use crate::auth::ssr::{require, services};
    require(&[domain::Role::Admin]).await?;
    let services = services()?;
    let routers: Vec<NamedRef> = services
        .routers
        .list()
        .await?
        .into_iter()
        .map(|r| NamedRef {
            id: r.id,
            name: r.name,
        })
        .collect();
    let Some(router_id) = shown_router(router_id, routers.iter().map(|r| r.id)) else {
        return Ok(PlansData {
            routers,
            router_id: None,
            plans: Vec::new(),
        });
    };
    let plans = billing::hotspot::plans::plans(&services.pool, Some(router_id)).await?;
    Ok(PlansData {
        routers,
        router_id: Some(router_id),
        plans,
    })
}

/// The hotspot profiles known for the router shown (synced, or created with a plan), as
/// suggestions.
#[server(prefix = "/rpc")]
pub async fn hotspot_profile_names(router_id: Option<i64>) -> Result<Vec<String>, AppError> {
    use crate::auth::ssr::{require, services};
    require(&[domain::Role::Admin]).await?;
    let services = services()?;
    let routers = services.routers.list().await?;
    let Some(router_id) = shown_router(router_id, routers.iter().map(|r| r.id)) else {
        return Ok(Vec::new());
    };
    Ok(
        billing::routers::profiles::hotspot_profiles(&services.pool, router_id)
            .await?
            .into_iter()
            .filter(|p| !p.deleted_on_router)
            .map(|p| p.name)
            .collect(),
    )
}

/// Creates a plan, or changes the one `plan_id` names; numbers arrive as typed ("5.000") and
/// empty optional fields mean none.
#[server(prefix = "/rpc")]
#[allow(clippy::too_many_arguments)]
pub async fn save_plan(
    plan_id: Option<i64>,
    kind: String,
    router_id: i64,
    name: String,
    price: String,
    validity: String,
    time_quota: String,
    data_quota_mb: String,
    profile: String,
    rate_limit: String,
    shared_users: String,
) -> Result<i64, AppError> {
    use crate::auth::ssr::{require, services};
    use crate::pages::fields::{
        optional_in_range, optional_number, optional_text, required_number,
    };
    use domain::model::plans::{PlanInput, PlanKind};
    let caller = require(&[domain::Role::Admin]).await?;
    let services = services()?;
    let price = required_number(&price, "price", ErrorCode::PlanPrice)?;
    let rate_limit = optional_text(rate_limit);
    // The form hides the hotspot fields of a PPPoE plan; what they hold does not count.
    let input = if kind == "pppoe" {
        PlanInput {
            kind: PlanKind::Pppoe,
            router_id,
            name,
            price,
            profile,
            rate_limit,
            ..PlanInput::default()
        }
    } else {
        PlanInput {
            kind: PlanKind::Hotspot,
            router_id,
            name,
            price,
            validity,
            time_quota: optional_text(time_quota),
            data_quota_mb: optional_number(&data_quota_mb, "data_quota_mb", ErrorCode::DataQuota)?,
            profile,
            rate_limit,
            shared_users: optional_in_range(&shared_users, "shared_users", ErrorCode::SharedUsers)?,
        }
    };
    let actor = caller.principal.actor();
    let plan = match plan_id {
        Some(id) => billing::hotspot::plans::update_plan(&services.pool, id, input, actor).await?,
        None => billing::hotspot::plans::create_plan(&services.pool, input, actor).await?,
    };
    Ok(plan.id)
}

/// Switches a plan on (sold, batches can be made) or off.
#[server(prefix = "/rpc")]
pub async fn set_plan_active(plan_id: i64, active: bool) -> Result<(), AppError> {
    use crate::auth::ssr::{require, services};
    let caller = require(&[domain::Role::Admin]).await?;
    let services = services()?;
    billing::hotspot::plans::set_plan_active(
        &services.pool,
        plan_id,
        active,
        caller.principal.actor(),
    )
    .await?;
    Ok(())
}

/// Moves a plan one place earlier (`earlier`) or later on the sales screen; returns the plans on
/// sale in their new order.
#[server(prefix = "/rpc")]
pub async fn move_plan_on_sales_screen(
    plan_id: i64,
    earlier: bool,
) -> Result<Vec<domain::model::sales::SaleablePlan>, AppError> {
    use crate::auth::ssr::{require, services};
    let caller = require(&[domain::Role::Admin]).await?;
    let services = services()?;
    Ok(billing::hotspot::sales::move_on_sales_screen(
        &services.pool,
        plan_id,
        earlier,
        caller.principal.actor(),
    )
    .await?)
}
