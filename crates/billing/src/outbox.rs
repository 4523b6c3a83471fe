//! The router outbox: durable work for routers, written in the same transaction as its cause and
//! drained by workers with `FOR UPDATE SKIP LOCKED`. A router that is down or refusing loses
//! nothing: the job waits with backoff and runs again; a worker that dies mid-job releases it when
//! its lease ends.

use crate::routers::{RouterError, RouterService};
use routeros::{HotspotUserProfileChanges, NewHotspotUser, NewHotspotUserProfile};
use serde::{Deserialize, Serialize};
use sqlx::{PgConnection, PgPool};
use std::collections::BTreeMap;
use std::time::Duration;

/// How long a claimed job is reserved for its worker before another may take it over.
const LEASE: Duration = Duration::from_secs(120);
/// Longest wait between attempts.
const MAX_BACKOFF_SECONDS: i64 = 300;
/// The trap RouterOS answers to an add whose name exists.
const DUPLICATE_NAME_TRAP: &str = "already have user with this name";
/// The trap RouterOS answers to an add naming a profile it does not have.
const MISSING_PROFILE_TRAP: &str = "input does not match any value of profile";

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum RouterJob {
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

impl RouterJob {
    fn kind(&self) -> &'static str {
        match self {
            RouterJob::EnsureHotspotProfile { .. } => "ensure_hotspot_profile",
            RouterJob::PushVouchers { .. } => "push_vouchers",
            RouterJob::RetireVouchers { .. } => "retire_vouchers",
        }
    }
}

/// Adds a job; call it inside the transaction of the change that needs it.
pub async fn enqueue(
    conn: &mut PgConnection,
    router_id: i64,
    job: &RouterJob,
) -> Result<i64, sqlx::Error> {
    let payload = serde_json::to_value(job).expect("router jobs serialise");
    sqlx::query_scalar!(
        "INSERT INTO router_jobs (router_id, kind, payload) VALUES ($1, $2, $3) RETURNING id",
        router_id,
        job.kind(),
        payload
    )
    .fetch_one(conn)
    .await
}

/// Every router user we create carries a comment starting with this.
pub const VOUCHER_MARKER: &str = "mb:batch=";

/// The comment that marks a router user as ours, naming its batch and voucher.
pub fn voucher_comment(batch_id: i64, voucher_id: i64) -> String {
    format!("{VOUCHER_MARKER}{batch_id}:voucher={voucher_id}")
}

/// What one drain did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct DrainOutcome {
    pub done: usize,
    /// Jobs put back to wait for a retry (router down, connection lost).
    pub retrying: usize,
    /// Jobs that used up their attempts.
    pub failed: usize,
}

impl DrainOutcome {
    pub fn claimed(&self) -> usize {
        self.done + self.retrying + self.failed
    }
}

/// Why a job did not finish: worth another attempt, or not.
#[derive(Debug)]
enum JobError {
    Retry(String),
    Permanent(String),
}

impl From<sqlx::Error> for JobError {
    fn from(e: sqlx::Error) -> Self {
        JobError::Retry(format!("database: {e}"))
    }
}

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

struct ClaimedJob {
    id: i64,
    router_id: i64,
    payload: serde_json::Value,
    attempts: i32,
    max_attempts: i32,
}

/// Claims up to `limit` due jobs and runs them: one router's jobs in order, routers in parallel.
/// Tests call this directly; the scheduler calls it in a loop.
pub async fn run_once(
    pool: &PgPool,
    routers: &RouterService,
    limit: i64,
) -> Result<DrainOutcome, sqlx::Error> {
    let claimed = sqlx::query_as!(
        ClaimedJob,
        "UPDATE router_jobs SET status = 'running', attempts = attempts + 1,
                run_after = now() + make_interval(secs => $2), updated_at = now()
         WHERE id IN (
             SELECT id FROM router_jobs
             WHERE status IN ('pending', 'running') AND run_after <= now()
             ORDER BY id
             FOR UPDATE SKIP LOCKED
             LIMIT $1)
         RETURNING id, router_id, payload, attempts, max_attempts",
        limit,
        LEASE.as_secs_f64()
    )
    .fetch_all(pool)
    .await?;

    let mut by_router: BTreeMap<i64, Vec<ClaimedJob>> = BTreeMap::new();
    for job in claimed {
        by_router.entry(job.router_id).or_default().push(job);
    }
    for jobs in by_router.values_mut() {
        jobs.sort_by_key(|j| j.id);
    }
    let outcomes = futures::future::join_all(
        by_router
            .into_values()
            .map(|jobs| run_in_order(pool, routers, jobs)),
    )
    .await;

    let mut total = DrainOutcome::default();
    for outcome in outcomes {
        let outcome = outcome?;
        total.done += outcome.done;
        total.retrying += outcome.retrying;
        total.failed += outcome.failed;
    }
    Ok(total)
}

/// Runs these jobs now, in this task, if no worker holds them: a sale that made its voucher on the
/// spot pushes it before answering. A job that fails here stays queued for the workers' retries.
pub async fn run_now(
    pool: &PgPool,
    routers: &RouterService,
    job_ids: &[i64],
) -> Result<DrainOutcome, sqlx::Error> {
    let mut claimed = sqlx::query_as!(
        ClaimedJob,
        "UPDATE router_jobs SET status = 'running', attempts = attempts + 1,
                run_after = now() + make_interval(secs => $2), updated_at = now()
         WHERE id IN (
             SELECT id FROM router_jobs
             WHERE id = ANY($1) AND status = 'pending'
             ORDER BY id
             FOR UPDATE SKIP LOCKED)
         RETURNING id, router_id, payload, attempts, max_attempts",
        job_ids,
        LEASE.as_secs_f64()
    )
    .fetch_all(pool)
    .await?;
    claimed.sort_by_key(|j| j.id);
    run_in_order(pool, routers, claimed).await
}

/// Runs claimed jobs one after the other and records how each ended.
async fn run_in_order(
    pool: &PgPool,
    routers: &RouterService,
    jobs: Vec<ClaimedJob>,
) -> Result<DrainOutcome, sqlx::Error> {
    let mut outcome = DrainOutcome::default();
    for job in jobs {
        let result = match serde_json::from_value::<RouterJob>(job.payload.clone()) {
            Ok(parsed) => run_job(pool, routers, job.router_id, &parsed).await,
            Err(e) => Err(JobError::Permanent(format!("unreadable job: {e}"))),
        };
        settle(pool, &job, result, &mut outcome).await?;
    }
    Ok(outcome)
}

async fn settle(
    pool: &PgPool,
    job: &ClaimedJob,
    result: Result<(), JobError>,
    outcome: &mut DrainOutcome,
) -> Result<(), sqlx::Error> {
    match result {
        Ok(()) => {
            sqlx::query!(
                "UPDATE router_jobs SET status = 'done', done_at = now(), updated_at = now(), last_error = NULL
                 WHERE id = $1",
                job.id
            )
            .execute(pool)
            .await?;
            outcome.done += 1;
        }
        Err(JobError::Retry(error)) if job.attempts < job.max_attempts => {
            let backoff = (1i64 << job.attempts.clamp(0, 16)).min(MAX_BACKOFF_SECONDS);
            tracing::warn!(job = job.id, router = job.router_id, attempt = job.attempts, %error, "router job will be retried");
            sqlx::query!(
                "UPDATE router_jobs SET status = 'pending', last_error = $2, updated_at = now(),
                        run_after = now() + make_interval(secs => $3)
                 WHERE id = $1",
                job.id,
                error,
                backoff as f64
            )
            .execute(pool)
            .await?;
            outcome.retrying += 1;
        }
        Err(JobError::Retry(error) | JobError::Permanent(error)) => {
            tracing::error!(job = job.id, router = job.router_id, %error, "router job failed");
            sqlx::query!(
                "UPDATE router_jobs SET status = 'failed', last_error = $2, updated_at = now() WHERE id = $1",
                job.id,
                error
            )
            .execute(pool)
            .await?;
            outcome.failed += 1;
        }
    }
    Ok(())
}

async fn run_job(
    pool: &PgPool,
    routers: &RouterService,
    router_id: i64,
    job: &RouterJob,
) -> Result<(), JobError> {
    match job {
        RouterJob::EnsureHotspotProfile {
            name,
            rate_limit,
            shared_users,
        } => {
            ensure_hotspot_profile(routers, router_id, name, rate_limit.clone(), *shared_users)
                .await
        }
        RouterJob::PushVouchers { voucher_ids } => {
            push_vouchers(pool, routers, router_id, voucher_ids).await
        }
        RouterJob::RetireVouchers {
            voucher_ids,
            remove,
        } => retire_vouchers(pool, routers, router_id, voucher_ids, *remove).await,
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
    let pending = sqlx::query_as!(
        PendingVoucher,
        "SELECT v.id, v.batch_id, v.code, v.password, hp.name AS \"profile?\", hp.rate_limit, hp.shared_users,
                p.time_quota_seconds, p.data_quota_bytes
         FROM vouchers v
         JOIN plans p ON p.id = v.plan_id
         LEFT JOIN hotspot_profiles hp ON hp.id = p.hotspot_profile_id
         WHERE v.id = ANY($1) AND v.router_id = $2 AND v.router_state = 'pending' AND v.status <> 'deleted'",
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
    let mut results = add_all(&users, &pending).await;

    // A profile missing on the router (reset, or removed by hand) is recreated from our copy, and
    // the vouchers that needed it are added again.
    let missing_profile: Vec<usize> = (0..pending.len())
        .filter(|&i| matches!(&results[i], Err(e) if e.trap_message().is_some_and(|m| m.contains(MISSING_PROFILE_TRAP))))
        .collect();
    if !missing_profile.is_empty() {
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
        for (&i, result) in missing_profile.iter().zip(add_all(&users, &again).await) {
            results[i] = result;
        }
    }

    let mut pushed = Vec::new();
    let mut failed_ids = Vec::new();
    let mut failed_errors = Vec::new();
    let mut retry = None;
    for (voucher, result) in pending.iter().zip(results) {
        match result {
            Ok(()) => pushed.push(voucher.id),
            Err(e)
                if e.trap_message()
                    .is_some_and(|m| m.contains(DUPLICATE_NAME_TRAP)) =>
            {
                let ours = voucher_comment(voucher.batch_id, voucher.id);
                match users.find_by_name(&voucher.code).await {
                    Ok(Some(existing)) if existing.comment.as_deref() == Some(ours.as_str()) => {
                        pushed.push(voucher.id)
                    }
                    Ok(_) => {
                        failed_ids.push(voucher.id);
                        failed_errors.push(
                            "a hotspot user with this name, not made by us, exists on the router"
                                .to_owned(),
                        );
                    }
                    Err(e) => retry = Some(e.to_string()),
                }
            }
            Err(e) if e.trap_message().is_some() => {
                failed_ids.push(voucher.id);
                failed_errors.push(e.to_string());
            }
            Err(e) => retry = Some(e.to_string()),
        }
    }
    sqlx::query!(
        "UPDATE vouchers SET router_state = 'pushed', router_error = NULL, updated_at = now() WHERE id = ANY($1)",
        &pushed
    )
    .execute(pool)
    .await?;
    sqlx::query!(
        "UPDATE vouchers v SET router_state = 'failed', router_error = f.error, updated_at = now()
         FROM UNNEST($1::BIGINT[], $2::TEXT[]) AS f(id, error) WHERE v.id = f.id",
        &failed_ids,
        &failed_errors
    )
    .execute(pool)
    .await?;
    match retry {
        Some(error) => Err(JobError::Retry(error)),
        None => Ok(()),
    }
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

/// Removes or disables expired or deleted vouchers' users and kicks their sessions.
async fn retire_vouchers(
    pool: &PgPool,
    routers: &RouterService,
    router_id: i64,
    voucher_ids: &[i64],
    remove: bool,
) -> Result<(), JobError> {
    let codes: Vec<(i64, String)> = sqlx::query!(
        "SELECT id, code FROM vouchers WHERE id = ANY($1) AND router_id = $2 AND router_state = 'pushed'",
        voucher_ids,
        router_id
    )
    .fetch_all(pool)
    .await?
    .into_iter()
    .map(|r| (r.id, r.code))
    .collect();
    if codes.is_empty() {
        return Ok(());
    }
    let client = routers.client(router_id).await?;
    let users_menu = client.hotspot_users();
    let active_menu = client.hotspot_active();
    let everything = routeros::Query::new();
    let (users, active) = tokio::try_join!(
        users_menu.print(&everything, &[".id", "name"]),
        active_menu.print(&everything, &[".id", "user"]),
    )?;
    let user_ids: std::collections::HashMap<&str, &routeros::ItemId> =
        users.iter().map(|u| (u.name.as_str(), &u.id)).collect();
    let disable = routeros::HotspotUserChanges {
        disabled: Some(true),
        ..Default::default()
    };
    let mut commands = Vec::new();
    for (_, code) in &codes {
        for session in active.iter().filter(|a| a.user == *code) {
            commands.push(active_menu.remove(&session.id).boxed_unit());
        }
        if let Some(id) = user_ids.get(code.as_str()) {
            if remove {
                commands.push(users_menu.remove(id).boxed_unit());
            } else {
                commands.push(users_menu.set(id, &disable).boxed_unit());
            }
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
    let ids: Vec<i64> = codes.iter().map(|(id, _)| *id).collect();
    let state = if remove { "removed" } else { "pushed" };
    sqlx::query!(
        "UPDATE vouchers SET router_state = $2, updated_at = now() WHERE id = ANY($1)",
        &ids,
        state
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
