//! The password policy: how long a password must be. The server checks it before hashing; the
//! registration form checks it too, to say so before the form is sent.

/// The fewest characters a password has.
pub const MIN_LEN: usize = 8;
/// The most characters a password has.
pub const MAX_LEN: usize = 128;

#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum PolicyError {
    #[error("password must be at least 8 characters")]
    TooShort,
    #[error("password must be at most 128 characters")]
    TooLong,
}

impl PolicyError {
    pub const fn code(self) -> crate::ErrorCode {
        match self {
            PolicyError::TooShort => crate::ErrorCode::PasswordTooShort,
            PolicyError::TooLong => crate::ErrorCode::PasswordTooLong,
        }
    }
}

/// Checks `password` against the policy; characters are counted, not bytes.
pub fn check_policy(password: &str) -> Result<(), PolicyError> {
    let len = password.chars().count();
    if len < MIN_LEN {
        Err(PolicyError::TooShort)
    } else if len > MAX_LEN {
        Err(PolicyError::TooLong)
    } else {
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_password_has_8_to_128_characters() {
        assert_eq!(check_policy("1234567"), Err(PolicyError::TooShort));
        assert_eq!(check_policy("12345678"), Ok(()));
        assert_eq!(
            check_policy("ééééééé"),
            Err(PolicyError::TooShort),
            "characters, not bytes"
        );
        assert_eq!(check_policy(&"x".repeat(128)), Ok(()));
        assert_eq!(check_policy(&"x".repeat(129)), Err(PolicyError::TooLong));
    }
}
