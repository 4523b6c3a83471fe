use crate::i18n::*;
use leptos::prelude::*;

#[component]
pub fn NotFound() -> impl IntoView {
    #[cfg(feature = "ssr")]
    if let Some(response) = use_context::<leptos_axum::ResponseOptions>() {
        response.set_status(http::StatusCode::NOT_FOUND);
    }
    let i18n = use_i18n();
    view! {
        <main class="centered">
            <section class="card">
                <h1>{t!(i18n, not_found_title)}</h1>
                <p><a href="/">{t!(i18n, back_home)}</a></p>
            </section>
        </main>
    }
}

#[component]
pub fn Forbidden() -> impl IntoView {
    #[cfg(feature = "ssr")]
    if let Some(response) = use_context::<leptos_axum::ResponseOptions>() {
        response.set_status(http::StatusCode::FORBIDDEN);
    }
    let i18n = use_i18n();
    view! {
        <main class="centered">
            <section class="card">
                <h1>{t!(i18n, forbidden_title)}</h1>
                <p>{t!(i18n, forbidden_body)}</p>
                <p><a href="/">{t!(i18n, back_home)}</a></p>
                <crate::components::layout::UserBox />
            </section>
        </main>
    }
}
