//! Selling vouchers at the counter (the cashier's screen; docs/ARCHITECTURE.md, "The path of a
//! sale"). One tap sells one voucher:
//! the oldest unsold voucher of the plan that is on the router, was never printed (someone may
//! hold the paper) and is on no open sheet (it may be printing now), or, when there is none, a new one made and pushed to the router on the spot.
//! Each tap carries a request key: the same key sells once however often it arrives (double taps,
//! a retry after a lost reply).

use crate::core::audit::{self, Actor};
use crate::core::problem::{Explain, Problem};
use crate::hotspot::jobs::HotspotJobs;
use crate::hotspot::vouchers::{self, VoucherError};
use crate::outbox;
use crate::routers::RouterService;
use chrono::Utc;
use domain::ErrorCode;
use domain::FieldError;
use domain::RouterState;
use domain::model::sales::{
    BoughtVoucher, CashierDay, NamedRef, Sale, SaleLine, SaleRequest, SaleablePlan, Today,
};
use domain::model::vouchers::BatchInput;
use domain::{PasswordMode, Rupiah, WhatsappNumber};
use sqlx::{PgConnection, PgPool};
use std::time::Duration;
use uuid::Uuid;

/// How long a sale waits for its new voucher to reach the router before answering; the outbox
/// keeps trying after that.
const PUSH_WAIT: Duration = Duration::from_secs(5);
/// Comment of the one-voucher batches a sale makes.
const SALE_BATCH_COMMENT: &str = "kasir";

#[derive(Debug, thiserror::Error)]
pub enum SaleError {
    #[error(transparent)]
    Invalid(#[from] FieldError),
    #[error("only hotspot plans are sold as vouchers")]
    NotHotspot,
    #[error("no such sale")]
    NotFound,
    /// The request key was used for a sale of another plan.
    #[error("this request key already sold a voucher of another plan")]
    KeyReused,
    /// The plan refuses, or the voucher made on the spot cannot be made: as a batch would be refused.
    #[error(transparent)]
    Voucher(VoucherError),
    #[error("database error")]
    Database(#[from] sqlx::Error),
}

impl Explain for SaleError {
    fn problem(&self) -> Problem {
        match self {
            SaleError::Invalid(e) => e.problem(),
            SaleError::NotHotspot => Problem::Invalid {
                field: "plan_id",
                code: ErrorCode::PlanNotHotspot,
            },
            SaleError::NotFound => Problem::NotFound {
                field: "sale_id",
                code: ErrorCode::SaleNotFound,
            },
            SaleError::KeyReused => Problem::Conflict {
                field: Some("request_key"),
                code: ErrorCode::RequestKeyReused,
            },
            SaleError::Voucher(e) => e.problem(),
            SaleError::Database(_) => Problem::Internal,
        }
    }
}

impl From<VoucherError> for SaleError {
    fn from(e: VoucherError) -> Self {
        match e {
            VoucherError::Database(e) => SaleError::Database(e),
            other => SaleError::Voucher(other),
        }
    }
}

/// The buyer's number as typed, if one was: normalised, or refused with the reason.
fn buyer_whatsapp(typed: Option<&str>) -> Result<Option<WhatsappNumber>, SaleError> {
    match typed.map(str::trim).filter(|w| !w.is_empty()) {
        Some(w) => WhatsappNumber::parse(w).map(Some).map_err(|e| {
            SaleError::Invalid(FieldError::new(
                "customer_whatsapp",
                e.code(),
                e.to_string(),
            ))
        }),
        None => Ok(None),
    }
}

/// Sells one voucher of a hotspot plan. The voucher's sale mark, the sale row, a voucher made on
/// the spot with its router job, and the audit entry commit together.
pub async fn sell(
    pool: &PgPool,
    routers: &RouterService,
    input: SaleRequest,
    cashier_id: i64,
) -> Result<Sale, SaleError> {
    let whatsapp = buyer_whatsapp(input.customer_whatsapp.as_deref())?;
    if let Some(sale) = find_by_key(pool, cashier_id, input.request_key).await? {
        return replay(sale, &input);
    }

    let mut tx = pool.begin().await?;
    let plan = sqlx::query!(
        "SELECT router_id, kind, active FROM plans WHERE id = $1 FOR SHARE",
        input.plan_id
    )
    .fetch_optional(&mut *tx)
    .await?
    .ok_or(SaleError::Voucher(VoucherError::PlanNotFound))?;
    if plan.kind != "hotspot" {
        return Err(SaleError::NotHotspot);
    }
    if !plan.active {
        return Err(SaleError::Voucher(VoucherError::PlanInactive));
    }
    // Only stock already on the router: a voucher still on its way there (a batch being pushed,
    // a router that is down) is no use to the buyer now, so a new one is made and pushed instead.
    let stock = sqlx::query_scalar!(
        "SELECT id FROM vouchers
         WHERE plan_id = $1 AND status = 'created' AND sold_at IS NULL AND printed_at IS NULL
           AND sheet_id IS NULL AND router_state = 'pushed'
         ORDER BY id LIMIT 1
         FOR UPDATE SKIP LOCKED",
        input.plan_id
    )
    .fetch_optional(&mut *tx)
    .await?;
    let (voucher_id, job_ids) = match stock {
        Some(id) => (id, Vec::new()),
        None => make_one(&mut tx, input.plan_id, cashier_id).await?,
    };
    // The voucher's own price: stock made before a price change sells at the price it was made
    // (and printed) with.
    let price = sqlx::query_scalar!(
        "UPDATE vouchers SET sold_at = now(), sold_by = $2, updated_at = now() WHERE id = $1
         RETURNING price",
        voucher_id,
        cashier_id
    )
    .fetch_one(&mut *tx)
    .await?;
    let sale_id = sqlx::query_scalar!(
        "INSERT INTO voucher_sales (voucher_id, router_id, plan_id, cashier_id, price, customer_whatsapp, request_key)
         VALUES ($1, $2, $3, $4, $5, $6, $7)
         ON CONFLICT (cashier_id, request_key) DO NOTHING
         RETURNING id",
        voucher_id,
        plan.router_id,
        input.plan_id,
        cashier_id,
        price,
        whatsapp.as_ref().map(WhatsappNumber::as_str),
        input.request_key
    )
    .fetch_optional(&mut *tx)
    .await?;
    let Some(sale_id) = sale_id else {
        // The same tap arrived twice at once and the other request sold: undo this one.
        tx.rollback().await?;
        let sale = find_by_key(pool, cashier_id, input.request_key)
            .await?
            .ok_or(SaleError::NotFound)?;
        return replay(sale, &input);
    };
    audit::record(
        &mut *tx,
        Actor::Staff(cashier_id),
        "voucher.sell",
        Some(("voucher_sale", sale_id.to_string())),
        serde_json::json!({ "voucher_id": voucher_id, "plan_id": input.plan_id, "price": price }),
    )
    .await?;
    tx.commit().await?;

    if !job_ids.is_empty() {
        push_now(pool, routers, sale_id, &job_ids).await;
    }
    get(pool, sale_id).await
}

/// The sale an earlier request with the same key made: the answer again, if it was for the same
/// plan; a key reused for another plan is a mistake of the client, not a repeat.
fn replay(sale: Sale, input: &SaleRequest) -> Result<Sale, SaleError> {
    if sale.plan.id == input.plan_id {
        Ok(sale)
    } else {
        Err(SaleError::KeyReused)
    }
}

/// Makes one voucher of the plan, in the sale's transaction, with its push job.
async fn make_one(
    tx: &mut PgConnection,
    plan_id: i64,
    cashier_id: i64,
) -> Result<(i64, Vec<i64>), SaleError> {
    let (created, job_ids) = vouchers::create_batch_in(
        tx,
        BatchInput {
            plan_id,
            quantity: 1,
            code_length: None,
            alphabet: None,
            prefix: String::new(),
            password_mode: Some(PasswordMode::Same),
            comment: Some(SALE_BATCH_COMMENT.to_owned()),
        },
        Actor::Staff(cashier_id),
    )
    .await?;
    Ok((created.vouchers[0].id, job_ids))
}

/// Pushes a voucher made on the spot before answering, waiting at most [`PUSH_WAIT`]; the push
/// goes on after that, and what fails stays with the outbox, which keeps trying.
async fn push_now(pool: &PgPool, routers: &RouterService, sale_id: i64, job_ids: &[i64]) {
    let jobs = std::sync::Arc::new(HotspotJobs {
        pool: pool.clone(),
        routers: routers.clone(),
    });
    match outbox::run_now(pool, jobs, job_ids.to_vec(), PUSH_WAIT).await {
        Some(Ok(_)) => {}
        Some(Err(e)) => {
            tracing::warn!(sale = sale_id, error = %e, "pushing a sold voucher now failed; the outbox retries")
        }
        None => tracing::warn!(
            sale = sale_id,
            "the router is slow; the sold voucher's push goes on after the answer"
        ),
    }
}

/// One sale, as its receipt shows it.
pub async fn get(pool: &PgPool, sale_id: i64) -> Result<Sale, SaleError> {
    load(pool, Some(sale_id), None)
        .await?
        .ok_or(SaleError::NotFound)
}

async fn find_by_key(
    pool: &PgPool,
    cashier_id: i64,
    request_key: Uuid,
) -> Result<Option<Sale>, SaleError> {
    Ok(load(pool, None, Some((cashier_id, request_key)))
        .await?
        .map(|sale| Sale {
            replayed: true,
            ..sale
        }))
}

async fn load(
    pool: &PgPool,
    sale_id: Option<i64>,
    key: Option<(i64, Uuid)>,
) -> Result<Option<Sale>, SaleError> {
    let row = sqlx::query!(
        r#"SELECT s.id, s.voucher_id, s.router_id, r.name AS router_name, r.hotspot_login_url, s.plan_id,
                  p.name AS plan_name, s.price, p.validity_seconds AS "validity_seconds!", p.time_quota_seconds, v.code, v.password,
                  v.router_state AS "router_state: RouterState", s.cashier_id, u.name AS cashier_name, s.customer_whatsapp, s.sold_at
           FROM voucher_sales s
           JOIN vouchers v ON v.id = s.voucher_id
           JOIN plans p ON p.id = s.plan_id
           JOIN routers r ON r.id = s.router_id
           JOIN staff_users u ON u.id = s.cashier_id
           WHERE ($1::BIGINT IS NULL OR s.id = $1)
             AND ($2::BIGINT IS NULL OR (s.cashier_id = $2 AND s.request_key = $3))
           LIMIT 1"#,
        sale_id,
        key.map(|k| k.0),
        key.map(|k| k.1)
    )
    .fetch_optional(pool)
    .await?;
    Ok(row.map(|r| Sale {
        login_url: domain::voucher::login_url(r.hotspot_login_url.as_deref(), &r.code, &r.password),
        id: r.id,
        voucher_id: r.voucher_id,
        router: NamedRef {
            id: r.router_id,
            name: r.router_name,
        },
        plan: NamedRef {
            id: r.plan_id,
            name: r.plan_name,
        },
        price: Rupiah::new(r.price),
        validity_seconds: r.validity_seconds,
        time_quota_seconds: r.time_quota_seconds,
        code: r.code,
        password: r.password,
        router_state: r.router_state,
        cashier: NamedRef {
            id: r.cashier_id,
            name: r.cashier_name,
        },
        customer_whatsapp: r.customer_whatsapp,
        sold_at: r.sold_at,
        replayed: false,
    }))
}

/// Today's sales; `latest` lists `only_cashier`'s sales when given.
pub async fn today(
    pool: &PgPool,
    timezone: chrono_tz::Tz,
    only_cashier: Option<i64>,
    latest: i64,
) -> Result<Today, SaleError> {
    let date = Utc::now().with_timezone(&timezone).date_naive();
    let (start, end) = crate::core::days::day_bounds(timezone, date, date);
    let cashiers: Vec<CashierDay> = sqlx::query!(
        r#"SELECT s.cashier_id, u.name AS cashier_name, count(*) AS "count!", sum(s.price)::BIGINT AS "total!"
           FROM voucher_sales s JOIN staff_users u ON u.id = s.cashier_id
           WHERE s.sold_at >= $1 AND s.sold_at < $2
           GROUP BY s.cashier_id, u.name ORDER BY sum(s.price) DESC, u.name"#,
        start,
        end
    )
    .fetch_all(pool)
    .await?
    .into_iter()
    .map(|r| CashierDay {
        cashier_id: r.cashier_id,
        cashier_name: r.cashier_name,
        count: r.count,
        total: Rupiah::new(r.total),
    })
    .collect();
    let latest = sqlx::query!(
        "SELECT s.id, p.name AS plan_name, v.code, s.price, u.name AS cashier_name, s.sold_at
         FROM voucher_sales s
         JOIN vouchers v ON v.id = s.voucher_id
         JOIN plans p ON p.id = s.plan_id
         JOIN staff_users u ON u.id = s.cashier_id
         WHERE s.sold_at >= $1 AND s.sold_at < $2 AND ($3::BIGINT IS NULL OR s.cashier_id = $3)
         ORDER BY s.id DESC LIMIT $4",
        start,
        end,
        only_cashier,
        latest.clamp(1, 200)
    )
    .fetch_all(pool)
    .await?
    .into_iter()
    .map(|r| SaleLine {
        id: r.id,
        plan_name: r.plan_name,
        code: r.code,
        price: Rupiah::new(r.price),
        cashier_name: r.cashier_name,
        sold_at: r.sold_at,
    })
    .collect();
    Ok(Today {
        date,
        count: cashiers.iter().map(|c| c.count).sum(),
        total: cashiers.iter().fold(Rupiah::ZERO, |sum, c| sum + c.total),
        cashiers,
        latest,
    })
}

/// The vouchers sold to a WhatsApp number (stored form, 62…), newest first.
pub async fn bought_by(
    pool: &PgPool,
    whatsapp: &str,
    limit: i64,
) -> Result<Vec<BoughtVoucher>, SaleError> {
    Ok(sqlx::query!(
        r#"SELECT p.name AS plan_name, v.code, v.password, s.price, v.status, s.sold_at,
                  v.expires_at
           FROM voucher_sales s
           JOIN vouchers v ON v.id = s.voucher_id
           JOIN plans p ON p.id = s.plan_id
           WHERE s.customer_whatsapp = $1
           ORDER BY s.sold_at DESC
           LIMIT $2"#,
        whatsapp,
        limit.clamp(1, 200)
    )
    .fetch_all(pool)
    .await?
    .into_iter()
    .map(|r| BoughtVoucher {
        plan_name: r.plan_name,
        code: r.code,
        password: r.password,
        price: Rupiah::new(r.price),
        status: r.status.parse().unwrap_or(domain::VoucherStatus::Created),
        sold_at: r.sold_at,
        expires_at: r.expires_at,
    })
    .collect())
}

/// The plans on sale, in the sales screen's order: where an admin put them, then the others
/// oldest first. Cashiers tap by position, so a new plan or a price change never moves a tile.
pub async fn saleable_plans(pool: &PgPool) -> Result<Vec<SaleablePlan>, SaleError> {
    Ok(sqlx::query!(
        r#"SELECT p.id, p.name, p.router_id, r.name AS router_name, p.price, p.validity_seconds AS "validity_seconds!",
                  (SELECT count(*) FROM vouchers v
                   WHERE v.plan_id = p.id AND v.status = 'created' AND v.sold_at IS NULL
                     AND v.printed_at IS NULL AND v.router_state = 'pushed') AS "stock!"
           FROM plans p JOIN routers r ON r.id = p.router_id
           WHERE p.kind = 'hotspot' AND p.active
           ORDER BY p.sales_position NULLS LAST, p.id"#
    )
    .fetch_all(pool)
    .await?
    .into_iter()
    .map(|r| SaleablePlan {
        id: r.id,
        name: r.name,
        router_id: r.router_id,
        router_name: r.router_name,
        price: Rupiah::new(r.price),
        validity_seconds: r.validity_seconds,
        stock: r.stock,
    })
    .collect())
}

/// Moves a plan one place earlier (`earlier`) or later on the sales screen; the order of every
/// plan on sale is written down then, so that nothing moves again until an admin moves it.
/// Returns the plans in their new order.
pub async fn move_on_sales_screen(
    pool: &PgPool,
    plan_id: i64,
    earlier: bool,
    actor: Actor,
) -> Result<Vec<SaleablePlan>, SaleError> {
    let mut tx = pool.begin().await?;
    let mut order = sqlx::query_scalar!(
        "SELECT id FROM plans WHERE kind = 'hotspot' AND active
         ORDER BY sales_position NULLS LAST, id
         FOR UPDATE"
    )
    .fetch_all(&mut *tx)
    .await?;
    let at = order
        .iter()
        .position(|&id| id == plan_id)
        .ok_or(SaleError::Voucher(VoucherError::PlanNotFound))?;
    let to = if earlier {
        at.checked_sub(1)
    } else {
        Some(at + 1).filter(|&to| to < order.len())
    };
    if let Some(to) = to {
        order.swap(at, to);
        sqlx::query!(
            "UPDATE plans SET sales_position = t.position, updated_at = now()
             FROM unnest($1::BIGINT[]) WITH ORDINALITY AS t(id, position)
             WHERE plans.id = t.id",
            &order
        )
        .execute(&mut *tx)
        .await?;
        audit::record(
            &mut *tx,
            actor,
            "plan.sales_position",
            Some(("plan", plan_id.to_string())),
            serde_json::json!({ "position": to + 1 }),
        )
        .await?;
    }
    tx.commit().await?;
    saleable_plans(pool).await
}
