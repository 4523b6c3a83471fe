//! Routers as the admin registers and watches them.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

/// What an admin enters for a router. On update an empty password keeps the stored one.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct RouterInput {
    /// 1–64 characters, not all blank, no control characters.
    #[cfg_attr(
        feature = "openapi",
        schema(
            example = "Tower A",
            min_length = 1,
            max_length = 64,
            pattern = r"^[^\x00-\x1f\x7f-\x9f]*\S[^\x00-\x1f\x7f-\x9f]*$"
        )
    )]
    pub name: String,
    /// IP address or host name of the router's API.
    #[cfg_attr(
        feature = "openapi",
        schema(
            example = "192.168.88.1",
            max_length = 253,
            pattern = r"^\s*[A-Za-z0-9.:\[\]-]+\s*$"
        )
    )]
    pub host: String,
    /// Defaults to 8728, or 8729 with TLS.
    #[cfg_attr(feature = "openapi", schema(minimum = 1, maximum = 65535))]
    pub port: Option<u16>,
    #[serde(default)]
    pub use_tls: bool,
    /// SHA-256 fingerprint (64 hex digits, `:` allowed) of the router's self-signed certificate,
    /// to pin it; only with `use_tls`.
    #[cfg_attr(
        feature = "openapi",
        schema(pattern = r"^\s*(:*[0-9A-Fa-f]:*[0-9A-Fa-f]){32}:*\s*$")
    )]
    pub tls_fingerprint: Option<String>,
    /// 1–100 characters, not all blank, no control characters.
    #[cfg_attr(
        feature = "openapi",
        schema(
            example = "billing",
            min_length = 1,
            max_length = 100,
            pattern = r"^[^\x00-\x1f\x7f-\x9f]+$"
        )
    )]
    pub username: String,
    /// Required when adding; leave out when editing to keep the stored one. Stored encrypted.
    pub password: Option<String>,
    /// The hotspot's login page; voucher QR codes open it with the code filled in. Defaults to
    /// `http://10.5.50.1/login`.
    /// An `http://` or `https://` address without a query, at most 300 characters.
    #[cfg_attr(
        feature = "openapi",
        schema(
            example = "http://hotspot.example.net/login",
            max_length = 300,
            pattern = r"^\s*[Hh][Tt][Tt][Pp][Ss]?://[^\s?#/@:]+(:[0-9]{1,5})?(/[^\s?#]*)?\s*$"
        )
    )]
    #[serde(default)]
    pub hotspot_login_url: Option<String>,
}

/// A router; the password is never returned.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Router {
    pub id: i64,
    pub name: String,
    pub host: String,
    pub port: u16,
    pub use_tls: bool,
    pub tls_fingerprint: Option<String>,
    pub username: String,
    pub hotspot_login_url: Option<String>,
    pub identity: Option<String>,
    pub routeros_version: Option<String>,
    pub last_seen_at: Option<DateTime<Utc>>,
    pub last_error: Option<String>,
}

/// Live state read over the router's API just now.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct RouterStatus {
    pub router_id: i64,
    pub reachable: bool,
    pub latency_ms: f64,
    pub identity: Option<String>,
    pub version: Option<String>,
    pub uptime_seconds: Option<u64>,
    pub cpu_load_percent: Option<u64>,
    pub free_memory: Option<u64>,
    pub total_memory: Option<u64>,
    /// Why the router could not be reached.
    pub error: Option<String>,
}

/// What one profile sync found on the router.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ProfileSync {
    pub hotspot_profiles: u64,
    pub pppoe_profiles: u64,
    /// Profiles we knew that the router no longer has: marked, not dropped.
    pub marked_deleted: u64,
}

/// What a reconciliation did: vouchers queued again, strangers with our marker on the router.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ReconcileReport {
    /// Vouchers missing on the router, queued to be created again.
    pub recreated: u64,
    /// Our router users still working whose voucher is withdrawn or expired, queued to be
    /// disabled or removed.
    pub retired: u64,
    /// Router users with our comment marker but no voucher of ours.
    pub unknown_on_router: Vec<String>,
    /// PPPoE subscriptions whose secret was missing on the router, queued to be made again.
    #[serde(default)]
    pub secrets_recreated: u64,
    /// PPPoE secrets of ours changed by hand on the router (profile, enabled): reported on
    /// their subscriptions, not undone.
    #[serde(default)]
    pub secrets_drifted: u64,
}

/// A hotspot user profile as last read from (or written to) its router.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct HotspotProfile {
    pub id: i64,
    pub router_id: i64,
    pub name: String,
    pub rate_limit: Option<String>,
    pub shared_users: Option<i32>,
    pub deleted_on_router: bool,
    pub last_sync: Option<DateTime<Utc>>,
}
