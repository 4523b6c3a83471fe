//! The health report behind `GET /health`. Later components (routers, WhatsApp
//! sessions) add their own checks; a failing critical check makes the whole service unhealthy,
//! a failing non-critical one only degraded.

use crate::core::redis::RedisPool;
use fred::prelude::*;
use serde::Serialize;
use sqlx::PgPool;
use std::future::Future;
use std::time::{Duration, Instant};

const CHECK_TIMEOUT: Duration = Duration::from_secs(2);

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Status {
    Healthy,
    Degraded,
    Unhealthy,
}

#[derive(Debug, Clone, Serialize)]
pub struct Check {
    pub name: String,
    pub status: Status,
    pub critical: bool,
    pub latency_ms: f64,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub error: Option<String>,
}

#[derive(Debug, Clone, Serialize)]
pub struct HealthReport {
    pub status: Status,
    pub checks: Vec<Check>,
}

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

/// The critical checks: database and Redis.
pub async fn check(pool: &PgPool, redis: &RedisPool) -> HealthReport {
    let (database, redis) = tokio::join!(
        timed("database", true, async {
            sqlx::query_scalar!("SELECT 1 AS \"one!\"")
                .fetch_one(pool)
                .await
                .map(|_| ())
        }),
        timed("redis", true, async {
            redis.ping::<String>(None).await.map(|_| ())
        }),
    );
    HealthReport::from_checks(vec![database, redis])
}

impl HealthReport {
    pub fn from_checks(checks: Vec<Check>) -> Self {
        HealthReport {
            status: overall(&checks),
            checks,
        }
    }
}

fn overall(checks: &[Check]) -> Status {
    let failing = |critical: bool| {
        checks
            .iter()
            .any(|c| c.critical == critical && c.status != Status::Healthy)
    };
    if failing(true) {
        Status::Unhealthy
    } else if failing(false) {
        Status::Degraded
    } else {
        Status::Healthy
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn check(critical: bool, status: Status) -> Check {
        Check {
            name: "x".into(),
            status,
            critical,
            latency_ms: 1.0,
            error: None,
        }
    }

    #[test]
    fn a_failing_critical_check_is_unhealthy_and_a_minor_one_degraded() {
        assert_eq!(overall(&[check(true, Status::Healthy)]), Status::Healthy);
        assert_eq!(
            overall(&[
                check(true, Status::Healthy),
                check(false, Status::Unhealthy)
            ]),
            Status::Degraded
        );
        assert_eq!(
            overall(&[
                check(true, Status::Unhealthy),
                check(false, Status::Healthy)
            ]),
            Status::Unhealthy
        );
    }
}
