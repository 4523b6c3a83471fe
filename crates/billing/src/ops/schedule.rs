//! Scheduled work, one function per job: the scheduler only decides when. Several replicas may
//! run the same schedule; a Redis lock per job and tick lets exactly one of them do the work.

use crate::hotspot::activation;
use crate::outbox;
use crate::routers::profiles;
use crate::services::Services;
use fred::prelude::*;
use fred::types::{Expiration, SetOptions};
use serde::Serialize;
use std::time::Duration;

/// Takes the lock for `job` in the tick that `now` falls in (ticks of `period`). Only the first
/// replica to ask in a tick gets it; it expires with the tick, so a crashed holder blocks nothing.
pub async fn claim_tick(
    services: &Services,
    job: &str,
    period: Duration,
) -> Result<bool, fred::error::Error> {
    let period_secs = period.as_secs().max(1);
    let tick = chrono::Utc::now().timestamp() as u64 / period_secs;
    let key = format!("{}job-lock:{job}:{tick}", services.config.redis.key_prefix);
    let set: Option<String> = services
        .redis
        .set(
            &key,
            "1",
            Some(Expiration::EX(period_secs as i64)),
            Some(SetOptions::NX),
            false,
        )
        .await?;
    Ok(set.is_some())
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct TickSummary {
    pub routers: usize,
    pub router_failures: usize,
}

async fn router_ids(services: &Services) -> Result<Vec<i64>, sqlx::Error> {
    sqlx::query_scalar!("SELECT id FROM routers ORDER BY id")
        .fetch_all(&services.pool)
        .await
}

/// Every 30 s (configurable): activation and expiry on every router. One router being down does not
/// stop the others.
pub async fn activation_tick(services: &Services) -> Result<TickSummary, sqlx::Error> {
    let ids = router_ids(services).await?;
    let now = chrono::Utc::now();
    let results = futures::future::join_all(ids.iter().map(|&id| async move {
        let result =
            activation::run_once(&services.pool, &services.routers, id, now, services.config.expired_voucher_action).await;
        match &result {
            Ok(outcome) if outcome.activated + outcome.expired > 0 => {
                tracing::info!(router = id, activated = outcome.activated, expired = outcome.expired, "activation monitor")
            }
            Ok(_) => {}
            Err(e) => tracing::warn!(router = id, error = %e, "activation monitor could not read the router"),
        }
        result.is_ok()
    }))
    .await;
    Ok(TickSummary {
        routers: ids.len(),
        router_failures: results.iter().filter(|ok| !**ok).count(),
    })
}

/// Hourly: the profiles of every router.
pub async fn profile_sync_tick(services: &Services) -> Result<TickSummary, sqlx::Error> {
    let ids = router_ids(services).await?;
    let mut failures = 0;
    for id in &ids {
        if let Err(e) = profiles::sync_profiles(&services.pool, &services.routers, *id).await {
            tracing::warn!(router = id, error = %e, "profile sync failed");
            failures += 1;
        }
    }
    Ok(TickSummary {
        routers: ids.len(),
        router_failures: failures,
    })
}

/// Every few minutes: vouchers missing on their router are queued again, and our users whose
/// voucher was withdrawn or expired are retired.
pub async fn reconcile_tick(services: &Services) -> Result<TickSummary, sqlx::Error> {
    let ids = router_ids(services).await?;
    let mut failures = 0;
    for id in &ids {
        match services.reconcile(*id).await {
            Ok(report)
                if report.recreated > 0
                    || report.retired > 0
                    || !report.unknown_on_router.is_empty() =>
            {
                tracing::warn!(router = id, recreated = report.recreated, retired = report.retired, unknown = ?report.unknown_on_router, "reconciliation");
            }
            Ok(_) => {}
            Err(e) => {
                tracing::warn!(router = id, error = %e, "reconciliation failed");
                failures += 1;
            }
        }
    }
    Ok(TickSummary {
        routers: ids.len(),
        router_failures: failures,
    })
}

/// Hourly: the isolation run. The subscriptions of customers who owe money past its due date
/// and the grace period (`invoices.isolation_grace_days`) are isolated (`money::standing`), once
/// (running it each hour rather than once a day lets a server that was down catch up); secrets
/// left pending by a sync that gave up are queued again.
pub async fn isolation_tick(services: &Services) -> Result<TickSummary, sqlx::Error> {
    let isolated = match crate::money::standing::isolate_overdue(
        &services.pool,
        services.today(),
        services.config.invoices.isolation_grace_days,
    )
    .await
    {
        Ok(isolated) => isolated,
        Err(crate::money::error::MoneyError::Database(e)) => return Err(e),
        Err(e) => {
            tracing::error!(error = %e, "isolation run failed");
            Vec::new()
        }
    };
    if !isolated.is_empty() {
        tracing::info!(subscriptions = ?isolated, "isolated for unpaid invoices");
    }
    let requeued = crate::pppoe::secrets::requeue_stranded(&services.pool).await?;
    Ok(TickSummary {
        routers: requeued as usize,
        router_failures: 0,
    })
}

/// Hourly: the monthly invoice run (`money::invoice_run`), for the business's today. Each
/// subscription is invoiced once per period however often it runs; running it each hour lets a
/// server that was down catch up.
pub async fn invoice_run_tick(services: &Services) -> Result<TickSummary, sqlx::Error> {
    match services
        .invoice_run(services.today(), crate::core::audit::Actor::System)
        .await
    {
        Ok(outcome) => {
            if outcome.created > 0 {
                tracing::info!(
                    created = outcome.created,
                    skipped = outcome.skipped,
                    "invoice run"
                )
            }
            for f in &outcome.failed {
                tracing::error!(subscription = f.subscription_id, reason = %f.reason, "invoice run left a subscription out");
            }
        }
        Err(crate::money::error::MoneyError::Database(e)) => return Err(e),
        Err(e) => tracing::error!(error = %e, "invoice run failed"),
    }
    Ok(TickSummary::default())
}

/// Daily: every customer's balance must be the sum of their ledger rows. A mismatch is logged,
/// audited, and turns the health report degraded until a later check finds none.
pub async fn ledger_check_tick(services: &Services) -> Result<TickSummary, sqlx::Error> {
    match crate::money::ledger::verify(&services.pool).await {
        Ok(mismatches) if mismatches > 0 => {
            tracing::error!(mismatches, "balances differ from their ledger")
        }
        Ok(_) => {}
        Err(crate::money::error::MoneyError::Database(e)) => return Err(e),
        Err(e) => tracing::error!(error = %e, "ledger check failed"),
    }
    Ok(TickSummary::default())
}

/// Drains the router outbox until `shutdown` resolves (see [`outbox::work`]).
pub async fn outbox_worker(services: Services, shutdown: impl std::future::Future<Output = ()>) {
    let handler = services.router_jobs();
    outbox::work(services.pool.clone(), &handler, 50, shutdown).await;
}
