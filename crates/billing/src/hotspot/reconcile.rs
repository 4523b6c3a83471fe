//! Reconciliation of vouchers with their router: vouchers that should be on the router but are
//! not are re-created (through the outbox); router users carrying our marker that match no
//! voucher are reported for the admin to look at.

use crate::core::problem::{Explain, Problem};
use crate::hotspot::jobs::HotspotJob;
use crate::outbox;
use crate::routers::{RouterError, RouterService};
use domain::model::routers::ReconcileReport;
use sqlx::PgPool;
use std::collections::HashSet;

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

pub async fn run_once(
    pool: &PgPool,
    routers: &RouterService,
    router_id: i64,
) -> Result<ReconcileReport, ReconcileError> {
    let client = routers.client(router_id).await?;
    let users = client
        .hotspot_users()
        .print(&routeros::Query::new(), &["name", "comment"])
        .await
        .map_err(RouterError::from)?;
    let on_router: HashSet<&str> = users.iter().map(|u| u.name.as_str()).collect();
    let ours_on_router: Vec<&str> = users
        .iter()
        .filter(|u| {
            u.comment
                .as_deref()
                .is_some_and(|c| c.starts_with(crate::hotspot::jobs::VOUCHER_MARKER))
        })
        .map(|u| u.name.as_str())
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
    let known: HashSet<String> = sqlx::query_scalar!(
        "SELECT code FROM vouchers WHERE router_id = $1 AND code = ANY($2)",
        router_id,
        &ours_on_router
            .iter()
            .map(|s| (*s).to_owned())
            .collect::<Vec<_>>()
    )
    .fetch_all(pool)
    .await?
    .into_iter()
    .collect();
    let unknown_on_router = ours_on_router
        .into_iter()
        .filter(|name| !known.contains(*name))
        .map(str::to_owned)
        .collect();

    if !missing.is_empty() {
        let mut tx = pool.begin().await?;
        sqlx::query!(
            "UPDATE vouchers SET router_state = 'pending', updated_at = now() WHERE id = ANY($1)",
            &missing
        )
        .execute(&mut *tx)
        .await?;
        outbox::enqueue(
            &mut tx,
            router_id,
            &HotspotJob::PushVouchers {
                voucher_ids: missing.clone(),
            },
        )
        .await?;
        tx.commit().await?;
    }
    Ok(ReconcileReport {
        recreated: missing.len() as u64,
        unknown_on_router,
    })
}
