//! The Leptos application: pages, components and server functions, rendered on the server and
//! hydrated in the browser.

// Without `erase_components` (a build that turns it off), the future that hydrates the deepest
// page's view is deeper than the default limit allows.
#![recursion_limit = "256"]

include!(concat!(env!("OUT_DIR"), "/i18n/mod.rs"));

pub mod auth;
pub mod components;
pub mod error;
pub mod pages;
pub mod routes;

use crate::i18n::I18nContextProvider;
use leptos::prelude::*;
use leptos_meta::{HashedStylesheet, MetaTags, Title, provide_meta_context};
use leptos_router::components::{ParentRoute, Route, Router, Routes};
use leptos_router::{Lazy, path};

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
                // The stylesheet, the script and the WASM by their build's hashed names (immutable).
                <HashedStylesheet options=options.clone() id="leptos" />
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
    // While the router fetches a page's code and data, `<body data-routing="true">`: a bar runs
    // along the top (style/main.css), and tests wait for the page.
    let (is_routing, set_is_routing) = signal(false);
    Effect::new(move |_| {
        if let Some(body) = document().body() {
            let _ = body.set_attribute("data-routing", &is_routing.get().to_string());
        }
    });
    view! {
        <I18nContextProvider>
            // Each page names itself ("Pelanggan · Mikrotik Billing"); the app's name alone until it does.
            <Title formatter=|text: String| {
                if text.is_empty() { "Mikrotik Billing".to_owned() } else { format!("{text} · Mikrotik Billing") }
            } />
            <Router set_is_routing>
                <Routes fallback=pages::errors::NotFound>
                    <Route path=path!("/login") view={Lazy::<routes::LoginRoute>::new()} />
                    <Route path=path!("/register") view={Lazy::<routes::RegisterRoute>::new()} />
                    <ParentRoute path=path!("/admin") view=components::layout::AdminLayout>
                        <Route path=path!("") view={Lazy::<routes::DashboardRoute>::new()} />
                        <Route path=path!("routers") view={Lazy::<routes::RoutersRoute>::new()} />
                        <Route path=path!("plans") view={Lazy::<routes::PlansRoute>::new()} />
                        <Route path=path!("vouchers") view={Lazy::<routes::VouchersRoute>::new()} />
                        <Route path=path!("reports") view={Lazy::<routes::ReportsRoute>::new()} />
                        <Route path=path!("staff") view={Lazy::<routes::StaffRoute>::new()} />
                        <Route path=path!("customers") view={Lazy::<routes::CustomersRoute>::new()} />
                        <Route path=path!("customers/:id") view={Lazy::<routes::CustomerRoute>::new()} />
                        <Route path=path!("invoices") view={Lazy::<routes::InvoicesRoute>::new()} />
                        <Route path=path!("subscriptions") view={Lazy::<routes::SubscriptionsRoute>::new()} />
                        <Route path=path!("routers/:id/pppoe") view={Lazy::<routes::RouterPppoeRoute>::new()} />
                        <Route path=path!(":section") view={Lazy::<routes::ComingSoonRoute>::new()} />
                    </ParentRoute>
                    <ParentRoute path=path!("/pos") view=components::layout::PosLayout>
                        <Route path=path!("") view={Lazy::<routes::PosRoute>::new()} />
                        <Route path=path!("customers") view={Lazy::<routes::PosCustomersRoute>::new()} />
                        <Route path=path!("customers/:id") view={Lazy::<routes::PosCustomerRoute>::new()} />
                    </ParentRoute>
                    <ParentRoute path=path!("/portal") view=components::layout::PortalLayout>
                        <Route path=path!("") view={Lazy::<routes::PortalRoute>::new()} />
                    </ParentRoute>
                    <Route path=path!("/print/vouchers") view={Lazy::<routes::PrintVouchersRoute>::new()} />
                    <Route path=path!("/print/sheets/:id") view={Lazy::<routes::PrintSheetRoute>::new()} />
                    <Route path=path!("/print/invoices/:id") view={Lazy::<routes::PrintInvoiceRoute>::new()} />
                    <Route path=path!("/print/receipts/:id") view={Lazy::<routes::PrintReceiptRoute>::new()} />
                    <Route path=path!("/forbidden") view={Lazy::<routes::ForbiddenRoute>::new()} />
                </Routes>
            </Router>
        </I18nContextProvider>
    }
}
