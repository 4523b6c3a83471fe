//! Local days of the business, in its configured time zone, as UTC instants.

use chrono::{DateTime, NaiveDate, TimeZone, Utc};

/// The UTC instants of the start of `from` and of the day after `to`, local days in `timezone`.
pub fn day_bounds(
    timezone: chrono_tz::Tz,
    from: NaiveDate,
    to: NaiveDate,
) -> (DateTime<Utc>, DateTime<Utc>) {
    let start_of = |date: NaiveDate| {
        let midnight = date.and_hms_opt(0, 0, 0).expect("midnight exists");
        // Indonesia has no daylight saving; elsewhere take the earliest reading of midnight.
        timezone
            .from_local_datetime(&midnight)
            .earliest()
            .unwrap_or_else(|| timezone.from_utc_datetime(&midnight))
            .with_timezone(&Utc)
    };
    let next = to.succ_opt().unwrap_or(to);
    (start_of(from), start_of(next))
}

/// A month written `YYYY-MM`, as its first moment and the first moment of the next month in
/// `timezone`; `None` when it is not such a month.
pub fn month_bounds(
    timezone: chrono_tz::Tz,
    month: &str,
) -> Option<(DateTime<Utc>, DateTime<Utc>)> {
    if month.len() != 7 {
        return None;
    }
    let first = NaiveDate::parse_from_str(&format!("{month}-01"), "%Y-%m-%d").ok()?;
    let last = first
        .checked_add_months(chrono::Months::new(1))?
        .pred_opt()?;
    Some(day_bounds(timezone, first, last))
}
