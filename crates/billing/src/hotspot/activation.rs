//! The activation monitor, run every 30 s per router: one `print` of the hotspot
//! users and one of the active sessions. A voucher used for the first time becomes `active` and
//! starts its validity; usage is recorded; a voucher past its validity or quota becomes `expired`
//! and its router user is retired through the outbox.

use crate::hotspot::jobs::HotspotJob;
use crate::outbox;
use crate::routers::{RouterError, RouterService};
use chrono::{DateTime, Utc};
use domain::activation::{self, Seen, Usage, Watched};
use domain::{ExpiredAction, Validity, VoucherStatus};
use serde::Serialize;
use sqlx::PgPool;
use std::collections::{HashMap, HashSet};

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct ActivationOutcome {
    /// Router users that are vouchers we track.
    pub matched: usize,
    pub activated: usize,
    pub expired: usize,
    /// Vouchers whose recorded usage changed.
    pub usage_updated: usize,
}

#[derive(Debug, thiserror::Error)]
pub enum ActivationError {
    #[error(transparent)]
    Router(#[from] RouterError),
    #[error("database error")]
    Database(#[from] sqlx::Error),
}

impl From<routeros::Error> for ActivationError {
    fn from(e: routeros::Error) -> Self {
        ActivationError::Router(RouterError::from(e))
    }
}

/// One look at one router: reads its users and sessions, decides about every voucher it holds,
/// and records what changed in one transaction.
pub async fn run_once(
    pool: &PgPool,
    routers: &RouterService,
    router_id: i64,
    now: DateTime<Utc>,
    expired_action: ExpiredAction,
) -> Result<ActivationOutcome, ActivationError> {
    let seen = read_router(routers, router_id).await?;
    let watched = watched_vouchers(pool, router_id).await?;
    let (changes, matched) = decide_all(&watched, &seen, now);
    let outcome = ActivationOutcome {
        matched,
        activated: changes.activated_ids.len(),
        expired: changes.expired_ids.len(),
        usage_updated: changes.usage_ids.len(),
    };
    if !changes.is_empty() {
        record(pool, router_id, now, expired_action, changes).await?;
    }
    Ok(outcome)
}

/// What the router shows of each of its users, by name.
async fn read_router(
    routers: &RouterService,
    router_id: i64,
) -> Result<HashMap<String, Seen>, ActivationError> {
    let client = routers.client(router_id).await?;
    let (users_menu, active_menu) = (client.hotspot_users(), client.hotspot_active());
    let everything = routeros::Query::new();
    let (users, sessions) = tokio::try_join!(
        users_menu.print(&everything, &["name", "uptime", "bytes-in", "bytes-out"]),
        active_menu.print(&everything, &["user"]),
    )?;
    let online: HashSet<&str> = sessions.iter().map(|s| s.user.as_str()).collect();
    Ok(users
        .iter()
        .map(|u| {
            let usage = Usage::from_router(
                u.uptime.map_or(0, |d| d.as_secs()),
                u.bytes_in.unwrap_or(0),
                u.bytes_out.unwrap_or(0),
            );
            let seen = Seen {
                usage,
                online: online.contains(u.name.as_str()),
            };
            (u.name.clone(), seen)
        })
        .collect())
}

/// A voucher of ours that is on the router and may still be used.
struct WatchedVoucher {
    id: i64,
    code: String,
    watched: Watched,
}

async fn watched_vouchers(
    pool: &PgPool,
    router_id: i64,
) -> Result<Vec<WatchedVoucher>, sqlx::Error> {
    let rows = sqlx::query!(
        r#"SELECT v.id, v.code, v.status AS "status: VoucherStatus", v.expires_at, v.uptime_seconds,
                  v.bytes_in, v.bytes_out, p.validity_seconds AS "validity_seconds!", p.time_quota_seconds, p.data_quota_bytes
           FROM vouchers v JOIN plans p ON p.id = v.plan_id
           WHERE v.router_id = $1 AND v.status IN ('created', 'active') AND v.router_state = 'pushed'"#,
        router_id
    )
    .fetch_all(pool)
    .await?;
    Ok(rows
        .into_iter()
        .filter_map(|v| {
            let Ok(validity) = Validity::from_seconds(v.validity_seconds) else {
                tracing::error!(
                    voucher = v.id,
                    "plan validity out of range; voucher skipped"
                );
                return None;
            };
            Some(WatchedVoucher {
                id: v.id,
                code: v.code,
                watched: Watched {
                    status: v.status,
                    expires_at: v.expires_at,
                    validity,
                    time_quota_seconds: v.time_quota_seconds,
                    data_quota_bytes: v.data_quota_bytes,
                    recorded: Usage {
                        uptime_seconds: v.uptime_seconds,
                        bytes_in: v.bytes_in,
                        bytes_out: v.bytes_out,
                    },
                },
            })
        })
        .collect())
}

/// What to write, as columns for bulk `UNNEST` updates.
#[derive(Default)]
struct Changes {
    activated_ids: Vec<i64>,
    activated_expiry: Vec<DateTime<Utc>>,
    usage_ids: Vec<i64>,
    usage_uptime: Vec<i64>,
    usage_in: Vec<i64>,
    usage_out: Vec<i64>,
    expired_ids: Vec<i64>,
}

impl Changes {
    fn is_empty(&self) -> bool {
        self.activated_ids.is_empty() && self.usage_ids.is_empty() && self.expired_ids.is_empty()
    }
}

/// Asks the rules about every watched voucher the router has; also tells how many it has.
fn decide_all(
    vouchers: &[WatchedVoucher],
    seen: &HashMap<String, Seen>,
    now: DateTime<Utc>,
) -> (Changes, usize) {
    let mut changes = Changes::default();
    let mut matched = 0;
    for voucher in vouchers {
        let Some(&seen) = seen.get(&voucher.code) else {
            continue;
        };
        matched += 1;
        let decision = activation::decide(&voucher.watched, seen, now);
        if let Some(expiry) = decision.activate_until {
            changes.activated_ids.push(voucher.id);
            changes.activated_expiry.push(expiry);
        }
        if decision.usage_changed {
            changes.usage_ids.push(voucher.id);
            changes.usage_uptime.push(seen.usage.uptime_seconds);
            changes.usage_in.push(seen.usage.bytes_in);
            changes.usage_out.push(seen.usage.bytes_out);
        }
        if decision.expire {
            changes.expired_ids.push(voucher.id);
        }
    }
    (changes, matched)
}

/// Writes first uses, usage (and its log) and expiries, with the retire job, in one transaction.
async fn record(
    pool: &PgPool,
    router_id: i64,
    now: DateTime<Utc>,
    expired_action: ExpiredAction,
    changes: Changes,
) -> Result<(), sqlx::Error> {
    let mut tx = pool.begin().await?;
    sqlx::query!(
        "UPDATE vouchers v SET status = 'active', first_login_at = $3, expires_at = a.expires_at, updated_at = now()
         FROM UNNEST($1::BIGINT[], $2::TIMESTAMPTZ[]) AS a(id, expires_at)
         WHERE v.id = a.id AND v.status = 'created'",
        &changes.activated_ids,
        &changes.activated_expiry,
        now
    )
    .execute(&mut *tx)
    .await?;
    sqlx::query!(
        "UPDATE vouchers v SET uptime_seconds = u.uptime, bytes_in = u.bytes_in, bytes_out = u.bytes_out,
                updated_at = now()
         FROM UNNEST($1::BIGINT[], $2::BIGINT[], $3::BIGINT[], $4::BIGINT[]) AS u(id, uptime, bytes_in, bytes_out)
         WHERE v.id = u.id",
        &changes.usage_ids,
        &changes.usage_uptime,
        &changes.usage_in,
        &changes.usage_out
    )
    .execute(&mut *tx)
    .await?;
    sqlx::query!(
        "INSERT INTO usage_logs (router_id, voucher_id, uptime_seconds, bytes_in, bytes_out, recorded_at)
         SELECT $1, u.id, u.uptime, u.bytes_in, u.bytes_out, $6
         FROM UNNEST($2::BIGINT[], $3::BIGINT[], $4::BIGINT[], $5::BIGINT[]) AS u(id, uptime, bytes_in, bytes_out)",
        router_id,
        &changes.usage_ids,
        &changes.usage_uptime,
        &changes.usage_in,
        &changes.usage_out,
        now
    )
    .execute(&mut *tx)
    .await?;
    if !changes.expired_ids.is_empty() {
        sqlx::query!(
            "UPDATE vouchers SET status = 'expired', updated_at = now() WHERE id = ANY($1) AND status = 'active'",
            &changes.expired_ids
        )
        .execute(&mut *tx)
        .await?;
        outbox::enqueue(
            &mut tx,
            router_id,
            &HotspotJob::RetireVouchers {
                voucher_ids: changes.expired_ids,
                remove: expired_action == ExpiredAction::Remove,
            },
        )
        .await?;
    }
    tx.commit().await
}
