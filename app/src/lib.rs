//! The Leptos application: pages, components and server functions, rendered on the server and
//! hydrated in the browser.

include!(concat!(env!("OUT_DIR"), "/i18n/mod.rs"));

pub mod auth;
pub mod components;
pub mod error;
pub mod pages;

use crate::i18n::I18nContextProvider;
use leptos::prelude::*;
use leptos_meta::{MetaTags, Stylesheet, Title, provide_meta_context};
use leptos_router::components::{ParentRoute, Route, Router, Routes};
use leptos_router::path;

/// The HTML document around the app, rendered on the server.
pub fn shell(options: LeptosOptions) -> impl IntoView {
    view! {
        <!DOCTYPE html>
        <html>
            <head>
                <meta charset="utf-8" />
                <meta name="viewport" content="width=device-width, initial-scale=1" />
                <meta name="theme-color" content="#0f766e" />
                <link rel="icon" href="/favicon.svg" type="image/svg+xml" />
                <AutoReload options=options.clone() />
                <HydrationScripts options />
                <MetaTags />
            </head>
            <body>
                <App />
            </body>
        </html>
    }
}

#[component]
pub fn App() -> impl IntoView {
    provide_meta_context();
    view! {
        <I18nContextProvider>
            <Stylesheet id="leptos" href="/pkg/mikrotik_billing.css" />
            // Each page names itself ("Pelanggan · Mikrotik Billing"); the app's name alone until it does.
            <Title formatter=|text: String| {
                if text.is_empty() { "Mikrotik Billing".to_owned() } else { format!("{text} · Mikrotik Billing") }
            } />
            <components::HydrationMarker />
            <Router>
                <Routes fallback=pages::errors::NotFound>
                    <Route path=path!("/login") view=pages::login::LoginPage />
                    <Route path=path!("/register") view=pages::register::RegisterPage />
                    <ParentRoute path=path!("/admin") view=components::layout::AdminLayout>
                        <Route path=path!("") view=pages::admin::Dashboard />
                        <Route path=path!("routers") view=pages::routers::RoutersPage />
                        <Route path=path!("plans") view=pages::plans::PlansPage />
                        <Route path=path!("vouchers") view=pages::vouchers::VouchersPage />
                        <Route path=path!("reports") view=pages::reports::ReportsPage />
                        <Route path=path!("staff") view=pages::staff::StaffPage />
                        <Route path=path!("customers") view=pages::customers::CustomersPage />
                        <Route path=path!("customers/:id") view=pages::customers::CustomerPage />
                        <Route path=path!("invoices") view=pages::invoices::InvoicesPage />
                        <Route path=path!("subscriptions") view=pages::subscriptions::SubscriptionsPage />
                        <Route path=path!("routers/:id/pppoe") view=pages::subscriptions::RouterPppoePage />
                        <Route path=path!(":section") view=pages::admin::ComingSoon />
                    </ParentRoute>
                    <ParentRoute path=path!("/pos") view=components::layout::PosLayout>
                        <Route path=path!("") view=pages::pos::PosPage />
                        <Route path=path!("customers") view=pages::customers::PosCustomersPage />
                        <Route path=path!("customers/:id") view=pages::customers::PosCustomerPage />
                    </ParentRoute>
                    <ParentRoute path=path!("/portal") view=components::layout::PortalLayout>
                        <Route path=path!("") view=pages::portal::PortalHome />
                    </ParentRoute>
                    <Route path=path!("/print/vouchers") view=pages::print::PrintVouchersPage />
                    <Route path=path!("/print/sheets/:id") view=pages::print::PrintSheetPage />
                    <Route path=path!("/print/invoices/:id") view=pages::print::PrintInvoicePage />
                    <Route path=path!("/print/receipts/:id") view=pages::print::PrintReceiptPage />
                    <Route path=path!("/forbidden") view=pages::errors::Forbidden />
                </Routes>
            </Router>
        </I18nContextProvider>
    }
}
