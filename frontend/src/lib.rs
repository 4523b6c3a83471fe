//! The WASM entry point: hydrates the page the server rendered.

// The release build (without `erase_components`) names every page's full view type; the voucher
// list's is deeper than the default limit allows.
#![recursion_limit = "256"]

#[wasm_bindgen::prelude::wasm_bindgen]
pub fn hydrate() {
    console_error_panic_hook::set_once();
    leptos::mount::hydrate_body(app::App);
}
