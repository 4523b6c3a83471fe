//! Money: whole Indonesian rupiah in an `i64`. Never a float.

use serde::{Deserialize, Serialize};
use std::fmt;
use std::ops::{Add, Neg, Sub};

/// An amount of whole rupiah. Negative amounts exist (a debt in the balance ledger).
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default, Serialize, Deserialize,
)]
#[serde(transparent)]
#[cfg_attr(feature = "sqlx", derive(sqlx::Type), sqlx(transparent))]
pub struct Rupiah(i64);

impl Rupiah {
    pub const ZERO: Rupiah = Rupiah(0);

    pub const fn new(amount: i64) -> Self {
        Rupiah(amount)
    }

    pub const fn amount(self) -> i64 {
        self.0
    }

    pub fn checked_add(self, other: Rupiah) -> Option<Rupiah> {
        self.0.checked_add(other.0).map(Rupiah)
    }

    pub fn checked_sub(self, other: Rupiah) -> Option<Rupiah> {
        self.0.checked_sub(other.0).map(Rupiah)
    }

    pub const fn is_negative(self) -> bool {
        self.0 < 0
    }

    pub const fn is_positive(self) -> bool {
        self.0 > 0
    }
}

impl Add for Rupiah {
    type Output = Rupiah;
    fn add(self, other: Rupiah) -> Rupiah {
        Rupiah(self.0 + other.0)
    }
}

impl Sub for Rupiah {
    type Output = Rupiah;
    fn sub(self, other: Rupiah) -> Rupiah {
        Rupiah(self.0 - other.0)
    }
}

impl Neg for Rupiah {
    type Output = Rupiah;
    fn neg(self) -> Rupiah {
        Rupiah(-self.0)
    }
}

/// Indonesian notation: `Rp 150.000`, `-Rp 2.500`; dots group thousands, no decimals.
impl fmt::Display for Rupiah {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let sign = if self.0 < 0 { "-" } else { "" };
        write!(f, "{sign}Rp {}", group_thousands(self.0.unsigned_abs()))
    }
}

/// A whole number with dots grouping its thousands, as Indonesians write it: `1.250.500`.
pub fn group_thousands(number: u64) -> String {
    let digits = number.to_string();
    let mut grouped = String::with_capacity(digits.len() + digits.len() / 3);
    for (i, digit) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            grouped.push('.');
        }
        grouped.push(digit);
    }
    grouped
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn formats_like_indonesian_price_tags() {
        assert_eq!(Rupiah::new(150_000).to_string(), "Rp 150.000");
        assert_eq!(Rupiah::new(0).to_string(), "Rp 0");
        assert_eq!(Rupiah::new(999).to_string(), "Rp 999");
        assert_eq!(Rupiah::new(1_000).to_string(), "Rp 1.000");
        assert_eq!(Rupiah::new(1_250_500).to_string(), "Rp 1.250.500");
        assert_eq!(group_thousands(1_250_500), "1.250.500");
        assert_eq!(group_thousands(999), "999");
        assert_eq!(Rupiah::new(-2_500).to_string(), "-Rp 2.500");
        assert_eq!(
            Rupiah::new(i64::MIN).to_string(),
            "-Rp 9.223.372.036.854.775.808"
        );
    }

    #[test]
    fn serialises_as_a_plain_integer() {
        assert_eq!(serde_json::to_string(&Rupiah::new(5000)).unwrap(), "5000");
        assert_eq!(
            serde_json::from_str::<Rupiah>("-7").unwrap(),
            Rupiah::new(-7)
        );
    }

    proptest! {
        #[test]
        fn formatting_round_trips_through_the_digits(amount in any::<i64>()) {
            let text = Rupiah::new(amount).to_string();
            let negative = text.starts_with('-');
            let digits: String = text.chars().filter(char::is_ascii_digit).collect();
            let parsed: i128 = digits.parse().unwrap();
            prop_assert_eq!(if negative { -parsed } else { parsed }, i128::from(amount));
            prop_assert_eq!(negative, amount < 0);
        }

        #[test]
        fn groups_have_three_digits(amount in 0i64..i64::MAX) {
            let text = Rupiah::new(amount).to_string();
            let body = text.strip_prefix("Rp ").unwrap();
            let groups: Vec<&str> = body.split('.').collect();
            prop_assert!(!groups[0].is_empty() && groups[0].len() <= 3);
            prop_assert!(groups[1..].iter().all(|g| g.len() == 3));
        }

        #[test]
        fn checked_arithmetic_agrees_with_i128(a in any::<i64>(), b in any::<i64>()) {
            let wide = i128::from(a) + i128::from(b);
            let expected = i64::try_from(wide).ok().map(Rupiah::new);
            prop_assert_eq!(Rupiah::new(a).checked_add(Rupiah::new(b)), expected);
        }
    }
}
