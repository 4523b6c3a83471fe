//! PPPoE subscriptions in the pages: a customer's subscriptions on their page (with the live
//! session from the router), the list of every subscription, a router's PPPoE page (isolation
//! setting, import of existing secrets), and the portal's own subscriptions.

pub mod server;

use crate::components::format::duration;
use crate::components::{
    ConfirmSubmit, FormError, SubmitButton, error_message, invalid_when, successes, use_id_param,
};
use crate::error::AppError;
use crate::i18n::*;
use domain::model::subscriptions::{PppSession, Subscription};
use domain::{SecretState, SubscriptionStatus};
use leptos::prelude::*;
use server::*;
use std::time::Duration;

/// The badge class of a subscription's status.
pub fn status_class(status: SubscriptionStatus) -> &'static str {
    match status {
        SubscriptionStatus::Active => "badge badge-healthy",
        SubscriptionStatus::Isolated => "badge badge-unhealthy",
        SubscriptionStatus::Suspended => "badge badge-degraded",
        SubscriptionStatus::Closed => "badge badge-neutral",
    }
}

/// A subscription's status in the page's language; read it inside a closure, so that it
/// follows the language switch.
pub fn status_label(i18n: leptos_i18n::I18nContext<Locale>, status: SubscriptionStatus) -> String {
    match status {
        SubscriptionStatus::Active => t_string!(i18n, sub_active).to_string(),
        SubscriptionStatus::Isolated => t_string!(i18n, sub_isolated).to_string(),
        SubscriptionStatus::Suspended => t_string!(i18n, sub_suspended).to_string(),
        SubscriptionStatus::Closed => t_string!(i18n, sub_closed).to_string(),
    }
}

/// Where the secret is, in words.
fn secret_state(i18n: leptos_i18n::I18nContext<Locale>, state: SecretState) -> String {
    match state {
        SecretState::Pending => t_string!(i18n, secret_pending).to_string(),
        SecretState::Synced => t_string!(i18n, secret_synced).to_string(),
        SecretState::Failed => t_string!(i18n, secret_failed).to_string(),
        SecretState::Drifted => t_string!(i18n, secret_drifted).to_string(),
    }
}

/// The session cell: online with its address and uptime, offline, or the router not answering.
#[component]
fn SessionCell(session: Option<PppSession>) -> impl IntoView {
    let i18n = use_i18n();
    match session {
        Some(s) if s.online => {
            let (address, uptime) = (s.address.clone(), s.uptime_seconds);
            let details = move || {
                let uptime = uptime.map(|seconds| duration(i18n, i64::try_from(seconds).unwrap_or(i64::MAX)));
                [address.clone(), uptime]
                    .into_iter()
                    .flatten()
                    .collect::<Vec<_>>()
                    .join(" · ")
            };
            view! {
                <span class="session session-online" data-online="true">
                    <span class="dot"></span>{t!(i18n, session_online)}
                    <span class="muted small">" " {details}</span>
                </span>
            }
            .into_any()
        }
        Some(s) if s.error.is_some() => view! {
            <span class="session session-unknown" data-online="unknown">{t!(i18n, session_unknown)}</span>
        }
        .into_any(),
        _ => view! {
            <span class="session session-offline" data-online="false"><span class="dot"></span>{t!(i18n, session_offline)}</span>
        }
        .into_any(),
    }
}

/// The actions of a customer's subscriptions; any success reloads them.
#[derive(Clone, Copy)]
struct SubscriptionActions {
    add: ServerAction<AddSubscription>,
    act: ServerAction<ActOnSubscription>,
    change: ServerAction<ChangeSubscriptionPlan>,
    delete: ServerAction<DeleteSubscription>,
}

/// A customer's PPPoE subscriptions, for the customer's page.
#[component]
pub fn CustomerSubscriptionsCard(customer_id: i64) -> impl IntoView {
    let i18n = use_i18n();
    let actions = SubscriptionActions {
        add: ServerAction::new(),
        act: ServerAction::new(),
        change: ServerAction::new(),
        delete: ServerAction::new(),
    };
    // Reloaded after a change, and again while a change is on its way to the router.
    let poll = RwSignal::new(0u32);
    let changes = [
        successes(actions.add),
        successes(actions.act),
        successes(actions.change),
        successes(actions.delete),
    ];
    let data = Resource::new(
        move || (changes.map(|c| c.get()), poll.get()),
        move |_| customer_subscriptions(customer_id),
    );
    let sessions = Resource::new(
        move || (changes.map(|c| c.get()), poll.get()),
        move |_| customer_sessions(customer_id),
    );
    Effect::new(move |_| {
        let waiting = data.get().and_then(Result::ok).is_some_and(|d| {
            d.subscriptions
                .iter()
                .any(|s| s.router_state == SecretState::Pending)
        });
        if waiting {
            set_timeout(
                move || poll.update(|p| *p += 1),
                Duration::from_millis(1500),
            );
        }
    });
    let error = Signal::derive(move || {
        [
            actions.act.value().get().and_then(Result::err),
            actions.change.value().get().and_then(Result::err),
            actions.delete.value().get().and_then(Result::err),
        ]
        .into_iter()
        .flatten()
        .next()
    });
    view! {
        <section class="card" id="subscriptions">
            <h2>{t!(i18n, subscriptions_title)}</h2>
            <FormError error />
            // Outside the form: the list reloads after a subscription is added, and the form
            // with it (closed again).
            {move || actions.add.value().get().and_then(Result::ok).map(|username| view! {
                <p class="outcome outcome-ok" role="status" data-outcome="subscribed">{t!(i18n, sub_created, username = username)}</p>
            })}
            <Transition fallback=move || view! { <p class="muted">{t!(i18n, loading)}</p> }>
                {move || Suspend::new(async move {
                    data.await.map(|d| {
                        let manage = d.can_manage;
                        let plans = d.plans.clone();
                        view! {
                            {d.subscriptions.is_empty().then(|| view! { <p class="muted">{t!(i18n, subscriptions_none)}</p> })}
                            <ul class="subscription-list">
                                {d.subscriptions.into_iter().map(|s| {
                                    let plans = plans.iter().filter(|p| p.router_id == s.router_id && p.id != s.plan_id).cloned().collect::<Vec<_>>();
                                    view! { <SubscriptionItem subscription=s plans sessions actions manage /> }
                                }).collect_view()}
                            </ul>
                            {manage.then(|| view! { <NewSubscriptionForm customer_id plans=d.plans action=actions.add /> })}
                        }
                    })
                })}
            </Transition>
        </section>
    }
}

#[component]
fn SubscriptionItem(
    subscription: Subscription,
    plans: Vec<PlanChoice>,
    sessions: Resource<Result<Vec<PppSession>, AppError>>,
    actions: SubscriptionActions,
    manage: bool,
) -> impl IntoView {
    let i18n = use_i18n();
    let s = subscription;
    let id = s.id;
    let (status, router_state) = (s.status, s.router_state);
    let action_button =
        move |action: &'static str, label: fn(leptos_i18n::I18nContext<Locale>) -> String| {
            view! {
                <ActionForm action=actions.act attr:class="inline-form">
                    <input type="hidden" name="subscription_id" value=id />
                    <input type="hidden" name="action" value=action />
                    <button type="submit" class="button button-secondary" data-action=action>{move || label(i18n)}</button>
                </ActionForm>
            }
        };
    view! {
        <li class="subscription" data-subscription=s.pppoe_username.clone() data-status=status.as_str()>
            <div class="subscription-head">
                <strong>{s.plan_name.clone()}</strong>
                <span class=status_class(status)>{move || status_label(i18n, status)}</span>
                <span class="muted small">{s.price.to_string()} " / " {t!(i18n, per_month)}</span>
            </div>
            <dl class="facts">
                <dt>{t!(i18n, pppoe_username)}</dt><dd><code>{s.pppoe_username.clone()}</code></dd>
                <dt>{t!(i18n, pppoe_password)}</dt><dd><code>{s.pppoe_password.clone().unwrap_or_default()}</code></dd>
                <dt>{t!(i18n, router)}</dt>
                <dd>{s.router_name.clone()} " · " <span class="secret-state" data-state=s.router_state.as_str()>{move || secret_state(i18n, router_state)}</span></dd>
                <dt>{t!(i18n, billing_day)}</dt><dd>{s.billing_day}</dd>
                <dt>{t!(i18n, session_now)}</dt>
                <dd>
                    <Transition fallback=move || view! { <span class="muted">"…"</span> }>
                        {move || Suspend::new(async move {
                            let session = sessions.await.ok().and_then(|list| list.into_iter().find(|x| x.subscription_id == id));
                            view! { <SessionCell session /> }
                        })}
                    </Transition>
                </dd>
            </dl>
            {s.router_error.clone().map(|e| view! { <p class="outcome outcome-bad small">{e}</p> })}
            {manage.then(move || view! {
                <div class="subscription-actions">
                    {(status == SubscriptionStatus::Active).then(|| action_button("isolate", |i18n| t_string!(i18n, sub_isolate).to_string()))}
                    {matches!(status, SubscriptionStatus::Isolated | SubscriptionStatus::Suspended).then(|| action_button("resume", |i18n| t_string!(i18n, sub_resume).to_string()))}
                    {matches!(status, SubscriptionStatus::Active | SubscriptionStatus::Isolated).then(|| action_button("suspend", |i18n| t_string!(i18n, sub_suspend).to_string()))}
                    {(status != SubscriptionStatus::Closed).then(|| view! {
                        <ActionForm action=actions.act attr:class="inline-form">
                            <input type="hidden" name="subscription_id" value=id />
                            <input type="hidden" name="action" value="close" />
                            <ConfirmSubmit
                                label=Signal::derive(move || t_string!(i18n, sub_close).to_string())
                                question=Signal::derive(move || t_string!(i18n, sub_close_question).to_string()) />
                        </ActionForm>
                    })}
                    {(status == SubscriptionStatus::Closed).then(|| view! {
                        <ActionForm action=actions.delete attr:class="inline-form">
                            <input type="hidden" name="subscription_id" value=id />
                            <ConfirmSubmit
                                label=Signal::derive(move || t_string!(i18n, delete).to_string())
                                question=Signal::derive(move || t_string!(i18n, sub_delete_question).to_string()) />
                        </ActionForm>
                    })}
                </div>
                {(!plans.is_empty() && status != SubscriptionStatus::Closed).then(|| view! {
                    <details class="change-plan">
                        <summary>{t!(i18n, sub_change_plan)}</summary>
                        <ActionForm action=actions.change attr:class="inline-form">
                            <input type="hidden" name="subscription_id" value=id />
                            <select name="plan_id">
                                {plans.into_iter().map(|p| view! { <option value=p.id>{p.name} " · " {p.price.to_string()}</option> }).collect_view()}
                            </select>
                            <SubmitButton pending=actions.change.pending() label=Signal::derive(move || t_string!(i18n, sub_change_plan_save).to_string()) />
                        </ActionForm>
                    </details>
                })}
            })}
        </li>
    }
}

#[component]
fn NewSubscriptionForm(
    customer_id: i64,
    plans: Vec<PlanChoice>,
    action: ServerAction<AddSubscription>,
) -> impl IntoView {
    let i18n = use_i18n();
    let error = Signal::derive(move || action.value().get().and_then(Result::err));
    let no_plans = plans.is_empty();
    view! {
        <details class="new-subscription" open=no_plans>
            <summary>{t!(i18n, sub_new)}</summary>
            {no_plans.then(|| view! {
                <p class="muted small">{t!(i18n, sub_no_plans)} " " <a href="/admin/plans">{t!(i18n, nav_plans)}</a></p>
            })}
            <ActionForm action attr:class="form-grid">
                <input type="hidden" name="customer_id" value=customer_id />
                <label class="wide">
                    <span>{t!(i18n, sub_plan)}</span>
                    <select name="plan_id" required aria-invalid=invalid_when(error, "plan_id")>
                        {plans.into_iter().map(|p| view! {
                            <option value=p.id>{p.name} " · " {p.router_name} " · " {p.price.to_string()}</option>
                        }).collect_view()}
                    </select>
                </label>
                <label>
                    <span>{t!(i18n, pppoe_username)}</span>
                    <input type="text" name="pppoe_username" maxlength="64" autocomplete="off" autocapitalize="none"
                        placeholder=move || t_string!(i18n, generated).to_string() aria-invalid=invalid_when(error, "pppoe_username") />
                </label>
                <label>
                    <span>{t!(i18n, pppoe_password)}</span>
                    <input type="text" name="pppoe_password" maxlength="64" autocomplete="off" autocapitalize="none"
                        placeholder=move || t_string!(i18n, generated).to_string() aria-invalid=invalid_when(error, "pppoe_password") />
                </label>
                <label>
                    <span>{t!(i18n, billing_day)}</span>
                    <input type="number" name="billing_day" min="1" max="28" inputmode="numeric"
                        placeholder=move || t_string!(i18n, billing_day_default).to_string() aria-invalid=invalid_when(error, "billing_day") />
                </label>
                <FormError error />
                <div class="form-actions">
                    <SubmitButton pending=action.pending() label=Signal::derive(move || t_string!(i18n, sub_add).to_string()) />
                </div>
            </ActionForm>
        </details>
    }
}

/// `/admin/subscriptions`: every subscription, by status.
#[component]
pub fn SubscriptionsPage() -> impl IntoView {
    let i18n = use_i18n();
    let status = RwSignal::new(String::new());
    let list = Resource::new(
        move || status.get(),
        |status| all_subscriptions(status, None),
    );
    view! {
        <h1>{t!(i18n, nav_subscriptions)}</h1>
        <div class="filters">
            <label>
                <span>{t!(i18n, status)}</span>
                <select name="status" on:change=move |ev| status.set(event_target_value(&ev))>
                    <option value="">{t!(i18n, filter_all)}</option>
                    {[SubscriptionStatus::Active, SubscriptionStatus::Isolated, SubscriptionStatus::Suspended, SubscriptionStatus::Closed]
                        .into_iter()
                        .map(|s| view! { <option value=s.as_str()>{move || status_label(i18n, s)}</option> })
                        .collect_view()}
                </select>
            </label>
        </div>
        <Transition fallback=move || view! { <p class="muted">{t!(i18n, loading)}</p> }>
            {move || Suspend::new(async move {
                list.await.map(|page| {
                    if page.subscriptions.is_empty() {
                        return view! { <section class="card"><p class="muted">{t!(i18n, subscriptions_none)}</p></section> }.into_any();
                    }
                    view! {
                        <section class="card">
                            <table class="table table-stack subscriptions-table">
                                <thead><tr>
                                    <th>{t!(i18n, customer)}</th>
                                    <th>{t!(i18n, pppoe_username)}</th>
                                    <th>{t!(i18n, sub_plan)}</th>
                                    <th>{t!(i18n, router)}</th>
                                    <th>{t!(i18n, status)}</th>
                                </tr></thead>
                                <tbody>
                                    {page.subscriptions.into_iter().map(|s| {
                                        let (status, router_state) = (s.status, s.router_state);
                                        let marker = s.pppoe_username.clone();
                                        view! {
                                            <tr data-subscription=marker>
                                                <td><a href=format!("/admin/customers/{}", s.customer_id)>{s.customer_name}</a></td>
                                                <td><code>{s.pppoe_username}</code></td>
                                                <td>{s.plan_name} <span class="muted small">" · " {s.price.to_string()}</span></td>
                                                <td>{s.router_name} <span class="muted small">" · " {move || secret_state(i18n, router_state)}</span></td>
                                                <td><span class=status_class(status)>{move || status_label(i18n, status)}</span></td>
                                            </tr>
                                        }
                                    }).collect_view()}
                                </tbody>
                            </table>
                        </section>
                    }.into_any()
                })
            })}
        </Transition>
    }
}

/// `/admin/routers/{id}/pppoe`: the router's isolation setting and the import of its secrets.
#[component]
pub fn RouterPppoePage() -> impl IntoView {
    let i18n = use_i18n();
    let id = use_id_param();
    let save = ServerAction::<SaveIsolation>::new();
    let import = ServerAction::<RunImport>::new();
    let saved = successes(save);
    let imported = successes(import);
    let router = Resource::new(
        move || (id.get(), saved.get(), imported.get()),
        |(id, _, _)| router_pppoe(id),
    );
    let asked = RwSignal::new(false);
    let preview = Resource::new(
        move || (id.get(), asked.get(), imported.get()),
        |(id, asked, _)| async move {
            if asked {
                Some(preview_import(id).await)
            } else {
                None
            }
        },
    );
    let save_error = Signal::derive(move || save.value().get().and_then(Result::err));
    view! {
        <p class="breadcrumb"><a href="/admin/routers">"← " {t!(i18n, nav_routers)}</a></p>
        <Transition fallback=move || view! { <p class="muted">{t!(i18n, loading)}</p> }>
            {move || Suspend::new(async move {
                router.await.map(|r| view! {
                    <h1>{t!(i18n, pppoe_title, router = r.router_name.clone())}</h1>
                    <section class="card" id="isolation">
                        <h2>{t!(i18n, isolation_title)}</h2>
                        <p class="muted small">{t!(i18n, isolation_hint)}</p>
                        <ActionForm action=save attr:class="inline-form">
                            <input type="hidden" name="router_id" value=r.router_id />
                            <label>
                                <span>{t!(i18n, isolation_profile)}</span>
                                <input type="text" name="isolation_profile" maxlength="100" autocomplete="off"
                                    value=r.isolation_profile.clone().unwrap_or_default()
                                    placeholder=move || t_string!(i18n, isolation_disable).to_string()
                                    aria-invalid=invalid_when(save_error, "isolation_profile") />
                            </label>
                            <SubmitButton pending=save.pending() label=Signal::derive(move || t_string!(i18n, save).to_string()) />
                        </ActionForm>
                        <FormError error=save_error />
                        {move || save.value().get().and_then(Result::ok).map(|()| view! {
                            <p class="outcome outcome-ok" role="status">{t!(i18n, saved)}</p>
                        })}
                    </section>
                    <p class="muted">{t!(i18n, pppoe_subscriptions_count, count = r.subscriptions)}</p>
                })
            })}
        </Transition>
        <section class="card" id="import">
            <h2>{t!(i18n, import_title)}</h2>
            <p class="muted small">{t!(i18n, import_hint)}</p>
            <p>
                <button type="button" class="button button-secondary" data-action="preview" on:click=move |_| { asked.set(true); preview.refetch(); }>
                    {t!(i18n, import_preview)}
                </button>
            </p>
            {move || import.value().get().map(|outcome| match outcome {
                Ok(o) => view! {
                    <div class="outcome outcome-ok" role="status">
                        <p>{t!(i18n, import_done, subscriptions = o.subscriptions_created, customers = o.customers_created, plans = o.plans_created)}</p>
                        {(!o.skipped.is_empty()).then(|| view! {
                            <ul class="small">{o.skipped.into_iter().map(|s| view! { <li><code>{s.pppoe_username}</code> ": " {s.reason}</li> }).collect_view()}</ul>
                        })}
                    </div>
                }.into_any(),
                Err(e) => view! { <p class="outcome outcome-bad" role="alert">{error_message(i18n, &e)}</p> }.into_any(),
            })}
            <Transition fallback=move || view! { <p class="muted">{t!(i18n, loading)}</p> }>
                {move || Suspend::new(async move {
                    match preview.await {
                        None => ().into_any(),
                        Some(Err(e)) => view! { <p class="outcome outcome-bad" role="alert">{error_message(i18n, &e)}</p> }.into_any(),
                        Some(Ok(p)) => view! {
                            <p class="muted small">{t!(i18n, import_already, count = p.already_imported)}</p>
                            {if p.candidates.is_empty() {
                                view! { <p class="muted">{t!(i18n, import_nothing)}</p> }.into_any()
                            } else {
                                let router_id = p.router_id;
                                view! {
                                    <ActionForm action=import>
                                        <input type="hidden" name="router_id" value=router_id />
                                        <table class="table table-stack import-table">
                                            <thead><tr>
                                                <th>{t!(i18n, pppoe_username)}</th>
                                                <th>{t!(i18n, customer)}</th>
                                                <th>{t!(i18n, whatsapp)}</th>
                                                <th>{t!(i18n, sub_plan)}</th>
                                            </tr></thead>
                                            <tbody>
                                                {p.candidates.into_iter().enumerate().map(|(i, c)| {
                                                    let new_plan = c.plan_id.is_none();
                                                    let marker = c.pppoe_username.clone();
                                                    view! {
                                                        <tr data-secret=marker>
                                                            <td><code>{c.pppoe_username.clone()}</code>
                                                                {c.disabled.then(|| view! { " " <span class="badge badge-neutral">{t!(i18n, disabled)}</span> })}</td>
                                                            <td>{c.customer_name}
                                                                {c.customer_id.map(|_| view! { " " <span class="muted small">{t!(i18n, import_existing_customer)}</span> })}</td>
                                                            <td>
                                                                <input type="hidden" name=format!("numbers[{i}][username]") value=c.pppoe_username />
                                                                <input type="tel" name=format!("numbers[{i}][whatsapp]") inputmode="tel" autocomplete="off"
                                                                    value=c.whatsapp.clone().unwrap_or_default() placeholder="08…" />
                                                            </td>
                                                            <td>{c.plan_name}
                                                                {new_plan.then(|| view! { " " <span class="badge badge-degraded">{t!(i18n, import_new_plan)}</span> })}</td>
                                                        </tr>
                                                    }
                                                }).collect_view()}
                                            </tbody>
                                        </table>
                                        <div class="form-actions">
                                            <SubmitButton pending=import.pending() label=Signal::derive(move || t_string!(i18n, import_run).to_string()) />
                                        </div>
                                    </ActionForm>
                                }.into_any()
                            }}
                        }.into_any(),
                    }
                })}
            </Transition>
        </section>
    }
}

/// The portal's "my internet" card: each subscription, its state and whether it is online.
#[component]
pub fn MySubscriptions() -> impl IntoView {
    let i18n = use_i18n();
    let mine = Resource::new(|| (), |_| my_subscriptions());
    view! {
        <Suspense fallback=|| ()>
            {move || Suspend::new(async move {
                mine.await.ok().filter(|list| !list.is_empty()).map(|list| view! {
                    <section class="card my-subscriptions">
                        <h2>{t!(i18n, my_internet)}</h2>
                        <ul class="subscription-list">
                            {list.into_iter().map(|(s, session)| {
                                let status = s.status;
                                let isolated = s.status == SubscriptionStatus::Isolated;
                                let marker = s.pppoe_username.clone();
                                view! {
                                    <li class="subscription" data-subscription=marker data-status=s.status.as_str()>
                                        <div class="subscription-head">
                                            <strong>{s.plan_name}</strong>
                                            <span class=status_class(status)>{move || status_label(i18n, status)}</span>
                                        </div>
                                        {isolated.then(|| view! { <p class="notice notice-bad">{t!(i18n, my_internet_isolated)}</p> })}
                                        <dl class="facts">
                                            <dt>{t!(i18n, pppoe_username)}</dt><dd><code>{s.pppoe_username}</code></dd>
                                            {s.pppoe_password.clone().map(|password| view! {
                                                <dt>{t!(i18n, pppoe_password)}</dt><dd><code data-pppoe-password>{password}</code></dd>
                                            })}
                                            <dt>{t!(i18n, price_per_month)}</dt><dd>{s.price.to_string()}</dd>
                                            <dt>{t!(i18n, billing_day)}</dt><dd>{s.billing_day}</dd>
                                            <dt>{t!(i18n, session_now)}</dt><dd><SessionCell session=Some(session) /></dd>
                                        </dl>
                                    </li>
                                }
                            }).collect_view()}
                        </ul>
                    </section>
                })
            })}
        </Suspense>
    }
}
