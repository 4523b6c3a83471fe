//! The router outbox: durable work for routers, written in the same transaction as its cause and
//! drained by workers with `FOR UPDATE SKIP LOCKED`. A router that is down or refusing loses
//! nothing: the job waits with backoff and runs again; a worker that dies mid-job releases it when
//! its lease ends. A worker renews the leases of the jobs it is running, and records a job's
//! outcome only while it still holds the lease (a token written at each claim), so a job is never
//! run twice at once and a worker whose lease ran out cannot overwrite the new holder's outcome.
//!
//! The outbox knows no job kinds: an area defines its jobs ([`OutboxJob`]) and a [`JobHandler`]
//! that runs them. Enqueuing wakes the workers by itself: a trigger on `router_jobs` sends a
//! PostgreSQL notification when the enqueuing transaction commits, which every replica's worker
//! listens for. Callers never wake anything.

use futures::future::BoxFuture;
use serde::Serialize;
use sqlx::postgres::PgListener;
use sqlx::{PgConnection, PgPool};
use std::collections::BTreeMap;
use std::sync::Arc;
use std::time::Duration;
use uuid::Uuid;

/// How long a claimed job is reserved for its worker before another may take it over; the worker
/// renews it every third of that while the job runs.
pub const LEASE: Duration = Duration::from_secs(120);
/// Longest wait between attempts.
const MAX_BACKOFF_SECONDS: i64 = 300;
/// The channel the `router_jobs` insert trigger notifies (see the migrations).
const CHANNEL: &str = "router_jobs";
/// How often an idle worker looks anyway: retries whose backoff ended, a lost notification.
const POLL: Duration = Duration::from_secs(1);

/// A job an area puts in the outbox. It is stored as its JSON, which carries its kind.
pub trait OutboxJob: Serialize {
    /// The kind, stored in its own column and used to pick the handler.
    fn kind(&self) -> &'static str;
}

/// Runs the jobs of the kinds an area defines.
pub trait JobHandler: Send + Sync {
    /// Runs one job for `router_id`. `payload` is the job as enqueued.
    fn run<'a>(
        &'a self,
        router_id: i64,
        kind: &'a str,
        payload: serde_json::Value,
    ) -> BoxFuture<'a, Result<(), JobError>>;
}

/// Reads a job back from its stored payload, as a handler receives it; a payload no job of
/// `J` reads is never worth another attempt.
pub fn decode<J: serde::de::DeserializeOwned>(payload: serde_json::Value) -> Result<J, JobError> {
    serde_json::from_value(payload).map_err(|e| JobError::Permanent(format!("unreadable job: {e}")))
}

/// Why a job did not finish: worth another attempt, or not.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum JobError {
    Retry(String),
    Permanent(String),
}

impl From<sqlx::Error> for JobError {
    fn from(e: sqlx::Error) -> Self {
        JobError::Retry(format!("database: {e}"))
    }
}

/// Adds a job; call it inside the transaction of the change that needs it. The workers are
/// woken when that transaction commits.
pub async fn enqueue(
    conn: &mut PgConnection,
    router_id: i64,
    job: &impl OutboxJob,
) -> Result<i64, sqlx::Error> {
    let payload = serde_json::to_value(job).expect("outbox jobs serialise");
    sqlx::query_scalar!(
        "INSERT INTO router_jobs (router_id, kind, payload) VALUES ($1, $2, $3) RETURNING id",
        router_id,
        job.kind(),
        payload
    )
    .fetch_one(conn)
    .await
}

/// What one drain did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct DrainOutcome {
    pub done: usize,
    /// Jobs put back to wait for a retry (router down, connection lost).
    pub retrying: usize,
    /// Jobs that used up their attempts.
    pub failed: usize,
    /// Jobs whose lease ran out while they ran: another worker holds them now, and their outcome
    /// here was not recorded.
    pub lost: usize,
}

impl DrainOutcome {
    pub fn claimed(&self) -> usize {
        self.done + self.retrying + self.failed + self.lost
    }

    fn add(&mut self, other: DrainOutcome) {
        self.done += other.done;
        self.retrying += other.retrying;
        self.failed += other.failed;
        self.lost += other.lost;
    }
}

struct ClaimedJob {
    id: i64,
    router_id: i64,
    kind: String,
    payload: serde_json::Value,
    attempts: i32,
    max_attempts: i32,
}

/// Claims up to `limit` due jobs and runs them: one router's jobs in order, routers in parallel.
/// Tests call this directly; the worker calls it in a loop.
pub async fn run_once(
    pool: &PgPool,
    handler: &dyn JobHandler,
    limit: i64,
) -> Result<DrainOutcome, sqlx::Error> {
    run_once_with_lease(pool, handler, limit, LEASE).await
}

/// [`run_once`] with a lease of its own length.
pub async fn run_once_with_lease(
    pool: &PgPool,
    handler: &dyn JobHandler,
    limit: i64,
    lease: Duration,
) -> Result<DrainOutcome, sqlx::Error> {
    let token = Uuid::new_v4();
    let claimed = sqlx::query_as!(
        ClaimedJob,
        "UPDATE router_jobs SET status = 'running', attempts = attempts + 1, lease_token = $3,
                run_after = now() + make_interval(secs => $2), updated_at = now()
         WHERE id IN (
             SELECT id FROM router_jobs
             WHERE status IN ('pending', 'running') AND run_after <= now()
             ORDER BY id
             FOR UPDATE SKIP LOCKED
             LIMIT $1)
         RETURNING id, router_id, kind, payload, attempts, max_attempts",
        limit,
        lease.as_secs_f64(),
        token
    )
    .fetch_all(pool)
    .await?;
    if claimed.is_empty() {
        return Ok(DrainOutcome::default());
    }

    let mut by_router: BTreeMap<i64, Vec<ClaimedJob>> = BTreeMap::new();
    for job in claimed {
        by_router.entry(job.router_id).or_default().push(job);
    }
    for jobs in by_router.values_mut() {
        jobs.sort_by_key(|j| j.id);
    }
    let work = futures::future::join_all(
        by_router
            .into_values()
            .map(|jobs| run_in_order(pool, handler, token, jobs)),
    );
    let outcomes = holding_leases(pool, token, lease, work).await;

    let mut total = DrainOutcome::default();
    for outcome in outcomes {
        total.add(outcome?);
    }
    Ok(total)
}

/// Runs these jobs, if no worker holds them, in a task of their own: a sale that made its voucher
/// on the spot pushes it before answering. Waits at most `wait` for them; the task goes on after
/// that and records how they ended, so a caller that stops waiting leaves nothing stranded.
/// `None` when the wait ran out. A job that fails stays queued for the workers' retries.
pub async fn run_now(
    pool: &PgPool,
    handler: Arc<dyn JobHandler>,
    job_ids: Vec<i64>,
    wait: Duration,
) -> Option<Result<DrainOutcome, sqlx::Error>> {
    let pool = pool.clone();
    let task = tokio::spawn(async move { run_these(&pool, handler.as_ref(), &job_ids).await });
    match tokio::time::timeout(wait, task).await {
        Ok(Ok(outcome)) => Some(outcome),
        Ok(Err(panicked)) => {
            tracing::error!(error = %panicked, "a router job panicked; its lease runs out and a worker retries it");
            Some(Ok(DrainOutcome::default()))
        }
        Err(_) => None,
    }
}

async fn run_these(
    pool: &PgPool,
    handler: &dyn JobHandler,
    job_ids: &[i64],
) -> Result<DrainOutcome, sqlx::Error> {
    let token = Uuid::new_v4();
    let mut claimed = sqlx::query_as!(
        ClaimedJob,
        "UPDATE router_jobs SET status = 'running', attempts = attempts + 1, lease_token = $3,
                run_after = now() + make_interval(secs => $2), updated_at = now()
         WHERE id IN (
             SELECT id FROM router_jobs
             WHERE id = ANY($1) AND status = 'pending'
             ORDER BY id
             FOR UPDATE SKIP LOCKED)
         RETURNING id, router_id, kind, payload, attempts, max_attempts",
        job_ids,
        LEASE.as_secs_f64(),
        token
    )
    .fetch_all(pool)
    .await?;
    claimed.sort_by_key(|j| j.id);
    let work = run_in_order(pool, handler, token, claimed);
    holding_leases(pool, token, LEASE, work).await
}

/// Runs `work`, renewing the leases of the jobs claimed under `token` every third of `lease`
/// until it ends. A renewal that fails is retried at the next tick; if none succeeds before the
/// lease runs out, another worker may take the jobs over, and this one's outcome is dropped.
async fn holding_leases<T>(
    pool: &PgPool,
    token: Uuid,
    lease: Duration,
    work: impl std::future::Future<Output = T>,
) -> T {
    let renew = async {
        let mut every = tokio::time::interval(lease / 3);
        every.tick().await;
        loop {
            every.tick().await;
            let renewed = sqlx::query!(
                "UPDATE router_jobs SET run_after = now() + make_interval(secs => $2)
                 WHERE lease_token = $1 AND status = 'running'",
                token,
                lease.as_secs_f64()
            )
            .execute(pool)
            .await;
            if let Err(e) = renewed {
                tracing::warn!(error = %e, "could not renew the leases of running router jobs");
            }
        }
    };
    tokio::select! {
        out = work => out,
        () = renew => unreachable!("lease renewal loops until the work ends"),
    }
}

/// Runs claimed jobs one after the other and records how each ended.
async fn run_in_order(
    pool: &PgPool,
    handler: &dyn JobHandler,
    token: Uuid,
    jobs: Vec<ClaimedJob>,
) -> Result<DrainOutcome, sqlx::Error> {
    let mut outcome = DrainOutcome::default();
    for job in jobs {
        let result = handler
            .run(job.router_id, &job.kind, job.payload.clone())
            .await;
        settle(pool, &job, token, result, &mut outcome).await?;
    }
    Ok(outcome)
}

/// Records how a job ended, only while `token` still holds its lease.
async fn settle(
    pool: &PgPool,
    job: &ClaimedJob,
    token: Uuid,
    result: Result<(), JobError>,
    outcome: &mut DrainOutcome,
) -> Result<(), sqlx::Error> {
    let (status, error, backoff) = match result {
        Ok(()) => ("done", None, 0),
        Err(JobError::Retry(error)) if job.attempts < job.max_attempts => {
            let backoff = (1i64 << job.attempts.clamp(0, 16)).min(MAX_BACKOFF_SECONDS);
            ("pending", Some(error), backoff)
        }
        Err(JobError::Retry(error) | JobError::Permanent(error)) => ("failed", Some(error), 0),
    };
    let recorded = sqlx::query!(
        "UPDATE router_jobs SET status = $3, last_error = $4, lease_token = NULL, updated_at = now(),
                run_after = CASE WHEN $3 = 'pending' THEN now() + make_interval(secs => $5) ELSE run_after END,
                done_at = CASE WHEN $3 = 'done' THEN now() ELSE done_at END
         WHERE id = $1 AND lease_token = $2 AND status = 'running'",
        job.id,
        token,
        status,
        error,
        backoff as f64
    )
    .execute(pool)
    .await?
    .rows_affected();
    if recorded == 0 {
        tracing::warn!(
            job = job.id,
            router = job.router_id,
            "a router job's lease ran out while it ran; another worker holds it"
        );
        outcome.lost += 1;
        return Ok(());
    }
    match (status, &error) {
        ("done", _) => outcome.done += 1,
        ("pending", Some(error)) => {
            tracing::warn!(job = job.id, router = job.router_id, attempt = job.attempts, %error, "router job will be retried");
            outcome.retrying += 1;
        }
        (_, error) => {
            tracing::error!(
                job = job.id,
                router = job.router_id,
                error = error.as_deref().unwrap_or_default(),
                "router job failed"
            );
            outcome.failed += 1;
        }
    }
    Ok(())
}

/// Drains the outbox until `shutdown` resolves: at once when a job is enqueued anywhere (the
/// database's notification), otherwise every second (retries whose backoff ended).
pub async fn work(
    pool: PgPool,
    handler: &dyn JobHandler,
    batch: i64,
    shutdown: impl std::future::Future<Output = ()>,
) {
    tokio::pin!(shutdown);
    let mut listener = listen(&pool).await;
    loop {
        match run_once(&pool, handler, batch).await {
            Ok(outcome) if outcome.claimed() > 0 => continue,
            Ok(_) => {}
            Err(e) => tracing::error!(error = %e, "router outbox could not be drained"),
        }
        let woken = async {
            match listener.as_mut() {
                Some(l) => l.recv().await.map(|_| ()),
                None => std::future::pending().await,
            }
        };
        tokio::select! {
            () = &mut shutdown => return,
            woken = woken => {
                if let Err(e) = woken {
                    tracing::warn!(error = %e, "lost the outbox notifications; polling until they are back");
                    listener = listen(&pool).await;
                }
            }
            () = tokio::time::sleep(POLL) => {}
        }
    }
}

/// Listens for new jobs; without a listener the worker still polls.
async fn listen(pool: &PgPool) -> Option<PgListener> {
    let listen = async {
        let mut listener = PgListener::connect_with(pool).await?;
        listener.listen(CHANNEL).await?;
        Ok::<_, sqlx::Error>(listener)
    };
    match listen.await {
        Ok(listener) => Some(listener),
        Err(e) => {
            tracing::warn!(error = %e, "cannot listen for outbox notifications; polling");
            None
        }
    }
}
