//! Services over a fresh test database (from `#[sqlx::test]`) and the shared test Redis.

use billing::{Config, Services};
use sqlx::PgPool;

pub async fn services(pool: PgPool) -> Services {
    let redis_url =
        std::env::var("REDIS_URL").unwrap_or_else(|_| "redis://127.0.0.1:56379".to_owned());
    let config = Config::for_tests("postgres://unused-the-pool-is-given", &redis_url);
    let redis = billing::core::redis::connect(&config.redis)
        .await
        .expect("the test Redis is running (scripts/dev.sh services)");
    Services::new(config, pool, redis)
}
