//! Components shared by several pages.

pub mod layout;

use crate::error::AppError;
use crate::i18n::*;
use leptos::prelude::*;

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
