//! The health report behind `GET /health`. Later components (routers, WhatsApp
//! sessions) add their own checks; a failing critical check makes the whole service unhealthy,
//! a failing non-critical one only degraded.

use crate::core::redis::RedisPool;
use fred::prelude::*;
use sqlx::PgPool;
use std::future::Future;
use std::time::{Duration, Instant};

const CHECK_TIMEOUT: Duration = Duration::from_secs(2);

pub use domain::model::health::{Check, HealthReport, HealthStatus as Status};

async fn timed<F, E>(name: &str, critical: bool, probe: F) -> Check
where
    F: Future<Output = Result<(), E>>,
    E: std::fmt::Display,
{
    let started = Instant::now();
    let outcome = tokio::time::timeout(CHECK_TIMEOUT, probe).await;
    let latency_ms = started.elapsed().as_secs_f64() * 1000.0;
    let error = match outcome {
        Ok(Ok(())) => None,
        Ok(Err(e)) => Some(e.to_string()),
        Err(_) => Some(format!("no answer within {} ms", CHECK_TIMEOUT.as_millis())),
    };
    Check {
        name: name.to_owned(),
        status: if error.is_none() {
            Status::Healthy
        } else {
            Status::Unhealthy
        },
        critical,
        latency_ms: (latency_ms * 100.0).round() / 100.0,
        error,
    }
}

/// The critical checks, database and Redis, and the latest daily ledger check (not critical:
/// balances that differ from their ledger make the service degraded, not down).
pub async fn check(pool: &PgPool, redis: &RedisPool) -> HealthReport {
    let (database, redis, ledger) = tokio::join!(
        timed("database", true, async {
            sqlx::query_scalar!("SELECT 1 AS \"one!\"")
                .fetch_one(pool)
                .await
                .map(|_| ())
        }),
        timed("redis", true, async {
            redis.ping::<String>(None).await.map(|_| ())
        }),
        timed("ledger", false, async {
            let latest = sqlx::query!(
                "SELECT mismatches, checked_at FROM ledger_checks ORDER BY id DESC LIMIT 1"
            )
            .fetch_optional(pool)
            .await
            .map_err(|e| e.to_string())?;
            match latest {
                Some(l) if l.mismatches > 0 => Err(format!(
                    "{} customers' balance differs from their ledger (checked {})",
                    l.mismatches, l.checked_at
                )),
                _ => Ok(()),
            }
        }),
    );
    HealthReport::from_checks(vec![database, redis, ledger])
}
