//! Values as the pages show them, one format each: dates day first (`31-12-2026`) and times in
//! the business's time zone, durations in words ("1 hari 12 jam"), whole numbers with dots
//! grouping thousands (`1.250`), and latencies. Money is `Rupiah`'s own `Display` (`Rp 150.000`,
//! in `domain`), which groups its thousands the same way.

use crate::i18n::*;
use domain::NaiveDate;

/// How dates appear in the pages, and how the date fields take them: `31-12-2026`.
pub const DATE_FORMAT: &str = "%d-%m-%Y";
/// How times appear in the pages: `31-12-2026 23:59`.
#[cfg(feature = "ssr")]
const TIME_FORMAT: &str = "%d-%m-%Y %H:%M";
/// The time of day alone, for lists of today's events: `23:59`.
#[cfg(feature = "ssr")]
const CLOCK_FORMAT: &str = "%H:%M";

/// A calendar date, day first: `31-12-2026`.
pub fn date(date: NaiveDate) -> String {
    date.format(DATE_FORMAT).to_string()
}

/// A date as people type it into a date field: day first with dashes, slashes or dots
/// (`31-12-2026`, `31/12/2026`, `1.2.2026`), or the ISO form of older links (`2026-12-31`).
pub fn read_date(text: &str) -> Option<NaiveDate> {
    let text = text.trim();
    let iso = text.len() == 10 && text.as_bytes()[4] == b'-';
    if iso {
        return NaiveDate::parse_from_str(text, "%Y-%m-%d").ok();
    }
    let day_first = text.replace(['/', '.'], "-");
    // The year in full: "1-1-27" is not the year 27.
    let full_year = day_first
        .rsplit('-')
        .next()
        .is_some_and(|year| year.len() == 4);
    full_year
        .then(|| NaiveDate::parse_from_str(&day_first, DATE_FORMAT).ok())
        .flatten()
}

/// A UTC time as the operator reads it: in the business's time zone (`config.timezone`), with
/// its date.
#[cfg(feature = "ssr")]
pub fn local_time<Z: chrono::TimeZone>(at: chrono::DateTime<chrono::Utc>, zone: &Z) -> String
where
    Z::Offset: std::fmt::Display,
{
    at.with_timezone(zone).format(TIME_FORMAT).to_string()
}

/// The date of a UTC time in the business's time zone: `31-12-2026`.
#[cfg(feature = "ssr")]
pub fn local_date<Z: chrono::TimeZone>(at: chrono::DateTime<chrono::Utc>, zone: &Z) -> String
where
    Z::Offset: std::fmt::Display,
{
    at.with_timezone(zone).format(DATE_FORMAT).to_string()
}

/// A UTC time of today as the operator reads it: the time of day in the business's time zone.
#[cfg(feature = "ssr")]
pub fn local_clock<Z: chrono::TimeZone>(at: chrono::DateTime<chrono::Utc>, zone: &Z) -> String
where
    Z::Offset: std::fmt::Display,
{
    at.with_timezone(zone).format(CLOCK_FORMAT).to_string()
}

/// "3 jam", "1 hari", "1 hari 12 jam", "5 menit": a duration (a validity, an uptime) as people
/// say it, to the minute. Read it inside a closure, so that it follows the language switch.
pub fn duration(i18n: leptos_i18n::I18nContext<Locale>, seconds: i64) -> String {
    let (days, hours, minutes) = (
        seconds / 86_400,
        seconds % 86_400 / 3_600,
        seconds % 3_600 / 60,
    );
    let mut parts = Vec::new();
    if days > 0 {
        let n = days;
        parts.push(if n == 1 {
            t_string!(i18n, unit_day, n).to_string()
        } else {
            t_string!(i18n, unit_days, n).to_string()
        });
    }
    if hours > 0 {
        let n = hours;
        parts.push(if n == 1 {
            t_string!(i18n, unit_hour, n).to_string()
        } else {
            t_string!(i18n, unit_hours, n).to_string()
        });
    }
    if minutes > 0 || parts.is_empty() {
        let n = minutes;
        parts.push(t_string!(i18n, unit_minutes, n).to_string());
    }
    parts.join(" ")
}

/// A count with dots grouping its thousands: `1.250`.
pub fn whole_number(number: i64) -> String {
    let grouped = domain::money::group_thousands(number.unsigned_abs());
    if number < 0 {
        format!("-{grouped}")
    } else {
        grouped
    }
}

/// A latency in milliseconds, `3.3 ms`; the space does not break, so the number and its unit
/// stay on one line.
pub fn latency(milliseconds: f64, decimals: usize) -> String {
    format!("{milliseconds:.decimals$}\u{a0}ms")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_are_shown_and_read_day_first() {
        let new_year = NaiveDate::from_ymd_opt(2027, 1, 1).expect("a date");
        assert_eq!(date(new_year), "01-01-2027");
        for typed in [
            "01-01-2027",
            "1-1-2027",
            "01/01/2027",
            " 1.1.2027 ",
            "2027-01-01",
        ] {
            assert_eq!(read_date(typed), Some(new_year), "{typed}");
        }
        for bad in [
            "",
            "32-01-2027",
            "01-13-2027",
            "2027/01/01",
            "1-1-27",
            "besok",
        ] {
            assert_eq!(read_date(bad), None, "{bad}");
        }
    }

    #[test]
    fn numbers_group_their_thousands() {
        assert_eq!(whole_number(0), "0");
        assert_eq!(whole_number(1_250), "1.250");
        assert_eq!(whole_number(-12_000), "-12.000");
    }

    #[test]
    fn a_latency_keeps_its_unit_on_its_line() {
        assert_eq!(latency(3.25, 1), "3.2\u{a0}ms");
        assert_eq!(latency(12.0, 0), "12\u{a0}ms");
    }

    #[cfg(feature = "ssr")]
    #[test]
    fn times_are_shown_in_the_business_time_zone() {
        use chrono::{DateTime, Utc};
        let jakarta = chrono::FixedOffset::east_opt(7 * 3600).expect("a valid offset");
        let at = DateTime::parse_from_rfc3339("2026-12-31T17:05:00Z")
            .expect("an RFC 3339 time")
            .with_timezone(&Utc);
        assert_eq!(local_time(at, &jakarta), "01-01-2027 00:05");
        assert_eq!(local_date(at, &jakarta), "01-01-2027");
        assert_eq!(local_clock(at, &jakarta), "00:05");
        assert_eq!(local_time(at, &Utc), "31-12-2026 17:05");
    }
}
