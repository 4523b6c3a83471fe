//! How a service error looks to the person whose request caused it. Each area's error type
//! implements [`Explain`] next to its definition; the REST API and the web interface both turn a
//! [`Problem`] into their own answer, so a problem has one status and one code everywhere.

use domain::ErrorCode;

/// The kind of a problem, with the field it concerns and a stable code.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Problem {
    /// Bad input in one field.
    Invalid {
        field: &'static str,
        code: ErrorCode,
    },
    /// The request conflicts with what exists: a name taken, a record still in use. No field
    /// when naming one would tell more than the requester may know (an account that exists).
    Conflict {
        field: Option<&'static str>,
        code: ErrorCode,
    },
    /// The record the request names does not exist.
    NotFound {
        field: &'static str,
        code: ErrorCode,
    },
    /// A router (or gateway) failed; the error's message says how, in the router's words.
    Upstream { code: ErrorCode },
    /// A login with a wrong username or password.
    InvalidCredentials,
    /// Too many failed attempts: wait before trying again.
    RateLimited { retry_after_seconds: u64 },
    /// No valid login session or token.
    Unauthenticated,
    /// Logged in, but the role may not do this.
    Forbidden,
    /// A service the request needs (Redis) is not answering for now: retry in a few seconds.
    Unavailable,
    /// A fault on our side: logged, not explained.
    Internal,
}

/// A service error that can say what kind of problem it is.
pub trait Explain: std::error::Error {
    fn problem(&self) -> Problem;
}

impl Explain for domain::FieldError {
    fn problem(&self) -> Problem {
        Problem::Invalid {
            field: self.field,
            code: self.code,
        }
    }
}

/// A database failure that reached a caller: logged, never shown.
impl Explain for sqlx::Error {
    fn problem(&self) -> Problem {
        Problem::Internal
    }
}
