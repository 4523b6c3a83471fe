//! Components shared by several pages.

pub mod layout;

use crate::error::AppError;
use crate::i18n::*;
use leptos::prelude::*;
use std::time::Duration;

/// Marks `<body data-hydrated="true">` once the WASM has taken over, so tests (and people
/// debugging) know when clicks start to count.
#[component]
pub fn HydrationMarker() -> impl IntoView {
    Effect::new(move |_| {
        if let Some(body) = document().body() {
            let _ = body.set_attribute("data-hydrated", "true");
        }
    });
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
        AppError::Invalid { code, message, .. } => match code.as_str() {
            "name_empty" => t_string!(i18n, err_name_empty).to_string(),
            "name_too_long" => t_string!(i18n, err_name_too_long).to_string(),
            "name_control_characters" => t_string!(i18n, err_name_control_characters).to_string(),
            "whatsapp_invalid_characters" => {
                t_string!(i18n, err_whatsapp_invalid_characters).to_string()
            }
            "whatsapp_not_indonesian_mobile" => {
                t_string!(i18n, err_whatsapp_not_indonesian_mobile).to_string()
            }
            "whatsapp_wrong_length" => t_string!(i18n, err_whatsapp_wrong_length).to_string(),
            "whatsapp_taken" => t_string!(i18n, err_whatsapp_taken).to_string(),
            "email_invalid" => t_string!(i18n, err_email_invalid).to_string(),
            "email_taken" => t_string!(i18n, err_email_taken).to_string(),
            "password_too_short" => t_string!(i18n, err_password_too_short).to_string(),
            "password_too_long" => t_string!(i18n, err_password_too_long).to_string(),
            "username_empty" => t_string!(i18n, err_username_empty).to_string(),
            "password_empty" => t_string!(i18n, err_password_empty).to_string(),
            "router_name" => t_string!(i18n, err_router_name).to_string(),
            "router_name_taken" => t_string!(i18n, err_router_name_taken).to_string(),
            "router_host" => t_string!(i18n, err_router_host).to_string(),
            "router_port" => t_string!(i18n, err_router_port).to_string(),
            "router_fingerprint" => t_string!(i18n, err_router_fingerprint).to_string(),
            "router_username" => t_string!(i18n, err_router_username).to_string(),
            "router_password" => t_string!(i18n, err_router_password).to_string(),
            "router_credentials" => t_string!(i18n, err_router_credentials).to_string(),
            "router_not_found" => t_string!(i18n, err_router_not_found).to_string(),
            "router_in_use" => t_string!(i18n, err_router_in_use).to_string(),
            "router_unreachable" => {
                let detail = message.clone();
                t_string!(i18n, err_router_unreachable, detail).to_string()
            }
            "plan_name" => t_string!(i18n, err_plan_name).to_string(),
            "plan_name_taken" => t_string!(i18n, err_plan_name_taken).to_string(),
            "plan_price" => t_string!(i18n, err_plan_price).to_string(),
            "plan_not_found" => t_string!(i18n, err_plan_not_found).to_string(),
            "plan_inactive" => t_string!(i18n, err_plan_inactive).to_string(),
            "validity" if error.field() == Some("time_quota") => {
                t_string!(i18n, err_time_quota).to_string()
            }
            "validity" => t_string!(i18n, err_validity).to_string(),
            "data_quota" => t_string!(i18n, err_data_quota).to_string(),
            "profile_name" => t_string!(i18n, err_profile_name).to_string(),
            "rate_limit" => t_string!(i18n, err_rate_limit).to_string(),
            "shared_users" => t_string!(i18n, err_shared_users).to_string(),
            "quantity" => t_string!(i18n, err_quantity).to_string(),
            "code_length" => t_string!(i18n, err_code_length).to_string(),
            "code_space_exhausted" => t_string!(i18n, err_code_space).to_string(),
            "alphabet" => t_string!(i18n, err_alphabet).to_string(),
            "prefix" => t_string!(i18n, err_prefix).to_string(),
            "password_mode" => t_string!(i18n, err_password_mode).to_string(),
            "comment_too_long" => t_string!(i18n, err_comment_too_long).to_string(),
            "voucher_status" => t_string!(i18n, err_voucher_status).to_string(),
            "router_login_url" => t_string!(i18n, err_router_login_url).to_string(),
            "plan_not_hotspot" => t_string!(i18n, err_plan_not_hotspot).to_string(),
            "sale_not_found" => t_string!(i18n, err_sale_not_found).to_string(),
            "sheet_selection" => t_string!(i18n, err_sheet_selection).to_string(),
            "report_date" => t_string!(i18n, err_report_date).to_string(),
            "report_period_order" => t_string!(i18n, err_report_period_order).to_string(),
            "report_period_length" => t_string!(i18n, err_report_period_length).to_string(),
            _ => message.clone(),
        },
        AppError::InvalidCredentials => t_string!(i18n, err_invalid_credentials).to_string(),
        AppError::RateLimited {
            retry_after_seconds,
        } => {
            let seconds = *retry_after_seconds;
            t_string!(i18n, err_rate_limited, seconds).to_string()
        }
        AppError::Unauthenticated => t_string!(i18n, err_unauthenticated).to_string(),
        AppError::Forbidden => t_string!(i18n, err_forbidden).to_string(),
        AppError::Internal | AppError::Transport(_) => t_string!(i18n, err_internal).to_string(),
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

/// Bumps `tick` once a second while `active` holds, so that a `Resource` keyed on it refetches;
/// the timer runs only in the browser and stops as soon as `active` turns false.
pub fn tick_every_second_while(
    tick: WriteSignal<u32>,
    active: impl Fn() -> bool + Send + Sync + 'static,
) {
    let active = Memo::new(move |_| active());
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
