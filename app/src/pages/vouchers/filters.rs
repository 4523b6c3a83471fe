//! The voucher list's filters: a GET form, so that a filtered list has its own address (and the
//! form works before the page is hydrated).

use super::{BatchView, ListVouchers, PlanChoice};
use crate::components::labels::voucher_status_label;
use crate::error::AppError;
use crate::i18n::*;
use domain::VoucherStatus;
use leptos::prelude::*;
use leptos_router::hooks::use_navigate;
use leptos_router::params::ParamsMap;

/// The list's own address.
const LIST_PATH: &str = "/admin/vouchers";

/// The voucher list's filters and page, as in the page's query string.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VoucherQuery {
    pub batch: Option<i64>,
    pub plan: Option<i64>,
    pub status: Option<VoucherStatus>,
    pub code: Option<String>,
    /// The page of the numbered list, from 1.
    pub page: i64,
}

impl Default for VoucherQuery {
    fn default() -> Self {
        VoucherQuery {
            batch: None,
            plan: None,
            status: None,
            code: None,
            page: 1,
        }
    }
}

impl VoucherQuery {
    /// The filters in `query`; empty, unreadable or unknown values filter nothing, and the page
    /// is the first unless a later one is named.
    pub fn read(query: &ParamsMap) -> Self {
        Self::from_fields(|key| query.get(key))
    }

    /// The filters in named fields (the query string's, or the form's as typed).
    fn from_fields(field: impl Fn(&str) -> Option<String>) -> Self {
        let text = |key: &str| {
            field(key)
                .map(|v| v.trim().to_owned())
                .filter(|v| !v.is_empty())
        };
        VoucherQuery {
            batch: text("batch").and_then(|v| v.parse().ok()),
            plan: text("plan").and_then(|v| v.parse().ok()),
            status: text("status").and_then(|v| v.parse().ok()),
            code: text("code"),
            page: text("page")
                .and_then(|v| v.parse().ok())
                .filter(|page| *page >= 1)
                .unwrap_or(1),
        }
    }

    /// The same filters on page `page`.
    pub fn at_page(&self, page: i64) -> Self {
        VoucherQuery {
            page,
            ..self.clone()
        }
    }

    /// The list's address for these filters: only the filters that are set, and the page when it
    /// is not the first (`/admin/vouchers?batch=12&status=active&page=2`).
    pub fn href(&self) -> String {
        let params: Vec<(&str, String)> = [
            ("batch", self.batch.map(|b| b.to_string())),
            ("status", self.status.map(|s| s.as_str().to_owned())),
            ("plan", self.plan.map(|p| p.to_string())),
            ("code", self.code.clone()),
            ("page", (self.page > 1).then(|| self.page.to_string())),
        ]
        .into_iter()
        .filter_map(|(key, value)| value.map(|v| (key, v)))
        .collect();
        if params.is_empty() {
            return LIST_PATH.to_owned();
        }
        let query: Vec<String> = params
            .iter()
            .map(|(key, value)| format!("{key}={}", escape(value)))
            .collect();
        format!("{LIST_PATH}?{}", query.join("&"))
    }

    /// The request for the vouchers older than `before_id` ("load more"), else for this page.
    pub(super) fn request(self, before_id: Option<i64>) -> ListVouchers {
        ListVouchers {
            batch: self.batch,
            plan: self.plan,
            status: self.status,
            code: self.code,
            page: Some(self.page),
            before_id,
        }
    }
}

/// `text` as a query-string value: bytes other than letters, digits and `-_.~` percent-encoded.
/// (The router's own encoder calls into JavaScript outside the server, also in unit tests.)
fn escape(text: &str) -> String {
    text.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                char::from(b).to_string()
            }
            _ => format!("%{b:02X}"),
        })
        .collect()
}

/// The filters the form holds when it is sent, from the first page.
fn submitted(ev: &leptos::ev::SubmitEvent) -> Option<VoucherQuery> {
    let form_data = leptos::form::form_data_from_event(ev).ok()?;
    Some(VoucherQuery::from_fields(|key| {
        (key != "page")
            .then(|| form_data.get(key).as_string())
            .flatten()
    }))
}

/// The filter form, with the current filter chosen; place it inside a `Transition`.
#[component]
pub fn VoucherFilters(
    filter: Memo<VoucherQuery>,
    plans: Resource<Result<Vec<PlanChoice>, AppError>>,
    batches: Resource<Result<Vec<BatchView>, AppError>>,
) -> impl IntoView {
    let i18n = use_i18n();
    let navigate = use_navigate();
    // Sent by the browser before hydration; after it, the address holds only the filters that
    // are set (the router's own `<Form>` would add the nameless submit button as a stray `&=`).
    let on_submit = move |ev: leptos::ev::SubmitEvent| {
        if let Some(query) = submitted(&ev) {
            ev.prevent_default();
            navigate(&query.href(), Default::default());
        }
    };
    move || {
        let on_submit = on_submit.clone();
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
                <form method="get" action=LIST_PATH class="filters" on:submit=on_submit>
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
                        <a class="button button-link" href=LIST_PATH>{t!(i18n, filter_reset)}</a>
                    </div>
                </form>
            }
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The filters in the fields `fields` names.
    fn read(fields: &[(&str, &str)]) -> VoucherQuery {
        VoucherQuery::from_fields(|key| {
            fields
                .iter()
                .find(|(k, _)| *k == key)
                .map(|(_, v)| (*v).to_owned())
        })
    }

    #[test]
    fn the_query_string_filters_only_by_what_it_names_well() {
        assert_eq!(
            read(&[
                ("batch", "12"),
                ("plan", "x"),
                ("status", "expired"),
                ("code", "  ")
            ]),
            VoucherQuery {
                batch: Some(12),
                plan: None,
                status: Some(VoucherStatus::Expired),
                code: None,
                page: 1,
            }
        );
        let typed = read(&[("status", "used"), ("code", " K7P ")]);
        assert_eq!(typed.status, None);
        assert_eq!(typed.code.as_deref(), Some("K7P"));
        assert_eq!(read(&[("page", "0")]).page, 1);
        assert_eq!(read(&[("page", "3")]).page, 3);
    }

    #[test]
    fn the_address_names_only_the_filters_that_are_set() {
        assert_eq!(VoucherQuery::default().href(), "/admin/vouchers");
        let query = VoucherQuery {
            batch: Some(12),
            status: Some(VoucherStatus::Active),
            ..VoucherQuery::default()
        };
        assert_eq!(query.href(), "/admin/vouchers?batch=12&status=active");
        assert_eq!(
            query.at_page(3).href(),
            "/admin/vouchers?batch=12&status=active&page=3"
        );
        assert_eq!(query.at_page(1).href(), query.href());
        let code = VoucherQuery {
            code: Some("UJI K&7".to_owned()),
            ..VoucherQuery::default()
        };
        assert_eq!(code.href(), "/admin/vouchers?code=UJI%20K%267");
    }
}
