//! The one error type the browser sees from server functions. It never carries internals:
//! database and Redis failures become `Internal` after being logged on the server.

use domain::ErrorCode;
use leptos::server_fn::codec::JsonEncoding;
use leptos::server_fn::error::{FromServerFnError, ServerFnErrorErr};
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, thiserror::Error)]
pub enum AppError {
    /// Bad input in one field; `code` picks the translated message.
    #[error("{field}: {message}")]
    Invalid {
        field: String,
        code: ErrorCode,
        message: String,
    },
    #[error("wrong username or password")]
    InvalidCredentials,
    #[error("too many failed attempts; try again in {retry_after_seconds} seconds")]
    RateLimited { retry_after_seconds: u64 },
    #[error("not logged in")]
    Unauthenticated,
    #[error("forbidden")]
    Forbidden,
    /// A service the server needs (Redis) is not answering for now; retrying shortly works.
    #[error("the service is briefly unavailable; try again in a few seconds")]
    Unavailable,
    #[error("internal error")]
    Internal,
    /// Transport and encoding failures between browser and server.
    #[error("request failed: {0}")]
    Transport(String),
}

impl FromServerFnError for AppError {
    type Encoder = JsonEncoding;

    fn from_server_fn_error(value: ServerFnErrorErr) -> Self {
        AppError::Transport(value.to_string())
    }
}

impl AppError {
    /// Bad input in `field`; `code` picks the translated message, `message` is the English one.
    pub fn invalid(field: &str, code: ErrorCode, message: impl Into<String>) -> Self {
        AppError::Invalid {
            field: field.to_owned(),
            code,
            message: message.into(),
        }
    }

    /// The field a form should mark, if the error is about one.
    pub fn field(&self) -> Option<&str> {
        match self {
            AppError::Invalid { field, .. } if !field.is_empty() => Some(field),
            _ => None,
        }
    }
}

#[cfg(feature = "ssr")]
fn internal(error: &dyn std::error::Error, what: &str) -> AppError {
    tracing::error!(error = %error, cause = ?error.source(), "{what} in a server function");
    AppError::Internal
}

#[cfg(feature = "ssr")]
impl AppError {
    /// A service error as the service explains it: the field, code and message for the form, or
    /// a logged internal error.
    pub fn from_service(error: &dyn billing::core::problem::Explain) -> Self {
        use billing::core::problem::Problem;
        match error.problem() {
            Problem::Invalid { field, code }
            | Problem::Conflict {
                field: Some(field),
                code,
            }
            | Problem::NotFound { field, code } => {
                AppError::invalid(field, code, error.to_string())
            }
            // About the whole form: no field is marked.
            Problem::Conflict { field: None, code } => {
                AppError::invalid("", code, error.to_string())
            }
            // What the router (or the network) said is what the admin needs to fix it.
            Problem::Upstream { code } => AppError::invalid("router", code, error.to_string()),
            Problem::InvalidCredentials => AppError::InvalidCredentials,
            Problem::RateLimited {
                retry_after_seconds,
            } => AppError::RateLimited {
                retry_after_seconds,
            },
            Problem::Unauthenticated => AppError::Unauthenticated,
            Problem::Forbidden => AppError::Forbidden,
            Problem::Unavailable => {
                tracing::warn!(error = %error, cause = ?error.source(), "service unavailable in a server function");
                AppError::Unavailable
            }
            Problem::Internal => internal(error, "service error"),
        }
    }
}

/// Every service error explains itself, so every one converts the same way.
#[cfg(feature = "ssr")]
impl<E: billing::core::problem::Explain> From<E> for AppError {
    fn from(error: E) -> Self {
        AppError::from_service(&error)
    }
}
