//! What a router sells: hotspot and PPPoE profiles (synced from the router, spec 7.1) and the
//! plans built on them (price, validity, quotas).

use crate::audit::{self, Actor};
use crate::outbox::{self, RouterJob};
use crate::routers::{RouterError, RouterService};
use domain::{Rupiah, Validity};
use serde::{Deserialize, Serialize};
use sqlx::PgPool;

#[derive(Debug, thiserror::Error)]
pub enum CatalogError {
    #[error("{field}: {message}")]
    Invalid {
        field: &'static str,
        code: &'static str,
        message: String,
    },
    #[error("a plan with this name already exists on this router")]
    DuplicatePlan,
    #[error("no such plan")]
    PlanNotFound,
    #[error("no such router")]
    RouterNotFound,
    #[error(transparent)]
    Router(#[from] RouterError),
    #[error("database error")]
    Database(#[from] sqlx::Error),
}

fn invalid(field: &'static str, code: &'static str, message: impl Into<String>) -> CatalogError {
    CatalogError::Invalid {
        field,
        code,
        message: message.into(),
    }
}

/// What one profile sync did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct SyncOutcome {
    pub hotspot_profiles: usize,
    pub pppoe_profiles: usize,
    /// Profiles we knew that the router no longer has: marked, not dropped.
    pub marked_deleted: u64,
}

/// Reads `/ip/hotspot/user/profile` and `/ppp/profile` and brings the local copies up to date
/// in one transaction. Profiles deleted on the router are marked `deleted_on_router`.
pub async fn sync_profiles(
    pool: &PgPool,
    routers: &RouterService,
    router_id: i64,
) -> Result<SyncOutcome, CatalogError> {
    let client = routers.client(router_id).await?;
    let (hotspot_menu, ppp_menu) = (client.hotspot_user_profiles(), client.ppp_profiles());
    let (hotspot, ppp) = tokio::try_join!(hotspot_menu.print_all(), ppp_menu.print_all())
        .map_err(RouterError::from)?;

    let mut tx = pool.begin().await?;
    for profile in &hotspot {
        let shared_users = profile.shared_users.and_then(|n| i32::try_from(n).ok());
        sqlx::query!(
            "INSERT INTO hotspot_profiles (router_id, name, rate_limit, shared_users, last_sync)
             VALUES ($1, $2, $3, $4, now())
             ON CONFLICT (router_id, name) DO UPDATE SET
                 rate_limit = EXCLUDED.rate_limit, shared_users = EXCLUDED.shared_users,
                 deleted_on_router = FALSE, last_sync = now()",
            router_id,
            profile.name,
            profile.rate_limit,
            shared_users
        )
        .execute(&mut *tx)
        .await?;
    }
    for profile in &ppp {
        sqlx::query!(
            "INSERT INTO pppoe_profiles (router_id, name, rate_limit, local_address, remote_address, last_sync)
             VALUES ($1, $2, $3, $4, $5, now())
             ON CONFLICT (router_id, name) DO UPDATE SET
                 rate_limit = EXCLUDED.rate_limit, local_address = EXCLUDED.local_address,
                 remote_address = EXCLUDED.remote_address, deleted_on_router = FALSE, last_sync = now()",
            router_id,
            profile.name,
            profile.rate_limit,
            profile.local_address,
            profile.remote_address
        )
        .execute(&mut *tx)
        .await?;
    }
    let hotspot_names: Vec<String> = hotspot.iter().map(|p| p.name.clone()).collect();
    let ppp_names: Vec<String> = ppp.iter().map(|p| p.name.clone()).collect();
    let gone_hotspot = sqlx::query!(
        "UPDATE hotspot_profiles SET deleted_on_router = TRUE, last_sync = now()
         WHERE router_id = $1 AND NOT deleted_on_router AND name <> ALL($2)",
        router_id,
        &hotspot_names
    )
    .execute(&mut *tx)
    .await?
    .rows_affected();
    let gone_ppp = sqlx::query!(
        "UPDATE pppoe_profiles SET deleted_on_router = TRUE, last_sync = now()
         WHERE router_id = $1 AND NOT deleted_on_router AND name <> ALL($2)",
        router_id,
        &ppp_names
    )
    .execute(&mut *tx)
    .await?
    .rows_affected();
    tx.commit().await?;
    Ok(SyncOutcome {
        hotspot_profiles: hotspot.len(),
        pppoe_profiles: ppp.len(),
        marked_deleted: gone_hotspot + gone_ppp,
    })
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct HotspotProfile {
    pub id: i64,
    pub router_id: i64,
    pub name: String,
    pub rate_limit: Option<String>,
    pub shared_users: Option<i32>,
    pub deleted_on_router: bool,
    pub last_sync: Option<chrono::DateTime<chrono::Utc>>,
}

pub async fn hotspot_profiles(
    pool: &PgPool,
    router_id: i64,
) -> Result<Vec<HotspotProfile>, CatalogError> {
    Ok(sqlx::query_as!(
        HotspotProfile,
        "SELECT id, router_id, name, rate_limit, shared_users, deleted_on_router, last_sync
         FROM hotspot_profiles WHERE router_id = $1 ORDER BY name",
        router_id
    )
    .fetch_all(pool)
    .await?)
}

/// A voucher plan as an admin enters it.
#[derive(Debug, Clone, Deserialize)]
pub struct PlanInput {
    pub router_id: i64,
    pub name: String,
    /// Whole rupiah.
    pub price: i64,
    /// From first login: `3h`, `1d`, `7d`, `30d`…
    pub validity: String,
    /// Usage time allowed (limit-uptime), e.g. `5h`.
    pub time_quota: Option<String>,
    /// Data allowed (limit-bytes-total), in megabytes.
    pub data_quota_mb: Option<i64>,
    /// The hotspot user profile vouchers of this plan use.
    pub profile: String,
    /// When given, the profile is created or updated on the router with this rate limit (e.g.
    /// `2M/5M`) and shared-users count, through the router outbox.
    pub rate_limit: Option<String>,
    pub shared_users: Option<u32>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Plan {
    pub id: i64,
    pub router_id: i64,
    pub name: String,
    pub price: Rupiah,
    pub validity: Validity,
    pub time_quota_seconds: Option<i64>,
    pub data_quota_bytes: Option<i64>,
    pub profile: Option<String>,
    pub active: bool,
}

struct ValidPlan {
    name: String,
    price: i64,
    validity: Validity,
    time_quota: Option<Validity>,
    data_quota_bytes: Option<i64>,
    profile: String,
    push_profile: Option<(Option<String>, Option<u32>)>,
}

impl PlanInput {
    fn validate(self) -> Result<ValidPlan, CatalogError> {
        let name = self.name.trim().to_owned();
        if name.is_empty() || name.chars().count() > 64 {
            return Err(invalid("name", "plan_name", "name must be 1–64 characters"));
        }
        if !(0..=100_000_000).contains(&self.price) {
            return Err(invalid(
                "price",
                "plan_price",
                "price must be between Rp 0 and Rp 100.000.000",
            ));
        }
        let validity = Validity::parse(&self.validity)
            .map_err(|e| invalid("validity", e.code(), e.to_string()))?;
        let time_quota = match self
            .time_quota
            .as_deref()
            .map(str::trim)
            .filter(|t| !t.is_empty())
        {
            Some(t) => Some(
                Validity::parse(t).map_err(|e| invalid("time_quota", e.code(), e.to_string()))?,
            ),
            None => None,
        };
        let data_quota_bytes = match self.data_quota_mb {
            Some(mb) if !(1..=10_000_000).contains(&mb) => {
                return Err(invalid(
                    "data_quota_mb",
                    "data_quota",
                    "data quota must be 1 MB to 10 TB",
                ));
            }
            Some(mb) => Some(mb * 1024 * 1024),
            None => None,
        };
        let profile = self.profile.trim().to_owned();
        let profile_ok = !profile.is_empty()
            && profile.len() <= 64
            && profile
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.'));
        if !profile_ok {
            return Err(invalid(
                "profile",
                "profile_name",
                "profile must be 1–64 letters, digits, dots, dashes or underscores",
            ));
        }
        let rate_limit = self
            .rate_limit
            .map(|r| r.trim().to_owned())
            .filter(|r| !r.is_empty());
        if let Some(rate) = &rate_limit {
            let ok = rate.len() <= 64
                && rate
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || matches!(c, '/' | ' ' | '.'));
            if !ok {
                return Err(invalid(
                    "rate_limit",
                    "rate_limit",
                    "rate limit looks like 2M/5M (upload/download)",
                ));
            }
        }
        if self.shared_users == Some(0) {
            return Err(invalid(
                "shared_users",
                "shared_users",
                "shared users must be at least 1",
            ));
        }
        let push_profile = (rate_limit.is_some() || self.shared_users.is_some())
            .then_some((rate_limit, self.shared_users));
        Ok(ValidPlan {
            name,
            price: self.price,
            validity,
            time_quota,
            data_quota_bytes,
            profile,
            push_profile,
        })
    }
}

/// Creates a plan; with a rate limit or shared-users count, the hotspot profile is also created
/// or updated on the router (through the outbox, so a router that is down gets it later).
pub async fn create_plan(
    pool: &PgPool,
    input: PlanInput,
    actor: Actor,
) -> Result<Plan, CatalogError> {
    save_plan(pool, None, input, actor).await
}

/// Changes a plan, the same way. Vouchers already made keep the price they were made with; a
/// plan stays on its router.
pub async fn update_plan(
    pool: &PgPool,
    plan_id: i64,
    input: PlanInput,
    actor: Actor,
) -> Result<Plan, CatalogError> {
    save_plan(pool, Some(plan_id), input, actor).await
}

async fn save_plan(
    pool: &PgPool,
    existing: Option<i64>,
    input: PlanInput,
    actor: Actor,
) -> Result<Plan, CatalogError> {
    let router_id = input.router_id;
    let plan = input.validate()?;
    let mut tx = pool.begin().await?;
    let router_exists = sqlx::query_scalar!(
        "SELECT EXISTS (SELECT 1 FROM routers WHERE id = $1) AS \"exists!\"",
        router_id
    )
    .fetch_one(&mut *tx)
    .await?;
    if !router_exists {
        return Err(CatalogError::RouterNotFound);
    }
    if let Some(plan_id) = existing {
        let current_router = sqlx::query_scalar!(
            "SELECT router_id FROM plans WHERE id = $1 FOR UPDATE",
            plan_id
        )
        .fetch_optional(&mut *tx)
        .await?
        .ok_or(CatalogError::PlanNotFound)?;
        if current_router != router_id {
            return Err(invalid(
                "router_id",
                "plan_router_fixed",
                "a plan stays on the router it was made for",
            ));
        }
    }
    let shared_users = plan
        .push_profile
        .as_ref()
        .and_then(|(_, s)| s.map(|s| s as i32));
    let rate_limit = plan.push_profile.as_ref().and_then(|(r, _)| r.clone());
    let profile_id = sqlx::query_scalar!(
        "INSERT INTO hotspot_profiles (router_id, name, rate_limit, shared_users)
         VALUES ($1, $2, $3, $4)
         ON CONFLICT (router_id, name) DO UPDATE SET
             rate_limit = coalesce(EXCLUDED.rate_limit, hotspot_profiles.rate_limit),
             shared_users = coalesce(EXCLUDED.shared_users, hotspot_profiles.shared_users)
         RETURNING id",
        router_id,
        plan.profile,
        rate_limit,
        shared_users
    )
    .fetch_one(&mut *tx)
    .await?;
    let duplicate_name = |e: sqlx::Error| match crate::accounts::violated_unique_index(&e) {
        Some("plans_router_name_key") => CatalogError::DuplicatePlan,
        _ => CatalogError::Database(e),
    };
    let id = match existing {
        None => sqlx::query_scalar!(
            "INSERT INTO plans (router_id, kind, name, price, validity_seconds, time_quota_seconds, data_quota_bytes,
                                hotspot_profile_id)
             VALUES ($1, 'hotspot', $2, $3, $4, $5, $6, $7) RETURNING id",
            router_id,
            plan.name,
            plan.price,
            plan.validity.seconds(),
            plan.time_quota.map(Validity::seconds),
            plan.data_quota_bytes,
            profile_id
        )
        .fetch_one(&mut *tx)
        .await
        .map_err(duplicate_name)?,
        Some(plan_id) => sqlx::query_scalar!(
            "UPDATE plans SET name = $2, price = $3, validity_seconds = $4, time_quota_seconds = $5,
                    data_quota_bytes = $6, hotspot_profile_id = $7, updated_at = now()
             WHERE id = $1 RETURNING id",
            plan_id,
            plan.name,
            plan.price,
            plan.validity.seconds(),
            plan.time_quota.map(Validity::seconds),
            plan.data_quota_bytes,
            profile_id
        )
        .fetch_one(&mut *tx)
        .await
        .map_err(duplicate_name)?,
    };
    if plan.push_profile.is_some() {
        outbox::enqueue(
            &mut tx,
            router_id,
            &RouterJob::EnsureHotspotProfile {
                name: plan.profile.clone(),
                rate_limit,
                shared_users: plan
                    .push_profile
                    .as_ref()
                    .and_then(|(_, s)| s.map(u64::from)),
            },
        )
        .await?;
    }
    audit::record(
        &mut *tx,
        actor,
        if existing.is_some() {
            "plan.update"
        } else {
            "plan.create"
        },
        Some(("plan", id.to_string())),
        serde_json::json!({ "name": plan.name, "price": plan.price, "router_id": router_id }),
    )
    .await?;
    tx.commit().await?;
    plan_by_id(pool, id).await
}

/// Switches a plan on or off. A plan that is off is not sold and makes no new batches; vouchers
/// already made stay valid.
pub async fn set_plan_active(
    pool: &PgPool,
    plan_id: i64,
    active: bool,
    actor: Actor,
) -> Result<Plan, CatalogError> {
    let mut tx = pool.begin().await?;
    let changed = sqlx::query!(
        "UPDATE plans SET active = $2, updated_at = now() WHERE id = $1",
        plan_id,
        active
    )
    .execute(&mut *tx)
    .await?;
    if changed.rows_affected() == 0 {
        return Err(CatalogError::PlanNotFound);
    }
    audit::record(
        &mut *tx,
        actor,
        if active {
            "plan.activate"
        } else {
            "plan.deactivate"
        },
        Some(("plan", plan_id.to_string())),
        serde_json::json!({ "active": active }),
    )
    .await?;
    tx.commit().await?;
    plan_by_id(pool, plan_id).await
}

pub async fn plan_by_id(pool: &PgPool, id: i64) -> Result<Plan, CatalogError> {
    select_plans(pool, None, Some(id))
        .await?
        .pop()
        .ok_or(CatalogError::PlanNotFound)
}

/// Plans, of one router or of all.
pub async fn plans(pool: &PgPool, router_id: Option<i64>) -> Result<Vec<Plan>, CatalogError> {
    select_plans(pool, router_id, None).await
}

async fn select_plans(
    pool: &PgPool,
    router_id: Option<i64>,
    plan_id: Option<i64>,
) -> Result<Vec<Plan>, CatalogError> {
    let rows = sqlx::query!(
        "SELECT p.id, p.router_id, p.name, p.price, p.validity_seconds, p.time_quota_seconds, p.data_quota_bytes,
                p.active, hp.name AS \"profile?\"
         FROM plans p LEFT JOIN hotspot_profiles hp ON hp.id = p.hotspot_profile_id
         WHERE ($1::BIGINT IS NULL OR p.router_id = $1) AND ($2::BIGINT IS NULL OR p.id = $2)
         ORDER BY p.router_id, p.price, p.name",
        router_id,
        plan_id
    )
    .fetch_all(pool)
    .await?;
    rows.into_iter()
        .map(|r| {
            Ok(Plan {
                id: r.id,
                router_id: r.router_id,
                name: r.name,
                price: Rupiah::new(r.price),
                validity: Validity::from_seconds(r.validity_seconds).map_err(|e| {
                    invalid("validity", e.code(), "stored validity is out of range")
                })?,
                time_quota_seconds: r.time_quota_seconds,
                data_quota_bytes: r.data_quota_bytes,
                profile: r.profile,
                active: r.active,
            })
        })
        .collect()
}
