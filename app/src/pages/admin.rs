use crate::components::format::latency;
use crate::components::layout::admin_section_label;
use crate::error::AppError;
use crate::i18n::*;
use domain::Rupiah;
use domain::model::accounts::Summary;
use domain::model::health::{HealthReport, HealthStatus};
use leptos::prelude::*;
use leptos_router::hooks::use_params_map;
use serde::{Deserialize, Serialize};

/// The admin dashboard: head counts, today's sales and the health of what the service needs.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DashboardData {
    pub admin_name: String,
    pub summary: Summary,
    /// Vouchers sold today (the business's local day) and their revenue.
    pub sold_today: i64,
    pub revenue_today: Rupiah,
    pub health: HealthReport,
}

#[server(prefix = "/rpc")]
pub async fn dashboard_summary() -> Result<DashboardData, AppError> {
    use crate::auth::ssr::{require, services};
    let caller = require(&[domain::Role::Admin]).await?;
    let services = services()?;
    let figures = services
        .dashboard
        .get(&services.pool, services.config.timezone)
        .await?;
    let health = services.health().await;
    Ok(DashboardData {
        admin_name: caller.principal.name,
        summary: figures.summary,
        sold_today: figures.sold_today,
        revenue_today: figures.revenue_today,
        health,
    })
}

#[component]
pub fn Dashboard() -> impl IntoView {
    let i18n = use_i18n();
    let summary = Resource::new(|| (), |_| dashboard_summary());
    view! {
        <Suspense fallback=move || view! { <p class="muted">{t!(i18n, loading)}</p> }>
            {move || Suspend::new(async move {
                summary.await.map(|s| {
                    let name = s.admin_name.clone();
                    view! {
                        <h1>{t!(i18n, dashboard_welcome, name = name.clone())}</h1>
                        <div class="stats">
                            <div class="stat">
                                <span class="stat-label">{t!(i18n, stat_customers)}</span>
                                <span class="stat-value" data-stat="customers">{s.summary.customers}</span>
                            </div>
                            <div class="stat">
                                <span class="stat-label">{t!(i18n, stat_staff)}</span>
                                <span class="stat-value">{s.summary.active_staff}</span>
                            </div>
                            <div class="stat">
                                <span class="stat-label">{t!(i18n, stat_balance_total)}</span>
                                <span class="stat-value">{s.summary.balance_total.to_string()}</span>
                            </div>
                            <a class="stat stat-link" href="/admin/reports">
                                <span class="stat-label">{t!(i18n, stat_sold_today)}</span>
                                <span class="stat-value" data-stat="sold-today">{s.sold_today}</span>
                            </a>
                            <a class="stat stat-link" href="/admin/reports">
                                <span class="stat-label">{t!(i18n, stat_revenue_today)}</span>
                                <span class="stat-value" data-stat="revenue-today">{s.revenue_today.to_string()}</span>
                            </a>
                        </div>
                        <HealthCard health=s.health />
                    }
                })
            })}
        </Suspense>
    }
}

/// Whether the service has what it needs: the database, Redis and the rest, with their latency.
#[component]
fn HealthCard(health: HealthReport) -> impl IntoView {
    let i18n = use_i18n();
    let status = health.status;
    let health_label = move || match status {
        HealthStatus::Healthy => t_string!(i18n, status_healthy).to_string(),
        HealthStatus::Degraded => t_string!(i18n, status_degraded).to_string(),
        HealthStatus::Unhealthy => t_string!(i18n, status_unhealthy).to_string(),
    };
    view! {
        <section class="card">
            <h2>
                {t!(i18n, system_health)} " "
                <span class=format!("badge badge-{}", health_class(health.status))>{health_label}</span>
            </h2>
            <table class="table">
                <thead>
                    <tr>
                        <th scope="col"><span class="visually-hidden">{t!(i18n, component)}</span></th>
                        <th scope="col">{t!(i18n, status)}</th>
                        <th scope="col" class="numeric">{t!(i18n, latency)}</th>
                    </tr>
                </thead>
                <tbody>
                    {health.checks.into_iter().map(|c| {
                        let healthy = c.status == HealthStatus::Healthy;
                        let name = c.name.clone();
                        let component = move || check_label(i18n, &name);
                        let label = move || if healthy {
                            t_string!(i18n, status_healthy).to_string()
                        } else {
                            t_string!(i18n, status_unhealthy).to_string()
                        };
                        view! {
                            <tr data-check=c.name>
                                <th scope="row">{component}</th>
                                <td>
                                    <span class="status">
                                        <span class=if healthy { "dot dot-ok" } else { "dot dot-bad" } aria-hidden="true"></span>
                                        {label}
                                    </span>
                                </td>
                                <td class="numeric">{latency(c.latency_ms, 1)}</td>
                            </tr>
                        }
                    }).collect_view()}
                </tbody>
            </table>
        </section>
    }
}

/// What a health check looks at, in the page's language: the database, Redis, or a router by its
/// name (the checks are named `database`, `redis` and `router:<name>`).
fn check_label(i18n: leptos_i18n::I18nContext<Locale>, check: &str) -> String {
    match check {
        "database" => t_string!(i18n, health_database).to_string(),
        "redis" => t_string!(i18n, health_redis).to_string(),
        "ledger" => t_string!(i18n, health_ledger).to_string(),
        other => match other.strip_prefix("router:") {
            Some(name) => {
                let name = name.to_owned();
                t_string!(i18n, health_router, name).to_string()
            }
            None => other.to_owned(),
        },
    }
}

/// The badge class of a status: `badge-healthy`, `badge-degraded`, `badge-unhealthy`.
fn health_class(status: HealthStatus) -> &'static str {
    match status {
        HealthStatus::Healthy => "healthy",
        HealthStatus::Degraded => "degraded",
        HealthStatus::Unhealthy => "unhealthy",
    }
}

#[component]
pub fn ComingSoon() -> impl IntoView {
    let i18n = use_i18n();
    let params = use_params_map();
    let title = move || {
        let segment = params.with(|p| p.get("section").unwrap_or_default());
        admin_section_label(i18n, &segment).unwrap_or(segment)
    };
    view! {
        <h1>{title}</h1>
        <section class="card empty-state">
            <h2>{t!(i18n, coming_soon_title)}</h2>
            <p class="muted">{t!(i18n, coming_soon_body)}</p>
        </section>
    }
}
