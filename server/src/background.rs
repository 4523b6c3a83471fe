//! Background work of this process: the router outbox worker and the scheduled jobs. The jobs
//! themselves live in `billing::ops::schedule`; this only decides when they run. Every replica runs the
//! schedule; a per-tick Redis lock lets one of them do each tick's work.
//!
//! Nothing here dies for good: the outbox worker is [`supervise`]d (a panic is logged and the
//! worker started again after a backoff), and each scheduled tick runs in a task of its own whose
//! panic is logged, so the job runs again at its next tick.

use billing::Services;
use std::future::Future;
use std::time::Duration;
use tokio::time::Instant;
use tokio_cron_scheduler::{Job, JobScheduler};
use tokio_util::sync::CancellationToken;

/// The first wait before a task that died is started again; it doubles after each death in a row,
/// up to [`MAX_RESTART_DELAY`].
const MIN_RESTART_DELAY: Duration = Duration::from_millis(500);
const MAX_RESTART_DELAY: Duration = Duration::from_secs(30);
/// A task that ran this long before it died is not dying in a loop: the next wait starts afresh.
const HEALTHY_RUN: Duration = Duration::from_secs(60);

/// Runs the long-lived task that `start_task` makes until `shutdown` is cancelled. A task that
/// panics, or returns before the shutdown, is logged and started again after a backoff. The task
/// itself must stop when `shutdown` is cancelled.
pub async fn supervise<F, Fut>(name: &'static str, shutdown: CancellationToken, start_task: F)
where
    F: Fn() -> Fut,
    Fut: Future<Output = ()> + Send + 'static,
{
    let mut delay = MIN_RESTART_DELAY;
    loop {
        let started = Instant::now();
        let result = tokio::spawn(start_task()).await;
        if shutdown.is_cancelled() {
            return;
        }
        if started.elapsed() >= HEALTHY_RUN {
            delay = MIN_RESTART_DELAY;
        }
        match result {
            Err(e) if e.is_panic() => tracing::error!(
                task = name,
                panic = panic_message(e.into_panic()),
                restart_in = ?delay,
                "background task panicked; restarting it"
            ),
            Err(e) => {
                tracing::error!(task = name, error = %e, restart_in = ?delay, "background task was cancelled; restarting it")
            }
            Ok(()) => {
                tracing::error!(task = name, restart_in = ?delay, "background task stopped by itself; restarting it")
            }
        }
        tokio::select! {
            () = shutdown.cancelled() => return,
            () = tokio::time::sleep(delay) => {}
        }
        delay = (delay * 2).min(MAX_RESTART_DELAY);
    }
}

/// Runs one tick of a scheduled job in a task of its own, so that a panic is logged as the job's
/// failure and the job runs again at its next tick.
async fn run_tick<Fut>(name: &'static str, tick: Fut)
where
    Fut: Future<Output = Result<billing::ops::schedule::TickSummary, sqlx::Error>> + Send + 'static,
{
    match tokio::spawn(tick).await {
        Ok(Ok(_)) => {}
        Ok(Err(e)) => tracing::error!(job = name, error = %e, "scheduled job failed"),
        Err(e) if e.is_panic() => tracing::error!(
            job = name,
            panic = panic_message(e.into_panic()),
            "scheduled job panicked; it runs again at its next tick"
        ),
        Err(e) => tracing::error!(job = name, error = %e, "scheduled job was cancelled"),
    }
}

/// The message a panic was raised with (`panic!("…")` carries a `&str` or a `String`).
fn panic_message(payload: Box<dyn std::any::Any + Send>) -> String {
    match payload.downcast::<String>() {
        Ok(message) => *message,
        Err(payload) => payload
            .downcast_ref::<&str>()
            .map_or_else(|| "(no message)".to_owned(), |s| (*s).to_owned()),
    }
}

/// One scheduled job: its name (for the lock and logs), its cron schedule (with seconds) and
/// period, and what it runs.
struct Schedule {
    name: &'static str,
    cron: String,
    period: Duration,
    run: fn(
        Services,
    ) -> futures::future::BoxFuture<
        'static,
        Result<billing::ops::schedule::TickSummary, sqlx::Error>,
    >,
}

fn schedules(config: &billing::Config) -> [Schedule; 6] {
    let activation = config.activation_interval_seconds;
    [
        Schedule {
            name: "activation",
            cron: format!("*/{activation} * * * * *"),
            period: Duration::from_secs(u64::from(activation)),
            run: |s| Box::pin(async move { billing::ops::schedule::activation_tick(&s).await }),
        },
        Schedule {
            name: "reconcile",
            cron: "0 */10 * * * *".to_owned(),
            period: Duration::from_secs(600),
            run: |s| Box::pin(async move { billing::ops::schedule::reconcile_tick(&s).await }),
        },
        Schedule {
            name: "profile-sync",
            cron: "0 5 * * * *".to_owned(),
            period: Duration::from_secs(3600),
            run: |s| Box::pin(async move { billing::ops::schedule::profile_sync_tick(&s).await }),
        },
        Schedule {
            name: "isolation",
            cron: "0 15 * * * *".to_owned(),
            period: Duration::from_secs(3600),
            run: |s| Box::pin(async move { billing::ops::schedule::isolation_tick(&s).await }),
        },
        Schedule {
            name: "invoice-run",
            cron: "0 10 * * * *".to_owned(),
            period: Duration::from_secs(3600),
            run: |s| Box::pin(async move { billing::ops::schedule::invoice_run_tick(&s).await }),
        },
        Schedule {
            name: "ledger-check",
            cron: "0 40 2 * * *".to_owned(),
            period: Duration::from_secs(86_400),
            run: |s| Box::pin(async move { billing::ops::schedule::ledger_check_tick(&s).await }),
        },
    ]
}

/// Starts the workers; they stop when `shutdown` is cancelled.
pub async fn start(
    services: Services,
    shutdown: CancellationToken,
) -> anyhow::Result<JobScheduler> {
    {
        let (services, shutdown) = (services.clone(), shutdown.clone());
        tokio::spawn(supervise("outbox-worker", shutdown.clone(), move || {
            billing::ops::schedule::outbox_worker(
                services.clone(),
                shutdown.clone().cancelled_owned(),
            )
        }));
    }
    let scheduler = JobScheduler::new().await?;
    for schedule in schedules(&services.config) {
        let services = services.clone();
        let (name, period, run) = (schedule.name, schedule.period, schedule.run);
        let job = Job::new_async(schedule.cron, move |_, _| {
            let services = services.clone();
            Box::pin(async move {
                match billing::ops::schedule::claim_tick(&services, name, period).await {
                    Ok(true) => {}
                    Ok(false) => return,
                    Err(e) => {
                        tracing::error!(job = name, error = %e, "cannot take the job lock");
                        return;
                    }
                }
                run_tick(name, run(services)).await;
            })
        })?;
        scheduler.add(job).await?;
    }
    scheduler.start().await?;
    Ok(scheduler)
}

#[cfg(test)]
mod tests {
    use super::*;
    use billing::ops::schedule::TickSummary;

    #[tokio::test]
    async fn a_scheduled_tick_that_panics_is_logged_and_the_schedule_goes_on() {
        let panicking = async {
            if chrono::Utc::now().timestamp() > 0 {
                panic!("a tick that panics");
            }
            Ok(TickSummary::default())
        };
        run_tick("panics", panicking).await;
        let (ran, ran_rx) = tokio::sync::oneshot::channel();
        run_tick("next", async move {
            ran.send(()).unwrap();
            Ok(TickSummary::default())
        })
        .await;
        ran_rx.await.expect("the next tick ran");
    }
}
