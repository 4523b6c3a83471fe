//! Invoices and the payments that settle them.

use crate::money::Rupiah;
use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "lowercase")]
pub enum InvoiceStatus {
    /// Payable.
    Unpaid,
    /// Paid in part; the rest moved to the balance as debt. Closed: no longer payable, never
    /// overdue.
    Partial,
    Paid,
    /// Cancelled; what it took from the balance was given back.
    Void,
}

impl InvoiceStatus {
    pub const fn as_str(self) -> &'static str {
        match self {
            InvoiceStatus::Unpaid => "unpaid",
            InvoiceStatus::Partial => "partial",
            InvoiceStatus::Paid => "paid",
            InvoiceStatus::Void => "void",
        }
    }

    pub fn parse(value: &str) -> Option<InvoiceStatus> {
        match value {
            "unpaid" => Some(InvoiceStatus::Unpaid),
            "partial" => Some(InvoiceStatus::Partial),
            "paid" => Some(InvoiceStatus::Paid),
            "void" => Some(InvoiceStatus::Void),
            _ => None,
        }
    }
}

/// What a line of an invoice is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum LineKind {
    /// What the invoice itself charges.
    Charge,
    /// PPN added to the charges.
    Tax,
    /// The PPN the charges contain: shown, not added to the total.
    TaxIncluded,
    /// The customer's credit, used (negative).
    CreditApplied,
    /// The customer's debt from earlier invoices.
    DebtCarried,
    /// The unused part of a plan billed before a change of plan (negative).
    PlanCredit,
}

impl LineKind {
    pub const fn as_str(self) -> &'static str {
        match self {
            LineKind::Charge => "charge",
            LineKind::Tax => "tax",
            LineKind::TaxIncluded => "tax_included",
            LineKind::CreditApplied => "credit_applied",
            LineKind::DebtCarried => "debt_carried",
            LineKind::PlanCredit => "plan_credit",
        }
    }

    pub fn parse(value: &str) -> Option<LineKind> {
        [
            LineKind::Charge,
            LineKind::Tax,
            LineKind::TaxIncluded,
            LineKind::CreditApplied,
            LineKind::DebtCarried,
            LineKind::PlanCredit,
        ]
        .into_iter()
        .find(|k| k.as_str() == value)
    }

    /// Whether the line adds to the total (an included tax is already in the charges).
    pub const fn counts(self) -> bool {
        !matches!(self, LineKind::TaxIncluded)
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct InvoiceLine {
    pub kind: LineKind,
    #[cfg_attr(
        feature = "openapi",
        schema(example = "Internet 20 Mbps, December 2026")
    )]
    pub description: String,
    #[cfg_attr(feature = "openapi", schema(value_type = i64, example = 150000))]
    pub amount: Rupiah,
}

/// An invoice as issued: its lines, prices and customer details are frozen at issue.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Invoice {
    pub id: i64,
    #[cfg_attr(feature = "openapi", schema(example = "INV-202612-00041"))]
    pub number: String,
    pub customer_id: i64,
    pub customer_name: String,
    pub customer_whatsapp: String,
    pub customer_address: Option<String>,
    pub status: InvoiceStatus,
    pub lines: Vec<InvoiceLine>,
    /// What was due at issue: the lines that count, summed.
    #[cfg_attr(feature = "openapi", schema(value_type = i64, example = 90000))]
    pub total: Rupiah,
    #[cfg_attr(feature = "openapi", schema(value_type = i64))]
    pub amount_paid: Rupiah,
    /// A partial payment's remainder, moved to the balance as debt.
    #[cfg_attr(feature = "openapi", schema(value_type = i64))]
    pub carried_to_balance: Rupiah,
    /// What is still payable on this invoice (zero unless unpaid).
    #[cfg_attr(feature = "openapi", schema(value_type = i64))]
    pub outstanding: Rupiah,
    pub due_date: NaiveDate,
    /// Unpaid past its due date.
    pub overdue: bool,
    pub issued_at: DateTime<Utc>,
    pub paid_at: Option<DateTime<Utc>>,
    pub voided_at: Option<DateTime<Utc>>,
    pub void_reason: Option<String>,
}

/// A line of a manual invoice.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct LineInput {
    /// 1–200 characters.
    #[cfg_attr(
        feature = "openapi",
        schema(
            example = "Installation",
            min_length = 1,
            max_length = 200,
            pattern = r"\S"
        )
    )]
    pub description: String,
    /// Whole rupiah, 1 to 100,000,000.
    #[cfg_attr(
        feature = "openapi",
        schema(value_type = i64, example = 150000, minimum = 1, maximum = 100000000)
    )]
    pub amount: Rupiah,
}

/// A manual invoice to issue.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct InvoiceInput {
    pub customer_id: i64,
    /// Seven days after issue when not given.
    #[serde(default)]
    pub due_date: Option<NaiveDate>,
    /// 1–50 lines.
    #[cfg_attr(feature = "openapi", schema(min_items = 1, max_items = 50))]
    pub lines: Vec<LineInput>,
}

/// One page of invoices, newest first.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct InvoicePage {
    pub invoices: Vec<Invoice>,
    pub next_after: Option<i64>,
    /// Over every invoice the filters select (not only this page): still payable, and paid.
    #[cfg_attr(feature = "openapi", schema(value_type = i64))]
    pub total_outstanding: Rupiah,
    #[cfg_attr(feature = "openapi", schema(value_type = i64))]
    pub total_collected: Rupiah,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "lowercase")]
pub enum PaymentMethod {
    Cash,
    Transfer,
    /// Online, through Duitku.
    Duitku,
}

impl PaymentMethod {
    pub const fn as_str(self) -> &'static str {
        match self {
            PaymentMethod::Cash => "cash",
            PaymentMethod::Transfer => "transfer",
            PaymentMethod::Duitku => "duitku",
        }
    }

    pub fn parse(value: &str) -> Option<PaymentMethod> {
        match value {
            "cash" => Some(PaymentMethod::Cash),
            "transfer" => Some(PaymentMethod::Transfer),
            "duitku" => Some(PaymentMethod::Duitku),
            _ => None,
        }
    }
}

/// A payment taken at the counter.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PaymentInput {
    /// Whole rupiah, 1 to 1,000,000,000.
    #[cfg_attr(
        feature = "openapi",
        schema(value_type = i64, example = 60000, minimum = 1, maximum = 1000000000)
    )]
    pub amount: Rupiah,
    /// `cash` or `transfer`.
    #[cfg_attr(feature = "openapi", schema(value_type = String, example = "cash", pattern = "^(cash|transfer)$"))]
    pub method: PaymentMethod,
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(max_length = 500))]
    pub note: Option<String>,
    /// The client's key for this payment (8–64 letters, digits, `-` or `_`, e.g. a UUID): sending
    /// it again gives the same payment back; the same key for another invoice or amount is 409.
    #[cfg_attr(
        feature = "openapi",
        schema(
            example = "6f1c2d4e-0b7a-4f3e-9a61-2c5d8e9f0a1b",
            pattern = "^[A-Za-z0-9_-]{8,64}$"
        )
    )]
    pub request_key: String,
    /// The transfer's reference (the bank's), required for `transfer`: 1–100 characters.
    #[serde(default)]
    #[cfg_attr(
        feature = "openapi",
        schema(max_length = 100, example = "BCA 0712 8841")
    )]
    pub reference: Option<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "lowercase")]
pub enum PaymentStatus {
    Settled,
    /// Recorded in error and undone.
    Reversed,
}

/// What a payment did.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PaymentReceipt {
    pub payment_id: i64,
    /// The invoice it paid; none for a payment toward the balance (debt).
    pub invoice_id: Option<i64>,
    pub invoice_number: Option<String>,
    pub invoice_status: Option<InvoiceStatus>,
    #[cfg_attr(feature = "openapi", schema(value_type = i64))]
    pub amount: Rupiah,
    pub method: PaymentMethod,
    pub status: PaymentStatus,
    /// The customer's balance after the payment.
    #[cfg_attr(feature = "openapi", schema(value_type = i64))]
    pub balance: Rupiah,
    pub customer_id: i64,
    pub customer_name: String,
    pub recorded_at: DateTime<Utc>,
    /// A transfer's reference.
    #[serde(default)]
    pub reference: Option<String>,
}

/// A payment as a customer's page lists it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PaymentRecord {
    pub id: i64,
    /// The invoice it paid; none for a payment toward the balance (debt).
    pub invoice_id: Option<i64>,
    pub invoice_number: Option<String>,
    #[cfg_attr(feature = "openapi", schema(value_type = i64))]
    pub amount: Rupiah,
    pub method: PaymentMethod,
    pub status: PaymentStatus,
    pub note: Option<String>,
    pub recorded_at: DateTime<Utc>,
    pub reversal_reason: Option<String>,
    /// A transfer's reference.
    #[serde(default)]
    pub reference: Option<String>,
}

/// Why a payment or an invoice is undone.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ReasonInput {
    /// 1–500 characters, kept in the audit log.
    #[cfg_attr(
        feature = "openapi",
        schema(
            example = "Entered twice",
            min_length = 1,
            max_length = 500,
            pattern = r"\S"
        )
    )]
    pub reason: String,
}

/// Asks for the monthly invoice run as on a day (`POST /api/v2/invoices/run`).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct InvoiceRunRequest {
    /// The day to run as (the business's today when left out), e.g. to catch up.
    #[serde(default)]
    pub date: Option<NaiveDate>,
}

/// What the monthly invoice run did.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct InvoiceRunOutcome {
    /// Invoices issued.
    pub created: u64,
    /// Subscriptions due but not billed: their customer is closed, or their plan's price is 0
    /// (not set yet).
    pub skipped: u64,
    /// Subscriptions whose invoice could not be made, each with the reason; the others were
    /// billed all the same, and these are tried again by the next run.
    #[serde(default)]
    pub failed: Vec<RunFailure>,
}

/// A subscription the invoice run could not bill, and why.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct RunFailure {
    pub subscription_id: i64,
    pub reason: String,
}
