//! Plans: what a router sells.

use crate::money::Rupiah;
use crate::voucher::Validity;
use serde::{Deserialize, Serialize};

/// A voucher plan as an admin enters it.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PlanInput {
    pub router_id: i64,
    #[cfg_attr(feature = "openapi", schema(example = "Harian 1 hari"))]
    pub name: String,
    /// Whole rupiah.
    #[cfg_attr(feature = "openapi", schema(example = 5000))]
    pub price: i64,
    /// From the first login: `3h`, `1d`, `7d`, `30d`, `1d12h`…
    #[cfg_attr(feature = "openapi", schema(example = "1d"))]
    pub validity: String,
    /// Usage time allowed (limit-uptime), e.g. `5h`.
    pub time_quota: Option<String>,
    /// Data allowed (limit-bytes-total), megabytes.
    pub data_quota_mb: Option<i64>,
    /// Hotspot user profile of the plan's vouchers.
    #[cfg_attr(feature = "openapi", schema(example = "voucher-1d"))]
    pub profile: String,
    /// When given (with or without `shared_users`), the profile is created or updated on the
    /// router with this rate limit (upload/download), through the router outbox.
    #[cfg_attr(feature = "openapi", schema(example = "2M/5M"))]
    pub rate_limit: Option<String>,
    pub shared_users: Option<u32>,
}

/// A plan.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Plan {
    pub id: i64,
    pub router_id: i64,
    pub name: String,
    #[cfg_attr(feature = "openapi", schema(value_type = i64, example = 5000))]
    pub price: Rupiah,
    pub validity: Validity,
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
