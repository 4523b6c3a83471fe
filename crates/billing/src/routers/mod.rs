//! MikroTik routers: registration with credentials encrypted at rest, one shared API connection
//! per router, and live status.

use crate::core::audit::{self, Actor};
use crate::core::crypto::SecretBox;
use crate::core::health::{self, Check};
use connections::Connections;
use domain::model::routers::{Router, RouterInput, RouterStatus};
use domain::router::RouterSettings;
use domain::{ErrorCode, FieldError};
use routeros::Client;
use sqlx::PgPool;
use std::time::{Duration, Instant};

pub mod connections;
pub mod error;
pub mod monitor;
pub mod ppp_jobs;
pub mod profiles;

pub use error::RouterError;
use error::invalid;

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

    pub async fn list(&self) -> Result<Vec<Router>, RouterError> {
        self.summaries(None).await
    }

    pub async fn get(&self, router_id: i64) -> Result<Router, RouterError> {
        self.summaries(Some(router_id))
            .await?
            .pop()
            .ok_or(RouterError::NotFound)
    }

    /// Every router, or only `only`.
    async fn summaries(&self, only: Option<i64>) -> Result<Vec<Router>, RouterError> {
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
            .map(|r| Router {
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

    pub async fn create(&self, input: RouterInput, actor: Actor) -> Result<Router, RouterError> {
        let input = input.parse()?;
        let password = input.password.as_deref().ok_or_else(|| {
            invalid(
                "password",
                ErrorCode::RouterPassword,
                "API password must not be empty",
            )
        })?;
        let mut tx = self.pool.begin().await?;
        // The id is taken first: the password is sealed for this row.
        let id = sqlx::query_scalar!(
            r#"SELECT nextval(pg_get_serial_sequence('routers', 'id')) AS "id!""#
        )
        .fetch_one(&mut *tx)
        .await?;
        let sealed = self.secrets.seal(
            password,
            &credential_owner(id, &input.host, i32::from(input.port)),
        );
        sqlx::query!(
            "INSERT INTO routers (id, name, host, port, use_tls, tls_fingerprint, username,
                                  password_encrypted, password_bound, hotspot_login_url)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, TRUE, $9)",
            id,
            input.name,
            input.host,
            i32::from(input.port),
            input.use_tls,
            fingerprint_text(&input),
            input.username,
            sealed,
            input.hotspot_login_url
        )
        .execute(&mut *tx)
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
    ) -> Result<Router, RouterError> {
        let input = input.parse()?;
        let sealed = input.password.as_deref().map(|p| {
            self.secrets.seal(
                p,
                &credential_owner(router_id, &input.host, i32::from(input.port)),
            )
        });
        let mut tx = self.pool.begin().await?;
        let current = sqlx::query!(
            "SELECT host, port FROM routers WHERE id = $1 FOR UPDATE",
            router_id
        )
        .fetch_optional(&mut *tx)
        .await?
        .ok_or(RouterError::NotFound)?;
        // The stored password goes only to the address it was given for: a new address needs it
        // typed again, else an editor could have it sent to a server of their choice.
        let moved = current.host != input.host || current.port != i32::from(input.port);
        if moved && sealed.is_none() {
            return Err(FieldError::new(
                "password",
                ErrorCode::RouterPassword,
                "enter the router's API password again when you change its address",
            )
            .into());
        }
        let updated = sqlx::query!(
            "UPDATE routers SET name = $2, host = $3, port = $4, use_tls = $5, tls_fingerprint = $6,
                    username = $7, password_encrypted = coalesce($8, password_encrypted),
                    password_bound = password_bound OR $8 IS NOT NULL,
                    hotspot_login_url = $9, updated_at = now()
             WHERE id = $1",
            router_id,
            input.name,
            input.host,
            i32::from(input.port),
            input.use_tls,
            fingerprint_text(&input),
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

    /// Drops the router's shared connection; the next command connects (and logs in) afresh.
    pub async fn forget(&self, router_id: i64) {
        self.connections.forget(router_id).await;
    }

    /// Re-seals the passwords stored before they were bound to their rows (see
    /// [`credential_owner`]), in one transaction; run at start-up. Returns how many were re-sealed.
    /// A password that does not open with the configured key is left as it is (and logged): the
    /// router page asks for it again.
    pub async fn bind_credentials(&self) -> Result<u64, RouterError> {
        let mut tx = self.pool.begin().await?;
        let legacy = sqlx::query!(
            "SELECT id, host, port, password_encrypted FROM routers
             WHERE NOT password_bound ORDER BY id FOR UPDATE"
        )
        .fetch_all(&mut *tx)
        .await?;
        let mut bound = 0;
        for row in legacy {
            let password = match self.secrets.open(&row.password_encrypted, b"") {
                Ok(password) => password,
                Err(error) => {
                    tracing::warn!(router_id = row.id, %error, "cannot re-seal a router password");
                    continue;
                }
            };
            let sealed = self
                .secrets
                .seal(&password, &credential_owner(row.id, &row.host, row.port));
            sqlx::query!(
                "UPDATE routers SET password_encrypted = $2, password_bound = TRUE WHERE id = $1",
                row.id,
                sealed
            )
            .execute(&mut *tx)
            .await?;
            bound += 1;
        }
        tx.commit().await?;
        Ok(bound)
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
                    health::Status::Healthy
                } else {
                    health::Status::Unhealthy
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

/// What a router's stored password is sealed for: its row, at its address. Changing the address
/// needs the password again (see [`RouterService::update`]), which seals it for the new one.
pub(crate) fn credential_owner(router_id: i64, host: &str, port: i32) -> Vec<u8> {
    format!("router:{router_id}:{host}:{port}").into_bytes()
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

fn fingerprint_text(settings: &RouterSettings) -> Option<&str> {
    settings
        .tls_fingerprint
        .as_ref()
        .map(|(text, _)| text.as_str())
}

fn unique_name(error: sqlx::Error) -> RouterError {
    match crate::core::db::violated_unique_index(&error) {
        Some("routers_name_key") => RouterError::DuplicateName,
        _ => RouterError::Database(error),
    }
}
