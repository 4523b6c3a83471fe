//! An async client for the MikroTik RouterOS API, written to the vendor's API guide, and a
//! simulator that speaks the same protocol for tests, benchmarks and demos (the `sim` module,
//! behind the cargo feature `sim`, off by default).
//!
//! The client pipelines: every command carries its own `.tag`, any number of them (up to
//! `max_in_flight`) are on the wire at once, and replies are routed back by tag. Over a link with
//! 20 ms round trips, 1,000 pipelined adds take about one round trip instead of a thousand.
//!
//! ```no_run
//! # async fn example() -> Result<(), routeros::Error> {
//! use routeros::{Client, ClientConfig, NewHotspotUser, Query};
//! let client = Client::connect(ClientConfig::new("192.0.2.1", "admin", "secret")).await?;
//! let id = client
//!     .hotspot_users()
//!     .add(&NewHotspotUser { name: "v-1234".into(), password: Some("5678".into()), ..Default::default() })
//!     .await?;
//! let active = client.hotspot_active().print(&Query::new().equals("user", "v-1234"), &[]).await?;
//! # let _ = (id, active);
//! # Ok(()) }
//! ```

mod client;
pub mod codec;
mod collect;
mod command;
mod config;
mod connection;
mod duration;
mod error;
mod menus;
mod reply;
#[cfg(feature = "sim")]
pub mod sim;
mod tls;

pub use client::{Client, CommandBuilder, ReplyStream};
pub use collect::ReplyCollector;
pub use command::{Command, Query};
pub use config::{ClientConfig, Reconnect, ReplyLimits, Timeouts, TlsMode};
pub use connection::legacy_challenge_response;
pub use duration::{InvalidRouterDuration, format_router_duration, parse_router_duration};
pub use error::{Error, ReplyLimit, TimeoutStage};
pub use menus::*;
pub use reply::{Attributes, Reply, Response, TaggedReply, Trap, TrapCategory};
pub use tls::certificate_fingerprint;
