//! Reconciliation of vouchers with their router: vouchers that should be on the router but are
//! not are re-created, and our users whose voucher was withdrawn or expired are retired (both
//! through the outbox); router users carrying our marker that match no voucher are reported for
//! the admin to look at.

use crate::core::problem::{Explain, Problem};
use crate::hotspot::jobs::HotspotJob;
use crate::outbox;
use crate::routers::{RouterError, RouterService};
use domain::model::routers::ReconcileReport;
use domain::{ExpiredAction, VoucherStatus};
use sqlx::PgPool;
use std::collections::{HashMap, HashSet};

#[derive(Debug, thiserror::Error)]
pub enum ReconcileError {
    #[error(transparent)]
    Router(#[from] RouterError),
    #[error("database error")]
    Database(#[from] sqlx::Error),
}

impl Explain for ReconcileError {
    fn problem(&self) -> Problem {
        match self {
            ReconcileError::Router(e) => e.problem(),
            ReconcileError::Database(_) => Problem::Internal,
        }
    }
}

/// Compares the router's hotspot users with the vouchers it should have. Vouchers missing there
/// are queued to be pushed again; our users still working whose voucher is withdrawn or expired
/// are queued to be disabled (or removed: deleted vouchers, and expired ones when
/// `expired_action` says so). Users without our marker, or with it but no voucher of ours, are
/// never touched; the latter are reported.
pub async fn run_once(
    pool: &PgPool,
    routers: &RouterService,
    router_id: i64,
    expired_action: ExpiredAction,
) -> Result<ReconcileReport, ReconcileError> {
    let client = routers.client(router_id).await?;
    let users = client
        .hotspot_users()
        .print(&routeros::Query::new(), &["name", "comment", "disabled"])
        .await
        .map_err(RouterError::from)?;
    let on_router: HashSet<&str> = users.iter().map(|u| u.name.as_str()).collect();
    let ours_on_router: Vec<&routeros::HotspotUser> = users
        .iter()
        .filter(|u| {
            u.comment
                .as_deref()
                .is_some_and(|c| c.starts_with(crate::hotspot::jobs::VOUCHER_MARKER))
        })
        .collect();

    let expected = sqlx::query!(
        "SELECT id, code FROM vouchers
         WHERE router_id = $1 AND router_state = 'pushed' AND status IN ('created', 'active')",
        router_id
    )
    .fetch_all(pool)
    .await?;
    let missing: Vec<i64> = expected
        .iter()
        .filter(|v| !on_router.contains(v.code.as_str()))
        .map(|v| v.id)
        .collect();
    let ours: Vec<String> = ours_on_router.iter().map(|u| u.name.clone()).collect();
    let known: HashMap<String, VoucherStatus> = sqlx::query!(
        r#"SELECT code, status AS "status: VoucherStatus" FROM vouchers WHERE router_id = $1 AND code = ANY($2)"#,
        router_id,
        &ours
    )
    .fetch_all(pool)
    .await?
    .into_iter()
    .map(|r| (r.code, r.status))
    .collect();
    let unknown_on_router = ours_on_router
        .iter()
        .filter(|u| !known.contains_key(&u.name))
        .map(|u| u.name.clone())
        .collect();
    let (mut disable, mut remove) = (Vec::new(), Vec::new());
    for user in &ours_on_router {
        match known
            .get(&user.name)
            .and_then(|status| retirement(*status, expired_action))
        {
            Some(Retire::Remove) => remove.push(user.name.clone()),
            Some(Retire::Disable) if !user.disabled => disable.push(user.name.clone()),
            _ => {}
        }
    }

    let retired = queue_repairs(pool, router_id, &missing, &disable, &remove).await?;
    Ok(ReconcileReport {
        recreated: missing.len() as u64,
        retired,
        unknown_on_router,
        ..ReconcileReport::default()
    })
}

enum Retire {
    Disable,
    Remove,
}

/// What the router should do with the user of a voucher in this status, if anything.
fn retirement(status: VoucherStatus, expired_action: ExpiredAction) -> Option<Retire> {
    match status {
        VoucherStatus::Created | VoucherStatus::Active => None,
        VoucherStatus::Disabled => Some(Retire::Disable),
        VoucherStatus::Deleted => Some(Retire::Remove),
        VoucherStatus::Expired => Some(match expired_action {
            ExpiredAction::Remove => Retire::Remove,
            ExpiredAction::Disable => Retire::Disable,
        }),
    }
}

/// Queues the pushes and retirements in one transaction; returns how many vouchers are retired.
async fn queue_repairs(
    pool: &PgPool,
    router_id: i64,
    missing: &[i64],
    disable: &[String],
    remove: &[String],
) -> Result<u64, sqlx::Error> {
    if missing.is_empty() && disable.is_empty() && remove.is_empty() {
        return Ok(0);
    }
    let mut tx = pool.begin().await?;
    if !missing.is_empty() {
        sqlx::query!(
            "UPDATE vouchers SET router_state = 'pending', updated_at = now() WHERE id = ANY($1)",
            missing
        )
        .execute(&mut *tx)
        .await?;
        outbox::enqueue(
            &mut tx,
            router_id,
            &HotspotJob::PushVouchers {
                voucher_ids: missing.to_vec(),
            },
        )
        .await?;
    }
    let mut retired = 0;
    for (codes, remove) in [(disable, false), (remove, true)] {
        if codes.is_empty() {
            continue;
        }
        // The users are on the router whatever the vouchers' records said, so the retire job
        // (which acts on pushed vouchers) takes them.
        let voucher_ids = sqlx::query_scalar!(
            "UPDATE vouchers SET router_state = 'pushed', updated_at = now()
             WHERE router_id = $1 AND code = ANY($2) AND status NOT IN ('created', 'active')
             RETURNING id",
            router_id,
            codes
        )
        .fetch_all(&mut *tx)
        .await?;
        retired += voucher_ids.len() as u64;
        outbox::enqueue(
            &mut tx,
            router_id,
            &HotspotJob::RetireVouchers {
                voucher_ids,
                remove,
            },
        )
        .await?;
    }
    tx.commit().await?;
    Ok(retired)
}
