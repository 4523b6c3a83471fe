//! One customer's page: details (editable by an admin), the balance and its history, the
//! invoices with a payment form on each unpaid one, the payments, a new manual invoice, and a
//! balance change by hand.

use super::server::*;
use super::{
    BalanceAmount, CustomerFields, CustomerValues, customer_status_class, customer_status_label,
};
use crate::components::labels::{invoice_status_label, payment_method_label};
use crate::components::{
    ConfirmSubmit, FormError, SubmitButton, invalid_when, successes, use_id_param,
};
use crate::i18n::*;
use domain::Rupiah;
use domain::model::customers::{CustomerStatus, LedgerKind};
use domain::model::invoices::{InvoiceStatus, LineKind, PaymentStatus};
use leptos::prelude::*;

/// The badge class of an invoice's status.
pub fn invoice_badge_class(status: InvoiceStatus) -> &'static str {
    match status {
        InvoiceStatus::Paid => "badge badge-healthy",
        InvoiceStatus::Partial => "badge badge-degraded",
        InvoiceStatus::Unpaid => "badge badge-unhealthy",
        InvoiceStatus::Void => "badge badge-neutral",
    }
}

/// The badge class and label of an invoice's status.
pub fn invoice_status_badge(
    i18n: leptos_i18n::I18nContext<Locale>,
    status: InvoiceStatus,
) -> (&'static str, String) {
    (
        invoice_badge_class(status),
        invoice_status_label(i18n, status),
    )
}

/// A change of the balance in plain words.
pub fn ledger_words(
    i18n: leptos_i18n::I18nContext<Locale>,
    kind: LedgerKind,
    invoice: String,
    note: String,
    for_customer: bool,
) -> String {
    match kind {
        LedgerKind::Shortfall => t_string!(i18n, ledger_shortfall, invoice = invoice).to_string(),
        LedgerKind::Excess => t_string!(i18n, ledger_excess, invoice = invoice).to_string(),
        LedgerKind::CreditApplied => {
            t_string!(i18n, ledger_credit_applied, invoice = invoice).to_string()
        }
        LedgerKind::DebtBilled => {
            t_string!(i18n, ledger_debt_billed, invoice = invoice).to_string()
        }
        LedgerKind::VoidReturned => {
            t_string!(i18n, ledger_void_returned, invoice = invoice).to_string()
        }
        LedgerKind::Adjustment => t_string!(i18n, ledger_adjustment, note = note).to_string(),
        LedgerKind::Reversal => t_string!(i18n, ledger_reversal, invoice = invoice).to_string(),
        LedgerKind::Refund if for_customer => t_string!(i18n, ledger_refund).to_string(),
        LedgerKind::Refund => t_string!(i18n, ledger_refund_staff, note = note).to_string(),
        LedgerKind::PlanCredit => t_string!(i18n, ledger_plan_credit, note = note).to_string(),
        LedgerKind::Payment => t_string!(i18n, ledger_payment, note = note).to_string(),
    }
}

/// The actions of the page, shared by its sections; any success reloads the customer.
#[derive(Clone, Copy)]
struct Actions {
    save: ServerAction<SaveCustomer>,
    invoice: ServerAction<NewInvoice>,
    pay: ServerAction<TakePayment>,
    debt: ServerAction<PayDebt>,
    void: ServerAction<VoidInvoice>,
    reverse: ServerAction<ReversePayment>,
    balance: ServerAction<ChangeBalance>,
    password: ServerAction<SetPortalPassword>,
}

impl Actions {
    fn new() -> Actions {
        Actions {
            save: ServerAction::new(),
            invoice: ServerAction::new(),
            pay: ServerAction::new(),
            debt: ServerAction::new(),
            void: ServerAction::new(),
            reverse: ServerAction::new(),
            balance: ServerAction::new(),
            password: ServerAction::new(),
        }
    }
}

#[component]
pub fn CustomerPage() -> impl IntoView {
    let i18n = use_i18n();
    let id = use_id_param();
    let actions = Actions::new();
    let changes = [
        successes(actions.save),
        successes(actions.invoice),
        successes(actions.pay),
        successes(actions.debt),
        successes(actions.void),
        successes(actions.reverse),
        successes(actions.balance),
        successes(actions.password),
    ];
    let file = Resource::new(
        move || (id.get(), changes.map(|c| c.get())),
        |(id, _)| customer_file(id),
    );
    view! {
        <p class="breadcrumb"><a href=super::customers_base()>"← " {t!(i18n, nav_customers)}</a></p>
        <Transition fallback=move || view! { <p class="muted">{t!(i18n, loading)}</p> }>
            {move || Suspend::new(async move {
                file.await.map(|file| view! { <CustomerOverviewView file actions /> })
            })}
        </Transition>
    }
}

#[component]
fn CustomerOverviewView(file: CustomerOverview, actions: Actions) -> impl IntoView {
    let i18n = use_i18n();
    let c = file.customer.clone();
    let (status, balance) = (c.status, c.balance);
    let manage = file.can_manage;
    let owed = file.owed;
    // Never "nothing to pay" while an invoice is unpaid or debt is owed.
    let nothing_to_pay = !file.invoices.is_empty() && owed == Rupiah::ZERO;
    let debt = if c.balance.is_negative() {
        -c.balance
    } else {
        Rupiah::ZERO
    };
    view! {
        <div class="page-head">
            <h1 data-customer=c.id>{c.name.clone()}</h1>
            <span class=customer_status_class(status)>{move || customer_status_label(i18n, status)}</span>
        </div>
        <div class="customer-layout">
            <section class="card balance-card" class:debt=c.balance.is_negative()>
                <span class="stat-label">{t!(i18n, balance)}</span>
                <span class="balance" data-balance=c.balance.amount()>{c.balance.to_string()}</span>
                <p class="muted small">
                    {move || if balance.is_negative() {
                        t_string!(i18n, customer_balance_debt).to_string()
                    } else if balance > Rupiah::ZERO {
                        t_string!(i18n, customer_balance_credit).to_string()
                    } else if owed == Rupiah::ZERO {
                        t_string!(i18n, customer_balance_zero).to_string()
                    } else {
                        String::new()
                    }}
                </p>
                {(owed > Rupiah::ZERO).then(move || view! {
                    <p class="owed" data-owed=owed.amount()>{t!(i18n, balance_owed_in_all, amount = owed.to_string())}</p>
                })}
                {(debt > Rupiah::ZERO).then(move || view! { <DebtForm customer_id=c.id debt action=actions.debt /> })}
            </section>
            <DetailsCard file=file.clone() actions />
        </div>
        <crate::pages::subscriptions::CustomerSubscriptionsCard customer_id=c.id />
        <section class="card" id="invoices">
            <h2>{t!(i18n, customer_invoices)}</h2>
            <PaymentResult pay=actions.pay />
            {if file.invoices.is_empty() {
                view! { <p class="muted">{t!(i18n, no_invoices)}</p> }.into_any()
            } else {
                view! {
                    <ul class="invoice-list admin-invoices">
                        {file.invoices.iter().cloned().map(|invoice| view! { <InvoiceCard invoice actions manage /> }).collect_view()}
                    </ul>
                }.into_any()
            }}
            {nothing_to_pay.then(move || view! {
                <p class="muted small" data-nothing-to-pay>{t!(i18n, customer_nothing_to_pay)}</p>
            })}
        </section>
        {manage.then(move || view! { <NewInvoiceForm customer_id=c.id closed={c.status == CustomerStatus::Closed} action=actions.invoice /> })}
        <section class="card" id="payments">
            <h2>{t!(i18n, customer_payments)}</h2>
            {if file.payments.is_empty() {
                view! { <p class="muted">{t!(i18n, customer_no_payments)}</p> }.into_any()
            } else {
                view! {
                    <ul class="payment-list">
                        {file.payments.iter().cloned().map(|payment| view! { <PaymentItem payment reverse=actions.reverse manage /> }).collect_view()}
                    </ul>
                }.into_any()
            }}
        </section>
        <section class="card" id="ledger">
            <h2>{t!(i18n, balance_history)}</h2>
            {if file.ledger.is_empty() {
                view! { <p class="muted">{t!(i18n, balance_history_empty)}</p> }.into_any()
            } else {
                view! {
                    <ul class="ledger-list">
                        {file.ledger.iter().cloned().map(|row| {
                            let (kind, invoice, note) = (row.kind, row.invoice_number.unwrap_or_default(), row.note.unwrap_or_default());
                            let words = move || ledger_words(i18n, kind, invoice.clone(), note.clone(), false);
                            view! {
                                <li class="ledger-item">
                                    <div>
                                        <span>{words}</span>
                                        <span class="muted small">{row.at} " · " {t!(i18n, customer_balance_after)} " " {row.balance_after.to_string()}</span>
                                    </div>
                                    <BalanceAmount amount=row.amount />
                                </li>
                            }
                        }).collect_view()}
                    </ul>
                }.into_any()
            }}
            {manage.then(move || view! { <BalanceForm customer_id=c.id action=actions.balance /> })}
        </section>
    }
}

/// The customer's details; an admin edits them in place.
#[component]
fn DetailsCard(file: CustomerOverview, actions: Actions) -> impl IntoView {
    let i18n = use_i18n();
    let c = file.customer;
    let editing = RwSignal::new(false);
    let save = actions.save;
    let error = Signal::derive(move || save.value().get().and_then(Result::err));
    let values = CustomerValues {
        name: c.name.clone(),
        whatsapp: readable_whatsapp(&c.whatsapp),
        email: c.email.clone().unwrap_or_default(),
        address: c.address.clone().unwrap_or_default(),
        notes: c.notes.clone().unwrap_or_default(),
    };
    let status = c.status;
    let (self_registered, can_manage) = (c.self_registered, file.can_manage);
    let values = StoredValue::new(values);
    view! {
        <section class="card customer-details">
            <dl class="details">
                <dt>{t!(i18n, whatsapp_label)}</dt>
                <dd class="mono">{readable_whatsapp(&c.whatsapp)}</dd>
                <dt>{t!(i18n, email_label)}</dt>
                <dd>{c.email.clone().unwrap_or_else(|| "—".to_owned())}</dd>
                <dt>{t!(i18n, customer_address)}</dt>
                <dd>{c.address.clone().unwrap_or_else(|| "—".to_owned())}</dd>
                {c.notes.clone().map(|n| view! { <dt>{t!(i18n, customer_notes)}</dt> <dd class="notes">{n}</dd> })}
                <dt>{t!(i18n, customer_source)}</dt>
                <dd>{move || if self_registered {
                    t_string!(i18n, customer_self_registered).to_string()
                } else if can_manage {
                    t_string!(i18n, customer_added_by_staff).to_string()
                } else {
                    t_string!(i18n, customer_no_login).to_string()
                }}</dd>
            </dl>
            {file.can_manage.then(move || view! {
                <button type="button" class="button button-secondary" aria-expanded=move || editing.get().to_string()
                    on:click=move |_| editing.update(|e| *e = !*e)>
                    {t!(i18n, edit)}
                </button>
                <Show when=move || editing.get()>
                    <ActionForm action=save attr:class="form-grid customer-form">
                        <input type="hidden" name="customer_id" value=c.id />
                        <CustomerFields error values=values.get_value() />
                        <label>
                            <span>{t!(i18n, status)}</span>
                            <select name="status">
                                {[CustomerStatus::Active, CustomerStatus::Suspended, CustomerStatus::Closed].into_iter().map(|s| {
                                    view! { <option value=s.as_str() selected={s == status}>{move || customer_status_label(i18n, s)}</option> }
                                }).collect_view()}
                            </select>
                        </label>
                        <FormError error />
                        <div class="form-actions">
                            <SubmitButton pending=save.pending() label=Signal::derive(move || t_string!(i18n, save_changes).to_string()) />
                        </div>
                    </ActionForm>
                </Show>
                <PortalPasswordForm customer_id=c.id has_login=c.self_registered action=actions.password />
            })}
        </section>
    }
}

/// Gives the customer a portal login (their WhatsApp number or email, and this password).
#[component]
fn PortalPasswordForm(
    customer_id: i64,
    has_login: bool,
    action: ServerAction<SetPortalPassword>,
) -> impl IntoView {
    let i18n = use_i18n();
    let error = Signal::derive(move || action.value().get().and_then(Result::err));
    view! {
        <details class="balance-change portal-login">
            <summary>{if has_login { t!(i18n, portal_password_reset).into_any() } else { t!(i18n, portal_password_set).into_any() }}</summary>
            <p class="muted small">{t!(i18n, portal_password_hint)}</p>
            <ActionForm action attr:class="form-grid">
                <input type="hidden" name="customer_id" value=customer_id />
                <label>
                    <span>{t!(i18n, password_label)}</span>
                    <input type="text" name="password" required minlength="8" maxlength="128" autocomplete="new-password" aria-invalid=invalid_when(error, "password") />
                </label>
                <FormError error />
                {move || action.value().get().and_then(Result::ok).map(|_| view! {
                    <p class="outcome outcome-ok" role="status">{t!(i18n, portal_password_saved)}</p>
                })}
                <div class="form-actions">
                    <SubmitButton pending=action.pending() label=Signal::derive(move || t_string!(i18n, portal_password_save).to_string()) />
                </div>
            </ActionForm>
        </details>
    }
}

/// What the last payment did, with its receipt to print.
#[component]
fn PaymentResult(pay: ServerAction<TakePayment>) -> impl IntoView {
    let i18n = use_i18n();
    move || {
        pay.value().get().map(|result| match result {
            Ok(payment_id) => view! {
                <p class="outcome outcome-ok payment-done" role="status">
                    {t!(i18n, payment_recorded)} " "
                    <a href=format!("/print/receipts/{payment_id}") target="_blank" data-receipt=payment_id>{t!(i18n, payment_print_receipt)}</a>
                </p>
            }.into_any(),
            Err(error) => view! { <FormError error=Signal::derive(move || Some(error.clone())) /> }.into_any(),
        })
    }
}

/// One invoice with its lines, the links to print it, and (unpaid) the payment form; an admin
/// can cancel it while it has no payment.
#[component]
fn InvoiceCard(invoice: InvoiceRow, actions: Actions, manage: bool) -> impl IntoView {
    let i18n = use_i18n();
    let status = invoice.status;
    let payable = invoice.status == InvoiceStatus::Unpaid;
    let voidable = manage && payable && invoice.amount_paid == Rupiah::ZERO;
    let id = invoice.id;
    let void = actions.void;
    view! {
        <li class="invoice-item" data-invoice=invoice.number.clone()>
            <div class="invoice-head">
                <span class="mono">{invoice.number.clone()}</span>
                <span class=invoice_badge_class(status)>{move || invoice_status_label(i18n, status)}</span>
            </div>
            <p class="small muted">
                {t!(i18n, invoice_issued_on, date = invoice.issued.clone())} " · "
                <span class:overdue=invoice.overdue>{t!(i18n, invoice_due, date = invoice.due.clone())}</span>
            </p>
            <InvoiceLines lines=invoice.lines.clone() />
            <div class="invoice-total">
                <span>{t!(i18n, invoice_total)}</span>
                <strong class="numeric">{invoice.total.to_string()}</strong>
            </div>
            {(invoice.amount_paid > Rupiah::ZERO).then(move || view! {
                <div class="invoice-paid small">
                    <span>{t!(i18n, invoice_amount_paid)}</span>
                    <span class="numeric">{invoice.amount_paid.to_string()}</span>
                </div>
            })}
            {invoice.void_reason.clone().map(|r| view! { <p class="small muted">{t!(i18n, invoice_void_reason, reason = r)}</p> })}
            <p class="row-actions">
                <a class="button button-link" href=format!("/print/invoices/{id}") target="_blank">{t!(i18n, invoice_print_a4)}</a>
                <a class="button button-link" href=format!("/print/invoices/{id}?layout=58mm") target="_blank">{t!(i18n, invoice_print_58)}</a>
            </p>
            {payable.then(move || view! { <PaymentForm invoice_id=id outstanding=invoice.outstanding pay=actions.pay /> })}
            {voidable.then(move || view! {
                <details class="undo">
                <summary>{t!(i18n, invoice_void_action)}</summary>
                <ActionForm action=void attr:class="void-form">
                    <p class="muted small" data-void-hint>{t!(i18n, invoice_void_hint)}</p>
                    <input type="hidden" name="invoice_id" value=id />
                    <label>
                        <span>{t!(i18n, invoice_void_why)}</span>
                        <input type="text" name="reason" required maxlength="500" autocomplete="off" />
                    </label>
                    <ConfirmSubmit
                        label=Signal::derive(move || t_string!(i18n, invoice_void_action).to_string())
                        question=Signal::derive(move || t_string!(i18n, invoice_void_question).to_string())
                    />
                    <FormError error=Signal::derive(move || void.value().get().and_then(Result::err)) />
                </ActionForm>
                </details>
            })}
        </li>
    }
}

/// An invoice's lines; a tax the prices include is shown apart, not added.
#[component]
pub fn InvoiceLines(lines: Vec<(LineKind, String, Rupiah)>) -> impl IntoView {
    view! {
        <ul class="invoice-lines">
            {lines.into_iter().map(|(kind, description, amount)| view! {
                <li class:line-info={!kind.counts()} data-line=kind.as_str()>
                    <span>{description}</span>
                    <span class="numeric">{amount.to_string()}</span>
                </li>
            }).collect_view()}
        </ul>
    }
}

/// A new random request key for a payment form: the same form sent twice is one payment.
fn request_key() -> String {
    uuid::Uuid::new_v4().to_string()
}

/// How a counter payment is made: cash or transfer, the transfer's reference, a note.
#[component]
fn PaymentFields() -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <label>
            <span>{t!(i18n, payment_method)}</span>
            <select name="method">
                <option value="cash" selected>{t!(i18n, payment_cash)}</option>
                <option value="transfer">{t!(i18n, payment_transfer)}</option>
            </select>
        </label>
        <label>
            <span>{t!(i18n, payment_reference)} " " <span class="muted">{t!(i18n, payment_reference_hint)}</span></span>
            <input type="text" name="reference" maxlength="100" autocomplete="off" />
        </label>
        <label class="wide">
            <span>{t!(i18n, payment_note)} " " <span class="muted">{t!(i18n, optional)}</span></span>
            <input type="text" name="note" maxlength="500" autocomplete="off" />
        </label>
    }
}

/// A payment toward the balance: the debt, paid now; the amount starts at the debt.
#[component]
fn DebtForm(customer_id: i64, debt: Rupiah, action: ServerAction<PayDebt>) -> impl IntoView {
    let i18n = use_i18n();
    let key = request_key();
    let error = Signal::derive(move || action.value().get().and_then(Result::err));
    view! {
        <details class="debt-payment" open=true>
            <summary>{t!(i18n, balance_pay_debt)}</summary>
            <p class="muted small">{t!(i18n, balance_pay_debt_hint)}</p>
            {move || action.value().get().and_then(Result::ok).map(|id| view! {
                <p class="outcome outcome-ok" role="status">
                    <a href=format!("/print/receipts/{id}") target="_blank">{t!(i18n, payment_print_receipt)}</a>
                </p>
            })}
            <FormError error />
            <ActionForm action attr:class="payment-form debt-form">
                <input type="hidden" name="customer_id" value=customer_id />
                <input type="hidden" name="request_key" value=key />
                <label>
                    <span>{t!(i18n, payment_amount)}</span>
                    <input type="text" name="amount" inputmode="numeric" required value=debt.amount().to_string()
                        autocomplete="off" />
                </label>
                <PaymentFields />
                <div class="form-actions">
                    <SubmitButton pending=action.pending() label=Signal::derive(move || t_string!(i18n, balance_pay_debt).to_string()) />
                </div>
            </ActionForm>
        </details>
    }
}

/// Takes a cash or transfer payment for an unpaid invoice; the amount starts at what is due.
#[component]
fn PaymentForm(
    invoice_id: i64,
    outstanding: Rupiah,
    pay: ServerAction<TakePayment>,
) -> impl IntoView {
    let i18n = use_i18n();
    let key = request_key();
    view! {
        <ActionForm action=pay attr:class="payment-form">
            <input type="hidden" name="invoice_id" value=invoice_id />
            <input type="hidden" name="request_key" value=key />
            <label>
                <span>{t!(i18n, payment_amount)}</span>
                <input type="text" name="amount" inputmode="numeric" required value=outstanding.amount().to_string()
                    autocomplete="off" />
            </label>
            <PaymentFields />
            <div class="form-actions">
                <SubmitButton pending=pay.pending() label=Signal::derive(move || t_string!(i18n, payment_take).to_string()) />
            </div>
        </ActionForm>
    }
}

#[component]
fn PaymentItem(
    payment: PaymentRow,
    reverse: ServerAction<ReversePayment>,
    manage: bool,
) -> impl IntoView {
    let i18n = use_i18n();
    let kind = payment.method;
    let method = move || payment_method_label(i18n, kind);
    let reversed = payment.status == PaymentStatus::Reversed;
    let id = payment.id;
    view! {
        <li class="payment-item" class:reversed=reversed data-payment=id>
            <div class="payment-head">
                <span>
                    <strong class="numeric">{payment.amount.to_string()}</strong> " · " {method} " · "
                    {match payment.invoice_number.clone() {
                        Some(number) => view! { <span class="mono">{number}</span> }.into_any(),
                        None => view! { <span data-toward-balance>{t!(i18n, doc_toward_balance)}</span> }.into_any(),
                    }}
                </span>
                {reversed.then(move || view! { <span class="badge badge-neutral">{t!(i18n, payment_reversed)}</span> })}
            </div>
            <p class="small muted">
                {payment.at.clone()}
                {payment.reference.clone().map(|r| view! { " · " <span class="mono" data-reference>{r}</span> })}
                {payment.note.clone().map(|n| view! { " · " {n} })}
                {payment.reversal_reason.clone().map(|r| view! { " · " {t!(i18n, payment_reversed_why, reason = r)} })}
            </p>
            <p class="row-actions">
                <a class="button button-link" href=format!("/print/receipts/{id}") target="_blank">{t!(i18n, payment_print_receipt)}</a>
            </p>
            {(manage && !reversed).then(move || view! {
                <details class="undo">
                <summary>{t!(i18n, payment_reverse)}</summary>
                <ActionForm action=reverse attr:class="void-form">
                    <input type="hidden" name="payment_id" value=id />
                    <label>
                        <span>{t!(i18n, payment_reverse_why)}</span>
                        <input type="text" name="reason" required maxlength="500" autocomplete="off" />
                    </label>
                    <ConfirmSubmit
                        label=Signal::derive(move || t_string!(i18n, payment_reverse).to_string())
                        question=Signal::derive(move || t_string!(i18n, payment_reverse_question).to_string())
                    />
                    <FormError error=Signal::derive(move || reverse.value().get().and_then(Result::err)) />
                </ActionForm>
                </details>
            })}
        </li>
    }
}

/// A manual invoice with free lines (up to 10 here); the balance is applied when it is issued.
#[component]
fn NewInvoiceForm(
    customer_id: i64,
    closed: bool,
    action: ServerAction<NewInvoice>,
) -> impl IntoView {
    let i18n = use_i18n();
    let rows = RwSignal::new(1usize);
    let error = Signal::derive(move || action.value().get().and_then(Result::err));
    view! {
        <section class="card" id="new-invoice">
            <h2>{t!(i18n, invoice_new)}</h2>
            {closed.then(move || view! { <p class="muted small">{t!(i18n, err_customer_closed)}</p> })}
            <ActionForm action attr:class="invoice-form">
                <input type="hidden" name="customer_id" value=customer_id />
                <div class="invoice-form-lines">
                    {move || (0..rows.get()).map(|i| view! {
                        <div class="invoice-form-line">
                            <label>
                                <span>{t!(i18n, invoice_line_description)}</span>
                                <input type="text" name=format!("lines[{i}][description]") maxlength="200" required={i == 0} autocomplete="off"
                                    aria-invalid=invalid_when(error, "description") />
                            </label>
                            <label>
                                <span>{t!(i18n, invoice_line_amount)}</span>
                                <input type="text" name=format!("lines[{i}][amount]") inputmode="numeric" required={i == 0} autocomplete="off"
                                    aria-invalid=invalid_when(error, "amount") />
                            </label>
                        </div>
                    }).collect_view()}
                </div>
                <p>
                    <button type="button" class="button button-quiet add-line" disabled={move || rows.get() >= 10}
                        on:click=move |_| rows.update(|r| *r = (*r + 1).min(10))>
                        "+ " {t!(i18n, invoice_add_line)}
                    </button>
                </p>
                <label class="inline-field">
                    <span>{t!(i18n, invoice_due_date)} " " <span class="muted">{t!(i18n, invoice_due_default)}</span></span>
                    <input type="date" name="due_date" aria-invalid=invalid_when(error, "due_date") />
                </label>
                <FormError error />
                {move || action.value().get().and_then(Result::ok).map(|number| view! {
                    <p class="outcome outcome-ok" role="status">{t!(i18n, invoice_issued, number = number)}</p>
                })}
                <div class="form-actions">
                    <SubmitButton pending=action.pending() label=Signal::derive(move || t_string!(i18n, invoice_issue).to_string()) />
                </div>
            </ActionForm>
        </section>
    }
}

/// Credit, debt or a refund, by hand, with a reason.
#[component]
fn BalanceForm(customer_id: i64, action: ServerAction<ChangeBalance>) -> impl IntoView {
    let i18n = use_i18n();
    let error = Signal::derive(move || action.value().get().and_then(Result::err));
    view! {
        <details class="balance-change">
            <summary>{t!(i18n, balance_change)}</summary>
            <ActionForm action attr:class="form-grid">
                <input type="hidden" name="customer_id" value=customer_id />
                <label>
                    <span>{t!(i18n, balance_change_kind)}</span>
                    <select name="kind">
                        <option value="credit">{t!(i18n, balance_change_credit)}</option>
                        <option value="debt">{t!(i18n, balance_change_debt)}</option>
                        <option value="refund">{t!(i18n, balance_change_refund)}</option>
                    </select>
                </label>
                <label>
                    <span>{t!(i18n, payment_amount)}</span>
                    <input type="text" name="amount" inputmode="numeric" required autocomplete="off" aria-invalid=invalid_when(error, "amount") />
                </label>
                <label class="wide">
                    <span>{t!(i18n, balance_change_reason)}</span>
                    <input type="text" name="reason" required maxlength="500" autocomplete="off" aria-invalid=invalid_when(error, "reason") />
                </label>
                <FormError error />
                <div class="form-actions">
                    <SubmitButton pending=action.pending() label=Signal::derive(move || t_string!(i18n, balance_change_save).to_string()) />
                </div>
            </ActionForm>
        </details>
    }
}
