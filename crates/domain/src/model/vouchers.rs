//! Voucher batches, vouchers, and printed sheets.

use crate::money::Rupiah;
use crate::status::{RouterState, VoucherStatus};
use crate::voucher::PasswordMode;
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

/// A batch of vouchers to make.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct BatchInput {
    pub plan_id: i64,
    /// 1 to 10,000.
    #[cfg_attr(
        feature = "openapi",
        schema(example = 100, minimum = 1, maximum = 10_000)
    )]
    pub quantity: u32,
    /// Random symbols after the prefix (4–32); 8 when not given.
    #[cfg_attr(feature = "openapi", schema(minimum = 4, maximum = 32))]
    pub code_length: Option<u8>,
    /// Symbols to draw from, at least 10 different letters or digits; by default upper-case
    /// letters and digits without 0/O/1/I/L. The batch needs room: at least four possible codes
    /// per voucher.
    #[cfg_attr(feature = "openapi", schema(pattern = r"^\s*[A-Za-z0-9]*\s*$"))]
    pub alphabet: Option<String>,
    /// Up to 12 letters, digits or dashes before the random part.
    #[cfg_attr(feature = "openapi", schema(pattern = r"^\s*[A-Za-z0-9-]{0,12}\s*$"))]
    #[serde(default)]
    pub prefix: String,
    /// `same` (password = code, the default) or `separate`.
    #[cfg_attr(feature = "openapi", schema(example = "same"))]
    pub password_mode: Option<PasswordMode>,
    /// At most 200 characters.
    #[cfg_attr(feature = "openapi", schema(max_length = 200))]
    pub comment: Option<String>,
}

/// One voucher of a new batch.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct NewVoucher {
    pub id: i64,
    pub code: String,
    pub password: String,
}

/// A batch just made; its vouchers are on their way to the router.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct BatchCreated {
    pub batch_id: i64,
    pub router_id: i64,
    pub vouchers: Vec<NewVoucher>,
}

/// How far a batch has reached its router.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct BatchProgress {
    pub batch_id: i64,
    pub quantity: i64,
    pub pushed: i64,
    pub pending: i64,
    pub failed: i64,
    /// The router's messages for failed vouchers, most common first, with how many had each.
    pub errors: Vec<(String, i64)>,
    /// The last error of a job still waiting to be retried (router down, connection lost).
    pub retry_error: Option<String>,
}

/// A batch with how far it has reached its router, for the batch list.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct BatchSummary {
    pub id: i64,
    pub router_id: i64,
    pub plan_id: i64,
    pub plan_name: String,
    pub quantity: i64,
    pub pushed: i64,
    pub pending: i64,
    pub failed: i64,
    pub comment: Option<String>,
    pub created_at: DateTime<Utc>,
}

/// Filters of the voucher list; all optional.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::IntoParams), into_params(parameter_in = Query))]
pub struct VoucherFilter {
    pub router_id: Option<i64>,
    pub plan_id: Option<i64>,
    pub batch_id: Option<i64>,
    /// `created`, `active`, `expired`, `disabled` or `deleted`.
    #[cfg_attr(feature = "openapi", param(value_type = Option<VoucherStatus>, inline))]
    pub status: Option<String>,
    /// The start of a code (case-insensitive).
    pub code: Option<String>,
    /// Next page: the smallest id of the previous page.
    pub before_id: Option<i64>,
    /// 1–500, default 50 (a larger number lists 500).
    #[cfg_attr(feature = "openapi", param(minimum = 1, maximum = 500))]
    pub limit: Option<i64>,
}

/// A voucher as the voucher list shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Voucher {
    pub id: i64,
    pub batch_id: i64,
    pub router_id: i64,
    pub plan_id: i64,
    pub plan_name: String,
    pub code: String,
    pub password: String,
    /// Whole rupiah, as it was when the voucher was made.
    pub price: i64,
    pub status: VoucherStatus,
    pub router_state: RouterState,
    pub router_error: Option<String>,
    pub first_login_at: Option<DateTime<Utc>>,
    pub expires_at: Option<DateTime<Utc>>,
    pub uptime_seconds: i64,
    pub bytes_in: i64,
    pub bytes_out: i64,
    /// When a cashier sold it, if one did.
    pub sold_at: Option<DateTime<Utc>>,
    /// When it was first put on a printed sheet, if it was.
    pub printed_at: Option<DateTime<Utc>>,
    pub created_at: DateTime<Utc>,
}

/// A printed sheet: while open it holds its vouchers (the counter does not sell them) until the
/// admin confirms the print or releases it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PrintSheet {
    pub id: i64,
    /// The batch printed, when a batch was (not a choice of vouchers).
    pub batch_id: Option<i64>,
    pub opened_at: DateTime<Utc>,
    /// Set when the admin confirmed the print.
    pub printed_at: Option<DateTime<Utc>>,
    /// Set when the admin released the sheet unprinted.
    pub released_at: Option<DateTime<Utc>>,
    /// How many vouchers the sheet took.
    pub quantity: i64,
    /// The vouchers the sheet still holds (all of them while it is open; none once closed).
    pub vouchers: Vec<SheetVoucher>,
    /// Vouchers of the batch that could still go on another sheet.
    pub batch_remaining: i64,
}

impl PrintSheet {
    pub fn is_open(&self) -> bool {
        self.printed_at.is_none() && self.released_at.is_none()
    }
}

/// An open sheet, as the voucher page lists them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SheetSummary {
    pub id: i64,
    pub batch_id: Option<i64>,
    pub quantity: i64,
    pub opened_at: DateTime<Utc>,
    pub opened_by: Option<String>,
}

/// A voucher as a printed sheet shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SheetVoucher {
    pub id: i64,
    pub code: String,
    pub password: String,
    pub plan_name: String,
    pub router_name: String,
    pub price: Rupiah,
    pub validity_seconds: i64,
    /// The hotspot login URL with the code filled in: what the QR code holds.
    pub login_url: String,
}
