//! Login limits in Redis, shared by every server replica. Each check and its count happen in one
//! Redis script, so attempts that arrive together cannot all pass a check before any is counted.
//!
//! - Per client address ([`AddressLimit`]): every attempt is counted *before* its password is
//!   checked; past the limit the address is blocked for the rest of the window. A successful
//!   login gives its attempt back, so customers behind one NAT are not blocked by each other.
//! - Per username ([`UsernameBackoff`]): from the limit of failures on, attempts are let through
//!   one at a time with a growing wait between them (1 s, 2 s, 4 s … up to a maximum). An attacker
//!   slows an account down; they cannot lock its owner out.

use crate::core::redis::RedisPool;
use fred::prelude::*;

/// Counts the attempt; answers `{count, seconds left in the window}`.
const RESERVE: &str = r"
local n = redis.call('INCR', KEYS[1])
if n == 1 or redis.call('TTL', KEYS[1]) < 0 then
  redis.call('EXPIRE', KEYS[1], ARGV[1])
end
return {n, redis.call('TTL', KEYS[1])}
";

/// Gives back a counted attempt (never below zero).
const RELEASE: &str = r"
local n = tonumber(redis.call('GET', KEYS[1]) or '0')
if n > 0 then redis.call('DECR', KEYS[1]) end
return 0
";

/// Lets an attempt through, or answers how many milliseconds to wait. Past the limit of
/// failures, one attempt passes per backoff period.
const ADMIT: &str = r"
local failures = tonumber(redis.call('GET', KEYS[1]) or '0')
local limit = tonumber(ARGV[1])
if failures < limit then return 0 end
local wait = redis.call('PTTL', KEYS[2])
if wait > 0 then return wait end
local backoff = math.min(1000 * 2 ^ (failures - limit), tonumber(ARGV[2]))
redis.call('SET', KEYS[2], '1', 'PX', math.floor(backoff))
return 0
";

/// Counts a failure; from the limit on, the next attempt waits for the backoff.
const FAIL: &str = r"
local n = redis.call('INCR', KEYS[1])
if n == 1 or redis.call('TTL', KEYS[1]) < 0 then
  redis.call('EXPIRE', KEYS[1], ARGV[1])
end
local limit = tonumber(ARGV[2])
if n >= limit then
  local backoff = math.min(1000 * 2 ^ (n - limit), tonumber(ARGV[3]))
  redis.call('SET', KEYS[2], '1', 'PX', math.floor(backoff))
end
return n
";

/// Attempts per client address in a window; past the limit the address is blocked.
#[derive(Clone, Debug)]
pub struct AddressLimit {
    redis: RedisPool,
    prefix: String,
    max_attempts: u32,
    window_seconds: u64,
}

impl AddressLimit {
    /// `scope` separates counters of different purposes.
    pub fn new(
        redis: RedisPool,
        prefix: &str,
        scope: &str,
        max_attempts: u32,
        window_seconds: u64,
    ) -> Self {
        AddressLimit {
            redis,
            prefix: format!("{prefix}limit:{scope}:"),
            max_attempts,
            window_seconds,
        }
    }

    /// Counts an attempt from `subject`: `Some(seconds to wait)` when it is over the limit.
    pub async fn reserve(&self, subject: &str) -> Result<Option<u64>, fred::error::Error> {
        let (count, ttl): (u64, i64) = self
            .redis
            .eval(
                RESERVE,
                format!("{}{subject}", self.prefix),
                vec![self.window_seconds.to_string()],
            )
            .await?;
        Ok((count > u64::from(self.max_attempts))
            .then(|| u64::try_from(ttl).unwrap_or(self.window_seconds).max(1)))
    }

    /// Gives back an attempt that turned out well.
    pub async fn release(&self, subject: &str) -> Result<(), fred::error::Error> {
        let _: i64 = self
            .redis
            .eval(
                RELEASE,
                format!("{}{subject}", self.prefix),
                Vec::<String>::new(),
            )
            .await?;
        Ok(())
    }
}

/// Failed logins per username, slowing further attempts down past the limit.
#[derive(Clone, Debug)]
pub struct UsernameBackoff {
    redis: RedisPool,
    prefix: String,
    max_failures: u32,
    window_seconds: u64,
    max_backoff_ms: u64,
}

impl UsernameBackoff {
    pub fn new(
        redis: RedisPool,
        prefix: &str,
        max_failures: u32,
        window_seconds: u64,
        max_backoff_seconds: u64,
    ) -> Self {
        UsernameBackoff {
            redis,
            prefix: format!("{prefix}login-failures:user:"),
            max_failures,
            window_seconds,
            max_backoff_ms: max_backoff_seconds.saturating_mul(1000),
        }
    }

    fn keys(&self, subject: &str) -> Vec<String> {
        vec![
            format!("{}{subject}", self.prefix),
            format!("{}{subject}:wait", self.prefix),
        ]
    }

    /// `Some(seconds to wait)` when `subject` must wait before its next attempt.
    pub async fn admit(&self, subject: &str) -> Result<Option<u64>, fred::error::Error> {
        let wait_ms: u64 = self
            .redis
            .eval(
                ADMIT,
                self.keys(subject),
                vec![
                    self.max_failures.to_string(),
                    self.max_backoff_ms.to_string(),
                ],
            )
            .await?;
        Ok((wait_ms > 0).then(|| wait_ms.div_ceil(1000)))
    }

    pub async fn record_failure(&self, subject: &str) -> Result<(), fred::error::Error> {
        let _: i64 = self
            .redis
            .eval(
                FAIL,
                self.keys(subject),
                vec![
                    self.window_seconds.to_string(),
                    self.max_failures.to_string(),
                    self.max_backoff_ms.to_string(),
                ],
            )
            .await?;
        Ok(())
    }

    pub async fn clear(&self, subject: &str) -> Result<(), fred::error::Error> {
        let _: i64 = self.redis.del(self.keys(subject)).await?;
        Ok(())
    }
}
