//! One shared API connection per router.

use crate::core::crypto::SecretBox;
use crate::routers::error::{RouterError, invalid};
use domain::ErrorCode;
use routeros::{Client, ClientConfig, TlsMode};
use sqlx::PgPool;
use std::collections::HashMap;
use std::sync::Arc;
use tokio::sync::Mutex;

/// The shared API connections, one per router, opened on first use and reused by every job and
/// request (the client pipelines, so one connection carries many commands at once). Each router
/// has its own slot, so connecting to a slow or unreachable router delays no other router.
#[derive(Clone, Default)]
pub struct Connections {
    slots: Arc<Mutex<HashMap<i64, Slot>>>,
}

/// One router's connection, once made.
type Slot = Arc<Mutex<Option<Client>>>;

impl std::fmt::Debug for Connections {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Connections(..)")
    }
}

impl Connections {
    /// The connection to `router_id`, connecting and logging in if there is none yet.
    pub async fn client(
        &self,
        pool: &PgPool,
        secrets: &SecretBox,
        router_id: i64,
    ) -> Result<Client, RouterError> {
        let slot = self
            .slots
            .lock()
            .await
            .entry(router_id)
            .or_default()
            .clone();
        let mut slot = slot.lock().await;
        if let Some(client) = slot.as_ref() {
            return Ok(client.clone());
        }
        let config = client_config(pool, secrets, router_id).await?;
        let client = Client::connect(config).await?;
        *slot = Some(client.clone());
        Ok(client)
    }

    /// Forgets a router's connection (after its settings changed, or it was removed).
    pub async fn forget(&self, router_id: i64) {
        self.slots.lock().await.remove(&router_id);
    }
}

async fn client_config(
    pool: &PgPool,
    secrets: &SecretBox,
    router_id: i64,
) -> Result<ClientConfig, RouterError> {
    let row = sqlx::query!(
        "SELECT host, port, use_tls, tls_fingerprint, username, password_encrypted, password_bound
         FROM routers WHERE id = $1",
        router_id
    )
    .fetch_optional(pool)
    .await?
    .ok_or(RouterError::NotFound)?;
    let owner = if row.password_bound {
        super::credential_owner(router_id, &row.host, row.port)
    } else {
        Vec::new()
    };
    let password = secrets.open(&row.password_encrypted, &owner)?;
    let tls = match (row.use_tls, row.tls_fingerprint) {
        (false, _) => TlsMode::None,
        (true, Some(fingerprint)) => TlsMode::pinned_from_hex(&fingerprint).map_err(|_| {
            invalid(
                "tls_fingerprint",
                ErrorCode::RouterFingerprint,
                "stored fingerprint is malformed",
            )
        })?,
        (true, None) => TlsMode::SystemRoots,
    };
    let port = u16::try_from(row.port)
        .map_err(|_| invalid("port", ErrorCode::RouterPort, "stored port is out of range"))?;
    Ok(ClientConfig::new(row.host, row.username, password)
        .port(port)
        .tls(tls))
}
