//! Accounts, registration and login.

use crate::ids::CustomerId;
use crate::money::Rupiah;
use crate::role::Role;
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

/// A customer registering themselves.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Registration {
    /// Full name, 1–100 characters, not all blank, no control characters.
    #[cfg_attr(
        feature = "openapi",
        schema(
            example = "Budi Santoso",
            min_length = 1,
            max_length = 100,
            pattern = r"^[^\x00-\x1f\x7f-\x9f]*\S[^\x00-\x1f\x7f-\x9f]*$"
        )
    )]
    pub name: String,
    /// Indonesian mobile number in any usual form: digits, spaces, `-`, `.`, brackets and a
    /// leading `+`; stored as 62…
    #[cfg_attr(
        feature = "openapi",
        schema(
            example = "0812-3456-7890",
            pattern = r"^\s*(\+[ ().-]*6[ ().-]*2|[ ().-]*(6[ ().-]*2|0)?)[ ().-]*8([ ().-]*[0-9]){8,11}[ ().-]*\s*$"
        )
    )]
    pub whatsapp: String,
    #[cfg_attr(feature = "openapi", schema(example = "budi@example.com", format = Email))]
    pub email: String,
    /// 8–128 characters.
    #[cfg_attr(
        feature = "openapi",
        schema(example = "rahasia123", min_length = 8, max_length = 128)
    )]
    pub password: String,
}

/// A customer's account.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Customer {
    #[cfg_attr(feature = "openapi", schema(value_type = i64))]
    pub id: CustomerId,
    pub name: String,
    /// Normalised: 62 followed by the subscriber number.
    #[cfg_attr(feature = "openapi", schema(example = "6281234567890"))]
    pub whatsapp: String,
    pub email: Option<String>,
    pub status: String,
    /// Credit (positive) or debt (negative), whole rupiah.
    #[cfg_attr(feature = "openapi", schema(value_type = i64))]
    pub balance: Rupiah,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct LoginRequest {
    /// A staff username, or a customer's email or WhatsApp number; not blank.
    #[cfg_attr(
        feature = "openapi",
        schema(example = "admin", min_length = 1, pattern = r"\S")
    )]
    pub username: String,
    #[cfg_attr(feature = "openapi", schema(example = "admin12345", min_length = 1))]
    pub password: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct LoginResponse {
    /// Send as `Authorization: Bearer <token>`.
    pub token: String,
    #[cfg_attr(feature = "openapi", schema(example = "Bearer"))]
    pub token_type: String,
    pub expires_at: DateTime<Utc>,
    pub user: Me,
}

/// The caller's own account.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Me {
    pub id: i64,
    pub name: String,
    /// `admin`, `staff` or `customer`.
    #[cfg_attr(feature = "openapi", schema(value_type = String, example = "admin"))]
    pub role: Role,
    /// Where the web interface starts for this role.
    #[cfg_attr(feature = "openapi", schema(example = "/admin"))]
    pub home: String,
    /// Staff only.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub username: Option<String>,
    /// Customers only.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub whatsapp: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub email: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub balance: Option<i64>,
}

/// The logged-in user as pages see it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct User {
    pub id: i64,
    pub name: String,
    pub role: Role,
}

/// Head counts for the admin dashboard.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Summary {
    pub customers: i64,
    pub active_staff: i64,
    /// Sum of customer balances, whole rupiah (credit minus debt).
    #[cfg_attr(feature = "openapi", schema(value_type = i64))]
    pub balance_total: Rupiah,
}

/// A staff user as an admin manages them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct StaffMember {
    pub id: i64,
    #[cfg_attr(feature = "openapi", schema(example = "kasir1"))]
    pub username: String,
    #[cfg_attr(feature = "openapi", schema(example = "Sari Kasir"))]
    pub name: String,
    /// `admin` or `staff` (a cashier).
    #[cfg_attr(feature = "openapi", schema(value_type = String, example = "staff"))]
    pub role: Role,
    /// An inactive user cannot log in.
    pub active: bool,
    pub last_login_at: Option<DateTime<Utc>>,
}

/// A change to a staff user. A role change or a deactivation ends every session of the user at
/// once; the last active admin cannot be demoted or deactivated.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct StaffChange {
    #[cfg_attr(
        feature = "openapi",
        schema(example = "Sari Kasir", min_length = 1, max_length = 100)
    )]
    pub name: String,
    /// `admin` or `staff`.
    #[cfg_attr(feature = "openapi", schema(value_type = String, example = "staff", pattern = "^(admin|staff)$"))]
    pub role: Role,
    pub active: bool,
}

/// One login session of a user: a browser's cookie or an API token.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct LoginSession {
    /// Names the session (it is not the session's secret).
    #[cfg_attr(feature = "openapi", schema(example = "3f9a1c0b7d2e4a51"))]
    pub id: String,
    pub started_at: Option<DateTime<Utc>>,
    /// The client address the login came from.
    #[cfg_attr(feature = "openapi", schema(example = "192.0.2.10"))]
    pub client_ip: Option<String>,
}

/// How many sessions a request ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SessionsEnded {
    pub ended: u64,
}
