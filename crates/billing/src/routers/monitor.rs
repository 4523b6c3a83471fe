//! The health of the installation as `/health` and the admin dashboard show it, from cached
//! probes. The database and Redis are checked at most once a second; each router at most once per
//! `health.router_probe_interval_seconds`, however many requests ask. A request never waits for a
//! router probe except the very first: a stale answer is served while one refresh runs behind it.

use crate::core::health::{self, Check, HealthReport};
use crate::core::redis::RedisPool;
use crate::core::reused::Reused;
use crate::routers::RouterService;
use sqlx::PgPool;
use std::sync::Arc;
use std::time::Duration;

/// How long the database and Redis checks are reused.
const CORE_TTL: Duration = Duration::from_secs(1);

#[derive(Clone)]
pub struct HealthMonitor {
    inner: Arc<Inner>,
}

impl std::fmt::Debug for HealthMonitor {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("HealthMonitor")
            .field("router_interval", &self.inner.router_interval)
            .finish_non_exhaustive()
    }
}

struct Inner {
    pool: PgPool,
    redis: RedisPool,
    routers: RouterService,
    router_interval: Duration,
    core: Cached,
    router_checks: Cached,
}

/// A list of checks, shared by every request that reads it.
type Cached = Reused<Arc<Vec<Check>>>;

impl HealthMonitor {
    pub fn new(
        pool: PgPool,
        redis: RedisPool,
        routers: RouterService,
        router_interval: Duration,
    ) -> Self {
        HealthMonitor {
            inner: Arc::new(Inner {
                pool,
                redis,
                routers,
                router_interval,
                core: Cached::default(),
                router_checks: Cached::default(),
            }),
        }
    }

    /// Database and Redis (critical), then every router (non-critical), from the caches.
    pub async fn report(&self) -> HealthReport {
        let (core, routers) = tokio::join!(self.core_checks(), self.router_checks());
        HealthReport::from_checks(core.iter().chain(routers.iter()).cloned().collect())
    }

    async fn core_checks(&self) -> Arc<Vec<Check>> {
        let cache = &self.inner.core;
        if let Some(checks) = cache.fresh(CORE_TTL) {
            return checks;
        }
        // One request refreshes; the others keep answering with the previous result meanwhile.
        let _refreshing = match cache.refreshing.try_lock() {
            Ok(guard) => guard,
            Err(_) => match cache.peek(CORE_TTL) {
                Some((checks, _)) => return checks,
                None => cache.refreshing.lock().await,
            },
        };
        if let Some(checks) = cache.fresh(CORE_TTL) {
            return checks;
        }
        let report = health::check(&self.inner.pool, &self.inner.redis).await;
        cache.store(Arc::new(report.checks))
    }

    async fn router_checks(&self) -> Arc<Vec<Check>> {
        let interval = self.inner.router_interval;
        let cache = &self.inner.router_checks;
        match cache.peek(interval) {
            Some((checks, true)) => checks,
            Some((stale, false)) => {
                // Refreshed behind this answer, by one task at a time.
                if let Ok(guard) = cache.refreshing.clone().try_lock_owned() {
                    let inner = self.inner.clone();
                    tokio::spawn(async move {
                        let _refreshing = guard;
                        if inner.router_checks.fresh(interval).is_none() {
                            let checks = inner.routers.health_checks().await;
                            inner.router_checks.store(Arc::new(checks));
                        }
                    });
                }
                stale
            }
            None => {
                let _refreshing = cache.refreshing.lock().await;
                if let Some(checks) = cache.fresh(interval) {
                    return checks;
                }
                let checks = self.inner.routers.health_checks().await;
                cache.store(Arc::new(checks))
            }
        }
    }
}
