//! Validated contact details. Each type parses its input once; holding one proves it is valid.

use serde::{Deserialize, Serialize};
use std::fmt;

/// Why a piece of contact input was refused. The message is meant for the person who typed it.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ContactError {
    #[error("name must not be empty")]
    EmptyName,
    #[error("name must be at most {max} characters")]
    NameTooLong { max: usize },
    #[error("name must not contain control characters")]
    NameHasControlCharacters,
    #[error(
        "WhatsApp number may contain only digits, spaces, dashes, dots, parentheses and a leading +"
    )]
    WhatsappInvalidCharacters,
    #[error(
        "WhatsApp number must be an Indonesian mobile number such as 0812 3456 7890 or +62 812 3456 7890"
    )]
    WhatsappNotIndonesianMobile,
    #[error("WhatsApp number must have 10 to 13 digits after the leading 0")]
    WhatsappWrongLength,
    #[error("email address is not valid")]
    EmailInvalid,
}

impl ContactError {
    /// A stable identifier of the problem, for clients that show their own translated message.
    pub const fn code(&self) -> crate::ErrorCode {
        match self {
            ContactError::EmptyName => crate::ErrorCode::NameEmpty,
            ContactError::NameTooLong { .. } => crate::ErrorCode::NameTooLong,
            ContactError::NameHasControlCharacters => crate::ErrorCode::NameControlCharacters,
            ContactError::WhatsappInvalidCharacters => crate::ErrorCode::WhatsappInvalidCharacters,
            ContactError::WhatsappNotIndonesianMobile => {
                crate::ErrorCode::WhatsappNotIndonesianMobile
            }
            ContactError::WhatsappWrongLength => crate::ErrorCode::WhatsappWrongLength,
            ContactError::EmailInvalid => crate::ErrorCode::EmailInvalid,
        }
    }
}

/// A person's display name: trimmed, 1–100 characters, no control characters.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(transparent)]
pub struct PersonName(String);

impl PersonName {
    pub const MAX_CHARS: usize = 100;

    pub fn parse(input: &str) -> Result<Self, ContactError> {
        let trimmed = input.trim();
        if trimmed.is_empty() {
            return Err(ContactError::EmptyName);
        }
        if trimmed.chars().count() > Self::MAX_CHARS {
            return Err(ContactError::NameTooLong {
                max: Self::MAX_CHARS,
            });
        }
        if trimmed.chars().any(char::is_control) {
            return Err(ContactError::NameHasControlCharacters);
        }
        Ok(PersonName(trimmed.to_owned()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for PersonName {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// An Indonesian mobile number in the international form WhatsApp uses: `62` followed by the
/// subscriber number without its leading zero, digits only (e.g. `6281234567890`).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(transparent)]
pub struct WhatsappNumber(String);

impl WhatsappNumber {
    /// Accepts the ways people write their number: `0812-3456-7890`, `+62 812 3456 7890`,
    /// `62812…`, `812…`.
    pub fn parse(input: &str) -> Result<Self, ContactError> {
        let trimmed = input.trim();
        let (plus, rest) = match trimmed.strip_prefix('+') {
            Some(rest) => (true, rest),
            None => (false, trimmed),
        };
        let mut digits = String::with_capacity(rest.len());
        for c in rest.chars() {
            match c {
                '0'..='9' => digits.push(c),
                ' ' | '-' | '.' | '(' | ')' => {}
                _ => return Err(ContactError::WhatsappInvalidCharacters),
            }
        }
        let national = if let Some(national) = digits.strip_prefix("62") {
            national
        } else if plus {
            // Another country code: WhatsApp billing here is for Indonesian numbers.
            return Err(ContactError::WhatsappNotIndonesianMobile);
        } else if let Some(national) = digits.strip_prefix('0') {
            national
        } else {
            digits.as_str()
        };
        if !national.starts_with('8') {
            return Err(ContactError::WhatsappNotIndonesianMobile);
        }
        // Indonesian mobile numbers are 10–13 digits with the trunk 0 (08xx…), so 9–12 without.
        if !(9..=12).contains(&national.len()) {
            return Err(ContactError::WhatsappWrongLength);
        }
        Ok(WhatsappNumber(format!("62{national}")))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The number as people read it: `+62 812-3456-7890`.
    pub fn readable(&self) -> String {
        let national = &self.0[2..];
        let (operator, rest) = national.split_at(3);
        let groups: Vec<&str> = rest
            .as_bytes()
            .chunks(4)
            .map(|c| std::str::from_utf8(c).expect("digits are ASCII"))
            .collect();
        format!("+62 {operator}-{}", groups.join("-"))
    }
}

impl fmt::Display for WhatsappNumber {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// An email address, lower-cased so that lookups and uniqueness ignore case.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(transparent)]
pub struct EmailAddress(String);

impl EmailAddress {
    pub fn parse(input: &str) -> Result<Self, ContactError> {
        let normalised = input.trim().to_lowercase();
        let parsed = email_address::EmailAddress::parse_with_options(
            &normalised,
            email_address::Options::default().without_display_text(),
        )
        .map_err(|_| ContactError::EmailInvalid)?;
        // A deliverable address needs a dotted domain; `user@localhost` is not one a customer has.
        if !parsed.domain().contains('.') {
            return Err(ContactError::EmailInvalid);
        }
        Ok(EmailAddress(normalised))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for EmailAddress {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn normalises_the_usual_ways_of_writing_a_number() {
        for input in [
            "081234567890",
            "0812-3456-7890",
            "+62 812 3456 7890",
            "62812.3456.7890",
            "(0812) 3456 7890",
            "81234567890",
            "  6281234567890 ",
        ] {
            assert_eq!(
                WhatsappNumber::parse(input).unwrap().as_str(),
                "6281234567890",
                "{input}"
            );
        }
    }

    #[test]
    fn reads_like_a_phone_number() {
        let number = WhatsappNumber::parse("081234567890").unwrap();
        assert_eq!(number.readable(), "+62 812-3456-7890");
        assert_eq!(
            WhatsappNumber::parse("0812345678").unwrap().readable(),
            "+62 812-3456-78"
        );
    }

    #[test]
    fn refuses_numbers_that_are_not_indonesian_mobiles() {
        assert_eq!(
            WhatsappNumber::parse("+1 415 555 0100"),
            Err(ContactError::WhatsappNotIndonesianMobile)
        );
        assert_eq!(
            WhatsappNumber::parse("0215551234"),
            Err(ContactError::WhatsappNotIndonesianMobile)
        );
        assert_eq!(
            WhatsappNumber::parse("0812"),
            Err(ContactError::WhatsappWrongLength)
        );
        assert_eq!(
            WhatsappNumber::parse("08123456789012345"),
            Err(ContactError::WhatsappWrongLength)
        );
        assert_eq!(
            WhatsappNumber::parse("0812abc4567"),
            Err(ContactError::WhatsappInvalidCharacters)
        );
        assert_eq!(
            WhatsappNumber::parse(""),
            Err(ContactError::WhatsappNotIndonesianMobile)
        );
    }

    /// A subscriber number (`8…`, 9–12 digits) and how a person might write it: with the trunk
    /// `0`, the country code `62` with or without `+`, or neither; digits grouped by spaces,
    /// dashes, dots and parentheses; blanks around.
    fn written_mobile_number() -> impl Strategy<Value = (String, String)> {
        (
            "8[0-9]{8,11}",
            prop::sample::select(vec!["0", "62", "+62", ""]),
            prop::collection::vec(
                prop::sample::select(vec!["", "", "", " ", "-", ".", "(", ")", " - "]),
                15,
            ),
            prop::sample::select(vec!["", " ", "  ", "\t"]),
        )
            .prop_map(|(subscriber, prefix, separators, blank)| {
                let (plus, prefix_digits) = match prefix.strip_prefix('+') {
                    Some(digits) => ("+", digits),
                    None => ("", prefix),
                };
                let mut written = format!("{blank}{plus}");
                for (digit, separator) in format!("{prefix_digits}{subscriber}")
                    .chars()
                    .zip(&separators)
                {
                    written.push(digit);
                    written.push_str(separator);
                }
                written.push_str(blank);
                (written, subscriber)
            })
    }

    /// Numbers that must not parse, each with the reason it is refused.
    fn refused_number() -> impl Strategy<Value = (String, ContactError)> {
        let prefix = || prop::sample::select(vec!["0", "62", "+62"]);
        prop_oneof![
            // A valid number with a character no number has.
            (
                written_mobile_number(),
                "[a-zA-Z/#*,;_]",
                any::<prop::sample::Index>()
            )
                .prop_map(|((written, _), bad, at)| {
                    let mut written: Vec<char> = written.chars().collect();
                    let at = at.index(written.len() + 1);
                    written.insert(at, bad.chars().next().unwrap());
                    (
                        written.into_iter().collect(),
                        ContactError::WhatsappInvalidCharacters,
                    )
                }),
            // A mobile prefix, but too few or too many digits.
            (prefix(), prop_oneof!["8[0-9]{0,7}", "8[0-9]{12,16}"]).prop_map(
                |(prefix, national)| (
                    format!("{prefix}{national}"),
                    ContactError::WhatsappWrongLength
                )
            ),
            // An Indonesian number that is not a mobile one (a landline: 021…).
            (prefix(), "[1-79][0-9]{8,11}").prop_map(|(prefix, national)| (
                format!("{prefix}{national}"),
                ContactError::WhatsappNotIndonesianMobile
            )),
            // Another country's number.
            "\\+(1|[2-57-9][0-9]|6[013-9])[0-9]{8,10}"
                .prop_map(|written| (written, ContactError::WhatsappNotIndonesianMobile)),
        ]
    }

    proptest! {
        #[test]
        fn every_local_form_normalises_to_the_same_number(subscriber in "8[0-9]{8,11}") {
            let expected = format!("62{subscriber}");
            for written in [format!("0{subscriber}"), format!("+62{subscriber}"), expected.clone(), subscriber.clone()] {
                let parsed = WhatsappNumber::parse(&written).unwrap();
                prop_assert_eq!(parsed.as_str(), expected.as_str());
            }
        }

        #[test]
        fn any_written_form_of_a_mobile_number_parses_to_its_canonical_form(
            (written, subscriber) in written_mobile_number()
        ) {
            let number = WhatsappNumber::parse(&written);
            prop_assert!(number.is_ok(), "{:?}: {:?}", written, number);
            let number = number.unwrap();
            let text = number.as_str();
            prop_assert_eq!(text, format!("62{subscriber}"));
            prop_assert!(text.chars().all(|c| c.is_ascii_digit()));
            prop_assert!((11..=14).contains(&text.len()));
            prop_assert_eq!(WhatsappNumber::parse(text), Ok(number.clone()));
            prop_assert_eq!(WhatsappNumber::parse(&number.readable()), Ok(number.clone()));
        }

        #[test]
        fn numbers_that_are_not_indonesian_mobiles_are_refused_with_the_reason(
            (written, reason) in refused_number()
        ) {
            prop_assert_eq!(WhatsappNumber::parse(&written), Err(reason), "{:?}", written);
        }

        #[test]
        fn names_are_trimmed_and_bounded(input in "\\PC{0,120}") {
            match PersonName::parse(&input) {
                Ok(name) => {
                    prop_assert_eq!(name.as_str(), input.trim());
                    prop_assert!(!name.as_str().is_empty());
                    prop_assert!(name.as_str().chars().count() <= PersonName::MAX_CHARS);
                }
                Err(_) => prop_assert!(input.trim().is_empty() || input.trim().chars().count() > PersonName::MAX_CHARS),
            }
        }
    }

    #[test]
    fn emails_are_lower_cased_and_need_a_real_domain() {
        assert_eq!(
            EmailAddress::parse(" Budi@Example.CO.ID ")
                .unwrap()
                .as_str(),
            "budi@example.co.id"
        );
        assert!(EmailAddress::parse("budi").is_err());
        assert!(EmailAddress::parse("budi@localhost").is_err());
        assert!(EmailAddress::parse("Budi <budi@example.com>").is_err());
    }
}
