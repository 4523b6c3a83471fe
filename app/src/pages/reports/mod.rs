//! Sales report: vouchers sold and revenue for a period, per day (with a chart), plan, cashier and
//! router, and the period's sales as CSV.

mod groups;
mod server;

pub use server::*;

use crate::components::FormError;
use crate::i18n::*;
use groups::ReportBody;
use leptos::prelude::*;
use leptos_router::hooks::use_query_map;

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
