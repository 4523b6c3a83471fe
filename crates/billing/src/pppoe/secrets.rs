//! Subscriptions' `/ppp/secret`s on routers, run by the outbox. A change marks its subscription
//! `pending` and queues one sync of the router (unless one is already waiting): the sync reads
//! every pending subscription of the router and makes the router match, all commands pipelined
//! on the router's connection, then marks each row synced for the version it pushed. A change
//! made meanwhile bumps the version and queues the next sync, so nothing is lost or marked done
//! early. A secret is ours when it carries our comment (`mb:subscription=<id>`) or was imported;
//! any other secret is never touched.

use crate::core::crypto::SecretBox;
use crate::outbox::{self, JobError, JobHandler, OutboxJob};
use crate::routers::RouterService;
use domain::SubscriptionStatus;
use futures::future::BoxFuture;
use routeros::{NewPppSecret, PppSecret, PppSecretChanges};
use serde::{Deserialize, Serialize};
use sqlx::{PgConnection, PgPool};
use std::collections::HashMap;

/// Every secret we create carries a comment starting with this.
pub const SECRET_MARKER: &str = "mb:subscription=";
/// Subscriptions one sync takes at a time.
const SYNC_CHUNK: i64 = 2_000;

/// The record a subscription's PPPoE password is sealed for (AES-GCM associated data).
pub(crate) fn password_owner(id: i64) -> Vec<u8> {
    format!("subscription:{id}").into_bytes()
}

/// Whether a secret on the router is the subscription's: it carries our comment for it, or it
/// was imported (ours by its name). Any other secret is never touched.
fn is_ours(secret: &PppSecret, subscription_id: i64, imported: bool) -> bool {
    imported || secret.comment.as_deref() == Some(secret_comment(subscription_id).as_str())
}

/// The profile and enabled state a subscription's secret should have on the router: its plan's
/// profile while active; the router's isolation profile while isolated (disabled when the router
/// has none); disabled while suspended or closed.
fn wanted_state(
    status: SubscriptionStatus,
    plan_profile: Option<String>,
    isolation_profile: Option<String>,
) -> (Option<String>, bool) {
    match (status, isolation_profile) {
        (SubscriptionStatus::Active, _) => (plan_profile, false),
        (SubscriptionStatus::Isolated, Some(isolation)) => (Some(isolation), false),
        _ => (plan_profile, true),
    }
}

/// The comment that marks a secret as a subscription's.
pub fn secret_comment(subscription_id: i64) -> String {
    format!("{SECRET_MARKER}{subscription_id}")
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum SecretJob {
    /// Make the router's secrets match its pending subscriptions.
    SyncPppSecrets {},
    /// Remove a deleted subscription's secret (if it is ours) and end its session.
    RemoveSecret {
        subscription_id: i64,
        name: String,
        imported: bool,
    },
}

impl SecretJob {
    /// The kinds of job this area defines, as stored.
    pub const KINDS: &'static [&'static str] = &["sync_ppp_secrets", "remove_ppp_secret"];
}

impl OutboxJob for SecretJob {
    fn kind(&self) -> &'static str {
        match self {
            SecretJob::SyncPppSecrets {} => "sync_ppp_secrets",
            SecretJob::RemoveSecret { .. } => "remove_ppp_secret",
        }
    }
}

/// Queues a sync of the router's secrets, unless one is already waiting to start (it will read
/// this change too). Call it in the transaction of the change.
pub async fn queue_sync(conn: &mut PgConnection, router_id: i64) -> Result<(), sqlx::Error> {
    let waiting = sqlx::query_scalar!(
        "SELECT EXISTS (SELECT 1 FROM router_jobs
                        WHERE router_id = $1 AND kind = 'sync_ppp_secrets' AND status = 'pending'
                          AND attempts = 0) AS \"waiting!\"",
        router_id
    )
    .fetch_one(&mut *conn)
    .await?;
    if !waiting {
        outbox::enqueue(conn, router_id, &SecretJob::SyncPppSecrets {}).await?;
    }
    Ok(())
}

/// Runs [`SecretJob`]s against the routers.
#[derive(Clone, Debug)]
pub struct SecretJobs {
    pub pool: PgPool,
    pub routers: RouterService,
    /// Opens the subscriptions' sealed passwords.
    pub secrets: SecretBox,
}

impl JobHandler for SecretJobs {
    fn run<'a>(
        &'a self,
        router_id: i64,
        _kind: &'a str,
        payload: serde_json::Value,
    ) -> BoxFuture<'a, Result<(), JobError>> {
        Box::pin(async move {
            match outbox::decode::<SecretJob>(payload)? {
                SecretJob::SyncPppSecrets {} => loop {
                    if sync_secrets(self, router_id).await? < SYNC_CHUNK as usize {
                        return Ok(());
                    }
                },
                SecretJob::RemoveSecret {
                    subscription_id,
                    name,
                    imported,
                } => {
                    remove_secret(&self.routers, router_id, subscription_id, &name, imported).await
                }
            }
        })
    }
}

/// A pending subscription as the router should have it.
struct Wanted {
    id: i64,
    version: i64,
    name: String,
    password: String,
    profile: Option<String>,
    disabled: bool,
    imported: bool,
    kick: bool,
}

impl Wanted {
    /// What differs on the router.
    fn changes(&self, secret: &PppSecret) -> Option<PppSecretChanges> {
        let mut changes = PppSecretChanges::default();
        let mut any = false;
        if secret.profile != self.profile && self.profile.is_some() {
            changes.profile = self.profile.clone();
            any = true;
        }
        if secret.disabled != self.disabled {
            changes.disabled = Some(self.disabled);
            any = true;
        }
        // A password the router shows that differs (an API user without the right to read
        // passwords sees none: it is then set each time).
        if secret.password.as_deref() != Some(self.password.as_str()) {
            changes.password = Some(self.password.clone());
            any = true;
        }
        any.then_some(changes)
    }
}

/// Reads the router's pending subscriptions (a chunk) and makes its secrets match. Returns how
/// many were read.
async fn sync_secrets(jobs: &SecretJobs, router_id: i64) -> Result<usize, JobError> {
    let pool = &jobs.pool;
    let rows = sqlx::query!(
        r#"SELECT s.id, s.version, s.pppoe_username, s.pppoe_password_sealed,
                  s.status AS "status: SubscriptionStatus", s.origin, s.kick_pending,
                  pp.name AS "plan_profile?", r.isolation_profile
           FROM subscriptions s
           JOIN plans p ON p.id = s.plan_id
           LEFT JOIN pppoe_profiles pp ON pp.id = p.pppoe_profile_id
           JOIN routers r ON r.id = s.router_id
           WHERE s.router_id = $1 AND s.router_state = 'pending'
           ORDER BY s.id
           LIMIT $2"#,
        router_id,
        SYNC_CHUNK
    )
    .fetch_all(pool)
    .await?;
    if rows.is_empty() {
        return Ok(0);
    }
    let read = rows.len();
    let mut wanted = Vec::with_capacity(rows.len());
    let mut unreadable = Vec::new();
    for r in rows {
        let Ok(password) = jobs
            .secrets
            .open(&r.pppoe_password_sealed, &password_owner(r.id))
        else {
            unreadable.push(r.id);
            continue;
        };
        let (profile, disabled) = wanted_state(r.status, r.plan_profile, r.isolation_profile);
        wanted.push(Wanted {
            id: r.id,
            version: r.version,
            name: r.pppoe_username,
            password,
            profile,
            disabled,
            imported: r.origin == "imported",
            kick: r.kick_pending,
        });
    }
    let mut outcome = Outcome::default();
    for id in unreadable {
        outcome.fail(
            id,
            0,
            "the stored password cannot be opened (wrong encryption key?)",
        );
    }
    let client = jobs.routers.client(router_id).await?;
    let menu = client.ppp_secrets();
    let on_router = menu
        .print(
            &routeros::Query::new(),
            &[".id", "name", "password", "profile", "comment", "disabled"],
        )
        .await?;
    let by_name: HashMap<&str, &PppSecret> =
        on_router.iter().map(|s| (s.name.as_str(), s)).collect();

    let mut commands = Vec::new();
    for (i, w) in wanted.iter().enumerate() {
        match by_name.get(w.name.as_str()) {
            None => {
                let secret = NewPppSecret {
                    name: w.name.clone(),
                    password: Some(w.password.clone()),
                    profile: w.profile.clone(),
                    service: Some("pppoe".to_owned()),
                    comment: Some(secret_comment(w.id)),
                    disabled: w.disabled,
                    ..Default::default()
                };
                let menu = &menu;
                commands.push((
                    i,
                    Box::pin(async move { menu.add(&secret).await.map(|_| ()) })
                        as BoxFuture<'_, _>,
                ));
            }
            Some(secret) if !is_ours(secret, w.id, w.imported) => outcome.fail(
                w.id,
                w.version,
                "a PPP secret with this name, not made by the billing, is on the router",
            ),
            Some(secret) => match w.changes(secret) {
                Some(changes) => {
                    let (menu, id) = (&menu, secret.id.clone());
                    commands.push((i, Box::pin(async move { menu.set(&id, &changes).await })));
                }
                None => outcome.done(w),
            },
        }
    }
    let (indexes, futures): (Vec<usize>, Vec<_>) = commands.into_iter().unzip();
    for (i, result) in indexes
        .into_iter()
        .zip(futures::future::join_all(futures).await)
    {
        let w = &wanted[i];
        match result {
            Ok(()) => outcome.done(w),
            Err(e) if e.trap_message().is_some() => outcome.fail(w.id, w.version, &e.to_string()),
            Err(e) => outcome.retry = Some(e.to_string()),
        }
    }
    // Sessions of changed subscriptions end, so that they reconnect as they now should.
    let kick: Vec<&str> = wanted
        .iter()
        .filter(|w| w.kick && outcome.synced_ids.contains(&w.id))
        .map(|w| w.name.as_str())
        .collect();
    if !kick.is_empty() {
        let active_menu = client.ppp_active();
        let active = active_menu
            .print(&routeros::Query::new(), &[".id", "name"])
            .await?;
        let removals = active
            .iter()
            .filter(|a| kick.contains(&a.name.as_str()))
            .map(|a| active_menu.remove(&a.id));
        for result in futures::future::join_all(removals).await {
            match result {
                Ok(()) => {}
                Err(e) if e.trap_message().is_some_and(|m| m.contains("no such item")) => {}
                Err(e) => return Err(e.into()),
            }
        }
    }
    outcome.record(pool).await?;
    match outcome.retry {
        Some(error) => Err(JobError::Retry(error)),
        None => Ok(read),
    }
}

/// How a sync ended, subscription by subscription (each for the version it read).
#[derive(Default)]
struct Outcome {
    synced_ids: Vec<i64>,
    synced_versions: Vec<i64>,
    failed_ids: Vec<i64>,
    failed_versions: Vec<i64>,
    failed_errors: Vec<String>,
    /// The connection failed: the job runs again for what is still pending.
    retry: Option<String>,
}

impl Outcome {
    fn done(&mut self, w: &Wanted) {
        self.synced_ids.push(w.id);
        self.synced_versions.push(w.version);
    }

    fn fail(&mut self, id: i64, version: i64, error: &str) {
        self.failed_ids.push(id);
        self.failed_versions.push(version);
        self.failed_errors.push(error.to_owned());
    }

    async fn record(&self, pool: &PgPool) -> Result<(), sqlx::Error> {
        sqlx::query!(
            "UPDATE subscriptions s SET router_state = 'synced', router_error = NULL,
                    kick_pending = FALSE, updated_at = now()
             FROM UNNEST($1::BIGINT[], $2::BIGINT[]) AS d(id, version)
             WHERE s.id = d.id AND s.version = d.version",
            &self.synced_ids,
            &self.synced_versions
        )
        .execute(pool)
        .await?;
        // Version 0 marks a failure whatever the version (an unreadable password).
        sqlx::query!(
            "UPDATE subscriptions s SET router_state = 'failed', router_error = f.error, updated_at = now()
             FROM UNNEST($1::BIGINT[], $2::BIGINT[], $3::TEXT[]) AS f(id, version, error)
             WHERE s.id = f.id AND (s.version = f.version OR f.version = 0)",
            &self.failed_ids,
            &self.failed_versions,
            &self.failed_errors
        )
        .execute(pool)
        .await?;
        Ok(())
    }
}

async fn remove_secret(
    routers: &RouterService,
    router_id: i64,
    subscription_id: i64,
    name: &str,
    imported: bool,
) -> Result<(), JobError> {
    let client = routers.client(router_id).await?;
    let menu = client.ppp_secrets();
    if let Some(secret) = menu.find_by_name(name).await?
        && is_ours(&secret, subscription_id, imported)
    {
        match menu.remove(&secret.id).await {
            Ok(()) => {}
            Err(e) if e.trap_message().is_some_and(|m| m.contains("no such item")) => {}
            Err(e) => return Err(e.into()),
        }
        let active = client.ppp_active();
        for session in active
            .print(
                &routeros::Query::new().equals("name", name),
                &[".id", "name"],
            )
            .await?
        {
            let _ = active.remove(&session.id).await;
        }
    }
    Ok(())
}

/// What comparing a router's secrets with its subscriptions found.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SecretReconcile {
    /// Synced subscriptions whose secret was missing: queued to be made again.
    pub recreated: u64,
    /// Secrets changed by hand (profile, enabled): reported on the subscription.
    pub drifted: u64,
}

/// Compares the router's secrets with its synced subscriptions: a missing secret is made again;
/// one changed by hand is reported (`drifted`, with what differs); secrets that are not ours are
/// never touched.
pub async fn reconcile(
    pool: &PgPool,
    routers: &RouterService,
    router_id: i64,
) -> Result<SecretReconcile, crate::routers::RouterError> {
    let rows = sqlx::query!(
        r#"SELECT s.id, s.pppoe_username, s.status AS "status: SubscriptionStatus", s.origin,
                  pp.name AS "plan_profile?", r.isolation_profile
           FROM subscriptions s
           JOIN plans p ON p.id = s.plan_id
           LEFT JOIN pppoe_profiles pp ON pp.id = p.pppoe_profile_id
           JOIN routers r ON r.id = s.router_id
           WHERE s.router_id = $1 AND s.router_state IN ('synced', 'drifted')"#,
        router_id
    )
    .fetch_all(pool)
    .await?;
    let client = routers.client(router_id).await?;
    let on_router = client
        .ppp_secrets()
        .print(
            &routeros::Query::new(),
            &[".id", "name", "profile", "comment", "disabled"],
        )
        .await?;
    let by_name: HashMap<&str, &PppSecret> =
        on_router.iter().map(|s| (s.name.as_str(), s)).collect();
    let (mut missing, mut drifted_ids, mut drifted_notes, mut clean) =
        (Vec::new(), Vec::new(), Vec::new(), Vec::new());
    for r in &rows {
        let (profile, disabled) = wanted_state(
            r.status,
            r.plan_profile.clone(),
            r.isolation_profile.clone(),
        );
        match by_name.get(r.pppoe_username.as_str()) {
            None => missing.push(r.id),
            Some(secret) if !is_ours(secret, r.id, r.origin == "imported") => {}
            Some(secret) => {
                let mut notes = Vec::new();
                if profile.is_some() && secret.profile != profile {
                    notes.push(format!(
                        "profile is {} on the router, {} here",
                        secret.profile.as_deref().unwrap_or("none"),
                        profile.as_deref().unwrap_or("none")
                    ));
                }
                if secret.disabled != disabled {
                    notes.push(if secret.disabled {
                        "disabled on the router".to_owned()
                    } else {
                        "enabled on the router".to_owned()
                    });
                }
                if notes.is_empty() {
                    clean.push(r.id);
                } else {
                    drifted_ids.push(r.id);
                    drifted_notes.push(format!("changed by hand: {}", notes.join("; ")));
                }
            }
        }
    }
    let mut tx = pool.begin().await?;
    if !missing.is_empty() {
        sqlx::query!(
            "UPDATE subscriptions SET router_state = 'pending', version = version + 1, updated_at = now()
             WHERE id = ANY($1)",
            &missing
        )
        .execute(&mut *tx)
        .await?;
        queue_sync(&mut tx, router_id).await?;
    }
    sqlx::query!(
        "UPDATE subscriptions s SET router_state = 'drifted', router_error = d.note, updated_at = now()
         FROM UNNEST($1::BIGINT[], $2::TEXT[]) AS d(id, note)
         WHERE s.id = d.id AND s.router_state IN ('synced', 'drifted')",
        &drifted_ids,
        &drifted_notes
    )
    .execute(&mut *tx)
    .await?;
    sqlx::query!(
        "UPDATE subscriptions SET router_state = 'synced', router_error = NULL
         WHERE id = ANY($1) AND router_state = 'drifted'",
        &clean
    )
    .execute(&mut *tx)
    .await?;
    tx.commit().await?;
    Ok(SecretReconcile {
        recreated: missing.len() as u64,
        drifted: drifted_ids.len() as u64,
    })
}

/// Queues a sync for every router with pending subscriptions and no sync waiting (a sync that
/// used up its attempts while the router was down for long). The daily run calls it.
pub async fn requeue_stranded(pool: &PgPool) -> Result<u64, sqlx::Error> {
    let routers = sqlx::query_scalar!(
        "SELECT DISTINCT s.router_id AS \"router_id!\" FROM subscriptions s
         WHERE s.router_state = 'pending'
           AND NOT EXISTS (SELECT 1 FROM router_jobs j
                           WHERE j.router_id = s.router_id AND j.kind = 'sync_ppp_secrets'
                             AND j.status IN ('pending', 'running'))"
    )
    .fetch_all(pool)
    .await?;
    let mut tx = pool.begin().await?;
    for &router_id in &routers {
        outbox::enqueue(&mut tx, router_id, &SecretJob::SyncPppSecrets {}).await?;
    }
    tx.commit().await?;
    Ok(routers.len() as u64)
}
