//! The Redis connection pool shared by sessions, rate limits, queues and pub/sub.

use crate::core::config::RedisConfig;
use fred::prelude::*;
use secrecy::ExposeSecret;

pub type RedisPool = fred::clients::Pool;

pub async fn connect(config: &RedisConfig) -> Result<RedisPool, fred::error::Error> {
    let redis_config = fred::types::config::Config::from_url(config.url.expose_secret())?;
    let pool = Builder::from_config(redis_config)
        .with_connection_config(|c| {
            c.connection_timeout = std::time::Duration::from_secs(5);
        })
        .build_pool(4)?;
    pool.init().await?;
    Ok(pool)
}
