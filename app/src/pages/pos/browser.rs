//! What the sales screen keeps in the browser: the key of each tap, and the cashier's auto-print
//! choice.

use leptos::prelude::*;
use uuid::Uuid;

/// Two taps on the same plan closer than this are one double tap: the second repeats the first
/// request (same key) and the server answers with the same sale.
const DOUBLE_TAP_MS: f64 = 800.0;
/// The browser remembers the cashier's auto-print choice under this key.
const AUTO_PRINT_KEY: &str = "pos.autoPrint";

/// The last tap: its plan, its request key and when it happened.
#[derive(Debug, Clone, Copy)]
pub struct Tap {
    plan_id: i64,
    key: Uuid,
    at_ms: f64,
}

impl Tap {
    /// A tap on `plan_id` now: a double tap keeps the key of the tap before it, any other tap
    /// gets a fresh random key.
    pub fn after(previous: Option<Tap>, plan_id: i64) -> Tap {
        let now = js_sys::Date::now();
        let key = match previous {
            Some(tap) if tap.plan_id == plan_id && now - tap.at_ms < DOUBLE_TAP_MS => tap.key,
            _ => Uuid::new_v4(),
        };
        Tap {
            plan_id,
            key,
            at_ms: now,
        }
    }

    pub fn key(self) -> Uuid {
        self.key
    }
}

/// Off until the cashier switches it on on this device (a receipt printer is not everywhere).
pub fn auto_print_stored() -> bool {
    window()
        .local_storage()
        .ok()
        .flatten()
        .and_then(|s| s.get_item(AUTO_PRINT_KEY).ok().flatten())
        .is_some_and(|v| v == "on")
}

pub fn store_auto_print(on: bool) {
    if let Some(storage) = window().local_storage().ok().flatten() {
        let _ = storage.set_item(AUTO_PRINT_KEY, if on { "on" } else { "off" });
    }
}
