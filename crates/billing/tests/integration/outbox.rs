//! The router outbox's leases: a worker that is still working keeps its jobs, a worker that lost
//! its lease cannot overwrite what the new holder recorded, and a caller that stops waiting does
//! not leave its jobs stranded.

use crate::support;

use support::{register_router, services, simulator};

use billing::outbox::{self, JobError, JobHandler, OutboxJob};
use futures::future::BoxFuture;
use serde::Serialize;
use sqlx::PgPool;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;
use tokio::sync::Semaphore;

#[derive(Serialize)]
struct Tick;

impl OutboxJob for Tick {
    fn kind(&self) -> &'static str {
        "tick"
    }
}

/// Takes `work` per job and ends with `outcome`; counts its runs. With a gate, each run first
/// waits for a permit.
struct Slow {
    work: Duration,
    outcome: Result<(), JobError>,
    runs: AtomicUsize,
    gate: Option<Arc<Semaphore>>,
}

impl Slow {
    fn new(work: Duration, outcome: Result<(), JobError>) -> Self {
        Slow {
            work,
            outcome,
            runs: AtomicUsize::new(0),
            gate: None,
        }
    }
}

impl JobHandler for Slow {
    fn run<'a>(
        &'a self,
        _router_id: i64,
        _kind: &'a str,
        _payload: serde_json::Value,
    ) -> BoxFuture<'a, Result<(), JobError>> {
        Box::pin(async move {
            self.runs.fetch_add(1, Ordering::SeqCst);
            if let Some(gate) = &self.gate {
                gate.acquire().await.unwrap().forget();
            }
            tokio::time::sleep(self.work).await;
            self.outcome.clone()
        })
    }
}

async fn one_job(pool: &PgPool) -> i64 {
    let services = services(pool.clone()).await;
    let sim = simulator().await;
    let router_id = register_router(&services, &sim, "Tower A").await;
    // Registering a router queues its own work: only ours stays.
    sqlx::query("DELETE FROM router_jobs")
        .execute(pool)
        .await
        .unwrap();
    let mut conn = pool.acquire().await.unwrap();
    outbox::enqueue(&mut conn, router_id, &Tick).await.unwrap()
}

async fn job(pool: &PgPool, id: i64) -> (String, i32, Option<String>) {
    sqlx::query_as("SELECT status, attempts, last_error FROM router_jobs WHERE id = $1")
        .bind(id)
        .fetch_one(pool)
        .await
        .unwrap()
}

#[sqlx::test(migrator = "billing::core::db::MIGRATOR")]
async fn a_worker_still_working_keeps_its_lease(pool: PgPool) {
    let id = one_job(&pool).await;
    let lease = Duration::from_millis(600);
    let slow = Slow::new(Duration::from_millis(2_000), Ok(()));
    let other = Slow::new(Duration::ZERO, Ok(()));

    let (first, second) = tokio::join!(
        outbox::run_once_with_lease(&pool, &slow, 10, lease),
        async {
            // Well past the first lease: had it not been renewed, the job would be due again.
            tokio::time::sleep(Duration::from_millis(1_300)).await;
            outbox::run_once_with_lease(&pool, &other, 10, lease).await
        }
    );
    assert_eq!(first.unwrap().done, 1);
    assert_eq!(second.unwrap().claimed(), 0, "the job is still held");
    assert_eq!(other.runs.load(Ordering::SeqCst), 0);
    assert_eq!(job(&pool, id).await, ("done".to_owned(), 1, None));
}

#[sqlx::test(migrator = "billing::core::db::MIGRATOR")]
async fn a_worker_that_lost_its_lease_cannot_overwrite_the_outcome(pool: PgPool) {
    let id = one_job(&pool).await;
    let gate = Arc::new(Semaphore::new(0));
    let stale = Slow {
        gate: Some(gate.clone()),
        ..Slow::new(Duration::ZERO, Err(JobError::Permanent("stale".into())))
    };
    let fresh = Slow::new(Duration::ZERO, Ok(()));

    let (stale_outcome, fresh_outcome) = tokio::join!(
        outbox::run_once_with_lease(&pool, &stale, 10, Duration::from_secs(60)),
        async {
            // The first worker stalls (cut off from the database, say) until its lease is
            // over; another worker takes the job and finishes it; then the first wakes up.
            while stale.runs.load(Ordering::SeqCst) == 0 {
                tokio::time::sleep(Duration::from_millis(10)).await;
            }
            sqlx::query(
                "UPDATE router_jobs SET run_after = now() - interval '1 second' WHERE id = $1",
            )
            .bind(id)
            .execute(&pool)
            .await
            .unwrap();
            let outcome =
                outbox::run_once_with_lease(&pool, &fresh, 10, Duration::from_secs(60)).await;
            gate.add_permits(1);
            outcome
        }
    );
    assert_eq!(fresh_outcome.unwrap().done, 1);
    let stale_outcome = stale_outcome.unwrap();
    assert_eq!((stale_outcome.failed, stale_outcome.lost), (0, 1));
    assert_eq!(
        job(&pool, id).await,
        ("done".to_owned(), 2, None),
        "the outcome of the lease holder stands"
    );
}

#[sqlx::test(migrator = "billing::core::db::MIGRATOR")]
async fn a_caller_that_stops_waiting_leaves_the_job_running_to_its_end(pool: PgPool) {
    let id = one_job(&pool).await;
    let slow = Arc::new(Slow::new(Duration::from_millis(800), Ok(())));
    let waited = outbox::run_now(&pool, slow.clone(), vec![id], Duration::from_millis(100)).await;
    assert!(waited.is_none(), "the caller stopped waiting");
    // The job goes on without the caller and settles soon after, not when a lease runs out.
    for _ in 0..50 {
        if job(&pool, id).await.0 == "done" {
            break;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    assert_eq!(job(&pool, id).await, ("done".to_owned(), 1, None));
    assert_eq!(slow.runs.load(Ordering::SeqCst), 1);
}
