//! The money code against an independent model, over random histories.
//!
//! Each history is one customer on a clock of its own: subscribe, change plan (up and down,
//! several in a period), suspend, resume, run the invoice run on a random day, pay (exact, short,
//! over, Rp 1), reverse, void, refund, adjust, issue a manual invoice, run isolation; under 0 %
//! or 11 % PPN, added to prices or included in them. After every step the database must agree
//! with the model on the balance (and the ledger's sum), since when debt is owed, every invoice
//! (what it charges, its total, what was paid, its status, since when it is owed), each
//! subscription's `billed_until`, and whether it is isolated.
//!
//! The model is written from the rules, not from the code: it keeps what each day of service was
//! billed at, and computes periods, proration, tax, credits (summed exactly, rounded once, halves
//! up) and the balance carried by itself; it calls nothing of `domain::period` nor the invoice
//! composition. `MONEY_MODEL_CASES` sets how many histories (2,000 by default, 30 to 33 steps
//! each; e.g. `MONEY_MODEL_CASES=50000` for a long run), `MONEY_MODEL_WORKERS` how many databases
//! play them at once (4); a failure prints the history's seed and steps, and `MONEY_MODEL_SEED`
//! plays that one history alone. `MONEY_MODEL_TIMES=1` prints each step's time.

use crate::support;

use billing::Services;
use billing::core::audit::Actor;
use billing::hotspot::plans;
use billing::money::error::MoneyError;
use billing::money::invoice_run::{self, RunSettings};
use billing::money::invoices::{self, Issuing};
use billing::money::{payments, standing};
use chrono::{Datelike, Days, Months, NaiveDate};
use domain::Rupiah;
use domain::model::customers::{AdjustmentInput, RefundInput};
use domain::model::invoices::{InvoiceInput, LineInput, PaymentInput, PaymentMethod};
use domain::model::plans::{PlanInput, PlanKind};
use domain::model::subscriptions::{SubscriptionAction, SubscriptionInput};
use domain::settlement::TaxRule;
use proptest::prelude::*;
use proptest::strategy::ValueTree;
use proptest::test_runner::{Config as ProptestConfig, RngAlgorithm, TestRng, TestRunner};
use sqlx::PgPool;
use std::collections::BTreeMap;

const ADMIN: Actor = Actor::System;
const PRICES: [i64; 4] = [100_000, 150_000, 7_000, 333_333];
const GRACE: u32 = 3;
const MANUAL_DUE_DAYS: u32 = 7;
const SETTINGS: RunSettings = RunSettings {
    days_ahead: 7,
    due_days: 0,
};

// ---------------------------------------------------------------------------------------------
// The model.

/// An exact fraction, for sums of per-day amounts.
#[derive(Clone, Copy)]
struct Frac(i128, i128);

impl Frac {
    fn add(self, n: i128, d: i128) -> Frac {
        let (a, b) = (self.0 * d + n * self.1, self.1 * d);
        let g = gcd(a.abs(), b);
        Frac(a / g, b / g)
    }
    /// Rounded to the nearest whole, halves up (never negative here).
    fn round(self) -> i64 {
        i64::try_from((2 * self.0 + self.1) / (2 * self.1)).unwrap()
    }
}

fn gcd(mut a: i128, mut b: i128) -> i128 {
    while b != 0 {
        (a, b) = (b, a % b);
    }
    a.max(1)
}

fn half_up(n: i128, d: i128) -> i64 {
    Frac(n, d).round()
}

/// What one day was billed at: its line's amount and days, and the invoice's tax rule.
#[derive(Clone, Copy, Debug)]
struct DayBill {
    invoice: usize,
    amount: i64,
    days: i64,
}

#[derive(Clone, Debug, PartialEq, Eq)]
enum Status {
    Active,
    Isolated,
    Suspended,
}

#[derive(Clone, Debug)]
struct MSub {
    start: NaiveDate,
    day: u32,
    plan: usize,
    status: Status,
    /// From a day on, the plan billed (none: suspended).
    service: BTreeMap<NaiveDate, Option<usize>>,
    /// The earliest change not reconciled by a run.
    open: Option<NaiveDate>,
    billed_until: Option<NaiveDate>,
    billed: BTreeMap<NaiveDate, DayBill>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
struct MInvoice {
    charges: i64,
    total: i64,
    amount_paid: i64,
    status: &'static str,
    owed_since: NaiveDate,
    /// The balance it took: credit applied (negative) or debt carried (positive).
    took: i64,
    /// A run's invoice: its subscription, its first day and the end of its days.
    run: Option<(usize, NaiveDate, NaiveDate)>,
    /// Some of its days were credited since.
    credited: bool,
}

#[derive(Clone, Debug)]
struct MPayment {
    invoice: usize,
    change: i64,
    reversed: bool,
}

#[derive(Clone, Debug)]
struct Model {
    tax_bp: i64,
    included: bool,
    today: NaiveDate,
    balance: i64,
    debt_since: Option<NaiveDate>,
    subs: Vec<MSub>,
    invoices: Vec<MInvoice>,
    payments: Vec<MPayment>,
}

/// What a void should answer.
#[derive(Debug, PartialEq, Eq)]
enum VoidAnswer {
    Done,
    HasPayment,
    Credited,
    NotLatest,
}

impl Model {
    fn factor(&self) -> i128 {
        if self.included {
            10_000
        } else {
            10_000 + i128::from(self.tax_bp)
        }
    }

    /// A balance change, and since when debt is owed.
    fn post(&mut self, amount: i64, owed_from: Option<NaiveDate>) {
        if amount == 0 {
            return;
        }
        self.balance += amount;
        self.debt_since = if self.balance >= 0 {
            None
        } else {
            match (self.debt_since, owed_from) {
                (Some(r), Some(o)) => Some(r.min(o)),
                (Some(r), None) => Some(r),
                (None, o) => Some(o.unwrap_or(self.today)),
            }
        };
    }

    fn owes_since(&self, day: NaiveDate) -> bool {
        self.debt_since.is_some_and(|s| s <= day)
            || self
                .invoices
                .iter()
                .any(|i| i.status == "unpaid" && i.owed_since <= day)
    }

    fn resume_if_clear(&mut self) {
        if !self.owes_since(self.today) {
            for s in &mut self.subs {
                if s.status == Status::Isolated {
                    s.status = Status::Active;
                }
            }
        }
    }

    fn record(&mut self, sub: usize, plan: Option<usize>) {
        let s = &mut self.subs[sub];
        let day = self.today.max(s.start);
        s.service.insert(day, plan);
        s.open = Some(s.open.map_or(day, |o| o.min(day)));
    }

    /// An invoice's own charges, its tax, the balance it takes.
    fn compose(&mut self, charges: i64, due: NaiveDate) -> (i64, i64, NaiveDate) {
        let tax = if self.tax_bp > 0 && charges > 0 {
            if self.included {
                0 // shown, not added
            } else {
                half_up(i128::from(charges) * i128::from(self.tax_bp), 10_000)
            }
        } else {
            0
        };
        let own = charges + tax;
        let took = if self.balance < 0 {
            -self.balance
        } else if self.balance > 0 && own > 0 {
            -(self.balance.min(own))
        } else {
            0
        };
        let owed = if took > 0 {
            self.debt_since.map_or(due, |s| s.min(due))
        } else {
            due
        };
        self.post(took, None);
        (own + took, took, owed)
    }

    fn issue_manual(&mut self, amount: i64) {
        let due = self.today + Days::new(u64::from(MANUAL_DUE_DAYS));
        let (total, took, owed) = self.compose(amount, due);
        self.invoices.push(MInvoice {
            charges: amount,
            total,
            amount_paid: 0,
            status: if total == 0 { "paid" } else { "unpaid" },
            owed_since: owed,
            took,
            run: None,
            credited: false,
        });
    }

    /// The whole period with billing day `day` that `date` falls in.
    fn period(date: NaiveDate, day: u32) -> (NaiveDate, NaiveDate) {
        let this = NaiveDate::from_ymd_opt(date.year(), date.month(), day).unwrap();
        let start = if date.day() >= day {
            this
        } else {
            this - Months::new(1)
        };
        (start, start + Months::new(1))
    }

    fn plan_on(s: &MSub, day: NaiveDate) -> Option<usize> {
        s.service.range(..=day).next_back().and_then(|(_, p)| *p)
    }

    /// The invoice run as on today: passes until one issues nothing.
    fn run(&mut self) -> u64 {
        let horizon = self.today + Days::new(u64::from(SETTINGS.days_ahead));
        let mut created = 0;
        loop {
            let mut this_pass = 0;
            for k in 0..self.subs.len() {
                // Reconcile a change: give back the days billed from it on.
                if let Some(changed) = self.subs[k].open.take() {
                    let factor = self.factor();
                    let given: Vec<(NaiveDate, DayBill)> = self.subs[k]
                        .billed
                        .range(changed..)
                        .map(|(d, b)| (*d, *b))
                        .collect();
                    let mut credit = Frac(0, 1);
                    for (day, bill) in &given {
                        credit = credit.add(
                            i128::from(bill.amount) * factor,
                            i128::from(bill.days) * 10_000,
                        );
                        self.subs[k].billed.remove(day);
                        self.invoices[bill.invoice].credited = true;
                    }
                    let credit = credit.round();
                    if credit > 0 {
                        self.post(credit, None);
                    }
                    let s = &mut self.subs[k];
                    let from = s.billed_until.unwrap_or(s.start);
                    if from > changed {
                        s.billed_until = (changed > s.start).then_some(changed);
                    }
                }
                let s = self.subs[k].clone();
                if s.status == Status::Suspended {
                    continue;
                }
                let mut from = s.billed_until.unwrap_or(s.start);
                if from > horizon {
                    continue;
                }
                // The next period with a day of service.
                loop {
                    let (start, end) = Self::period(from, s.day);
                    let n = (end - start).num_days();
                    let mut runs: Vec<(NaiveDate, NaiveDate, usize)> = Vec::new();
                    let mut day = from;
                    while day < end {
                        if let Some(plan) = Self::plan_on(&s, day) {
                            match runs.last_mut() {
                                Some(r) if r.2 == plan && r.1 == day => r.1 = day + Days::new(1),
                                _ => runs.push((day, day + Days::new(1), plan)),
                            }
                        }
                        day = day + Days::new(1);
                    }
                    if runs.is_empty() {
                        from = end;
                        self.subs[k].billed_until = Some(end);
                        if from > horizon {
                            break;
                        }
                        continue;
                    }
                    let mut charges = 0;
                    let mut lines = Vec::new();
                    for (a, b, plan) in &runs {
                        let days = (*b - *a).num_days();
                        let amount = if days == n {
                            PRICES[*plan]
                        } else {
                            half_up(i128::from(PRICES[*plan]) * i128::from(days), i128::from(n))
                        };
                        charges += amount;
                        lines.push((*a, *b, amount, days));
                    }
                    let first = runs[0].0;
                    let due = (first + Days::new(u64::from(SETTINGS.due_days))).max(self.today);
                    let (total, took, owed) = self.compose(charges, due);
                    let index = self.invoices.len();
                    self.invoices.push(MInvoice {
                        charges,
                        total,
                        amount_paid: 0,
                        status: if total == 0 { "paid" } else { "unpaid" },
                        owed_since: owed,
                        took,
                        run: Some((k, first, end)),
                        credited: false,
                    });
                    for (a, b, amount, days) in lines {
                        let mut day = a;
                        while day < b {
                            self.subs[k].billed.insert(
                                day,
                                DayBill {
                                    invoice: index,
                                    amount,
                                    days,
                                },
                            );
                            day = day + Days::new(1);
                        }
                    }
                    self.subs[k].billed_until = Some(end);
                    this_pass += 1;
                    break;
                }
            }
            created += this_pass;
            if this_pass == 0 {
                return created;
            }
        }
    }

    fn pay(&mut self, invoice: usize, amount: i64) {
        let due = self.invoices[invoice].total - self.invoices[invoice].amount_paid;
        let owed = self.invoices[invoice].owed_since;
        let (status, applied, change) = match amount.cmp(&due) {
            std::cmp::Ordering::Equal => ("paid", amount, 0),
            std::cmp::Ordering::Greater => ("paid", due, amount - due),
            std::cmp::Ordering::Less => ("partial", amount, amount - due),
        };
        let i = &mut self.invoices[invoice];
        i.status = status;
        i.amount_paid += applied;
        self.post(change, Some(owed));
        self.payments.push(MPayment {
            invoice,
            change,
            reversed: false,
        });
        self.resume_if_clear();
    }

    fn reverse(&mut self, payment: usize) {
        let p = self.payments[payment].clone();
        self.payments[payment].reversed = true;
        self.post(-p.change, None);
        let i = &mut self.invoices[p.invoice];
        i.status = "unpaid";
        i.amount_paid = 0;
    }

    fn void(&mut self, invoice: usize) -> VoidAnswer {
        let i = self.invoices[invoice].clone();
        let settled = self
            .payments
            .iter()
            .any(|p| p.invoice == invoice && !p.reversed);
        if i.status != "unpaid" && settled {
            return VoidAnswer::HasPayment;
        }
        if let Some((k, first, end)) = i.run {
            if i.credited {
                return VoidAnswer::Credited;
            }
            if self.subs[k]
                .billed
                .range(end..)
                .any(|(_, b)| b.invoice != invoice)
            {
                return VoidAnswer::NotLatest;
            }
            self.subs[k].billed.retain(|_, b| b.invoice != invoice);
            let s = &mut self.subs[k];
            if s.billed_until == Some(end) {
                s.billed_until = (first > s.start).then_some(first);
            }
        }
        self.post(-i.took, Some(i.owed_since));
        self.invoices[invoice].status = "void";
        self.resume_if_clear();
        VoidAnswer::Done
    }

    fn isolate(&mut self) {
        let last = self.today - Days::new(u64::from(GRACE) + 1);
        let active = self.subs.iter().any(|s| s.status == Status::Active);
        if active && self.owes_since(last) {
            for s in &mut self.subs {
                if s.status == Status::Active {
                    s.status = Status::Isolated;
                }
            }
        }
    }
}

// ---------------------------------------------------------------------------------------------
// The steps.

#[derive(Debug, Clone)]
enum Step {
    Subscribe {
        plan: usize,
        day: u32,
    },
    Change {
        sub: usize,
        plan: usize,
    },
    Suspend {
        sub: usize,
    },
    Resume {
        sub: usize,
    },
    /// Move the clock on, then run the invoice run.
    Run {
        days: u64,
    },
    /// Pay an unpaid invoice (the n-th, modulo): exact, half, over, or Rp 1.
    Pay {
        nth: usize,
        how: u8,
    },
    Reverse {
        nth: usize,
    },
    Void {
        nth: usize,
    },
    Refund {
        percent: i64,
    },
    Adjust {
        amount: i64,
    },
    Issue {
        amount: i64,
    },
    Isolate {
        days: u64,
    },
}

fn step() -> impl Strategy<Value = Step> {
    prop_oneof![
        2 => (0..PRICES.len(), 1u32..=28).prop_map(|(plan, day)| Step::Subscribe { plan, day }),
        3 => (0usize..2, 0..PRICES.len()).prop_map(|(sub, plan)| Step::Change { sub, plan }),
        1 => (0usize..2).prop_map(|sub| Step::Suspend { sub }),
        1 => (0usize..2).prop_map(|sub| Step::Resume { sub }),
        5 => (0u64..=25).prop_map(|days| Step::Run { days }),
        4 => (0usize..4, 0u8..4).prop_map(|(nth, how)| Step::Pay { nth, how }),
        1 => (0usize..3).prop_map(|nth| Step::Reverse { nth }),
        1 => (0usize..3).prop_map(|nth| Step::Void { nth }),
        1 => (1i64..=100).prop_map(|percent| Step::Refund { percent }),
        1 => (-30i64..=30).prop_filter("not zero", |k| *k != 0).prop_map(|k| Step::Adjust { amount: k * 1_000 }),
        1 => (1i64..=300).prop_map(|k| Step::Issue { amount: k * 1_000 }),
        2 => (0u64..=10).prop_map(|days| Step::Isolate { days }),
    ]
}

// ---------------------------------------------------------------------------------------------
// Playing a history against the database.

struct Worker {
    services: Services,
    pool: PgPool,
    plans: Vec<i64>,
}

impl Worker {
    async fn new(pool: PgPool, sim: &routeros::sim::Simulator) -> Worker {
        let services = support::services(pool.clone()).await;
        let router_id = support::register_router(&services, sim, "Tower").await;
        let mut plans_ = Vec::new();
        for (n, price) in PRICES.iter().enumerate() {
            plans_.push(
                plans::create_plan(
                    &pool,
                    PlanInput {
                        kind: PlanKind::Pppoe,
                        router_id,
                        name: format!("Paket {n}"),
                        price: *price,
                        profile: format!("p{n}"),
                        ..PlanInput::default()
                    },
                    ADMIN,
                )
                .await
                .unwrap()
                .id,
            );
        }
        Worker {
            services,
            pool,
            plans: plans_,
        }
    }

    /// Everything of the last history gone. The ledger is append-only (its trigger refuses
    /// DELETE): triggers and foreign keys are off for this one transaction
    /// (`session_replication_role`), as only a test's throw-away database may do; cheaper than
    /// TRUNCATE for a few dozen rows.
    async fn reset(&self) {
        let mut tx = self.pool.begin().await.unwrap();
        sqlx::query("SET LOCAL session_replication_role = replica")
            .execute(&mut *tx)
            .await
            .unwrap();
        for table in [
            "balance_ledger",
            "billed_days",
            "invoice_lines",
            "payments",
            "invoices",
            "service_changes",
            "subscriptions",
            "customers",
            "invoice_numbers",
            "router_jobs",
            "audit_logs",
        ] {
            sqlx::query(sqlx::AssertSqlSafe(format!("DELETE FROM {table}")))
                .execute(&mut *tx)
                .await
                .unwrap();
        }
        tx.commit().await.unwrap();
    }

    async fn play(&self, seed: u64, steps: &[Step]) {
        let pool = &self.pool;
        let tax_bp = if seed.is_multiple_of(2) { 0 } else { 1_100 };
        let included = seed % 4 >= 2;
        let issuing = Issuing {
            tax: TaxRule {
                basis_points: tax_bp as u32,
                prices_include_tax: included,
            },
            timezone: chrono_tz::Asia::Jakarta,
            due_days: MANUAL_DUE_DAYS,
        };
        let start = NaiveDate::from_ymd_opt(2026, 11, 1).unwrap() + Days::new(seed % 61);
        let mut model = Model {
            tax_bp,
            included,
            today: start,
            balance: 0,
            debt_since: None,
            subs: Vec::new(),
            invoices: Vec::new(),
            payments: Vec::new(),
        };
        let customer = support::customer(pool, &format!("Pelanggan {seed}"), "081200000001").await;
        let mut sub_ids: Vec<i64> = Vec::new();
        for (n, step) in steps.iter().enumerate() {
            let started = std::time::Instant::now();
            let today = model.today;
            let context = || format!("seed {seed}, step {n} {step:?}, today {today}");
            match *step {
                Step::Subscribe { plan, day } => {
                    if sub_ids.len() < 2 {
                        let created = self
                            .services
                            .subscriptions
                            .create(
                                SubscriptionInput {
                                    customer_id: customer,
                                    plan_id: self.plans[plan],
                                    pppoe_username: None,
                                    pppoe_password: None,
                                    billing_day: Some(day as i16),
                                    start_date: Some(today),
                                },
                                today,
                                ADMIN,
                            )
                            .await
                            .unwrap();
                        sub_ids.push(created.id);
                        model.subs.push(MSub {
                            start: today,
                            day,
                            plan,
                            status: Status::Active,
                            service: BTreeMap::from([(today, Some(plan))]),
                            open: None,
                            billed_until: None,
                            billed: BTreeMap::new(),
                        });
                    }
                }
                Step::Change { sub, plan } => {
                    if let Some(id) = sub_ids.get(sub) {
                        self.services
                            .subscriptions
                            .change_plan(*id, self.plans[plan], today, ADMIN)
                            .await
                            .unwrap();
                        if model.subs[sub].plan != plan {
                            model.subs[sub].plan = plan;
                            if model.subs[sub].status != Status::Suspended {
                                model.record(sub, Some(plan));
                            }
                        }
                    }
                }
                Step::Suspend { sub } => {
                    if let Some(id) = sub_ids.get(sub) {
                        self.services
                            .subscriptions
                            .act(*id, SubscriptionAction::Suspend, today, ADMIN)
                            .await
                            .unwrap();
                        if model.subs[sub].status != Status::Suspended {
                            model.subs[sub].status = Status::Suspended;
                            model.record(sub, None);
                        }
                    }
                }
                Step::Resume { sub } => {
                    if let Some(id) = sub_ids.get(sub) {
                        let was = model.subs[sub].status.clone();
                        let done = self
                            .services
                            .subscriptions
                            .act(*id, SubscriptionAction::Resume, today, ADMIN)
                            .await;
                        assert!(done.is_ok(), "{}: {done:?}", context());
                        if was == Status::Suspended {
                            let plan = model.subs[sub].plan;
                            model.record(sub, Some(plan));
                        }
                        model.subs[sub].status = Status::Active;
                    }
                }
                Step::Run { days } => {
                    model.today = today + Days::new(days);
                    let on = model.today;
                    let outcome = invoice_run::run(pool, on, on, issuing, SETTINGS, ADMIN)
                        .await
                        .unwrap();
                    assert!(
                        outcome.failed.is_empty(),
                        "{}: {:?}",
                        context(),
                        outcome.failed
                    );
                    let expected = model.run();
                    assert_eq!(outcome.created, expected, "{}: invoices issued", context());
                }
                Step::Pay { nth, how } => {
                    let unpaid: Vec<usize> = (0..model.invoices.len())
                        .filter(|i| model.invoices[*i].status == "unpaid")
                        .collect();
                    if !unpaid.is_empty() {
                        let invoice = unpaid[nth % unpaid.len()];
                        let due =
                            model.invoices[invoice].total - model.invoices[invoice].amount_paid;
                        let amount = match how {
                            0 => due,
                            1 => (due / 2).max(1),
                            2 => due + 12_345,
                            _ => 1,
                        };
                        let id = self.invoice_id(customer, invoice).await;
                        payments::pay_at_counter(
                            pool,
                            id,
                            PaymentInput {
                                amount: Rupiah::new(amount),
                                method: PaymentMethod::Cash,
                                note: None,
                                request_key: format!("model-{seed}-{n}"),
                                reference: None,
                            },
                            today,
                            ADMIN,
                        )
                        .await
                        .unwrap();
                        model.pay(invoice, amount);
                    }
                }
                Step::Reverse { nth } => {
                    let live: Vec<usize> = (0..model.payments.len())
                        .filter(|p| !model.payments[*p].reversed)
                        .collect();
                    if !live.is_empty() {
                        let payment = live[nth % live.len()];
                        let ids: Vec<i64> = sqlx::query_scalar(
                            "SELECT id FROM payments WHERE customer_id = $1 ORDER BY id",
                        )
                        .bind(customer)
                        .fetch_all(pool)
                        .await
                        .unwrap();
                        payments::reverse(pool, ids[payment], "Acak", today, ADMIN)
                            .await
                            .unwrap();
                        model.reverse(payment);
                    }
                }
                Step::Void { nth } => {
                    let open: Vec<usize> = (0..model.invoices.len())
                        .filter(|i| model.invoices[*i].status != "void")
                        .collect();
                    if !open.is_empty() {
                        let invoice = open[open.len() - 1 - nth % open.len()];
                        let id = self.invoice_id(customer, invoice).await;
                        let answer = invoices::void(
                            pool,
                            id,
                            "Acak",
                            chrono_tz::Asia::Jakarta,
                            today,
                            ADMIN,
                        )
                        .await;
                        let expected = model.void(invoice);
                        let got = match answer {
                            Ok(_) => VoidAnswer::Done,
                            Err(MoneyError::HasPayment) => VoidAnswer::HasPayment,
                            Err(MoneyError::VoidCredited) => VoidAnswer::Credited,
                            Err(MoneyError::VoidNotLatest(_)) => VoidAnswer::NotLatest,
                            Err(e) => panic!("{}: {e:?}", context()),
                        };
                        assert_eq!(got, expected, "{}: the void", context());
                    }
                }
                Step::Refund { percent } => {
                    let amount = model.balance * percent / 100;
                    if amount > 0 {
                        payments::refund(
                            pool,
                            customer,
                            RefundInput {
                                amount: Rupiah::new(amount),
                                reason: "Acak".into(),
                            },
                            today,
                            ADMIN,
                        )
                        .await
                        .unwrap();
                        model.post(-amount, None);
                    }
                }
                Step::Adjust { amount } => {
                    payments::adjust(
                        pool,
                        customer,
                        AdjustmentInput {
                            amount: Rupiah::new(amount),
                            reason: "Acak".into(),
                        },
                        today,
                        ADMIN,
                    )
                    .await
                    .unwrap();
                    model.post(amount, None);
                    if amount > 0 {
                        model.resume_if_clear();
                    }
                }
                Step::Issue { amount } => {
                    invoices::issue(
                        pool,
                        InvoiceInput {
                            customer_id: customer,
                            due_date: None,
                            lines: vec![LineInput {
                                description: "Pasang baru".into(),
                                amount: Rupiah::new(amount),
                            }],
                        },
                        issuing,
                        today,
                        ADMIN,
                    )
                    .await
                    .unwrap();
                    model.issue_manual(amount);
                }
                Step::Isolate { days } => {
                    model.today = today + Days::new(days);
                    standing::isolate_overdue(pool, model.today, GRACE)
                        .await
                        .unwrap();
                    model.isolate();
                }
            }
            let acted = started.elapsed();
            self.check(customer, &sub_ids, &model, &context()).await;
            if std::env::var("MONEY_MODEL_TIMES").is_ok() {
                let name = format!("{step:?}");
                let name = name.split([' ', '{']).next().unwrap_or("").to_owned();
                eprintln!(
                    "TIME {name} {} {}",
                    acted.as_micros(),
                    (started.elapsed() - acted).as_micros()
                );
            }
        }
    }

    async fn invoice_id(&self, customer: i64, nth: usize) -> i64 {
        let ids: Vec<i64> =
            sqlx::query_scalar("SELECT id FROM invoices WHERE customer_id = $1 ORDER BY id")
                .bind(customer)
                .fetch_all(&self.pool)
                .await
                .unwrap();
        ids[nth]
    }

    /// The database's side of everything the model predicts, read with one statement.
    async fn check(&self, customer: i64, subs: &[i64], model: &Model, context: &str) {
        let (balance, ledger, debt_since, invoices, subscriptions): (
            i64,
            i64,
            Option<NaiveDate>,
            serde_json::Value,
            serde_json::Value,
        ) = sqlx::query_as(
            "SELECT c.balance,
                    (SELECT coalesce(sum(amount), 0)::BIGINT FROM balance_ledger WHERE customer_id = c.id),
                    c.debt_since,
                    (SELECT coalesce(json_agg(json_build_array(
                                (SELECT coalesce(sum(amount), 0) FROM invoice_lines
                                 WHERE invoice_id = i.id AND kind = 'charge'),
                                i.total, i.amount_paid, i.status, i.owed_since) ORDER BY i.id), '[]')
                     FROM invoices i WHERE i.customer_id = c.id),
                    (SELECT coalesce(json_agg(json_build_array(s.billed_until, s.status) ORDER BY s.id), '[]')
                     FROM subscriptions s WHERE s.customer_id = c.id)
             FROM customers c WHERE c.id = $1",
        )
        .bind(customer)
        .fetch_one(&self.pool)
        .await
        .unwrap();
        assert_eq!(
            balance, ledger,
            "{context}: the balance is the ledger's sum"
        );
        assert_eq!(balance, model.balance, "{context}: the balance");
        assert_eq!(debt_since, model.debt_since, "{context}: debt owed since");
        let expected: Vec<serde_json::Value> = model
            .invoices
            .iter()
            .map(|i| serde_json::json!([i.charges, i.total, i.amount_paid, i.status, i.owed_since]))
            .collect();
        assert_eq!(
            invoices,
            serde_json::Value::Array(expected),
            "{context}: the invoices (charges, total, paid, status, owed since)"
        );
        let expected: Vec<serde_json::Value> = model
            .subs
            .iter()
            .map(|s| {
                let status = match s.status {
                    Status::Active => "active",
                    Status::Isolated => "isolated",
                    Status::Suspended => "suspended",
                };
                serde_json::json!([s.billed_until, status])
            })
            .collect();
        assert_eq!(subs.len(), expected.len());
        assert_eq!(
            subscriptions,
            serde_json::Value::Array(expected),
            "{context}: the subscriptions (billed until, status)"
        );
    }
}

fn steps_of(seed: u64) -> Vec<Step> {
    let mut bytes = [0u8; 32];
    bytes[..8].copy_from_slice(&seed.to_le_bytes());
    let mut runner = TestRunner::new_with_rng(
        ProptestConfig::default(),
        TestRng::from_seed(RngAlgorithm::ChaCha, &bytes),
    );
    proptest::collection::vec(step(), 30..=33)
        .new_tree(&mut runner)
        .unwrap()
        .current()
}

/// Random histories against the model, four databases at a time.
#[sqlx::test(migrator = "billing::core::db::MIGRATOR")]
async fn the_money_agrees_with_an_independent_model(pool: PgPool) {
    let one: Option<u64> = std::env::var("MONEY_MODEL_SEED")
        .ok()
        .and_then(|s| s.parse().ok());
    let cases: u64 = std::env::var("MONEY_MODEL_CASES")
        .ok()
        .and_then(|n| n.parse().ok())
        .unwrap_or(2_000);
    let seeds: Vec<u64> = match one {
        Some(seed) => vec![seed],
        None => (0..cases).collect(),
    };
    let sim = support::simulator().await;
    // Each worker a database of its own: the run bills everything it finds.
    let workers: usize = std::env::var("MONEY_MODEL_WORKERS")
        .ok()
        .and_then(|n| n.parse().ok())
        .unwrap_or(4)
        .min(seeds.len());
    let mut pools = vec![pool.clone()];
    for w in 1..workers {
        // Short: PostgreSQL cuts names at 63 bytes, and the test database's is that long.
        let name = format!("mb_model_{}_{w}", std::process::id());
        sqlx::query(sqlx::AssertSqlSafe(format!(
            "DROP DATABASE IF EXISTS {name}"
        )))
        .execute(&pool)
        .await
        .unwrap();
        sqlx::query(sqlx::AssertSqlSafe(format!("CREATE DATABASE {name}")))
            .execute(&pool)
            .await
            .unwrap();
        // The test database's server, from the URL the tests run with.
        let url = std::env::var("DATABASE_URL").expect("DATABASE_URL");
        let url = format!("{}/{name}", &url[..url.rfind('/').unwrap()]);
        let other = sqlx::postgres::PgPoolOptions::new()
            .max_connections(4)
            .connect(&url)
            .await
            .unwrap();
        billing::core::db::MIGRATOR.run(&other).await.unwrap();
        let current: String = sqlx::query_scalar("SELECT current_database()::TEXT")
            .fetch_one(&other)
            .await
            .unwrap();
        assert_eq!(current, name, "the worker's own database");
        pools.push(other);
    }
    let started = std::time::Instant::now();
    let mut tasks = Vec::new();
    for (w, worker_pool) in pools.into_iter().enumerate() {
        let mine: Vec<u64> = seeds.iter().copied().skip(w).step_by(workers).collect();
        let worker = Worker::new(worker_pool, &sim).await;
        tasks.push(tokio::spawn(async move {
            for seed in mine {
                worker.reset().await;
                let steps = steps_of(seed);
                let played = std::panic::AssertUnwindSafe(worker.play(seed, &steps));
                if let Err(panic) = futures::FutureExt::catch_unwind(played).await {
                    eprintln!(
                        "the history with seed {seed} failed; replay it alone with \
                         MONEY_MODEL_SEED={seed}: {steps:?}"
                    );
                    std::panic::resume_unwind(panic);
                }
            }
        }));
    }
    for task in tasks {
        task.await.unwrap();
    }
    eprintln!(
        "{} histories agreed with the model in {:.1} s",
        seeds.len(),
        started.elapsed().as_secs_f64()
    );
    for w in 1..workers {
        let name = format!("mb_model_{}_{w}", std::process::id());
        let _ = sqlx::query(sqlx::AssertSqlSafe(format!(
            "DROP DATABASE IF EXISTS {name} WITH (FORCE)"
        )))
        .execute(&pool)
        .await;
    }
}
