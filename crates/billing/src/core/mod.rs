//! What every area stands on: configuration, the database and Redis pools, encryption of stored
//! secrets, the audit log, the health checks of the core services, QR codes, and the way errors
//! explain themselves. Nothing here imports an area.

pub mod audit;
pub mod client_address;
pub mod config;
pub mod crypto;
pub mod days;
pub mod db;
pub mod health;
pub mod problem;
pub mod qr;
pub mod redis;
pub mod reused;
