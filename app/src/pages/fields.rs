//! Form fields as people type them, read on the server: numbers with thousands dots ("5.000",
//! "Rp 5.000") and optional fields left empty.

use crate::error::AppError;
use domain::ErrorCode;

/// A whole number as typed: `5000`, `5.000`, `Rp 5.000`, `5 000`. Dots must group thousands.
pub fn whole_number(input: &str) -> Option<i64> {
    let trimmed = input.trim();
    let digits = trimmed
        .strip_prefix("Rp")
        .or_else(|| trimmed.strip_prefix("rp"))
        .unwrap_or(trimmed)
        .trim()
        .replace(' ', "");
    if digits.contains('.') {
        let mut groups = digits.split('.');
        let first = groups.next()?;
        let grouped = (1..=3).contains(&first.len())
            && groups.all(|g| g.len() == 3 && g.bytes().all(|b| b.is_ascii_digit()));
        if !grouped {
            return None;
        }
    }
    let plain = digits.replace('.', "");
    if plain.is_empty() || !plain.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    plain.parse().ok()
}

/// A required number; anything else is `Invalid { field, code }`.
pub fn required_number(input: &str, field: &str, code: ErrorCode) -> Result<i64, AppError> {
    whole_number(input)
        .ok_or_else(|| AppError::invalid(field, code, format!("{field} must be a whole number")))
}

/// An optional number: empty means none.
pub fn optional_number(input: &str, field: &str, code: ErrorCode) -> Result<Option<i64>, AppError> {
    if input.trim().is_empty() {
        Ok(None)
    } else {
        required_number(input, field, code).map(Some)
    }
}

/// A number that must fit `T` (a port, a count); out of range is the same error as unreadable.
pub fn optional_in_range<T: TryFrom<i64>>(
    input: &str,
    field: &str,
    code: ErrorCode,
) -> Result<Option<T>, AppError> {
    optional_number(input, field, code)?
        .map(|n| {
            T::try_from(n)
                .map_err(|_| AppError::invalid(field, code, format!("{field} is out of range")))
        })
        .transpose()
}

/// Optional text: empty or blank means none.
pub fn optional_text(input: String) -> Option<String> {
    let trimmed = input.trim();
    (!trimmed.is_empty()).then(|| trimmed.to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_numbers_the_way_operators_type_them() {
        for (typed, value) in [
            ("5000", 5000),
            ("5.000", 5000),
            ("Rp 150.000", 150_000),
            (" 1.500.000 ", 1_500_000),
            ("10 000", 10_000),
            ("0", 0),
        ] {
            assert_eq!(whole_number(typed), Some(value), "{typed}");
        }
        for bad in [
            "", "Rp", "5,000", "5.00", "50.0000", "-5", "5e3", "lima", "1.2.3",
        ] {
            assert_eq!(whole_number(bad), None, "{bad}");
        }
    }

    #[test]
    fn optional_fields_allow_empty_but_not_garbage() {
        assert_eq!(
            optional_number("  ", "price", ErrorCode::PlanPrice),
            Ok(None)
        );
        assert_eq!(
            optional_number("12", "price", ErrorCode::PlanPrice),
            Ok(Some(12))
        );
        let error = optional_in_range::<u16>("70000", "port", ErrorCode::RouterPort).unwrap_err();
        assert_eq!(error.field(), Some("port"));
        assert_eq!(optional_text("  ".into()), None);
        assert_eq!(optional_text(" 2M/5M ".into()), Some("2M/5M".into()));
    }
}
