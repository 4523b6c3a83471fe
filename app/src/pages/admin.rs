use crate::components::layout::admin_section_label;
use crate::error::AppError;
use crate::i18n::*;
use domain::Rupiah;
use leptos::prelude::*;
use leptos_router::hooks::use_params_map;
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DashboardData {
    pub admin_name: String,
    pub customers: i64,
    pub staff: i64,
    pub balance_total: Rupiah,
    /// Vouchers sold today (the business's local day) and their revenue.
    pub sold_today: i64,
    pub revenue_today: Rupiah,
    /// `healthy`, `degraded` or `unhealthy`.
    pub health: String,
    pub checks: Vec<HealthLine>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct HealthLine {
    pub name: String,
    pub healthy: bool,
    pub latency_ms: f64,
}

#[server(prefix = "/rpc")]
pub async fn dashboard_summary() -> Result<DashboardData, AppError> {
    use crate::auth::ssr::{require, services};
    use billing::identity::auth::AuthError;
    let caller = require(&[domain::Role::Admin]).await?;
    let services = services()?;
    let counts = billing::identity::accounts::counts(&services.pool)
        .await
        .map_err(AuthError::from)?;
    let today =
        billing::hotspot::sales::today(&services.pool, services.config.timezone, None, 1).await?;
    let report = services.health().await;
    let health = serde_json::to_value(report.status)
        .ok()
        .and_then(|v| v.as_str().map(str::to_owned))
        .unwrap_or_default();
    Ok(DashboardData {
        admin_name: caller.principal.name,
        customers: counts.customers,
        staff: counts.staff,
        balance_total: Rupiah::new(counts.balance_total),
        sold_today: today.count,
        revenue_today: today.total,
        health,
        checks: report
            .checks
            .into_iter()
            .map(|c| HealthLine {
                healthy: c.status == billing::core::health::Status::Healthy,
                name: c.name,
                latency_ms: c.latency_ms,
            })
            .collect(),
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
                    let health_label = match s.health.as_str() {
                        "healthy" => t_string!(i18n, status_healthy).to_string(),
                        "degraded" => t_string!(i18n, status_degraded).to_string(),
                        _ => t_string!(i18n, status_unhealthy).to_string(),
                    };
                    view! {
                        <h1>{t!(i18n, dashboard_welcome, name = name.clone())}</h1>
                        <div class="stats">
                            <div class="stat">
                                <span class="stat-label">{t!(i18n, stat_customers)}</span>
                                <span class="stat-value" data-stat="customers">{s.customers}</span>
                            </div>
                            <div class="stat">
                                <span class="stat-label">{t!(i18n, stat_staff)}</span>
                                <span class="stat-value">{s.staff}</span>
                            </div>
                            <div class="stat">
                                <span class="stat-label">{t!(i18n, stat_balance_total)}</span>
                                <span class="stat-value">{s.balance_total.to_string()}</span>
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
                        <section class="card">
                            <h2>
                                {t!(i18n, system_health)} " "
                                <span class=format!("badge badge-{}", s.health)>{health_label}</span>
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
                                    {s.checks.into_iter().map(|c| {
                                        let label = if c.healthy {
                                            t_string!(i18n, status_healthy).to_string()
                                        } else {
                                            t_string!(i18n, status_unhealthy).to_string()
                                        };
                                        view! {
                                            <tr>
                                                <th scope="row">{c.name}</th>
                                                <td>
                                                    <span class="status">
                                                        <span class=if c.healthy { "dot dot-ok" } else { "dot dot-bad" } aria-hidden="true"></span>
                                                        {label}
                                                    </span>
                                                </td>
                                                <td class="numeric">{format!("{:.1} ms", c.latency_ms)}</td>
                                            </tr>
                                        }
                                    }).collect_view()}
                                </tbody>
                            </table>
                        </section>
                    }
                })
            })}
        </Suspense>
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
