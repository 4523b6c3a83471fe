//! Failed-login counters in Redis: a fixed window per key, shared by every server replica.

use crate::core::redis::RedisPool;
use fred::prelude::*;
use fred::types::ExpireOptions;

#[derive(Clone, Debug)]
pub struct LoginLimiter {
    redis: RedisPool,
    prefix: String,
    max_failures: u32,
    window_seconds: u64,
}

impl LoginLimiter {
    /// `scope` separates counters with different limits (per username, per client address).
    pub fn new(
        redis: RedisPool,
        prefix: &str,
        scope: &str,
        max_failures: u32,
        window_seconds: u64,
    ) -> Self {
        LoginLimiter {
            redis,
            prefix: format!("{prefix}login-failures:{scope}:"),
            max_failures,
            window_seconds,
        }
    }

    fn key(&self, subject: &str) -> String {
        format!("{}{}", self.prefix, subject)
    }

    /// `Some(seconds to wait)` when `subject` has used up its failures in the current window.
    pub async fn blocked_for(&self, subject: &str) -> Result<Option<u64>, fred::error::Error> {
        let key = self.key(subject);
        let failures: Option<u32> = self.redis.get(&key).await?;
        if failures.unwrap_or(0) < self.max_failures {
            return Ok(None);
        }
        let ttl: i64 = self.redis.ttl(&key).await?;
        Ok(Some(
            u64::try_from(ttl).unwrap_or(self.window_seconds).max(1),
        ))
    }

    pub async fn record_failure(&self, subject: &str) -> Result<(), fred::error::Error> {
        let key = self.key(subject);
        let _: i64 = self.redis.incr(&key).await?;
        // NX: the window starts at the first failure and is not extended by later ones.
        let _: bool = self
            .redis
            .expire(&key, self.window_seconds as i64, Some(ExpireOptions::NX))
            .await?;
        Ok(())
    }

    pub async fn clear(&self, subject: &str) -> Result<(), fred::error::Error> {
        let _: i64 = self.redis.del(self.key(subject)).await?;
        Ok(())
    }
}
