//! The WASM entry point: hydrates the page the server rendered.

// The release build (without `erase_components`) names every page's full view type; the voucher
// list's is deeper than the default limit allows.
#![recursion_limit = "256"]

/// Hydrates the page, waiting for the lazily loaded code of its route (a WASM file of its own in
/// a split build), then marks it hydrated: only then do its buttons work.
#[wasm_bindgen::prelude::wasm_bindgen]
pub fn hydrate() {
    console_error_panic_hook::set_once();
    // An Err only says the executor was already set up.
    _ = any_spawner::Executor::init_wasm_bindgen();
    leptos::task::spawn_local(async {
        let body = leptos::prelude::document()
            .body()
            .expect("a page has a body");
        leptos::mount::hydrate_from_async(body, app::App)
            .await
            .forget();
        app::components::mark_hydrated();
    });
}
