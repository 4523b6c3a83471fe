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
            let usage = Usage::from_router(
                u.uptime.map_or(0, |d| d.as_secs()),
                u.bytes_in.unwrap_or(0),
                u.bytes_out.unwrap_or(0),
            );
            (u.name.as_str(), usage)
        })
        .collect();

    let tracked = sqlx::query!(
        r#"SELECT v.id, v.code, v.status AS "status: VoucherStatus", v.expires_at, v.uptime_seconds,
                  v.bytes_in, v.bytes_out, p.validity_seconds, p.time_quota_seconds, p.data_quota_bytes
           FROM vouchers v JOIN plans p ON p.id = v.plan_id
           WHERE v.router_id = $1 AND v.status IN ('created', 'active') AND v.router_state = 'pushed'"#,
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
        let Some(&usage) = on_router.get(voucher.code.as_str()) else {
            continue;
        };
        outcome.matched += 1;
        let Ok(validity) = Validity::from_seconds(voucher.validity_seconds) else {
            tracing::error!(
                voucher = voucher.id,
                "plan validity out of range; voucher skipped"
            );
            continue;
        };
        let watched = Watched {
            status: voucher.status,
            expires_at: voucher.expires_at,
            validity,
            time_quota_seconds: voucher.time_quota_seconds,
            data_quota_bytes: voucher.data_quota_bytes,
            recorded: Usage {
                uptime_seconds: voucher.uptime_seconds,
                bytes_in: voucher.bytes_in,
                bytes_out: voucher.bytes_out,
            },
        };
        let seen = Seen {
            usage,
            online: online.contains(voucher.code.as_str()),
        };
        let decision = activation::decide(&watched, seen, now);
        if let Some(expiry) = decision.activate_until {
            activated_ids.push(voucher.id);
            activated_expiry.push(expiry);
        }
        if decision.usage_changed {
            usage_ids.push(voucher.id);
            usage_uptime.push(usage.uptime_seconds);
            usage_in.push(usage.bytes_in);
            usage_out.push(usage.bytes_out);
        }
        if decision.expire {
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
            &HotspotJob::RetireVouchers {
                voucher_ids: expired_ids,
                remove: expired_action == ExpiredAction::Remove,
            },
        )
        .await?;
    }
    tx.commit().await?;
    Ok(outcome)
}
