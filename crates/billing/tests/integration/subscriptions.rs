//! PPPoE subscriptions against a simulated MikroTik router that speaks the real API protocol:
//! secrets through the outbox, a router that goes away, isolation and resumption, import,
//! reconciliation.

use crate::support;

use support::{customer, drain, register_router, services, simulator, skip_backoff};

use billing::Services;
use billing::core::audit::Actor;
use billing::hotspot::plans;
use billing::money::invoices::{self, Charge, Issuing, NewInvoice};
use billing::money::payments;
use billing::pppoe::subscriptions::{self, SubscriptionError};
use chrono::NaiveDate;
use domain::model::invoices::{PaymentInput, PaymentMethod};
use domain::model::plans::{PlanInput, PlanKind};
use domain::model::subscriptions::{ImportRequest, SubscriptionAction, SubscriptionInput};
use domain::settlement::TaxRule;
use domain::{Rupiah, SecretState, SubscriptionStatus};
use routeros::sim::Simulator;
use sqlx::PgPool;

const ADMIN: Actor = Actor::System;

fn today() -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 12, 10).unwrap()
}

async fn pppoe_plan(pool: &PgPool, router_id: i64, name: &str, profile: &str, rate: &str) -> i64 {
    plans::create_plan(
        pool,
        PlanInput {
            kind: PlanKind::Pppoe,
            router_id,
            name: name.into(),
            price: 150_000,
            profile: profile.into(),
            rate_limit: Some(rate.into()),
            ..PlanInput::default()
        },
        ADMIN,
    )
    .await
    .unwrap()
    .id
}

fn subscription(customer_id: i64, plan_id: i64, username: Option<&str>) -> SubscriptionInput {
    SubscriptionInput {
        customer_id,
        plan_id,
        pppoe_username: username.map(Into::into),
        pppoe_password: None,
        billing_day: None,
        start_date: None,
    }
}

/// The secret of this name on the simulated router.
fn secret(sim: &Simulator, name: &str) -> Option<routeros::Attributes> {
    sim.ppp_secrets()
        .into_iter()
        .find(|s| s.get("name") == Some(name))
}

fn field(attrs: &routeros::Attributes, key: &str) -> Option<String> {
    attrs.get(key).map(str::to_owned)
}

fn online(sim: &Simulator, name: &str) -> bool {
    sim.ppp_active().iter().any(|a| a.get("name") == Some(name))
}

struct Setup {
    services: Services,
    sim: Simulator,
    router_id: i64,
    plan_10: i64,
    plan_20: i64,
}

async fn setup(pool: &PgPool) -> Setup {
    let services = services(pool.clone()).await;
    let sim = simulator().await;
    let router_id = register_router(&services, &sim, "Tower").await;
    let plan_10 = pppoe_plan(pool, router_id, "Rumah 10 Mbps", "pppoe-10m", "5M/10M").await;
    let plan_20 = pppoe_plan(pool, router_id, "Rumah 20 Mbps", "pppoe-20m", "10M/20M").await;
    drain(&services).await;
    Setup {
        services,
        sim,
        router_id,
        plan_10,
        plan_20,
    }
}

impl Setup {
    /// A customer of each `(name, username)` subscribed to the 10 Mbps plan (the username made
    /// when none is given); the n-th customer's WhatsApp number is `phone_prefix` then n.
    async fn subscribe(
        &self,
        pool: &PgPool,
        customers: &[(&str, Option<&str>)],
        phone_prefix: &str,
    ) -> Vec<domain::model::subscriptions::Subscription> {
        let mut subs = Vec::new();
        for (n, (name, username)) in customers.iter().enumerate() {
            let c = customer(pool, name, &format!("{phone_prefix}{n}")).await;
            subs.push(
                self.services
                    .subscriptions
                    .create(subscription(c, self.plan_10, *username), today(), ADMIN)
                    .await
                    .unwrap(),
            );
        }
        subs
    }
}

#[sqlx::test(migrator = "billing::core::db::MIGRATOR")]
async fn a_subscriptions_secret_appears_with_its_profile_and_follows_its_plan(pool: PgPool) {
    let s = setup(&pool).await;
    let budi = customer(&pool, "Budi Santoso", "081234567801").await;
    let sub = s
        .services
        .subscriptions
        .create(subscription(budi, s.plan_10, None), today(), ADMIN)
        .await
        .unwrap();
    assert_eq!(
        sub.pppoe_username,
        format!("budi{budi}"),
        "made from the first name and id"
    );
    let password = sub.pppoe_password.clone().unwrap();
    assert_eq!(password.len(), 10);
    assert_eq!((sub.billing_day, sub.start_date), (10, today()));
    assert_eq!(sub.router_state, SecretState::Pending);
    assert!(
        secret(&s.sim, &sub.pppoe_username).is_none(),
        "nothing before the outbox runs"
    );

    drain(&s.services).await;
    let on_router = secret(&s.sim, &sub.pppoe_username).expect("the secret is on the router");
    assert_eq!(field(&on_router, "password"), Some(password));
    assert_eq!(field(&on_router, "profile").as_deref(), Some("pppoe-10m"));
    assert_eq!(field(&on_router, "service").as_deref(), Some("pppoe"));
    assert_eq!(
        field(&on_router, "comment"),
        Some(format!("mb:subscription={}", sub.id))
    );
    let sub = s.services.subscriptions.get(sub.id).await.unwrap();
    assert_eq!(sub.router_state, SecretState::Synced);

    // Another plan: the profile changes and the session is ended, to come back at the new speed.
    s.sim.login_ppp_secret(&sub.pppoe_username).unwrap();
    s.services
        .subscriptions
        .change_plan(sub.id, s.plan_20, today(), ADMIN)
        .await
        .unwrap();
    drain(&s.services).await;
    let on_router = secret(&s.sim, &sub.pppoe_username).unwrap();
    assert_eq!(field(&on_router, "profile").as_deref(), Some("pppoe-20m"));
    assert!(
        !online(&s.sim, &sub.pppoe_username),
        "the session was ended"
    );

    // The same username on the router is refused; a hotspot plan is not a PPPoE plan.
    let siti = customer(&pool, "Siti", "081234567802").await;
    let taken = s
        .services
        .subscriptions
        .create(
            subscription(siti, s.plan_10, Some(&sub.pppoe_username)),
            today(),
            ADMIN,
        )
        .await;
    assert!(
        matches!(taken, Err(SubscriptionError::UsernameTaken)),
        "{taken:?}"
    );
    let hotspot = plans::create_plan(&pool, support::plan_input(s.router_id), ADMIN)
        .await
        .unwrap();
    let not_pppoe = s
        .services
        .subscriptions
        .create(subscription(siti, hotspot.id, None), today(), ADMIN)
        .await;
    assert!(
        matches!(not_pppoe, Err(SubscriptionError::PlanNotPppoe)),
        "{not_pppoe:?}"
    );
    let bad_name = s
        .services
        .subscriptions
        .create(
            subscription(siti, s.plan_10, Some("siti rahayu")),
            today(),
            ADMIN,
        )
        .await;
    assert!(
        matches!(bad_name, Err(SubscriptionError::Invalid(_))),
        "{bad_name:?}"
    );
    let count: i64 = sqlx::query_scalar("SELECT count(*) FROM subscriptions")
        .fetch_one(&pool)
        .await
        .unwrap();
    assert_eq!(count, 1, "refused requests change nothing");
}

#[sqlx::test(migrator = "billing::core::db::MIGRATOR")]
async fn changes_made_while_the_router_is_down_all_reach_it_once_it_is_back(pool: PgPool) {
    let s = setup(&pool).await;
    let customers = [
        ("Pelanggan 0", None),
        ("Pelanggan 1", None),
        ("Pelanggan 2", None),
    ];
    let subs = s.subscribe(&pool, &customers, "08123456781").await;
    drain(&s.services).await;

    s.sim.refuse_login(true);
    s.sim.drop_connections();
    let c = customer(&pool, "Dewi", "081234567899").await;
    let new = s
        .services
        .subscriptions
        .create(subscription(c, s.plan_20, Some("dewi")), today(), ADMIN)
        .await
        .unwrap();
    let subscriptions = &s.services.subscriptions;
    subscriptions
        .act(subs[0].id, SubscriptionAction::Suspend, today(), ADMIN)
        .await
        .unwrap();
    subscriptions
        .change_plan(subs[1].id, s.plan_20, today(), ADMIN)
        .await
        .unwrap();
    subscriptions
        .act(subs[2].id, SubscriptionAction::Close, today(), ADMIN)
        .await
        .unwrap();
    let outcome = drain(&s.services).await;
    assert_eq!((outcome.done, outcome.failed), (0, 0), "{outcome:?}");
    assert!(outcome.retrying > 0);
    assert!(secret(&s.sim, "dewi").is_none());

    s.sim.refuse_login(false);
    skip_backoff(&pool).await;
    drain(&s.services).await;
    let disabled = |name: &str| field(&secret(&s.sim, name).unwrap(), "disabled");
    assert_eq!(
        field(&secret(&s.sim, "dewi").unwrap(), "profile").as_deref(),
        Some("pppoe-20m")
    );
    assert_eq!(disabled(&subs[0].pppoe_username).as_deref(), Some("true"));
    assert_eq!(
        field(&secret(&s.sim, &subs[1].pppoe_username).unwrap(), "profile").as_deref(),
        Some("pppoe-20m")
    );
    assert_eq!(disabled(&subs[2].pppoe_username).as_deref(), Some("true"));
    let page = subscriptions
        .list(&subscriptions::SubscriptionFilter {
            limit: 50,
            ..Default::default()
        })
        .await
        .unwrap();
    assert!(
        page.subscriptions
            .iter()
            .all(|s| s.router_state == SecretState::Synced)
    );
    assert_eq!(page.subscriptions.len(), 4);
    assert!(
        page.subscriptions
            .iter()
            .all(|s| s.pppoe_password.is_none()),
        "no passwords in lists"
    );
    // Staff reading one customer's few subscriptions see the passwords, as one by one.
    let with_passwords = subscriptions
        .list_with_passwords(&subscriptions::SubscriptionFilter {
            customer_id: Some(new.customer_id),
            limit: 50,
            ..Default::default()
        })
        .await
        .unwrap();
    assert_eq!(
        with_passwords,
        vec![subscriptions.get(new.id).await.unwrap()]
    );

    // A closed subscription may be deleted: its secret leaves the router.
    subscriptions.delete(subs[2].id, ADMIN).await.unwrap();
    let still_active = subscriptions.delete(subs[1].id, ADMIN).await;
    assert!(matches!(still_active, Err(SubscriptionError::NotClosed)));
    drain(&s.services).await;
    assert!(secret(&s.sim, &subs[2].pppoe_username).is_none());
    assert!(secret(&s.sim, &subs[1].pppoe_username).is_some());
}

async fn overdue_invoice(
    pool: &PgPool,
    customer_id: i64,
    subscription_id: i64,
    due: NaiveDate,
) -> i64 {
    let mut tx = pool.begin().await.unwrap();
    let id = invoices::issue_in(
        &mut tx,
        NewInvoice {
            customer_id,
            subscription_id: Some(subscription_id),
            period: None,
            due_date: Some(due),
            charges: vec![Charge {
                description: "Rumah 10 Mbps, Desember 2026".into(),
                amount: Rupiah::new(150_000),
            }],
        },
        Issuing {
            tax: TaxRule {
                basis_points: 0,
                prices_include_tax: false,
            },
            timezone: chrono_tz::Asia::Jakarta,
            due_days: 7,
        },
        today(),
        ADMIN,
    )
    .await
    .unwrap();
    tx.commit().await.unwrap();
    id
}

#[sqlx::test(migrator = "billing::core::db::MIGRATOR")]
async fn isolation_moves_an_unpaid_subscriber_to_the_isolation_profile_and_paying_resumes_it(
    pool: PgPool,
) {
    let s = setup(&pool).await;
    // The router's isolation setting names a profile it does not have yet: it is made there.
    subscriptions::set_isolation_profile(&pool, s.router_id, Some("isolir"), ADMIN)
        .await
        .unwrap();
    drain(&s.services).await;
    assert!(
        s.sim
            .ppp_profiles()
            .iter()
            .any(|p| p.get("name") == Some("isolir"))
    );
    let budi = customer(&pool, "Budi", "081234567801").await;
    let siti = customer(&pool, "Siti", "081234567802").await;
    let late = s
        .services
        .subscriptions
        .create(subscription(budi, s.plan_10, Some("budi")), today(), ADMIN)
        .await
        .unwrap();
    let recent = s
        .services
        .subscriptions
        .create(subscription(siti, s.plan_10, Some("siti")), today(), ADMIN)
        .await
        .unwrap();
    drain(&s.services).await;
    s.sim.login_ppp_secret("budi").unwrap();
    s.sim.login_ppp_secret("siti").unwrap();
    // Invoices are due no earlier than their day of issue: the run is dated four days on.
    let issued = today();
    let run_day = issued + chrono::Days::new(4);
    let invoice = overdue_invoice(&pool, budi, late.id, issued).await;
    // Siti's invoice is overdue by one day only on the run's day: within the grace period of three.
    overdue_invoice(&pool, siti, recent.id, issued + chrono::Days::new(3)).await;

    let isolated = billing::money::standing::isolate_overdue(&pool, run_day, 3)
        .await
        .unwrap();
    assert_eq!(isolated, vec![late.id]);
    assert!(
        billing::money::standing::isolate_overdue(&pool, run_day, 3)
            .await
            .unwrap()
            .is_empty(),
        "isolated once"
    );
    drain(&s.services).await;
    let on_router = secret(&s.sim, "budi").unwrap();
    assert_eq!(field(&on_router, "profile").as_deref(), Some("isolir"));
    assert_eq!(field(&on_router, "disabled").as_deref(), Some("false"));
    assert!(!online(&s.sim, "budi"), "kicked, to reconnect isolated");
    assert!(
        online(&s.sim, "siti"),
        "Siti is still within the grace period"
    );
    assert_eq!(
        s.services.subscriptions.get(late.id).await.unwrap().status,
        SubscriptionStatus::Isolated
    );

    // Budi reconnects (isolated), then pays at the counter: the settlement resumes him.
    s.sim.login_ppp_secret("budi").unwrap();
    payments::pay_at_counter(
        &pool,
        invoice,
        PaymentInput {
            amount: Rupiah::new(150_000),
            method: PaymentMethod::Cash,
            note: None,
            request_key: "pay-budi-0001".into(),
            reference: None,
        },
        today(),
        ADMIN,
    )
    .await
    .unwrap();
    assert_eq!(
        s.services.subscriptions.get(late.id).await.unwrap().status,
        SubscriptionStatus::Active
    );
    drain(&s.services).await;
    assert_eq!(
        field(&secret(&s.sim, "budi").unwrap(), "profile").as_deref(),
        Some("pppoe-10m")
    );
    assert!(
        !online(&s.sim, "budi"),
        "kicked again, to reconnect at full speed"
    );

    // Without an isolation profile, isolation disables the secret.
    subscriptions::set_isolation_profile(&pool, s.router_id, None, ADMIN)
        .await
        .unwrap();
    s.services
        .subscriptions
        .act(recent.id, SubscriptionAction::Isolate, today(), ADMIN)
        .await
        .unwrap();
    drain(&s.services).await;
    let on_router = secret(&s.sim, "siti").unwrap();
    assert_eq!(field(&on_router, "disabled").as_deref(), Some("true"));
    assert_eq!(field(&on_router, "profile").as_deref(), Some("pppoe-10m"));
    assert!(!online(&s.sim, "siti"));
    // Resuming a closed subscription is refused.
    s.services
        .subscriptions
        .act(recent.id, SubscriptionAction::Close, today(), ADMIN)
        .await
        .unwrap();
    let refused = s
        .services
        .subscriptions
        .act(recent.id, SubscriptionAction::Resume, today(), ADMIN)
        .await;
    assert!(
        matches!(refused, Err(SubscriptionError::Transition { .. })),
        "{refused:?}"
    );
}

async fn add_profile(services: &Services, router_id: i64, name: &str) {
    let client = services.routers.client(router_id).await.unwrap();
    client
        .ppp_profiles()
        .add(&routeros::NewPppProfile {
            name: name.into(),
            ..Default::default()
        })
        .await
        .unwrap();
}

async fn add_secret(
    services: &Services,
    router_id: i64,
    name: &str,
    profile: &str,
    comment: Option<&str>,
) {
    let client = services.routers.client(router_id).await.unwrap();
    client
        .ppp_secrets()
        .add(&routeros::NewPppSecret {
            name: name.into(),
            password: Some(format!("{name}-pw")),
            profile: Some(profile.into()),
            service: Some("pppoe".into()),
            comment: comment.map(Into::into),
            ..Default::default()
        })
        .await
        .unwrap();
}

#[sqlx::test(migrator = "billing::core::db::MIGRATOR")]
async fn importing_a_routers_secrets_twice_adds_them_once(pool: PgPool) {
    let s = setup(&pool).await;
    let known = customer(&pool, "Budi Santoso", "081234567801").await;
    add_secret(
        &s.services,
        s.router_id,
        "budi-rumah",
        "pppoe-10m",
        Some("Budi 0812-3456-7801"),
    )
    .await;
    add_profile(&s.services, s.router_id, "paket-lama").await;
    add_secret(
        &s.services,
        s.router_id,
        "warung-siti",
        "paket-lama",
        Some("Siti Warung 085712345678"),
    )
    .await;
    add_secret(
        &s.services,
        s.router_id,
        "tanpa-nomor",
        "pppoe-10m",
        Some("Pak RT"),
    )
    .await;

    let preview = s
        .services
        .subscriptions
        .import_preview(s.router_id)
        .await
        .unwrap();
    assert_eq!(preview.candidates.len(), 3);
    let budi = preview
        .candidates
        .iter()
        .find(|c| c.pppoe_username == "budi-rumah")
        .unwrap();
    assert_eq!(
        (budi.customer_id, budi.plan_id),
        (Some(known), Some(s.plan_10))
    );
    let siti = preview
        .candidates
        .iter()
        .find(|c| c.pppoe_username == "warung-siti")
        .unwrap();
    assert_eq!(
        (siti.plan_id, siti.plan_name.as_str()),
        (None, "paket-lama")
    );
    assert_eq!(siti.customer_name, "Siti Warung");

    let outcome = s
        .services
        .subscriptions
        .import(s.router_id, ImportRequest::default(), today(), ADMIN)
        .await
        .unwrap();
    assert_eq!(
        (
            outcome.subscriptions_created,
            outcome.customers_created,
            outcome.plans_created
        ),
        (2, 1, 1)
    );
    assert_eq!(
        outcome.skipped.len(),
        1,
        "the secret without a number waits for one"
    );
    assert_eq!(outcome.skipped[0].pppoe_username, "tanpa-nomor");

    // Again, with the missing number: only that one is added.
    let mut request = ImportRequest::default();
    request
        .whatsapp
        .insert("tanpa-nomor".into(), "0813-1111-2222".into());
    let again = s
        .services
        .subscriptions
        .import(s.router_id, request.clone(), today(), ADMIN)
        .await
        .unwrap();
    assert_eq!(
        (
            again.subscriptions_created,
            again.customers_created,
            again.plans_created
        ),
        (1, 1, 0)
    );
    let third = s
        .services
        .subscriptions
        .import(s.router_id, request, today(), ADMIN)
        .await
        .unwrap();
    assert_eq!(
        (
            third.subscriptions_created,
            third.customers_created,
            third.plans_created
        ),
        (0, 0, 0)
    );
    let preview = s
        .services
        .subscriptions
        .import_preview(s.router_id)
        .await
        .unwrap();
    assert_eq!((preview.candidates.len(), preview.already_imported), (0, 3));

    // An imported secret is ours by its name: suspending it disables it, its comment is kept.
    let imported = s
        .services
        .subscriptions
        .list(&subscriptions::SubscriptionFilter {
            customer_id: Some(known),
            limit: 10,
            ..Default::default()
        })
        .await
        .unwrap()
        .subscriptions
        .remove(0);
    assert_eq!(imported.origin, "imported");
    let read = s.services.subscriptions.get(imported.id).await.unwrap();
    assert_eq!(read.pppoe_password.as_deref(), Some("budi-rumah-pw"));
    s.services
        .subscriptions
        .act(imported.id, SubscriptionAction::Suspend, today(), ADMIN)
        .await
        .unwrap();
    drain(&s.services).await;
    let on_router = secret(&s.sim, "budi-rumah").unwrap();
    assert_eq!(field(&on_router, "disabled").as_deref(), Some("true"));
    assert_eq!(
        field(&on_router, "comment").as_deref(),
        Some("Budi 0812-3456-7801")
    );
    assert_eq!(
        field(&on_router, "password").as_deref(),
        Some("budi-rumah-pw"),
        "its password is kept"
    );
}

#[sqlx::test(migrator = "billing::core::db::MIGRATOR")]
async fn reconciliation_remakes_missing_secrets_reports_hand_changes_and_leaves_strangers(
    pool: PgPool,
) {
    let s = setup(&pool).await;
    let customers = [("ani", Some("ani")), ("bayu", Some("bayu"))];
    let subs = s.subscribe(&pool, &customers, "08123456780").await;
    add_secret(&s.services, s.router_id, "tetangga", "default", None).await;
    drain(&s.services).await;

    // By hand on the router: Ani's secret removed, Bayu's moved to another profile.
    let client = s.services.routers.client(s.router_id).await.unwrap();
    let secrets = client.ppp_secrets();
    let ani = secrets.find_by_name("ani").await.unwrap().unwrap();
    secrets.remove(&ani.id).await.unwrap();
    let bayu = secrets.find_by_name("bayu").await.unwrap().unwrap();
    secrets
        .set(
            &bayu.id,
            &routeros::PppSecretChanges {
                profile: Some("default".into()),
                ..Default::default()
            },
        )
        .await
        .unwrap();

    let report = s.services.reconcile(s.router_id).await.unwrap();
    assert_eq!((report.secrets_recreated, report.secrets_drifted), (1, 1));
    drain(&s.services).await;
    assert_eq!(
        field(&secret(&s.sim, "ani").unwrap(), "profile").as_deref(),
        Some("pppoe-10m")
    );
    let bayu = s.services.subscriptions.get(subs[1].id).await.unwrap();
    assert_eq!(bayu.router_state, SecretState::Drifted);
    assert!(
        bayu.router_error
            .unwrap()
            .contains("profile is default on the router")
    );
    assert_eq!(
        field(&secret(&s.sim, "tetangga").unwrap(), "profile").as_deref(),
        Some("default")
    );

    // A stranger's secret with a subscription's name is never taken over.
    let c = customer(&pool, "Tetangga", "081234567809").await;
    let clash = s
        .services
        .subscriptions
        .create(subscription(c, s.plan_10, Some("tetangga")), today(), ADMIN)
        .await
        .unwrap();
    drain(&s.services).await;
    let clash = s.services.subscriptions.get(clash.id).await.unwrap();
    assert_eq!(clash.router_state, SecretState::Failed);
    assert!(
        clash
            .router_error
            .unwrap()
            .contains("not made by the billing")
    );
    assert_eq!(
        field(&secret(&s.sim, "tetangga").unwrap(), "password").as_deref(),
        Some("tetangga-pw")
    );
}

#[sqlx::test(migrator = "billing::core::db::MIGRATOR")]
async fn live_sessions_come_from_the_router(pool: PgPool) {
    let s = setup(&pool).await;
    let c = customer(&pool, "Budi", "081234567801").await;
    let sub = s
        .services
        .subscriptions
        .create(subscription(c, s.plan_10, Some("budi")), today(), ADMIN)
        .await
        .unwrap();
    drain(&s.services).await;
    let sessions = s
        .services
        .subscriptions
        .sessions(std::slice::from_ref(&sub))
        .await;
    assert!(!sessions[0].online);
    s.sim.login_ppp_secret("budi").unwrap();
    let sessions = s
        .services
        .subscriptions
        .sessions(std::slice::from_ref(&sub))
        .await;
    assert!(sessions[0].online, "{sessions:?}");
    assert!(sessions[0].address.is_some());

    // Several subscribers of one router are asked about at once; each gets its own session.
    let mut subs = vec![sub];
    let customers = [("siti", Some("siti")), ("agus", Some("agus"))];
    subs.extend(s.subscribe(&pool, &customers, "08123456781").await);
    drain(&s.services).await;
    s.sim.login_ppp_secret("agus").unwrap();
    let online: Vec<(i64, bool)> = s
        .services
        .subscriptions
        .sessions(&subs)
        .await
        .iter()
        .map(|x| (x.subscription_id, x.online))
        .collect();
    assert_eq!(
        online,
        vec![(subs[0].id, true), (subs[1].id, false), (subs[2].id, true)]
    );
}
