//! Billing periods of a subscription, and proration.
//!
//! A subscription with billing day `D` (1–28, so every month has it) is billed per period
//! `[D of month M, D of month M+1)`. Its first period starts on its start date: when that is not
//! day `D`, the first period runs to the next day `D` and is prorated. Proration charges
//! `price × days / days in the whole period`, rounded to the nearest rupiah (halves up), where the
//! whole period is the one `[D of M, D of M+1)` the days fall in (28 to 31 days).

use crate::money::Rupiah;
use crate::settlement::TaxRule;
use chrono::{Datelike, Months, NaiveDate};

/// Day `day` of the month of `date`.
fn on_day(date: NaiveDate, day: u32) -> NaiveDate {
    date.with_day(day)
        .expect("a billing day of 1 to 28 is in every month")
}

/// The first period boundary (a day `day`) after `date`.
pub fn next_boundary(date: NaiveDate, day: u32) -> NaiveDate {
    if date.day() < day {
        on_day(date, day)
    } else {
        on_day(date, day) + Months::new(1)
    }
}

/// The whole period `[start, end)` that `date` falls in.
pub fn period_containing(date: NaiveDate, day: u32) -> (NaiveDate, NaiveDate) {
    let end = next_boundary(date, day);
    (end - Months::new(1), end)
}

/// A period to bill: `[start, end)`, the share of the whole period it covers, and its charge.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct BilledPeriod {
    pub start: NaiveDate,
    /// Exclusive.
    pub end: NaiveDate,
    pub days: i64,
    /// Days of the whole period these days fall in.
    pub period_days: i64,
    pub charge: Rupiah,
}

impl BilledPeriod {
    /// Whether it covers less than a whole period.
    pub fn is_prorated(&self) -> bool {
        self.days != self.period_days
    }

    /// The last day it covers.
    pub fn last_day(&self) -> NaiveDate {
        self.end.pred_opt().expect("a period ends after it starts")
    }
}

/// The period that starts on `from` (the start date, or where the last billed period ended),
/// for a subscription with billing day `day` at `price` a month.
pub fn period_from(from: NaiveDate, day: u32, price: Rupiah) -> BilledPeriod {
    let (whole_start, end) = period_containing(from, day);
    let days = (end - from).num_days();
    let period_days = (end - whole_start).num_days();
    BilledPeriod {
        start: from,
        end,
        days,
        period_days,
        charge: prorate(price, days, period_days),
    }
}

/// `price × days / period_days`, rounded to the nearest rupiah, halves up (for a credit, a
/// negative price, halves toward zero).
pub fn prorate(price: Rupiah, days: i64, period_days: i64) -> Rupiah {
    assert!(period_days > 0 && (0..=period_days).contains(&days));
    if days == period_days {
        return price;
    }
    let numerator = i128::from(price.amount()) * i128::from(days) * 2 + i128::from(period_days);
    let amount = numerator.div_euclid(2 * i128::from(period_days));
    Rupiah::new(i64::try_from(amount).expect("a share of a price fits"))
}

/// Days an invoice line billed: `amount` (as on the line) for `days` days, under the invoice's
/// tax rule.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct BilledLine {
    pub amount: Rupiah,
    pub days: i64,
    pub tax: TaxRule,
}

/// What the days given back cost when they were billed: for each line, `credited` of its days
/// at what the line charged per day (`amount / days`), with the tax as billed (added on top when
/// prices excluded it; already in the amount when they included it), all summed exactly and
/// rounded once to the nearest rupiah, halves up.
pub fn credit_for(parts: &[(BilledLine, i64)]) -> Rupiah {
    // Σ amount × credited × (10,000 + tax) / (days × 10,000), as one exact fraction.
    let (mut numerator, mut denominator) = (0i128, 1i128);
    for (line, credited) in parts {
        assert!(line.days > 0 && (0..=line.days).contains(credited));
        let factor = if line.tax.prices_include_tax {
            10_000
        } else {
            10_000 + i128::from(line.tax.basis_points)
        };
        let n = i128::from(line.amount.amount()) * i128::from(*credited) * factor;
        let d = i128::from(line.days) * 10_000;
        numerator = numerator * d + n * denominator;
        denominator *= d;
        let g = gcd(numerator.abs(), denominator);
        numerator /= g;
        denominator /= g;
    }
    let amount = (2 * numerator + denominator).div_euclid(2 * denominator);
    Rupiah::new(i64::try_from(amount).expect("a credit fits"))
}

fn gcd(mut a: i128, mut b: i128) -> i128 {
    while b != 0 {
        (a, b) = (b, a % b);
    }
    a.max(1)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    #[test]
    fn periods_run_from_the_billing_day_to_the_next_month_s() {
        assert_eq!(
            period_containing(d(2026, 12, 20), 5),
            (d(2026, 12, 5), d(2027, 1, 5))
        );
        assert_eq!(
            period_containing(d(2026, 12, 5), 5),
            (d(2026, 12, 5), d(2027, 1, 5))
        );
        assert_eq!(
            period_containing(d(2026, 12, 4), 5),
            (d(2026, 11, 5), d(2026, 12, 5))
        );
        // Across the year's end, and day 28 in February.
        assert_eq!(
            period_containing(d(2027, 1, 2), 28),
            (d(2026, 12, 28), d(2027, 1, 28))
        );
        assert_eq!(
            period_containing(d(2027, 2, 28), 28),
            (d(2027, 2, 28), d(2027, 3, 28))
        );
        assert_eq!(
            period_containing(d(2027, 3, 1), 28),
            (d(2027, 2, 28), d(2027, 3, 28))
        );
    }

    #[test]
    fn a_whole_period_charges_the_price() {
        let p = period_from(d(2026, 12, 5), 5, Rupiah::new(150_000));
        assert_eq!(
            (p.start, p.end, p.days, p.charge),
            (d(2026, 12, 5), d(2027, 1, 5), 31, Rupiah::new(150_000))
        );
        assert!(!p.is_prorated());
        assert_eq!(p.last_day(), d(2027, 1, 4));
    }

    #[test]
    fn a_mid_period_start_is_prorated_by_the_days_left() {
        // 20 Dec to 5 Jan: 16 of the 31 days of [5 Dec, 5 Jan).
        let p = period_from(d(2026, 12, 20), 5, Rupiah::new(150_000));
        assert_eq!((p.end, p.days, p.period_days), (d(2027, 1, 5), 16, 31));
        assert_eq!(p.charge, Rupiah::new(77_419)); // 77,419.35…
        assert!(p.is_prorated());
        // February of a leap year has 29 days: [1 Feb 2028, 1 Mar 2028), 15 of them from the 15th.
        let leap = period_from(d(2028, 2, 15), 1, Rupiah::new(100_000));
        assert_eq!((leap.days, leap.period_days), (15, 29));
        assert_eq!(leap.charge, Rupiah::new(51_724)); // 51,724.13…
        let common = period_from(d(2027, 2, 15), 1, Rupiah::new(100_000));
        assert_eq!((common.days, common.period_days), (14, 28));
        assert_eq!(common.charge, Rupiah::new(50_000));
    }

    #[test]
    fn halves_round_up() {
        assert_eq!(prorate(Rupiah::new(3), 1, 2), Rupiah::new(2));
        assert_eq!(prorate(Rupiah::new(-3), 1, 2), Rupiah::new(-1));
        assert_eq!(prorate(Rupiah::new(100_000), 0, 30), Rupiah::ZERO);
    }

    const NO_TAX: TaxRule = TaxRule {
        basis_points: 0,
        prices_include_tax: false,
    };
    const PPN_ADDED: TaxRule = TaxRule {
        basis_points: 1_100,
        prices_include_tax: false,
    };
    const PPN_INCLUDED: TaxRule = TaxRule {
        basis_points: 1_100,
        prices_include_tax: true,
    };

    fn line(amount: i64, days: i64, tax: TaxRule) -> BilledLine {
        BilledLine {
            amount: Rupiah::new(amount),
            days,
            tax,
        }
    }

    #[test]
    fn a_credit_is_what_the_line_charged_for_those_days() {
        // A first period from the 14th with billing day 1: 18 of December's 31 days billed,
        // 100,000 × 18/31 = 58,064.52 → 58,065 on the line. A change before it starts gives back
        // those 18 days, 58,065 (a month's share counted from the change, 24/31 of 100,000 =
        // 77,419, would give back days never billed).
        assert_eq!(
            credit_for(&[(line(58_065, 18, NO_TAX), 18)]),
            Rupiah::new(58_065)
        );
        // A change on the 21st gives back 11 of the 18: 58,065 × 11/18 = 35,484.17 → 35,484.
        assert_eq!(
            credit_for(&[(line(58_065, 18, NO_TAX), 11)]),
            Rupiah::new(35_484)
        );
        // A whole period: 300,000 for 31 days, 16 given back: 154,838.71 → 154,839.
        assert_eq!(
            credit_for(&[(line(300_000, 31, NO_TAX), 16)]),
            Rupiah::new(154_839)
        );
        // Nothing given back, nothing credited; all given back, the whole line.
        assert_eq!(credit_for(&[(line(300_000, 31, NO_TAX), 0)]), Rupiah::ZERO);
        assert_eq!(
            credit_for(&[(line(300_000, 31, NO_TAX), 31)]),
            Rupiah::new(300_000)
        );
    }

    #[test]
    fn a_credit_carries_the_tax_as_billed() {
        // 11 % added: 300,000 for 30 days, 29 days back: 300,000 × 29/30 × 1.11 = 321,900 exactly.
        assert_eq!(
            credit_for(&[(line(300_000, 30, PPN_ADDED), 29)]),
            Rupiah::new(321_900)
        );
        // 11 % included in the price: the amount already holds it: 300,000 × 29/30 = 290,000.
        assert_eq!(
            credit_for(&[(line(300_000, 30, PPN_INCLUDED), 29)]),
            Rupiah::new(290_000)
        );
    }

    #[test]
    fn several_lines_are_summed_then_rounded_once() {
        // 10,000 × 1/3 = 3,333.33 and 10,000 × 1/6 = 1,666.67: each rounded, 3,333 + 1,667 =
        // 5,000; summed first, 5,000 exactly. And three thirds of 1 make 1, not 0.
        assert_eq!(
            credit_for(&[(line(10_000, 3, NO_TAX), 1), (line(10_000, 6, NO_TAX), 1)]),
            Rupiah::new(5_000)
        );
        assert_eq!(
            credit_for(&[
                (line(1, 3, NO_TAX), 1),
                (line(1, 3, NO_TAX), 1),
                (line(1, 3, NO_TAX), 1)
            ]),
            Rupiah::new(1)
        );
        // Halves up: 3 for 2 days, one back: 1.5 → 2.
        assert_eq!(credit_for(&[(line(3, 2, NO_TAX), 1)]), Rupiah::new(2));
        // A period's 8 days left and the whole next period (pre-billed), 11 % added:
        // 150,000 × 8/31 × 1.11 + 150,000 × 1.11 = 42,967.74 + 166,500 = 209,467.74 → 209,468.
        assert_eq!(
            credit_for(&[
                (line(150_000, 31, PPN_ADDED), 8),
                (line(150_000, 31, PPN_ADDED), 31)
            ]),
            Rupiah::new(209_468)
        );
    }

    proptest! {
        #[test]
        fn consecutive_periods_tile_the_calendar(
            y in 2020i32..2040, m in 1u32..=12, start_day in 1u32..=28, day in 1u32..=28,
            price in 0i64..10_000_000,
        ) {
            let mut from = d(y, m, start_day);
            let first = period_from(from, day, Rupiah::new(price));
            prop_assert!(first.days >= 1 && first.days <= first.period_days);
            prop_assert!(first.charge.amount() <= price);
            from = first.end;
            for _ in 0..14 {
                let p = period_from(from, day, Rupiah::new(price));
                prop_assert_eq!(p.start.day(), day);
                prop_assert_eq!(p.end.day(), day);
                prop_assert!((28..=31).contains(&p.days));
                prop_assert_eq!(p.charge, Rupiah::new(price));
                prop_assert!(!p.is_prorated());
                from = p.end;
            }
        }
    }
}
