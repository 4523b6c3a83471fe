use crate::error::AppError;
use crate::i18n::*;
use domain::Rupiah;
use domain::model::accounts::Customer;
use leptos::prelude::*;

/// The caller's own account; never anyone else's.
#[server(prefix = "/rpc")]
pub async fn my_account() -> Result<Customer, AppError> {
    use crate::auth::ssr::{require, services};
    let caller = require(&[domain::Role::Customer]).await?;
    let services = services()?;
    billing::identity::accounts::customer(&services.pool, domain::CustomerId(caller.principal.id))
        .await?
        .ok_or(AppError::Unauthenticated)
}

#[component]
pub fn PortalHome() -> impl IntoView {
    let i18n = use_i18n();
    let account = Resource::new(|| (), |_| my_account());
    view! {
        <Suspense fallback=move || view! { <p class="muted">{t!(i18n, loading)}</p> }>
            {move || Suspend::new(async move {
                account.await.map(|a| {
                    let name = a.name.clone();
                    let debt = a.balance.is_negative();
                    let hint = if debt {
                        Some(t_string!(i18n, balance_debt_hint).to_string())
                    } else if a.balance == Rupiah::ZERO {
                        None
                    } else {
                        Some(t_string!(i18n, balance_credit_hint).to_string())
                    };
                    view! {
                        <h1>{t!(i18n, portal_greeting, name = name.clone())}</h1>
                        <section class="card balance-card" class:debt=debt>
                            <span class="stat-label">{t!(i18n, balance)}</span>
                            <span class="balance" data-balance=a.balance.amount()>{a.balance.to_string()}</span>
                            {hint.map(|hint| view! { <p class="muted small">{hint}</p> })}
                        </section>
                        <section class="card">
                            <h2>{t!(i18n, my_invoices)}</h2>
                            <p class="muted">{t!(i18n, no_invoices)}</p>
                        </section>
                        <section class="card">
                            <h2>{t!(i18n, account)}</h2>
                            <dl class="details">
                                <dt>{t!(i18n, whatsapp_label)}</dt>
                                <dd>{readable_whatsapp(&a.whatsapp)}</dd>
                                <dt>{t!(i18n, email_label)}</dt>
                                <dd>{a.email.unwrap_or_default()}</dd>
                            </dl>
                        </section>
                    }
                })
            })}
        </Suspense>
    }
}

/// A stored number (62…) written the way people write it (0812-…).
fn readable_whatsapp(stored: &str) -> String {
    domain::WhatsappNumber::parse(stored)
        .map(|n| n.readable())
        .unwrap_or_else(|_| stored.to_owned())
}
