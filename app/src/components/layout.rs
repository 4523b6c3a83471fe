//! Page frames: the admin console (sidebar on desktop, a menu button on phones), the cashier's
//! sales screen, and the customer portal (phone first).

use super::LanguageSwitch;
use crate::auth::{Logout, current_user};
use crate::i18n::*;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::components::{A, Outlet};
use leptos_router::hooks::use_location;

/// The sections of the admin console that are still to come: their addresses show a
/// coming-soon card, and the menu leaves them out until they exist.
const COMING_SECTIONS: [&str; 5] = [
    "/admin/payments",
    "/admin/whatsapp",
    "/admin/backups",
    "/admin/settings",
    "/admin/audit",
];

/// The sections of the admin console, in menu order: (path, label).
fn admin_sections(i18n: leptos_i18n::I18nContext<Locale>) -> Vec<(&'static str, String)> {
    vec![
        ("/admin", t_string!(i18n, nav_dashboard).to_string()),
        (
            "/admin/customers",
            t_string!(i18n, nav_customers).to_string(),
        ),
        (
            "/admin/subscriptions",
            t_string!(i18n, nav_subscriptions).to_string(),
        ),
        ("/admin/routers", t_string!(i18n, nav_routers).to_string()),
        ("/admin/plans", t_string!(i18n, nav_plans).to_string()),
        ("/admin/vouchers", t_string!(i18n, nav_vouchers).to_string()),
        ("/admin/invoices", t_string!(i18n, nav_invoices).to_string()),
        ("/admin/payments", t_string!(i18n, nav_payments).to_string()),
        ("/admin/whatsapp", t_string!(i18n, nav_whatsapp).to_string()),
        ("/admin/backups", t_string!(i18n, nav_backups).to_string()),
        ("/admin/reports", t_string!(i18n, nav_reports).to_string()),
        ("/admin/staff", t_string!(i18n, nav_staff).to_string()),
        ("/admin/settings", t_string!(i18n, nav_settings).to_string()),
        ("/admin/audit", t_string!(i18n, nav_audit).to_string()),
        ("/pos", t_string!(i18n, nav_pos).to_string()),
    ]
}

/// The translated label of an admin section, by its path segment.
pub fn admin_section_label(
    i18n: leptos_i18n::I18nContext<Locale>,
    segment: &str,
) -> Option<String> {
    let path = if segment.is_empty() {
        "/admin".to_owned()
    } else {
        format!("/admin/{segment}")
    };
    admin_sections(i18n)
        .into_iter()
        .find(|(p, _)| *p == path)
        .map(|(_, label)| label)
}

/// The logged-in user's name and the logout button.
#[component]
pub fn UserBox() -> impl IntoView {
    let i18n = use_i18n();
    let user = Resource::new(|| (), |_| current_user());
    let logout = ServerAction::<Logout>::new();
    view! {
        <div class="user-box">
            <Suspense fallback=|| ()>
                {move || Suspend::new(async move {
                    user.await.ok().flatten().map(|u| view! { <span class="user-name">{u.name}</span> })
                })}
            </Suspense>
            <ActionForm action=logout>
                <button type="submit" class="button button-quiet">{t!(i18n, logout)}</button>
            </ActionForm>
        </div>
    }
}

#[component]
pub fn AdminLayout() -> impl IntoView {
    let i18n = use_i18n();
    let (menu_open, set_menu_open) = signal(false);
    // The tab is named after the section: `/admin/customers/5` is "Pelanggan".
    let pathname = use_location().pathname;
    let title = move || {
        let path = pathname.get();
        let segment = path
            .trim_start_matches("/admin")
            .trim_start_matches('/')
            .split('/')
            .next()
            .unwrap_or_default()
            .to_owned();
        admin_section_label(i18n, &segment).unwrap_or_default()
    };
    view! {
        <Title text=title />
        <div class="admin" class:menu-open=menu_open>
            <header class="topbar">
                <button
                    type="button"
                    class="menu-toggle"
                    aria-controls="admin-nav"
                    aria-expanded=move || menu_open.get().to_string()
                    on:click=move |_| set_menu_open.update(|open| *open = !*open)
                >
                    <span aria-hidden="true">"☰"</span>
                    <span class="visually-hidden">{t!(i18n, menu)}</span>
                </button>
                <a class="brand" href="/admin">{t!(i18n, app_name)}</a>
                <LanguageSwitch />
                <UserBox />
            </header>
            <nav id="admin-nav" class="sidebar" on:click=move |_| set_menu_open.set(false)>
                <ul>
                    {move || {
                        admin_sections(i18n)
                            .into_iter()
                            .filter(|(href, _)| !COMING_SECTIONS.contains(href))
                            .map(|(href, label)| {
                                view! {
                                    <li>
                                        <A href=href exact=true>{label}</A>
                                    </li>
                                }
                            })
                            .collect_view()
                    }}
                </ul>
            </nav>
            <main class="content">
                <Outlet />
            </main>
        </div>
    }
}

#[component]
pub fn PosLayout() -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <Title text=move || t_string!(i18n, nav_pos).to_string() />
        <div class="pos">
            <header class="topbar">
                <a class="brand" href="/pos">{t!(i18n, app_name)}</a>
                <nav class="pos-nav" aria-label=move || t_string!(i18n, menu)>
                    <A href="/pos" exact=true>{t!(i18n, pos_sell)}</A>
                    <A href="/pos/customers">{t!(i18n, pos_bills)}</A>
                </nav>
                <LanguageSwitch />
                <UserBox />
            </header>
            <main class="content">
                <Outlet />
            </main>
        </div>
    }
}

#[component]
pub fn PortalLayout() -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <Title text=move || t_string!(i18n, portal_title).to_string() />
        <div class="portal">
            <header class="topbar">
                <a class="brand" href="/portal">{t!(i18n, app_name)}</a>
                <LanguageSwitch />
                <UserBox />
            </header>
            <main class="content narrow">
                <Outlet />
            </main>
        </div>
    }
}
