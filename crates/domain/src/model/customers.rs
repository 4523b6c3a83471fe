//! Customers as the operator manages them, and their balance ledger.

use crate::money::Rupiah;
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

/// Whether a customer is served.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "lowercase")]
pub enum CustomerStatus {
    Active,
    /// Not served for now (unpaid, or at their request); billed as before.
    Suspended,
    /// Left: no longer billed.
    Closed,
}

impl CustomerStatus {
    pub const fn as_str(self) -> &'static str {
        match self {
            CustomerStatus::Active => "active",
            CustomerStatus::Suspended => "suspended",
            CustomerStatus::Closed => "closed",
        }
    }

    pub fn parse(value: &str) -> Option<CustomerStatus> {
        match value {
            "active" => Some(CustomerStatus::Active),
            "suspended" => Some(CustomerStatus::Suspended),
            "closed" => Some(CustomerStatus::Closed),
            _ => None,
        }
    }
}

/// A customer, as the admin pages and the REST API show them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CustomerRecord {
    pub id: i64,
    #[cfg_attr(feature = "openapi", schema(example = "Budi Santoso"))]
    pub name: String,
    /// Normalised: 62…
    #[cfg_attr(feature = "openapi", schema(example = "6281234567890"))]
    pub whatsapp: String,
    pub email: Option<String>,
    pub address: Option<String>,
    pub notes: Option<String>,
    pub status: CustomerStatus,
    /// Credit (positive) or debt (negative), whole rupiah: the sum of the customer's ledger.
    #[cfg_attr(feature = "openapi", schema(value_type = i64, example = -40000))]
    pub balance: Rupiah,
    /// Registered through the registration page (with a password), rather than by the operator.
    pub self_registered: bool,
    pub created_at: DateTime<Utc>,
}

/// A customer to create, or a customer's new details (`PUT` replaces them all).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CustomerInput {
    /// 1–100 characters, not all blank, no control characters.
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
    /// Indonesian mobile number in any usual form; stored as 62…
    #[cfg_attr(
        feature = "openapi",
        schema(
            example = "0812-3456-7890",
            pattern = r"^\s*(\+[ ().-]*6[ ().-]*2|[ ().-]*(6[ ().-]*2|0)?)[ ().-]*8([ ().-]*[0-9]){8,11}[ ().-]*\s*$"
        )
    )]
    pub whatsapp: String,
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(example = "budi@example.com", format = Email))]
    pub email: Option<String>,
    /// Up to 500 characters.
    #[serde(default)]
    #[cfg_attr(
        feature = "openapi",
        schema(example = "Jl. Melati 7, RT 03/RW 05", max_length = 500)
    )]
    pub address: Option<String>,
    /// Up to 2,000 characters, for the operator only.
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(max_length = 2000))]
    pub notes: Option<String>,
    /// `active` when not given.
    #[serde(default)]
    pub status: Option<CustomerStatus>,
}

/// One page of a customer search.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CustomerPage {
    pub customers: Vec<CustomerRecord>,
    /// Pass as `after` for the next page; none on the last.
    pub next_after: Option<i64>,
}

/// Why the balance changed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum LedgerKind {
    /// A partial payment's remainder became debt.
    Shortfall,
    /// An overpayment became credit.
    Excess,
    /// Credit used by a new invoice.
    CreditApplied,
    /// Debt carried onto a new invoice.
    DebtBilled,
    /// A voided invoice gave back what it took from the balance.
    VoidReturned,
    /// Set by an admin, with a reason.
    Adjustment,
    /// A payment recorded in error was undone.
    Reversal,
    /// Credit paid out to the customer.
    Refund,
    /// Days billed and not used (a change of plan, a suspension, a close), given back with the
    /// tax they were billed with.
    PlanCredit,
    /// A payment toward the balance (debt paid off).
    Payment,
}

impl LedgerKind {
    pub const fn as_str(self) -> &'static str {
        match self {
            LedgerKind::Shortfall => "shortfall",
            LedgerKind::Excess => "excess",
            LedgerKind::CreditApplied => "credit_applied",
            LedgerKind::DebtBilled => "debt_billed",
            LedgerKind::VoidReturned => "void_returned",
            LedgerKind::Adjustment => "adjustment",
            LedgerKind::Reversal => "reversal",
            LedgerKind::Refund => "refund",
            LedgerKind::PlanCredit => "plan_credit",
            LedgerKind::Payment => "payment",
        }
    }

    pub fn parse(value: &str) -> Option<LedgerKind> {
        [
            LedgerKind::Shortfall,
            LedgerKind::Excess,
            LedgerKind::CreditApplied,
            LedgerKind::DebtBilled,
            LedgerKind::VoidReturned,
            LedgerKind::Adjustment,
            LedgerKind::Reversal,
            LedgerKind::Refund,
            LedgerKind::PlanCredit,
            LedgerKind::Payment,
        ]
        .into_iter()
        .find(|k| k.as_str() == value)
    }
}

/// One change of a customer's balance.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct LedgerEntry {
    pub id: i64,
    /// Positive: credit added or debt cleared; negative: credit used or debt added.
    #[cfg_attr(feature = "openapi", schema(value_type = i64))]
    pub amount: Rupiah,
    #[cfg_attr(feature = "openapi", schema(value_type = i64))]
    pub balance_after: Rupiah,
    pub kind: LedgerKind,
    /// The invoice it concerns, by number.
    pub invoice_number: Option<String>,
    pub invoice_id: Option<i64>,
    pub payment_id: Option<i64>,
    pub note: Option<String>,
    pub created_at: DateTime<Utc>,
}

/// A customer's balance and its history, newest first.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Ledger {
    #[cfg_attr(feature = "openapi", schema(value_type = i64))]
    pub balance: Rupiah,
    pub entries: Vec<LedgerEntry>,
}

/// An admin's change to a balance.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct AdjustmentInput {
    /// Whole rupiah, not zero, at most 1,000,000,000 either way: positive gives credit,
    /// negative adds debt.
    #[cfg_attr(
        feature = "openapi",
        schema(value_type = i64, example = 5000, minimum = -1000000000, maximum = 1000000000)
    )]
    pub amount: Rupiah,
    /// Why (1–500 characters), for the audit log and the customer's history.
    #[cfg_attr(
        feature = "openapi",
        schema(
            example = "Compensation for the outage on 3 December",
            min_length = 1,
            max_length = 500,
            pattern = r"\S"
        )
    )]
    pub reason: String,
}

/// Credit paid out to a customer (who leaves, or asks for it).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct RefundInput {
    /// Whole rupiah, positive, at most the customer's credit.
    #[cfg_attr(
        feature = "openapi",
        schema(value_type = i64, example = 10000, minimum = 1, maximum = 1000000000)
    )]
    pub amount: Rupiah,
    #[cfg_attr(
        feature = "openapi",
        schema(
            example = "Moved away; credit paid in cash",
            min_length = 1,
            max_length = 500,
            pattern = r"\S"
        )
    )]
    pub reason: String,
}
