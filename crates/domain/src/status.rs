//! The statuses that records pass through, as enums: stored as text in PostgreSQL (with a CHECK
//! constraint listing the same words) and sent as the same words over the wire.

use serde::{Deserialize, Serialize};
use std::fmt;
use std::str::FromStr;

/// A word that names no status of its kind.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown {kind} `{value}`; expected one of {expected}")]
pub struct UnknownStatus {
    pub kind: &'static str,
    pub value: String,
    pub expected: String,
}

macro_rules! status_enum {
    ($(#[$meta:meta])* $name:ident ($kind:literal) { $($(#[$vmeta:meta])* $variant:ident = $word:literal,)* }) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
        // The schema derive does not read the `rename` of each variant below (a token of this
        // macro), so it is told the rule the words follow; a test of the server's API document
        // checks that the documented words are these.
        #[cfg_attr(feature = "openapi", derive(utoipa::ToSchema), schema(rename_all = "snake_case"))]
        #[cfg_attr(feature = "sqlx", derive(sqlx::Type))]
        #[cfg_attr(feature = "sqlx", sqlx(type_name = "text"))]
        pub enum $name {
            $($(#[$vmeta])* #[serde(rename = $word)] #[cfg_attr(feature = "sqlx", sqlx(rename = $word))] $variant,)*
        }

        impl $name {
            pub const ALL: &'static [$name] = &[$($name::$variant,)*];

            pub const fn as_str(self) -> &'static str {
                match self {
                    $($name::$variant => $word,)*
                }
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(self.as_str())
            }
        }

        impl FromStr for $name {
            type Err = UnknownStatus;
            fn from_str(s: &str) -> Result<Self, Self::Err> {
                match s {
                    $($word => Ok($name::$variant),)*
                    other => Err(UnknownStatus {
                        kind: $kind,
                        value: other.to_owned(),
                        expected: [$($word),*].join(", "),
                    }),
                }
            }
        }
    };
}

status_enum! {
    /// Where a voucher is in its life.
    VoucherStatus ("voucher status") {
        /// Made, never used.
        Created = "created",
        /// Logged in at least once; its validity runs.
        Active = "active",
        /// Past its validity or quota.
        Expired = "expired",
        /// Withdrawn by an admin, kept for the record.
        Disabled = "disabled",
        /// Withdrawn and removed.
        Deleted = "deleted",
    }
}

impl VoucherStatus {
    /// A voucher that may still be used: the router should have its user, enabled.
    pub const fn is_live(self) -> bool {
        matches!(self, VoucherStatus::Created | VoucherStatus::Active)
    }
}

status_enum! {
    /// How far a voucher's hotspot user has reached its router.
    RouterState ("router state") {
        /// Waiting in the outbox.
        Pending = "pending",
        /// The router has the user.
        Pushed = "pushed",
        /// The router refused it; `router_error` says why.
        Failed = "failed",
        /// Taken off the router again.
        Removed = "removed",
    }
}

status_enum! {
    /// The state of a job in the router outbox.
    JobStatus ("job status") {
        Pending = "pending",
        Running = "running",
        Done = "done",
        Failed = "failed",
    }
}

status_enum! {
    /// What happens on the router to an expired voucher's user.
    ExpiredAction ("expired action") {
        /// Remove the hotspot user (the default: the router keeps only live vouchers).
        Remove = "remove",
        /// Keep the user but disabled, for operators who want to see it on the router.
        Disable = "disable",
    }
}

status_enum! {
    /// Where a PPPoE subscription is in its life.
    SubscriptionStatus ("subscription status") {
        /// Served: its secret is enabled with its plan's profile.
        Active = "active",
        /// Overdue (or isolated by hand): its secret is on the router's isolation profile, or
        /// disabled. Paying the overdue invoice resumes it.
        Isolated = "isolated",
        /// Stopped by hand: its secret is disabled until an admin resumes it.
        Suspended = "suspended",
        /// Ended: its secret is disabled; it may then be deleted.
        Closed = "closed",
    }
}

status_enum! {
    /// How far a subscription's `/ppp/secret` follows its record.
    SecretState ("secret state") {
        /// A change waits in the outbox.
        Pending = "pending",
        /// The router has the secret as the record says.
        Synced = "synced",
        /// The router refused it; `router_error` says why.
        Failed = "failed",
        /// Changed by hand on the router (profile, enabled); `router_error` says how.
        Drifted = "drifted",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn statuses_round_trip_through_their_words() {
        for s in VoucherStatus::ALL {
            assert_eq!(s.as_str().parse::<VoucherStatus>().unwrap(), *s);
            assert_eq!(serde_json::to_string(s).unwrap(), format!("\"{s}\""));
        }
        for s in RouterState::ALL {
            assert_eq!(s.as_str().parse::<RouterState>().unwrap(), *s);
        }
        for s in JobStatus::ALL {
            assert_eq!(s.as_str().parse::<JobStatus>().unwrap(), *s);
        }
        let err = "used".parse::<VoucherStatus>().unwrap_err();
        assert_eq!(
            err.to_string(),
            "unknown voucher status `used`; expected one of created, active, expired, disabled, deleted"
        );
    }
}
