//! The subscribers' money: customers, invoices, payments and the balance ledger (carry-over of
//! partial and over-payments, reversals, refunds, adjustments), and their PPPoE subscriptions
//! (secrets on routers, isolation, import).

pub mod customers;
pub mod error;
pub mod import;
pub mod invoice_run;
pub mod invoices;
pub mod ledger;
pub mod payments;
pub mod secrets;
pub mod subscriptions;
