//! MikroTik routers: registration with credentials encrypted at rest, one shared API connection
//! per router, and live status.

use crate::audit::{self, Actor};
use crate::crypto::SecretBox;
use crate::health::Check;
use chrono::{DateTime, Utc};
use routeros::{Client, ClientConfig, TlsMode};
use serde::{Deserialize, Serialize};
use sqlx::PgPool;
use std::collections::HashMap;
use std::sync::Arc;
use std::time::{Duration, Instant};
use tokio::sync::Mutex;

#[derive(Debug, thiserror::Error)]
pub enum RouterError {
    #[error("{field}: {message}")]
    Invalid {
        field: &'static str,
        code: &'static str,
        message: String,
    },
    #[error("a router with this name already exists")]
    DuplicateName,
    #[error("no such router")]
    NotFound,
    #[error("the router still has plans or vouchers; remove them first")]
    InUse,
    #[error("the stored router password does not decrypt with the configured encryption key")]
    Credentials(#[from] crate::crypto::CryptoError),
    #[error(transparent)]
    Router(#[from] routeros::Error),
    #[error("database error")]
    Database(#[from] sqlx::Error),
}

fn invalid(field: &'static str, code: &'static str, message: &str) -> RouterError {
    RouterError::Invalid {
        field,
        code,
        message: message.to_owned(),
    }
}

/// What an admin enters for a router. On update an empty password keeps the stored one.
#[derive(Debug, Clone, Deserialize)]
pub struct RouterInput {
    pub name: String,
    pub host: String,
    pub port: Option<u16>,
    #[serde(default)]
    pub use_tls: bool,
    /// SHA-256 of the router's certificate (hex, `:` allowed) to pin a self-signed certificate.
    pub tls_fingerprint: Option<String>,
    pub username: String,
    pub password: Option<String>,
    /// The hotspot's login page, e.g. `http://hotspot.example.net/login`: the QR codes on
    /// vouchers open it with the code filled in. Empty: MikroTik's default `http://10.5.50.1/login`.
    #[serde(default)]
    pub hotspot_login_url: Option<String>,
}

struct ValidInput {
    name: String,
    host: String,
    port: u16,
    use_tls: bool,
    tls_fingerprint: Option<String>,
    username: String,
    password: Option<String>,
    hotspot_login_url: Option<String>,
}

impl RouterInput {
    fn validate(self) -> Result<ValidInput, RouterError> {
        let name = self.name.trim().to_owned();
        if name.is_empty() || name.chars().count() > 64 {
            return Err(invalid(
                "name",
                "router_name",
                "name must be 1–64 characters",
            ));
        }
        let host = self.host.trim().to_owned();
        let host_ok = !host.is_empty()
            && host.len() <= 253
            && host
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | ':' | '[' | ']'));
        if !host_ok {
            return Err(invalid(
                "host",
                "router_host",
                "host must be an IP address or a host name",
            ));
        }
        let port = self.port.unwrap_or(if self.use_tls { 8729 } else { 8728 });
        if port == 0 {
            return Err(invalid(
                "port",
                "router_port",
                "port must be between 1 and 65535",
            ));
        }
        let tls_fingerprint = self
            .tls_fingerprint
            .map(|f| f.trim().to_owned())
            .filter(|f| !f.is_empty());
        if let Some(fingerprint) = &tls_fingerprint {
            if !self.use_tls {
                return Err(invalid(
                    "tls_fingerprint",
                    "router_fingerprint",
                    "a certificate fingerprint needs TLS",
                ));
            }
            TlsMode::pinned_from_hex(fingerprint).map_err(|_| {
                invalid(
                    "tls_fingerprint",
                    "router_fingerprint",
                    "fingerprint must be 64 hex digits (SHA-256)",
                )
            })?;
        }
        let username = self.username.trim().to_owned();
        if username.is_empty() {
            return Err(invalid(
                "username",
                "router_username",
                "API username must not be empty",
            ));
        }
        let hotspot_login_url = self
            .hotspot_login_url
            .map(|u| u.trim().to_owned())
            .filter(|u| !u.is_empty());
        if let Some(url) = &hotspot_login_url {
            let parsed = url::Url::parse(url).ok().filter(|u| {
                matches!(u.scheme(), "http" | "https")
                    && u.host().is_some()
                    && u.query().is_none()
                    && !url.chars().any(char::is_whitespace)
            });
            if parsed.is_none() || url.len() > 300 {
                return Err(invalid(
                    "hotspot_login_url",
                    "router_login_url",
                    "the hotspot login page must be an http:// or https:// address without a query",
                ));
            }
        }
        Ok(ValidInput {
            name,
            host,
            port,
            use_tls: self.use_tls,
            tls_fingerprint,
            username,
            password: self.password.filter(|p| !p.is_empty()),
            hotspot_login_url,
        })
    }
}

/// A router as the admin sees it; never carries the password.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RouterSummary {
    pub id: i64,
    pub name: String,
    pub host: String,
    pub port: u16,
    pub use_tls: bool,
    pub tls_fingerprint: Option<String>,
    pub username: String,
    pub hotspot_login_url: Option<String>,
    pub identity: Option<String>,
    pub routeros_version: Option<String>,
    pub last_seen_at: Option<DateTime<Utc>>,
    pub last_error: Option<String>,
}

/// Live state of a router, read over its API.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct RouterStatus {
    pub router_id: i64,
    pub reachable: bool,
    pub latency_ms: f64,
    pub identity: Option<String>,
    pub version: Option<String>,
    pub uptime_seconds: Option<u64>,
    pub cpu_load_percent: Option<u64>,
    pub free_memory: Option<u64>,
    pub total_memory: Option<u64>,
    pub error: Option<String>,
}

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
        "SELECT host, port, use_tls, tls_fingerprint, username, password_encrypted FROM routers WHERE id = $1",
        router_id
    )
    .fetch_optional(pool)
    .await?
    .ok_or(RouterError::NotFound)?;
    let password = secrets.open(&row.password_encrypted)?;
    let tls = match (row.use_tls, row.tls_fingerprint) {
        (false, _) => TlsMode::None,
        (true, Some(fingerprint)) => TlsMode::pinned_from_hex(&fingerprint).map_err(|_| {
            invalid(
                "tls_fingerprint",
                "router_fingerprint",
                "stored fingerprint is malformed",
            )
        })?,
        (true, None) => TlsMode::SystemRoots,
    };
    let port = u16::try_from(row.port)
        .map_err(|_| invalid("port", "router_port", "stored port is out of range"))?;
    Ok(ClientConfig::new(row.host, row.username, password)
        .port(port)
        .tls(tls))
}

/// Router registration and status, over the database, the encryption key and the connections.
#[derive(Clone, Debug)]
pub struct RouterService {
    pool: PgPool,
    secrets: SecretBox,
    connections: Connections,
}

impl RouterService {
    pub fn new(pool: PgPool, secrets: SecretBox) -> Self {
        RouterService {
            pool,
            secrets,
            connections: Connections::default(),
        }
    }

    /// The shared connection to a router.
    pub async fn client(&self, router_id: i64) -> Result<Client, RouterError> {
        self.connections
            .client(&self.pool, &self.secrets, router_id)
            .await
    }

    pub async fn list(&self) -> Result<Vec<RouterSummary>, RouterError> {
        self.summaries(None).await
    }

    pub async fn get(&self, router_id: i64) -> Result<RouterSummary, RouterError> {
        self.summaries(Some(router_id))
            .await?
            .pop()
            .ok_or(RouterError::NotFound)
    }

    /// Every router, or only `only`.
    async fn summaries(&self, only: Option<i64>) -> Result<Vec<RouterSummary>, RouterError> {
        let rows = sqlx::query!(
            "SELECT id, name, host, port, use_tls, tls_fingerprint, username, hotspot_login_url, identity, routeros_version,
                    last_seen_at, last_error
             FROM routers WHERE $1::BIGINT IS NULL OR id = $1 ORDER BY name",
            only
        )
        .fetch_all(&self.pool)
        .await?;
        Ok(rows
            .into_iter()
            .map(|r| RouterSummary {
                id: r.id,
                name: r.name,
                host: r.host,
                port: u16::try_from(r.port).unwrap_or_default(),
                use_tls: r.use_tls,
                tls_fingerprint: r.tls_fingerprint,
                username: r.username,
                hotspot_login_url: r.hotspot_login_url,
                identity: r.identity,
                routeros_version: r.routeros_version,
                last_seen_at: r.last_seen_at,
                last_error: r.last_error,
            })
            .collect())
    }

    pub async fn create(
        &self,
        input: RouterInput,
        actor: Actor,
    ) -> Result<RouterSummary, RouterError> {
        let input = input.validate()?;
        let password = input.password.as_deref().ok_or_else(|| {
            invalid(
                "password",
                "router_password",
                "API password must not be empty",
            )
        })?;
        let sealed = self.secrets.seal(password);
        let mut tx = self.pool.begin().await?;
        let id = sqlx::query_scalar!(
            "INSERT INTO routers (name, host, port, use_tls, tls_fingerprint, username, password_encrypted,
                                  hotspot_login_url)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id",
            input.name,
            input.host,
            i32::from(input.port),
            input.use_tls,
            input.tls_fingerprint,
            input.username,
            sealed,
            input.hotspot_login_url
        )
        .fetch_one(&mut *tx)
        .await
        .map_err(unique_name)?;
        audit::record(
            &mut *tx,
            actor,
            "router.create",
            Some(("router", id.to_string())),
            serde_json::json!({ "name": input.name, "host": input.host, "port": input.port }),
        )
        .await?;
        tx.commit().await?;
        self.get(id).await
    }

    pub async fn update(
        &self,
        router_id: i64,
        input: RouterInput,
        actor: Actor,
    ) -> Result<RouterSummary, RouterError> {
        let input = input.validate()?;
        let sealed = input.password.as_deref().map(|p| self.secrets.seal(p));
        let mut tx = self.pool.begin().await?;
        let updated = sqlx::query!(
            "UPDATE routers SET name = $2, host = $3, port = $4, use_tls = $5, tls_fingerprint = $6,
                    username = $7, password_encrypted = coalesce($8, password_encrypted),
                    hotspot_login_url = $9, updated_at = now()
             WHERE id = $1",
            router_id,
            input.name,
            input.host,
            i32::from(input.port),
            input.use_tls,
            input.tls_fingerprint,
            input.username,
            sealed,
            input.hotspot_login_url
        )
        .execute(&mut *tx)
        .await
        .map_err(unique_name)?;
        if updated.rows_affected() == 0 {
            return Err(RouterError::NotFound);
        }
        audit::record(
            &mut *tx,
            actor,
            "router.update",
            Some(("router", router_id.to_string())),
            serde_json::json!({ "name": input.name, "host": input.host, "password_changed": sealed.is_some() }),
        )
        .await?;
        tx.commit().await?;
        self.connections.forget(router_id).await;
        self.get(router_id).await
    }

    pub async fn delete(&self, router_id: i64, actor: Actor) -> Result<(), RouterError> {
        let mut tx = self.pool.begin().await?;
        let deleted = sqlx::query!("DELETE FROM routers WHERE id = $1", router_id)
            .execute(&mut *tx)
            .await
            .map_err(|e| match &e {
                sqlx::Error::Database(db) if db.is_foreign_key_violation() => RouterError::InUse,
                _ => RouterError::Database(e),
            })?;
        if deleted.rows_affected() == 0 {
            return Err(RouterError::NotFound);
        }
        audit::record(
            &mut *tx,
            actor,
            "router.delete",
            Some(("router", router_id.to_string())),
            serde_json::json!({}),
        )
        .await?;
        tx.commit().await?;
        self.connections.forget(router_id).await;
        Ok(())
    }

    /// Reads identity and resources over the API and records what it saw (or the error).
    pub async fn status(&self, router_id: i64) -> Result<RouterStatus, RouterError> {
        let started = Instant::now();
        let probe = async {
            let client = self.client(router_id).await?;
            let (identity, resource) =
                tokio::try_join!(client.system_identity(), client.system_resource())?;
            Ok::<_, RouterError>((identity, resource))
        };
        let outcome = tokio::time::timeout(Duration::from_secs(5), probe).await;
        let latency_ms = (started.elapsed().as_secs_f64() * 100_000.0).round() / 100.0;
        let status = match outcome {
            Ok(Ok((identity, resource))) => RouterStatus {
                router_id,
                reachable: true,
                latency_ms,
                identity: Some(identity.name),
                version: resource.version,
                uptime_seconds: resource.uptime.map(|u| u.as_secs()),
                cpu_load_percent: resource.cpu_load,
                free_memory: resource.free_memory,
                total_memory: resource.total_memory,
                error: None,
            },
            Ok(Err(RouterError::NotFound)) => return Err(RouterError::NotFound),
            // The router's own words, without this layer's "router:" prefix.
            Ok(Err(RouterError::Router(e))) => {
                unreachable_status(router_id, latency_ms, e.to_string())
            }
            Ok(Err(e)) => unreachable_status(router_id, latency_ms, e.to_string()),
            Err(_) => unreachable_status(router_id, latency_ms, "no answer within 5 s".to_owned()),
        };
        if !status.reachable {
            // A broken connection is not reused; the next attempt connects afresh.
            self.connections.forget(router_id).await;
        }
        sqlx::query!(
            "UPDATE routers SET
                 identity = coalesce($2, identity),
                 routeros_version = coalesce($3, routeros_version),
                 last_seen_at = CASE WHEN $4 THEN now() ELSE last_seen_at END,
                 last_error = $5
             WHERE id = $1",
            router_id,
            status.identity,
            status.version,
            status.reachable,
            status.error
        )
        .execute(&self.pool)
        .await?;
        Ok(status)
    }

    /// One non-critical health check per router: a router being down degrades the service, it
    /// does not make it unhealthy.
    pub async fn health_checks(&self) -> Vec<Check> {
        let routers = match self.list().await {
            Ok(routers) => routers,
            Err(_) => return Vec::new(),
        };
        let checks = routers.into_iter().map(|router| async move {
            let status = self.status(router.id).await;
            let (healthy, latency_ms, error) = match status {
                Ok(s) => (s.reachable, s.latency_ms, s.error),
                Err(e) => (false, 0.0, Some(e.to_string())),
            };
            Check {
                name: format!("router:{}", router.name),
                status: if healthy {
                    crate::health::Status::Healthy
                } else {
                    crate::health::Status::Unhealthy
                },
                critical: false,
                latency_ms,
                error,
            }
        });
        // Checked together: one slow router must not add its timeout to every other's.
        futures::future::join_all(checks).await
    }
}

fn unreachable_status(router_id: i64, latency_ms: f64, error: String) -> RouterStatus {
    RouterStatus {
        router_id,
        reachable: false,
        latency_ms,
        identity: None,
        version: None,
        uptime_seconds: None,
        cpu_load_percent: None,
        free_memory: None,
        total_memory: None,
        error: Some(error),
    }
}

fn unique_name(error: sqlx::Error) -> RouterError {
    match crate::accounts::violated_unique_index(&error) {
        Some("routers_name_key") => RouterError::DuplicateName,
        _ => RouterError::Database(error),
    }
}
