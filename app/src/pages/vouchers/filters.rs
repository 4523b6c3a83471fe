//! The voucher list's filters: a GET form, so that a filtered list has its own address.

use super::{BatchView, ListVouchers, PlanChoice};
use crate::components::labels::voucher_status_label;
use crate::error::AppError;
use crate::i18n::*;
use domain::VoucherStatus;
use leptos::prelude::*;
use leptos_router::components::Form;
use leptos_router::params::ParamsMap;

/// The voucher list's filters, as in the page's query string.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct VoucherQuery {
    pub batch: Option<i64>,
    pub plan: Option<i64>,
    pub status: Option<VoucherStatus>,
    pub code: Option<String>,
}

impl VoucherQuery {
    /// The filters in `query`; empty, unreadable or unknown values filter nothing.
    pub fn read(query: &ParamsMap) -> Self {
        let text = |key: &str| {
            query
                .get(key)
                .map(|v| v.trim().to_owned())
                .filter(|v| !v.is_empty())
        };
        VoucherQuery {
            batch: text("batch").and_then(|v| v.parse().ok()),
            plan: text("plan").and_then(|v| v.parse().ok()),
            status: text("status").and_then(|v| v.parse().ok()),
            code: text("code"),
        }
    }

    /// The request for the page of vouchers older than `before_id`.
    pub(super) fn page_before(self, before_id: Option<i64>) -> ListVouchers {
        ListVouchers {
            batch: self.batch,
            plan: self.plan,
            status: self.status,
            code: self.code,
            before_id,
        }
    }
}

/// The filter form, with the current filter chosen; place it inside a `Transition`.
#[component]
pub fn VoucherFilters(
    filter: Memo<VoucherQuery>,
    plans: Resource<Result<Vec<PlanChoice>, AppError>>,
    batches: Resource<Result<Vec<BatchView>, AppError>>,
) -> impl IntoView {
    let i18n = use_i18n();
    move || {
        Suspend::new(async move {
            let plan_options = plans.await.unwrap_or_default();
            let batch_options = batches.await.unwrap_or_default();
            let current = filter.get();
            let mut batch_ids: Vec<(i64, String)> = batch_options
                .into_iter()
                .map(|b| (b.id, format!("#{} — {}", b.id, b.plan_name)))
                .collect();
            if let Some(id) = current.batch
                && !batch_ids.iter().any(|(b, _)| *b == id)
            {
                batch_ids.insert(0, (id, format!("#{id}")));
            }
            view! {
                <Form method="GET" action="/admin/vouchers" attr:class="filters">
                    <label>
                        <span>{t!(i18n, filter_batch)}</span>
                        <select name="batch">
                            <option value="">{t!(i18n, filter_all)}</option>
                            {batch_ids.into_iter().map(|(id, label)| view! {
                                <option value=id selected=current.batch == Some(id)>{label}</option>
                            }).collect_view()}
                        </select>
                    </label>
                    <label>
                        <span>{t!(i18n, filter_status)}</span>
                        <select name="status">
                            <option value="">{t!(i18n, filter_all)}</option>
                            {VoucherStatus::ALL.iter().map(|&s| view! {
                                <option value=s.as_str() selected=current.status == Some(s)>{move || voucher_status_label(i18n, s)}</option>
                            }).collect_view()}
                        </select>
                    </label>
                    <label>
                        <span>{t!(i18n, filter_plan)}</span>
                        <select name="plan">
                            <option value="">{t!(i18n, filter_all)}</option>
                            {plan_options.into_iter().map(|p| view! {
                                <option value=p.id selected=current.plan == Some(p.id)>{format!("{} — {}", p.name, p.router_name)}</option>
                            }).collect_view()}
                        </select>
                    </label>
                    <label>
                        <span>{t!(i18n, filter_code)}</span>
                        <input type="search" name="code" autocapitalize="characters" spellcheck="false" value=current.code.clone().unwrap_or_default() />
                    </label>
                    <div class="filter-actions">
                        <button type="submit" class="button button-secondary">{t!(i18n, filter_apply)}</button>
                        <a class="button button-link" href="/admin/vouchers">{t!(i18n, filter_reset)}</a>
                    </div>
                </Form>
            }
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_query_string_filters_only_by_what_it_names_well() {
        let mut query = ParamsMap::new();
        query.insert("batch", "12".to_owned());
        query.insert("plan", "x".to_owned());
        query.insert("status", "expired".to_owned());
        query.insert("code", "  ".to_owned());
        assert_eq!(
            VoucherQuery::read(&query),
            VoucherQuery {
                batch: Some(12),
                plan: None,
                status: Some(VoucherStatus::Expired),
                code: None,
            }
        );
        query.replace("status", "used".to_owned());
        query.replace("code", " K7P ".to_owned());
        let read = VoucherQuery::read(&query);
        assert_eq!(read.status, None);
        assert_eq!(read.code.as_deref(), Some("K7P"));
    }
}
