use crate::i18n::*;
use leptos::prelude::*;

#[component]
pub fn PosPage() -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <h1>{t!(i18n, pos_title)}</h1>
        <section class="card empty-state">
            <h2>{t!(i18n, coming_soon_title)}</h2>
            <p class="muted">{t!(i18n, pos_body)}</p>
        </section>
    }
}
