//! Domain values as people read them, in the page's language.

use crate::i18n::*;
use domain::model::invoices::{InvoiceStatus, PaymentMethod};
use domain::{RouterState, VoucherStatus};

/// Where a voucher is in its life: "Belum dipakai", "Aktif", …
pub fn voucher_status_label(
    i18n: leptos_i18n::I18nContext<Locale>,
    status: VoucherStatus,
) -> String {
    match status {
        VoucherStatus::Created => t_string!(i18n, voucher_status_created).to_string(),
        VoucherStatus::Active => t_string!(i18n, voucher_status_active).to_string(),
        VoucherStatus::Expired => t_string!(i18n, voucher_status_expired).to_string(),
        VoucherStatus::Disabled => t_string!(i18n, voucher_status_disabled).to_string(),
        VoucherStatus::Deleted => t_string!(i18n, voucher_status_deleted).to_string(),
    }
}

/// How far a voucher's hotspot user has reached its router.
pub fn router_state_label(i18n: leptos_i18n::I18nContext<Locale>, state: RouterState) -> String {
    match state {
        RouterState::Pending => t_string!(i18n, router_state_pending).to_string(),
        RouterState::Pushed => t_string!(i18n, router_state_pushed).to_string(),
        RouterState::Failed => t_string!(i18n, router_state_failed).to_string(),
        RouterState::Removed => t_string!(i18n, router_state_removed).to_string(),
    }
}

/// An invoice's status: "Lunas", "Sebagian", …
pub fn invoice_status_label(
    i18n: leptos_i18n::I18nContext<Locale>,
    status: InvoiceStatus,
) -> String {
    match status {
        InvoiceStatus::Paid => t_string!(i18n, invoice_paid).to_string(),
        InvoiceStatus::Partial => t_string!(i18n, invoice_partial).to_string(),
        InvoiceStatus::Unpaid => t_string!(i18n, invoice_unpaid).to_string(),
        InvoiceStatus::Void => t_string!(i18n, invoice_void).to_string(),
    }
}

/// How a payment was made: "Tunai", "Transfer", "Duitku".
pub fn payment_method_label(
    i18n: leptos_i18n::I18nContext<Locale>,
    method: PaymentMethod,
) -> String {
    match method {
        PaymentMethod::Cash => t_string!(i18n, payment_cash).to_string(),
        PaymentMethod::Transfer => t_string!(i18n, payment_transfer).to_string(),
        PaymentMethod::Duitku => "Duitku".to_owned(),
    }
}
