//! PPPoE subscriptions: a customer's monthly service on a router, its `/ppp/secret` there, its
//! live session, and the import of secrets made before the billing.

use crate::money::Rupiah;
use crate::status::{SecretState, SubscriptionStatus};
use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};

/// A subscription to create.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SubscriptionInput {
    pub customer_id: i64,
    /// A PPPoE plan; the subscription lives on its router.
    pub plan_id: i64,
    /// 1–64 letters, digits, `.`, `_`, `-` or `@`, unique on the router. Made from the
    /// customer's name when left out.
    #[cfg_attr(
        feature = "openapi",
        schema(
            example = "budi.santoso",
            min_length = 1,
            max_length = 64,
            pattern = r"^[A-Za-z0-9._@-]+$"
        )
    )]
    #[serde(default)]
    pub pppoe_username: Option<String>,
    /// 6–64 visible ASCII characters without spaces. Generated when left out.
    #[cfg_attr(
        feature = "openapi",
        schema(min_length = 6, max_length = 64, pattern = r"^[!-~]+$")
    )]
    #[serde(default)]
    pub pppoe_password: Option<String>,
    /// The day of the month its invoice is issued, 1–28. Defaults to the start date's day
    /// (28 for a start on the 29th–31st).
    #[cfg_attr(feature = "openapi", schema(minimum = 1, maximum = 28))]
    #[serde(default)]
    pub billing_day: Option<i16>,
    /// Defaults to today.
    #[serde(default)]
    pub start_date: Option<NaiveDate>,
}

/// Another plan for a subscription (`PUT`), on the same router.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SubscriptionChange {
    pub plan_id: i64,
}

/// What an admin does to a subscription.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "lowercase")]
pub enum SubscriptionAction {
    /// Move to the isolation profile (or disable) now, as for an overdue invoice.
    Isolate,
    /// Serve again (from isolated or suspended).
    Resume,
    /// Disable until resumed.
    Suspend,
    /// End: disable for good.
    Close,
}

impl SubscriptionAction {
    pub const fn as_str(self) -> &'static str {
        match self {
            SubscriptionAction::Isolate => "isolate",
            SubscriptionAction::Resume => "resume",
            SubscriptionAction::Suspend => "suspend",
            SubscriptionAction::Close => "close",
        }
    }

    pub fn parse(value: &str) -> Option<SubscriptionAction> {
        match value {
            "isolate" => Some(SubscriptionAction::Isolate),
            "resume" => Some(SubscriptionAction::Resume),
            "suspend" => Some(SubscriptionAction::Suspend),
            "close" => Some(SubscriptionAction::Close),
            _ => None,
        }
    }

    /// The status the action leads to.
    pub const fn target(self) -> SubscriptionStatus {
        match self {
            SubscriptionAction::Isolate => SubscriptionStatus::Isolated,
            SubscriptionAction::Resume => SubscriptionStatus::Active,
            SubscriptionAction::Suspend => SubscriptionStatus::Suspended,
            SubscriptionAction::Close => SubscriptionStatus::Closed,
        }
    }
}

/// A subscription as the admin pages, the portal and the REST API show it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Subscription {
    pub id: i64,
    pub customer_id: i64,
    pub customer_name: String,
    pub plan_id: i64,
    pub plan_name: String,
    /// The plan's monthly price.
    #[cfg_attr(feature = "openapi", schema(value_type = i64, example = 150000))]
    pub price: Rupiah,
    pub router_id: i64,
    pub router_name: String,
    pub pppoe_username: String,
    /// Given only when one subscription is read (never in lists).
    pub pppoe_password: Option<String>,
    pub billing_day: i16,
    pub start_date: NaiveDate,
    pub status: SubscriptionStatus,
    /// `created` (its secret made by the billing) or `imported` (found on the router).
    pub origin: String,
    pub router_state: SecretState,
    pub router_error: Option<String>,
    pub isolated_at: Option<DateTime<Utc>>,
    pub created_at: DateTime<Utc>,
}

/// A page of subscriptions, oldest first; `next_after` continues it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SubscriptionPage {
    pub subscriptions: Vec<Subscription>,
    pub next_after: Option<i64>,
}

/// A subscriber's session on the router now.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PppSession {
    pub subscription_id: i64,
    pub online: bool,
    /// The address the router gave the session.
    pub address: Option<String>,
    pub uptime_seconds: Option<u64>,
    /// The subscriber's device (its MAC address, for PPPoE).
    pub caller_id: Option<String>,
    /// The router could not be asked; `online` is then unknown (false).
    pub error: Option<String>,
}

/// A secret on the router that an import would bring in.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ImportCandidate {
    pub pppoe_username: String,
    pub profile: Option<String>,
    pub disabled: bool,
    pub comment: Option<String>,
    /// The customer's name: the comment without its phone number, or the username.
    pub customer_name: String,
    /// A WhatsApp number found in the comment (62…), if any.
    pub whatsapp: Option<String>,
    /// An existing customer with that number, who gets the subscription.
    pub customer_id: Option<i64>,
    /// The PPPoE plan of the router with this profile; none: one is created (price 0, to be set).
    pub plan_id: Option<i64>,
    pub plan_name: String,
}

/// What importing a router's secrets would do.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ImportPreview {
    pub router_id: i64,
    /// Secrets not yet subscriptions.
    pub candidates: Vec<ImportCandidate>,
    /// Secrets already subscriptions here: an import leaves them.
    pub already_imported: u64,
}

/// Which secrets to import, and the WhatsApp numbers of those whose comment has none.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ImportRequest {
    /// Usernames to import; empty: every candidate.
    #[serde(default)]
    pub usernames: Vec<String>,
    /// A WhatsApp number per username, for secrets whose comment carries none (or to override
    /// it). A secret with no number is skipped.
    #[serde(default)]
    pub whatsapp: std::collections::BTreeMap<String, String>,
    /// The billing day of the imported subscriptions (1–28); defaults to today's day.
    #[serde(default)]
    pub billing_day: Option<i16>,
}

/// What an import did.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ImportOutcome {
    pub subscriptions_created: u64,
    pub customers_created: u64,
    pub plans_created: u64,
    /// Secrets left out, each with the reason.
    pub skipped: Vec<ImportSkip>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ImportSkip {
    pub pppoe_username: String,
    pub reason: String,
}

/// A router's isolation setting: the `/ppp/profile` isolated subscribers are moved to; none
/// disables their secrets instead.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct IsolationSetting {
    #[cfg_attr(
        feature = "openapi",
        schema(example = "isolir", min_length = 1, max_length = 100)
    )]
    #[serde(default)]
    pub isolation_profile: Option<String>,
}

/// What the daily isolation run did.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct IsolationRun {
    /// Subscriptions isolated for an invoice unpaid past its due date and the grace period.
    pub isolated: Vec<i64>,
}
