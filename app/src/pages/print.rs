//! Printable voucher sheets: an A4 grid of 40 vouchers a page, or a 58 mm strip for a thermal
//! printer. Each voucher has its plan, price, validity, code (and password) and a QR code that
//! opens the hotspot login page with the code filled in. A batch prints a page of
//! `SHEET_MAX` vouchers at a time; a selection from the voucher list prints at once.

use crate::components::error_message;
use crate::error::AppError;
use crate::i18n::*;
use crate::pages::pos::validity_label;
use domain::Rupiah;
use leptos::prelude::*;
use leptos_router::hooks::use_query_map;
use serde::{Deserialize, Serialize};

/// Vouchers on one A4 page: 4 across, 10 down.
const A4_PER_PAGE: usize = 40;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SheetItem {
    pub code: String,
    pub password: String,
    pub plan_name: String,
    pub price: Rupiah,
    pub validity_seconds: i64,
    pub login_url: String,
    pub qr_svg: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Sheet {
    pub vouchers: Vec<SheetItem>,
    /// How many vouchers the whole selection holds.
    pub total: i64,
    /// Where this sheet starts in the selection.
    pub offset: i64,
    pub per_sheet: i64,
}

/// The vouchers of a batch (from `offset`) or of a chosen set; they are marked printed. The ids
/// are optional because an empty list vanishes from the request's encoding.
#[server(prefix = "/rpc")]
pub async fn voucher_sheet(
    batch: Option<i64>,
    ids: Option<Vec<i64>>,
    offset: Option<i64>,
) -> Result<Sheet, AppError> {
    use crate::auth::ssr::{require, services};
    use billing::hotspot::vouchers::{SHEET_MAX, SheetSelection};
    require(&[domain::Role::Admin]).await?;
    let services = services()?;
    let offset = offset.unwrap_or(0).max(0);
    let selection = match batch {
        Some(batch_id) => SheetSelection::Batch { batch_id, offset },
        None => SheetSelection::Vouchers(ids.unwrap_or_default()),
    };
    let (vouchers, total) = billing::hotspot::vouchers::sheet(&services.pool, &selection).await?;
    Ok(Sheet {
        vouchers: vouchers
            .into_iter()
            .map(|v| SheetItem {
                qr_svg: billing::core::qr::qr_svg(&v.login_url),
                code: v.code,
                password: v.password,
                plan_name: v.plan_name,
                price: v.price,
                validity_seconds: v.validity_seconds,
                login_url: v.login_url,
            })
            .collect(),
        total,
        offset: if batch.is_some() { offset } else { 0 },
        per_sheet: SHEET_MAX,
    })
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Layout {
    A4,
    Thermal,
}

impl Layout {
    /// The layout's name in the page's address.
    fn name(self) -> &'static str {
        match self {
            Layout::A4 => "a4",
            Layout::Thermal => "58mm",
        }
    }
}

#[component]
pub fn PrintVouchersPage() -> impl IntoView {
    let i18n = use_i18n();
    let query = use_query_map();
    let selection = Memo::new(move |_| {
        query.with(|q| {
            let number = |key: &str| q.get(key).and_then(|v| v.trim().parse::<i64>().ok());
            let ids: Vec<i64> = q
                .get_all("id")
                .unwrap_or_default()
                .iter()
                .filter_map(|v| v.trim().parse().ok())
                .collect();
            (number("batch"), ids, number("offset"))
        })
    });
    let layout = Memo::new(move |_| {
        if query.with(|q| q.get("layout").as_deref() == Some("58mm")) {
            Layout::Thermal
        } else {
            Layout::A4
        }
    });
    let sheet = Resource::new(
        move || selection.get(),
        |(batch, ids, offset)| voucher_sheet(batch, (!ids.is_empty()).then_some(ids), offset),
    );
    // The same selection in the other layout, or at another offset.
    let link = move |layout: &'static str, offset: Option<i64>| {
        let (batch, ids, current) = selection.get();
        let mut parts = Vec::new();
        if let Some(batch) = batch {
            parts.push(format!("batch={batch}"));
        }
        parts.extend(ids.iter().map(|id| format!("id={id}")));
        if let Some(offset) = offset.or(current).filter(|o| *o > 0) {
            parts.push(format!("offset={offset}"));
        }
        parts.push(format!("layout={layout}"));
        format!("/print/vouchers?{}", parts.join("&"))
    };

    view! {
        <div class="print-page" class:print-thermal=move || layout.get() == Layout::Thermal>
            <header class="print-toolbar">
                <a class="button button-quiet" href="/admin/vouchers">"← " {t!(i18n, print_back)}</a>
                <nav class="segmented" aria-label=move || t_string!(i18n, print_layout).to_string()>
                    <a href=move || link("a4", None) class:active=move || layout.get() == Layout::A4>
                        {t!(i18n, print_a4)}
                    </a>
                    <a href=move || link("58mm", None) class:active=move || layout.get() == Layout::Thermal>
                        {t!(i18n, print_thermal)}
                    </a>
                </nav>
                <button type="button" class="button button-primary" on:click=move |_| {
                    let _ = window().print();
                }>
                    {t!(i18n, print_now)}
                </button>
            </header>
            <Suspense fallback=move || view! { <p class="muted print-note">{t!(i18n, loading)}</p> }>
                {move || Suspend::new(async move {
                    match sheet.await {
                        Ok(sheet) => {
                            let first = sheet.offset + 1;
                            let last = sheet.offset + sheet.vouchers.len() as i64;
                            let total = sheet.total;
                            let previous_offset = (sheet.offset - sheet.per_sheet).max(0);
                            let has_previous = sheet.offset > 0;
                            let has_next = last < total;
                            view! {
                                <p class="print-note muted">
                                    {t!(i18n, print_range, first, last, total)}
                                    {has_previous.then(|| view! {
                                        " " <a href=move || link(layout.get().name(), Some(previous_offset))>{t!(i18n, print_previous)}</a>
                                    })}
                                    {has_next.then(|| view! {
                                        " " <a href=move || link(layout.get().name(), Some(last))>{t!(i18n, print_next)}</a>
                                    })}
                                </p>
                                <VoucherSheet vouchers=sheet.vouchers layout />
                            }
                                .into_any()
                        }
                        Err(e) => view! { <p class="form-error print-note">{error_message(i18n, &e)}</p> }.into_any(),
                    }
                })}
            </Suspense>
        </div>
    }
}

#[component]
fn VoucherSheet(vouchers: Vec<SheetItem>, layout: Memo<Layout>) -> impl IntoView {
    move || match layout.get() {
        Layout::A4 => {
            let pages: Vec<Vec<SheetItem>> = vouchers
                .chunks(A4_PER_PAGE)
                .map(<[SheetItem]>::to_vec)
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
fn VoucherCard(voucher: SheetItem) -> impl IntoView {
    let i18n = use_i18n();
    let separate_password = voucher.password != voucher.code;
    let validity = validity_label(i18n, voucher.validity_seconds);
    let code = voucher.code.clone();
    view! {
        <article class="voucher-card" data-code=code>
            <div class="qr" inner_html=voucher.qr_svg role="img" aria-label=voucher.login_url></div>
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
