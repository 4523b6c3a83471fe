//! How a router operation fails, and how that looks to the caller.

use crate::core::problem::{Explain, Problem};
use domain::{ErrorCode, FieldError};

#[derive(Debug, thiserror::Error)]
pub enum RouterError {
    #[error(transparent)]
    Invalid(#[from] FieldError),
    #[error("a router with this name already exists")]
    DuplicateName,
    #[error("no such router")]
    NotFound,
    #[error("the router still has plans or vouchers; remove them first")]
    InUse,
    #[error("the stored router password does not decrypt with the configured encryption key")]
    Credentials(#[from] crate::core::crypto::CryptoError),
    #[error(transparent)]
    Router(#[from] routeros::Error),
    #[error("database error")]
    Database(#[from] sqlx::Error),
}

pub(crate) fn invalid(field: &'static str, code: ErrorCode, message: &str) -> RouterError {
    RouterError::Invalid(FieldError::new(field, code, message.to_owned()))
}

impl Explain for RouterError {
    fn problem(&self) -> Problem {
        match self {
            RouterError::Invalid(e) => e.problem(),
            RouterError::DuplicateName => Problem::Conflict {
                field: Some("name"),
                code: ErrorCode::RouterNameTaken,
            },
            RouterError::InUse => Problem::Conflict {
                field: Some("router_id"),
                code: ErrorCode::RouterInUse,
            },
            RouterError::NotFound => Problem::NotFound {
                field: "router_id",
                code: ErrorCode::RouterNotFound,
            },
            // Entering the router's password again stores it under the current key.
            RouterError::Credentials(_) => Problem::Invalid {
                field: "password",
                code: ErrorCode::RouterCredentials,
            },
            RouterError::Router(_) => Problem::Upstream {
                code: ErrorCode::RouterUnreachable,
            },
            RouterError::Database(_) => Problem::Internal,
        }
    }
}
