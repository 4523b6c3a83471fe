//! The rules for a plan: what an admin types, parsed into settings the billing can store.

use crate::error_code::{ErrorCode, FieldError};
use crate::model::plans::{PlanInput, PlanKind};
use crate::voucher::Validity;

/// The dearest plan the form accepts.
pub const MAX_PRICE: i64 = 100_000_000;
/// The most devices one voucher may log in at once (the profile's shared-users).
pub const MAX_SHARED_USERS: u32 = 1_000;

/// A plan's settings, checked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PlanSettings {
    pub kind: PlanKind,
    pub name: String,
    pub price: i64,
    /// Hotspot plans; none for PPPoE (billed monthly).
    pub validity: Option<Validity>,
    pub time_quota: Option<Validity>,
    pub data_quota_bytes: Option<i64>,
    pub profile: String,
    /// The profile's rate limit and shared-users count, when the plan sets them on the router.
    pub push_profile: Option<(Option<String>, Option<u32>)>,
}

impl PlanInput {
    /// Checks every field, in the order of the form, and fails on the first bad one.
    pub fn parse(self) -> Result<PlanSettings, FieldError> {
        let name = self.name.trim().to_owned();
        if name.is_empty() || name.chars().count() > 64 || name.chars().any(char::is_control) {
            return Err(FieldError::new(
                "name",
                ErrorCode::PlanName,
                "name must be 1–64 characters, without control characters",
            ));
        }
        if !(0..=MAX_PRICE).contains(&self.price) {
            return Err(FieldError::new(
                "price",
                ErrorCode::PlanPrice,
                "price must be between Rp 0 and Rp 100.000.000",
            ));
        }
        let validity = match self.kind {
            PlanKind::Hotspot => Some(
                Validity::parse(&self.validity)
                    .map_err(|e| FieldError::new("validity", e.code(), e.to_string()))?,
            ),
            PlanKind::Pppoe => {
                let hotspot_only = [
                    ("validity", !self.validity.trim().is_empty()),
                    (
                        "time_quota",
                        self.time_quota
                            .as_deref()
                            .is_some_and(|t| !t.trim().is_empty()),
                    ),
                    ("data_quota_mb", self.data_quota_mb.is_some()),
                    ("shared_users", self.shared_users.is_some()),
                ];
                if let Some((field, _)) = hotspot_only.into_iter().find(|(_, given)| *given) {
                    return Err(FieldError::new(
                        field,
                        ErrorCode::PppoePlanField,
                        "a PPPoE plan is billed monthly: it has no validity, quotas or shared users",
                    ));
                }
                None
            }
        };
        let time_quota = match self
            .time_quota
            .as_deref()
            .map(str::trim)
            .filter(|t| !t.is_empty())
        {
            Some(t) => Some(
                Validity::parse(t)
                    .map_err(|e| FieldError::new("time_quota", e.code(), e.to_string()))?,
            ),
            None => None,
        };
        let data_quota_bytes = match self.data_quota_mb {
            Some(mb) if !(1..=10_000_000).contains(&mb) => {
                return Err(FieldError::new(
                    "data_quota_mb",
                    ErrorCode::DataQuota,
                    "data quota must be 1 MB to 10 TB",
                ));
            }
            Some(mb) => Some(mb * 1024 * 1024),
            None => None,
        };
        let profile = self.profile.trim().to_owned();
        let profile_ok = !profile.is_empty()
            && profile.len() <= 64
            && profile
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.'));
        if !profile_ok {
            return Err(FieldError::new(
                "profile",
                ErrorCode::ProfileName,
                "profile must be 1–64 letters, digits, dots, dashes or underscores",
            ));
        }
        let rate_limit = self
            .rate_limit
            .map(|r| r.trim().to_owned())
            .filter(|r| !r.is_empty());
        if let Some(rate) = &rate_limit {
            let ok = rate.len() <= 64
                && rate
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || matches!(c, '/' | ' ' | '.'));
            if !ok {
                return Err(FieldError::new(
                    "rate_limit",
                    ErrorCode::RateLimit,
                    "rate limit looks like 2M/5M (upload/download)",
                ));
            }
        }
        if self
            .shared_users
            .is_some_and(|n| !(1..=MAX_SHARED_USERS).contains(&n))
        {
            return Err(FieldError::new(
                "shared_users",
                ErrorCode::SharedUsers,
                format!("shared users must be between 1 and {MAX_SHARED_USERS}"),
            ));
        }
        // A PPPoE plan's profile is always made on the router; a hotspot plan's when it sets
        // something.
        let push_profile =
            (self.kind == PlanKind::Pppoe || rate_limit.is_some() || self.shared_users.is_some())
                .then_some((rate_limit, self.shared_users));
        Ok(PlanSettings {
            kind: self.kind,
            name,
            price: self.price,
            validity,
            time_quota,
            data_quota_bytes,
            profile,
            push_profile,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn input() -> PlanInput {
        PlanInput {
            router_id: 1,
            name: " Harian ".into(),
            price: 5_000,
            validity: "1d".into(),
            profile: "voucher-1d".into(),
            ..PlanInput::default()
        }
    }

    fn refused(input: PlanInput) -> (&'static str, ErrorCode) {
        let e = input.parse().unwrap_err();
        (e.field, e.code)
    }

    #[test]
    fn parses_a_plan_as_typed() {
        let p = PlanInput {
            time_quota: Some(" 5h ".into()),
            data_quota_mb: Some(1_024),
            rate_limit: Some(" 2M/5M ".into()),
            ..input()
        }
        .parse()
        .unwrap();
        assert_eq!(p.name, "Harian");
        assert_eq!(p.validity.map(Validity::seconds), Some(86_400));
        assert_eq!(p.time_quota.map(Validity::seconds), Some(5 * 3_600));
        assert_eq!(p.data_quota_bytes, Some(1024 * 1024 * 1024));
        assert_eq!(p.push_profile, Some((Some("2M/5M".into()), None)));
        assert_eq!(input().parse().unwrap().push_profile, None);
    }

    #[test]
    fn a_pppoe_plan_is_monthly_and_always_puts_its_profile_on_the_router() {
        let pppoe = PlanInput {
            kind: PlanKind::Pppoe,
            validity: String::new(),
            profile: "pppoe-10m".into(),
            rate_limit: Some("5M/10M".into()),
            ..input()
        };
        let p = pppoe.clone().parse().unwrap();
        assert_eq!(p.kind, PlanKind::Pppoe);
        assert_eq!(p.validity, None);
        assert_eq!(p.push_profile, Some((Some("5M/10M".into()), None)));
        let bare = PlanInput {
            rate_limit: None,
            ..pppoe.clone()
        };
        assert_eq!(bare.parse().unwrap().push_profile, Some((None, None)));
        for (refused_input, field) in [
            (
                PlanInput {
                    validity: "30d".into(),
                    ..pppoe.clone()
                },
                "validity",
            ),
            (
                PlanInput {
                    time_quota: Some("5h".into()),
                    ..pppoe.clone()
                },
                "time_quota",
            ),
            (
                PlanInput {
                    data_quota_mb: Some(10),
                    ..pppoe.clone()
                },
                "data_quota_mb",
            ),
            (
                PlanInput {
                    shared_users: Some(2),
                    ..pppoe.clone()
                },
                "shared_users",
            ),
        ] {
            assert_eq!(refused(refused_input), (field, ErrorCode::PppoePlanField));
        }
    }

    #[test]
    fn names_the_bad_field() {
        assert_eq!(
            refused(PlanInput {
                name: "".into(),
                ..input()
            }),
            ("name", ErrorCode::PlanName)
        );
        assert_eq!(
            refused(PlanInput {
                price: -1,
                ..input()
            }),
            ("price", ErrorCode::PlanPrice)
        );
        assert_eq!(
            refused(PlanInput {
                validity: "0h".into(),
                ..input()
            }),
            ("validity", ErrorCode::Validity)
        );
        assert_eq!(
            refused(PlanInput {
                time_quota: Some("5x".into()),
                ..input()
            }),
            ("time_quota", ErrorCode::Validity)
        );
        assert_eq!(
            refused(PlanInput {
                data_quota_mb: Some(0),
                ..input()
            }),
            ("data_quota_mb", ErrorCode::DataQuota)
        );
        assert_eq!(
            refused(PlanInput {
                profile: "a b".into(),
                ..input()
            }),
            ("profile", ErrorCode::ProfileName)
        );
        assert_eq!(
            refused(PlanInput {
                rate_limit: Some("2M;5M".into()),
                ..input()
            }),
            ("rate_limit", ErrorCode::RateLimit)
        );
        for shared_users in [0, MAX_SHARED_USERS + 1, 2_147_483_648] {
            assert_eq!(
                refused(PlanInput {
                    shared_users: Some(shared_users),
                    ..input()
                }),
                ("shared_users", ErrorCode::SharedUsers),
                "{shared_users}"
            );
        }
    }

    proptest! {
        #[test]
        fn prices_are_accepted_exactly_within_range(price in -1_000i64..=MAX_PRICE + 1_000) {
            let parsed = PlanInput { price, ..input() }.parse();
            prop_assert_eq!(parsed.is_ok(), (0..=MAX_PRICE).contains(&price));
        }

        #[test]
        fn data_quotas_become_bytes(mb in 1i64..=10_000_000) {
            let p = PlanInput { data_quota_mb: Some(mb), ..input() }.parse().unwrap();
            prop_assert_eq!(p.data_quota_bytes, Some(mb * 1024 * 1024));
        }
    }
}
