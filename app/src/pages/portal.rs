use crate::error::AppError;
use crate::i18n::*;
use domain::Rupiah;
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

/// What a customer sees of their own account. Only ever the caller's own row.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AccountSummary {
    pub name: String,
    pub whatsapp: String,
    pub email: Option<String>,
    pub balance: Rupiah,
}

#[server(prefix = "/rpc")]
pub async fn my_account() -> Result<AccountSummary, AppError> {
    use crate::auth::ssr::{require, services};
    use billing::identity::auth::AuthError;
    let caller = require(&[domain::Role::Customer]).await?;
    let services = services()?;
    let customer = billing::identity::accounts::customer(
        &services.pool,
        domain::CustomerId(caller.principal.id),
    )
    .await
    .map_err(AuthError::from)?
    .ok_or(AppError::Unauthenticated)?;
    Ok(AccountSummary {
        name: customer.name,
        whatsapp: domain::WhatsappNumber::parse(&customer.whatsapp)
            .map(|n| n.readable())
            .unwrap_or(customer.whatsapp),
        email: customer.email,
        balance: Rupiah::new(customer.balance),
    })
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
                                <dd>{a.whatsapp}</dd>
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
