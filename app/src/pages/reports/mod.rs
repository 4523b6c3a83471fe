//! Sales report: vouchers sold and revenue for a period, per day (with a chart), plan, cashier and
//! router, and the period's sales as CSV.

mod groups;
mod server;

pub use server::*;

use crate::components::format::{date, read_date};
use crate::components::{FormError, invalid_when};
use crate::error::AppError;
use crate::i18n::*;
use groups::ReportBody;
use leptos::prelude::*;
use leptos_router::hooks::use_query_map;

#[component]
pub fn ReportsPage() -> impl IntoView {
    let i18n = use_i18n();
    let query = use_query_map();
    // The period as typed (day first, like the tables); the report asks for ISO dates, and a date
    // that does not read is passed on as typed for the server to refuse with its field.
    let period = Memo::new(move |_| {
        query.with(|q| {
            let typed = |key| q.get(key).unwrap_or_default();
            (iso_or_typed(&typed("from")), iso_or_typed(&typed("to")))
        })
    });
    let report = Resource::new(move || period.get(), |(from, to)| sales_report(from, to));
    view! {
        <h1>{t!(i18n, reports_title)}</h1>
        <Suspense fallback=move || view! { <p class="muted">{t!(i18n, loading)}</p> }>
            {move || Suspend::new(async move {
                let (fields, refused) = match report.await {
                    Ok(r) => ((date(r.report.period.from), date(r.report.period.to)), None),
                    Err(e) => (query.with_untracked(|q| (q.get("from").unwrap_or_default(), q.get("to").unwrap_or_default())), Some(e)),
                };
                let refused = Signal::stored(refused);
                let csv = report_csv_href(&fields.0, &fields.1);
                view! {
                    <form method="get" action="/admin/reports" class="card form-inline report-period">
                        <DateField name="from" label=Signal::derive(move || t_string!(i18n, report_from).to_string()) value=fields.0 refused />
                        <DateField name="to" label=Signal::derive(move || t_string!(i18n, report_to).to_string()) value=fields.1 refused />
                        <button type="submit" class="button button-primary">{t!(i18n, report_show)}</button>
                        {csv.map(|href| view! {
                            <a class="button button-secondary" href=href download>{t!(i18n, report_csv)}</a>
                        })}
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

/// A date field that shows and takes dates day first (`31-12-2026`), like the tables: a text
/// field, since a browser's own date field follows the browser's language (month first in
/// many), not the page's.
#[component]
fn DateField(
    name: &'static str,
    label: Signal<String>,
    value: String,
    refused: Signal<Option<AppError>>,
) -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <label>
            <span>{label}</span>
            <input
                type="text"
                name=name
                value=value
                inputmode="numeric"
                autocomplete="off"
                maxlength="10"
                placeholder=move || t_string!(i18n, date_placeholder).to_string()
                aria-invalid=invalid_when(refused, name)
            />
        </label>
    }
}

/// A typed date in the ISO form the report takes, or the text as typed when it does not read.
fn iso_or_typed(text: &str) -> String {
    read_date(text)
        .map(|d| d.format("%Y-%m-%d").to_string())
        .unwrap_or_else(|| text.trim().to_owned())
}

/// The CSV of the period shown, when both its dates read.
fn report_csv_href(from: &str, to: &str) -> Option<String> {
    let (from, to) = (read_date(from)?, read_date(to)?);
    Some(format!(
        "/api/v2/reports/sales.csv?from={}&to={}",
        from.format("%Y-%m-%d"),
        to.format("%Y-%m-%d")
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn typed_dates_reach_the_report_and_its_csv_in_iso_form() {
        assert_eq!(iso_or_typed("05-12-2026"), "2026-12-05");
        assert_eq!(iso_or_typed("2026-12-05"), "2026-12-05");
        assert_eq!(iso_or_typed(" kemarin "), "kemarin");
        assert_eq!(iso_or_typed(""), "");
        assert_eq!(
            report_csv_href("01/12/2026", "05-12-2026").as_deref(),
            Some("/api/v2/reports/sales.csv?from=2026-12-01&to=2026-12-05")
        );
        assert_eq!(report_csv_href("", "05-12-2026"), None);
    }
}
