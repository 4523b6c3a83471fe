//! The cashier's sales screen, made for a tablet held in the hand (768×1024) or a small POS:
//! one big button per plan; a tap sells one voucher and shows its code large with its QR code,
//! ready to print on a 58 mm receipt; today's sales per cashier underneath.

mod browser;
mod plan_tiles;
mod sale;
mod server;
mod today;

pub use server::*;

use crate::components::{FormError, successes, use_hydrated};
use crate::error::AppError;
use crate::i18n::*;
use browser::{Tap, auto_print_stored};
use leptos::prelude::*;
use plan_tiles::PlanTiles;
use sale::{Receipt, SaleCard};
use today::TodayPanel;

#[component]
pub fn PosPage() -> impl IntoView {
    let i18n = use_i18n();
    let sell = ServerAction::<SellVoucher>::new();
    let sold = successes(sell);
    let plans = Resource::new(move || sold.get(), |_| pos_plans());
    let today = Resource::new(move || sold.get(), |_| today_sales());
    let (whatsapp, set_whatsapp) = signal(String::new());
    let (auto_print, set_auto_print) = signal(false);
    let last_tap = StoredValue::new(None::<Tap>);
    let sale = Memo::new(move |_| sell.value().get().and_then(Result::ok));
    let error = Signal::derive(move || sell.value().get().and_then(Result::err));

    Effect::new(move |_| set_auto_print.set(auto_print_stored()));
    print_and_show_new_sales(sale, auto_print);

    let tap = Callback::new(move |plan_id: i64| {
        if sell.pending().get_untracked() {
            return;
        }
        let tap = Tap::after(last_tap.get_value(), plan_id);
        last_tap.set_value(Some(tap));
        sell.dispatch(SellVoucher {
            plan_id,
            request_key: tap.key().to_string(),
            customer_whatsapp: whatsapp.get_untracked(),
        });
    });
    // The buyer's number belongs to one sale only.
    Effect::new(move |_| {
        if sold.get() > 0 {
            set_whatsapp.set(String::new());
        }
    });

    view! {
        <div class="pos-screen">
            <section class="pos-sell" aria-labelledby="pos-plans-title">
                <h1 id="pos-plans-title" class="visually-hidden">{t!(i18n, pos_title)}</h1>
                <label class="pos-whatsapp">
                    <span>{t!(i18n, pos_whatsapp)}</span>
                    <input
                        type="tel"
                        name="customer_whatsapp"
                        inputmode="tel"
                        autocomplete="off"
                        placeholder="08xx-xxxx-xxxx"
                        prop:value=whatsapp
                        on:input=move |ev| set_whatsapp.set(event_target_value(&ev))
                        aria-invalid=move || {
                            error.with(|e| e.as_ref().and_then(AppError::field) == Some("customer_whatsapp"))
                                .then_some("true")
                        }
                    />
                </label>
                <FormError error />
                <PlanTiles plans selling=sell.pending() tap />
            </section>

            <SaleResult sale selling=sell.pending() auto_print set_auto_print />

            <section class="pos-today card" aria-labelledby="pos-today-title">
                // A Transition keeps the totals on screen while they reload after a sale.
                <Transition fallback=|| ()>
                    {move || Suspend::new(async move {
                        today.await.ok().map(|t| view! { <TodayPanel today=t /> })
                    })}
                </Transition>
            </section>

            {move || sale.get().map(|s| view! { <Receipt sale=s /> })}
        </div>
    }
}

/// The sale just made, or what to do while there is none.
#[component]
fn SaleResult(
    sale: Memo<Option<SaleView>>,
    #[prop(into)] selling: Signal<bool>,
    auto_print: ReadSignal<bool>,
    set_auto_print: WriteSignal<bool>,
) -> impl IntoView {
    let i18n = use_i18n();
    let hydrated = use_hydrated();
    view! {
    <section class="pos-result card" aria-live="polite">
        {move || match sale.get() {
            None => {
                view! {
                    <p class="pos-hint muted">
                        {move || {
                            if !hydrated.get() {
                                t_string!(i18n, pos_getting_ready).to_string()
                            } else if selling.get() {
                                t_string!(i18n, pos_selling).to_string()
                            } else {
                                t_string!(i18n, pos_hint).to_string()
                            }
                        }}
                    </p>
                }
                    .into_any()
            }
            Some(s) => view! { <SaleCard sale=s auto_print set_auto_print /> }.into_any(),
        }}
    </section>
    }
}

/// A new sale prints its receipt at once when the cashier wants that, and on a phone, where it
/// appears below the plans, it is brought into view.
fn print_and_show_new_sales(sale: Memo<Option<SaleView>>, auto_print: ReadSignal<bool>) {
    Effect::new(move |previous: Option<Option<i64>>| {
        let current = sale.with(|s| s.as_ref().filter(|s| !s.replayed).map(|s| s.id));
        if let (Some(id), Some(before)) = (current, previous)
            && before != Some(id)
            && auto_print.get_untracked()
        {
            request_animation_frame(|| {
                let _ = window().print();
            });
        }
        if current.is_some()
            && current != previous.flatten()
            && let Ok(Some(result)) = document().query_selector(".pos-result")
        {
            let options = web_sys::ScrollIntoViewOptions::new();
            options.set_block(web_sys::ScrollLogicalPosition::Nearest);
            result.scroll_into_view_with_scroll_into_view_options(&options);
        }
        current
    });
}
