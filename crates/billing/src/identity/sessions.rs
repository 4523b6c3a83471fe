//! Login sessions in Redis. Both API tokens and browser cookie sessions point at one of these;
//! deleting it logs the user out everywhere that session was used, at once.

use crate::core::redis::RedisPool;
use crate::identity::principal::Principal;
use fred::prelude::*;
use fred::types::Expiration;

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
            prefix: format!("{prefix}login-session:"),
            ttl_seconds,
        }
    }

    pub fn ttl_seconds(&self) -> u64 {
        self.ttl_seconds
    }

    fn key(&self, session_id: &str) -> String {
        format!("{}{}", self.prefix, session_id)
    }

    pub async fn create(&self, principal: &Principal) -> Result<String, fred::error::Error> {
        let session_id = uuid::Uuid::new_v4().simple().to_string();
        let value = serde_json::to_string(principal).expect("a principal serialises");
        let _: () = self
            .redis
            .set(
                self.key(&session_id),
                value,
                Some(Expiration::EX(self.ttl_seconds as i64)),
                None,
                false,
            )
            .await?;
        Ok(session_id)
    }

    pub async fn get(&self, session_id: &str) -> Result<Option<Principal>, fred::error::Error> {
        let value: Option<String> = self.redis.get(self.key(session_id)).await?;
        Ok(value.and_then(|v| serde_json::from_str(&v).ok()))
    }

    pub async fn delete(&self, session_id: &str) -> Result<(), fred::error::Error> {
        let _: i64 = self.redis.del(self.key(session_id)).await?;
        Ok(())
    }
}
