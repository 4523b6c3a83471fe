//! Printable voucher sheets: an A4 grid of 40 vouchers a page, or a 58 mm strip for a thermal
//! printer. Each voucher has its plan, price, validity, code (and password) and a QR code that
//! opens the hotspot login page with the code filled in. A batch prints a page of
//! `SHEET_MAX` vouchers at a time; a selection from the voucher list prints at once.

mod server;
mod sheet;

pub use server::*;

use crate::components::error_message;
use crate::i18n::*;
use leptos::prelude::*;
use leptos_router::hooks::use_query_map;
use sheet::{Layout, VoucherSheet};

/// What to print, as in the page's address: a batch (from an offset) or chosen vouchers.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Selection {
    batch: Option<i64>,
    ids: Vec<i64>,
    offset: Option<i64>,
}

impl Selection {
    /// The page's address for this selection in `layout`, at `offset` if given.
    fn link(&self, layout: &'static str, offset: Option<i64>) -> String {
        let mut parts = Vec::new();
        if let Some(batch) = self.batch {
            parts.push(format!("batch={batch}"));
        }
        parts.extend(self.ids.iter().map(|id| format!("id={id}")));
        if let Some(offset) = offset.or(self.offset).filter(|o| *o > 0) {
            parts.push(format!("offset={offset}"));
        }
        parts.push(format!("layout={layout}"));
        format!("/print/vouchers?{}", parts.join("&"))
    }
}

#[component]
pub fn PrintVouchersPage() -> impl IntoView {
    let i18n = use_i18n();
    let query = use_query_map();
    let selection = Memo::new(move |_| {
        query.with(|q| {
            let number = |key: &str| q.get(key).and_then(|v| v.trim().parse::<i64>().ok());
            Selection {
                batch: number("batch"),
                ids: q
                    .get_all("id")
                    .unwrap_or_default()
                    .iter()
                    .filter_map(|v| v.trim().parse().ok())
                    .collect(),
                offset: number("offset"),
            }
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
        |s| voucher_sheet(s.batch, (!s.ids.is_empty()).then_some(s.ids), s.offset),
    );
    let link =
        move |layout: &'static str, offset: Option<i64>| selection.with(|s| s.link(layout, offset));

    view! {
        <div class="print-page" class:print-thermal=move || layout.get() == Layout::Thermal>
            <PrintToolbar selection layout />
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

/// Back to the vouchers, the layouts, and the print button.
#[component]
fn PrintToolbar(selection: Memo<Selection>, layout: Memo<Layout>) -> impl IntoView {
    let i18n = use_i18n();
    // The same selection in the other layout.
    let link = move |layout: &'static str| selection.with(|s| s.link(layout, None));
    view! {
        <header class="print-toolbar">
            <a class="button button-quiet" href="/admin/vouchers">"← " {t!(i18n, print_back)}</a>
            <nav class="segmented" aria-label=move || t_string!(i18n, print_layout).to_string()>
                <a href=move || link("a4") class:active=move || layout.get() == Layout::A4>
                    {t!(i18n, print_a4)}
                </a>
                <a href=move || link("58mm") class:active=move || layout.get() == Layout::Thermal>
                    {t!(i18n, print_thermal)}
                </a>
            </nav>
            <button type="button" class="button button-primary" on:click=move |_| {
                let _ = window().print();
            }>
                {t!(i18n, print_now)}
            </button>
        </header>
    }
}
