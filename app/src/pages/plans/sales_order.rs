//! The order of the plans on the sales screen. Cashiers tap by position, so the tiles keep their
//! place when plans are added or repriced; an admin moves a plan here, one place at a time.

use super::MovePlanOnSalesScreen;
use crate::components::{FormError, error_message, successes, use_hydrated};
use crate::i18n::*;
use crate::pages::pos::pos_plans;
use leptos::prelude::*;

/// The plans on sale in the sales screen's order, each with "earlier" and "later" buttons.
/// `changed` counts changes made elsewhere on the page (a plan added, switched on or off).
#[component]
pub fn SalesOrder(#[prop(into)] changed: Signal<u32>) -> impl IntoView {
    let i18n = use_i18n();
    let hydrated = use_hydrated();
    let moving = ServerAction::<MovePlanOnSalesScreen>::new();
    let moved = successes(moving);
    let plans = Resource::new(move || (changed.get(), moved.get()), |_| pos_plans());
    let error = Signal::derive(move || moving.value().get().and_then(Result::err));
    view! {
        <section class="card sales-order" aria-labelledby="sales-order-title">
            <h2 id="sales-order-title">{t!(i18n, sales_order_title)}</h2>
            <p class="muted small">{t!(i18n, sales_order_hint)}</p>
            <FormError error />
            <Transition fallback=move || view! { <p class="muted">{t!(i18n, loading)}</p> }>
                {move || Suspend::new(async move {
                    match plans.await {
                        Ok(list) if list.is_empty() => {
                            view! { <p class="muted">{t!(i18n, pos_no_plans)}</p> }.into_any()
                        }
                        Ok(list) => {
                            let last = list.len() - 1;
                            view! {
                                <ol class="sales-order-list">
                                    {list
                                        .into_iter()
                                        .enumerate()
                                        .map(|(at, plan)| {
                                            let id = plan.id;
                                            let step = move |earlier: bool| {
                                                moving
                                                    .dispatch(MovePlanOnSalesScreen { plan_id: id, earlier });
                                            };
                                            let busy = move || moving.pending().get() || !hydrated.get();
                                            view! {
                                                <li data-plan-id=id>
                                                    <span class="sales-order-position">{at + 1}</span>
                                                    <span class="sales-order-name">
                                                        {plan.name} " · " <span class="muted">{plan.router_name}</span>
                                                    </span>
                                                    <button
                                                        type="button"
                                                        class="button button-quiet icon-button"
                                                        data-move="earlier"
                                                        aria-label=move || t_string!(i18n, sales_order_earlier)
                                                        disabled=move || at == 0 || busy()
                                                        on:click=move |_| step(true)
                                                    >
                                                        "↑"
                                                    </button>
                                                    <button
                                                        type="button"
                                                        class="button button-quiet icon-button"
                                                        data-move="later"
                                                        aria-label=move || t_string!(i18n, sales_order_later)
                                                        disabled=move || at == last || busy()
                                                        on:click=move |_| step(false)
                                                    >
                                                        "↓"
                                                    </button>
                                                </li>
                                            }
                                        })
                                        .collect_view()}
                                </ol>
                            }
                                .into_any()
                        }
                        Err(e) => view! { <p class="form-error">{error_message(i18n, &e)}</p> }.into_any(),
                    }
                })}
            </Transition>
        </section>
    }
}
