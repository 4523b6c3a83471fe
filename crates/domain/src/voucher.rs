//! Voucher rules: how codes look, how many a batch may hold, how long a voucher lasts.

use rand::Rng;
use serde::{Deserialize, Serialize};
use std::fmt;

/// Upper-case letters and digits without the ones people confuse on paper: 0/O, 1/I/L.
pub const DEFAULT_ALPHABET: &str = "ABCDEFGHJKMNPQRSTUVWXYZ23456789";
pub const MIN_CODE_LENGTH: u8 = 4;
pub const MAX_CODE_LENGTH: u8 = 32;
pub const MAX_PREFIX_LENGTH: usize = 12;
pub const MAX_BATCH: u32 = 10_000;

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum VoucherRuleError {
    #[error("code length must be between {MIN_CODE_LENGTH} and {MAX_CODE_LENGTH}")]
    CodeLength,
    #[error("alphabet must have at least 10 different letters or digits, and nothing else")]
    Alphabet,
    #[error("prefix may have at most {MAX_PREFIX_LENGTH} letters, digits or dashes")]
    Prefix,
    #[error("quantity must be between 1 and {MAX_BATCH}")]
    Quantity,
    #[error("validity must be a positive duration such as 3h, 1d, 7d or 30d")]
    Validity,
}

impl VoucherRuleError {
    pub const fn code(&self) -> crate::ErrorCode {
        match self {
            VoucherRuleError::CodeLength => crate::ErrorCode::CodeLength,
            VoucherRuleError::Alphabet => crate::ErrorCode::Alphabet,
            VoucherRuleError::Prefix => crate::ErrorCode::Prefix,
            VoucherRuleError::Quantity => crate::ErrorCode::Quantity,
            VoucherRuleError::Validity => crate::ErrorCode::Validity,
        }
    }
}

/// How a batch's codes are made: `prefix` followed by `length` symbols of `alphabet`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CodeSpec {
    length: u8,
    alphabet: Vec<char>,
    prefix: String,
}

impl CodeSpec {
    pub fn new(length: u8, alphabet: Option<&str>, prefix: &str) -> Result<Self, VoucherRuleError> {
        if !(MIN_CODE_LENGTH..=MAX_CODE_LENGTH).contains(&length) {
            return Err(VoucherRuleError::CodeLength);
        }
        let alphabet = alphabet
            .map(str::trim)
            .filter(|a| !a.is_empty())
            .unwrap_or(DEFAULT_ALPHABET);
        let mut symbols: Vec<char> = alphabet.chars().collect();
        if symbols.iter().any(|c| !c.is_ascii_alphanumeric()) {
            return Err(VoucherRuleError::Alphabet);
        }
        symbols.sort_unstable();
        symbols.dedup();
        if symbols.len() < 10 {
            return Err(VoucherRuleError::Alphabet);
        }
        let prefix = prefix.trim();
        if prefix.len() > MAX_PREFIX_LENGTH
            || !prefix
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '-')
        {
            return Err(VoucherRuleError::Prefix);
        }
        Ok(CodeSpec {
            length,
            alphabet: symbols,
            prefix: prefix.to_owned(),
        })
    }

    pub fn length(&self) -> u8 {
        self.length
    }

    pub fn alphabet(&self) -> String {
        self.alphabet.iter().collect()
    }

    pub fn prefix(&self) -> &str {
        &self.prefix
    }

    /// One code, each symbol drawn uniformly from the alphabet. Pass a CSPRNG.
    pub fn generate(&self, rng: &mut impl Rng) -> String {
        let mut code = String::with_capacity(self.prefix.len() + usize::from(self.length));
        code.push_str(&self.prefix);
        for _ in 0..self.length {
            code.push(self.alphabet[rng.random_range(0..self.alphabet.len())]);
        }
        code
    }

    /// How many different codes this spec can make (saturating).
    pub fn space(&self) -> u128 {
        (self.alphabet.len() as u128).saturating_pow(u32::from(self.length))
    }
}

/// Whether a voucher's password is its code (one field to type) or a second random string.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "lowercase")]
pub enum PasswordMode {
    Same,
    Separate,
}

impl PasswordMode {
    pub const fn as_str(self) -> &'static str {
        match self {
            PasswordMode::Same => "same",
            PasswordMode::Separate => "separate",
        }
    }
}

pub fn check_quantity(quantity: u32) -> Result<u32, VoucherRuleError> {
    if (1..=MAX_BATCH).contains(&quantity) {
        Ok(quantity)
    } else {
        Err(VoucherRuleError::Quantity)
    }
}

/// How long a voucher lasts from its first login, in whole seconds. Over the wire it is written
/// the way operators write it: `1d`, `3h`, `1d12h`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(into = "String", try_from = "String")]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema), schema(value_type = String, example = "1d"))]
pub struct Validity(i64);

impl From<Validity> for String {
    fn from(v: Validity) -> String {
        v.to_string()
    }
}

impl TryFrom<String> for Validity {
    type Error = VoucherRuleError;
    fn try_from(text: String) -> Result<Self, Self::Error> {
        Validity::parse(&text)
    }
}

impl Validity {
    pub fn from_seconds(seconds: i64) -> Result<Self, VoucherRuleError> {
        if seconds > 0 && seconds <= 3660 * 24 * 3600 {
            Ok(Validity(seconds))
        } else {
            Err(VoucherRuleError::Validity)
        }
    }

    /// Parses `90m`, `3h`, `1d`, `7d`, `30d`, or combinations such as `1d12h`.
    pub fn parse(input: &str) -> Result<Self, VoucherRuleError> {
        let input = input.trim().to_ascii_lowercase();
        if input.is_empty() {
            return Err(VoucherRuleError::Validity);
        }
        let mut total: i64 = 0;
        let mut number = String::new();
        for c in input.chars() {
            match c {
                '0'..='9' => number.push(c),
                'd' | 'h' | 'm' | 's' | 'w' => {
                    let n: i64 = number.parse().map_err(|_| VoucherRuleError::Validity)?;
                    number.clear();
                    let unit = match c {
                        'w' => 7 * 24 * 3600,
                        'd' => 24 * 3600,
                        'h' => 3600,
                        'm' => 60,
                        _ => 1,
                    };
                    total = n
                        .checked_mul(unit)
                        .and_then(|s| total.checked_add(s))
                        .ok_or(VoucherRuleError::Validity)?;
                }
                _ => return Err(VoucherRuleError::Validity),
            }
        }
        if !number.is_empty() {
            return Err(VoucherRuleError::Validity);
        }
        Self::from_seconds(total)
    }

    pub const fn seconds(self) -> i64 {
        self.0
    }
}

/// Written the way operators write it: `1d12h`, `3h`, `30d`.
impl fmt::Display for Validity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut rest = self.0;
        for (unit, seconds) in [("d", 86_400), ("h", 3_600), ("m", 60), ("s", 1)] {
            if rest >= seconds {
                write!(f, "{}{unit}", rest / seconds)?;
                rest %= seconds;
            }
        }
        Ok(())
    }
}

/// Where the login page is on a MikroTik hotspot made with the setup wizard, when the router's
/// own address was not entered.
pub const DEFAULT_HOTSPOT_LOGIN_URL: &str = "http://10.5.50.1/login";

/// The hotspot login URL that logs a voucher in, `{base}?username=CODE&password=PASS`: what the
/// QR code on a receipt or a printed sheet holds. `base` is the router's login page.
pub fn login_url(base: Option<&str>, code: &str, password: &str) -> String {
    let base = base.unwrap_or(DEFAULT_HOTSPOT_LOGIN_URL);
    match url::Url::parse(base) {
        Ok(mut url) => {
            url.query_pairs_mut()
                .append_pair("username", code)
                .append_pair("password", password);
            url.into()
        }
        // Stored URLs are checked on entry; this only guards old rows.
        Err(_) => login_url(None, code, password),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;
    use rand::SeedableRng;

    #[test]
    fn the_default_alphabet_has_no_ambiguous_symbols() {
        for c in ['0', 'O', '1', 'I', 'L', 'l', 'o', 'i'] {
            assert!(!DEFAULT_ALPHABET.contains(c), "{c}");
        }
        let spec = CodeSpec::new(8, None, "WIFI-").unwrap();
        let code = spec.generate(&mut rand::rngs::StdRng::seed_from_u64(1));
        assert!(code.starts_with("WIFI-"));
        assert_eq!(code.len(), 13);
        assert!(code[5..].chars().all(|c| DEFAULT_ALPHABET.contains(c)));
    }

    #[test]
    fn refuses_bad_specs() {
        assert_eq!(
            CodeSpec::new(3, None, ""),
            Err(VoucherRuleError::CodeLength)
        );
        assert_eq!(
            CodeSpec::new(33, None, ""),
            Err(VoucherRuleError::CodeLength)
        );
        assert_eq!(
            CodeSpec::new(8, Some("ABCDE"), ""),
            Err(VoucherRuleError::Alphabet)
        );
        assert_eq!(
            CodeSpec::new(8, Some("AAAAAAAAAAAA"), ""),
            Err(VoucherRuleError::Alphabet)
        );
        assert_eq!(
            CodeSpec::new(8, Some("ABCDEFGHJK!"), ""),
            Err(VoucherRuleError::Alphabet)
        );
        assert_eq!(CodeSpec::new(8, None, "A B"), Err(VoucherRuleError::Prefix));
        assert_eq!(
            CodeSpec::new(8, None, "TOO-LONG-PREFIX"),
            Err(VoucherRuleError::Prefix)
        );
        assert_eq!(check_quantity(0), Err(VoucherRuleError::Quantity));
        assert_eq!(check_quantity(10_001), Err(VoucherRuleError::Quantity));
        assert_eq!(check_quantity(10_000), Ok(10_000));
    }

    #[test]
    fn every_symbol_is_used_roughly_equally() {
        let spec = CodeSpec::new(32, None, "").unwrap();
        let mut rng = rand::rngs::StdRng::seed_from_u64(7);
        let mut counts = std::collections::HashMap::new();
        for _ in 0..2_000 {
            for c in spec.generate(&mut rng).chars() {
                *counts.entry(c).or_insert(0u32) += 1;
            }
        }
        let expected = 2_000.0 * 32.0 / DEFAULT_ALPHABET.len() as f64;
        assert_eq!(counts.len(), DEFAULT_ALPHABET.len());
        for (c, n) in counts {
            assert!(
                (f64::from(n) - expected).abs() < expected * 0.1,
                "{c}: {n} vs {expected}"
            );
        }
    }

    #[test]
    fn login_urls_carry_the_code_and_password() {
        assert_eq!(
            login_url(None, "AB CD", "p&q"),
            "http://10.5.50.1/login?username=AB+CD&password=p%26q"
        );
        assert_eq!(
            login_url(Some("https://wifi.example.net/login"), "X", "Y"),
            "https://wifi.example.net/login?username=X&password=Y"
        );
        assert_eq!(
            login_url(Some("not a url"), "X", "Y"),
            "http://10.5.50.1/login?username=X&password=Y"
        );
    }

    #[test]
    fn parses_the_validities_operators_use() {
        assert_eq!(Validity::parse("3h").unwrap().seconds(), 3 * 3600);
        assert_eq!(Validity::parse("1d").unwrap().seconds(), 86_400);
        assert_eq!(Validity::parse("7D").unwrap().seconds(), 7 * 86_400);
        assert_eq!(Validity::parse("1d12h").unwrap().seconds(), 36 * 3600);
        assert_eq!(Validity::parse("90m").unwrap().to_string(), "1h30m");
        for bad in ["", "0h", "h", "3", "3x", "-1d", "99999999999999999999d"] {
            assert!(Validity::parse(bad).is_err(), "{bad}");
        }
    }

    proptest! {
        #[test]
        fn generated_codes_follow_their_spec(length in MIN_CODE_LENGTH..=MAX_CODE_LENGTH, prefix in "[A-Z0-9-]{0,12}", seed: u64) {
            let spec = CodeSpec::new(length, None, &prefix).unwrap();
            let code = spec.generate(&mut rand::rngs::StdRng::seed_from_u64(seed));
            prop_assert!(code.starts_with(&prefix));
            prop_assert_eq!(code.len(), prefix.len() + usize::from(length));
            prop_assert!(code[prefix.len()..].chars().all(|c| DEFAULT_ALPHABET.contains(c)));
        }

        #[test]
        fn validity_round_trips_through_its_text(seconds in 1i64..=3660 * 86_400) {
            let validity = Validity::from_seconds(seconds).unwrap();
            prop_assert_eq!(Validity::parse(&validity.to_string()).unwrap(), validity);
        }
    }
}
