//! Printable voucher sheets: an A4 grid of 40 vouchers a page, or a 58 mm strip for a thermal
//! printer. Each voucher has its plan, price, validity, code (and password) and a QR code that
//! opens the hotspot login page with the code filled in.
//!
//! Printing takes two pages. `/print/vouchers` (a batch, or vouchers chosen in the list) says how
//! many can be printed and opens a sheet of up to `SHEET_MAX` of them, which reserves them: the
//! counter no longer sells them. `/print/sheets/{id}` shows the sheet to print, then the admin
//! confirms the print (the vouchers are printed for good) or releases the sheet (they go back to
//! stock). Sold vouchers never print.

mod invoice;
mod server;
mod sheet;

pub use invoice::*;
pub use server::*;

use crate::components::{FormError, error_message, use_id_param};
use crate::i18n::*;
use leptos::prelude::*;
use leptos_router::hooks::use_query_map;
use sheet::{Layout, VoucherSheet};

/// The layout the page's address asks for (`layout=58mm`, else A4).
pub(crate) fn use_layout() -> Memo<Layout> {
    let query = use_query_map();
    Memo::new(move |_| {
        if query.with(|q| q.get("layout").as_deref() == Some("58mm")) {
            Layout::Thermal
        } else {
            Layout::A4
        }
    })
}

/// What to print, as in the page's address: a batch, or chosen vouchers (`id=…` repeated).
#[derive(Debug, Clone, PartialEq, Eq)]
struct Selection {
    batch: Option<i64>,
    ids: Vec<i64>,
}

impl Selection {
    fn ids_text(&self) -> String {
        self.ids
            .iter()
            .map(i64::to_string)
            .collect::<Vec<_>>()
            .join(",")
    }
}

/// Opens a sheet: how many vouchers of the selection can be printed, and the button that
/// reserves them on a sheet.
#[component]
pub fn PrintVouchersPage() -> impl IntoView {
    let i18n = use_i18n();
    let query = use_query_map();
    let selection = Memo::new(move |_| {
        query.with(|q| Selection {
            batch: q.get("batch").and_then(|v| v.trim().parse().ok()),
            ids: q
                .get_all("id")
                .unwrap_or_default()
                .iter()
                .filter_map(|v| v.trim().parse().ok())
                .collect(),
        })
    });
    let layout = use_layout();
    let printable = Resource::new(
        move || selection.get(),
        |s| printable_vouchers(s.batch, s.ids_text()),
    );
    let open = ServerAction::<OpenSheet>::new();
    let error = Signal::derive(move || open.value().get().and_then(Result::err));

    view! {
        <div class="print-page">
            <header class="print-toolbar">
                <a class="button button-quiet" href="/admin/vouchers">"← " {t!(i18n, print_back)}</a>
            </header>
            <section class="card print-open">
                <h1>{t!(i18n, print_open_title)}</h1>
                <Suspense fallback=move || view! { <p class="muted">{t!(i18n, loading)}</p> }>
                    {move || Suspend::new(async move {
                        match printable.await {
                            Ok(0) => view! {
                                <p class="form-error" data-printable="0">{t!(i18n, err_sheet_nothing_to_print)}</p>
                            }.into_any(),
                            Ok(count) => {
                                let on_sheet = count.min(SHEET_SIZE);
                                let s = selection.get_untracked();
                                view! {
                                    <p data-printable=count>{t!(i18n, print_open_explain, on_sheet, count)}</p>
                                    <p class="muted">{t!(i18n, print_open_reserves)}</p>
                                    <FormError error />
                                    <ActionForm action=open>
                                        <input type="hidden" name="batch" value=s.batch.map(|b| b.to_string()).unwrap_or_default() />
                                        <input type="hidden" name="ids" value=s.ids_text() />
                                        <input type="hidden" name="layout" value=move || layout.get().name() />
                                        <button type="submit" class="button button-primary" data-open-sheet disabled=move || open.pending().get()>
                                            {t!(i18n, print_open_sheet)}
                                        </button>
                                    </ActionForm>
                                }.into_any()
                            }
                            Err(e) => view! { <p class="form-error">{error_message(i18n, &e)}</p> }.into_any(),
                        }
                    })}
                </Suspense>
            </section>
        </div>
    }
}

/// Vouchers on one sheet (the billing crate's `SHEET_MAX`, which the browser build cannot see).
const SHEET_SIZE: i64 = 200;

/// One sheet: the vouchers to print while it is open, with the buttons that close it.
#[component]
pub fn PrintSheetPage() -> impl IntoView {
    let i18n = use_i18n();
    let id = use_id_param();
    let layout = use_layout();
    let confirm = ServerAction::<ConfirmSheet>::new();
    let release = ServerAction::<ReleaseSheet>::new();
    let reprint = ServerAction::<ReprintSheet>::new();
    // Loaded again once the sheet is confirmed or released.
    let sheet = Resource::new(
        move || (id.get(), confirm.version().get(), release.version().get()),
        |(id, _, _)| print_sheet(id),
    );
    let link = move |layout: &'static str| format!("/print/sheets/{}?layout={layout}", id.get());

    view! {
        <div class="print-page" class:print-thermal=move || layout.get() == Layout::Thermal>
            <PrintToolbar layout a4=Signal::derive(move || link("a4")) thermal=Signal::derive(move || link("58mm")) />
            <Suspense fallback=move || view! { <p class="muted print-note">{t!(i18n, loading)}</p> }>
                {move || Suspend::new(async move {
                    match sheet.await {
                        Ok(sheet) => view! { <SheetBody sheet layout confirm release reprint /> }.into_any(),
                        Err(e) => view! { <p class="form-error print-note">{error_message(i18n, &e)}</p> }.into_any(),
                    }
                })}
            </Suspense>
        </div>
    }
}

#[component]
fn SheetBody(
    sheet: Sheet,
    layout: Memo<Layout>,
    confirm: ServerAction<ConfirmSheet>,
    release: ServerAction<ReleaseSheet>,
    reprint: ServerAction<ReprintSheet>,
) -> impl IntoView {
    let i18n = use_i18n();
    let error = Signal::derive(move || {
        confirm
            .value()
            .get()
            .and_then(Result::err)
            .or_else(|| release.value().get().and_then(Result::err))
            .or_else(|| reprint.value().get().and_then(Result::err))
    });
    let (id, quantity, remaining) = (sheet.id, sheet.quantity, sheet.batch_remaining);
    let back = match sheet.batch_id {
        Some(batch) => format!("/admin/vouchers?batch={batch}"),
        None => "/admin/vouchers".to_owned(),
    };
    let next = sheet.batch_id.filter(|_| remaining > 0).map(|batch| {
        view! {
            " " <a data-next-sheet href=move || format!("/print/vouchers?batch={batch}&layout={}", layout.get().name())>
                {t!(i18n, print_next_sheet, remaining)}
            </a>
        }
    });
    let state = sheet.state;
    match state {
        SheetState::Open => view! {
            <div class="print-note sheet-status" data-sheet-state=state.name()>
                <p>{t!(i18n, print_sheet_open, id, quantity)} {next}</p>
                <FormError error />
                <div class="sheet-actions">
                    <ActionForm action=confirm>
                        <input type="hidden" name="id" value=id />
                        <button type="submit" class="button button-primary" data-confirm-print disabled=move || confirm.pending().get()>
                            {t!(i18n, print_confirm)}
                        </button>
                    </ActionForm>
                    <ActionForm action=release>
                        <input type="hidden" name="id" value=id />
                        <button type="submit" class="button button-secondary" data-release-sheet disabled=move || release.pending().get()>
                            {t!(i18n, print_release)}
                        </button>
                    </ActionForm>
                </div>
            </div>
            <VoucherSheet vouchers=sheet.cards layout />
        }
        .into_any(),
        SheetState::Printed | SheetState::Released => {
            let cards = sheet.cards;
            // A printed sheet is printed again only by its own button: audited.
            let again = move || reprint.value().get().is_some_and(|r| r.is_ok());
            view! {
                <div class="print-note sheet-status" data-sheet-state=state.name()>
                    <p>
                        {if state == SheetState::Printed {
                            t!(i18n, print_sheet_printed, id, quantity).into_any()
                        } else {
                            t!(i18n, print_sheet_released, id, quantity).into_any()
                        }}
                        {next}
                    </p>
                    <FormError error />
                    <div class="sheet-actions">
                        {(state == SheetState::Printed).then(|| view! {
                            <ActionForm action=reprint>
                                <input type="hidden" name="id" value=id />
                                <button type="submit" class="button button-secondary" data-reprint-sheet disabled=move || reprint.pending().get() || again()>
                                    {t!(i18n, print_reprint)}
                                </button>
                            </ActionForm>
                        })}
                        <a class="button button-secondary" href=back>{t!(i18n, print_back)}</a>
                    </div>
                    <Show when=again>
                        <p class="muted" data-reprinting>{t!(i18n, print_reprinting)}</p>
                    </Show>
                </div>
                <Show when=again>
                    <VoucherSheet vouchers=cards.clone() layout />
                </Show>
            }
            .into_any()
        }
    }
}

/// Back to the vouchers, the layouts, and the print button.
#[component]
fn PrintToolbar(
    layout: Memo<Layout>,
    a4: Signal<String>,
    thermal: Signal<String>,
) -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <header class="print-toolbar">
            <a class="button button-quiet" href="/admin/vouchers">"← " {t!(i18n, print_back)}</a>
            <nav class="segmented" aria-label=move || t_string!(i18n, print_layout).to_string()>
                <a href=a4 class:active=move || layout.get() == Layout::A4>
                    {t!(i18n, print_a4)}
                </a>
                <a href=thermal class:active=move || layout.get() == Layout::Thermal>
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

/// The sheets still holding vouchers back from the sales screen, each linked to its page where
/// it is confirmed or released. Nothing when there are none.
#[component]
pub fn OpenSheets() -> impl IntoView {
    let i18n = use_i18n();
    let sheets = Resource::new(|| (), |_| open_sheets());
    view! {
        <Transition fallback=|| ()>
            {move || Suspend::new(async move {
                match sheets.await {
                    Ok(sheets) if !sheets.is_empty() => {
                        let count = sheets.len();
                        view! {
                        <section class="card open-sheets" data-open-sheets=count>
                            <h2>{t!(i18n, print_open_sheets)}</h2>
                            <p class="muted">{t!(i18n, print_open_sheets_hint)}</p>
                            <ul>
                                {sheets.into_iter().map(|s| {
                                    let (id, quantity, opened) = (s.id, s.quantity, s.opened.clone());
                                    view! {
                                        <li><a href=format!("/print/sheets/{id}") data-sheet=id>
                                            {t!(i18n, print_sheet_link, id, quantity, opened)}
                                        </a></li>
                                    }
                                }).collect_view()}
                            </ul>
                        </section>
                        }.into_any()
                    }
                    _ => ().into_any(),
                }
            })}
        </Transition>
    }
}
