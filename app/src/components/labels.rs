//! Domain values as people read them, in the page's language.

use crate::i18n::*;
use domain::{RouterState, VoucherStatus};

/// "3 jam", "1 hari", "1 hari 12 jam": a validity as people say it.
pub fn validity_label(i18n: leptos_i18n::I18nContext<Locale>, seconds: i64) -> String {
    let (days, hours, minutes) = (
        seconds / 86_400,
        seconds % 86_400 / 3_600,
        seconds % 3_600 / 60,
    );
    let mut parts = Vec::new();
    if days > 0 {
        let n = days;
        parts.push(if n == 1 {
            t_string!(i18n, unit_day, n).to_string()
        } else {
            t_string!(i18n, unit_days, n).to_string()
        });
    }
    if hours > 0 {
        let n = hours;
        parts.push(if n == 1 {
            t_string!(i18n, unit_hour, n).to_string()
        } else {
            t_string!(i18n, unit_hours, n).to_string()
        });
    }
    if minutes > 0 || parts.is_empty() {
        let n = minutes;
        parts.push(t_string!(i18n, unit_minutes, n).to_string());
    }
    parts.join(" ")
}

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
