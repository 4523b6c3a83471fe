//! The services of one process, built once at start-up (or per test) and handed to every
//! request and job. This is the crate's composition root: it knows every area; no area knows it,
//! except the job functions of `ops`.

use crate::core::config::Config;
use crate::core::{crypto, db, health, redis};
use crate::hotspot::jobs::HotspotJobs;
use crate::hotspot::reconcile::{self, ReconcileError};
use crate::identity::auth::AuthService;
use crate::identity::staff::StaffService;
use crate::outbox::{JobError, JobHandler};
use crate::pppoe::secrets::{SecretJob, SecretJobs};
use crate::pppoe::subscriptions::SubscriptionService;
use crate::routers::RouterService;
use crate::routers::monitor::HealthMonitor;
use crate::routers::ppp_jobs::{PppoeJob, PppoeJobs};
use futures::future::BoxFuture;
use std::sync::Arc;

/// Everything a request or a job needs, cheap to clone.
#[derive(Clone, Debug)]
pub struct Services {
    pub config: Arc<Config>,
    pub pool: sqlx::PgPool,
    pub redis: redis::RedisPool,
    pub auth: AuthService,
    pub routers: RouterService,
    pub health_monitor: HealthMonitor,
    pub staff: StaffService,
    pub subscriptions: SubscriptionService,
    /// The admin dashboard's figures, reused for a second.
    pub dashboard: crate::reports::dashboard::DashboardFigures,
}

/// The router outbox's jobs of every area: the hotspot's, the PPPoE secrets' (`pppoe`).
#[derive(Clone, Debug)]
pub struct RouterJobs {
    pub hotspot: HotspotJobs,
    pub pppoe: PppoeJobs,
    pub secrets: SecretJobs,
}

impl JobHandler for RouterJobs {
    fn run<'a>(
        &'a self,
        router_id: i64,
        kind: &'a str,
        payload: serde_json::Value,
    ) -> BoxFuture<'a, Result<(), JobError>> {
        if PppoeJob::KINDS.contains(&kind) {
            self.pppoe.run(router_id, kind, payload)
        } else if SecretJob::KINDS.contains(&kind) {
            self.secrets.run(router_id, kind, payload)
        } else {
            self.hotspot.run(router_id, kind, payload)
        }
    }
}

#[derive(Debug, thiserror::Error)]
pub enum StartupError {
    #[error("cannot connect to PostgreSQL")]
    Database(#[from] sqlx::Error),
    #[error("cannot apply database migrations")]
    Migrate(#[from] sqlx::migrate::MigrateError),
    #[error("cannot connect to Redis")]
    Redis(#[from] fred::error::Error),
    #[error("cannot re-seal the stored router passwords")]
    Credentials(#[from] crate::routers::RouterError),
}

impl Services {
    pub fn new(config: Config, pool: sqlx::PgPool, redis: redis::RedisPool) -> Self {
        let auth = AuthService::new(&config, pool.clone(), redis.clone());
        let secrets = crypto::SecretBox::new(&config.encryption_key_bytes());
        let routers = RouterService::new(pool.clone(), secrets.clone());
        let subscriptions = SubscriptionService::new(pool.clone(), secrets, routers.clone());
        let health_monitor = HealthMonitor::new(
            pool.clone(),
            redis.clone(),
            routers.clone(),
            std::time::Duration::from_secs(config.health.router_probe_interval_seconds),
        );
        let staff = StaffService::new(pool.clone(), auth.sessions());
        Services {
            config: Arc::new(config),
            pool,
            redis,
            auth,
            routers,
            health_monitor,
            staff,
            subscriptions,
            dashboard: Default::default(),
        }
    }

    /// Connects to PostgreSQL and Redis and brings the schema up to date.
    pub async fn start(config: Config) -> Result<Self, StartupError> {
        let pool = db::connect(&config.database).await?;
        db::migrate(&pool).await?;
        let redis = redis::connect(&config.redis).await?;
        let services = Services::new(config, pool, redis);
        let rebound = services.routers.bind_credentials().await?;
        if rebound > 0 {
            tracing::info!(
                routers = rebound,
                "router passwords re-sealed for their rows"
            );
        }
        Ok(services)
    }

    /// What runs the router outbox's jobs: each kind by the area that defined it.
    pub fn router_jobs(&self) -> RouterJobs {
        RouterJobs {
            hotspot: HotspotJobs {
                pool: self.pool.clone(),
                routers: self.routers.clone(),
            },
            pppoe: PppoeJobs {
                routers: self.routers.clone(),
            },
            secrets: SecretJobs {
                pool: self.pool.clone(),
                routers: self.routers.clone(),
                secrets: self.subscriptions.secret_box().clone(),
            },
        }
    }

    /// Compares a router's hotspot users with its vouchers, and its PPPoE secrets with its
    /// subscriptions, and queues the repairs.
    pub async fn reconcile(
        &self,
        router_id: i64,
    ) -> Result<domain::model::routers::ReconcileReport, ReconcileError> {
        let mut report = reconcile::run_once(
            &self.pool,
            &self.routers,
            router_id,
            self.config.expired_voucher_action,
        )
        .await?;
        let secrets =
            crate::pppoe::secrets::reconcile(&self.pool, &self.routers, router_id).await?;
        report.secrets_recreated = secrets.recreated;
        report.secrets_drifted = secrets.drifted;
        Ok(report)
    }

    /// Today, in the business's time zone (`timezone`): the day invoices, periods and reports
    /// count in.
    pub fn today(&self) -> chrono::NaiveDate {
        chrono::Utc::now()
            .with_timezone(&self.config.timezone)
            .date_naive()
    }

    /// The monthly invoice run as the configuration says (`invoices.*`), as on `on` (today, or
    /// an earlier day to catch up; a later one is refused), issuing on the business's today.
    pub async fn invoice_run(
        &self,
        on: chrono::NaiveDate,
        actor: crate::core::audit::Actor,
    ) -> Result<domain::model::invoices::InvoiceRunOutcome, crate::money::error::MoneyError> {
        crate::money::invoice_run::run(
            &self.pool,
            on,
            self.today(),
            crate::money::invoices::Issuing::from_config(&self.config),
            crate::money::invoice_run::RunSettings::from_config(&self.config),
            actor,
        )
        .await
    }

    /// Database and Redis (critical), then every router (non-critical), from cached probes
    /// (see [`HealthMonitor`]).
    pub async fn health(&self) -> health::HealthReport {
        self.health_monitor.report().await
    }
}
