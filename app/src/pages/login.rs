use crate::auth::Login;
use crate::components::{FormError, LanguageSwitch, SubmitButton};
use crate::i18n::*;
use leptos::prelude::*;
use leptos_router::hooks::use_query_map;

#[component]
pub fn LoginPage() -> impl IntoView {
    let i18n = use_i18n();
    let login = ServerAction::<Login>::new();
    let error = Signal::derive(move || login.value().get().and_then(Result::err));
    let registered = move || use_query_map().with(|q| q.get("registered").is_some());
    view! {
        <leptos_meta::Title text=move || t_string!(i18n, login_title).to_string() />
        <main class="centered auth-page">
            <section class="card auth-card">
                <header class="auth-header">
                    <p class="brand">{t!(i18n, app_name)}</p>
                    <LanguageSwitch />
                </header>
                <h1>{t!(i18n, login_title)}</h1>
                <p class="muted">{t!(i18n, login_subtitle)}</p>
                <Show when=registered>
                    <p class="notice" role="status">{t!(i18n, registered_notice)}</p>
                </Show>
                <FormError error />
                <ActionForm action=login attr:class="stack">
                    <label>
                        <span>{t!(i18n, username_label)}</span>
                        <input
                            type="text"
                            name="username"
                            autocomplete="username"
                            autocapitalize="none"
                            required
                        />
                    </label>
                    <label>
                        <span>{t!(i18n, password_label)}</span>
                        <input type="password" name="password" autocomplete="current-password" required />
                    </label>
                    <SubmitButton pending=login.pending() label=Signal::derive(move || t_string!(i18n, login_button).to_string()) />
                </ActionForm>
                <p class="muted">
                    {t!(i18n, no_account)} " " <a href="/register">{t!(i18n, register_link)}</a>
                </p>
            </section>
        </main>
    }
}
