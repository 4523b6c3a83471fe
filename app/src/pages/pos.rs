//! The cashier's sales screen, made for a tablet held in the hand (768×1024) or a small POS:
//! one big button per plan; a tap sells one voucher and shows its code large with its QR code,
//! ready to print on a 58 mm receipt; today's sales per cashier underneath.

use crate::components::{FormError, error_message, successes};
use crate::error::AppError;
use crate::i18n::*;
use domain::Rupiah;
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

/// Two taps on the same plan closer than this are one double tap: the second repeats the first
/// request (same key) and the server answers with the same sale.
const DOUBLE_TAP_MS: f64 = 800.0;
/// The browser remembers the cashier's auto-print choice under this key.
const AUTO_PRINT_KEY: &str = "pos.autoPrint";

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PosPlan {
    pub id: i64,
    pub name: String,
    pub router_name: String,
    pub price: Rupiah,
    pub validity_seconds: i64,
    pub stock: i64,
}

/// A sale as the screen and the receipt show it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SaleView {
    pub id: i64,
    pub code: String,
    pub password: String,
    pub plan_name: String,
    pub router_name: String,
    pub price: Rupiah,
    pub validity_seconds: i64,
    pub login_url: String,
    /// The QR code of `login_url`, an inline SVG made on the server.
    pub qr_svg: String,
    pub router_state: String,
    pub cashier_name: String,
    pub customer_whatsapp: Option<String>,
    pub sold_at: String,
    pub replayed: bool,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CashierTotal {
    pub name: String,
    pub count: i64,
    pub total: Rupiah,
    pub me: bool,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SaleLineView {
    pub time: String,
    pub plan_name: String,
    pub code: String,
    pub price: Rupiah,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TodayView {
    pub date: String,
    pub cashiers: Vec<CashierTotal>,
    pub count: i64,
    pub total: Rupiah,
    pub mine_count: i64,
    pub mine_total: Rupiah,
    /// This cashier's latest sales.
    pub latest: Vec<SaleLineView>,
}

#[cfg(feature = "ssr")]
const SELLERS: &[domain::Role] = &[domain::Role::Admin, domain::Role::Staff];

#[server(prefix = "/rpc")]
pub async fn pos_plans() -> Result<Vec<PosPlan>, AppError> {
    use crate::auth::ssr::{require, services};
    require(SELLERS).await?;
    let services = services()?;
    Ok(billing::sales::saleable_plans(&services.pool)
        .await?
        .into_iter()
        .map(|p| PosPlan {
            id: p.id,
            name: p.name,
            router_name: p.router_name,
            price: p.price,
            validity_seconds: p.validity_seconds,
            stock: p.stock,
        })
        .collect())
}

/// Sells one voucher of a plan. `request_key` is the tap's own key: the same key again returns the
/// same sale.
#[server(prefix = "/rpc")]
pub async fn sell_voucher(
    plan_id: i64,
    request_key: String,
    customer_whatsapp: String,
) -> Result<SaleView, AppError> {
    use crate::auth::ssr::{require, services};
    use crate::pages::fields::TIME_FORMAT;
    let caller = require(SELLERS).await?;
    let services = services()?;
    let request_key = billing::uuid::Uuid::parse_str(request_key.trim()).map_err(|_| {
        AppError::invalid("request_key", "request_key", "request_key must be a UUID")
    })?;
    let sale = billing::sales::sell(
        &services.pool,
        &services.routers,
        billing::sales::SaleInput {
            plan_id,
            request_key,
            customer_whatsapp: Some(customer_whatsapp),
        },
        caller.principal.id,
    )
    .await?;
    if sale.router_state == "pending" {
        services.outbox_wake.notify_one();
    }
    Ok(SaleView {
        id: sale.id,
        qr_svg: billing::sales::qr_svg(&sale.login_url),
        code: sale.code,
        password: sale.password,
        plan_name: sale.plan_name,
        router_name: sale.router_name,
        price: sale.price,
        validity_seconds: sale.validity_seconds,
        login_url: sale.login_url,
        router_state: sale.router_state,
        cashier_name: sale.cashier_name,
        customer_whatsapp: sale.customer_whatsapp.map(|w| w.readable()),
        sold_at: sale
            .sold_at
            .with_timezone(&services.config.timezone)
            .format(TIME_FORMAT)
            .to_string(),
        replayed: sale.replayed,
    })
}

#[server(prefix = "/rpc")]
pub async fn today_sales() -> Result<TodayView, AppError> {
    use crate::auth::ssr::{require, services};
    let caller = require(SELLERS).await?;
    let services = services()?;
    let me = caller.principal.id;
    let timezone = services.config.timezone;
    let today = billing::sales::today(&services.pool, timezone, Some(me), 10).await?;
    let mine = today.cashiers.iter().find(|c| c.cashier_id == me);
    Ok(TodayView {
        date: today.date.format("%d-%m-%Y").to_string(),
        mine_count: mine.map_or(0, |c| c.count),
        mine_total: mine.map_or(Rupiah::ZERO, |c| c.total),
        cashiers: today
            .cashiers
            .iter()
            .map(|c| CashierTotal {
                name: c.cashier_name.clone(),
                count: c.count,
                total: c.total,
                me: c.cashier_id == me,
            })
            .collect(),
        count: today.count,
        total: today.total,
        latest: today
            .latest
            .into_iter()
            .map(|l| SaleLineView {
                time: l
                    .sold_at
                    .with_timezone(&timezone)
                    .format("%H:%M")
                    .to_string(),
                plan_name: l.plan_name,
                code: l.code,
                price: l.price,
            })
            .collect(),
    })
}

/// "3 jam", "1 hari", "1 hari 12 jam": a validity as people say it.
pub fn validity_label(i18n: leptos_i18n::I18nContext<Locale>, seconds: i64) -> String {
    let (days, hours, minutes) = (
        seconds / 86_400,
        seconds % 86_400 / 3_600,
        seconds % 3_600 / 60,
    );
    let mut parts = Vec::new();
    if days > 0 {
        let n = days;
        parts.push(if n == 1 {
            t_string!(i18n, unit_day, n).to_string()
        } else {
            t_string!(i18n, unit_days, n).to_string()
        });
    }
    if hours > 0 {
        let n = hours;
        parts.push(if n == 1 {
            t_string!(i18n, unit_hour, n).to_string()
        } else {
            t_string!(i18n, unit_hours, n).to_string()
        });
    }
    if minutes > 0 || parts.is_empty() {
        let n = minutes;
        parts.push(t_string!(i18n, unit_minutes, n).to_string());
    }
    parts.join(" ")
}

/// A fresh random key for one tap (a version 4 UUID).
fn new_request_key() -> String {
    let mut hex = String::with_capacity(36);
    for i in 0..32 {
        let digit = match i {
            12 => 4,
            16 => 8 | random_below(4),
            _ => random_below(16),
        };
        if matches!(i, 8 | 12 | 16 | 20) {
            hex.push('-');
        }
        hex.push(char::from_digit(digit, 16).expect("a hex digit"));
    }
    hex
}

fn random_below(n: u32) -> u32 {
    // Only runs in the browser, on a tap.
    (js_sys::Math::random() * f64::from(n)) as u32 % n
}

fn now_ms() -> f64 {
    js_sys::Date::now()
}

fn auto_print_stored() -> bool {
    window()
        .local_storage()
        .ok()
        .flatten()
        .and_then(|s| s.get_item(AUTO_PRINT_KEY).ok().flatten())
        .is_none_or(|v| v != "off")
}

fn store_auto_print(on: bool) {
    if let Some(storage) = window().local_storage().ok().flatten() {
        let _ = storage.set_item(AUTO_PRINT_KEY, if on { "on" } else { "off" });
    }
}

#[component]
pub fn PosPage() -> impl IntoView {
    let i18n = use_i18n();
    let sell = ServerAction::<SellVoucher>::new();
    let sold = successes(sell);
    let plans = Resource::new(move || sold.get(), |_| pos_plans());
    let today = Resource::new(move || sold.get(), |_| today_sales());
    let (whatsapp, set_whatsapp) = signal(String::new());
    let (auto_print, set_auto_print) = signal(true);
    // The last tap: its plan, its key and when it happened.
    let last_tap = StoredValue::new(None::<(i64, String, f64)>);
    let sale = Memo::new(move |_| sell.value().get().and_then(Result::ok));
    let error = Signal::derive(move || sell.value().get().and_then(Result::err));

    Effect::new(move |_| set_auto_print.set(auto_print_stored()));
    // A new sale prints its receipt at once when the cashier wants that.
    Effect::new(move |previous: Option<Option<i64>>| {
        let current = sale.with(|s| s.as_ref().filter(|s| !s.replayed).map(|s| s.id));
        if let (Some(id), Some(before)) = (current, previous)
            && before != Some(id)
            && auto_print.get_untracked()
        {
            request_animation_frame(|| {
                let _ = window().print();
            });
        }
        // On a phone the sale appears below the plans: bring it into view.
        if current.is_some()
            && current != previous.flatten()
            && let Ok(Some(result)) = document().query_selector(".pos-result")
        {
            let options = web_sys::ScrollIntoViewOptions::new();
            options.set_block(web_sys::ScrollLogicalPosition::Nearest);
            result.scroll_into_view_with_scroll_into_view_options(&options);
        }
        current
    });

    let tap = move |plan_id: i64| {
        if sell.pending().get_untracked() {
            return;
        }
        let now = now_ms();
        let key = match last_tap.get_value() {
            Some((plan, key, at)) if plan == plan_id && now - at < DOUBLE_TAP_MS => key,
            _ => new_request_key(),
        };
        last_tap.set_value(Some((plan_id, key.clone(), now)));
        sell.dispatch(SellVoucher {
            plan_id,
            request_key: key,
            customer_whatsapp: whatsapp.get_untracked(),
        });
    };
    // The buyer's number belongs to one sale only.
    Effect::new(move |_| {
        if sold.get() > 0 {
            set_whatsapp.set(String::new());
        }
    });

    view! {
        <div class="pos-screen">
            <section class="pos-sell" aria-labelledby="pos-plans-title">
                <h1 id="pos-plans-title" class="visually-hidden">{t!(i18n, pos_title)}</h1>
                <label class="pos-whatsapp">
                    <span>{t!(i18n, pos_whatsapp)}</span>
                    <input
                        type="tel"
                        name="customer_whatsapp"
                        inputmode="tel"
                        autocomplete="off"
                        placeholder="08xx-xxxx-xxxx"
                        prop:value=whatsapp
                        on:input=move |ev| set_whatsapp.set(event_target_value(&ev))
                        aria-invalid=move || {
                            error.with(|e| e.as_ref().and_then(AppError::field) == Some("customer_whatsapp"))
                                .then_some("true")
                        }
                    />
                </label>
                <FormError error />
                // A Transition, not a Suspense: after each sale the plans reload, and a fallback in
                // their place would shorten the page and undo the scroll that brings the sale into
                // view on a phone (and make the tiles flicker under the cashier's finger).
                <Transition fallback=move || view! { <p class="muted">{t!(i18n, loading)}</p> }>
                    {move || Suspend::new(async move {
                        match plans.await {
                            Ok(plans) if plans.is_empty() => {
                                view! { <p class="empty-state card">{t!(i18n, pos_no_plans)}</p> }.into_any()
                            }
                            Ok(plans) => {
                                let several_routers = plans
                                    .iter()
                                    .any(|p| p.router_name != plans[0].router_name);
                                view! {
                                    <div class="plan-tiles">
                                        {plans
                                            .into_iter()
                                            .map(|plan| {
                                                let id = plan.id;
                                                let validity = validity_label(i18n, plan.validity_seconds);
                                                let n = plan.stock;
                                                view! {
                                                    <button
                                                        type="button"
                                                        class="plan-tile"
                                                        data-plan-id=id
                                                        disabled=move || sell.pending().get()
                                                        on:click=move |_| tap(id)
                                                    >
                                                        <span class="tile-name">{plan.name}</span>
                                                        <span class="tile-price">{plan.price.to_string()}</span>
                                                        <span class="tile-meta">
                                                            {validity}
                                                            {several_routers.then(|| format!(" · {}", plan.router_name))}
                                                        </span>
                                                        {(n > 0).then(|| view! {
                                                            <span class="tile-stock">{t!(i18n, pos_stock, n)}</span>
                                                        })}
                                                    </button>
                                                }
                                            })
                                            .collect_view()}
                                    </div>
                                }
                                    .into_any()
                            }
                            Err(e) => view! { <p class="form-error">{error_message(i18n, &e)}</p> }.into_any(),
                        }
                    })}
                </Transition>
            </section>

            <section class="pos-result card" aria-live="polite">
                {move || match sale.get() {
                    None => {
                        view! {
                            <p class="pos-hint muted">
                                {move || {
                                    if sell.pending().get() {
                                        t_string!(i18n, pos_selling).to_string()
                                    } else {
                                        t_string!(i18n, pos_hint).to_string()
                                    }
                                }}
                            </p>
                        }
                            .into_any()
                    }
                    Some(s) => view! { <SaleCard sale=s auto_print set_auto_print /> }.into_any(),
                }}
            </section>

            <section class="pos-today card" aria-labelledby="pos-today-title">
                <Transition fallback=|| ()>
                    {move || Suspend::new(async move {
                        today.await.ok().map(|t| view! { <TodayPanel today=t /> })
                    })}
                </Transition>
            </section>

            {move || sale.get().map(|s| view! { <Receipt sale=s /> })}
        </div>
    }
}

#[component]
fn SaleCard(
    sale: SaleView,
    auto_print: ReadSignal<bool>,
    set_auto_print: WriteSignal<bool>,
) -> impl IntoView {
    let i18n = use_i18n();
    let validity = validity_label(i18n, sale.validity_seconds);
    let separate_password = sale.password != sale.code;
    let pending = sale.router_state != "pushed";
    view! {
        <div class="sale" data-sale-id=sale.id data-replayed=sale.replayed.to_string()>
            <div class="sale-qr qr" inner_html=sale.qr_svg.clone() role="img" aria-label=sale.login_url.clone()></div>
            <div class="sale-details">
                <p class="sale-plan">{sale.plan_name.clone()} " · " {sale.price.to_string()}</p>
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

#[component]
fn TodayPanel(today: TodayView) -> impl IntoView {
    let i18n = use_i18n();
    let date = today.date.clone();
    view! {
        <h2 id="pos-today-title">{t!(i18n, pos_today)} " " <span class="muted small">{date}</span></h2>
        <div class="today-mine">
            <p class="stat" data-stat="mine-count">
                <span class="stat-value">{today.mine_count}</span>
                <span class="stat-label">{t!(i18n, pos_my_sales)}</span>
            </p>
            <p class="stat" data-stat="mine-total">
                <span class="stat-value">{today.mine_total.to_string()}</span>
                <span class="stat-label">{t!(i18n, pos_my_total)}</span>
            </p>
        </div>
        <table class="table today-cashiers">
            <thead>
                <tr>
                    <th>{t!(i18n, pos_cashier)}</th>
                    <th class="num">{t!(i18n, pos_count)}</th>
                    <th class="num">{t!(i18n, pos_total)}</th>
                </tr>
            </thead>
            <tbody>
                {today
                    .cashiers
                    .into_iter()
                    .map(|c| view! {
                        <tr class:me=c.me>
                            <td>{c.name}</td>
                            <td class="num">{c.count}</td>
                            <td class="num">{c.total.to_string()}</td>
                        </tr>
                    })
                    .collect_view()}
            </tbody>
            <tfoot>
                <tr>
                    <th>{t!(i18n, pos_all_cashiers)}</th>
                    <th class="num" data-total="count">{today.count}</th>
                    <th class="num" data-total="amount">{today.total.to_string()}</th>
                </tr>
            </tfoot>
        </table>
        {(!today.latest.is_empty()).then(|| view! {
            <h3 class="small muted">{t!(i18n, pos_latest)}</h3>
            <ul class="latest-sales">
                {today
                    .latest
                    .into_iter()
                    .map(|l| view! {
                        <li>
                            <span class="muted">{l.time}</span>
                            <span class="code">{l.code}</span>
                            <span>{l.plan_name}</span>
                            <span class="num">{l.price.to_string()}</span>
                        </li>
                    })
                    .collect_view()}
            </ul>
        })}
    }
}

/// The 58 mm receipt: only visible on paper.
#[component]
fn Receipt(sale: SaleView) -> impl IntoView {
    let i18n = use_i18n();
    let validity = validity_label(i18n, sale.validity_seconds);
    let separate_password = sale.password != sale.code;
    let login_page = sale
        .login_url
        .split('?')
        .next()
        .unwrap_or_default()
        .to_owned();
    view! {
        <div class="receipt" aria-hidden="true">
            <p class="receipt-title">{sale.router_name.clone()}</p>
            <p class="receipt-plan">{sale.plan_name.clone()}</p>
            <p class="receipt-label">{t!(i18n, voucher_code)}</p>
            <p class="receipt-code">{sale.code.clone()}</p>
            {separate_password.then(|| view! {
                <p>{t!(i18n, voucher_password)} ": " <b>{sale.password.clone()}</b></p>
            })}
            <div class="receipt-qr qr" inner_html=sale.qr_svg.clone()></div>
            <p>{t!(i18n, voucher_validity)} ": " {validity}</p>
            <p class="receipt-price">{sale.price.to_string()}</p>
            <p class="receipt-small">{sale.sold_at.clone()} " · " {sale.cashier_name.clone()}</p>
            <p class="receipt-small">{t!(i18n, voucher_login_at)} " " {login_page}</p>
        </div>
    }
}
