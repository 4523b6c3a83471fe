//! The report's totals, its chart, and its tables per day, plan, cashier and router.

use super::ReportView;
use crate::components::format::date;
use crate::i18n::*;
use domain::Rupiah;
use domain::model::reports::GroupTotal;
use leptos::prelude::*;

#[component]
pub fn ReportBody(report: ReportView) -> impl IntoView {
    let i18n = use_i18n();
    let ReportView { report, chart_svg } = report;
    // Days with sales, as rows like the other groupings.
    let days: Vec<GroupTotal> = report
        .by_day
        .iter()
        .filter(|d| d.count > 0)
        .map(|d| GroupTotal {
            id: 0,
            name: date(d.date),
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
            <GroupTable title=Signal::derive(move || t_string!(i18n, report_by_day).to_string()) groups=days key="day" />
            <GroupTable title=Signal::derive(move || t_string!(i18n, report_by_plan).to_string()) groups=report.by_plan key="plan" />
            <GroupTable title=Signal::derive(move || t_string!(i18n, report_by_cashier).to_string()) groups=report.by_cashier key="cashier" />
            <GroupTable title=Signal::derive(move || t_string!(i18n, report_by_router).to_string()) groups=report.by_router key="router" />
        </div>
    }
}

#[component]
fn GroupTable(title: Signal<String>, groups: Vec<GroupTotal>, key: &'static str) -> impl IntoView {
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
