//! Today's sales: the cashier's own, per cashier and in all, and the cashier's latest.

use super::TodayView;
use crate::i18n::*;
use domain::Rupiah;
use leptos::prelude::*;

#[component]
pub fn TodayPanel(today: TodayView) -> impl IntoView {
    let i18n = use_i18n();
    let TodayView {
        today,
        cashier_id,
        latest,
    } = today;
    let date = crate::components::format::date(today.date);
    let mine = today.cashiers.iter().find(|c| c.cashier_id == cashier_id);
    let (mine_count, mine_total) = (
        mine.map_or(0, |c| c.count),
        mine.map_or(Rupiah::ZERO, |c| c.total),
    );
    view! {
        <h2 id="pos-today-title">{t!(i18n, pos_today)} " " <span class="muted small">{date}</span></h2>
        <div class="today-mine">
            <p class="stat" data-stat="mine-count">
                <span class="stat-value">{mine_count}</span>
                <span class="stat-label">{t!(i18n, pos_my_sales)}</span>
            </p>
            <p class="stat" data-stat="mine-total">
                <span class="stat-value">{mine_total.to_string()}</span>
                <span class="stat-label">{t!(i18n, pos_my_total)}</span>
            </p>
        </div>
        <table class="table today-cashiers">
            <thead>
                <tr>
                    <th>{t!(i18n, pos_cashier)}</th>
                    <th class="num">{t!(i18n, pos_count)}</th>
                    <th class="num">{t!(i18n, pos_total)}</th>
                </tr>
            </thead>
            <tbody>
                {today
                    .cashiers
                    .into_iter()
                    .map(|c| view! {
                        <tr class:me=c.cashier_id == cashier_id>
                            <td>{c.cashier_name}</td>
                            <td class="num">{c.count}</td>
                            <td class="num">{c.total.to_string()}</td>
                        </tr>
                    })
                    .collect_view()}
            </tbody>
            <tfoot>
                <tr>
                    <th>{t!(i18n, pos_all_cashiers)}</th>
                    <th class="num" data-total="count">{today.count}</th>
                    <th class="num" data-total="amount">{today.total.to_string()}</th>
                </tr>
            </tfoot>
        </table>
        {(!latest.is_empty()).then(|| view! {
            <h3 class="small muted">{t!(i18n, pos_latest)}</h3>
            <ul class="latest-sales">
                {latest
                    .into_iter()
                    .map(|l| view! {
                        <li>
                            <span class="muted">{l.time.clone()}</span>
                            <span class="code">{l.code.clone()}</span>
                            <span>{l.plan_name.clone()}</span>
                            <span class="num">{l.price.to_string()}</span>
                        </li>
                    })
                    .collect_view()}
            </ul>
        })}
    }
}
