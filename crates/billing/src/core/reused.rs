//! A value reused while it is young: the health checks and the dashboard's figures are read far
//! more often than they change. The lock lets one caller at a time refresh it.

use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// The last value and when it was stored, and the lock its single refresher holds.
#[derive(Debug)]
pub struct Reused<T> {
    slot: Mutex<Option<(Instant, T)>>,
    pub refreshing: Arc<tokio::sync::Mutex<()>>,
}

impl<T> Default for Reused<T> {
    fn default() -> Self {
        Reused {
            slot: Mutex::new(None),
            refreshing: Arc::default(),
        }
    }
}

impl<T: Clone> Reused<T> {
    /// The last value and whether it is younger than `ttl`.
    pub fn peek(&self, ttl: Duration) -> Option<(T, bool)> {
        let slot = self.slot.lock().unwrap_or_else(|p| p.into_inner());
        slot.as_ref()
            .map(|(at, value)| (value.clone(), at.elapsed() < ttl))
    }

    /// The last value if it is younger than `ttl`.
    pub fn fresh(&self, ttl: Duration) -> Option<T> {
        self.peek(ttl)
            .and_then(|(value, fresh)| fresh.then_some(value))
    }

    /// Keeps `value` from now on, and gives it back.
    pub fn store(&self, value: T) -> T {
        *self.slot.lock().unwrap_or_else(|p| p.into_inner()) =
            Some((Instant::now(), value.clone()));
        value
    }
}
