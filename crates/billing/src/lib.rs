//! Services of Mikrotik Billing. Everything here is callable from a test with a real PostgreSQL
//! and Redis; nothing here knows about Leptos or HTTP.
//!
//! One folder per area (see `docs/ARCHITECTURE.md` for who may import whom): `core` under
//! everything, then `identity`, `routers` and `outbox`, then `hotspot`, `pppoe` and `reports`,
//! `money` above `pppoe`, and `ops` on top. `services` builds them all for a process.

pub mod core;
pub mod hotspot;
pub mod identity;
pub mod money;
pub mod ops;
pub mod outbox;
pub mod pppoe;
pub mod reports;
pub mod routers;
pub mod services;

pub use core::config::Config;
pub use services::{Services, StartupError};
pub use uuid;
