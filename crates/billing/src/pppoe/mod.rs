//! PPPoE service: subscriptions (plan, username, sealed password, billing day, status), their
//! `/ppp/secret`s on the routers through the outbox (sync, reconciliation), isolation, live
//! sessions, and the import of a router's existing secrets. It knows nothing of invoices'
//! composition or payments: `money` bills the subscriptions and resumes them.

pub mod import;
pub mod secrets;
pub mod subscriptions;
