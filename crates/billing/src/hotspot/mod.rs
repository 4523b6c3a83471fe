//! The hotspot: plans sold as vouchers, voucher batches, their hotspot users pushed to routers
//! through the outbox, first use and expiry, reconciliation with the router, counter sales and
//! printed sheets.

pub mod activation;
pub mod jobs;
pub mod plans;
pub mod reconcile;
pub mod sales;
pub mod sheets;
pub mod vouchers;
