//! Components shared by several pages.

pub mod format;
pub mod labels;
pub mod layout;

use crate::error::AppError;
use crate::i18n::*;
use domain::ErrorCode;
use leptos::prelude::*;
use std::time::Duration;

#[cfg(feature = "hydrate")]
thread_local! {
    /// Whether the WASM has taken over the whole page (see [`use_hydrated`]).
    static HYDRATED: ArcRwSignal<bool> = ArcRwSignal::new(false);
}

/// False on the server and in the browser until the WASM has taken over the whole page (its
/// lazily loaded page code included): a button that needs the WASM is disabled, and says it is
/// getting ready, until then, so that a tap on a slow connection never goes into nothing.
pub fn use_hydrated() -> Signal<bool> {
    #[cfg(feature = "hydrate")]
    {
        let hydrated = HYDRATED.with(ArcRwSignal::clone);
        Signal::derive(move || hydrated.get())
    }
    #[cfg(not(feature = "hydrate"))]
    {
        Signal::stored(false)
    }
}

/// Called by the WASM entry point once the page is hydrated: marks `<body data-hydrated="true">`
/// (tests, and people debugging, know when clicks start to count) and turns [`use_hydrated`]
/// true.
#[cfg(feature = "hydrate")]
pub fn mark_hydrated() {
    if let Some(body) = document().body() {
        let _ = body.set_attribute("data-hydrated", "true");
    }
    HYDRATED.with(|hydrated| hydrated.set(true));
}

/// Switches the interface language in place, without a reload; the choice is kept in a cookie.
#[component]
pub fn LanguageSwitch() -> impl IntoView {
    let i18n = use_i18n();
    let choose = move |locale: Locale| move |_| i18n.set_locale(locale);
    view! {
        <div class="lang-switch" role="group" aria-label=move || t_string!(i18n, language)>
            <button
                type="button"
                data-locale="id"
                aria-pressed=move || (i18n.get_locale() == Locale::id).to_string()
                on:click=choose(Locale::id)
            >
                "ID"
            </button>
            <button
                type="button"
                data-locale="en"
                aria-pressed=move || (i18n.get_locale() == Locale::en).to_string()
                on:click=choose(Locale::en)
            >
                "EN"
            </button>
        </div>
    }
}

/// The translated, human message for an error returned by a server function.
pub fn error_message(i18n: leptos_i18n::I18nContext<Locale>, error: &AppError) -> String {
    match error {
        AppError::Invalid {
            code,
            message,
            field,
        } => code_message(i18n, *code, Some(field.as_str()), message),
        AppError::InvalidCredentials => t_string!(i18n, err_invalid_credentials).to_string(),
        AppError::RateLimited {
            retry_after_seconds,
        } => {
            let seconds = *retry_after_seconds;
            t_string!(i18n, err_rate_limited, seconds).to_string()
        }
        AppError::Unauthenticated => t_string!(i18n, err_unauthenticated).to_string(),
        AppError::Forbidden => t_string!(i18n, err_forbidden).to_string(),
        AppError::Unavailable => t_string!(i18n, err_unavailable).to_string(),
        AppError::Internal | AppError::Transport(_) => t_string!(i18n, err_internal).to_string(),
    }
}

/// The message of every error code, in the chosen language: the match has no fallback, so a code
/// without a message does not compile (and `tests::every_error_code_has_a_message_in_both_languages`
/// checks both locale files). `detail` is the English message, for codes that quote it.
pub fn code_message(
    i18n: leptos_i18n::I18nContext<Locale>,
    code: ErrorCode,
    field: Option<&str>,
    detail: &str,
) -> String {
    use ErrorCode as E;
    match code {
        E::NameEmpty => t_string!(i18n, err_name_empty).to_string(),
        E::NameTooLong => t_string!(i18n, err_name_too_long).to_string(),
        E::NameControlCharacters => t_string!(i18n, err_name_control_characters).to_string(),
        E::WhatsappInvalidCharacters => {
            t_string!(i18n, err_whatsapp_invalid_characters).to_string()
        }
        E::WhatsappNotIndonesianMobile => {
            t_string!(i18n, err_whatsapp_not_indonesian_mobile).to_string()
        }
        E::WhatsappWrongLength => t_string!(i18n, err_whatsapp_wrong_length).to_string(),
        E::EmailInvalid => t_string!(i18n, err_email_invalid).to_string(),
        E::AlreadyRegistered => t_string!(i18n, err_already_registered).to_string(),
        E::PasswordTooShort => t_string!(i18n, err_password_too_short).to_string(),
        E::PasswordTooLong => t_string!(i18n, err_password_too_long).to_string(),
        E::UsernameEmpty => t_string!(i18n, err_username_empty).to_string(),
        E::PasswordEmpty => t_string!(i18n, err_password_empty).to_string(),
        E::InvalidCredentials => t_string!(i18n, err_invalid_credentials).to_string(),
        E::RateLimited => {
            let seconds = detail.to_owned();
            t_string!(i18n, err_rate_limited, seconds).to_string()
        }
        E::Unauthenticated => t_string!(i18n, err_unauthenticated).to_string(),
        E::Forbidden => t_string!(i18n, err_forbidden).to_string(),
        E::RouterName => t_string!(i18n, err_router_name).to_string(),
        E::RouterNameTaken => t_string!(i18n, err_router_name_taken).to_string(),
        E::RouterHost => t_string!(i18n, err_router_host).to_string(),
        E::RouterPort => t_string!(i18n, err_router_port).to_string(),
        E::RouterFingerprint => t_string!(i18n, err_router_fingerprint).to_string(),
        E::RouterUsername => t_string!(i18n, err_router_username).to_string(),
        E::RouterPassword => t_string!(i18n, err_router_password).to_string(),
        E::RouterCredentials => t_string!(i18n, err_router_credentials).to_string(),
        E::RouterLoginUrl => t_string!(i18n, err_router_login_url).to_string(),
        E::RouterNotFound => t_string!(i18n, err_router_not_found).to_string(),
        E::RouterInUse => t_string!(i18n, err_router_in_use).to_string(),
        E::RouterUnreachable => {
            let detail = detail.to_owned();
            t_string!(i18n, err_router_unreachable, detail).to_string()
        }
        E::PlanName => t_string!(i18n, err_plan_name).to_string(),
        E::PlanNameTaken => t_string!(i18n, err_plan_name_taken).to_string(),
        E::PlanPrice => t_string!(i18n, err_plan_price).to_string(),
        E::PlanNotFound => t_string!(i18n, err_plan_not_found).to_string(),
        E::PlanInactive => t_string!(i18n, err_plan_inactive).to_string(),
        E::PlanNotHotspot => t_string!(i18n, err_plan_not_hotspot).to_string(),
        E::PlanRouterFixed => t_string!(i18n, err_plan_router_fixed).to_string(),
        E::Validity if field == Some("time_quota") => t_string!(i18n, err_time_quota).to_string(),
        E::Validity => t_string!(i18n, err_validity).to_string(),
        E::DataQuota => t_string!(i18n, err_data_quota).to_string(),
        E::ProfileName => t_string!(i18n, err_profile_name).to_string(),
        E::RateLimit => t_string!(i18n, err_rate_limit).to_string(),
        E::SharedUsers => t_string!(i18n, err_shared_users).to_string(),
        E::Quantity => t_string!(i18n, err_quantity).to_string(),
        E::CodeLength => t_string!(i18n, err_code_length).to_string(),
        E::CodeSpaceExhausted => t_string!(i18n, err_code_space_exhausted).to_string(),
        E::Alphabet => t_string!(i18n, err_alphabet).to_string(),
        E::Prefix => t_string!(i18n, err_prefix).to_string(),
        E::PasswordMode => t_string!(i18n, err_password_mode).to_string(),
        E::CommentTooLong => t_string!(i18n, err_comment_too_long).to_string(),
        E::VoucherStatus => t_string!(i18n, err_voucher_status).to_string(),
        E::VoucherNotFound => t_string!(i18n, err_voucher_not_found).to_string(),
        E::BatchNotFound => t_string!(i18n, err_batch_not_found).to_string(),
        E::SheetSelection => t_string!(i18n, err_sheet_selection).to_string(),
        E::SheetNothingToPrint => t_string!(i18n, err_sheet_nothing_to_print).to_string(),
        E::SheetNotFound => t_string!(i18n, err_sheet_not_found).to_string(),
        E::SheetClosed => t_string!(i18n, err_sheet_closed).to_string(),
        E::SaleNotFound => t_string!(i18n, err_sale_not_found).to_string(),
        E::RequestKey => t_string!(i18n, err_request_key).to_string(),
        E::RequestKeyReused => t_string!(i18n, err_request_key_reused).to_string(),
        E::ReportDate => t_string!(i18n, err_report_date).to_string(),
        E::ReportPeriodOrder => t_string!(i18n, err_report_period_order).to_string(),
        E::ReportPeriodLength => t_string!(i18n, err_report_period_length).to_string(),
        E::InvalidBody => t_string!(i18n, err_invalid_body).to_string(),
        E::ExpectedJson => t_string!(i18n, err_expected_json).to_string(),
        E::MalformedJson => t_string!(i18n, err_malformed_json).to_string(),
        E::InvalidQuery => t_string!(i18n, err_invalid_query).to_string(),
        E::NotFound => t_string!(i18n, err_not_found).to_string(),
        E::MethodNotAllowed => t_string!(i18n, err_method_not_allowed).to_string(),
        E::BodyTooLarge => t_string!(i18n, err_body_too_large).to_string(),
        E::CrossOrigin => t_string!(i18n, err_cross_origin).to_string(),
        E::StaffNotFound => t_string!(i18n, err_staff_not_found).to_string(),
        E::PppoePlanField => t_string!(i18n, err_pppoe_plan_field).to_string(),
        E::PlanKindFixed => t_string!(i18n, err_plan_kind_fixed).to_string(),
        E::SubscriptionNotFound => t_string!(i18n, err_subscription_not_found).to_string(),
        E::PlanNotPppoe => t_string!(i18n, err_plan_not_pppoe).to_string(),
        E::PppoeUsername => t_string!(i18n, err_pppoe_username).to_string(),
        E::PppoePassword => t_string!(i18n, err_pppoe_password).to_string(),
        E::PppoeUsernameTaken => t_string!(i18n, err_pppoe_username_taken).to_string(),
        E::BillingDay => t_string!(i18n, err_billing_day).to_string(),
        E::SubscriptionTransition => t_string!(i18n, err_subscription_transition).to_string(),
        E::SubscriptionNotClosed => t_string!(i18n, err_subscription_not_closed).to_string(),
        E::IsolationProfile => t_string!(i18n, err_isolation_profile).to_string(),
        E::CustomerNotFound => t_string!(i18n, err_customer_not_found).to_string(),
        E::CustomerStatus => t_string!(i18n, err_customer_status).to_string(),
        E::CustomerClosed => t_string!(i18n, err_customer_closed).to_string(),
        E::WhatsappTaken => t_string!(i18n, err_whatsapp_taken).to_string(),
        E::EmailTaken => t_string!(i18n, err_email_taken).to_string(),
        E::AddressTooLong => t_string!(i18n, err_address_too_long).to_string(),
        E::NotesTooLong => t_string!(i18n, err_notes_too_long).to_string(),
        E::InvoiceNotFound => t_string!(i18n, err_invoice_not_found).to_string(),
        E::InvoiceLines => t_string!(i18n, err_invoice_lines).to_string(),
        E::LineDescription => t_string!(i18n, err_line_description).to_string(),
        E::LineAmount => t_string!(i18n, err_line_amount).to_string(),
        E::DueDate => t_string!(i18n, err_due_date).to_string(),
        E::InvoiceNotPayable => t_string!(i18n, err_invoice_not_payable).to_string(),
        E::InvoiceHasPayment => t_string!(i18n, err_invoice_has_payment).to_string(),
        E::InvoiceVoid => t_string!(i18n, err_invoice_void).to_string(),
        E::PaymentReference => t_string!(i18n, err_payment_reference).to_string(),
        E::PaymentOverDue => t_string!(i18n, err_payment_over_due).to_string(),
        E::SheetNotPrinted => t_string!(i18n, err_sheet_not_printed).to_string(),
        E::InvoiceCredited => t_string!(i18n, err_invoice_credited).to_string(),
        E::InvoiceNotLatest => t_string!(i18n, err_invoice_not_latest).to_string(),
        E::RunDate => t_string!(i18n, err_run_date).to_string(),
        E::PaymentNotFound => t_string!(i18n, err_payment_not_found).to_string(),
        E::PaymentAmount => t_string!(i18n, err_payment_amount).to_string(),
        E::PaymentMethod => t_string!(i18n, err_payment_method).to_string(),
        E::PaymentReversed => t_string!(i18n, err_payment_reversed).to_string(),
        E::Reason => t_string!(i18n, err_reason).to_string(),
        E::AdjustmentAmount => t_string!(i18n, err_adjustment_amount).to_string(),
        E::RefundAmount => t_string!(i18n, err_refund_amount).to_string(),
        E::SearchQuery => t_string!(i18n, err_search_query).to_string(),
        E::StaffRole => t_string!(i18n, err_staff_role).to_string(),
        E::LastAdmin => t_string!(i18n, err_last_admin).to_string(),
        E::SessionNotFound => t_string!(i18n, err_session_not_found).to_string(),
        E::UpstreamFailed => t_string!(i18n, err_upstream_failed).to_string(),
        E::Internal => t_string!(i18n, err_internal).to_string(),
    }
}

/// A form's error banner, shown while `error` holds an error.
#[component]
pub fn FormError(#[prop(into)] error: Signal<Option<AppError>>) -> impl IntoView {
    let i18n = use_i18n();
    move || {
        error.get().map(|e| {
            view! {
                <p class="form-error" role="alert">
                    {error_message(i18n, &e)}
                </p>
            }
        })
    }
}

/// Marks a form field `aria-invalid` while `error` is about it.
pub fn invalid_when(
    error: Signal<Option<AppError>>,
    field: &'static str,
) -> impl Fn() -> String + Send + Sync + Copy + 'static {
    move || {
        error
            .with(|e| e.as_ref().and_then(AppError::field) == Some(field))
            .to_string()
    }
}

/// A destructive submit button that asks first: the first tap shows the question with the real
/// submit button and a way back. Place it inside the form it submits.
#[component]
pub fn ConfirmSubmit(
    /// The button as first shown, e.g. "Delete".
    #[prop(into)]
    label: Signal<String>,
    /// The question asked after the first tap.
    #[prop(into)]
    question: Signal<String>,
) -> impl IntoView {
    let i18n = use_i18n();
    let asking = RwSignal::new(false);
    view! {
        <Show
            when=move || asking.get()
            fallback=move || {
                view! {
                    <button type="button" class="button button-danger-quiet" on:click=move |_| asking.set(true)>
                        {label}
                    </button>
                }
            }
        >
            <span class="confirm" role="group">
                <span class="confirm-question">{question}</span>
                <button type="submit" class="button button-danger">{label}</button>
                <button type="button" class="button button-secondary" on:click=move |_| asking.set(false)>
                    {t!(i18n, cancel)}
                </button>
            </span>
        </Show>
    }
}

/// A form's main submit button: disabled while the form is on its way, and saying so.
#[component]
pub fn SubmitButton(
    #[prop(into)] pending: Signal<bool>,
    /// What the button says when the form can be sent.
    #[prop(into)]
    label: Signal<String>,
) -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <button type="submit" class="button button-primary" disabled=move || pending.get()>
            {move || if pending.get() { t_string!(i18n, working).to_string() } else { label.get() }}
        </button>
    }
}

/// The button that opens the edit form of record `id` of a list, and closes it again.
#[component]
pub fn EditToggle(id: i64, editing: RwSignal<Option<i64>>) -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <button
            type="button"
            class="button button-secondary"
            aria-expanded=move || (editing.get() == Some(id)).to_string()
            on:click=move |_| editing.update(|e| *e = if *e == Some(id) { None } else { Some(id) })
        >
            {t!(i18n, edit)}
        </button>
    }
}

/// `condition`, followed in the browser only; false while the server renders. `condition` may read
/// resources: it runs in an effect, never in a memo or a resource's source on the server, where a
/// resource read outside `<Suspense/>` is re-run by a later resource task after the request has
/// ended, and panics on the disposed page.
pub fn browser_flag(condition: impl Fn() -> bool + Send + Sync + 'static) -> ReadSignal<bool> {
    let (flag, set_flag) = signal(false);
    Effect::new(move |_| {
        let now = condition();
        if flag.get_untracked() != now {
            set_flag.set(now);
        }
    });
    flag
}

/// Bumps `tick` once a second while `active` holds, so that a `Resource` keyed on it refetches;
/// the timer runs only in the browser and stops as soon as `active` turns false. `active` may read
/// resources (see [`browser_flag`]).
pub fn tick_every_second_while(
    tick: WriteSignal<u32>,
    active: impl Fn() -> bool + Send + Sync + 'static,
) {
    let active = browser_flag(active);
    Effect::new(move |_| {
        if active.get()
            && let Ok(handle) = set_interval_with_handle(
                move || tick.update(|t| *t = t.wrapping_add(1)),
                Duration::from_secs(1),
            )
        {
            on_cleanup(move || handle.clear());
        }
    });
}

/// Pushed / pending / failed of a voucher batch as one bar, with the counts under it.
#[component]
pub fn PushProgress(quantity: i64, pushed: i64, pending: i64, failed: i64) -> impl IntoView {
    let i18n = use_i18n();
    let share = |part: i64| {
        if quantity > 0 {
            part as f64 * 100.0 / quantity as f64
        } else {
            0.0
        }
    };
    let label = format!("{pushed} / {quantity}");
    view! {
        <div class="progress" role="img" aria-label=label.clone()>
            <span class="progress-pushed" style=format!("width: {:.2}%", share(pushed))></span>
            <span class="progress-failed" style=format!("width: {:.2}%", share(failed))></span>
        </div>
        <p class="progress-counts small">
            <span data-count="pushed"><b>{pushed}</b> " " {t!(i18n, pushed)}</span>
            <span data-count="pending"><b>{pending}</b> " " {t!(i18n, pending)}</span>
            <span data-count="failed" class:has-failed={failed > 0}><b>{failed}</b> " " {t!(i18n, failed)}</span>
            <span class="muted">{label}</span>
        </p>
    }
}

/// The record id in the page's address (`/…/:id`); 0 when it is not a number, which no record
/// has, so the page's server function answers "not found".
pub fn use_id_param() -> Memo<i64> {
    let params = leptos_router::hooks::use_params_map();
    Memo::new(move |_| {
        params.with(|p| {
            p.get("id")
                .and_then(|id| id.parse::<i64>().ok())
                .unwrap_or(0)
        })
    })
}

/// The address of a list's next page: `path` with the page's query (its filters) and `after`.
pub fn next_page_href(path: &str, query: &leptos_router::params::ParamsMap, after: i64) -> String {
    let mut query = query.clone();
    query.replace("after", after.to_string());
    format!("{path}{}", query.to_query_string())
}

/// How many times `action` has succeeded: a key for the `Resource`s its successes change, so
/// that a refused form is not re-rendered (and emptied) along with them.
pub fn successes<S>(action: ServerAction<S>) -> Memo<u32>
where
    S: leptos::server_fn::ServerFn + Clone + Send + Sync + 'static,
    S::Output: Send + Sync + 'static,
    S::Error: Send + Sync + 'static,
{
    Memo::new(move |before: Option<&u32>| {
        let before = before.copied().unwrap_or(0);
        if action.value().with(|v| matches!(v, Some(Ok(_)))) {
            before + 1
        } else {
            before
        }
    })
}

/// Empties `form` each time `action` succeeds, ready for the next entry; a refused form keeps
/// what was typed.
pub fn reset_after_success<S>(action: ServerAction<S>, form: NodeRef<leptos::html::Form>)
where
    S: leptos::server_fn::ServerFn + Clone + Send + Sync + 'static,
    S::Output: Send + Sync + 'static,
    S::Error: Send + Sync + 'static,
{
    Effect::new(move |_| {
        if action.value().with(|v| matches!(v, Some(Ok(_))))
            && let Some(form) = form.get_untracked()
        {
            form.reset();
        }
    });
}

#[cfg(test)]
mod tests {
    use domain::ErrorCode;

    /// The locale files hold a message for every error code (`err_` + the code), in both languages.
    #[test]
    fn every_error_code_has_a_message_in_both_languages() {
        for (language, file) in [
            ("en", include_str!("../../locales/en.json")),
            ("id", include_str!("../../locales/id.json")),
        ] {
            let messages: serde_json::Map<String, serde_json::Value> =
                serde_json::from_str(file).expect("the locale file is JSON");
            for code in ErrorCode::ALL {
                let key = format!("err_{code}");
                let message = messages.get(&key).and_then(|m| m.as_str());
                assert!(
                    message.is_some_and(|m| !m.trim().is_empty()),
                    "{language}: no message `{key}`"
                );
            }
        }
    }
}
