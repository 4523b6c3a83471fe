//! The filterable voucher list: the first page renders on the server, "load more" appends older
//! pages (keyset: vouchers older than the last one shown), and a disabled or deleted voucher is
//! updated in place.

use super::filters::{VoucherFilters, VoucherQuery};
use super::table::VoucherTable;
use super::{
    BatchView, ListVouchers, PlanChoice, VoucherPage, VoucherView, WithdrawVoucher, list_vouchers,
};
use crate::components::FormError;
use crate::error::AppError;
use crate::i18n::*;
use leptos::prelude::*;
use std::collections::HashMap;

/// The pages loaded after the first, for the filter they were loaded with.
#[derive(Debug, Clone, Default)]
struct OlderPages {
    query: VoucherQuery,
    rows: Vec<VoucherView>,
    /// Whether still older vouchers match, once a page has come.
    more: Option<bool>,
}

impl OlderPages {
    /// Starts over when the filter has changed since the last page.
    fn keep_for(&mut self, query: &VoucherQuery) {
        if self.query != *query {
            *self = OlderPages {
                query: query.clone(),
                ..OlderPages::default()
            };
        }
    }

    /// The first page followed by the older ones, if they belong to the same filter, and
    /// whether more match after them.
    fn after(&self, first: VoucherPage, query: &VoucherQuery) -> (Vec<VoucherView>, bool) {
        let mut rows = first.rows;
        if self.query != *query {
            return (rows, first.more);
        }
        rows.extend(self.rows.iter().cloned());
        (rows, self.more.unwrap_or(first.more))
    }
}

#[component]
pub fn VoucherList(
    filter: Memo<VoucherQuery>,
    plans: Resource<Result<Vec<PlanChoice>, AppError>>,
    batches: Resource<Result<Vec<BatchView>, AppError>>,
    /// Changes whenever the first page may be stale.
    #[prop(into)]
    refresh: Signal<(bool, u32)>,
) -> impl IntoView {
    let i18n = use_i18n();
    let first_page = Resource::new(
        move || (filter.get(), refresh.get()),
        |(query, _)| list_vouchers(query.batch, query.plan, query.status, query.code, None),
    );
    let load_more = ServerAction::<ListVouchers>::new();
    let older = RwSignal::new(OlderPages::default());
    Effect::new(move |_| {
        if let Some(Ok(page)) = load_more.value().get() {
            older.update(|older| {
                if older.query == filter.get_untracked() {
                    older.rows.extend(page.rows);
                    older.more = Some(page.more);
                }
            });
        }
    });
    let withdraw = ServerAction::<WithdrawVoucher>::new();
    let withdrawn = RwSignal::new(HashMap::<i64, VoucherView>::new());
    Effect::new(move |_| {
        if let Some(Ok(Some(voucher))) = withdraw.value().get() {
            withdrawn.update(|w| {
                w.insert(voucher.id, voucher);
            });
        }
    });
    let failure = Signal::derive(move || {
        withdraw
            .value()
            .get()
            .and_then(Result::err)
            .or_else(|| load_more.value().get().and_then(Result::err))
    });

    view! {
        <Transition><VoucherFilters filter plans batches /></Transition>
        <FormError error=failure />
        <Transition fallback=move || view! { <p class="muted">{t!(i18n, loading)}</p> }>
            {move || Suspend::new(async move {
                first_page.await.map(|first| {
                    let current = filter.get();
                    let (rows, more) = older.with(|older| older.after(first, &current));
                    let patches = withdrawn.get();
                    let rows: Vec<VoucherView> = rows
                        .into_iter()
                        .map(|v| patches.get(&v.id).cloned().unwrap_or(v))
                        .collect();
                    let last_id = rows.last().map(|v| v.id);
                    if rows.is_empty() {
                        return view! { <p class="muted empty">{t!(i18n, vouchers_empty)}</p> }.into_any();
                    }
                    let count = rows.len();
                    view! {
                        <p class="muted small" data-shown=count>{t!(i18n, vouchers_shown, count)}</p>
                        <VoucherTable rows withdraw />
                        {last_id.filter(|_| more).map(|last_id| view! { <LoadMore load_more filter older last_id /> })}
                    }
                    .into_any()
                })
            })}
        </Transition>
    }
}

/// Loads the vouchers older than the last one shown.
#[component]
fn LoadMore(
    load_more: ServerAction<ListVouchers>,
    filter: Memo<VoucherQuery>,
    older: RwSignal<OlderPages>,
    last_id: i64,
) -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <div class="load-more">
            <button
                type="button"
                class="button button-secondary"
                disabled=move || load_more.pending().get()
                on:click=move |_| {
                    let query = filter.get_untracked();
                    older.update(|older| older.keep_for(&query));
                    load_more.dispatch(query.page_before(Some(last_id)));
                }
            >
                {move || if load_more.pending().get() { t_string!(i18n, loading).to_string() } else { t_string!(i18n, load_more).to_string() }}
            </button>
        </div>
    }
}
