//! The sale just made: on screen with its code large and its QR code, and on the 58 mm receipt.

use super::SaleView;
use super::browser::store_auto_print;
use crate::components::format::duration;
use crate::i18n::*;
use domain::RouterState;
use leptos::prelude::*;

#[component]
pub fn SaleCard(
    sale: SaleView,
    auto_print: ReadSignal<bool>,
    set_auto_print: WriteSignal<bool>,
) -> impl IntoView {
    let i18n = use_i18n();
    let seconds = sale.validity_seconds;
    let validity = move || duration(i18n, seconds);
    let separate_password = sale.password != sale.code;
    let pending = sale.router_state != RouterState::Pushed;
    view! {
        <div class="sale" data-sale-id=sale.id data-replayed=sale.replayed.to_string()>
            <div class="sale-qr qr" inner_html=sale.qr_svg.clone() role="img" aria-label=sale.login_url.clone()></div>
            <div class="sale-details">
                <p class="sale-plan">{sale.plan.name.clone()} " · " {sale.price.to_string()}</p>
                <p class="sale-label muted">{t!(i18n, voucher_code)}</p>
                <p class="sale-code" data-code=sale.code.clone()>{sale.code.clone()}</p>
                {separate_password.then(|| view! {
                    <p class="sale-password">{t!(i18n, voucher_password)} ": " <b>{sale.password.clone()}</b></p>
                })}
                <p class="small muted">{validity} " · " {sale.sold_at.clone()}</p>
                {pending.then(|| view! { <p class="small warning">{t!(i18n, pos_router_pending)}</p> })}
                {sale.customer_whatsapp.clone().map(|w| view! {
                    <p class="small muted">{t!(i18n, pos_whatsapp_saved)} " " {w}</p>
                })}
                <div class="sale-actions">
                    <button
                        type="button"
                        class="button button-primary button-big"
                        on:click=move |_| {
                            let _ = window().print();
                        }
                    >
                        {t!(i18n, pos_print_receipt)}
                    </button>
                    <label class="check">
                        <input
                            type="checkbox"
                            name="auto_print"
                            prop:checked=auto_print
                            on:change=move |ev| {
                                let on = event_target_checked(&ev);
                                set_auto_print.set(on);
                                store_auto_print(on);
                            }
                        />
                        <span>{t!(i18n, pos_auto_print)}</span>
                    </label>
                </div>
            </div>
        </div>
    }
}

/// The 58 mm receipt: only visible on paper.
#[component]
pub fn Receipt(sale: SaleView) -> impl IntoView {
    let i18n = use_i18n();
    let seconds = sale.validity_seconds;
    let validity = move || duration(i18n, seconds);
    let separate_password = sale.password != sale.code;
    let login_page = sale
        .login_url
        .split('?')
        .next()
        .unwrap_or_default()
        .to_owned();
    view! {
        <div class="receipt" aria-hidden="true">
            <p class="receipt-title">{sale.router.name.clone()}</p>
            <p class="receipt-plan">{sale.plan.name.clone()}</p>
            <p class="receipt-label">{t!(i18n, voucher_code)}</p>
            <p class="receipt-code">{sale.code.clone()}</p>
            {separate_password.then(|| view! {
                <p>{t!(i18n, voucher_password)} ": " <b>{sale.password.clone()}</b></p>
            })}
            <div class="receipt-qr qr" inner_html=sale.qr_svg.clone()></div>
            <p>{t!(i18n, voucher_validity)} ": " {validity}</p>
            <p class="receipt-price">{sale.price.to_string()}</p>
            <p class="receipt-small">{sale.sold_at.clone()} " · " {sale.cashier.name.clone()}</p>
            <p class="receipt-small">{t!(i18n, voucher_login_at)} " " {login_page}</p>
        </div>
    }
}
