//! Demo data for a newcomer's first look: known logins, printed by the run command.
//! Idempotent: running it again leaves existing rows alone.

use crate::identity::accounts::{self, CreateStaffError, InsertCustomerError};
use crate::identity::password;
use domain::{EmailAddress, PersonName, Role, WhatsappNumber};
use secrecy::SecretString;
use sqlx::PgPool;

pub struct DemoLogin {
    pub role: Role,
    pub username: &'static str,
    pub password: &'static str,
}

pub const STAFF: [(&str, &str, &str, Role); 2] = [
    ("admin", "Admin Demo", "admin12345", Role::Admin),
    ("kasir", "Kasir Demo", "kasir12345", Role::Staff),
];

/// (name, WhatsApp, email, password)
pub const CUSTOMERS: [(&str, &str, &str, &str); 3] = [
    (
        "Budi Santoso",
        "081234567801",
        "budi@example.com",
        "budi12345",
    ),
    (
        "Siti Rahayu",
        "081234567802",
        "siti@example.com",
        "siti12345",
    ),
    (
        "Agus Wijaya",
        "081234567803",
        "agus@example.com",
        "agus12345",
    ),
];

pub fn logins() -> Vec<DemoLogin> {
    STAFF
        .iter()
        .map(|(username, _, password, role)| DemoLogin {
            role: *role,
            username,
            password,
        })
        .chain(CUSTOMERS.iter().map(|(_, _, email, password)| DemoLogin {
            role: Role::Customer,
            username: email,
            password,
        }))
        .collect()
}

/// Demo data never goes into a production database: its accounts have published passwords.
pub fn refuse_in_production(mode: crate::core::config::Mode) -> Result<(), &'static str> {
    match mode {
        crate::core::config::Mode::Production => Err(
            "the demo data has published passwords and is never loaded in production mode; \
             create the real admin with `server create-admin`",
        ),
        crate::core::config::Mode::Development => Ok(()),
    }
}

pub async fn seed(pool: &PgPool) -> Result<(), sqlx::Error> {
    for (username, name, pass, role) in STAFF {
        match accounts::create_staff(pool, username, name, SecretString::from(pass), role).await {
            Ok(_) | Err(CreateStaffError::DuplicateUsername) => {}
            Err(CreateStaffError::Database(e)) => return Err(e),
            Err(other) => panic!("demo staff user {username} is invalid: {other}"),
        }
    }
    for (name, whatsapp, email, pass) in CUSTOMERS {
        let name = PersonName::parse(name).expect("demo name is valid");
        let whatsapp = WhatsappNumber::parse(whatsapp).expect("demo number is valid");
        let email = EmailAddress::parse(email).expect("demo email is valid");
        let hash = password::hash(SecretString::from(pass)).await;
        let mut conn = pool.acquire().await?;
        match accounts::insert_customer(&mut conn, &name, &whatsapp, Some(&email), Some(&hash))
            .await
        {
            Ok(_)
            | Err(InsertCustomerError::DuplicateWhatsapp | InsertCustomerError::DuplicateEmail) => {
            }
            Err(InsertCustomerError::Database(e)) => return Err(e),
        }
    }
    Ok(())
}

/// The demo's router: the simulator the run command starts.
pub const ROUTER_NAME: &str = "Router Demo (simulasi)";
/// The demo router's hotspot login page, which the QR codes on its vouchers open.
pub const DEMO_HOTSPOT_LOGIN_URL: &str = "http://hotspot.lan/login";

struct DemoPlan {
    name: &'static str,
    price: i64,
    validity: &'static str,
    time_quota: Option<&'static str>,
    profile: &'static str,
    rate_limit: &'static str,
}

const PLANS: [DemoPlan; 4] = [
    DemoPlan {
        name: "3 Jam",
        price: 3_000,
        validity: "3h",
        time_quota: Some("3h"),
        profile: "voucher-3h",
        rate_limit: "1M/2M",
    },
    DemoPlan {
        name: "1 Hari",
        price: 5_000,
        validity: "1d",
        time_quota: None,
        profile: "voucher-1d",
        rate_limit: "2M/5M",
    },
    DemoPlan {
        name: "7 Hari",
        price: 25_000,
        validity: "7d",
        time_quota: None,
        profile: "voucher-7d",
        rate_limit: "3M/10M",
    },
    DemoPlan {
        name: "30 Hari",
        price: 75_000,
        validity: "30d",
        time_quota: None,
        profile: "voucher-30d",
        rate_limit: "5M/20M",
    },
];

/// Registers the simulated router with a few plans and a first batch of vouchers, unless a router
/// of that name exists. The server's outbox worker then creates the users on the simulator.
pub async fn seed_router(
    services: &crate::services::Services,
    host: &str,
    port: u16,
    username: &str,
    password: &str,
) -> Result<bool, Box<dyn std::error::Error + Send + Sync>> {
    let exists: bool = sqlx::query_scalar!(
        "SELECT EXISTS (SELECT 1 FROM routers WHERE name = $1) AS \"e!\"",
        ROUTER_NAME
    )
    .fetch_one(&services.pool)
    .await?;
    if exists {
        return Ok(false);
    }
    let actor = crate::core::audit::Actor::System;
    let router = services
        .routers
        .create(
            domain::model::routers::RouterInput {
                name: ROUTER_NAME.to_owned(),
                host: host.to_owned(),
                port: Some(port),
                use_tls: false,
                tls_fingerprint: None,
                username: username.to_owned(),
                password: Some(password.to_owned()),
                hotspot_login_url: Some(DEMO_HOTSPOT_LOGIN_URL.to_owned()),
            },
            actor,
        )
        .await?;
    let mut daily_plan = None;
    for demo in PLANS {
        let plan = crate::hotspot::plans::create_plan(
            &services.pool,
            domain::model::plans::PlanInput {
                kind: domain::model::plans::PlanKind::Hotspot,
                router_id: router.id,
                name: demo.name.to_owned(),
                price: demo.price,
                validity: demo.validity.to_owned(),
                time_quota: demo.time_quota.map(str::to_owned),
                data_quota_mb: None,
                profile: demo.profile.to_owned(),
                rate_limit: Some(demo.rate_limit.to_owned()),
                shared_users: Some(1),
            },
            actor,
        )
        .await?;
        if demo.validity == "1d" {
            daily_plan = Some(plan.id);
        }
    }
    // Monthly PPPoE plans: their /ppp/profile reaches the simulated router through the outbox.
    let mut pppoe_plans = Vec::new();
    for (name, price, profile, rate_limit) in [
        ("Rumah 10 Mbps", 150_000, "pppoe-10m", "5M/10M"),
        ("Rumah 20 Mbps", 200_000, "pppoe-20m", "10M/20M"),
    ] {
        let plan = crate::hotspot::plans::create_plan(
            &services.pool,
            domain::model::plans::PlanInput {
                kind: domain::model::plans::PlanKind::Pppoe,
                router_id: router.id,
                name: name.to_owned(),
                price,
                profile: profile.to_owned(),
                rate_limit: Some(rate_limit.to_owned()),
                ..Default::default()
            },
            actor,
        )
        .await?;
        pppoe_plans.push(plan.id);
    }
    seed_subscribers(services, router.id, &pppoe_plans).await?;
    crate::hotspot::vouchers::create_batch(
        &services.pool,
        domain::model::vouchers::BatchInput {
            plan_id: daily_plan.expect("the demo has a one-day plan"),
            quantity: 20,
            code_length: Some(6),
            alphabet: None,
            prefix: "DM".to_owned(),
            password_mode: None,
            comment: Some("Batch demo".to_owned()),
        },
        actor,
    )
    .await?;
    Ok(true)
}

/// PPPoE subscribers on the demo router: the three demo logins and a few billed customers, one
/// of them isolated (the router's isolation profile `isolir`, a slow one, is made there too).
async fn seed_subscribers(
    services: &crate::services::Services,
    router_id: i64,
    plans: &[i64],
) -> Result<(), Box<dyn std::error::Error + Send + Sync>> {
    use crate::core::audit::Actor;
    use domain::model::subscriptions::{SubscriptionAction, SubscriptionInput};
    let mut tx = services.pool.begin().await?;
    crate::outbox::enqueue(
        &mut tx,
        router_id,
        &crate::routers::ppp_jobs::PppoeJob::EnsurePppProfile {
            name: "isolir".to_owned(),
            rate_limit: Some("256k/256k".to_owned()),
        },
    )
    .await?;
    tx.commit().await?;
    crate::pppoe::subscriptions::set_isolation_profile(
        &services.pool,
        router_id,
        Some("isolir"),
        Actor::System,
    )
    .await?;
    let customers: Vec<(i64, String)> =
        sqlx::query!("SELECT id, name FROM customers ORDER BY id LIMIT 6")
            .fetch_all(&services.pool)
            .await?
            .into_iter()
            .map(|r| (r.id, r.name))
            .collect();
    let today = services.today();
    for (n, (customer_id, _)) in customers.iter().enumerate() {
        let subscription = services
            .subscriptions
            .create(
                SubscriptionInput {
                    customer_id: *customer_id,
                    plan_id: plans[n % plans.len()],
                    pppoe_username: None,
                    pppoe_password: None,
                    billing_day: Some((n as i16 * 5) % 28 + 1),
                    start_date: None,
                },
                today,
                Actor::System,
            )
            .await?;
        // The third demo login (Agus) is behind on his bill.
        if n == 2 {
            services
                .subscriptions
                .act(
                    subscription.id,
                    SubscriptionAction::Isolate,
                    today,
                    Actor::System,
                )
                .await?;
        }
    }
    Ok(())
}

/// Names of the demo's billed customers (besides the three who log in).
const BILLED: [&str; 30] = [
    "Andi Pratama",
    "Dewi Lestari",
    "Rudi Hartono",
    "Sri Wahyuni",
    "Joko Susilo",
    "Rina Marlina",
    "Bambang Setiawan",
    "Yuni Astuti",
    "Hendra Gunawan",
    "Fitri Handayani",
    "Eko Prasetyo",
    "Nur Aini",
    "Dedi Kurniawan",
    "Ratna Sari",
    "Agung Nugroho",
    "Wulan Purnama",
    "Taufik Hidayat",
    "Lina Marlina",
    "Irfan Hakim",
    "Maya Anggraini",
    "Yusuf Ramadhan",
    "Putri Ayu",
    "Arif Rahman",
    "Indah Permata",
    "Wahyu Saputra",
    "Nina Kartika",
    "Fajar Nugraha",
    "Tuti Alawiyah",
    "Rizky Maulana",
    "Sari Dewi",
];

/// Customers with invoices in every state: paid exactly, partly paid (debt carried to the next
/// invoice), overpaid (credit), unpaid; the three demo logins among them, so their portal has
/// something to show. Only when no invoice exists yet, so running it again adds nothing.
pub async fn seed_money(
    pool: &PgPool,
    issuing: crate::money::invoices::Issuing,
    today: chrono::NaiveDate,
) -> Result<(), crate::money::error::MoneyError> {
    use crate::core::audit::Actor;
    use crate::money::{customers, invoices, payments};
    use domain::Rupiah;
    use domain::model::customers::CustomerInput;
    use domain::model::invoices::{InvoiceInput, LineInput, PaymentInput, PaymentMethod};

    let any: bool = sqlx::query_scalar!(r#"SELECT EXISTS (SELECT 1 FROM invoices) AS "any!""#)
        .fetch_one(pool)
        .await?;
    if any {
        return Ok(());
    }
    let mut ids: Vec<i64> = sqlx::query_scalar!(
        "SELECT id FROM customers WHERE whatsapp = ANY($1) ORDER BY whatsapp",
        &CUSTOMERS
            .iter()
            .map(|(_, w, _, _)| WhatsappNumber::parse(w)
                .expect("demo number")
                .as_str()
                .to_owned())
            .collect::<Vec<_>>()
    )
    .fetch_all(pool)
    .await?;
    for (n, name) in BILLED.iter().enumerate() {
        let customer = customers::create(
            pool,
            CustomerInput {
                name: (*name).to_owned(),
                whatsapp: format!("08570000{n:04}"),
                email: None,
                address: Some(format!(
                    "Jl. Mawar {} RT 0{}/RW 0{}",
                    n + 1,
                    n % 9 + 1,
                    n % 5 + 1
                )),
                notes: None,
                status: None,
            },
            Actor::System,
        )
        .await?;
        ids.push(customer.id);
    }
    let plans = [
        ("Internet 10 Mbps", 150_000),
        ("Internet 20 Mbps", 200_000),
        ("Internet 5 Mbps", 100_000),
    ];
    for (n, customer_id) in ids.into_iter().enumerate() {
        let (plan, price) = plans[n % plans.len()];
        let issue = |month: &str| InvoiceInput {
            customer_id,
            due_date: None,
            lines: vec![LineInput {
                description: format!("{plan}, {month}"),
                amount: Rupiah::new(price),
            }],
        };
        let pay = |amount: i64, key: String| PaymentInput {
            amount: Rupiah::new(amount),
            method: if n % 3 == 0 {
                PaymentMethod::Transfer
            } else {
                PaymentMethod::Cash
            },
            note: None,
            reference: (n % 3 == 0).then(|| format!("BCA {}", 7_100 + n)),
            request_key: key,
        };
        // Last month's invoice: paid exactly, in part, or with more than due.
        let first =
            invoices::issue(pool, issue("bulan lalu"), issuing, today, Actor::System).await?;
        let paid = match n % 4 {
            0 | 1 => price,
            2 => price - 40_000,
            _ => price + 25_000,
        };
        payments::pay_at_counter(
            pool,
            first.id,
            pay(paid, format!("demo-{n:03}-1")),
            today,
            Actor::System,
        )
        .await?;
        // This month's: carries the debt or the credit; every other one is paid already.
        let second =
            invoices::issue(pool, issue("bulan ini"), issuing, today, Actor::System).await?;
        if n % 2 == 1 && second.outstanding > Rupiah::ZERO {
            payments::pay_at_counter(
                pool,
                second.id,
                // Some pay ahead: credit for next month.
                pay(
                    second.outstanding.amount() + if n % 4 == 3 { 10_000 } else { 0 },
                    format!("demo-{n:03}-2"),
                ),
                today,
                Actor::System,
            )
            .await?;
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::config::Mode;

    #[test]
    fn the_demo_is_refused_in_production() {
        assert!(refuse_in_production(Mode::Development).is_ok());
        let refusal = refuse_in_production(Mode::Production).unwrap_err();
        assert!(refusal.contains("production"), "{refusal}");
    }
}
