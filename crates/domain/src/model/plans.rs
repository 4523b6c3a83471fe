//! Plans: what a router sells.

use crate::money::Rupiah;
use crate::voucher::Validity;
use serde::{Deserialize, Serialize};

/// A voucher plan as an admin enters it.
/// What a plan sells: hotspot vouchers, or a monthly PPPoE subscription.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "lowercase")]
pub enum PlanKind {
    #[default]
    Hotspot,
    /// Billed monthly; its profile (with the rate limit) is a `/ppp/profile` on the router.
    Pppoe,
}

impl PlanKind {
    pub const fn as_str(self) -> &'static str {
        match self {
            PlanKind::Hotspot => "hotspot",
            PlanKind::Pppoe => "pppoe",
        }
    }
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PlanInput {
    /// `hotspot` (vouchers; the default) or `pppoe` (monthly; no validity, quotas or shared
    /// users).
    #[serde(default)]
    pub kind: PlanKind,
    pub router_id: i64,
    /// 1–64 characters, not all blank, no control characters.
    #[cfg_attr(
        feature = "openapi",
        schema(
            example = "Harian 1 hari",
            min_length = 1,
            max_length = 64,
            pattern = r"^[^\x00-\x1f\x7f-\x9f]*\S[^\x00-\x1f\x7f-\x9f]*$"
        )
    )]
    pub name: String,
    /// Whole rupiah, 0 to 100,000,000.
    #[cfg_attr(
        feature = "openapi",
        schema(example = 5000, minimum = 0, maximum = 100_000_000)
    )]
    pub price: i64,
    /// From the first login: `3h`, `1d`, `7d`, `30d`, `1d12h`… (units `w`, `d`, `h`, `m`, `s`),
    /// more than nothing and at most 3660 days. Hotspot plans only (required there).
    #[cfg_attr(
        feature = "openapi",
        schema(
            example = "1d",
            pattern = r"^\s*([0-9]{1,6}[wdhmsWDHMS])*0*[1-9][0-9]{0,5}[wdhmsWDHMS]([0-9]{1,6}[wdhmsWDHMS])*\s*$"
        )
    )]
    #[serde(default)]
    pub validity: String,
    /// Usage time allowed (limit-uptime), e.g. `5h`; written like `validity`, or empty for none.
    #[cfg_attr(
        feature = "openapi",
        schema(example = "5h", pattern = r"^\s*([0-9]{1,6}[wdhmsWDHMS])*\s*$")
    )]
    pub time_quota: Option<String>,
    /// Data allowed (limit-bytes-total), megabytes: 1 to 10,000,000.
    #[cfg_attr(feature = "openapi", schema(minimum = 1, maximum = 10_000_000))]
    pub data_quota_mb: Option<i64>,
    /// Hotspot user profile of the plan's vouchers: 1–64 letters, digits, dots, dashes or
    /// underscores.
    #[cfg_attr(
        feature = "openapi",
        schema(example = "voucher-1d", pattern = r"^\s*[A-Za-z0-9._-]{1,64}\s*$")
    )]
    pub profile: String,
    /// When given (with or without `shared_users`), the profile is created or updated on the
    /// router with this rate limit (upload/download), through the router outbox. At most 64
    /// letters, digits, `/`, `.` and spaces.
    #[cfg_attr(
        feature = "openapi",
        schema(example = "2M/5M", max_length = 64, pattern = r"^[A-Za-z0-9/ .]*$")
    )]
    pub rate_limit: Option<String>,
    /// How many devices may use one voucher at once, 1 to 1,000.
    #[cfg_attr(feature = "openapi", schema(minimum = 1, maximum = 1_000))]
    pub shared_users: Option<u32>,
}

/// A plan.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Plan {
    pub id: i64,
    pub kind: PlanKind,
    pub router_id: i64,
    pub name: String,
    /// A voucher's price, or a PPPoE subscription's monthly price.
    #[cfg_attr(feature = "openapi", schema(value_type = i64, example = 5000))]
    pub price: Rupiah,
    /// Hotspot plans only.
    pub validity: Option<Validity>,
    pub time_quota_seconds: Option<i64>,
    pub data_quota_bytes: Option<i64>,
    pub profile: Option<String>,
    pub active: bool,
}

/// Switches a plan on or off.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PlanActive {
    /// `false` stops selling the plan and making batches of it; vouchers already made stay valid.
    pub active: bool,
}
