//! What can go wrong with customers, invoices, payments and balances.

use crate::core::problem::{Explain, Problem};
use domain::model::invoices::InvoiceStatus;
use domain::{ErrorCode, FieldError};

#[derive(Debug, thiserror::Error)]
pub enum MoneyError {
    #[error(transparent)]
    Invalid(#[from] FieldError),
    #[error("no customer with this id")]
    CustomerNotFound,
    #[error("no invoice with this id")]
    InvoiceNotFound,
    #[error("no payment with this id")]
    PaymentNotFound,
    #[error("another customer has this WhatsApp number")]
    WhatsappTaken,
    #[error("another customer has this email address")]
    EmailTaken,
    #[error("the customer is closed: reopen them before invoicing")]
    CustomerClosed,
    #[error("the invoice is {}: only an unpaid invoice takes a payment", .0.as_str())]
    NotPayable(InvoiceStatus),
    #[error("the invoice has a payment: reverse the payment before voiding the invoice")]
    HasPayment,
    #[error("the invoice is already void")]
    AlreadyVoid,
    #[error(
        "a later change of plan credited part of this invoice's days: adjust the balance instead"
    )]
    VoidCredited,
    #[error("invoice {0} bills a later period of this subscription: void it first")]
    VoidNotLatest(String),
    #[error("the payment was already reversed")]
    AlreadyReversed,
    #[error("this request key was used for another payment (another invoice, amount or method)")]
    RequestKeyReused,
    #[error(
        "a cashier takes at most the amount due ({due}); credit beyond it is given by an admin"
    )]
    OverDue { due: domain::Rupiah },
    #[error("the refund is more than the customer's credit of {credit}")]
    RefundOverCredit { credit: domain::Rupiah },
    #[error(transparent)]
    Database(#[from] sqlx::Error),
}

impl Explain for MoneyError {
    fn problem(&self) -> Problem {
        let conflict = |field, code| Problem::Conflict {
            field: Some(field),
            code,
        };
        match self {
            MoneyError::Invalid(e) => e.problem(),
            MoneyError::CustomerNotFound => Problem::NotFound {
                field: "customer_id",
                code: ErrorCode::CustomerNotFound,
            },
            MoneyError::InvoiceNotFound => Problem::NotFound {
                field: "invoice_id",
                code: ErrorCode::InvoiceNotFound,
            },
            MoneyError::PaymentNotFound => Problem::NotFound {
                field: "payment_id",
                code: ErrorCode::PaymentNotFound,
            },
            MoneyError::WhatsappTaken => conflict("whatsapp", ErrorCode::WhatsappTaken),
            MoneyError::EmailTaken => conflict("email", ErrorCode::EmailTaken),
            MoneyError::CustomerClosed => conflict("customer_id", ErrorCode::CustomerClosed),
            MoneyError::NotPayable(_) => conflict("invoice_id", ErrorCode::InvoiceNotPayable),
            MoneyError::HasPayment => conflict("invoice_id", ErrorCode::InvoiceHasPayment),
            MoneyError::AlreadyVoid => conflict("invoice_id", ErrorCode::InvoiceVoid),
            MoneyError::VoidCredited => conflict("invoice_id", ErrorCode::InvoiceCredited),
            MoneyError::VoidNotLatest(_) => conflict("invoice_id", ErrorCode::InvoiceNotLatest),
            MoneyError::AlreadyReversed => conflict("payment_id", ErrorCode::PaymentReversed),
            MoneyError::RequestKeyReused => conflict("request_key", ErrorCode::RequestKeyReused),
            MoneyError::OverDue { .. } => Problem::Invalid {
                field: "amount",
                code: ErrorCode::PaymentOverDue,
            },
            MoneyError::RefundOverCredit { .. } => Problem::Invalid {
                field: "amount",
                code: ErrorCode::RefundAmount,
            },
            MoneyError::Database(_) => Problem::Internal,
        }
    }
}

pub(crate) fn invalid(field: &'static str, code: ErrorCode, message: &str) -> MoneyError {
    MoneyError::Invalid(FieldError::new(field, code, message))
}

/// A reason given for an undo or an adjustment: 1–500 characters, trimmed.
pub(crate) fn reason(text: &str) -> Result<String, MoneyError> {
    let text = text.trim();
    if text.is_empty() || text.chars().count() > 500 || text.chars().any(char::is_control) {
        return Err(invalid(
            "reason",
            ErrorCode::Reason,
            "give a reason of 1–500 characters",
        ));
    }
    Ok(text.to_owned())
}
