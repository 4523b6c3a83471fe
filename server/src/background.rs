//! Background work of this process: the router outbox worker and the scheduled jobs. The jobs
//! themselves live in `billing::ops::schedule`; this only decides when they run. Every replica runs the
//! schedule; a per-tick Redis lock lets one of them do each tick's work.

use billing::Services;
use std::time::Duration;
use tokio_cron_scheduler::{Job, JobScheduler};
use tokio_util::sync::CancellationToken;

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

fn schedules(config: &billing::Config) -> [Schedule; 3] {
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
    ]
}

/// Starts the workers; they stop when `shutdown` is cancelled.
pub async fn start(
    services: Services,
    shutdown: CancellationToken,
) -> anyhow::Result<JobScheduler> {
    tokio::spawn(billing::ops::schedule::outbox_worker(
        services.clone(),
        shutdown.clone().cancelled_owned(),
    ));
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
                if let Err(e) = run(services).await {
                    tracing::error!(job = name, error = %e, "scheduled job failed");
                }
            })
        })?;
        scheduler.add(job).await?;
    }
    scheduler.start().await?;
    Ok(scheduler)
}
