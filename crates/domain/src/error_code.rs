//! The stable error codes that the REST API and the web interface report, one enum for every
//! area. Programs match on the code; people read a message translated from it (the UI has one
//! message per code in each language, checked by a test of the `app` crate).

use serde::{Deserialize, Serialize};
use std::fmt;
use std::str::FromStr;

macro_rules! error_codes {
    ($($(#[$meta:meta])* $variant:ident = $code:literal,)*) => {
        /// Why a request was refused, as a stable `snake_case` code.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
        #[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
        pub enum ErrorCode {
            $($(#[$meta])* #[serde(rename = $code)] $variant,)*
        }

        impl ErrorCode {
            /// Every code, for checks that each one is explained.
            pub const ALL: &'static [ErrorCode] = &[$(ErrorCode::$variant,)*];

            pub const fn as_str(self) -> &'static str {
                match self {
                    $(ErrorCode::$variant => $code,)*
                }
            }
        }

        impl FromStr for ErrorCode {
            type Err = UnknownErrorCode;
            fn from_str(s: &str) -> Result<Self, Self::Err> {
                match s {
                    $($code => Ok(ErrorCode::$variant),)*
                    other => Err(UnknownErrorCode(other.to_owned())),
                }
            }
        }
    };
}

error_codes! {
    // Contacts and accounts.
    NameEmpty = "name_empty",
    NameTooLong = "name_too_long",
    NameControlCharacters = "name_control_characters",
    WhatsappInvalidCharacters = "whatsapp_invalid_characters",
    WhatsappNotIndonesianMobile = "whatsapp_not_indonesian_mobile",
    WhatsappWrongLength = "whatsapp_wrong_length",
    EmailInvalid = "email_invalid",
    /// The WhatsApp number or the email is an existing account's (which one is not said).
    AlreadyRegistered = "already_registered",
    PasswordTooShort = "password_too_short",
    PasswordTooLong = "password_too_long",
    UsernameEmpty = "username_empty",
    PasswordEmpty = "password_empty",
    // Sign-in and permissions.
    InvalidCredentials = "invalid_credentials",
    RateLimited = "rate_limited",
    Unauthenticated = "unauthenticated",
    Forbidden = "forbidden",
    /// A state-changing request from a page of another site.
    CrossOrigin = "cross_origin",
    // Staff management.
    StaffNotFound = "staff_not_found",
    /// A staff user is an `admin` or `staff`.
    StaffRole = "staff_role",
    /// The last active admin cannot be demoted or deactivated.
    LastAdmin = "last_admin",
    SessionNotFound = "session_not_found",
    // Routers.
    RouterName = "router_name",
    RouterNameTaken = "router_name_taken",
    RouterHost = "router_host",
    RouterPort = "router_port",
    RouterFingerprint = "router_fingerprint",
    RouterUsername = "router_username",
    RouterPassword = "router_password",
    RouterCredentials = "router_credentials",
    RouterLoginUrl = "router_login_url",
    RouterNotFound = "router_not_found",
    RouterInUse = "router_in_use",
    /// The router did not answer or refused; the message carries its words.
    RouterUnreachable = "router_unreachable",
    // Plans.
    PlanName = "plan_name",
    PlanNameTaken = "plan_name_taken",
    PlanPrice = "plan_price",
    PlanNotFound = "plan_not_found",
    PlanInactive = "plan_inactive",
    PlanNotHotspot = "plan_not_hotspot",
    PlanRouterFixed = "plan_router_fixed",
    Validity = "validity",
    DataQuota = "data_quota",
    ProfileName = "profile_name",
    RateLimit = "rate_limit",
    SharedUsers = "shared_users",
    // Vouchers and batches.
    Quantity = "quantity",
    CodeLength = "code_length",
    CodeSpaceExhausted = "code_space_exhausted",
    Alphabet = "alphabet",
    Prefix = "prefix",
    PasswordMode = "password_mode",
    CommentTooLong = "comment_too_long",
    VoucherStatus = "voucher_status",
    VoucherNotFound = "voucher_not_found",
    BatchNotFound = "batch_not_found",
    SheetSelection = "sheet_selection",
    /// Nothing in the selection can be printed: sold, withdrawn, or on another open sheet.
    SheetNothingToPrint = "sheet_nothing_to_print",
    SheetNotFound = "sheet_not_found",
    /// The sheet was already confirmed as printed or released.
    SheetClosed = "sheet_closed",
    // Sales and reports.
    SaleNotFound = "sale_not_found",
    RequestKey = "request_key",
    /// A sale's request key was used before for another plan.
    RequestKeyReused = "request_key_reused",
    ReportDate = "report_date",
    ReportPeriodOrder = "report_period_order",
    ReportPeriodLength = "report_period_length",
    // Customers, invoices, payments and the balance.
    /// A PPPoE plan given a validity, quota or shared-users count (hotspot settings).
    PppoePlanField = "pppoe_plan_field",
    /// A plan's kind (hotspot or PPPoE) changed on edit.
    PlanKindFixed = "plan_kind_fixed",
    // PPPoE subscriptions.
    SubscriptionNotFound = "subscription_not_found",
    /// The plan is not a PPPoE plan, or is on another router than the subscription.
    PlanNotPppoe = "plan_not_pppoe",
    PppoeUsername = "pppoe_username",
    PppoePassword = "pppoe_password",
    /// Another subscription on the router has this PPPoE username.
    PppoeUsernameTaken = "pppoe_username_taken",
    BillingDay = "billing_day",
    /// The action does not apply to the subscription's status (e.g. resuming a closed one).
    SubscriptionTransition = "subscription_transition",
    /// Only a closed subscription is deleted.
    SubscriptionNotClosed = "subscription_not_closed",
    IsolationProfile = "isolation_profile",
    CustomerNotFound = "customer_not_found",
    CustomerStatus = "customer_status",
    /// The customer has left: no more invoices.
    CustomerClosed = "customer_closed",
    /// Another customer has this WhatsApp number (said to staff only).
    WhatsappTaken = "whatsapp_taken",
    /// Another customer has this email address (said to staff only).
    EmailTaken = "email_taken",
    AddressTooLong = "address_too_long",
    NotesTooLong = "notes_too_long",
    InvoiceNotFound = "invoice_not_found",
    InvoiceLines = "invoice_lines",
    LineDescription = "line_description",
    LineAmount = "line_amount",
    DueDate = "due_date",
    /// Only an unpaid invoice takes a payment.
    InvoiceNotPayable = "invoice_not_payable",
    /// An invoice with a payment is not voided: reverse the payment first.
    InvoiceHasPayment = "invoice_has_payment",
    InvoiceVoid = "invoice_void",
    /// Only a sheet marked printed is printed again.
    SheetNotPrinted = "sheet_not_printed",
    /// A later change of plan credited part of this invoice's days: it is not voided.
    InvoiceCredited = "invoice_credited",
    /// A later period of the subscription is billed: void that invoice first.
    InvoiceNotLatest = "invoice_not_latest",
    /// The invoice run is not run for a day after today.
    RunDate = "run_date",
    PaymentNotFound = "payment_not_found",
    PaymentAmount = "payment_amount",
    PaymentMethod = "payment_method",
    PaymentReversed = "payment_reversed",
    /// A transfer without its reference.
    PaymentReference = "payment_reference",
    /// A cashier's payment over what is due: credit is an admin's to give.
    PaymentOverDue = "payment_over_due",
    Reason = "reason",
    /// A balance change of zero rupiah.
    AdjustmentAmount = "adjustment_amount",
    /// A refund of more than the customer's credit.
    RefundAmount = "refund_amount",
    SearchQuery = "search_query",
    // Requests as such (REST).
    InvalidBody = "invalid_body",
    ExpectedJson = "expected_json",
    MalformedJson = "malformed_json",
    InvalidQuery = "invalid_query",
    /// The request body is larger than the server takes.
    BodyTooLarge = "body_too_large",
    NotFound = "not_found",
    MethodNotAllowed = "method_not_allowed",
    UpstreamFailed = "upstream_failed",
    Internal = "internal",
}

impl fmt::Display for ErrorCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown error code `{0}`")]
pub struct UnknownErrorCode(pub String);

/// Bad input in one field of a request: which field, the code, and a sentence in English.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{field}: {message}")]
pub struct FieldError {
    pub field: &'static str,
    pub code: ErrorCode,
    pub message: String,
}

impl FieldError {
    pub fn new(field: &'static str, code: ErrorCode, message: impl Into<String>) -> Self {
        FieldError {
            field,
            code,
            message: message.into(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_code_round_trips_through_its_name_and_json() {
        for &code in ErrorCode::ALL {
            assert_eq!(code.as_str().parse::<ErrorCode>(), Ok(code));
            let json = serde_json::to_string(&code).unwrap();
            assert_eq!(json, format!("\"{}\"", code.as_str()));
            assert_eq!(serde_json::from_str::<ErrorCode>(&json).unwrap(), code);
        }
        assert!("no_such_code".parse::<ErrorCode>().is_err());
    }

    #[test]
    fn codes_are_unique_snake_case() {
        let mut seen = std::collections::HashSet::new();
        for code in ErrorCode::ALL {
            let name = code.as_str();
            assert!(seen.insert(name), "{name} twice");
            assert!(
                name.chars().all(|c| c.is_ascii_lowercase() || c == '_'),
                "{name}"
            );
        }
    }
}
