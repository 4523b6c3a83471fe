//! First use and expiry of a voucher, decided from what its router reports. The activation
//! monitor reads the router and the database, asks [`decide`] about every voucher, and writes
//! what it answers.

use crate::status::VoucherStatus;
use crate::voucher::Validity;
use chrono::{DateTime, Duration, Utc};

/// Usage of one voucher's router user: time logged in and bytes moved.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Usage {
    pub uptime_seconds: i64,
    pub bytes_in: i64,
    pub bytes_out: i64,
}

impl Usage {
    /// From the router's unsigned counters; a counter beyond `i64` is held at its maximum.
    pub fn from_router(uptime_seconds: u64, bytes_in: u64, bytes_out: u64) -> Self {
        let clamp = |n: u64| i64::try_from(n).unwrap_or(i64::MAX);
        Usage {
            uptime_seconds: clamp(uptime_seconds),
            bytes_in: clamp(bytes_in),
            bytes_out: clamp(bytes_out),
        }
    }

    fn bytes_total(self) -> i64 {
        self.bytes_in.saturating_add(self.bytes_out)
    }
}

/// What the billing knows of a voucher that is watched on its router.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Watched {
    pub status: VoucherStatus,
    pub expires_at: Option<DateTime<Utc>>,
    pub validity: Validity,
    pub time_quota_seconds: Option<i64>,
    pub data_quota_bytes: Option<i64>,
    /// The usage recorded at the last look.
    pub recorded: Usage,
}

/// What the router shows of the voucher's user now.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Seen {
    pub usage: Usage,
    /// A session of the user is open right now.
    pub online: bool,
}

/// What to record about one voucher.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Decision {
    /// Its first use: it becomes active and expires at this time.
    pub activate_until: Option<DateTime<Utc>>,
    /// Its usage differs from the recorded one.
    pub usage_changed: bool,
    /// Past its validity, time quota or data quota: it expires and leaves the router.
    pub expire: bool,
}

/// Decides first use and expiry. A voucher is first used when, still `created`, its user has
/// uptime or an open session; from then it lasts its validity. An active voucher expires at the
/// end of its validity, or when it has used its time or data quota.
pub fn decide(voucher: &Watched, seen: Seen, now: DateTime<Utc>) -> Decision {
    let first_use =
        voucher.status == VoucherStatus::Created && (seen.usage.uptime_seconds > 0 || seen.online);
    let activate_until = first_use.then(|| now + Duration::seconds(voucher.validity.seconds()));
    let expires_at = activate_until.or(voucher.expires_at);
    let in_use = voucher.status == VoucherStatus::Active || first_use;
    let out_of_time = expires_at.is_some_and(|e| e <= now);
    let out_of_uptime = voucher
        .time_quota_seconds
        .is_some_and(|q| seen.usage.uptime_seconds >= q);
    let out_of_data = voucher
        .data_quota_bytes
        .is_some_and(|q| seen.usage.bytes_total() >= q);
    Decision {
        activate_until,
        usage_changed: seen.usage != voucher.recorded,
        expire: in_use && (out_of_time || out_of_uptime || out_of_data),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn now() -> DateTime<Utc> {
        DateTime::from_timestamp(1_800_000_000, 0).unwrap()
    }

    fn created(validity_seconds: i64) -> Watched {
        Watched {
            status: VoucherStatus::Created,
            expires_at: None,
            validity: Validity::from_seconds(validity_seconds).unwrap(),
            time_quota_seconds: None,
            data_quota_bytes: None,
            recorded: Usage::default(),
        }
    }

    fn used(uptime_seconds: i64) -> Seen {
        Seen {
            usage: Usage {
                uptime_seconds,
                ..Usage::default()
            },
            online: false,
        }
    }

    #[test]
    fn first_login_starts_the_validity() {
        let d = decide(&created(86_400), used(5), now());
        assert_eq!(d.activate_until, Some(now() + Duration::days(1)));
        assert!(d.usage_changed);
        assert!(!d.expire);
    }

    #[test]
    fn an_open_session_without_uptime_is_a_first_use() {
        let seen = Seen {
            online: true,
            ..Seen::default()
        };
        let d = decide(&created(3_600), seen, now());
        assert_eq!(d.activate_until, Some(now() + Duration::hours(1)));
        assert!(!d.usage_changed);
    }

    #[test]
    fn an_unused_voucher_neither_starts_nor_expires() {
        let d = decide(&created(60), Seen::default(), now());
        assert_eq!(d, Decision::default());
    }

    #[test]
    fn an_active_voucher_expires_at_the_end_of_its_validity() {
        let mut v = created(3_600);
        v.status = VoucherStatus::Active;
        v.expires_at = Some(now());
        assert!(decide(&v, used(10), now()).expire);
        v.expires_at = Some(now() + Duration::seconds(1));
        assert!(!decide(&v, used(10), now()).expire);
    }

    #[test]
    fn quotas_end_a_voucher_before_its_validity() {
        let mut v = created(86_400);
        v.status = VoucherStatus::Active;
        v.expires_at = Some(now() + Duration::days(1));
        v.time_quota_seconds = Some(3_600);
        assert!(!decide(&v, used(3_599), now()).expire);
        assert!(decide(&v, used(3_600), now()).expire);
        v.time_quota_seconds = None;
        v.data_quota_bytes = Some(1_000);
        let seen = Seen {
            usage: Usage {
                uptime_seconds: 1,
                bytes_in: 600,
                bytes_out: 400,
            },
            online: true,
        };
        assert!(decide(&v, seen, now()).expire);
    }

    #[test]
    fn a_first_use_past_its_quota_expires_at_once() {
        let mut v = created(86_400);
        v.time_quota_seconds = Some(60);
        let d = decide(&v, used(120), now());
        assert!(d.activate_until.is_some() && d.expire);
    }

    #[test]
    fn counters_beyond_i64_are_held_at_the_maximum() {
        let u = Usage::from_router(u64::MAX, 1, u64::MAX);
        assert_eq!(u.uptime_seconds, i64::MAX);
        assert_eq!(u.bytes_in, 1);
        assert_eq!(u.bytes_total(), i64::MAX);
    }

    fn status() -> impl Strategy<Value = VoucherStatus> {
        prop::sample::select(VoucherStatus::ALL.to_vec())
    }

    proptest! {
        #[test]
        fn only_created_vouchers_start_and_only_used_ones_expire(
            status in status(),
            validity in 1i64..=86_400 * 30,
            expires_in in proptest::option::of(-86_400i64..86_400),
            time_quota in proptest::option::of(1i64..100_000),
            data_quota in proptest::option::of(1i64..1_000_000_000),
            uptime in 0i64..200_000, bytes_in in 0i64..1_000_000_000, bytes_out in 0i64..1_000_000_000,
            online: bool,
        ) {
            let voucher = Watched {
                status,
                expires_at: expires_in.map(|s| now() + Duration::seconds(s)),
                validity: Validity::from_seconds(validity).unwrap(),
                time_quota_seconds: time_quota,
                data_quota_bytes: data_quota,
                recorded: Usage::default(),
            };
            let seen = Seen { usage: Usage { uptime_seconds: uptime, bytes_in, bytes_out }, online };
            let d = decide(&voucher, seen, now());
            if d.activate_until.is_some() {
                prop_assert_eq!(status, VoucherStatus::Created);
                prop_assert!(uptime > 0 || online);
                prop_assert_eq!(d.activate_until, Some(now() + Duration::seconds(validity)));
            }
            if d.expire {
                prop_assert!(status == VoucherStatus::Active || d.activate_until.is_some());
            }
            if !matches!(status, VoucherStatus::Created | VoucherStatus::Active) {
                prop_assert!(d.activate_until.is_none() && !d.expire);
            }
            if status == VoucherStatus::Active && time_quota.is_none() && data_quota.is_none() {
                prop_assert_eq!(d.expire, expires_in.is_some_and(|s| s <= 0));
            }
        }
    }
}
