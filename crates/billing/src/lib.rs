//! Services of Mikrotik Billing. Everything here is callable from a test with a real PostgreSQL
//! and Redis; nothing here knows about Leptos or HTTP.

pub mod accounts;
pub mod activation;
pub mod audit;
pub mod auth;
pub mod catalog;
pub mod config;
pub mod crypto;
pub mod db;
pub mod demo;
pub mod health;
pub mod jobs;
pub mod outbox;
pub mod problem;
pub mod reconcile;
pub mod redis;
pub mod reports;
pub mod routers;
pub mod sales;
pub mod vouchers;

pub use config::Config;
pub use uuid;

/// The migrations of `migrations/`, embedded in the binary and applied at start-up.
pub static MIGRATOR: sqlx::migrate::Migrator = sqlx::migrate!("../../migrations");

use std::sync::Arc;

/// Everything a request or a job needs, cheap to clone: built once at start-up (or per test).
#[derive(Clone, Debug)]
pub struct Services {
    pub config: Arc<Config>,
    pub pool: sqlx::PgPool,
    pub redis: redis::RedisPool,
    pub auth: auth::AuthService,
    pub routers: routers::RouterService,
    /// Wakes the router outbox worker of this process when new work was just queued.
    pub outbox_wake: Arc<tokio::sync::Notify>,
}

#[derive(Debug, thiserror::Error)]
pub enum StartupError {
    #[error("cannot connect to PostgreSQL")]
    Database(#[from] sqlx::Error),
    #[error("cannot apply database migrations")]
    Migrate(#[from] sqlx::migrate::MigrateError),
    #[error("cannot connect to Redis")]
    Redis(#[from] fred::error::Error),
}

impl Services {
    pub fn new(config: Config, pool: sqlx::PgPool, redis: redis::RedisPool) -> Self {
        let auth = auth::AuthService::new(&config, pool.clone(), redis.clone());
        let secrets = crypto::SecretBox::new(&config.encryption_key_bytes());
        let routers = routers::RouterService::new(pool.clone(), secrets);
        Services {
            config: Arc::new(config),
            pool,
            redis,
            auth,
            routers,
            outbox_wake: Arc::new(tokio::sync::Notify::new()),
        }
    }

    /// Connects to PostgreSQL and Redis and brings the schema up to date.
    pub async fn start(config: Config) -> Result<Self, StartupError> {
        let pool = db::connect(&config.database).await?;
        db::migrate(&pool).await?;
        let redis = redis::connect(&config.redis).await?;
        Ok(Services::new(config, pool, redis))
    }

    /// Spec 10.2: database and Redis (critical), then every router (non-critical).
    pub async fn health(&self) -> health::HealthReport {
        let (core, routers) = tokio::join!(
            health::check(&self.pool, &self.redis),
            self.routers.health_checks()
        );
        health::HealthReport::from_checks(core.checks.into_iter().chain(routers).collect())
    }
}
