//! The server through its HTTP router (`Router::oneshot`, the production path), over a fresh
//! database per test and the shared test Redis; a few tests start the server binary or a
//! PostgreSQL and Redis of their own. One test binary with a module per concern keeps the build
//! to one link of the whole stack.

mod support;

mod api_auth;
mod api_contract;
mod api_money;
mod api_money_rules;
mod api_routers;
mod api_sales;
mod api_subscriptions;
mod api_vouchers;
mod resilience;
mod security;
