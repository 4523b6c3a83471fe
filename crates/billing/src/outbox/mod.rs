//! The router outbox: durable work for routers, written in the same transaction as its cause and
//! drained by workers with `FOR UPDATE SKIP LOCKED`. A router that is down or refusing loses
//! nothing: the job waits with backoff and runs again; a worker that dies mid-job releases it when
//! its lease ends.
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
use std::time::Duration;

/// How long a claimed job is reserved for its worker before another may take it over.
const LEASE: Duration = Duration::from_secs(120);
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
}

impl DrainOutcome {
    pub fn claimed(&self) -> usize {
        self.done + self.retrying + self.failed
    }

    fn add(&mut self, other: DrainOutcome) {
        self.done += other.done;
        self.retrying += other.retrying;
        self.failed += other.failed;
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
         RETURNING id, router_id, kind, payload, attempts, max_attempts",
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
            .map(|jobs| run_in_order(pool, handler, jobs)),
    )
    .await;

    let mut total = DrainOutcome::default();
    for outcome in outcomes {
        total.add(outcome?);
    }
    Ok(total)
}

/// Runs these jobs now, in this task, if no worker holds them: a sale that made its voucher on the
/// spot pushes it before answering. A job that fails here stays queued for the workers' retries.
pub async fn run_now(
    pool: &PgPool,
    handler: &dyn JobHandler,
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
         RETURNING id, router_id, kind, payload, attempts, max_attempts",
        job_ids,
        LEASE.as_secs_f64()
    )
    .fetch_all(pool)
    .await?;
    claimed.sort_by_key(|j| j.id);
    run_in_order(pool, handler, claimed).await
}

/// Runs claimed jobs one after the other and records how each ended.
async fn run_in_order(
    pool: &PgPool,
    handler: &dyn JobHandler,
    jobs: Vec<ClaimedJob>,
) -> Result<DrainOutcome, sqlx::Error> {
    let mut outcome = DrainOutcome::default();
    for job in jobs {
        let result = handler
            .run(job.router_id, &job.kind, job.payload.clone())
            .await;
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
