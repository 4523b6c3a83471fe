//! The filterable voucher list: how many vouchers match, the page in the address rendered on the
//! server, numbered links to the other pages, "load more" appending the next ones in place
//! (keyset: vouchers older than the last one shown), and a disabled or deleted voucher updated in
//! place.

use super::filters::{VoucherFilters, VoucherQuery};
use super::table::VoucherTable;
use super::{
    BatchView, ListVouchers, PlanChoice, VoucherPage, VoucherView, WithdrawVoucher, list_vouchers,
};
use crate::components::FormError;
use crate::components::format::whole_number;
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

    /// The page followed by the older ones, if they belong to the same filter, and whether more
    /// match after them.
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
        |(query, _)| {
            let page = Some(query.page);
            list_vouchers(
                query.batch,
                query.plan,
                query.status,
                query.code,
                page,
                None,
            )
        },
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
                    let (total, pages) = (first.total, first.pages());
                    let (rows, more) = older.with(|older| older.after(first, &current));
                    let patches = withdrawn.get();
                    let rows: Vec<VoucherView> = rows
                        .into_iter()
                        .map(|v| patches.get(&v.id).cloned().unwrap_or(v))
                        .collect();
                    let last_id = rows.last().map(|v| v.id);
                    if rows.is_empty() {
                        return view! { <p class="muted empty" data-total=total>{t!(i18n, vouchers_empty)}</p> }.into_any();
                    }
                    let shown = rows.len();
                    let total_text = whole_number(total);
                    view! {
                        <p class="muted small list-count" data-shown=shown data-total=total>
                            {move || {
                                let total = total_text.clone();
                                t_string!(i18n, vouchers_shown_of_total, shown, total).to_string()
                            }}
                        </p>
                        <VoucherTable rows withdraw />
                        {last_id.filter(|_| more).map(|last_id| view! { <LoadMore load_more filter older last_id /> })}
                        {(pages > 1).then(|| view! { <Pager current pages /> })}
                    }
                    .into_any()
                })
            })}
        </Transition>
    }
}

/// Links to the list's pages: the first, the last, and those around the current one.
#[component]
fn Pager(current: VoucherQuery, pages: i64) -> impl IntoView {
    let i18n = use_i18n();
    let links = page_links(current.page, pages);
    view! {
        <nav class="pager" aria-label=move || t_string!(i18n, pager_label).to_string()>
            {links.into_iter().map(|link| match link {
                Some(page) => {
                    let href = current.at_page(page).href();
                    let here = page == current.page;
                    view! {
                        <a
                            href=href
                            data-page=page
                            aria-current=here.then_some("page")
                            aria-label=move || t_string!(i18n, pager_page, page).to_string()
                        >
                            {page}
                        </a>
                    }
                    .into_any()
                }
                None => view! { <span class="pager-gap" aria-hidden="true">"…"</span> }.into_any(),
            }).collect_view()}
        </nav>
    }
}

/// The pages to link to, `None` standing for the pages left out between them: the first and last
/// pages, and two either side of `current`.
fn page_links(current: i64, pages: i64) -> Vec<Option<i64>> {
    let mut links = Vec::new();
    for page in 1..=pages {
        let near = (page - current).abs() <= 2;
        if page == 1 || page == pages || near {
            links.push(Some(page));
        } else if links.last() != Some(&None) {
            links.push(None);
        }
    }
    links
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
                    load_more.dispatch(query.request(Some(last_id)));
                }
            >
                {move || if load_more.pending().get() { t_string!(i18n, loading).to_string() } else { t_string!(i18n, load_more).to_string() }}
            </button>
        </div>
    }
}

#[cfg(test)]
mod tests {
    use super::page_links;

    #[test]
    fn the_pager_links_the_ends_and_the_pages_around_the_current_one() {
        assert_eq!(page_links(1, 1), vec![Some(1)]);
        assert_eq!(page_links(1, 4), vec![Some(1), Some(2), Some(3), Some(4)]);
        assert_eq!(
            page_links(1, 10),
            vec![Some(1), Some(2), Some(3), None, Some(10)]
        );
        assert_eq!(
            page_links(6, 12),
            vec![
                Some(1),
                None,
                Some(4),
                Some(5),
                Some(6),
                Some(7),
                Some(8),
                None,
                Some(12)
            ]
        );
        assert_eq!(
            page_links(12, 12),
            vec![Some(1), None, Some(10), Some(11), Some(12)]
        );
    }
}
