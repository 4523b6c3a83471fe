//! The sales report's server function: the report and its chart.

use crate::error::AppError;
use leptos::prelude::*;
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
