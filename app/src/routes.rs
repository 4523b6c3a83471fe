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

pub struct LoginRoute;

impl LazyRoute for LoginRoute {
    fn data() -> Self {
        Self
    }

    async fn view(_this: Self) -> AnyView {
        public_area(PublicPage::Login).await
    }

    // The area's code is fetched before the page is hydrated or shown.
    async fn preload() {
        #[cfg(feature = "hydrate")]
        __preload_public_area().await;
    }
}

pub struct RegisterRoute;

impl LazyRoute for RegisterRoute {
    fn data() -> Self {
        Self
    }

    async fn view(_this: Self) -> AnyView {
        public_area(PublicPage::Register).await
    }

    // The area's code is fetched before the page is hydrated or shown.
    async fn preload() {
        #[cfg(feature = "hydrate")]
        __preload_public_area().await;
    }
}

pub struct ForbiddenRoute;

impl LazyRoute for ForbiddenRoute {
    fn data() -> Self {
        Self
    }

    async fn view(_this: Self) -> AnyView {
        public_area(PublicPage::Forbidden).await
    }

    // The area's code is fetched before the page is hydrated or shown.
    async fn preload() {
        #[cfg(feature = "hydrate")]
        __preload_public_area().await;
    }
}

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

pub struct PosRoute;

impl LazyRoute for PosRoute {
    fn data() -> Self {
        Self
    }

    async fn view(_this: Self) -> AnyView {
        sales_area(SalesPage::Sell).await
    }

    // The area's code is fetched before the page is hydrated or shown.
    async fn preload() {
        #[cfg(feature = "hydrate")]
        __preload_sales_area().await;
    }
}

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

pub struct PosCustomersRoute;

impl LazyRoute for PosCustomersRoute {
    fn data() -> Self {
        Self
    }

    async fn view(_this: Self) -> AnyView {
        counter_area(CounterPage::Customers).await
    }

    // The area's code is fetched before the page is hydrated or shown.
    async fn preload() {
        #[cfg(feature = "hydrate")]
        __preload_counter_area().await;
    }
}

pub struct PosCustomerRoute;

impl LazyRoute for PosCustomerRoute {
    fn data() -> Self {
        Self
    }

    async fn view(_this: Self) -> AnyView {
        counter_area(CounterPage::Customer).await
    }

    // The area's code is fetched before the page is hydrated or shown.
    async fn preload() {
        #[cfg(feature = "hydrate")]
        __preload_counter_area().await;
    }
}

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

pub struct PortalRoute;

impl LazyRoute for PortalRoute {
    fn data() -> Self {
        Self
    }

    async fn view(_this: Self) -> AnyView {
        portal_area(PortalPage::Home).await
    }

    // The area's code is fetched before the page is hydrated or shown.
    async fn preload() {
        #[cfg(feature = "hydrate")]
        __preload_portal_area().await;
    }
}

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

pub struct DashboardRoute;

impl LazyRoute for DashboardRoute {
    fn data() -> Self {
        Self
    }

    async fn view(_this: Self) -> AnyView {
        admin_area(AdminPage::Dashboard).await
    }

    // The area's code is fetched before the page is hydrated or shown.
    async fn preload() {
        #[cfg(feature = "hydrate")]
        __preload_admin_area().await;
    }
}

pub struct RoutersRoute;

impl LazyRoute for RoutersRoute {
    fn data() -> Self {
        Self
    }

    async fn view(_this: Self) -> AnyView {
        admin_area(AdminPage::Routers).await
    }

    // The area's code is fetched before the page is hydrated or shown.
    async fn preload() {
        #[cfg(feature = "hydrate")]
        __preload_admin_area().await;
    }
}

pub struct PlansRoute;

impl LazyRoute for PlansRoute {
    fn data() -> Self {
        Self
    }

    async fn view(_this: Self) -> AnyView {
        admin_area(AdminPage::Plans).await
    }

    // The area's code is fetched before the page is hydrated or shown.
    async fn preload() {
        #[cfg(feature = "hydrate")]
        __preload_admin_area().await;
    }
}

pub struct VouchersRoute;

impl LazyRoute for VouchersRoute {
    fn data() -> Self {
        Self
    }

    async fn view(_this: Self) -> AnyView {
        admin_area(AdminPage::Vouchers).await
    }

    // The area's code is fetched before the page is hydrated or shown.
    async fn preload() {
        #[cfg(feature = "hydrate")]
        __preload_admin_area().await;
    }
}

pub struct ReportsRoute;

impl LazyRoute for ReportsRoute {
    fn data() -> Self {
        Self
    }

    async fn view(_this: Self) -> AnyView {
        admin_area(AdminPage::Reports).await
    }

    // The area's code is fetched before the page is hydrated or shown.
    async fn preload() {
        #[cfg(feature = "hydrate")]
        __preload_admin_area().await;
    }
}

pub struct StaffRoute;

impl LazyRoute for StaffRoute {
    fn data() -> Self {
        Self
    }

    async fn view(_this: Self) -> AnyView {
        admin_area(AdminPage::Staff).await
    }

    // The area's code is fetched before the page is hydrated or shown.
    async fn preload() {
        #[cfg(feature = "hydrate")]
        __preload_admin_area().await;
    }
}

pub struct CustomersRoute;

impl LazyRoute for CustomersRoute {
    fn data() -> Self {
        Self
    }

    async fn view(_this: Self) -> AnyView {
        admin_area(AdminPage::Customers).await
    }

    // The area's code is fetched before the page is hydrated or shown.
    async fn preload() {
        #[cfg(feature = "hydrate")]
        __preload_admin_area().await;
    }
}

pub struct CustomerRoute;

impl LazyRoute for CustomerRoute {
    fn data() -> Self {
        Self
    }

    async fn view(_this: Self) -> AnyView {
        admin_area(AdminPage::Customer).await
    }

    // The area's code is fetched before the page is hydrated or shown.
    async fn preload() {
        #[cfg(feature = "hydrate")]
        __preload_admin_area().await;
    }
}

pub struct InvoicesRoute;

impl LazyRoute for InvoicesRoute {
    fn data() -> Self {
        Self
    }

    async fn view(_this: Self) -> AnyView {
        admin_area(AdminPage::Invoices).await
    }

    // The area's code is fetched before the page is hydrated or shown.
    async fn preload() {
        #[cfg(feature = "hydrate")]
        __preload_admin_area().await;
    }
}

pub struct SubscriptionsRoute;

impl LazyRoute for SubscriptionsRoute {
    fn data() -> Self {
        Self
    }

    async fn view(_this: Self) -> AnyView {
        admin_area(AdminPage::Subscriptions).await
    }

    // The area's code is fetched before the page is hydrated or shown.
    async fn preload() {
        #[cfg(feature = "hydrate")]
        __preload_admin_area().await;
    }
}

pub struct RouterPppoeRoute;

impl LazyRoute for RouterPppoeRoute {
    fn data() -> Self {
        Self
    }

    async fn view(_this: Self) -> AnyView {
        admin_area(AdminPage::RouterPppoe).await
    }

    // The area's code is fetched before the page is hydrated or shown.
    async fn preload() {
        #[cfg(feature = "hydrate")]
        __preload_admin_area().await;
    }
}

pub struct ComingSoonRoute;

impl LazyRoute for ComingSoonRoute {
    fn data() -> Self {
        Self
    }

    async fn view(_this: Self) -> AnyView {
        admin_area(AdminPage::ComingSoon).await
    }

    // The area's code is fetched before the page is hydrated or shown.
    async fn preload() {
        #[cfg(feature = "hydrate")]
        __preload_admin_area().await;
    }
}

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

pub struct PrintVouchersRoute;

impl LazyRoute for PrintVouchersRoute {
    fn data() -> Self {
        Self
    }

    async fn view(_this: Self) -> AnyView {
        print_area(PrintPage::Vouchers).await
    }

    // The area's code is fetched before the page is hydrated or shown.
    async fn preload() {
        #[cfg(feature = "hydrate")]
        __preload_print_area().await;
    }
}

pub struct PrintSheetRoute;

impl LazyRoute for PrintSheetRoute {
    fn data() -> Self {
        Self
    }

    async fn view(_this: Self) -> AnyView {
        print_area(PrintPage::Sheet).await
    }

    // The area's code is fetched before the page is hydrated or shown.
    async fn preload() {
        #[cfg(feature = "hydrate")]
        __preload_print_area().await;
    }
}

pub struct PrintInvoiceRoute;

impl LazyRoute for PrintInvoiceRoute {
    fn data() -> Self {
        Self
    }

    async fn view(_this: Self) -> AnyView {
        print_area(PrintPage::Invoice).await
    }

    // The area's code is fetched before the page is hydrated or shown.
    async fn preload() {
        #[cfg(feature = "hydrate")]
        __preload_print_area().await;
    }
}

pub struct PrintReceiptRoute;

impl LazyRoute for PrintReceiptRoute {
    fn data() -> Self {
        Self
    }

    async fn view(_this: Self) -> AnyView {
        print_area(PrintPage::Receipt).await
    }

    // The area's code is fetched before the page is hydrated or shown.
    async fn preload() {
        #[cfg(feature = "hydrate")]
        __preload_print_area().await;
    }
}
