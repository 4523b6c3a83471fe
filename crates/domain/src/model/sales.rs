//! Selling vouchers at the counter.

use crate::money::Rupiah;
use crate::status::RouterState;
use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

/// One tap on the sales screen.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SaleRequest {
    pub plan_id: i64,
    /// A new random UUID for every sale the cashier means to make. Sending the same key again
    /// (a double tap, a retry after a lost reply) returns the first sale instead of selling again.
    pub request_key: Uuid,
    /// The buyer's WhatsApp number (Indonesian mobile) in any usual form: digits, spaces, `-`,
    /// `.`, brackets and a leading `+`; stored as 62…
    #[cfg_attr(
        feature = "openapi",
        schema(
            example = "0812-3456-7890",
            pattern = r"^\s*(\+[ ().-]*6[ ().-]*2|[ ().-]*(6[ ().-]*2|0)?)[ ().-]*8([ ().-]*[0-9]){8,11}[ ().-]*\s*$"
        )
    )]
    pub customer_whatsapp: Option<String>,
}

/// A record's id with its name.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct NamedRef {
    pub id: i64,
    pub name: String,
}

/// A sold voucher, with everything its receipt shows.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Sale {
    pub id: i64,
    pub voucher_id: i64,
    /// The hotspot username.
    pub code: String,
    pub password: String,
    /// The router's hotspot login page with the code and password filled in (for a QR code).
    #[cfg_attr(
        feature = "openapi",
        schema(example = "http://10.5.50.1/login?username=K7P3QX9M&password=K7P3QX9M")
    )]
    pub login_url: String,
    pub plan: NamedRef,
    pub router: NamedRef,
    /// Whole rupiah.
    #[cfg_attr(feature = "openapi", schema(value_type = i64, example = 5000))]
    pub price: Rupiah,
    pub validity_seconds: i64,
    pub time_quota_seconds: Option<i64>,
    /// `pushed` once the router has the hotspot user; `pending` while the outbox still works on
    /// it (the router was slow or unreachable), `failed` if the router refused it.
    pub router_state: RouterState,
    pub cashier: NamedRef,
    /// Normalised: 62 followed by the subscriber number.
    pub customer_whatsapp: Option<String>,
    pub sold_at: DateTime<Utc>,
    /// True when the request key had been used before and nothing new was sold.
    pub replayed: bool,
}

/// One cashier's sales of a day.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CashierDay {
    pub cashier_id: i64,
    pub cashier_name: String,
    pub count: i64,
    #[cfg_attr(feature = "openapi", schema(value_type = i64))]
    pub total: Rupiah,
}

/// A line of the sales screen's list of today's sales.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SaleLine {
    pub id: i64,
    pub plan_name: String,
    pub code: String,
    #[cfg_attr(feature = "openapi", schema(value_type = i64))]
    pub price: Rupiah,
    pub cashier_name: String,
    pub sold_at: DateTime<Utc>,
}

/// A voucher sold to a customer's WhatsApp number, as their portal lists it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct BoughtVoucher {
    pub plan_name: String,
    pub code: String,
    pub password: String,
    pub price: Rupiah,
    pub status: crate::status::VoucherStatus,
    pub sold_at: DateTime<Utc>,
    pub expires_at: Option<DateTime<Utc>>,
}

/// Today's sales (the business's local day): per cashier, in all, and the latest ones.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Today {
    pub date: NaiveDate,
    pub cashiers: Vec<CashierDay>,
    pub count: i64,
    #[cfg_attr(feature = "openapi", schema(value_type = i64))]
    pub total: Rupiah,
    /// The newest sales first, of one cashier or of everyone.
    pub latest: Vec<SaleLine>,
}

/// A hotspot plan a cashier can sell, with how many vouchers are in stock for it (a plan without
/// stock still sells: its voucher is made on the spot).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SaleablePlan {
    pub id: i64,
    pub name: String,
    pub router_id: i64,
    pub router_name: String,
    #[cfg_attr(feature = "openapi", schema(value_type = i64))]
    pub price: Rupiah,
    pub validity_seconds: i64,
    pub stock: i64,
}
