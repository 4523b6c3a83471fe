//! The admin dashboard's head counts and today's sales, reused for a second: an office with the
//! dashboard open on every screen asks for them many times a second, and counting a hundred
//! thousand customers is not free.

use crate::core::days::day_bounds;
use crate::core::reused::Reused;
use chrono::Utc;
use domain::Rupiah;
use domain::model::accounts::Summary;
use sqlx::PgPool;
use std::sync::Arc;
use std::time::Duration;

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
    last: Arc<Reused<Figures>>,
}

impl DashboardFigures {
    pub async fn get(
        &self,
        pool: &PgPool,
        timezone: chrono_tz::Tz,
    ) -> Result<Figures, sqlx::Error> {
        if let Some(figures) = self.last.fresh(FRESH_FOR) {
            return Ok(figures);
        }
        Ok(self.last.store(read(pool, timezone).await?))
    }
}

async fn read(pool: &PgPool, timezone: chrono_tz::Tz) -> Result<Figures, sqlx::Error> {
    let today = Utc::now().with_timezone(&timezone).date_naive();
    let (start, end) = day_bounds(timezone, today, today);
    let summary = crate::identity::accounts::counts(pool).await?;
    let sold = sqlx::query!(
        r#"SELECT count(*) AS "count!", coalesce(sum(price), 0)::BIGINT AS "revenue!"
           FROM voucher_sales WHERE sold_at >= $1 AND sold_at < $2"#,
        start,
        end
    )
    .fetch_one(pool)
    .await?;
    Ok(Figures {
        summary,
        sold_today: sold.count,
        revenue_today: Rupiah::new(sold.revenue),
    })
}
