//! PPPoE subscriptions: a customer's monthly service on a router. Every change is written with
//! its router work in one transaction: the row becomes `pending` (its `version` bumped) and the
//! router's secret sync is queued in the outbox (see [`crate::pppoe::secrets`]), which
//! makes `/ppp/secret` follow the row. What service was given, day by day, is recorded in
//! `service_changes` (the plan from a day on, or none while suspended or closed), which the
//! invoice run bills; who is isolated and resumed for money is decided by `money::standing`,
//! which calls [`isolate_customers`] and [`resume_customers`] here.

use crate::core::audit::{self, Actor};
use crate::core::crypto::SecretBox;
use crate::pppoe::secrets::{self, password_owner};
use crate::routers::RouterService;
use chrono::{Datelike, NaiveDate};
use domain::model::subscriptions::{
    PppSession, Subscription, SubscriptionAction, SubscriptionInput, SubscriptionPage,
};
use domain::{ErrorCode, FieldError, Rupiah, SecretState, SubscriptionStatus};
use rand::Rng;
use sqlx::{PgConnection, PgPool};
use std::collections::BTreeMap;
use std::time::Duration;

use crate::core::problem::{Explain, Problem};

/// How long a page waits for a router's live sessions.
const SESSION_WAIT: Duration = Duration::from_secs(3);
/// Characters of generated PPPoE passwords: no look-alikes (0/O, 1/l/I).
const PASSWORD_ALPHABET: &[u8] = b"abcdefghjkmnpqrstuvwxyz23456789";

#[derive(Debug, thiserror::Error)]
pub enum SubscriptionError {
    #[error(transparent)]
    Invalid(#[from] FieldError),
    #[error("no subscription with this id")]
    NotFound,
    #[error("no customer with this id")]
    CustomerNotFound,
    #[error("the customer is closed")]
    CustomerClosed,
    #[error("not a PPPoE plan of the subscription's router")]
    PlanNotPppoe,
    #[error("another subscription on this router has this PPPoE username")]
    UsernameTaken,
    #[error("a {from} subscription cannot be {action}d", from = .from.as_str(), action = .action.as_str())]
    Transition {
        from: SubscriptionStatus,
        action: SubscriptionAction,
    },
    #[error("only a closed subscription is deleted")]
    NotClosed,
    #[error("the stored PPPoE password cannot be opened (wrong encryption key?)")]
    Sealed,
    #[error(transparent)]
    Router(#[from] crate::routers::RouterError),
    #[error(transparent)]
    Database(#[from] sqlx::Error),
}

impl Explain for SubscriptionError {
    fn problem(&self) -> Problem {
        let conflict = |field, code| Problem::Conflict {
            field: Some(field),
            code,
        };
        match self {
            SubscriptionError::Invalid(e) => e.problem(),
            SubscriptionError::NotFound => Problem::NotFound {
                field: "subscription_id",
                code: ErrorCode::SubscriptionNotFound,
            },
            SubscriptionError::CustomerNotFound => Problem::NotFound {
                field: "customer_id",
                code: ErrorCode::CustomerNotFound,
            },
            SubscriptionError::CustomerClosed => conflict("customer_id", ErrorCode::CustomerClosed),
            SubscriptionError::PlanNotPppoe => Problem::Invalid {
                field: "plan_id",
                code: ErrorCode::PlanNotPppoe,
            },
            SubscriptionError::UsernameTaken => {
                conflict("pppoe_username", ErrorCode::PppoeUsernameTaken)
            }
            SubscriptionError::Transition { .. } => {
                conflict("status", ErrorCode::SubscriptionTransition)
            }
            SubscriptionError::NotClosed => conflict("status", ErrorCode::SubscriptionNotClosed),
            SubscriptionError::Router(e) => e.problem(),
            SubscriptionError::Sealed | SubscriptionError::Database(_) => Problem::Internal,
        }
    }
}

fn invalid(field: &'static str, code: ErrorCode, message: &str) -> SubscriptionError {
    SubscriptionError::Invalid(FieldError::new(field, code, message))
}

/// A PPPoE username as we make or accept them: 1–64 of `A-Z a-z 0-9 . _ - @`.
pub fn check_username(name: &str) -> Result<String, SubscriptionError> {
    let name = name.trim();
    if name.is_empty()
        || name.len() > 64
        || !name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-' | '@'))
    {
        return Err(invalid(
            "pppoe_username",
            ErrorCode::PppoeUsername,
            "a PPPoE username is 1–64 letters, digits, '.', '_', '-' or '@'",
        ));
    }
    Ok(name.to_owned())
}

fn check_password(password: &str) -> Result<String, SubscriptionError> {
    if !(6..=64).contains(&password.len()) || !password.chars().all(|c| c.is_ascii_graphic()) {
        return Err(invalid(
            "pppoe_password",
            ErrorCode::PppoePassword,
            "a PPPoE password is 6–64 visible characters without spaces",
        ));
    }
    Ok(password.to_owned())
}

fn generate_password() -> String {
    let mut rng = rand::rng();
    (0..10)
        .map(|_| PASSWORD_ALPHABET[rng.random_range(0..PASSWORD_ALPHABET.len())] as char)
        .collect()
}

/// The billing day of a subscription starting on `start`: its day, or 28 past the 28th.
pub fn billing_day_of(start: NaiveDate) -> i16 {
    start.day().min(28) as i16
}

pub(crate) fn check_billing_day(day: i16) -> Result<i16, SubscriptionError> {
    if !(1..=28).contains(&day) {
        return Err(invalid(
            "billing_day",
            ErrorCode::BillingDay,
            "the billing day is 1 to 28",
        ));
    }
    Ok(day)
}

/// A username made from the customer's first name and id (`budi1042`), free on the router.
async fn free_username(
    conn: &mut PgConnection,
    router_id: i64,
    customer_id: i64,
    customer_name: &str,
) -> Result<String, sqlx::Error> {
    let word: String = customer_name
        .split_whitespace()
        .next()
        .unwrap_or_default()
        .chars()
        .filter(char::is_ascii_alphanumeric)
        .take(20)
        .collect::<String>()
        .to_ascii_lowercase();
    let base = if word.is_empty() {
        format!("pppoe{customer_id}")
    } else {
        format!("{word}{customer_id}")
    };
    let taken: Vec<String> = sqlx::query_scalar!(
        "SELECT pppoe_username FROM subscriptions
         WHERE router_id = $1 AND (pppoe_username = $2 OR pppoe_username LIKE $2 || '-%')",
        router_id,
        base
    )
    .fetch_all(&mut *conn)
    .await?;
    if !taken.contains(&base) {
        return Ok(base);
    }
    let n = (2..)
        .find(|n| !taken.contains(&format!("{base}-{n}")))
        .expect("some suffix is free");
    Ok(format!("{base}-{n}"))
}

/// Which subscriptions to list.
#[derive(Debug, Clone, Default)]
pub struct SubscriptionFilter {
    pub customer_id: Option<i64>,
    pub router_id: Option<i64>,
    pub status: Option<SubscriptionStatus>,
    /// Keyset: ids after this one.
    pub after: Option<i64>,
    pub limit: i64,
}

/// Subscriptions, their secrets on routers, and their live sessions.
#[derive(Clone, Debug)]
pub struct SubscriptionService {
    pool: PgPool,
    secrets: SecretBox,
    routers: RouterService,
}

struct Row {
    id: i64,
    customer_id: i64,
    customer_name: String,
    plan_id: i64,
    plan_name: String,
    price: i64,
    router_id: i64,
    router_name: String,
    pppoe_username: String,
    pppoe_password_sealed: Vec<u8>,
    billing_day: i16,
    start_date: NaiveDate,
    status: SubscriptionStatus,
    origin: String,
    router_state: SecretState,
    router_error: Option<String>,
    isolated_at: Option<chrono::DateTime<chrono::Utc>>,
    created_at: chrono::DateTime<chrono::Utc>,
}

impl Row {
    fn into_subscription(self, password: Option<String>) -> Subscription {
        Subscription {
            id: self.id,
            customer_id: self.customer_id,
            customer_name: self.customer_name,
            plan_id: self.plan_id,
            plan_name: self.plan_name,
            price: Rupiah::new(self.price),
            router_id: self.router_id,
            router_name: self.router_name,
            pppoe_username: self.pppoe_username,
            pppoe_password: password,
            billing_day: self.billing_day,
            start_date: self.start_date,
            status: self.status,
            origin: self.origin,
            router_state: self.router_state,
            router_error: self.router_error,
            isolated_at: self.isolated_at,
            created_at: self.created_at,
        }
    }
}

impl SubscriptionService {
    pub fn new(pool: PgPool, secrets: SecretBox, routers: RouterService) -> Self {
        SubscriptionService {
            pool,
            secrets,
            routers,
        }
    }

    /// Creates a subscription and queues its secret for the router.
    pub async fn create(
        &self,
        input: SubscriptionInput,
        today: NaiveDate,
        actor: Actor,
    ) -> Result<Subscription, SubscriptionError> {
        let password = match input.pppoe_password.as_deref() {
            Some(p) => check_password(p)?,
            None => generate_password(),
        };
        let given_username = input
            .pppoe_username
            .as_deref()
            .map(check_username)
            .transpose()?;
        let start_date = input.start_date.unwrap_or(today);
        let billing_day = check_billing_day(
            input
                .billing_day
                .unwrap_or_else(|| billing_day_of(start_date)),
        )?;
        let mut tx = self.pool.begin().await?;
        let customer = sqlx::query!(
            "SELECT name, status FROM customers WHERE id = $1 FOR SHARE",
            input.customer_id
        )
        .fetch_optional(&mut *tx)
        .await?
        .ok_or(SubscriptionError::CustomerNotFound)?;
        if customer.status == "closed" {
            return Err(SubscriptionError::CustomerClosed);
        }
        let router_id = pppoe_plan_router(&mut tx, input.plan_id).await?;
        let username = match given_username {
            Some(u) => u,
            None => free_username(&mut tx, router_id, input.customer_id, &customer.name).await?,
        };
        let id = sqlx::query_scalar!("SELECT nextval('subscriptions_id_seq') AS \"id!\"")
            .fetch_one(&mut *tx)
            .await?;
        let sealed = self.secrets.seal(&password, &password_owner(id));
        let inserted = sqlx::query!(
            "INSERT INTO subscriptions (id, customer_id, plan_id, router_id, pppoe_username,
                                        pppoe_password_sealed, billing_day, start_date)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
             ON CONFLICT (router_id, pppoe_username) DO NOTHING",
            id,
            input.customer_id,
            input.plan_id,
            router_id,
            username,
            sealed,
            billing_day,
            start_date
        )
        .execute(&mut *tx)
        .await?
        .rows_affected();
        if inserted == 0 {
            return Err(SubscriptionError::UsernameTaken);
        }
        // Nothing is billed yet: nothing to reconcile.
        sqlx::query!(
            "INSERT INTO service_changes (subscription_id, starts, plan_id, reconciled)
             VALUES ($1, $2, $3, TRUE)",
            id,
            start_date,
            input.plan_id
        )
        .execute(&mut *tx)
        .await?;
        secrets::queue_sync(&mut tx, router_id).await?;
        audit::record(
            &mut *tx,
            actor,
            "subscription.create",
            Some(("subscription", id.to_string())),
            serde_json::json!({ "customer": input.customer_id, "plan": input.plan_id, "username": username }),
        )
        .await?;
        tx.commit().await?;
        self.get(id).await
    }

    /// One subscription, with its PPPoE password.
    pub async fn get(&self, id: i64) -> Result<Subscription, SubscriptionError> {
        let row = self
            .rows(
                &SubscriptionFilter {
                    limit: 1,
                    ..Default::default()
                },
                Some(id),
            )
            .await?
            .pop()
            .ok_or(SubscriptionError::NotFound)?;
        self.with_password(row)
    }

    /// Subscriptions with their PPPoE passwords (a customer's few, for staff), oldest first, at
    /// most `filter.limit` (1–500).
    pub async fn list_with_passwords(
        &self,
        filter: &SubscriptionFilter,
    ) -> Result<Vec<Subscription>, SubscriptionError> {
        let filter = SubscriptionFilter {
            limit: filter.limit.clamp(1, 500),
            ..filter.clone()
        };
        self.rows(&filter, None)
            .await?
            .into_iter()
            .map(|row| self.with_password(row))
            .collect()
    }

    fn with_password(&self, row: Row) -> Result<Subscription, SubscriptionError> {
        let password = self
            .secrets
            .open(&row.pppoe_password_sealed, &password_owner(row.id))
            .map_err(|_| SubscriptionError::Sealed)?;
        Ok(row.into_subscription(Some(password)))
    }

    /// A page of subscriptions (no passwords), oldest first.
    pub async fn list(
        &self,
        filter: &SubscriptionFilter,
    ) -> Result<SubscriptionPage, SubscriptionError> {
        let limit = filter.limit.clamp(1, 500);
        let mut rows = self
            .rows(
                &SubscriptionFilter {
                    limit: limit + 1,
                    ..filter.clone()
                },
                None,
            )
            .await?;
        let next_after = if rows.len() as i64 > limit {
            rows.truncate(limit as usize);
            rows.last().map(|r| r.id)
        } else {
            None
        };
        Ok(SubscriptionPage {
            subscriptions: rows
                .into_iter()
                .map(|r| r.into_subscription(None))
                .collect(),
            next_after,
        })
    }

    async fn rows(
        &self,
        filter: &SubscriptionFilter,
        id: Option<i64>,
    ) -> Result<Vec<Row>, sqlx::Error> {
        sqlx::query_as!(
            Row,
            r#"SELECT s.id, s.customer_id, c.name AS customer_name, s.plan_id, p.name AS plan_name,
                      p.price, s.router_id, r.name AS router_name, s.pppoe_username,
                      s.pppoe_password_sealed, s.billing_day, s.start_date,
                      s.status AS "status: SubscriptionStatus", s.origin,
                      s.router_state AS "router_state: SecretState", s.router_error, s.isolated_at,
                      s.created_at
               FROM subscriptions s
               JOIN customers c ON c.id = s.customer_id
               JOIN plans p ON p.id = s.plan_id
               JOIN routers r ON r.id = s.router_id
               WHERE ($1::BIGINT IS NULL OR s.id = $1)
                 AND ($2::BIGINT IS NULL OR s.customer_id = $2)
                 AND ($3::BIGINT IS NULL OR s.router_id = $3)
                 AND ($4::TEXT IS NULL OR s.status = $4)
                 AND s.id > COALESCE($5::BIGINT, 0)
               ORDER BY s.id
               LIMIT $6"#,
            id,
            filter.customer_id,
            filter.router_id,
            filter.status.map(|s| s.as_str()),
            filter.after,
            filter.limit
        )
        .fetch_all(&self.pool)
        .await
    }

    /// Moves a subscription to another PPPoE plan of its router from `today` on; its session is
    /// ended so that it reconnects with the new profile. The change is recorded for the invoice
    /// run, which credits what was billed for the days from `today` on (tax as billed) and bills
    /// them at the new plan's rate (`money::invoice_run`).
    pub async fn change_plan(
        &self,
        id: i64,
        plan_id: i64,
        today: NaiveDate,
        actor: Actor,
    ) -> Result<Subscription, SubscriptionError> {
        let mut tx = self.pool.begin().await?;
        let current = sqlx::query!(
            r#"SELECT router_id, plan_id, status AS "status: SubscriptionStatus"
               FROM subscriptions WHERE id = $1 FOR UPDATE"#,
            id
        )
        .fetch_optional(&mut *tx)
        .await?
        .ok_or(SubscriptionError::NotFound)?;
        if pppoe_plan_router(&mut tx, plan_id).await? != current.router_id {
            return Err(SubscriptionError::PlanNotPppoe);
        }
        if current.plan_id != plan_id {
            sqlx::query!(
                "UPDATE subscriptions SET plan_id = $2, version = version + 1, router_state = 'pending',
                        router_error = NULL, kick_pending = TRUE, updated_at = now()
                 WHERE id = $1",
                id,
                plan_id
            )
            .execute(&mut *tx)
            .await?;
            // A suspended or closed subscription is not billed until it is resumed, on the plan
            // it then has.
            if matches!(
                current.status,
                SubscriptionStatus::Active | SubscriptionStatus::Isolated
            ) {
                record_service(&mut tx, id, today, Some(plan_id)).await?;
            }
            secrets::queue_sync(&mut tx, current.router_id).await?;
            audit::record(
                &mut *tx,
                actor,
                "subscription.change_plan",
                Some(("subscription", id.to_string())),
                serde_json::json!({ "from": current.plan_id, "to": plan_id, "on": today }),
            )
            .await?;
        }
        tx.commit().await?;
        self.get(id).await
    }

    /// Isolates, resumes, suspends or closes a subscription by hand. Doing what is already
    /// done changes nothing.
    ///
    /// Suspending or closing ends billing from `today` (the run credits what was billed for the
    /// days from then on); resuming a suspended subscription bills it again from `today`, as a
    /// first period. Isolation does not stop billing.
    pub async fn act(
        &self,
        id: i64,
        action: SubscriptionAction,
        today: NaiveDate,
        actor: Actor,
    ) -> Result<Subscription, SubscriptionError> {
        let mut tx = self.pool.begin().await?;
        let row = sqlx::query!(
            r#"SELECT status AS "status: SubscriptionStatus", plan_id FROM subscriptions
               WHERE id = $1 FOR UPDATE"#,
            id
        )
        .fetch_optional(&mut *tx)
        .await?
        .ok_or(SubscriptionError::NotFound)?;
        let status = row.status;
        let target = action.target();
        if status != target {
            use SubscriptionStatus as S;
            let allowed = match action {
                SubscriptionAction::Isolate => status == S::Active,
                SubscriptionAction::Resume => matches!(status, S::Isolated | S::Suspended),
                SubscriptionAction::Suspend => matches!(status, S::Active | S::Isolated),
                SubscriptionAction::Close => true,
            };
            if !allowed {
                return Err(SubscriptionError::Transition {
                    from: status,
                    action,
                });
            }
            let router_id = set_status(&mut tx, id, target).await?;
            let billed = |s: SubscriptionStatus| matches!(s, S::Active | S::Isolated);
            if billed(status) != billed(target) {
                let plan = billed(target).then_some(row.plan_id);
                record_service(&mut tx, id, today, plan).await?;
            }
            secrets::queue_sync(&mut tx, router_id).await?;
            audit::record(
                &mut *tx,
                actor,
                &format!("subscription.{}", action.as_str()),
                Some(("subscription", id.to_string())),
                serde_json::json!({ "from": status.as_str() }),
            )
            .await?;
        }
        tx.commit().await?;
        self.get(id).await
    }

    /// Deletes a closed subscription; its secret is removed from the router.
    pub async fn delete(&self, id: i64, actor: Actor) -> Result<(), SubscriptionError> {
        let mut tx = self.pool.begin().await?;
        let row = sqlx::query!(
            r#"SELECT router_id, pppoe_username, origin, status AS "status: SubscriptionStatus"
               FROM subscriptions WHERE id = $1 FOR UPDATE"#,
            id
        )
        .fetch_optional(&mut *tx)
        .await?
        .ok_or(SubscriptionError::NotFound)?;
        if row.status != SubscriptionStatus::Closed {
            return Err(SubscriptionError::NotClosed);
        }
        sqlx::query!("DELETE FROM subscriptions WHERE id = $1", id)
            .execute(&mut *tx)
            .await?;
        crate::outbox::enqueue(
            &mut tx,
            row.router_id,
            &secrets::SecretJob::RemoveSecret {
                subscription_id: id,
                name: row.pppoe_username.clone(),
                imported: row.origin == "imported",
            },
        )
        .await?;
        audit::record(
            &mut *tx,
            actor,
            "subscription.delete",
            Some(("subscription", id.to_string())),
            serde_json::json!({ "username": row.pppoe_username }),
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }

    /// The live sessions of these subscriptions, asked of their routers at once (at most a few
    /// seconds; a router that does not answer gives sessions with an error).
    pub async fn sessions(&self, subscriptions: &[Subscription]) -> Vec<PppSession> {
        let mut by_router: BTreeMap<i64, Vec<&Subscription>> = BTreeMap::new();
        for s in subscriptions {
            by_router.entry(s.router_id).or_default().push(s);
        }
        let asks = by_router.into_iter().map(|(router_id, subs)| async move {
            let active = tokio::time::timeout(SESSION_WAIT, async {
                let client = self.routers.client(router_id).await?;
                // Only these subscribers' sessions, not every session of the router.
                let query = subs
                    .iter()
                    .enumerate()
                    .fold(routeros::Query::new(), |q, (i, s)| {
                        let q = q.equals("name", &s.pppoe_username);
                        if i == 0 { q } else { q.or() }
                    });
                let rows = client
                    .ppp_active()
                    .print(&query, &[".id", "name", "address", "uptime", "caller-id"])
                    .await
                    .map_err(crate::routers::RouterError::from)?;
                Ok::<_, crate::routers::RouterError>(rows)
            })
            .await;
            subs.into_iter()
                .map(|s| {
                    let mut session = PppSession {
                        subscription_id: s.id,
                        online: false,
                        address: None,
                        uptime_seconds: None,
                        caller_id: None,
                        error: None,
                    };
                    match &active {
                        Ok(Ok(rows)) => {
                            if let Some(a) = rows.iter().find(|a| a.name == s.pppoe_username) {
                                session.online = true;
                                session.address = a.address.clone();
                                session.uptime_seconds = a.uptime.map(|u| u.as_secs());
                                session.caller_id = a.caller_id.clone();
                            }
                        }
                        Ok(Err(e)) => session.error = Some(e.to_string()),
                        Err(_) => {
                            session.error = Some("the router did not answer in time".to_owned())
                        }
                    }
                    session
                })
                .collect::<Vec<_>>()
        });
        futures::future::join_all(asks)
            .await
            .into_iter()
            .flatten()
            .collect()
    }
}

/// The router of a PPPoE plan (locked against a concurrent change of its kind).
async fn pppoe_plan_router(
    conn: &mut PgConnection,
    plan_id: i64,
) -> Result<i64, SubscriptionError> {
    sqlx::query_scalar!(
        "SELECT router_id FROM plans WHERE id = $1 AND kind = 'pppoe' FOR SHARE",
        plan_id
    )
    .fetch_optional(conn)
    .await?
    .ok_or(SubscriptionError::PlanNotPppoe)
}

/// Sets a subscription's status and marks its secret for the router (the session is ended so
/// that it reconnects as it now should). Returns its router.
async fn set_status(
    conn: &mut PgConnection,
    id: i64,
    status: SubscriptionStatus,
) -> Result<i64, sqlx::Error> {
    sqlx::query_scalar!(
        "UPDATE subscriptions SET status = $2, version = version + 1, router_state = 'pending',
                router_error = NULL, kick_pending = TRUE, updated_at = now(),
                isolated_at = CASE WHEN $2 = 'isolated' THEN now() ELSE NULL END,
                closed_at = CASE WHEN $2 = 'closed' THEN now() ELSE NULL END
         WHERE id = $1
         RETURNING router_id",
        id,
        status.as_str()
    )
    .fetch_one(conn)
    .await
}

/// Records that from `day` on the subscription is served on `plan` (none: not billed), for the
/// invoice run to reconcile. A second change on the same day replaces the first. A day before
/// the subscription starts counts from its start.
async fn record_service(
    conn: &mut PgConnection,
    id: i64,
    day: NaiveDate,
    plan: Option<i64>,
) -> Result<(), sqlx::Error> {
    sqlx::query!(
        "INSERT INTO service_changes (subscription_id, starts, plan_id)
         SELECT id, GREATEST($2, start_date), $3 FROM subscriptions WHERE id = $1
         ON CONFLICT (subscription_id, starts)
         DO UPDATE SET plan_id = EXCLUDED.plan_id, reconciled = FALSE, created_at = now()",
        id,
        day,
        plan
    )
    .execute(conn)
    .await?;
    Ok(())
}

/// Records that from `day` on the customer's served subscriptions are billed on their plans
/// (`billed`) or not at all (their customer closed), for the invoice run to reconcile.
pub async fn record_customer_service(
    conn: &mut PgConnection,
    customer_id: i64,
    day: NaiveDate,
    billed: bool,
) -> Result<(), sqlx::Error> {
    sqlx::query!(
        "INSERT INTO service_changes (subscription_id, starts, plan_id)
         SELECT id, GREATEST($2, start_date), CASE WHEN $3 THEN plan_id END FROM subscriptions
         WHERE customer_id = $1 AND status IN ('active', 'isolated')
         ON CONFLICT (subscription_id, starts)
         DO UPDATE SET plan_id = EXCLUDED.plan_id, reconciled = FALSE, created_at = now()",
        customer_id,
        day,
        billed
    )
    .execute(conn)
    .await?;
    Ok(())
}

/// Isolates every active subscription of these customers (their standing says they owe money
/// past due; the caller holds their rows locked). Returns the subscriptions isolated.
pub async fn isolate_customers(
    conn: &mut PgConnection,
    customer_ids: &[i64],
    why: serde_json::Value,
) -> Result<Vec<i64>, sqlx::Error> {
    let isolated = sqlx::query!(
        "UPDATE subscriptions SET status = 'isolated', isolated_at = now(), version = version + 1,
                router_state = 'pending', router_error = NULL, kick_pending = TRUE, updated_at = now()
         WHERE customer_id = ANY($1) AND status = 'active'
         RETURNING id, router_id",
        customer_ids
    )
    .fetch_all(&mut *conn)
    .await?;
    let routers: std::collections::BTreeSet<i64> = isolated.iter().map(|r| r.router_id).collect();
    for router_id in routers {
        secrets::queue_sync(conn, router_id).await?;
    }
    for row in &isolated {
        audit::record(
            &mut *conn,
            Actor::System,
            "subscription.isolate",
            Some(("subscription", row.id.to_string())),
            why.clone(),
        )
        .await?;
    }
    Ok(isolated.into_iter().map(|r| r.id).collect())
}

/// Resumes every isolated subscription of the customer (their standing says nothing due is
/// owed; the caller holds their row locked). Returns the subscriptions resumed.
pub async fn resume_customers(
    conn: &mut PgConnection,
    customer_id: i64,
    why: serde_json::Value,
) -> Result<Vec<i64>, sqlx::Error> {
    let resumed = sqlx::query!(
        "UPDATE subscriptions SET status = 'active', isolated_at = NULL, version = version + 1,
                router_state = 'pending', router_error = NULL, kick_pending = TRUE, updated_at = now()
         WHERE customer_id = $1 AND status = 'isolated'
         RETURNING id, router_id",
        customer_id
    )
    .fetch_all(&mut *conn)
    .await?;
    let routers: std::collections::BTreeSet<i64> = resumed.iter().map(|r| r.router_id).collect();
    for router_id in routers {
        secrets::queue_sync(conn, router_id).await?;
    }
    for row in &resumed {
        audit::record(
            &mut *conn,
            Actor::System,
            "subscription.resume",
            Some(("subscription", row.id.to_string())),
            why.clone(),
        )
        .await?;
    }
    Ok(resumed.into_iter().map(|r| r.id).collect())
}

/// The router's isolation setting.
pub async fn set_isolation_profile(
    pool: &PgPool,
    router_id: i64,
    profile: Option<&str>,
    actor: Actor,
) -> Result<(), SubscriptionError> {
    let profile = profile.map(str::trim).filter(|p| !p.is_empty());
    if profile.is_some_and(|p| p.chars().count() > 100 || p.chars().any(char::is_control)) {
        return Err(invalid(
            "isolation_profile",
            ErrorCode::IsolationProfile,
            "an isolation profile name is 1–100 characters",
        ));
    }
    let mut tx = pool.begin().await?;
    let updated = sqlx::query!(
        "UPDATE routers SET isolation_profile = $2, updated_at = now() WHERE id = $1",
        router_id,
        profile
    )
    .execute(&mut *tx)
    .await?
    .rows_affected();
    if updated == 0 {
        return Err(crate::routers::RouterError::NotFound.into());
    }
    // The profile is made on the router if it is not there yet (without a rate limit: the
    // operator shapes it); one that exists is left as it is.
    if let Some(profile) = profile {
        crate::outbox::enqueue(
            &mut tx,
            router_id,
            &crate::routers::ppp_jobs::PppoeJob::EnsurePppProfile {
                name: profile.to_owned(),
                rate_limit: None,
            },
        )
        .await?;
    }
    // Isolated subscribers follow the new setting.
    let moved = sqlx::query!(
        "UPDATE subscriptions SET version = version + 1, router_state = 'pending', router_error = NULL,
                kick_pending = TRUE, updated_at = now()
         WHERE router_id = $1 AND status = 'isolated'",
        router_id
    )
    .execute(&mut *tx)
    .await?
    .rows_affected();
    if moved > 0 {
        secrets::queue_sync(&mut tx, router_id).await?;
    }
    audit::record(
        &mut *tx,
        actor,
        "router.isolation_profile",
        Some(("router", router_id.to_string())),
        serde_json::json!({ "profile": profile }),
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

/// The router's isolation profile (none: isolation disables the secret).
pub async fn isolation_profile(
    pool: &PgPool,
    router_id: i64,
) -> Result<Option<String>, SubscriptionError> {
    sqlx::query_scalar!(
        "SELECT isolation_profile FROM routers WHERE id = $1",
        router_id
    )
    .fetch_optional(pool)
    .await?
    .ok_or(crate::routers::RouterError::NotFound.into())
}

impl SubscriptionService {
    /// Seals a password for a subscription row (the import's own inserts).
    pub(crate) fn seal_password(&self, id: i64, password: &str) -> Vec<u8> {
        self.secrets.seal(password, &password_owner(id))
    }

    /// What seals and opens the subscriptions' passwords (the router outbox's jobs open them).
    pub fn secret_box(&self) -> &SecretBox {
        &self.secrets
    }

    pub(crate) fn pool(&self) -> &PgPool {
        &self.pool
    }

    pub(crate) fn routers(&self) -> &RouterService {
        &self.routers
    }
}
