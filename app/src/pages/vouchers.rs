//! Vouchers: make a batch for a plan and watch it reach the router, browse recent batches, find
//! vouchers and disable or delete them.

use crate::components::{
    ConfirmSubmit, FormError, PushProgress, invalid_when, successes, tick_every_second_while,
};
use crate::error::AppError;
use crate::i18n::*;
#[cfg(feature = "ssr")]
use domain::ErrorCode;
use domain::Rupiah;
use leptos::prelude::*;
use leptos_router::components::Form;
use leptos_router::hooks::use_query_map;
use serde::{Deserialize, Serialize};
use std::collections::HashMap;

/// Vouchers per page of the list.
#[cfg(feature = "ssr")]
const PAGE_SIZE: i64 = 50;
/// Batches in the recent list.
#[cfg(feature = "ssr")]
const RECENT_BATCHES: i64 = 20;
const STATUSES: [&str; 5] = ["created", "active", "expired", "disabled", "deleted"];

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PlanChoice {
    pub id: i64,
    pub name: String,
    pub router_name: String,
    pub price: Rupiah,
    pub active: bool,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct BatchProgressView {
    pub batch_id: i64,
    pub quantity: i64,
    pub pushed: i64,
    pub pending: i64,
    pub failed: i64,
    /// The router's messages for failed vouchers with how many each, most common first.
    pub errors: Vec<(String, i64)>,
    /// Why the push is waiting for a retry (router down), if it is.
    pub retry_error: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct BatchRow {
    pub id: i64,
    pub plan_name: String,
    pub quantity: i64,
    pub pushed: i64,
    pub pending: i64,
    pub failed: i64,
    pub comment: Option<String>,
    pub created_at: String,
}

/// The voucher list's filters, as in the page's query string.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct VoucherQuery {
    pub batch: Option<i64>,
    pub plan: Option<i64>,
    pub status: Option<String>,
    pub code: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct VoucherItem {
    pub id: i64,
    pub batch_id: i64,
    pub plan_name: String,
    pub code: String,
    pub password: String,
    pub price: Rupiah,
    pub status: String,
    pub router_state: String,
    pub router_error: Option<String>,
    pub expires_at: Option<String>,
    /// When a cashier sold it, shown in the operator's time zone.
    pub sold_at: Option<String>,
    pub printed: bool,
    pub created_at: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct VoucherPage {
    pub rows: Vec<VoucherItem>,
    /// Whether older vouchers match too.
    pub more: bool,
}

#[server(prefix = "/rpc")]
pub async fn voucher_plans() -> Result<Vec<PlanChoice>, AppError> {
    use crate::auth::ssr::{require, services};
    require(&[domain::Role::Admin]).await?;
    let services = services()?;
    let routers: HashMap<i64, String> = services
        .routers
        .list()
        .await?
        .into_iter()
        .map(|r| (r.id, r.name))
        .collect();
    Ok(billing::hotspot::plans::plans(&services.pool, None)
        .await?
        .into_iter()
        .map(|p| PlanChoice {
            router_name: routers.get(&p.router_id).cloned().unwrap_or_default(),
            id: p.id,
            name: p.name,
            price: p.price,
            active: p.active,
        })
        .collect())
}

/// Makes a batch and opens its progress; the vouchers reach the router in the background.
#[server(prefix = "/rpc")]
pub async fn create_voucher_batch(
    plan_id: String,
    quantity: String,
    code_length: String,
    prefix: String,
    password_mode: String,
    comment: String,
) -> Result<i64, AppError> {
    use crate::auth::ssr::{require, services};
    use crate::pages::fields::{optional_in_range, optional_text, required_number};
    use domain::PasswordMode;
    let caller = require(&[domain::Role::Admin]).await?;
    let services = services()?;
    let quantity = required_number(&quantity, "quantity", ErrorCode::Quantity)?;
    let input = domain::model::vouchers::BatchInput {
        plan_id: required_number(&plan_id, "plan_id", ErrorCode::PlanNotFound)?,
        quantity: u32::try_from(quantity).map_err(|_| {
            AppError::invalid("quantity", ErrorCode::Quantity, "quantity is out of range")
        })?,
        code_length: optional_in_range(&code_length, "code_length", ErrorCode::CodeLength)?,
        alphabet: None,
        prefix,
        password_mode: Some(match password_mode.as_str() {
            "same" => PasswordMode::Same,
            "separate" => PasswordMode::Separate,
            _ => {
                return Err(AppError::invalid(
                    "password_mode",
                    ErrorCode::PasswordMode,
                    "password mode must be same or separate",
                ));
            }
        }),
        comment: optional_text(comment),
    };
    let created =
        billing::hotspot::vouchers::create_batch(&services.pool, input, caller.principal.actor())
            .await?;
    leptos_axum::redirect(&format!("/admin/vouchers?batch={}", created.batch_id));
    Ok(created.batch_id)
}

#[server(prefix = "/rpc")]
pub async fn get_batch_progress(batch_id: i64) -> Result<Option<BatchProgressView>, AppError> {
    use crate::auth::ssr::{require, services};
    require(&[domain::Role::Admin]).await?;
    let services = services()?;
    Ok(
        billing::hotspot::vouchers::batch_progress(&services.pool, batch_id)
            .await?
            .map(|p| BatchProgressView {
                batch_id: p.batch_id,
                quantity: p.quantity,
                pushed: p.pushed,
                pending: p.pending,
                failed: p.failed,
                errors: p.errors,
                retry_error: p.retry_error,
            }),
    )
}

#[server(prefix = "/rpc")]
pub async fn recent_batches() -> Result<Vec<BatchRow>, AppError> {
    use crate::auth::ssr::{require, services};
    use crate::pages::fields::TIME_FORMAT;
    require(&[domain::Role::Admin]).await?;
    let services = services()?;
    let timezone = services.config.timezone;
    Ok(
        billing::hotspot::vouchers::batches(&services.pool, RECENT_BATCHES)
            .await?
            .into_iter()
            .map(|b| BatchRow {
                id: b.id,
                plan_name: b.plan_name,
                quantity: b.quantity,
                pushed: b.pushed,
                pending: b.pending,
                failed: b.failed,
                comment: b.comment,
                created_at: b
                    .created_at
                    .with_timezone(&timezone)
                    .format(TIME_FORMAT)
                    .to_string(),
            })
            .collect(),
    )
}

/// One page of vouchers, newest first, older than `before_id` when given. The filters are
/// separate arguments: an absent one is simply left out of the request.
#[server(prefix = "/rpc")]
pub async fn list_vouchers(
    batch: Option<i64>,
    plan: Option<i64>,
    status: Option<String>,
    code: Option<String>,
    before_id: Option<i64>,
) -> Result<VoucherPage, AppError> {
    use crate::auth::ssr::{require, services};
    require(&[domain::Role::Admin]).await?;
    let services = services()?;
    let filter = domain::model::vouchers::VoucherFilter {
        router_id: None,
        plan_id: plan,
        batch_id: batch,
        status,
        code,
        before_id,
        limit: Some(PAGE_SIZE + 1),
    };
    let mut rows = billing::hotspot::vouchers::list(&services.pool, &filter).await?;
    let more = rows.len() as i64 > PAGE_SIZE;
    rows.truncate(PAGE_SIZE as usize);
    let items = rows.into_iter().map(|r| to_item(r, &services)).collect();
    Ok(VoucherPage { rows: items, more })
}

/// Disables (`mode` = `disable`) or deletes a voucher, here and on its router; returns the
/// voucher as it is now.
#[server(prefix = "/rpc")]
pub async fn withdraw_voucher(id: i64, mode: String) -> Result<Option<VoucherItem>, AppError> {
    use crate::auth::ssr::{require, services};
    let caller = require(&[domain::Role::Admin]).await?;
    let services = services()?;
    let delete = match mode.as_str() {
        "disable" => false,
        "delete" => true,
        _ => {
            return Err(AppError::invalid(
                "mode",
                ErrorCode::VoucherStatus,
                "mode must be disable or delete",
            ));
        }
    };
    billing::hotspot::vouchers::withdraw(&services.pool, &[id], delete, caller.principal.actor())
        .await?;
    let voucher = billing::hotspot::vouchers::get(&services.pool, id).await?;
    Ok(Some(to_item(voucher, &services)))
}

#[cfg(feature = "ssr")]
fn to_item(row: domain::model::vouchers::Voucher, services: &billing::Services) -> VoucherItem {
    use crate::pages::fields::TIME_FORMAT;
    let timezone = services.config.timezone;
    VoucherItem {
        id: row.id,
        batch_id: row.batch_id,
        plan_name: row.plan_name,
        code: row.code,
        password: row.password,
        price: Rupiah::new(row.price),
        status: row.status.to_string(),
        router_state: row.router_state.to_string(),
        router_error: row.router_error,
        expires_at: row
            .expires_at
            .map(|t| t.with_timezone(&timezone).format(TIME_FORMAT).to_string()),
        sold_at: row
            .sold_at
            .map(|t| t.with_timezone(&timezone).format(TIME_FORMAT).to_string()),
        printed: row.printed_at.is_some(),
        created_at: row
            .created_at
            .with_timezone(&timezone)
            .format(TIME_FORMAT)
            .to_string(),
    }
}

fn status_label(i18n: leptos_i18n::I18nContext<Locale>, status: &str) -> String {
    match status {
        "created" => t_string!(i18n, voucher_status_created).to_string(),
        "active" => t_string!(i18n, voucher_status_active).to_string(),
        "expired" => t_string!(i18n, voucher_status_expired).to_string(),
        "disabled" => t_string!(i18n, voucher_status_disabled).to_string(),
        "deleted" => t_string!(i18n, voucher_status_deleted).to_string(),
        other => other.to_owned(),
    }
}

fn router_state_label(i18n: leptos_i18n::I18nContext<Locale>, state: &str) -> String {
    match state {
        "pending" => t_string!(i18n, router_state_pending).to_string(),
        "pushed" => t_string!(i18n, router_state_pushed).to_string(),
        "failed" => t_string!(i18n, router_state_failed).to_string(),
        "removed" => t_string!(i18n, router_state_removed).to_string(),
        other => other.to_owned(),
    }
}

#[component]
pub fn VouchersPage() -> impl IntoView {
    let i18n = use_i18n();
    let query = use_query_map();
    let filter = Memo::new(move |_| {
        query.with(|q| {
            let text = |key: &str| {
                q.get(key)
                    .map(|v| v.trim().to_owned())
                    .filter(|v| !v.is_empty())
            };
            VoucherQuery {
                batch: text("batch").and_then(|v| v.parse().ok()),
                plan: text("plan").and_then(|v| v.parse().ok()),
                status: text("status").filter(|s| STATUSES.contains(&s.as_str())),
                code: text("code"),
            }
        })
    });
    let create = ServerAction::<CreateVoucherBatch>::new();
    let created = successes(create);
    let plans = Resource::new(|| (), |_| voucher_plans());

    // The batch in view (just made, or picked from the list) is followed live while it pushes.
    let (progress_tick, set_progress_tick) = signal(0u32);
    let progress = Resource::new(
        move || (filter.get().batch, progress_tick.get()),
        |(batch, _)| async move {
            match batch {
                Some(id) => get_batch_progress(id).await,
                None => Ok(None),
            }
        },
    );
    let pushing =
        Memo::new(move |_| progress.with(|p| matches!(p, Some(Ok(Some(p))) if p.pending > 0)));
    tick_every_second_while(set_progress_tick, move || pushing.get());

    let (batches_tick, set_batches_tick) = signal(0u32);
    let batches = Resource::new(
        move || (created.get(), batches_tick.get()),
        |_| recent_batches(),
    );
    // The filter's batch choices do not follow the polling: that would reset the filter form.
    let batch_choices = Resource::new(move || created.get(), |_| recent_batches());
    tick_every_second_while(set_batches_tick, move || {
        batches.with(|b| matches!(b, Some(Ok(rows)) if rows.iter().any(|r| r.pending > 0)))
    });

    view! {
        <h1>{t!(i18n, vouchers_title)}</h1>
        {move || filter.get().batch.map(|batch_id| view! {
            <section class="card batch-live" aria-live="polite">
                <h2>{t!(i18n, batch_progress_title, batch_id)}</h2>
                <Transition fallback=move || view! { <p class="muted">{t!(i18n, loading)}</p> }>
                    {move || Suspend::new(async move {
                        progress.await.map(|p| match p {
                            Some(p) => view! { <BatchProgressDetail progress=p /> }.into_any(),
                            None => view! { <p class="muted">{t!(i18n, batch_not_found)}</p> }.into_any(),
                        })
                    })}
                </Transition>
            </section>
        })}
        <section class="card">
            <h2>{t!(i18n, batch_new_title)}</h2>
            <Transition fallback=move || view! { <p class="muted">{t!(i18n, loading)}</p> }>
                {move || Suspend::new(async move {
                    plans.await.map(|plans| view! { <BatchForm action=create plans /> })
                })}
            </Transition>
        </section>
        <section class="card">
            <h2>{t!(i18n, batches_title)}</h2>
            <Transition fallback=move || view! { <p class="muted">{t!(i18n, loading)}</p> }>
                {move || Suspend::new(async move {
                    batches.await.map(|rows| view! { <BatchTable rows selected=filter.get_untracked().batch /> })
                })}
            </Transition>
        </section>
        <section class="card">
            <h2>{t!(i18n, vouchers_list_title)}</h2>
            <VoucherList filter plans batches=batch_choices refresh=Signal::derive(move || (pushing.get(), created.get())) />
        </section>
    }
}

#[component]
fn BatchForm(action: ServerAction<CreateVoucherBatch>, plans: Vec<PlanChoice>) -> impl IntoView {
    let i18n = use_i18n();
    let error = Signal::derive(move || action.value().get().and_then(Result::err));
    let invalid = move |field| invalid_when(error, field);
    let active: Vec<PlanChoice> = plans.into_iter().filter(|p| p.active).collect();
    if active.is_empty() {
        return view! {
            <p class="muted">{t!(i18n, batch_no_plans)}</p>
            <p><a class="button button-secondary" href="/admin/plans">{t!(i18n, batch_add_plan_first)}</a></p>
        }
        .into_any();
    }
    view! {
        <FormError error />
        <ActionForm action attr:class="form-grid">
            <label class="span-all">
                <span>{t!(i18n, batch_plan)}</span>
                <select name="plan_id" required aria-invalid=invalid("plan_id")>
                    {active.into_iter().map(|p| view! {
                        <option value=p.id>{format!("{} — {} — {}", p.name, p.router_name, p.price)}</option>
                    }).collect_view()}
                </select>
            </label>
            <label>
                <span>{t!(i18n, batch_quantity)}</span>
                <input type="number" name="quantity" required min="1" max="10000" value="50" inputmode="numeric" aria-invalid=invalid("quantity") />
            </label>
            <label>
                <span>{t!(i18n, batch_code_length)}</span>
                <input type="number" name="code_length" min="4" max="32" value="8" inputmode="numeric" aria-invalid=invalid("code_length") />
            </label>
            <label>
                <span>{t!(i18n, batch_prefix)}</span>
                <input type="text" name="prefix" maxlength="12" autocapitalize="characters" spellcheck="false" placeholder=move || t_string!(i18n, batch_prefix_hint).to_string() aria-invalid=invalid("prefix") />
            </label>
            <label>
                <span>{t!(i18n, batch_password_mode)}</span>
                <select name="password_mode" aria-invalid=invalid("password_mode")>
                    <option value="same">{t!(i18n, batch_password_same)}</option>
                    <option value="separate">{t!(i18n, batch_password_separate)}</option>
                </select>
            </label>
            <label class="span-all">
                <span>{t!(i18n, batch_comment)}</span>
                <input type="text" name="comment" maxlength="200" placeholder=move || t_string!(i18n, batch_comment_hint).to_string() aria-invalid=invalid("comment") />
            </label>
            <div class="form-actions">
                <button type="submit" class="button button-primary" disabled=move || action.pending().get()>
                    {move || if action.pending().get() { t_string!(i18n, working).to_string() } else { t_string!(i18n, batch_create_button).to_string() }}
                </button>
            </div>
        </ActionForm>
    }
    .into_any()
}

#[component]
fn BatchProgressDetail(progress: BatchProgressView) -> impl IntoView {
    let i18n = use_i18n();
    let BatchProgressView {
        quantity,
        pushed,
        pending,
        failed,
        errors,
        retry_error,
        ..
    } = progress;
    let state = if pending > 0 {
        t_string!(i18n, batch_state_pushing).to_string()
    } else if failed > 0 {
        t_string!(i18n, batch_state_failed).to_string()
    } else {
        t_string!(i18n, batch_state_done).to_string()
    };
    view! {
        <div class="batch-progress" data-pending=pending data-pushed=pushed data-failed=failed>
            <p class="batch-state">{state}</p>
            <PushProgress quantity pushed pending failed />
            {retry_error.map(|detail| view! {
                <p class="outcome outcome-warn small">{t!(i18n, batch_retry_error, detail)}</p>
            })}
            {(!errors.is_empty()).then(|| view! {
                <div class="outcome outcome-bad small">
                    <p class="outcome-title">{t!(i18n, batch_router_errors)}</p>
                    <ul>
                        {errors.into_iter().map(|(message, count)| view! { <li>{format!("{count}× {message}")}</li> }).collect_view()}
                    </ul>
                </div>
            })}
        </div>
    }
}

#[component]
fn BatchTable(rows: Vec<BatchRow>, selected: Option<i64>) -> impl IntoView {
    let i18n = use_i18n();
    if rows.is_empty() {
        return view! { <p class="muted empty">{t!(i18n, batches_empty)}</p> }.into_any();
    }
    let label = move |text: fn(leptos_i18n::I18nContext<Locale>) -> String| move || text(i18n);
    view! {
        <table class="table table-stack batches-table">
            <thead>
                <tr>
                    <th scope="col">{t!(i18n, batch_number)}</th>
                    <th scope="col">{t!(i18n, batch_plan)}</th>
                    <th scope="col">{t!(i18n, batch_created)}</th>
                    <th scope="col" class="progress-column">{t!(i18n, batch_progress)}</th>
                    <th scope="col">{t!(i18n, batch_comment)}</th>
                    <th scope="col"><span class="visually-hidden">{t!(i18n, actions)}</span></th>
                </tr>
            </thead>
            <tbody>
                {rows.into_iter().map(|b| view! {
                    <tr class:selected=selected == Some(b.id) data-batch=b.id>
                        <th scope="row" data-label=label(|i18n| t_string!(i18n, batch_number).to_string())>
                            <a href=format!("/admin/vouchers?batch={}", b.id)>{format!("#{}", b.id)}</a>
                        </th>
                        <td data-label=label(|i18n| t_string!(i18n, batch_plan).to_string())>{b.plan_name}</td>
                        <td data-label=label(|i18n| t_string!(i18n, batch_created).to_string())>{b.created_at}</td>
                        <td class="progress-column" data-label=label(|i18n| t_string!(i18n, batch_progress).to_string())>
                            <PushProgress quantity=b.quantity pushed=b.pushed pending=b.pending failed=b.failed />
                        </td>
                        <td data-label=label(|i18n| t_string!(i18n, batch_comment).to_string())>{b.comment.unwrap_or_default()}</td>
                        <td class="row-actions-cell">
                            <div class="row-actions">
                                <a class="button button-secondary" data-print="a4" href=format!("/print/vouchers?batch={}&layout=a4", b.id)>
                                    {t!(i18n, print_batch_a4)}
                                </a>
                                <a class="button button-secondary" data-print="58mm" href=format!("/print/vouchers?batch={}&layout=58mm", b.id)>
                                    {t!(i18n, print_batch_thermal)}
                                </a>
                            </div>
                        </td>
                    </tr>
                }).collect_view()}
            </tbody>
        </table>
    }
    .into_any()
}

/// The filterable voucher list: the first page renders on the server, "load more" appends older
/// pages (keyset: vouchers older than the last one shown), and a disabled or deleted voucher is
/// updated in place.
#[component]
fn VoucherList(
    filter: Memo<VoucherQuery>,
    plans: Resource<Result<Vec<PlanChoice>, AppError>>,
    batches: Resource<Result<Vec<BatchRow>, AppError>>,
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
    // Older pages loaded for the filter they were loaded with.
    let older = RwSignal::new((
        VoucherQuery::default(),
        Vec::<VoucherItem>::new(),
        None::<bool>,
    ));
    Effect::new(move |_| {
        if let Some(Ok(page)) = load_more.value().get() {
            older.update(|(query, rows, more)| {
                if *query == filter.get_untracked() {
                    rows.extend(page.rows);
                    *more = Some(page.more);
                }
            });
        }
    });
    let withdraw = ServerAction::<WithdrawVoucher>::new();
    let withdrawn = RwSignal::new(HashMap::<i64, VoucherItem>::new());
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

    let filters = move || {
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
                            {STATUSES.map(|s| view! {
                                <option value=s selected=current.status.as_deref() == Some(s)>{status_label(i18n, s)}</option>
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
    };

    view! {
        <Transition>{filters}</Transition>
        <FormError error=failure />
        <Transition fallback=move || view! { <p class="muted">{t!(i18n, loading)}</p> }>
            {move || Suspend::new(async move {
                first_page.await.map(|first| {
                    let current = filter.get();
                    let (older_query, older_rows, older_more) = older.get();
                    let extra = if older_query == current { older_rows } else { Vec::new() };
                    let more = if older_query == current { older_more.unwrap_or(first.more) } else { first.more };
                    let patches = withdrawn.get();
                    let rows: Vec<VoucherItem> = first
                        .rows
                        .into_iter()
                        .chain(extra)
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
                        {(more && last_id.is_some()).then(|| view! {
                            <div class="load-more">
                                <button
                                    type="button"
                                    class="button button-secondary"
                                    disabled=move || load_more.pending().get()
                                    on:click=move |_| {
                                        let query = filter.get_untracked();
                                        older.update(|(q, rows, more)| {
                                            if *q != query {
                                                *q = query.clone();
                                                rows.clear();
                                                *more = None;
                                            }
                                        });
                                        load_more.dispatch(ListVouchers {
                                            batch: query.batch,
                                            plan: query.plan,
                                            status: query.status,
                                            code: query.code,
                                            before_id: last_id,
                                        });
                                    }
                                >
                                    {move || if load_more.pending().get() { t_string!(i18n, loading).to_string() } else { t_string!(i18n, load_more).to_string() }}
                                </button>
                            </div>
                        })}
                    }
                    .into_any()
                })
            })}
        </Transition>
    }
}

#[component]
fn VoucherTable(rows: Vec<VoucherItem>, withdraw: ServerAction<WithdrawVoucher>) -> impl IntoView {
    let i18n = use_i18n();
    let label = move |text: fn(leptos_i18n::I18nContext<Locale>) -> String| move || text(i18n);
    view! {
        // The checkboxes in the rows belong to this form through their `form` attribute: the rows
        // hold forms of their own, and forms cannot nest.
        <form id="print-selection" class="print-selection" method="get" action="/print/vouchers">
            <select name="layout" aria-label=move || t_string!(i18n, print_layout).to_string()>
                <option value="a4">{t!(i18n, print_a4)}</option>
                <option value="58mm">{t!(i18n, print_thermal)}</option>
            </select>
            <button type="submit" class="button button-secondary">{t!(i18n, print_selected)}</button>
        </form>
        <table class="table table-stack vouchers-table">
            <thead>
                <tr>
                    <th scope="col" class="select-column"><span class="visually-hidden">{t!(i18n, print_selected)}</span></th>
                    <th scope="col">{t!(i18n, voucher_code)}</th>
                    <th scope="col">{t!(i18n, voucher_password)}</th>
                    <th scope="col">{t!(i18n, batch_plan)}</th>
                    <th scope="col">{t!(i18n, status)}</th>
                    <th scope="col">{t!(i18n, voucher_router)}</th>
                    <th scope="col">{t!(i18n, voucher_expires)}</th>
                    <th scope="col"><span class="visually-hidden">{t!(i18n, actions)}</span></th>
                </tr>
            </thead>
            <tbody>
                {rows.into_iter().map(|v| {
                    let id = v.id;
                    let same_password = v.password == v.code;
                    let withdrawable = !matches!(v.status.as_str(), "disabled" | "deleted");
                    let deletable = v.status != "deleted";
                    let code = v.code.clone();
                    let question = Signal::derive(move || {
                        let code = code.clone();
                        t_string!(i18n, voucher_delete_question, code).to_string()
                    });
                    view! {
                        <tr data-voucher=v.code.clone() data-status=v.status.clone()>
                            <td class="select-column">
                                <input
                                    type="checkbox"
                                    name="id"
                                    value=id
                                    form="print-selection"
                                    aria-label={
                                        let code = v.code.clone();
                                        move || {
                                            let code = code.clone();
                                            t_string!(i18n, select_voucher, code).to_string()
                                        }
                                    }
                                />
                            </td>
                            <th scope="row" class="mono code" data-label=label(|i18n| t_string!(i18n, voucher_code).to_string())>{v.code.clone()}</th>
                            <td data-label=label(|i18n| t_string!(i18n, voucher_password).to_string())>
                                {if same_password {
                                    view! { <span class="muted small">{t!(i18n, voucher_password_is_code)}</span> }.into_any()
                                } else {
                                    view! { <span class="mono code">{v.password.clone()}</span> }.into_any()
                                }}
                            </td>
                            <td data-label=label(|i18n| t_string!(i18n, batch_plan).to_string())>
                                {v.plan_name.clone()} <span class="sub">{v.price.to_string()}</span>
                            </td>
                            <td data-label=label(|i18n| t_string!(i18n, status).to_string())>
                                <span class=format!("badge badge-voucher-{}", v.status)>{status_label(i18n, &v.status)}</span>
                                {v.sold_at.clone().map(|at| view! { <span class="sub" data-sold="true">{t!(i18n, voucher_sold)} " " {at}</span> })}
                                {(v.sold_at.is_none() && v.printed).then(|| view! { <span class="sub" data-printed="true">{t!(i18n, voucher_printed)}</span> })}
                            </td>
                            <td data-label=label(|i18n| t_string!(i18n, voucher_router).to_string())>
                                <span class=format!("router-state router-state-{}", v.router_state) title=v.router_error.clone()>
                                    {router_state_label(i18n, &v.router_state)}
                                </span>
                            </td>
                            <td data-label=label(|i18n| t_string!(i18n, voucher_expires).to_string())>
                                {v.expires_at.clone().unwrap_or_else(|| "—".to_owned())}
                            </td>
                            <td class="row-actions-cell">
                                <div class="row-actions">
                                    {withdrawable.then(|| view! {
                                        <ActionForm action=withdraw>
                                            <input type="hidden" name="id" value=id />
                                            <input type="hidden" name="mode" value="disable" />
                                            <button type="submit" class="button button-secondary">{t!(i18n, voucher_disable)}</button>
                                        </ActionForm>
                                    })}
                                    {deletable.then(|| view! {
                                        <ActionForm action=withdraw>
                                            <input type="hidden" name="id" value=id />
                                            <input type="hidden" name="mode" value="delete" />
                                            <ConfirmSubmit label=Signal::derive(move || t_string!(i18n, delete).to_string()) question />
                                        </ActionForm>
                                    })}
                                </div>
                            </td>
                        </tr>
                    }
                }).collect_view()}
            </tbody>
        </table>
    }
}
