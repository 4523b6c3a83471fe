//! The subscribers' money: customers, invoices, payments and the balance ledger (carry-over of
//! partial and over-payments, reversals, refunds, adjustments).

pub mod customers;
pub mod error;
pub mod invoices;
pub mod ledger;
pub mod payments;
