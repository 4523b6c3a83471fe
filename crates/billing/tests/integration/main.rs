//! The billing services against a real PostgreSQL (a fresh database per test, from
//! `#[sqlx::test]`), the shared test Redis and simulated routers. One test binary with a module
//! per area keeps the build to one link of the whole stack.

mod support;

mod auth_service;
mod invoice_run;
mod money;
mod money_model;
mod money_rules;
mod outbox;
mod provisioning;
mod sales;
mod subscriptions;
mod withdrawal;
