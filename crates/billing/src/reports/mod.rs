//! Sales reports: vouchers sold and revenue for a period of local days, per day, plan, cashier and
//! router, with a chart and a CSV export. Every figure is a sum over `voucher_sales`, so the
//! groupings always add up to the same total.

pub mod dashboard;

use crate::core::days::day_bounds;
use crate::core::problem::{Explain, Problem};
use chrono::Utc;
use domain::FieldError;
use domain::Rupiah;
use domain::model::reports::{DayTotal, GroupTotal, Period, SalesReport};
use sqlx::PgPool;

#[derive(Debug, thiserror::Error)]
pub enum ReportError {
    #[error(transparent)]
    Invalid(#[from] FieldError),
    #[error("database error")]
    Database(#[from] sqlx::Error),
}

impl Explain for ReportError {
    fn problem(&self) -> Problem {
        match self {
            ReportError::Invalid(e) => e.problem(),
            ReportError::Database(_) => Problem::Internal,
        }
    }
}

/// From the first of this month to today, local days.
pub fn month_to_date(timezone: chrono_tz::Tz) -> Period {
    use chrono::Datelike;
    let today = Utc::now().with_timezone(&timezone).date_naive();
    Period {
        from: today.with_day(1).unwrap_or(today),
        to: today,
    }
}

/// The report for a period, in one pass over its sales.
pub async fn sales(
    pool: &PgPool,
    timezone: chrono_tz::Tz,
    period: Period,
) -> Result<SalesReport, ReportError> {
    let (start, end) = day_bounds(timezone, period.from, period.to);
    let rows = sqlx::query!(
        r#"SELECT s.day AS "day?",
                  s.plan_id AS "plan_id?", p.name AS "plan_name?", pr.name AS "plan_router?",
                  s.cashier_id AS "cashier_id?", u.name AS "cashier_name?",
                  s.router_id AS "router_id?", r.name AS "router_name?",
                  count(*) AS "count!", sum(s.price)::BIGINT AS "revenue!"
           FROM (SELECT plan_id, cashier_id, router_id, price, (sold_at AT TIME ZONE $3)::DATE AS day
                 FROM voucher_sales WHERE sold_at >= $1 AND sold_at < $2) s
           JOIN plans p ON p.id = s.plan_id
           JOIN routers pr ON pr.id = p.router_id
           JOIN staff_users u ON u.id = s.cashier_id
           JOIN routers r ON r.id = s.router_id
           GROUP BY GROUPING SETS ((s.day), (s.plan_id, p.name, pr.name), (s.cashier_id, u.name),
                                   (s.router_id, r.name))"#,
        start,
        end,
        timezone.name()
    )
    .fetch_all(pool)
    .await?;

    let mut report = SalesReport {
        period,
        count: 0,
        revenue: Rupiah::ZERO,
        by_day: period
            .days()
            .map(|date| DayTotal {
                date,
                count: 0,
                revenue: Rupiah::ZERO,
            })
            .collect(),
        by_plan: Vec::new(),
        by_cashier: Vec::new(),
        by_router: Vec::new(),
    };
    for row in rows {
        let revenue = Rupiah::new(row.revenue);
        let group = |id: i64, name: Option<String>, detail: Option<String>| GroupTotal {
            id,
            name: name.unwrap_or_default(),
            detail: detail.unwrap_or_default(),
            count: row.count,
            revenue,
        };
        if let Some(day) = row.day {
            // The day grouping covers every sale once: it makes the totals.
            report.count += row.count;
            report.revenue = report.revenue + revenue;
            if let Some(slot) = report.by_day.iter_mut().find(|d| d.date == day) {
                slot.count = row.count;
                slot.revenue = revenue;
            }
        } else if let Some(id) = row.plan_id {
            report
                .by_plan
                .push(group(id, row.plan_name, row.plan_router));
        } else if let Some(id) = row.cashier_id {
            report.by_cashier.push(group(id, row.cashier_name, None));
        } else if let Some(id) = row.router_id {
            report.by_router.push(group(id, row.router_name, None));
        }
    }
    for groups in [
        &mut report.by_plan,
        &mut report.by_cashier,
        &mut report.by_router,
    ] {
        groups.sort_by(|a, b| b.revenue.cmp(&a.revenue).then_with(|| a.name.cmp(&b.name)));
    }
    Ok(report)
}

/// The sales of a period as CSV, one line per sale, oldest first; times are local.
pub async fn sales_csv(
    pool: &PgPool,
    timezone: chrono_tz::Tz,
    period: Period,
) -> Result<String, ReportError> {
    let (start, end) = day_bounds(timezone, period.from, period.to);
    let rows = sqlx::query!(
        "SELECT s.id, s.sold_at, r.name AS router_name, p.name AS plan_name, u.name AS cashier_name,
                v.code, s.price, s.customer_whatsapp
         FROM voucher_sales s
         JOIN vouchers v ON v.id = s.voucher_id
         JOIN plans p ON p.id = s.plan_id
         JOIN routers r ON r.id = s.router_id
         JOIN staff_users u ON u.id = s.cashier_id
         WHERE s.sold_at >= $1 AND s.sold_at < $2
         ORDER BY s.sold_at, s.id",
        start,
        end
    )
    .fetch_all(pool)
    .await?;
    let mut out = csv::Writer::from_writer(Vec::new());
    let write = |out: &mut csv::Writer<Vec<u8>>, record: &[&str]| {
        out.write_record(record)
            .expect("writing CSV to memory cannot fail")
    };
    write(
        &mut out,
        &[
            "sale_id",
            "sold_at",
            "router",
            "plan",
            "cashier",
            "voucher_code",
            "price",
            "customer_whatsapp",
        ],
    );
    for r in rows {
        write(
            &mut out,
            &[
                &r.id.to_string(),
                &r.sold_at
                    .with_timezone(&timezone)
                    .format("%Y-%m-%d %H:%M:%S")
                    .to_string(),
                &spreadsheet_text(&r.router_name),
                &spreadsheet_text(&r.plan_name),
                &spreadsheet_text(&r.cashier_name),
                &spreadsheet_text(&r.code),
                &r.price.to_string(),
                &spreadsheet_text(r.customer_whatsapp.as_deref().unwrap_or("")),
            ],
        );
    }
    let bytes = out.into_inner().expect("writing CSV to memory cannot fail");
    Ok(String::from_utf8(bytes).expect("CSV of UTF-8 text is UTF-8"))
}

/// A text cell that a spreadsheet shows as text: one that starts like a formula (`=`, `+`, `-`,
/// `@`, or a tab or carriage return before one) gets a leading `'`, so that a name typed by a user
/// cannot run as a formula when the export is opened (OWASP, "CSV injection"). Only for text we
/// did not write ourselves: numbers and dates are written as they are, so they stay numbers.
fn spreadsheet_text(text: &str) -> std::borrow::Cow<'_, str> {
    if text.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        format!("'{text}").into()
    } else {
        text.into()
    }
}

/// The chart's drawing size: pages scale it to their width (a phone keeps 600 of its 720 px and
/// scrolls it sideways), so its text is drawn large enough to read scaled down.
const CHART_WIDTH: u32 = 720;
const CHART_HEIGHT: u32 = 300;
/// The text size asked of plotters, which writes it about a fifth smaller: 18 becomes 14.5 px.
const CHART_TEXT: u32 = 18;
/// At most this many days are named under the bars; a longer period names every second day, or
/// third, and so on.
const CHART_DAY_LABELS: usize = 12;

/// Revenue per day as a bar chart, an SVG document; `title` is left out when empty. Day `i`
/// spans `i..i + 1` on the x axis, its bar in the middle and its name under it; the axis has no
/// ticks of its own (plotters would put them between days, without names).
pub fn revenue_chart_svg(report: &SalesReport, title: &str) -> String {
    use plotters::prelude::*;
    use plotters::style::text_anchor::{HPos, Pos, VPos};
    let mut svg = String::new();
    {
        let days = report.by_day.len().max(1);
        let top = report
            .by_day
            .iter()
            .map(|d| d.revenue.amount())
            .max()
            .unwrap_or(0)
            .max(1_000);
        // Some headroom above the tallest bar, in whole thousands.
        let top = (top + top / 8 + 999) / 1_000 * 1_000;
        let root =
            SVGBackend::with_string(&mut svg, (CHART_WIDTH, CHART_HEIGHT)).into_drawing_area();
        let teal = RGBColor(15, 118, 110);
        let drawn =
            (|| -> Result<(), Box<dyn std::error::Error + '_>> {
                root.fill(&WHITE)?;
                let mut builder = ChartBuilder::on(&root);
                if !title.is_empty() {
                    builder.caption(title, ("sans-serif", CHART_TEXT + 5));
                }
                let mut chart = builder
                    .margin(12)
                    .x_label_area_size(CHART_TEXT * 2)
                    .y_label_area_size(CHART_TEXT * 6)
                    .build_cartesian_2d(0f64..days as f64, 0i64..top)?;
                chart
                    .configure_mesh()
                    .disable_x_mesh()
                    .light_line_style(WHITE)
                    .x_labels(0)
                    .y_label_formatter(&|v| Rupiah::new(*v).to_string())
                    .y_labels(6)
                    .label_style(("sans-serif", CHART_TEXT))
                    .draw()?;
                chart.draw_series(report.by_day.iter().enumerate().map(|(i, d)| {
                    let day = i as f64;
                    Rectangle::new(
                        [(day + 0.1, 0), (day + 0.9, d.revenue.amount())],
                        teal.filled(),
                    )
                }))?;
                let name = TextStyle::from(("sans-serif", CHART_TEXT).into_font())
                    .pos(Pos::new(HPos::Center, VPos::Top));
                let every = days.div_ceil(CHART_DAY_LABELS);
                chart.draw_series(report.by_day.iter().enumerate().step_by(every).map(
                    |(i, d)| {
                        EmptyElement::at((i as f64 + 0.5, 0))
                            + Text::new(d.date.format("%d/%m").to_string(), (0, 6), name.clone())
                    },
                ))?;
                root.present()?;
                Ok(())
            })();
        if let Err(e) = drawn {
            tracing::error!(error = %e, "drawing the revenue chart failed");
        }
    }
    svg
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn text_that_starts_like_a_formula_is_quoted() {
        for formula in [
            "=HYPERLINK(\"http://x\")",
            "+1+2",
            "-2+3",
            "@SUM(A1)",
            "\t=1",
            "\r=1",
        ] {
            assert_eq!(spreadsheet_text(formula), format!("'{formula}"));
        }
        for text in [
            "Harian 1 hari",
            "Tower A",
            "DM7K3P",
            "6281234567890",
            "",
            "a=b",
        ] {
            assert_eq!(spreadsheet_text(text), text);
        }
    }

    /// A report of `days` days from 1 December 2026, each day selling one more voucher.
    fn report_of(days: u32) -> SalesReport {
        let from = chrono::NaiveDate::from_ymd_opt(2026, 12, 1).unwrap();
        let by_day: Vec<DayTotal> = from
            .iter_days()
            .take(days as usize)
            .zip(1..)
            .map(|(date, count)| DayTotal {
                date,
                count,
                revenue: Rupiah::new(count * 5_000),
            })
            .collect();
        SalesReport {
            period: Period::new(from, by_day.last().unwrap().date).unwrap(),
            count: by_day.iter().map(|d| d.count).sum(),
            revenue: by_day.iter().fold(Rupiah::ZERO, |sum, d| sum + d.revenue),
            by_day,
            by_plan: vec![],
            by_cashier: vec![],
            by_router: vec![],
        }
    }

    #[test]
    fn the_chart_has_a_bar_and_a_name_under_it_for_each_day() {
        for days in [1, 2, 7, 31] {
            let svg = revenue_chart_svg(&report_of(days), "");
            assert!(
                !svg.contains("width=\"-"),
                "{days} days: a bar of negative width"
            );
            let bars = svg.matches("fill=\"#0F766E\"").count();
            assert_eq!(bars, days as usize, "{days} days: one bar a day");
            let named: Vec<u32> = (1..=days)
                .filter(|day| svg.contains(&format!("{day:02}/12")))
                .collect();
            if days <= CHART_DAY_LABELS as u32 {
                assert_eq!(
                    named.len(),
                    days as usize,
                    "{days} days: every day named\n{svg}"
                );
            } else {
                assert!(named.len() <= CHART_DAY_LABELS, "{days} days: {named:?}");
                assert_eq!(named[..2], [1, 4], "{days} days: every third day");
            }
            // Under its bar: a name's middle is its bar's middle.
            let bar = element(&svg, "<rect", "#0F766E");
            let bar_middle = attribute(bar, "x") + attribute(bar, "width") / 2;
            let name = attribute(element(&svg, "<text", "01/12"), "x");
            assert!(
                (bar_middle - name).abs() <= 1,
                "{days} days: {bar_middle} vs {name}"
            );
        }
    }

    /// The first element starting with `tag` that holds `text` (in its attributes or content).
    fn element<'a>(svg: &'a str, tag: &str, text: &str) -> &'a str {
        svg.split(tag)
            .skip(1)
            .find(|element| element.contains(text))
            .expect("the element")
    }

    /// The whole-number attribute `name` of `element`.
    fn attribute(element: &str, name: &str) -> i64 {
        let value = element
            .split(&format!(" {name}=\""))
            .nth(1)
            .expect("the attribute");
        value
            .split('"')
            .next()
            .unwrap()
            .parse()
            .expect("a whole number")
    }

    proptest! {
        #[test]
        fn text_changes_only_by_a_leading_quote(text in "\\PC{0,12}") {
            let safe = spreadsheet_text(&text);
            let quoted = format!("'{text}");
            prop_assert!(safe == text || safe == quoted);
            prop_assert!(!safe.starts_with(['=', '+', '-', '@', '\t', '\r']));
        }
    }
}
