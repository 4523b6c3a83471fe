//! What crosses the wire: the bodies of the REST API and the arguments and results of the web
//! interface's server functions, defined once and used by the billing services, the REST API and
//! the browser. With the `openapi` feature each carries its schema for the OpenAPI document.

pub mod accounts;
pub mod customers;
pub mod health;
pub mod invoices;
pub mod plans;
pub mod reports;
pub mod routers;
pub mod sales;
pub mod subscriptions;
pub mod vouchers;
