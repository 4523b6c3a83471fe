//! One big button per plan; a tap sells one voucher of it.

use crate::components::format::duration;
use crate::components::{error_message, use_hydrated};
use crate::error::AppError;
use crate::i18n::*;
use domain::model::sales::SaleablePlan;
use leptos::prelude::*;

/// The plans on sale, each a tile that calls `tap` with its id; disabled while `selling`, and
/// until the WASM has taken over the page (a tap before that would go into nothing: the tiles
/// say they are getting ready instead).
#[component]
pub fn PlanTiles(
    plans: Resource<Result<Vec<SaleablePlan>, AppError>>,
    #[prop(into)] selling: Signal<bool>,
    tap: Callback<i64>,
) -> impl IntoView {
    let i18n = use_i18n();
    let hydrated = use_hydrated();
    let selling = Signal::derive(move || selling.get() || !hydrated.get());
    view! {
        // A Transition, not a Suspense: after each sale the plans reload, and a fallback in their
        // place would shorten the page and undo the scroll that brings the sale into view on a
        // phone (and make the tiles flicker under the cashier's finger).
        <Transition fallback=move || view! { <p class="muted">{t!(i18n, loading)}</p> }>
            {move || Suspend::new(async move {
                match plans.await {
                    Ok(plans) if plans.is_empty() => {
                        view! { <p class="empty-state card">{t!(i18n, pos_no_plans)}</p> }.into_any()
                    }
                    Ok(plans) => {
                        let several_routers = plans
                            .iter()
                            .any(|p| p.router_name != plans[0].router_name);
                        view! {
                            <div
                                class="plan-tiles"
                                aria-busy=move || (!hydrated.get()).then_some("true")
                            >
                                {plans
                                    .into_iter()
                                    .map(|plan| view! { <PlanTile plan several_routers selling tap /> })
                                    .collect_view()}
                            </div>
                        }
                            .into_any()
                    }
                    Err(e) => view! { <p class="form-error">{error_message(i18n, &e)}</p> }.into_any(),
                }
            })}
        </Transition>
    }
}

#[component]
fn PlanTile(
    plan: SaleablePlan,
    /// Whether the tile names its router: only when plans of several routers are on sale.
    several_routers: bool,
    selling: Signal<bool>,
    tap: Callback<i64>,
) -> impl IntoView {
    let i18n = use_i18n();
    let id = plan.id;
    let seconds = plan.validity_seconds;
    // "3 Jam" needs no "3 jam" under it: the validity shows only when the name does not say it.
    let name_says_validity = {
        let name = plan.name.to_lowercase();
        move || name.contains(&duration(i18n, seconds).to_lowercase())
    };
    let validity = move || (!name_says_validity()).then(|| duration(i18n, seconds));
    let n = plan.stock;
    let router = several_routers.then_some(plan.router_name);
    view! {
        <button
            type="button"
            class="plan-tile"
            data-plan-id=id
            disabled=move || selling.get()
            on:click=move |_| tap.run(id)
        >
            <span class="tile-name">{plan.name}</span>
            <span class="tile-price">{plan.price.to_string()}</span>
            <span class="tile-meta">
                {move || {
                    validity()
                        .into_iter()
                        .chain(router.clone())
                        .collect::<Vec<_>>()
                        .join(" · ")
                }}
            </span>
            <span class="tile-stock">
                {move || {
                    if n > 0 {
                        t_string!(i18n, pos_stock, n).to_string()
                    } else {
                        t_string!(i18n, pos_stock_none).to_string()
                    }
                }}
            </span>
        </button>
    }
}
