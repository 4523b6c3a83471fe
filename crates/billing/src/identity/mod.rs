//! Who may do what: staff and customer accounts, passwords, login sessions, API tokens and the
//! login rate limits.

pub mod accounts;
pub mod auth;
pub mod password;
pub mod principal;
pub mod rate_limit;
pub mod sessions;
pub mod staff;
pub mod token;
