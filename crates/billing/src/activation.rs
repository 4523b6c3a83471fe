//! The activation monitor (spec 4.2), run every 30 s per router: one `print` of the hotspot
//! users and one of the active sessions. A voucher used for the first time becomes `active` and
//! starts its validity; usage is recorded; a voucher past its validity or quota becomes `expired`
//! and its router user is retired through the outbox.

use crate::outbox::{self, RouterJob};
use crate::routers::{RouterError, RouterService};
use chrono::{DateTime, Utc};
use serde::Serialize;
use sqlx::PgPool;
use std::collections::{HashMap, HashSet};

/// What happens on the router to an expired voucher's user.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum ExpiredAction {
    /// Remove the hotspot user (the default: the router keeps only live vouchers).
    #[default]
    Remove,
    /// Keep the user but disabled, for operators who want to see it on the router.
    Disable,
}

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

/// Usage of one router user as the router reports it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Usage {
    uptime_seconds: i64,
    bytes_in: i64,
    bytes_out: i64,
}

pub async fn run_once(
    pool: &PgPool,
    routers: &RouterService,
    router_id: i64,
    now: DateTime<Utc>,
    expired_action: ExpiredAction,
) -> Result<ActivationOutcome, ActivationError> {
    let client = routers.client(router_id).await?;
    let (users_menu, active_menu) = (client.hotspot_users(), client.hotspot_active());
    let everything = routeros::Query::new();
    let (users, sessions) = tokio::try_join!(
        users_menu.print(&everything, &["name", "uptime", "bytes-in", "bytes-out"]),
        active_menu.print(&everything, &["user"]),
    )?;
    let online: HashSet<&str> = sessions.iter().map(|s| s.user.as_str()).collect();
    let on_router: HashMap<&str, Usage> = users
        .iter()
        .map(|u| {
            let usage = Usage {
                uptime_seconds: u
                    .uptime
                    .map_or(0, |d| i64::try_from(d.as_secs()).unwrap_or(i64::MAX)),
                bytes_in: u
                    .bytes_in
                    .map_or(0, |b| i64::try_from(b).unwrap_or(i64::MAX)),
                bytes_out: u
                    .bytes_out
                    .map_or(0, |b| i64::try_from(b).unwrap_or(i64::MAX)),
            };
            (u.name.as_str(), usage)
        })
        .collect();

    let tracked = sqlx::query!(
        "SELECT v.id, v.code, v.status, v.expires_at, v.uptime_seconds, v.bytes_in, v.bytes_out,
                p.validity_seconds, p.time_quota_seconds, p.data_quota_bytes
         FROM vouchers v JOIN plans p ON p.id = v.plan_id
         WHERE v.router_id = $1 AND v.status IN ('created', 'active') AND v.router_state = 'pushed'",
        router_id
    )
    .fetch_all(pool)
    .await?;

    let mut outcome = ActivationOutcome::default();
    let (mut activated_ids, mut activated_expiry) = (Vec::new(), Vec::new());
    let (mut usage_ids, mut usage_uptime, mut usage_in, mut usage_out) =
        (Vec::new(), Vec::new(), Vec::new(), Vec::new());
    let mut expired_ids = Vec::new();
    for voucher in &tracked {
        let Some(usage) = on_router.get(voucher.code.as_str()) else {
            continue;
        };
        outcome.matched += 1;
        let mut expires_at = voucher.expires_at;
        let first_use = voucher.status == "created"
            && (usage.uptime_seconds > 0 || online.contains(voucher.code.as_str()));
        if first_use {
            let expiry = now + chrono::Duration::seconds(voucher.validity_seconds);
            activated_ids.push(voucher.id);
            activated_expiry.push(expiry);
            expires_at = Some(expiry);
        }
        let recorded = Usage {
            uptime_seconds: voucher.uptime_seconds,
            bytes_in: voucher.bytes_in,
            bytes_out: voucher.bytes_out,
        };
        if *usage != recorded {
            usage_ids.push(voucher.id);
            usage_uptime.push(usage.uptime_seconds);
            usage_in.push(usage.bytes_in);
            usage_out.push(usage.bytes_out);
        }
        let in_use = voucher.status == "active" || first_use;
        let out_of_time = expires_at.is_some_and(|e| e <= now);
        let out_of_uptime = voucher
            .time_quota_seconds
            .is_some_and(|q| usage.uptime_seconds >= q);
        let out_of_data = voucher
            .data_quota_bytes
            .is_some_and(|q| usage.bytes_in.saturating_add(usage.bytes_out) >= q);
        if in_use && (out_of_time || out_of_uptime || out_of_data) {
            expired_ids.push(voucher.id);
        }
    }
    outcome.activated = activated_ids.len();
    outcome.usage_updated = usage_ids.len();
    outcome.expired = expired_ids.len();
    if activated_ids.is_empty() && usage_ids.is_empty() && expired_ids.is_empty() {
        return Ok(outcome);
    }

    let mut tx = pool.begin().await?;
    sqlx::query!(
        "UPDATE vouchers v SET status = 'active', first_login_at = $3, expires_at = a.expires_at, updated_at = now()
         FROM UNNEST($1::BIGINT[], $2::TIMESTAMPTZ[]) AS a(id, expires_at)
         WHERE v.id = a.id AND v.status = 'created'",
        &activated_ids,
        &activated_expiry,
        now
    )
    .execute(&mut *tx)
    .await?;
    sqlx::query!(
        "UPDATE vouchers v SET uptime_seconds = u.uptime, bytes_in = u.bytes_in, bytes_out = u.bytes_out,
                updated_at = now()
         FROM UNNEST($1::BIGINT[], $2::BIGINT[], $3::BIGINT[], $4::BIGINT[]) AS u(id, uptime, bytes_in, bytes_out)
         WHERE v.id = u.id",
        &usage_ids,
        &usage_uptime,
        &usage_in,
        &usage_out
    )
    .execute(&mut *tx)
    .await?;
    sqlx::query!(
        "INSERT INTO usage_logs (router_id, voucher_id, uptime_seconds, bytes_in, bytes_out, recorded_at)
         SELECT $1, u.id, u.uptime, u.bytes_in, u.bytes_out, $6
         FROM UNNEST($2::BIGINT[], $3::BIGINT[], $4::BIGINT[], $5::BIGINT[]) AS u(id, uptime, bytes_in, bytes_out)",
        router_id,
        &usage_ids,
        &usage_uptime,
        &usage_in,
        &usage_out,
        now
    )
    .execute(&mut *tx)
    .await?;
    if !expired_ids.is_empty() {
        sqlx::query!(
            "UPDATE vouchers SET status = 'expired', updated_at = now() WHERE id = ANY($1) AND status = 'active'",
            &expired_ids
        )
        .execute(&mut *tx)
        .await?;
        outbox::enqueue(
            &mut tx,
            router_id,
            &RouterJob::RetireVouchers {
                voucher_ids: expired_ids,
                remove: expired_action == ExpiredAction::Remove,
            },
        )
        .await?;
    }
    tx.commit().await?;
    Ok(outcome)
}
