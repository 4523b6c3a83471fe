//! A customer registers: name, WhatsApp number, email and password. The form checks each field
//! with the same rules as the server and says what is wrong under the field, in the page's
//! language (the browser's own bubbles would speak the browser's language); what only the server
//! can refuse (a number already registered, too many attempts) shows above the form until the
//! customer edits it.

use crate::auth::Register;
use crate::components::{LanguageSwitch, SubmitButton, code_message, error_message};
use crate::error::AppError;
use crate::i18n::*;
use domain::{EmailAddress, ErrorCode, PersonName, WhatsappNumber};
use leptos::prelude::*;

/// The fields of the form, in order.
const FIELDS: [&str; 4] = ["name", "whatsapp", "email", "password"];

/// What is wrong with each field as typed, by the rules the server applies.
fn field_problems(read: impl Fn(&str) -> String) -> Vec<(&'static str, ErrorCode)> {
    let checks: [(&'static str, Option<ErrorCode>); 4] = [
        (
            "name",
            PersonName::parse(&read("name")).err().map(|e| e.code()),
        ),
        (
            "whatsapp",
            WhatsappNumber::parse(&read("whatsapp"))
                .err()
                .map(|e| e.code()),
        ),
        (
            "email",
            EmailAddress::parse(&read("email")).err().map(|e| e.code()),
        ),
        (
            "password",
            domain::password::check_policy(&read("password"))
                .err()
                .map(|e| e.code()),
        ),
    ];
    checks
        .into_iter()
        .filter_map(|(field, code)| code.map(|code| (field, code)))
        .collect()
}

#[component]
pub fn RegisterPage() -> impl IntoView {
    let i18n = use_i18n();
    let register = ServerAction::<Register>::new();
    // The fields' problems: found by the form, or the server's refusal of one field.
    let problems = RwSignal::new(Vec::<(&'static str, ErrorCode)>::new());
    // The server's refusal that is about no field, until the customer edits the form.
    let refusal = RwSignal::new(None::<AppError>);
    Effect::new(move |_| {
        if let Some(Err(error)) = register.value().get() {
            match (error.field(), &error) {
                (Some(field), AppError::Invalid { code, .. }) => {
                    if let Some(field) = FIELDS.into_iter().find(|f| *f == field) {
                        problems.set(vec![(field, *code)]);
                    }
                    refusal.set(None);
                }
                _ => refusal.set(Some(error)),
            }
        }
    });
    let check = move |ev: leptos::ev::SubmitEvent| {
        let Ok(form) = leptos::form::form_data_from_event(&ev) else {
            return;
        };
        let found = field_problems(|field| form.get(field).as_string().unwrap_or_default());
        if !found.is_empty() {
            ev.prevent_default();
            refusal.set(None);
        }
        problems.set(found);
    };
    // Typing in a field takes back what was said about it, and the server's refusal.
    let edited = move |field: &'static str| {
        move |_| {
            problems.update(|p| p.retain(|(f, _)| *f != field));
            refusal.set(None);
        }
    };

    view! {
        <leptos_meta::Title text=move || t_string!(i18n, register_title).to_string() />
        <main class="centered auth-page">
            <section class="card auth-card">
                <header class="auth-header">
                    <p class="brand">{t!(i18n, app_name)}</p>
                    <LanguageSwitch />
                </header>
                <h1>{t!(i18n, register_title)}</h1>
                <p class="muted">{t!(i18n, register_subtitle)}</p>
                {move || refusal.get().map(|e| view! {
                    <p class="form-error" role="alert">{error_message(i18n, &e)}</p>
                })}
                // `novalidate`: the form's own messages speak the page's language.
                <ActionForm action=register attr:class="stack" attr:novalidate=true on:submit:capture=check>
                    <Field field="name" problems label=Signal::derive(move || t_string!(i18n, name_label).to_string())>
                        <input type="text" name="name" id="register-name" autocomplete="name" required
                            aria-invalid=invalid(problems, "name") aria-describedby="register-name-problem" on:input=edited("name") />
                    </Field>
                    <Field field="whatsapp" problems label=Signal::derive(move || t_string!(i18n, whatsapp_label).to_string())>
                        <input
                            type="tel"
                            name="whatsapp"
                            id="register-whatsapp"
                            autocomplete="tel"
                            inputmode="tel"
                            placeholder=move || t_string!(i18n, whatsapp_hint).to_string()
                            required
                            aria-invalid=invalid(problems, "whatsapp")
                            aria-describedby="register-whatsapp-problem"
                            on:input=edited("whatsapp")
                        />
                    </Field>
                    <Field field="email" problems label=Signal::derive(move || t_string!(i18n, email_label).to_string())>
                        <input type="email" name="email" id="register-email" autocomplete="email" required
                            aria-invalid=invalid(problems, "email") aria-describedby="register-email-problem" on:input=edited("email") />
                    </Field>
                    <Field field="password" problems label=Signal::derive(move || t_string!(i18n, password_label).to_string())>
                        <input
                            type="password"
                            name="password"
                            id="register-password"
                            autocomplete="new-password"
                            minlength="8"
                            placeholder=move || t_string!(i18n, password_hint).to_string()
                            required
                            aria-invalid=invalid(problems, "password")
                            aria-describedby="register-password-problem"
                            on:input=edited("password")
                        />
                    </Field>
                    <SubmitButton pending=register.pending() label=Signal::derive(move || t_string!(i18n, register_button).to_string()) />
                </ActionForm>
                <p class="muted">
                    {t!(i18n, have_account)} " " <a href="/login">{t!(i18n, login_link)}</a>
                </p>
            </section>
        </main>
    }
}

/// `aria-invalid` of a field: whether something is wrong with it.
fn invalid(
    problems: RwSignal<Vec<(&'static str, ErrorCode)>>,
    field: &'static str,
) -> impl Fn() -> String + Send + Sync + Copy + 'static {
    move || {
        problems
            .with(|p| p.iter().any(|(f, _)| *f == field))
            .to_string()
    }
}

/// A labelled field with what is wrong with it under it.
#[component]
fn Field(
    field: &'static str,
    problems: RwSignal<Vec<(&'static str, ErrorCode)>>,
    label: Signal<String>,
    children: Children,
) -> impl IntoView {
    let i18n = use_i18n();
    let problem = move || {
        problems
            .with(|p| p.iter().find(|(f, _)| *f == field).map(|(_, code)| *code))
            .map(|code| code_message(i18n, code, Some(field), ""))
    };
    view! {
        <div class="field">
            <label for=format!("register-{field}")>{label}</label>
            {children()}
            <p class="field-problem" id=format!("register-{field}-problem") data-problem=field aria-live="polite">
                {problem}
            </p>
        </div>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_form_finds_what_the_server_would_refuse() {
        let typed = |name: &'static str,
                     whatsapp: &'static str,
                     email: &'static str,
                     password: &'static str| {
            move |field: &str| {
                match field {
                    "name" => name,
                    "whatsapp" => whatsapp,
                    "email" => email,
                    _ => password,
                }
                .to_owned()
            }
        };
        assert_eq!(
            field_problems(typed(
                "Siti",
                "0812-3456.7890",
                "siti@example.com",
                "rahasia-123"
            )),
            vec![]
        );
        assert_eq!(
            field_problems(typed(
                "Siti",
                "(0812) 3456 7890",
                "siti@example.com",
                "rahasia-123"
            )),
            vec![],
            "brackets are allowed"
        );
        assert_eq!(
            field_problems(typed(" ", "021 555 1234", "siti", "pendek")),
            vec![
                ("name", ErrorCode::NameEmpty),
                ("whatsapp", ErrorCode::WhatsappNotIndonesianMobile),
                ("email", ErrorCode::EmailInvalid),
                ("password", ErrorCode::PasswordTooShort),
            ]
        );
        assert_eq!(
            field_problems(typed(
                "Siti",
                "0812/3456",
                "siti@example.com",
                "rahasia-123"
            )),
            vec![("whatsapp", ErrorCode::WhatsappInvalidCharacters)]
        );
    }
}
