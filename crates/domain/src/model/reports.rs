//! Sales reports over a period of local days.

use crate::error_code::{ErrorCode, FieldError};
use crate::money::Rupiah;
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

/// The longest period one report covers, in days.
pub const MAX_DAYS: i64 = 366;

/// A checked reporting period: `from` to `to`, both local days included.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Period {
    pub from: NaiveDate,
    pub to: NaiveDate,
}

impl Period {
    pub fn new(from: NaiveDate, to: NaiveDate) -> Result<Self, FieldError> {
        if to < from {
            return Err(FieldError::new(
                "to",
                ErrorCode::ReportPeriodOrder,
                "the end of the period is before its start",
            ));
        }
        if (to - from).num_days() >= MAX_DAYS {
            return Err(FieldError::new(
                "to",
                ErrorCode::ReportPeriodLength,
                format!("a report covers at most {MAX_DAYS} days"),
            ));
        }
        Ok(Period { from, to })
    }

    /// Parses `YYYY-MM-DD` dates; the error names the one that is wrong.
    pub fn parse(from: &str, to: &str) -> Result<Self, FieldError> {
        let date = |field: &'static str, text: &str| {
            NaiveDate::parse_from_str(text.trim(), "%Y-%m-%d").map_err(|_| {
                FieldError::new(
                    field,
                    ErrorCode::ReportDate,
                    format!("{field} must be a date written YYYY-MM-DD"),
                )
            })
        };
        Period::new(date("from", from)?, date("to", to)?)
    }

    pub fn days(&self) -> impl Iterator<Item = NaiveDate> + use<> {
        let to = self.to;
        self.from.iter_days().take_while(move |d| *d <= to)
    }
}

/// Sales of one group: a plan, a cashier or a router.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct GroupTotal {
    pub id: i64,
    pub name: String,
    /// The router of a plan; empty for cashiers and routers.
    pub detail: String,
    pub count: i64,
    #[cfg_attr(feature = "openapi", schema(value_type = i64))]
    pub revenue: Rupiah,
}

/// Sales of one local day.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct DayTotal {
    pub date: NaiveDate,
    pub count: i64,
    #[cfg_attr(feature = "openapi", schema(value_type = i64))]
    pub revenue: Rupiah,
}

/// Vouchers sold and revenue in a period: in all, per day, plan, cashier and router.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SalesReport {
    pub period: Period,
    pub count: i64,
    #[cfg_attr(feature = "openapi", schema(value_type = i64))]
    pub revenue: Rupiah,
    /// Every day of the period, those without sales too.
    pub by_day: Vec<DayTotal>,
    pub by_plan: Vec<GroupTotal>,
    pub by_cashier: Vec<GroupTotal>,
    pub by_router: Vec<GroupTotal>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn checks_the_order_and_length_of_a_period() {
        let p = Period::parse("2026-11-01", "2026-11-30").unwrap();
        assert!(
            Period::parse("2025-01-01", "2026-01-01").is_ok(),
            "366 days"
        );
        assert_eq!(p.days().count(), 30);
        assert_eq!(
            Period::parse("2026-11-02", "2026-11-01").unwrap_err().code,
            ErrorCode::ReportPeriodOrder
        );
        assert_eq!(
            Period::parse("2025-01-01", "2026-01-02").unwrap_err().code,
            ErrorCode::ReportPeriodLength
        );
        let e = Period::parse("2026-11-01", "30-11-2026").unwrap_err();
        assert_eq!((e.field, e.code), ("to", ErrorCode::ReportDate));
    }
}
