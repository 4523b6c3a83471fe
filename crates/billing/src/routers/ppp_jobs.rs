//! PPP profiles on routers, run by the outbox: the `/ppp/profile` of each PPPoE plan, with its
//! rate limit (the plan catalog enqueues them; the subscriptions' secrets are the jobs of
//! `pppoe::secrets`).

use crate::outbox::{self, JobError, JobHandler, OutboxJob};
use crate::routers::RouterService;
use futures::future::BoxFuture;
use routeros::{NewPppProfile, PppProfileChanges};
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum PppoeJob {
    /// Create the PPP profile, or set its rate limit.
    EnsurePppProfile {
        name: String,
        rate_limit: Option<String>,
    },
}

impl PppoeJob {
    /// The kinds of job this area defines, as stored.
    pub const KINDS: &'static [&'static str] = &["ensure_ppp_profile"];
}

impl OutboxJob for PppoeJob {
    fn kind(&self) -> &'static str {
        match self {
            PppoeJob::EnsurePppProfile { .. } => "ensure_ppp_profile",
        }
    }
}

/// Runs [`PppoeJob`]s against the routers.
#[derive(Clone, Debug)]
pub struct PppoeJobs {
    pub routers: RouterService,
}

impl JobHandler for PppoeJobs {
    fn run<'a>(
        &'a self,
        router_id: i64,
        _kind: &'a str,
        payload: serde_json::Value,
    ) -> BoxFuture<'a, Result<(), JobError>> {
        Box::pin(async move {
            let job = outbox::decode::<PppoeJob>(payload)?;
            match job {
                PppoeJob::EnsurePppProfile { name, rate_limit } => {
                    ensure_ppp_profile(&self.routers, router_id, &name, rate_limit).await
                }
            }
        })
    }
}

async fn ensure_ppp_profile(
    routers: &RouterService,
    router_id: i64,
    name: &str,
    rate_limit: Option<String>,
) -> Result<(), JobError> {
    let client = routers.client(router_id).await?;
    let profiles = client.ppp_profiles();
    match profiles.find_by_name(name).await? {
        Some(existing) => {
            if rate_limit.is_some() {
                profiles
                    .set(
                        &existing.id,
                        &PppProfileChanges {
                            rate_limit,
                            ..Default::default()
                        },
                    )
                    .await?;
            }
        }
        None => {
            profiles
                .add(&NewPppProfile {
                    name: name.to_owned(),
                    rate_limit,
                    ..Default::default()
                })
                .await?;
        }
    }
    Ok(())
}
