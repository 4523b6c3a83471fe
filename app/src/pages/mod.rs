//! One module per page or page family.

pub mod admin;
pub mod errors;
pub mod login;
pub mod portal;
pub mod pos;
pub mod register;
