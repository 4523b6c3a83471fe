//! Sales report: vouchers sold and revenue for a period, per day (with a chart), plan, cashier and
//! router, and the period's sales as CSV.

use crate::components::FormError;
use crate::error::AppError;
use crate::i18n::*;
use domain::Rupiah;
use domain::model::reports::GroupTotal;
use leptos::prelude::*;
use leptos_router::hooks::use_query_map;
use serde::{Deserialize, Serialize};

/// A sales report with its chart.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ReportView {
    pub report: domain::model::reports::SalesReport,
    /// Revenue per day, an SVG drawn on the server.
    pub chart_svg: String,
}

/// The report for `from`–`to` (`YYYY-MM-DD`); empty means this month so far.
#[server(prefix = "/rpc")]
pub async fn sales_report(from: String, to: String) -> Result<ReportView, AppError> {
    use crate::auth::ssr::{require, services};
    use billing::reports;
    use domain::model::reports::Period;
    require(&[domain::Role::Admin]).await?;
    let services = services()?;
    let timezone = services.config.timezone;
    let period = if from.trim().is_empty() && to.trim().is_empty() {
        reports::month_to_date(timezone)
    } else {
        Period::parse(&from, &to)?
    };
    let report = reports::sales(&services.pool, timezone, period).await?;
    Ok(ReportView {
        chart_svg: reports::revenue_chart_svg(&report, ""),
        report,
    })
}

#[component]
pub fn ReportsPage() -> impl IntoView {
    let i18n = use_i18n();
    let query = use_query_map();
    let period = Memo::new(move |_| {
        query.with(|q| {
            (
                q.get("from").unwrap_or_default(),
                q.get("to").unwrap_or_default(),
            )
        })
    });
    let report = Resource::new(move || period.get(), |(from, to)| sales_report(from, to));
    view! {
        <h1>{t!(i18n, reports_title)}</h1>
        <Suspense fallback=move || view! { <p class="muted">{t!(i18n, loading)}</p> }>
            {move || Suspend::new(async move {
                let (from, to) = match report.await {
                    Ok(r) => (
                        r.report.period.from.format("%Y-%m-%d").to_string(),
                        r.report.period.to.format("%Y-%m-%d").to_string(),
                    ),
                    Err(_) => period.get_untracked(),
                };
                view! {
                    <form method="get" action="/admin/reports" class="card form-inline report-period">
                        <label>
                            <span>{t!(i18n, report_from)}</span>
                            <input type="date" name="from" value=from.clone() required />
                        </label>
                        <label>
                            <span>{t!(i18n, report_to)}</span>
                            <input type="date" name="to" value=to.clone() required />
                        </label>
                        <button type="submit" class="button button-primary">{t!(i18n, report_show)}</button>
                        <a
                            class="button button-secondary"
                            href=format!("/api/v2/reports/sales.csv?from={from}&to={to}")
                            download
                        >
                            {t!(i18n, report_csv)}
                        </a>
                    </form>
                }
            })}
        </Suspense>
        <Suspense fallback=|| ()>
            {move || Suspend::new(async move {
                match report.await {
                    Ok(r) => view! { <ReportBody report=r /> }.into_any(),
                    Err(e) => view! { <FormError error=Signal::stored(Some(e)) /> }.into_any(),
                }
            })}
        </Suspense>
    }
}

#[component]
fn ReportBody(report: ReportView) -> impl IntoView {
    let i18n = use_i18n();
    let ReportView { report, chart_svg } = report;
    // Days with sales, as rows like the other groupings.
    let days: Vec<GroupTotal> = report
        .by_day
        .iter()
        .filter(|d| d.count > 0)
        .map(|d| GroupTotal {
            id: 0,
            name: d.date.format("%d-%m-%Y").to_string(),
            detail: String::new(),
            count: d.count,
            revenue: d.revenue,
        })
        .collect();
    view! {
        <section class="stats">
            <div class="card stat" data-stat="count">
                <span class="stat-value">{report.count}</span>
                <span class="stat-label">{t!(i18n, report_vouchers_sold)}</span>
            </div>
            <div class="card stat" data-stat="revenue">
                <span class="stat-value">{report.revenue.to_string()}</span>
                <span class="stat-label">{t!(i18n, report_revenue)}</span>
            </div>
        </section>
        <section class="card chart">
            <h2>{t!(i18n, report_chart_title)}</h2>
            <div class="chart-svg" inner_html=chart_svg></div>
        </section>
        <div class="report-groups">
            <GroupTable title=t_string!(i18n, report_by_day).to_string() groups=days key="day" />
            <GroupTable title=t_string!(i18n, report_by_plan).to_string() groups=report.by_plan key="plan" />
            <GroupTable title=t_string!(i18n, report_by_cashier).to_string() groups=report.by_cashier key="cashier" />
            <GroupTable title=t_string!(i18n, report_by_router).to_string() groups=report.by_router key="router" />
        </div>
    }
}

#[component]
fn GroupTable(title: String, groups: Vec<GroupTotal>, key: &'static str) -> impl IntoView {
    let i18n = use_i18n();
    let count: i64 = groups.iter().map(|g| g.count).sum();
    let revenue = groups.iter().fold(Rupiah::ZERO, |sum, g| sum + g.revenue);
    view! {
        <section class="card report-group" data-group=key>
            <h2>{title}</h2>
            {if groups.is_empty() {
                view! { <p class="muted">{t!(i18n, report_empty)}</p> }.into_any()
            } else {
                view! {
                    <table class="table">
                        <thead>
                            <tr>
                                <th></th>
                                <th class="num">{t!(i18n, pos_count)}</th>
                                <th class="num">{t!(i18n, report_revenue)}</th>
                            </tr>
                        </thead>
                        <tbody>
                            {groups
                                .into_iter()
                                .map(|g| view! {
                                    <tr>
                                        <td>
                                            {g.name}
                                            {(!g.detail.is_empty()).then(|| view! { <span class="muted small">" · " {g.detail.clone()}</span> })}
                                        </td>
                                        <td class="num">{g.count}</td>
                                        <td class="num">{g.revenue.to_string()}</td>
                                    </tr>
                                })
                                .collect_view()}
                        </tbody>
                        <tfoot>
                            <tr>
                                <th>{t!(i18n, report_total)}</th>
                                <th class="num" data-total="count">{count}</th>
                                <th class="num" data-total="revenue">{revenue.to_string()}</th>
                            </tr>
                        </tfoot>
                    </table>
                }
                    .into_any()
            }}
        </section>
    }
}
