use crate::auth::Register;
use crate::components::{FormError, LanguageSwitch, SubmitButton};
use crate::i18n::*;
use leptos::prelude::*;

#[component]
pub fn RegisterPage() -> impl IntoView {
    let i18n = use_i18n();
    let register = ServerAction::<Register>::new();
    let error = Signal::derive(move || register.value().get().and_then(Result::err));
    let invalid = move |field: &'static str| {
        move || {
            error
                .with(|e| e.as_ref().and_then(|e| e.field()) == Some(field))
                .to_string()
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
                <FormError error />
                <ActionForm action=register attr:class="stack">
                    <label>
                        <span>{t!(i18n, name_label)}</span>
                        <input type="text" name="name" autocomplete="name" required aria-invalid=invalid("name") />
                    </label>
                    <label>
                        <span>{t!(i18n, whatsapp_label)}</span>
                        <input
                            type="tel"
                            name="whatsapp"
                            autocomplete="tel"
                            inputmode="tel"
                            placeholder=move || t_string!(i18n, whatsapp_hint).to_string()
                            required
                            aria-invalid=invalid("whatsapp")
                        />
                    </label>
                    <label>
                        <span>{t!(i18n, email_label)}</span>
                        <input type="email" name="email" autocomplete="email" required aria-invalid=invalid("email") />
                    </label>
                    <label>
                        <span>{t!(i18n, password_label)}</span>
                        <input
                            type="password"
                            name="password"
                            autocomplete="new-password"
                            minlength="8"
                            placeholder=move || t_string!(i18n, password_hint).to_string()
                            required
                            aria-invalid=invalid("password")
                        />
                    </label>
                    <SubmitButton pending=register.pending() label=Signal::derive(move || t_string!(i18n, register_button).to_string()) />
                </ActionForm>
                <p class="muted">
                    {t!(i18n, have_account)} " " <a href="/login">{t!(i18n, login_link)}</a>
                </p>
            </section>
        </main>
    }
}
