//! Login sessions in Redis. Both API tokens and browser cookie sessions point at one of these;
//! deleting it logs the user out everywhere that session was used, at once.
//!
//! Each user's sessions are also listed under the user (`login-sessions:staff:7`), so that an
//! admin can see them and all of them end together when the user's role changes or the user is
//! deactivated. A per-user generation closes the race with a login in flight: a login notes the
//! generation before it reads the user, and its session is only stored if no revocation bumped
//! the generation meanwhile.

use crate::core::redis::RedisPool;
use crate::identity::principal::Principal;
use chrono::{DateTime, Utc};
use fred::prelude::*;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

/// Stores the session and lists it under its user, unless the user's generation moved on since
/// the login read the user. KEYS: session, user's list, generation. ARGV: value, ttl, generation.
const CREATE: &str = r"
local current = redis.call('GET', KEYS[3]) or '0'
if current ~= ARGV[3] then return 0 end
redis.call('SET', KEYS[1], ARGV[1], 'EX', ARGV[2])
redis.call('SADD', KEYS[2], ARGV[4])
redis.call('EXPIRE', KEYS[2], ARGV[2])
return 1
";

/// Bumps the generation, then deletes every listed session. KEYS: user's list, generation.
/// ARGV: the session key prefix. Returns how many sessions ended.
const REVOKE_ALL: &str = r"
redis.call('INCR', KEYS[2])
local ids = redis.call('SMEMBERS', KEYS[1])
local ended = 0
for _, id in ipairs(ids) do
  ended = ended + redis.call('DEL', ARGV[1] .. id)
end
redis.call('DEL', KEYS[1])
return ended
";

/// What is stored for a session: who, since when, from where.
#[derive(Debug, Clone, Serialize, Deserialize)]
struct SessionRecord {
    #[serde(flatten)]
    principal: Principal,
    #[serde(default)]
    created_at: Option<DateTime<Utc>>,
    #[serde(default)]
    client_ip: Option<String>,
}

/// One of a user's sessions as an admin sees it. `handle` names the session without being the
/// secret session id.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SessionSummary {
    pub handle: String,
    pub created_at: Option<DateTime<Utc>>,
    pub client_ip: Option<String>,
}

/// A user's generation, read before a login reads the user (see [`SessionStore::create`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Generation(i64);

#[derive(Clone, Debug)]
pub struct SessionStore {
    redis: RedisPool,
    prefix: String,
    ttl_seconds: u64,
}

impl SessionStore {
    pub fn new(redis: RedisPool, prefix: &str, ttl_seconds: u64) -> Self {
        SessionStore {
            redis,
            prefix: prefix.to_owned(),
            ttl_seconds,
        }
    }

    pub fn ttl_seconds(&self) -> u64 {
        self.ttl_seconds
    }

    fn session_prefix(&self) -> String {
        format!("{}login-session:", self.prefix)
    }

    fn key(&self, session_id: &str) -> String {
        format!("{}{}", self.session_prefix(), session_id)
    }

    fn list_key(&self, subject: &str) -> String {
        format!("{}login-sessions:{subject}", self.prefix)
    }

    fn generation_key(&self, subject: &str) -> String {
        format!("{}login-generation:{subject}", self.prefix)
    }

    /// The user's generation now; pass it to [`create`](Self::create).
    pub async fn generation(&self, subject: &str) -> Result<Generation, fred::error::Error> {
        let value: Option<i64> = self.redis.get(self.generation_key(subject)).await?;
        Ok(Generation(value.unwrap_or(0)))
    }

    /// Starts a session for `principal`, read from the database after `generation` was taken.
    /// `None` when the user's sessions were revoked in between: the principal may be stale, and
    /// the login reads the user again.
    pub async fn create(
        &self,
        principal: &Principal,
        generation: Generation,
        client_ip: Option<String>,
    ) -> Result<Option<String>, fred::error::Error> {
        let session_id = uuid::Uuid::new_v4().simple().to_string();
        let record = SessionRecord {
            principal: principal.clone(),
            created_at: Some(Utc::now()),
            client_ip,
        };
        let value = serde_json::to_string(&record).expect("a session record serialises");
        let subject = principal.subject();
        let stored: i64 = self
            .redis
            .eval(
                CREATE,
                vec![
                    self.key(&session_id),
                    self.list_key(&subject),
                    self.generation_key(&subject),
                ],
                vec![
                    value,
                    self.ttl_seconds.to_string(),
                    generation.0.to_string(),
                    session_id.clone(),
                ],
            )
            .await?;
        Ok((stored == 1).then_some(session_id))
    }

    pub async fn get(&self, session_id: &str) -> Result<Option<Principal>, fred::error::Error> {
        let value: Option<String> = self.redis.get(self.key(session_id)).await?;
        Ok(value
            .and_then(|v| serde_json::from_str::<SessionRecord>(&v).ok())
            .map(|record| record.principal))
    }

    pub async fn delete(&self, session_id: &str) -> Result<(), fred::error::Error> {
        let value: Option<String> = self.redis.get(self.key(session_id)).await?;
        let _: i64 = self.redis.del(self.key(session_id)).await?;
        if let Some(record) = value.and_then(|v| serde_json::from_str::<SessionRecord>(&v).ok()) {
            let _: i64 = self
                .redis
                .srem(self.list_key(&record.principal.subject()), session_id)
                .await?;
        }
        Ok(())
    }

    /// The user's live sessions, oldest first. Ended ones still listed are cleared on the way.
    pub async fn list(&self, subject: &str) -> Result<Vec<SessionSummary>, fred::error::Error> {
        let ids: Vec<String> = self.redis.smembers(self.list_key(subject)).await?;
        let mut sessions = Vec::new();
        for id in ids {
            let value: Option<String> = self.redis.get(self.key(&id)).await?;
            match value.and_then(|v| serde_json::from_str::<SessionRecord>(&v).ok()) {
                Some(record) => sessions.push(SessionSummary {
                    handle: handle(&id),
                    created_at: record.created_at,
                    client_ip: record.client_ip,
                }),
                None => {
                    let _: i64 = self.redis.srem(self.list_key(subject), id).await?;
                }
            }
        }
        sessions.sort_by_key(|s| s.created_at);
        Ok(sessions)
    }

    /// Ends every session of the user, and any login of theirs still in flight. Returns how many
    /// sessions ended.
    pub async fn revoke_all(&self, subject: &str) -> Result<u64, fred::error::Error> {
        self.redis
            .eval(
                REVOKE_ALL,
                vec![self.list_key(subject), self.generation_key(subject)],
                vec![self.session_prefix()],
            )
            .await
    }

    /// Ends the user's session named by `handle`; false when there is none.
    pub async fn revoke(&self, subject: &str, handle_: &str) -> Result<bool, fred::error::Error> {
        let ids: Vec<String> = self.redis.smembers(self.list_key(subject)).await?;
        let Some(id) = ids.into_iter().find(|id| handle(id) == handle_) else {
            return Ok(false);
        };
        let deleted: i64 = self.redis.del(self.key(&id)).await?;
        let _: i64 = self.redis.srem(self.list_key(subject), &id).await?;
        Ok(deleted == 1)
    }
}

/// A session's public name: the first 16 hex digits of its id's SHA-256.
pub fn handle(session_id: &str) -> String {
    hex::encode(&Sha256::digest(session_id.as_bytes())[..8])
}
