//! The admin dashboard's head counts and today's sales, in one query, reused for a second: an
//! office with the dashboard open on every screen asks for them many times a second, and counting
//! a hundred thousand customers is not free.

use crate::core::days::day_bounds;
use chrono::Utc;
use domain::Rupiah;
use domain::model::accounts::Summary;
use sqlx::PgPool;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// How long the figures are reused.
const FRESH_FOR: Duration = Duration::from_secs(1);

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Figures {
    pub summary: Summary,
    /// Vouchers sold today (the business's local day) and their revenue.
    pub sold_today: i64,
    pub revenue_today: Rupiah,
}

/// The figures, read at most once a second per process.
#[derive(Debug, Clone, Default)]
pub struct DashboardFigures {
    last: Arc<Mutex<Option<(Instant, Figures)>>>,
}

impl DashboardFigures {
    pub async fn get(
        &self,
        pool: &PgPool,
        timezone: chrono_tz::Tz,
    ) -> Result<Figures, sqlx::Error> {
        if let Some((at, figures)) = self.last.lock().unwrap_or_else(|p| p.into_inner()).as_ref()
            && at.elapsed() < FRESH_FOR
        {
            return Ok(figures.clone());
        }
        let figures = read(pool, timezone).await?;
        *self.last.lock().unwrap_or_else(|p| p.into_inner()) =
            Some((Instant::now(), figures.clone()));
        Ok(figures)
    }
}

async fn read(pool: &PgPool, timezone: chrono_tz::Tz) -> Result<Figures, sqlx::Error> {
    let today = Utc::now().with_timezone(&timezone).date_naive();
    let (start, end) = day_bounds(timezone, today, today);
    let row = sqlx::query!(
        r#"SELECT
             (SELECT count(*) FROM customers) AS "customers!",
             (SELECT count(*) FROM staff_users WHERE active) AS "staff!",
             (SELECT coalesce(sum(balance), 0)::BIGINT FROM customers) AS "balance_total!",
             (SELECT count(*) FROM voucher_sales WHERE sold_at >= $1 AND sold_at < $2) AS "sold!",
             (SELECT coalesce(sum(price), 0)::BIGINT FROM voucher_sales
               WHERE sold_at >= $1 AND sold_at < $2) AS "revenue!""#,
        start,
        end
    )
    .fetch_one(pool)
    .await?;
    Ok(Figures {
        summary: Summary {
            customers: row.customers,
            active_staff: row.staff,
            balance_total: Rupiah::new(row.balance_total),
        },
        sold_today: row.sold,
        revenue_today: Rupiah::new(row.revenue),
    })
}
