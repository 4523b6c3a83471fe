//! One module per page or page family.

pub mod admin;
pub mod errors;
#[cfg(feature = "ssr")]
pub mod fields;
pub mod login;
pub mod plans;
pub mod portal;
pub mod pos;
pub mod print;
pub mod register;
pub mod reports;
pub mod routers;
pub mod vouchers;
