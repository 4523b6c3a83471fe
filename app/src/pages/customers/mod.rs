//! Customers: the list (search by the beginning of a name, WhatsApp number or email; by status),
//! a new customer, and each customer's page (details, balance and its history, invoices,
//! payments, and the forms that change them).

pub mod detail;
pub mod server;

pub use detail::CustomerPage;
pub use server::*;

use crate::components::{FormError, SubmitButton, invalid_when, next_page_href};
use crate::i18n::*;
use domain::Rupiah;
use domain::model::customers::CustomerStatus;
use leptos::prelude::*;
use leptos_router::hooks::{use_navigate, use_query_map};

/// Where the customer pages live: the admin console's `/admin/customers`, or the cashier's
/// `/pos/customers` (the same pages, for looking customers up and taking their payments).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CustomersBase(pub &'static str);

/// The customer pages' address, as the route that shows them provided it.
pub fn customers_base() -> &'static str {
    use_context::<CustomersBase>()
        .map(|b| b.0)
        .unwrap_or("/admin/customers")
}

/// The customer list at the cashier's counter.
#[component]
pub fn PosCustomersPage() -> impl IntoView {
    provide_context(CustomersBase("/pos/customers"));
    view! { <CustomersPage /> }
}

/// A customer's page at the cashier's counter.
#[component]
pub fn PosCustomerPage() -> impl IntoView {
    provide_context(CustomersBase("/pos/customers"));
    view! { <CustomerPage /> }
}

/// The badge class of a customer's status.
pub fn customer_status_class(status: CustomerStatus) -> &'static str {
    match status {
        CustomerStatus::Active => "badge badge-healthy",
        CustomerStatus::Suspended => "badge badge-degraded",
        CustomerStatus::Closed => "badge badge-neutral",
    }
}

/// A customer's status in the page's language; read it inside a closure, so that it follows
/// the language switch.
pub fn customer_status_label(
    i18n: leptos_i18n::I18nContext<Locale>,
    status: CustomerStatus,
) -> String {
    match status {
        CustomerStatus::Active => t_string!(i18n, customer_active).to_string(),
        CustomerStatus::Suspended => t_string!(i18n, customer_suspended).to_string(),
        CustomerStatus::Closed => t_string!(i18n, customer_closed).to_string(),
    }
}

/// A balance with its sign and colour: credit green, debt red.
#[component]
pub fn BalanceAmount(amount: Rupiah) -> impl IntoView {
    let class = if amount.is_negative() {
        "numeric debit"
    } else if amount > Rupiah::ZERO {
        "numeric credit"
    } else {
        "numeric"
    };
    let sign = if amount > Rupiah::ZERO { "+" } else { "" };
    view! { <span class=class data-amount=amount.amount()>{sign}{amount.to_string()}</span> }
}

#[component]
pub fn CustomersPage() -> impl IntoView {
    let i18n = use_i18n();
    let base = customers_base();
    let query = use_query_map();
    let q = Memo::new(move |_| query.with(|q| q.get("q").unwrap_or_default()));
    let status = Memo::new(move |_| query.with(|q| q.get("status").unwrap_or_default()));
    let after = Memo::new(move |_| {
        query.with(|q| q.get("after").and_then(|a| a.trim().parse::<i64>().ok()))
    });
    let found = Resource::new(
        move || (q.get(), status.get(), after.get()),
        |(q, status, after)| find_customers(q, status, after),
    );
    let adding = RwSignal::new(false);
    // Only admins add customers; the button waits for the first page to say who is looking.
    let can_add = move || {
        found
            .get()
            .and_then(Result::ok)
            .is_some_and(|page| page.can_add)
    };
    view! {
        <div class="page-head">
            <h1>{t!(i18n, nav_customers)}</h1>
            <Transition fallback=|| ()>
                <Show when=can_add>
                    <button
                        type="button"
                        class="button button-secondary"
                        aria-expanded=move || adding.get().to_string()
                        on:click=move |_| adding.update(|a| *a = !*a)
                    >
                        {t!(i18n, customer_new)}
                    </button>
                </Show>
            </Transition>
        </div>
        <Show when=move || adding.get()>
            <NewCustomerForm />
        </Show>
        <form method="get" action=base class="card toolbar filters customer-search" role="search">
            <label>
                <span>{t!(i18n, customer_search)}</span>
                <input
                    type="search"
                    name="q"
                    value=move || q.get()
                    placeholder=move || t_string!(i18n, customer_search_hint)
                    autocomplete="off"
                    maxlength="100"
                />
            </label>
            <label>
                <span>{t!(i18n, status)}</span>
                <select name="status">
                    <option value="" selected=move || status.get().is_empty()>{t!(i18n, customer_any_status)}</option>
                    {[CustomerStatus::Active, CustomerStatus::Suspended, CustomerStatus::Closed]
                        .into_iter()
                        .map(|s| {
                            view! { <option value=s.as_str() selected=move || status.get() == s.as_str()>{move || customer_status_label(i18n, s)}</option> }
                        })
                        .collect_view()}
                </select>
            </label>
            <div class="filter-actions">
                <button type="submit" class="button button-primary">{t!(i18n, customer_find)}</button>
            </div>
        </form>
        <Transition fallback=move || view! { <p class="muted">{t!(i18n, loading)}</p> }>
            {move || Suspend::new(async move {
                found.await.map(|page| {
                    if page.rows.is_empty() {
                        return view! { <p class="card empty-state muted">{t!(i18n, customer_none_found)}</p> }.into_any();
                    }
                    let next = page
                        .next_after
                        .map(|after| query.with_untracked(|q| next_page_href(base, q, after)));
                    view! {
                        <ul class="card customer-list">
                            {page.rows.into_iter().map(|row| {
                                let status = row.status;
                                view! {
                                    <li class="customer-row" data-customer=row.id>
                                        <a href=format!("{base}/{}", row.id)>
                                            <span class="customer-name">{row.name}</span>
                                            <span class="sub mono">{row.whatsapp}</span>
                                            {row.email.map(|e| view! { <span class="sub">{e}</span> })}
                                        </a>
                                        <span class="customer-row-end">
                                            <span class=customer_status_class(status)>{move || customer_status_label(i18n, status)}</span>
                                            <BalanceAmount amount=row.balance />
                                        </span>
                                    </li>
                                }
                            }).collect_view()}
                        </ul>
                        {next.map(|href| view! {
                            <p class="load-more"><a class="button button-secondary" href=href>{t!(i18n, load_more)}</a></p>
                        })}
                    }.into_any()
                })
            })}
        </Transition>
    }
}

/// The form for a new customer; on success it opens the customer's page.
#[component]
fn NewCustomerForm() -> impl IntoView {
    let i18n = use_i18n();
    let create = ServerAction::<CreateCustomer>::new();
    let error = Signal::derive(move || create.value().get().and_then(Result::err));
    let navigate = use_navigate();
    Effect::new(move |_| {
        if let Some(Ok(id)) = create.value().get() {
            navigate(&format!("{}/{id}", customers_base()), Default::default());
        }
    });
    view! {
        <section class="card">
            <h2>{t!(i18n, customer_new)}</h2>
            <ActionForm action=create attr:class="form-grid customer-form">
                <CustomerFields error />
                <FormError error />
                <div class="form-actions">
                    <SubmitButton pending=create.pending() label=Signal::derive(move || t_string!(i18n, customer_create).to_string()) />
                </div>
            </ActionForm>
        </section>
    }
}

/// A customer's values as the forms show them.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct CustomerValues {
    pub name: String,
    pub whatsapp: String,
    pub email: String,
    pub address: String,
    pub notes: String,
}

/// Name, WhatsApp, email, address and notes, marked when the error is about them.
#[component]
pub fn CustomerFields(
    error: Signal<Option<crate::error::AppError>>,
    #[prop(optional)] values: CustomerValues,
) -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <label>
            <span>{t!(i18n, name_label)}</span>
            <input type="text" name="name" value=values.name required maxlength="100" autocomplete="off" aria-invalid=invalid_when(error, "name") />
        </label>
        <label>
            <span>{t!(i18n, whatsapp_label)}</span>
            <input type="tel" name="whatsapp" value=values.whatsapp required inputmode="tel" placeholder="0812-3456-7890" autocomplete="off" aria-invalid=invalid_when(error, "whatsapp") />
        </label>
        <label>
            <span>{t!(i18n, email_label)} " " <span class="muted">{t!(i18n, optional)}</span></span>
            <input type="email" name="email" value=values.email autocomplete="off" aria-invalid=invalid_when(error, "email") />
        </label>
        <label>
            <span>{t!(i18n, customer_address)} " " <span class="muted">{t!(i18n, optional)}</span></span>
            <input type="text" name="address" value=values.address maxlength="500" autocomplete="off" aria-invalid=invalid_when(error, "address") />
        </label>
        <label class="wide">
            <span>{t!(i18n, customer_notes)} " " <span class="muted">{t!(i18n, optional)}</span></span>
            <textarea name="notes" rows="2" maxlength="2000" aria-invalid=invalid_when(error, "notes")>{values.notes}</textarea>
        </label>
    }
}
