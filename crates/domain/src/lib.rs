//! Pure domain types and rules, and the typed models that cross the wire. No IO: everything here
//! builds for the server and for WASM, and is tested without a database, a router or a browser.
//! See `docs/ARCHITECTURE.md` for where this crate sits.

pub mod activation;
pub mod contact;
pub mod error_code;
pub mod ids;
pub mod model;
pub mod money;
pub mod password;
pub mod period;
pub mod plan;
pub mod role;
pub mod router;
pub mod settlement;
pub mod status;
pub mod voucher;

/// The calendar date of the wire models, for the crates that show or read one.
pub use chrono::NaiveDate;
pub use contact::{EmailAddress, PersonName, WhatsappNumber};
pub use error_code::{ErrorCode, FieldError};
pub use ids::{CustomerId, StaffUserId};
pub use money::Rupiah;
pub use role::Role;
pub use status::{
    ExpiredAction, JobStatus, RouterState, SecretState, SubscriptionStatus, VoucherStatus,
};
pub use voucher::{CodeSpec, PasswordMode, Validity};
