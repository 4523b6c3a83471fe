//! Pure domain types and rules. No IO: everything here builds for the server and for WASM, and is
//! tested without a database, a router or a browser.

pub mod contact;
pub mod ids;
pub mod money;
pub mod role;
pub mod voucher;

pub use contact::{EmailAddress, PersonName, WhatsappNumber};
pub use ids::{CustomerId, StaffUserId};
pub use money::Rupiah;
pub use role::Role;
pub use voucher::{CodeSpec, PasswordMode, Validity};
