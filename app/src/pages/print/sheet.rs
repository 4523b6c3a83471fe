//! The vouchers laid out for paper: an A4 grid of 40 a page, or one after another on a 58 mm strip.

use super::SheetCard;
use crate::components::format::duration;
use crate::i18n::*;
use leptos::prelude::*;

/// Vouchers on one A4 page: 4 across, 10 down.
const A4_PER_PAGE: usize = 40;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Layout {
    A4,
    Thermal,
}

impl Layout {
    /// The layout's name in the page's address.
    pub fn name(self) -> &'static str {
        match self {
            Layout::A4 => "a4",
            Layout::Thermal => "58mm",
        }
    }
}

#[component]
pub fn VoucherSheet(vouchers: Vec<SheetCard>, layout: Memo<Layout>) -> impl IntoView {
    move || match layout.get() {
        Layout::A4 => {
            let pages: Vec<Vec<SheetCard>> = vouchers
                .chunks(A4_PER_PAGE)
                .map(<[SheetCard]>::to_vec)
                .collect();
            view! {
                <div class="sheet sheet-a4">
                    {pages
                        .into_iter()
                        .map(|page| view! {
                            <section class="sheet-page">
                                {page.into_iter().map(|v| view! { <VoucherCard voucher=v /> }).collect_view()}
                            </section>
                        })
                        .collect_view()}
                </div>
            }
            .into_any()
        }
        Layout::Thermal => {
            let vouchers = vouchers.clone();
            view! {
                <div class="sheet sheet-thermal">
                    {vouchers.into_iter().map(|v| view! { <VoucherCard voucher=v /> }).collect_view()}
                </div>
            }
            .into_any()
        }
    }
}

#[component]
fn VoucherCard(voucher: SheetCard) -> impl IntoView {
    let i18n = use_i18n();
    let separate_password = voucher.password != voucher.code;
    let seconds = voucher.validity_seconds;
    let validity = move || duration(i18n, seconds);
    let SheetCard { voucher, qr_svg } = voucher;
    let code = voucher.code.clone();
    view! {
        <article class="voucher-card" data-code=code>
            <div class="qr" inner_html=qr_svg role="img" aria-label=voucher.login_url></div>
            <div class="voucher-info">
                <p class="v-plan">{voucher.plan_name}</p>
                <p class="v-price">{voucher.price.to_string()}</p>
                <p class="v-validity">{validity}</p>
                <p class="v-code">{voucher.code}</p>
                {separate_password.then(|| view! {
                    <p class="v-pass">{t!(i18n, voucher_password)} ": " {voucher.password}</p>
                })}
            </div>
        </article>
    }
}
