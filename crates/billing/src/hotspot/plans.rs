//! Plans: what a router sells. Hotspot plans sell vouchers (price, validity, quotas, the hotspot
//! user profile they use); PPPoE plans a monthly subscription (price, the `/ppp/profile` with its
//! rate limit). Saving a plan puts its profile on the router through the outbox (a hotspot
//! plan's only when it sets a rate limit or shared users).

use crate::core::audit::{self, Actor};
use crate::core::problem::{Explain, Problem};
use crate::hotspot::jobs::HotspotJob;
use crate::outbox;
use crate::routers::RouterError;
use crate::routers::ppp_jobs::PppoeJob;
use domain::ErrorCode;
use domain::model::plans::{Plan, PlanInput, PlanKind};
use domain::plan::PlanSettings;
use domain::{FieldError, Rupiah, Validity};
use sqlx::{PgConnection, PgPool};

#[derive(Debug, thiserror::Error)]
pub enum CatalogError {
    #[error(transparent)]
    Invalid(#[from] FieldError),
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

fn invalid(field: &'static str, code: ErrorCode, message: impl Into<String>) -> CatalogError {
    CatalogError::Invalid(FieldError::new(field, code, message.into()))
}

impl Explain for CatalogError {
    fn problem(&self) -> Problem {
        match self {
            CatalogError::Invalid(e) => e.problem(),
            CatalogError::DuplicatePlan => Problem::Conflict {
                field: Some("name"),
                code: ErrorCode::PlanNameTaken,
            },
            CatalogError::PlanNotFound => Problem::NotFound {
                field: "plan_id",
                code: ErrorCode::PlanNotFound,
            },
            CatalogError::RouterNotFound => Problem::Invalid {
                field: "router_id",
                code: ErrorCode::RouterNotFound,
            },
            CatalogError::Router(e) => e.problem(),
            CatalogError::Database(_) => Problem::Internal,
        }
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
    let plan = input.parse()?;
    let mut tx = pool.begin().await?;
    check_router(&mut tx, router_id, plan.kind, existing).await?;
    let (rate_limit, shared_users) = plan.push_profile.clone().unwrap_or_default();
    let id = match plan.kind {
        PlanKind::Hotspot => {
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
                shared_users.map(|s| s as i32)
            )
            .fetch_one(&mut *tx)
            .await?;
            let id = write_plan(
                &mut tx,
                router_id,
                existing,
                &plan,
                Profile::Hotspot(profile_id),
            )
            .await?;
            if plan.push_profile.is_some() {
                let job = HotspotJob::EnsureHotspotProfile {
                    name: plan.profile.clone(),
                    rate_limit,
                    shared_users: shared_users.map(u64::from),
                };
                outbox::enqueue(&mut tx, router_id, &job).await?;
            }
            id
        }
        PlanKind::Pppoe => {
            let profile_id = sqlx::query_scalar!(
                "INSERT INTO pppoe_profiles (router_id, name, rate_limit)
                 VALUES ($1, $2, $3)
                 ON CONFLICT (router_id, name) DO UPDATE SET
                     rate_limit = coalesce(EXCLUDED.rate_limit, pppoe_profiles.rate_limit)
                 RETURNING id",
                router_id,
                plan.profile,
                rate_limit
            )
            .fetch_one(&mut *tx)
            .await?;
            let id = write_plan(
                &mut tx,
                router_id,
                existing,
                &plan,
                Profile::Pppoe(profile_id),
            )
            .await?;
            let job = PppoeJob::EnsurePppProfile {
                name: plan.profile.clone(),
                rate_limit,
            };
            outbox::enqueue(&mut tx, router_id, &job).await?;
            id
        }
    };
    let action = if existing.is_some() {
        "plan.update"
    } else {
        "plan.create"
    };
    audit::record(
        &mut *tx,
        actor,
        action,
        Some(("plan", id.to_string())),
        serde_json::json!({ "name": plan.name, "price": plan.price, "router_id": router_id }),
    )
    .await?;
    tx.commit().await?;
    plan_by_id(pool, id).await
}

/// The router must exist, and a plan being changed stays on its router.
async fn check_router(
    tx: &mut PgConnection,
    router_id: i64,
    kind: PlanKind,
    existing: Option<i64>,
) -> Result<(), CatalogError> {
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
        let current = sqlx::query!(
            "SELECT router_id, kind FROM plans WHERE id = $1 FOR UPDATE",
            plan_id
        )
        .fetch_optional(&mut *tx)
        .await?
        .ok_or(CatalogError::PlanNotFound)?;
        if current.kind != kind.as_str() {
            return Err(invalid(
                "kind",
                ErrorCode::PlanKindFixed,
                "a plan keeps its kind (hotspot or PPPoE)",
            ));
        }
        if current.router_id != router_id {
            return Err(invalid(
                "router_id",
                ErrorCode::PlanRouterFixed,
                "a plan stays on the router it was made for",
            ));
        }
    }
    Ok(())
}

/// The profile a plan uses on its router.
#[derive(Debug, Clone, Copy)]
enum Profile {
    Hotspot(i64),
    Pppoe(i64),
}

/// Inserts the plan, or updates `existing`; a name taken on the router is a conflict.
async fn write_plan(
    tx: &mut PgConnection,
    router_id: i64,
    existing: Option<i64>,
    plan: &PlanSettings,
    profile: Profile,
) -> Result<i64, CatalogError> {
    let duplicate_name = |e: sqlx::Error| match crate::core::db::violated_unique_index(&e) {
        Some("plans_router_name_key") => CatalogError::DuplicatePlan,
        _ => CatalogError::Database(e),
    };
    let (hotspot_profile, pppoe_profile) = match profile {
        Profile::Hotspot(id) => (Some(id), None),
        Profile::Pppoe(id) => (None, Some(id)),
    };
    match existing {
        None => sqlx::query_scalar!(
            "INSERT INTO plans (router_id, kind, name, price, validity_seconds, time_quota_seconds, data_quota_bytes,
                                hotspot_profile_id, pppoe_profile_id)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING id",
            router_id,
            plan.kind.as_str(),
            plan.name,
            plan.price,
            plan.validity.map(Validity::seconds),
            plan.time_quota.map(Validity::seconds),
            plan.data_quota_bytes,
            hotspot_profile,
            pppoe_profile
        )
        .fetch_one(&mut *tx)
        .await
        .map_err(duplicate_name),
        Some(plan_id) => sqlx::query_scalar!(
            "UPDATE plans SET name = $2, price = $3, validity_seconds = $4, time_quota_seconds = $5,
                    data_quota_bytes = $6, hotspot_profile_id = $7, pppoe_profile_id = $8,
                    updated_at = now()
             WHERE id = $1 RETURNING id",
            plan_id,
            plan.name,
            plan.price,
            plan.validity.map(Validity::seconds),
            plan.time_quota.map(Validity::seconds),
            plan.data_quota_bytes,
            hotspot_profile,
            pppoe_profile
        )
        .fetch_one(&mut *tx)
        .await
        .map_err(duplicate_name),
    }
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
        "SELECT p.id, p.kind, p.router_id, p.name, p.price, p.validity_seconds, p.time_quota_seconds,
                p.data_quota_bytes, p.active, coalesce(hp.name, pp.name) AS \"profile?\"
         FROM plans p
         LEFT JOIN hotspot_profiles hp ON hp.id = p.hotspot_profile_id
         LEFT JOIN pppoe_profiles pp ON pp.id = p.pppoe_profile_id
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
                kind: if r.kind == "pppoe" {
                    PlanKind::Pppoe
                } else {
                    PlanKind::Hotspot
                },
                router_id: r.router_id,
                name: r.name,
                price: Rupiah::new(r.price),
                validity: r
                    .validity_seconds
                    .map(Validity::from_seconds)
                    .transpose()
                    .map_err(|e| {
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
