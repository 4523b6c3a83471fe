//! The PPPoE pages' server functions: a customer's subscriptions (admins and cashiers read,
//! admins change), the list of every subscription, a router's isolation setting and the import
//! of its secrets (admins), and the portal's own subscriptions (the customer, only theirs).
//! Every change goes through `billing::pppoe::subscriptions`, the same code as the REST API.

use crate::error::AppError;
use domain::Rupiah;
use domain::model::subscriptions::{ImportOutcome, ImportPreview, PppSession, Subscription};
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

/// A PPPoE plan to choose, with its router.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PlanChoice {
    pub id: i64,
    pub name: String,
    pub router_id: i64,
    pub router_name: String,
    pub price: Rupiah,
}

/// A customer's subscriptions (with their passwords, for staff) and the plans to subscribe to.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SubscriptionsOfCustomer {
    pub subscriptions: Vec<Subscription>,
    pub plans: Vec<PlanChoice>,
    /// Whether the caller may change them (an admin).
    pub can_manage: bool,
}

/// A number typed for a secret of the import.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct ImportNumber {
    #[serde(default)]
    pub username: String,
    #[serde(default)]
    pub whatsapp: String,
}

/// A router's PPPoE page: its isolation setting and the profiles it has.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RouterPppoeView {
    pub router_id: i64,
    pub router_name: String,
    pub isolation_profile: Option<String>,
    pub subscriptions: u64,
}

#[cfg(feature = "ssr")]
fn today() -> Result<chrono::NaiveDate, AppError> {
    Ok(crate::auth::ssr::services()?.today())
}

#[cfg(feature = "ssr")]
async fn pppoe_plans(services: &billing::Services) -> Result<Vec<PlanChoice>, AppError> {
    let routers = services.routers.list().await?;
    let plans = billing::hotspot::plans::plans(&services.pool, None).await?;
    Ok(plans
        .into_iter()
        .filter(|p| p.kind == domain::model::plans::PlanKind::Pppoe && p.active)
        .map(|p| PlanChoice {
            id: p.id,
            router_name: routers
                .iter()
                .find(|r| r.id == p.router_id)
                .map(|r| r.name.clone())
                .unwrap_or_default(),
            name: p.name,
            router_id: p.router_id,
            price: p.price,
        })
        .collect())
}

/// A customer's subscriptions, at most 50.
#[cfg(feature = "ssr")]
fn customer_filter(customer_id: i64) -> billing::pppoe::subscriptions::SubscriptionFilter {
    billing::pppoe::subscriptions::SubscriptionFilter {
        customer_id: Some(customer_id),
        limit: 50,
        ..Default::default()
    }
}

/// A customer's subscriptions and the PPPoE plans on offer. Admins and cashiers; the PPPoE
/// passwords only to admins.
#[server(prefix = "/rpc")]
pub async fn customer_subscriptions(customer_id: i64) -> Result<SubscriptionsOfCustomer, AppError> {
    use crate::auth::ssr::{require, services};
    let caller = require(&[domain::Role::Admin, domain::Role::Staff]).await?;
    let services = services()?;
    let filter = customer_filter(customer_id);
    let admin = caller.principal.role == domain::Role::Admin;
    Ok(SubscriptionsOfCustomer {
        subscriptions: if admin {
            services.subscriptions.list_with_passwords(&filter).await?
        } else {
            services.subscriptions.list(&filter).await?.subscriptions
        },
        plans: pppoe_plans(&services).await?,
        can_manage: caller.principal.role == domain::Role::Admin,
    })
}

/// The live sessions of a customer's subscriptions, asked of their routers. Admins and
/// cashiers.
#[server(prefix = "/rpc")]
pub async fn customer_sessions(customer_id: i64) -> Result<Vec<PppSession>, AppError> {
    use crate::auth::ssr::{require, services};
    require(&[domain::Role::Admin, domain::Role::Staff]).await?;
    let services = services()?;
    let listed = services
        .subscriptions
        .list(&customer_filter(customer_id))
        .await?;
    Ok(services.subscriptions.sessions(&listed.subscriptions).await)
}

/// Subscribes the customer to a PPPoE plan; empty username or password are generated, an
/// empty billing day is the start day's. Answers with the PPPoE username.
#[server(prefix = "/rpc")]
pub async fn add_subscription(
    customer_id: i64,
    plan_id: String,
    pppoe_username: String,
    pppoe_password: String,
    billing_day: String,
) -> Result<String, AppError> {
    use crate::auth::ssr::{require, services};
    use domain::ErrorCode;
    use domain::model::subscriptions::SubscriptionInput;
    let caller = require(&[domain::Role::Admin]).await?;
    let plan_id = plan_id.trim().parse::<i64>().map_err(|_| {
        AppError::invalid("plan_id", ErrorCode::PlanNotPppoe, "choose a PPPoE plan")
    })?;
    let billing_day = match billing_day.trim() {
        "" => None,
        day => Some(day.parse::<i16>().map_err(|_| {
            AppError::invalid(
                "billing_day",
                ErrorCode::BillingDay,
                "the billing day is 1 to 28",
            )
        })?),
    };
    let text = |v: String| Some(v.trim().to_owned()).filter(|v| !v.is_empty());
    let created = services()?
        .subscriptions
        .create(
            SubscriptionInput {
                customer_id,
                plan_id,
                pppoe_username: text(pppoe_username),
                pppoe_password: text(pppoe_password),
                billing_day,
                start_date: None,
            },
            today()?,
            caller.principal.actor(),
        )
        .await?;
    Ok(created.pppoe_username)
}

/// Isolates, resumes, suspends or closes a subscription.
#[server(prefix = "/rpc")]
pub async fn act_on_subscription(subscription_id: i64, action: String) -> Result<(), AppError> {
    use crate::auth::ssr::{require, services};
    use domain::ErrorCode;
    use domain::model::subscriptions::SubscriptionAction;
    let caller = require(&[domain::Role::Admin]).await?;
    let action = SubscriptionAction::parse(&action).ok_or_else(|| {
        AppError::invalid(
            "action",
            ErrorCode::SubscriptionTransition,
            "unknown action",
        )
    })?;
    services()?
        .subscriptions
        .act(subscription_id, action, today()?, caller.principal.actor())
        .await?;
    Ok(())
}

/// Moves a subscription to another PPPoE plan of its router.
#[server(prefix = "/rpc")]
pub async fn change_subscription_plan(subscription_id: i64, plan_id: i64) -> Result<(), AppError> {
    use crate::auth::ssr::{require, services};
    let caller = require(&[domain::Role::Admin]).await?;
    services()?
        .subscriptions
        .change_plan(subscription_id, plan_id, today()?, caller.principal.actor())
        .await?;
    Ok(())
}

/// Deletes a closed subscription; its secret leaves the router.
#[server(prefix = "/rpc")]
pub async fn delete_subscription(subscription_id: i64) -> Result<(), AppError> {
    use crate::auth::ssr::{require, services};
    let caller = require(&[domain::Role::Admin]).await?;
    services()?
        .subscriptions
        .delete(subscription_id, caller.principal.actor())
        .await?;
    Ok(())
}

/// Every subscription (a page of 100 after `after`), optionally of one status. Admins and
/// cashiers.
#[server(prefix = "/rpc")]
pub async fn all_subscriptions(
    status: String,
    after: Option<i64>,
) -> Result<domain::model::subscriptions::SubscriptionPage, AppError> {
    use crate::auth::ssr::{require, services};
    use billing::pppoe::subscriptions::SubscriptionFilter;
    use domain::ErrorCode;
    require(&[domain::Role::Admin, domain::Role::Staff]).await?;
    let status = match status.as_str() {
        "" => None,
        s => Some(s.parse::<domain::SubscriptionStatus>().map_err(|e| {
            AppError::invalid("status", ErrorCode::SubscriptionTransition, e.to_string())
        })?),
    };
    Ok(services()?
        .subscriptions
        .list(&SubscriptionFilter {
            status,
            after,
            limit: 100,
            ..Default::default()
        })
        .await?)
}

/// A router's isolation setting and how many subscriptions it has. Admins.
#[server(prefix = "/rpc")]
pub async fn router_pppoe(router_id: i64) -> Result<RouterPppoeView, AppError> {
    use crate::auth::ssr::{require, services};
    use billing::pppoe::subscriptions::{self, SubscriptionFilter};
    require(&[domain::Role::Admin]).await?;
    let services = services()?;
    let router = services.routers.get(router_id).await?;
    let isolation_profile = subscriptions::isolation_profile(&services.pool, router_id).await?;
    let page = services
        .subscriptions
        .list(&SubscriptionFilter {
            router_id: Some(router_id),
            limit: 500,
            ..Default::default()
        })
        .await?;
    Ok(RouterPppoeView {
        router_id,
        router_name: router.name,
        isolation_profile,
        subscriptions: page.subscriptions.len() as u64,
    })
}

/// Sets the router's isolation profile (empty: isolation disables the secret).
#[server(prefix = "/rpc")]
pub async fn save_isolation(router_id: i64, isolation_profile: String) -> Result<(), AppError> {
    use crate::auth::ssr::{require, services};
    let caller = require(&[domain::Role::Admin]).await?;
    let profile = Some(isolation_profile.trim()).filter(|p| !p.is_empty());
    billing::pppoe::subscriptions::set_isolation_profile(
        &services()?.pool,
        router_id,
        profile,
        caller.principal.actor(),
    )
    .await?;
    Ok(())
}

/// What importing the router's secrets would do (asks the router).
#[server(prefix = "/rpc")]
pub async fn preview_import(router_id: i64) -> Result<ImportPreview, AppError> {
    use crate::auth::ssr::{require, services};
    require(&[domain::Role::Admin]).await?;
    Ok(services()?.subscriptions.import_preview(router_id).await?)
}

/// Imports the router's secrets, with the numbers typed for those whose comment has none.
#[server(prefix = "/rpc")]
pub async fn run_import(
    router_id: i64,
    #[server(default)] numbers: Vec<ImportNumber>,
) -> Result<ImportOutcome, AppError> {
    use crate::auth::ssr::{require, services};
    use domain::model::subscriptions::ImportRequest;
    let caller = require(&[domain::Role::Admin]).await?;
    let whatsapp = numbers
        .into_iter()
        .filter(|n| !n.whatsapp.trim().is_empty())
        .map(|n| (n.username, n.whatsapp))
        .collect();
    Ok(services()?
        .subscriptions
        .import(
            router_id,
            ImportRequest {
                usernames: Vec::new(),
                whatsapp,
                billing_day: None,
            },
            today()?,
            caller.principal.actor(),
        )
        .await?)
}

/// The caller's own subscriptions with their sessions now; never anyone else's.
#[server(prefix = "/rpc")]
pub async fn my_subscriptions() -> Result<Vec<(Subscription, PppSession)>, AppError> {
    use crate::auth::ssr::{require, services};
    use billing::pppoe::subscriptions::SubscriptionFilter;
    let caller = require(&[domain::Role::Customer]).await?;
    let services = services()?;
    // With their PPPoE passwords: the customer's own (to set up their router), as admins see them.
    let page = services
        .subscriptions
        .list_with_passwords(&SubscriptionFilter {
            customer_id: Some(caller.principal.id),
            limit: 20,
            ..Default::default()
        })
        .await?;
    let mine: Vec<Subscription> = page
        .into_iter()
        .filter(|s| s.status != domain::SubscriptionStatus::Closed)
        .collect();
    let sessions = services.subscriptions.sessions(&mine).await;
    Ok(mine.into_iter().zip(sessions).collect())
}
