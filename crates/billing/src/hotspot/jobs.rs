//! The hotspot's work on routers, run by the outbox: hotspot user profiles, pushing vouchers'
//! users and retiring them. Every router user we create carries a comment that marks it ours.

use crate::outbox::{self, JobError, JobHandler, OutboxJob};
use crate::routers::{RouterError, RouterService};
use futures::future::BoxFuture;
use routeros::{HotspotUserProfileChanges, NewHotspotUser, NewHotspotUserProfile};
use serde::{Deserialize, Serialize};
use sqlx::PgPool;
use std::time::Duration;

/// The trap RouterOS answers to an add whose name exists.
const DUPLICATE_NAME_TRAP: &str = "already have user with this name";
/// The trap RouterOS answers to an add naming a profile it does not have.
const MISSING_PROFILE_TRAP: &str = "input does not match any value of profile";

/// Every router user we create carries a comment starting with this.
pub const VOUCHER_MARKER: &str = "mb:batch=";

/// The comment that marks a router user as ours, naming its batch and voucher.
pub fn voucher_comment(batch_id: i64, voucher_id: i64) -> String {
    format!("{VOUCHER_MARKER}{batch_id}:voucher={voucher_id}")
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum HotspotJob {
    /// Create the hotspot user profile, or update it to these values.
    EnsureHotspotProfile {
        name: String,
        rate_limit: Option<String>,
        shared_users: Option<u64>,
    },
    /// Create these vouchers' hotspot users (those not yet on the router).
    PushVouchers { voucher_ids: Vec<i64> },
    /// Remove (or disable) these vouchers' hotspot users and end their sessions.
    RetireVouchers { voucher_ids: Vec<i64>, remove: bool },
}

impl OutboxJob for HotspotJob {
    fn kind(&self) -> &'static str {
        match self {
            HotspotJob::EnsureHotspotProfile { .. } => "ensure_hotspot_profile",
            HotspotJob::PushVouchers { .. } => "push_vouchers",
            HotspotJob::RetireVouchers { .. } => "retire_vouchers",
        }
    }
}

/// A router that refused a command will refuse it again; one that could not be reached may not.
impl From<RouterError> for JobError {
    fn from(e: RouterError) -> Self {
        match e {
            RouterError::Router(ref r) if r.trap_message().is_some() => {
                JobError::Permanent(e.to_string())
            }
            RouterError::NotFound => JobError::Permanent(e.to_string()),
            other => JobError::Retry(other.to_string()),
        }
    }
}

impl From<routeros::Error> for JobError {
    fn from(e: routeros::Error) -> Self {
        JobError::from(RouterError::from(e))
    }
}

/// Runs [`HotspotJob`]s against the routers.
#[derive(Clone, Debug)]
pub struct HotspotJobs {
    pub pool: PgPool,
    pub routers: RouterService,
}

impl JobHandler for HotspotJobs {
    fn run<'a>(
        &'a self,
        router_id: i64,
        _kind: &'a str,
        payload: serde_json::Value,
    ) -> BoxFuture<'a, Result<(), JobError>> {
        Box::pin(async move {
            let job = outbox::decode::<HotspotJob>(payload)?;
            self.run_job(router_id, job).await
        })
    }
}

impl HotspotJobs {
    async fn run_job(&self, router_id: i64, job: HotspotJob) -> Result<(), JobError> {
        let (pool, routers) = (&self.pool, &self.routers);
        match job {
            HotspotJob::EnsureHotspotProfile {
                name,
                rate_limit,
                shared_users,
            } => ensure_hotspot_profile(routers, router_id, &name, rate_limit, shared_users).await,
            HotspotJob::PushVouchers { voucher_ids } => {
                push_vouchers(pool, routers, router_id, &voucher_ids).await
            }
            HotspotJob::RetireVouchers {
                voucher_ids,
                remove,
            } => retire_vouchers(pool, routers, router_id, &voucher_ids, remove).await,
        }
    }
}

async fn ensure_hotspot_profile(
    routers: &RouterService,
    router_id: i64,
    name: &str,
    rate_limit: Option<String>,
    shared_users: Option<u64>,
) -> Result<(), JobError> {
    let client = routers.client(router_id).await?;
    let profiles = client.hotspot_user_profiles();
    match profiles.find_by_name(name).await? {
        Some(existing) => {
            profiles
                .set(
                    &existing.id,
                    &HotspotUserProfileChanges {
                        rate_limit,
                        shared_users,
                        ..Default::default()
                    },
                )
                .await?
        }
        None => {
            profiles
                .add(&NewHotspotUserProfile {
                    name: name.to_owned(),
                    rate_limit,
                    shared_users,
                    ..Default::default()
                })
                .await?;
        }
    }
    Ok(())
}

/// Creates the hotspot users of the vouchers still pending, all commands pipelined on the
/// router's connection. An add whose reply was lost and that is retried finds the user already
/// there; the comment tells whether it is ours, so nothing is ever created twice.
async fn push_vouchers(
    pool: &PgPool,
    routers: &RouterService,
    router_id: i64,
    voucher_ids: &[i64],
) -> Result<(), JobError> {
    // Withdrawn before they reached the router: they never will.
    sqlx::query!(
        "UPDATE vouchers SET router_state = 'removed', updated_at = now()
         WHERE id = ANY($1) AND router_id = $2 AND router_state = 'pending'
           AND status NOT IN ('created', 'active')",
        voucher_ids,
        router_id
    )
    .execute(pool)
    .await?;
    let pending = sqlx::query_as!(
        PendingVoucher,
        "SELECT v.id, v.batch_id, v.code, v.password, hp.name AS \"profile?\", hp.rate_limit, hp.shared_users,
                p.time_quota_seconds, p.data_quota_bytes
         FROM vouchers v
         JOIN plans p ON p.id = v.plan_id
         LEFT JOIN hotspot_profiles hp ON hp.id = p.hotspot_profile_id
         WHERE v.id = ANY($1) AND v.router_id = $2 AND v.router_state = 'pending'
           AND v.status IN ('created', 'active')",
        voucher_ids,
        router_id
    )
    .fetch_all(pool)
    .await?;
    if pending.is_empty() {
        return Ok(());
    }
    let client = routers.client(router_id).await?;
    let users = client.hotspot_users();
    let results = add_with_profiles(routers, router_id, &users, &pending).await?;
    let outcome = classify(&users, &pending, results).await;
    // A voucher withdrawn while its user was being added is caught here: the withdrawal's own
    // retire job may have looked at the router before the add reached it, and found nothing.
    // Marking it pushed and reading its status is one statement, so every withdrawal is either
    // seen here or comes after, and its retire job then finds the user on the router.
    let withdrawn = sqlx::query!(
        "UPDATE vouchers SET router_state = 'pushed', router_error = NULL, updated_at = now()
         WHERE id = ANY($1)
         RETURNING id, status = 'deleted' AS \"deleted!\", status NOT IN ('created', 'active') AS \"withdrawn!\"",
        &outcome.pushed
    )
    .fetch_all(pool)
    .await?;
    for remove in [false, true] {
        let ids: Vec<i64> = withdrawn
            .iter()
            .filter(|v| v.withdrawn && v.deleted == remove)
            .map(|v| v.id)
            .collect();
        if !ids.is_empty() {
            retire_vouchers(pool, routers, router_id, &ids, remove).await?;
        }
    }
    sqlx::query!(
        "UPDATE vouchers v SET router_state = 'failed', router_error = f.error, updated_at = now()
         FROM UNNEST($1::BIGINT[], $2::TEXT[]) AS f(id, error) WHERE v.id = f.id",
        &outcome.failed_ids,
        &outcome.failed_errors
    )
    .execute(pool)
    .await?;
    match outcome.retry {
        Some(error) => Err(JobError::Retry(error)),
        None => Ok(()),
    }
}

/// Adds every voucher's user. A profile missing on the router (reset, or removed by hand) is
/// recreated from our copy, and the vouchers that needed it are added again.
async fn add_with_profiles(
    routers: &RouterService,
    router_id: i64,
    users: &routeros::Menu<'_, routeros::HotspotUser>,
    pending: &[PendingVoucher],
) -> Result<Vec<Result<(), routeros::Error>>, JobError> {
    let mut results = add_all(users, pending).await;
    let missing_profile: Vec<usize> = (0..pending.len())
        .filter(|&i| matches!(&results[i], Err(e) if e.trap_message().is_some_and(|m| m.contains(MISSING_PROFILE_TRAP))))
        .collect();
    if missing_profile.is_empty() {
        return Ok(results);
    }
    let mut ensured = std::collections::HashSet::new();
    for &i in &missing_profile {
        let v = &pending[i];
        if let Some(profile) = &v.profile
            && ensured.insert(profile.clone())
        {
            let shared_users = v.shared_users.and_then(|n| u64::try_from(n).ok());
            ensure_hotspot_profile(
                routers,
                router_id,
                profile,
                v.rate_limit.clone(),
                shared_users,
            )
            .await?;
        }
    }
    let again: Vec<PendingVoucher> = missing_profile
        .iter()
        .map(|&i| pending[i].clone())
        .collect();
    for (&i, result) in missing_profile.iter().zip(add_all(users, &again).await) {
        results[i] = result;
    }
    Ok(results)
}

/// How a push ended, voucher by voucher.
#[derive(Default)]
struct PushOutcome {
    pushed: Vec<i64>,
    failed_ids: Vec<i64>,
    failed_errors: Vec<String>,
    /// The connection failed: the job runs again for what is still pending.
    retry: Option<String>,
}

/// Sorts the adds' results. An add refused because the name exists is ours when the user carries
/// our comment for that voucher (an earlier add whose reply was lost), and a stranger otherwise.
async fn classify(
    users: &routeros::Menu<'_, routeros::HotspotUser>,
    pending: &[PendingVoucher],
    results: Vec<Result<(), routeros::Error>>,
) -> PushOutcome {
    let mut outcome = PushOutcome::default();
    for (voucher, result) in pending.iter().zip(results) {
        match result {
            Ok(()) => outcome.pushed.push(voucher.id),
            Err(e)
                if e.trap_message()
                    .is_some_and(|m| m.contains(DUPLICATE_NAME_TRAP)) =>
            {
                let ours = voucher_comment(voucher.batch_id, voucher.id);
                match users.find_by_name(&voucher.code).await {
                    Ok(Some(existing)) if existing.comment.as_deref() == Some(ours.as_str()) => {
                        outcome.pushed.push(voucher.id)
                    }
                    Ok(_) => {
                        outcome.failed_ids.push(voucher.id);
                        outcome.failed_errors.push(
                            "a hotspot user with this name, not made by us, exists on the router"
                                .to_owned(),
                        );
                    }
                    Err(e) => outcome.retry = Some(e.to_string()),
                }
            }
            Err(e) if e.trap_message().is_some() => {
                outcome.failed_ids.push(voucher.id);
                outcome.failed_errors.push(e.to_string());
            }
            Err(e) => outcome.retry = Some(e.to_string()),
        }
    }
    outcome
}

#[derive(Debug, Clone)]
struct PendingVoucher {
    id: i64,
    batch_id: i64,
    code: String,
    password: String,
    profile: Option<String>,
    rate_limit: Option<String>,
    shared_users: Option<i32>,
    time_quota_seconds: Option<i64>,
    data_quota_bytes: Option<i64>,
}

/// One `/ip/hotspot/user/add` per voucher, all pipelined; results in the vouchers' order.
async fn add_all(
    users: &routeros::Menu<'_, routeros::HotspotUser>,
    vouchers: &[PendingVoucher],
) -> Vec<Result<(), routeros::Error>> {
    futures::future::join_all(vouchers.iter().map(|v| {
        let user = NewHotspotUser {
            name: v.code.clone(),
            password: Some(v.password.clone()),
            profile: v.profile.clone(),
            limit_uptime: v
                .time_quota_seconds
                .map(|s| Duration::from_secs(s.unsigned_abs())),
            limit_bytes_total: v.data_quota_bytes.map(i64::unsigned_abs),
            comment: Some(voucher_comment(v.batch_id, v.id)),
            disabled: false,
        };
        async move { users.add(&user).await.map(|_| ()) }
    }))
    .await
}

/// Removes or disables expired or withdrawn vouchers' users and kicks their sessions. It looks on
/// the router whatever the voucher's record says: an add whose answer was lost may have made the
/// user all the same. Only users carrying the voucher's own comment are touched; a stranger
/// with the same name (a push refused for it) is left alone.
async fn retire_vouchers(
    pool: &PgPool,
    routers: &RouterService,
    router_id: i64,
    voucher_ids: &[i64],
    remove: bool,
) -> Result<(), JobError> {
    let vouchers = sqlx::query!(
        "SELECT id, batch_id, code FROM vouchers WHERE id = ANY($1) AND router_id = $2",
        voucher_ids,
        router_id
    )
    .fetch_all(pool)
    .await?;
    if vouchers.is_empty() {
        return Ok(());
    }
    let client = routers.client(router_id).await?;
    let users_menu = client.hotspot_users();
    let active_menu = client.hotspot_active();
    let everything = routeros::Query::new();
    let (users, active) = tokio::try_join!(
        users_menu.print(&everything, &[".id", "name", "comment"]),
        active_menu.print(&everything, &[".id", "user"]),
    )?;
    let users: std::collections::HashMap<&str, &routeros::HotspotUser> =
        users.iter().map(|u| (u.name.as_str(), u)).collect();
    let disable = routeros::HotspotUserChanges {
        disabled: Some(true),
        ..Default::default()
    };
    let (mut found, mut absent) = (Vec::new(), Vec::new());
    let mut commands = Vec::new();
    for voucher in &vouchers {
        let ours = voucher_comment(voucher.batch_id, voucher.id);
        let Some(user) = users
            .get(voucher.code.as_str())
            .filter(|u| u.comment.as_deref() == Some(ours.as_str()))
        else {
            absent.push(voucher.id);
            continue;
        };
        found.push(voucher.id);
        for session in active.iter().filter(|a| a.user == voucher.code) {
            commands.push(active_menu.remove(&session.id).boxed_unit());
        }
        if remove {
            commands.push(users_menu.remove(&user.id).boxed_unit());
        } else {
            commands.push(users_menu.set(&user.id, &disable).boxed_unit());
        }
    }
    for result in futures::future::join_all(commands).await {
        match result {
            Ok(()) => {}
            // Already gone (a session that ended, a user removed by hand): the goal is met.
            Err(e) if e.trap_message().is_some_and(|m| m.contains("no such item")) => {}
            Err(e) => return Err(e.into()),
        }
    }
    // A disabled user stays on the router (`pushed`); a removed or absent one is not there.
    let kept = if remove { Vec::new() } else { found };
    let gone: Vec<i64> = if remove {
        vouchers.iter().map(|v| v.id).collect()
    } else {
        absent
    };
    sqlx::query!(
        "UPDATE vouchers SET updated_at = now(),
                router_state = CASE WHEN id = ANY($1) THEN 'pushed' ELSE 'removed' END
         WHERE id = ANY($1) OR id = ANY($2)",
        &kept,
        &gone
    )
    .execute(pool)
    .await?;
    Ok(())
}

/// Lets router commands with different result types run together in one `join_all`.
trait BoxedUnit<'a> {
    fn boxed_unit(self) -> futures::future::BoxFuture<'a, Result<(), routeros::Error>>;
}

impl<'a, F, T> BoxedUnit<'a> for F
where
    F: std::future::Future<Output = Result<T, routeros::Error>> + Send + 'a,
{
    fn boxed_unit(self) -> futures::future::BoxFuture<'a, Result<(), routeros::Error>> {
        use futures::FutureExt;
        self.map(|r| r.map(|_| ())).boxed()
    }
}
