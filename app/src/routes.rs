//! Every page is a lazy route, and its code is in the WASM file of its audience: in a split build
//! (cargo-leptos `--split`, every build here) the sales screen, the counter's customer pages, the
//! portal, the admin console, the printable pages and the pages before a login are each a file of
//! their own (with the chunks some of them share), beside the main file (the framework, the
//! router, the layouts). A cashier's tablet loads the sales screen's code and not the admin
//! console's; a few larger files rather than one per page, because on 4G each request costs a
//! round trip. A page's data is loaded by the page itself (on a first load it is in the HTML).

use crate::pages;
use leptos::prelude::*;
use leptos_router::LazyRoute;

/// The lazy routes of an area: each one's view is a page of the area's lazy function, and its
/// preload fetches the area's file before the page is hydrated or shown (without it the page
/// would not hydrate).
macro_rules! area_routes {
    ($area:ident, $preload:ident: $($route:ident => $page:expr),+ $(,)?) => {$(
        pub struct $route;

        impl LazyRoute for $route {
            fn data() -> Self {
                Self
            }

            async fn view(_this: Self) -> AnyView {
                $area($page).await
            }

            async fn preload() {
                #[cfg(feature = "hydrate")]
                $preload().await;
            }
        }
    )+};
}

/// The pages before a login: log in, register, and "forbidden".
#[derive(Clone, Copy, Debug)]
#[repr(u8)]
pub enum PublicPage {
    Login,
    Register,
    Forbidden,
}

/// The view of a page of this area; its code is loaded with the first page of the area.
#[lazy]
fn public_area(page: PublicPage) -> AnyView {
    match page {
        PublicPage::Login => view! { <pages::login::LoginPage /> }.into_any(),
        PublicPage::Register => view! { <pages::register::RegisterPage /> }.into_any(),
        PublicPage::Forbidden => view! { <pages::errors::Forbidden /> }.into_any(),
    }
}

area_routes!(public_area, __preload_public_area:
    LoginRoute => PublicPage::Login,
    RegisterRoute => PublicPage::Register,
    ForbiddenRoute => PublicPage::Forbidden,
);

/// The sales screen alone: what a cashier's tablet loads first.
#[derive(Clone, Copy, Debug)]
#[repr(u8)]
pub enum SalesPage {
    Sell,
}

/// The view of a page of this area; its code is loaded with the first page of the area.
#[lazy]
fn sales_area(page: SalesPage) -> AnyView {
    match page {
        SalesPage::Sell => view! { <pages::pos::PosPage /> }.into_any(),
    }
}

area_routes!(sales_area, __preload_sales_area:
    PosRoute => SalesPage::Sell,
);

/// The counter's customer pages (find a customer, take a payment).
#[derive(Clone, Copy, Debug)]
#[repr(u8)]
pub enum CounterPage {
    Customers,
    Customer,
}

/// The view of a page of this area; its code is loaded with the first page of the area.
#[lazy]
fn counter_area(page: CounterPage) -> AnyView {
    match page {
        CounterPage::Customers => view! { <pages::customers::PosCustomersPage /> }.into_any(),
        CounterPage::Customer => view! { <pages::customers::PosCustomerPage /> }.into_any(),
    }
}

area_routes!(counter_area, __preload_counter_area:
    PosCustomersRoute => CounterPage::Customers,
    PosCustomerRoute => CounterPage::Customer,
);

/// The customer's portal.
#[derive(Clone, Copy, Debug)]
#[repr(u8)]
pub enum PortalPage {
    Home,
}

/// The view of a page of this area; its code is loaded with the first page of the area.
#[lazy]
fn portal_area(page: PortalPage) -> AnyView {
    match page {
        PortalPage::Home => view! { <pages::portal::PortalHome /> }.into_any(),
    }
}

area_routes!(portal_area, __preload_portal_area:
    PortalRoute => PortalPage::Home,
);

/// The admin console.
#[derive(Clone, Copy, Debug)]
#[repr(u8)]
pub enum AdminPage {
    Dashboard,
    Routers,
    Plans,
    Vouchers,
    Reports,
    Staff,
    Customers,
    Customer,
    Invoices,
    Subscriptions,
    RouterPppoe,
    ComingSoon,
}

/// The view of a page of this area; its code is loaded with the first page of the area.
#[lazy]
fn admin_area(page: AdminPage) -> AnyView {
    match page {
        AdminPage::Dashboard => view! { <pages::admin::Dashboard /> }.into_any(),
        AdminPage::Routers => view! { <pages::routers::RoutersPage /> }.into_any(),
        AdminPage::Plans => view! { <pages::plans::PlansPage /> }.into_any(),
        AdminPage::Vouchers => view! { <pages::vouchers::VouchersPage /> }.into_any(),
        AdminPage::Reports => view! { <pages::reports::ReportsPage /> }.into_any(),
        AdminPage::Staff => view! { <pages::staff::StaffPage /> }.into_any(),
        AdminPage::Customers => view! { <pages::customers::CustomersPage /> }.into_any(),
        AdminPage::Customer => view! { <pages::customers::CustomerPage /> }.into_any(),
        AdminPage::Invoices => view! { <pages::invoices::InvoicesPage /> }.into_any(),
        AdminPage::Subscriptions => {
            view! { <pages::subscriptions::SubscriptionsPage /> }.into_any()
        }
        AdminPage::RouterPppoe => view! { <pages::subscriptions::RouterPppoePage /> }.into_any(),
        AdminPage::ComingSoon => view! { <pages::admin::ComingSoon /> }.into_any(),
    }
}

area_routes!(admin_area, __preload_admin_area:
    DashboardRoute => AdminPage::Dashboard,
    RoutersRoute => AdminPage::Routers,
    PlansRoute => AdminPage::Plans,
    VouchersRoute => AdminPage::Vouchers,
    ReportsRoute => AdminPage::Reports,
    StaffRoute => AdminPage::Staff,
    CustomersRoute => AdminPage::Customers,
    CustomerRoute => AdminPage::Customer,
    InvoicesRoute => AdminPage::Invoices,
    SubscriptionsRoute => AdminPage::Subscriptions,
    RouterPppoeRoute => AdminPage::RouterPppoe,
    ComingSoonRoute => AdminPage::ComingSoon,
);

/// The printable sheets, invoices and receipts.
#[derive(Clone, Copy, Debug)]
#[repr(u8)]
pub enum PrintPage {
    Vouchers,
    Sheet,
    Invoice,
    Receipt,
}

/// The view of a page of this area; its code is loaded with the first page of the area.
#[lazy]
fn print_area(page: PrintPage) -> AnyView {
    match page {
        PrintPage::Vouchers => view! { <pages::print::PrintVouchersPage /> }.into_any(),
        PrintPage::Sheet => view! { <pages::print::PrintSheetPage /> }.into_any(),
        PrintPage::Invoice => view! { <pages::print::PrintInvoicePage /> }.into_any(),
        PrintPage::Receipt => view! { <pages::print::PrintReceiptPage /> }.into_any(),
    }
}

area_routes!(print_area, __preload_print_area:
    PrintVouchersRoute => PrintPage::Vouchers,
    PrintSheetRoute => PrintPage::Sheet,
    PrintInvoiceRoute => PrintPage::Invoice,
    PrintReceiptRoute => PrintPage::Receipt,
);
