//! The Redis connection pool shared by sessions, rate limits, queues and pub/sub.
//!
//! Redis may go away (a restart, a failover) while the app runs. Every connection of the pool then
//! reconnects by itself with a backoff, and no command waits for it longer than
//! [`COMMAND_TIMEOUT`]: a request that needs Redis fails fast with a clear error (503) while it is
//! away, and everything works again within a reconnect delay once it is back.

use crate::core::config::RedisConfig;
use fred::prelude::*;
use fred::types::config::ReconnectPolicy;
use secrecy::ExposeSecret;
use std::time::Duration;

pub type RedisPool = fred::clients::Pool;

/// The longest a command may take, queueing while a connection is re-established included. A
/// command to a healthy local Redis takes well under a millisecond.
pub const COMMAND_TIMEOUT: Duration = Duration::from_secs(1);

/// The first and the longest delay between two reconnection attempts (milliseconds); the delay
/// doubles in between. Attempts never stop, and one a second costs a Redis that is down nothing.
const RECONNECT_MIN_DELAY_MS: u32 = 100;
const RECONNECT_MAX_DELAY_MS: u32 = 1_000;

pub async fn connect(config: &RedisConfig) -> Result<RedisPool, fred::error::Error> {
    let redis_config = fred::types::config::Config::from_url(config.url.expose_secret())?;
    let pool = Builder::from_config(redis_config)
        .with_connection_config(|c| {
            c.connection_timeout = Duration::from_secs(5);
            // A command whose connection broke is sent again once, after the reconnection.
            c.max_command_attempts = 2;
        })
        .with_performance_config(|p| p.default_command_timeout = COMMAND_TIMEOUT)
        .set_policy(ReconnectPolicy::new_exponential(
            0,
            RECONNECT_MIN_DELAY_MS,
            RECONNECT_MAX_DELAY_MS,
            2,
        ))
        .build_pool(4)?;
    pool.init().await?;
    for client in pool.clients() {
        client.on_error(|(error, server)| async move {
            tracing::warn!(error = %error, server = ?server, "Redis connection failed; reconnecting");
            Ok(())
        });
        client.on_reconnect(|server| async move {
            tracing::info!(server = %server, "Redis connection re-established");
            Ok(())
        });
    }
    Ok(pool)
}
