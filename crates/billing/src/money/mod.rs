//! The subscribers' money: customers, invoices, payments and the balance ledger (carry-over of
//! partial and over-payments, reversals, refunds, adjustments) and the monthly invoice run.
//!
//! Above `pppoe`: money decides what service a customer's standing allows, so the settlement
//! calls `pppoe::subscriptions` to resume what a payment settles (in the payment's own
//! transaction); `pppoe` never imports `money`.

pub mod customers;
pub mod error;
pub mod invoice_run;
pub mod invoices;
pub mod ledger;
pub mod payments;
pub mod standing;
