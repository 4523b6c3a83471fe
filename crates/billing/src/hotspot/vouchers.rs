//! Voucher batches (docs/ARCHITECTURE.md, "The path of a voucher"): codes from a CSPRNG, the batch and all its vouchers in one
//! transaction (a unique index makes codes unique per router; collisions are regenerated), and the
//! router users created through the outbox.

use crate::core::audit::{self, Actor};
use crate::core::problem::{Explain, Problem};
use crate::hotspot::jobs::HotspotJob;
use crate::outbox;
use domain::ErrorCode;
use domain::FieldError;
use domain::model::vouchers::{
    BatchCreated, BatchInput, BatchProgress, BatchSummary, NewVoucher, Voucher, VoucherFilter,
};
use domain::voucher::{self, CodeSpec, PasswordMode, VoucherRuleError};
use domain::{RouterState, VoucherStatus};
use sqlx::{PgConnection, PgPool};

/// Vouchers per outbox job: each job is one pipelined burst on the router's connection.
const VOUCHERS_PER_JOB: usize = 1_000;
/// Rounds of regenerating collided codes before giving up (only a nearly full code space gets here).
const MAX_GENERATION_ROUNDS: usize = 20;
const PASSWORD_LENGTH: u8 = 6;

#[derive(Debug, thiserror::Error)]
pub enum VoucherError {
    #[error(transparent)]
    Invalid(#[from] FieldError),
    #[error("no such plan")]
    PlanNotFound,
    #[error("the plan is switched off")]
    PlanInactive,
    #[error("a PPPoE plan has no vouchers")]
    NotHotspot,
    #[error("too few unused codes left for this length and alphabet; use longer codes")]
    CodeSpaceExhausted,
    #[error("no such voucher")]
    NotFound,
    #[error("database error")]
    Database(#[from] sqlx::Error),
}

impl Explain for VoucherError {
    fn problem(&self) -> Problem {
        match self {
            VoucherError::Invalid(e) => e.problem(),
            VoucherError::PlanNotFound => Problem::Invalid {
                field: "plan_id",
                code: ErrorCode::PlanNotFound,
            },
            VoucherError::PlanInactive => Problem::Invalid {
                field: "plan_id",
                code: ErrorCode::PlanInactive,
            },
            VoucherError::NotHotspot => Problem::Invalid {
                field: "plan_id",
                code: ErrorCode::PlanNotHotspot,
            },
            VoucherError::CodeSpaceExhausted => Problem::Invalid {
                field: "code_length",
                code: ErrorCode::CodeSpaceExhausted,
            },
            VoucherError::NotFound => Problem::NotFound {
                field: "voucher_id",
                code: ErrorCode::VoucherNotFound,
            },
            VoucherError::Database(_) => Problem::Internal,
        }
    }
}

impl From<(&'static str, VoucherRuleError)> for VoucherError {
    fn from((field, e): (&'static str, VoucherRuleError)) -> Self {
        VoucherError::Invalid(FieldError::new(field, e.code(), e.to_string()))
    }
}

/// Creates a batch. Everything — the batch, every voucher, the router jobs, the audit entry —
/// commits together or not at all.
pub async fn create_batch(
    pool: &PgPool,
    input: BatchInput,
    actor: Actor,
) -> Result<BatchCreated, VoucherError> {
    let mut tx = pool.begin().await?;
    let (created, _jobs) = create_batch_in(&mut tx, input, actor).await?;
    tx.commit().await?;
    Ok(created)
}

/// Creates a batch inside the caller's transaction (a sale that has to make its voucher), and
/// tells the ids of the outbox jobs that push it.
pub async fn create_batch_in(
    tx: &mut PgConnection,
    input: BatchInput,
    actor: Actor,
) -> Result<(BatchCreated, Vec<i64>), VoucherError> {
    let settings = BatchSettings::parse(&input)?;
    let plan = sqlx::query!(
        "SELECT router_id, price, active, kind FROM plans WHERE id = $1 FOR SHARE",
        input.plan_id
    )
    .fetch_optional(&mut *tx)
    .await?
    .ok_or(VoucherError::PlanNotFound)?;
    if plan.kind != "hotspot" {
        return Err(VoucherError::NotHotspot);
    }
    if !plan.active {
        return Err(VoucherError::PlanInactive);
    }
    let created_by = actor.staff_id();
    let batch_id = sqlx::query_scalar!(
        "INSERT INTO voucher_batches (router_id, plan_id, quantity, code_length, alphabet, prefix, password_mode,
                                      comment, created_by)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING id",
        plan.router_id,
        input.plan_id,
        settings.quantity as i32,
        i16::from(settings.spec.length()),
        settings.spec.alphabet(),
        settings.spec.prefix(),
        settings.password_mode.as_str(),
        settings.comment,
        created_by
    )
    .fetch_one(&mut *tx)
    .await?;
    let target = Target {
        batch_id,
        router_id: plan.router_id,
        plan_id: input.plan_id,
        price: plan.price,
    };
    let vouchers = insert_codes(tx, &target, &settings).await?;
    let job_ids = enqueue_push(tx, plan.router_id, &vouchers).await?;
    audit::record(
        &mut *tx,
        actor,
        "voucher_batch.create",
        Some(("voucher_batch", batch_id.to_string())),
        serde_json::json!({ "plan_id": input.plan_id, "quantity": settings.quantity }),
    )
    .await?;
    Ok((
        BatchCreated {
            batch_id,
            router_id: plan.router_id,
            vouchers,
        },
        job_ids,
    ))
}

/// A batch's input, checked.
struct BatchSettings {
    quantity: u32,
    spec: CodeSpec,
    password_mode: PasswordMode,
    comment: Option<String>,
}

impl BatchSettings {
    fn parse(input: &BatchInput) -> Result<Self, VoucherError> {
        let quantity = voucher::check_quantity(input.quantity)
            .map_err(|e| VoucherError::from(("quantity", e)))?;
        let spec = CodeSpec::new(
            input.code_length.unwrap_or(8),
            input.alphabet.as_deref(),
            &input.prefix,
        )
        .map_err(|e| {
            let field = match e {
                VoucherRuleError::Alphabet => "alphabet",
                VoucherRuleError::Prefix => "prefix",
                _ => "code_length",
            };
            VoucherError::from((field, e))
        })?;
        if spec.space() < u128::from(quantity) * 4 {
            return Err(VoucherError::CodeSpaceExhausted);
        }
        let comment = input
            .comment
            .as_deref()
            .map(str::trim)
            .filter(|c| !c.is_empty())
            .map(str::to_owned);
        if comment.as_ref().is_some_and(|c| c.chars().count() > 200) {
            return Err(VoucherError::Invalid(FieldError::new(
                "comment",
                ErrorCode::CommentTooLong,
                "comment must be at most 200 characters".to_owned(),
            )));
        }
        Ok(BatchSettings {
            quantity,
            spec,
            password_mode: input.password_mode.unwrap_or(PasswordMode::Same),
            comment,
        })
    }
}

/// Where a batch's vouchers go.
struct Target {
    batch_id: i64,
    router_id: i64,
    plan_id: i64,
    price: i64,
}

/// Draws the batch's codes and inserts them; codes already used on the router are skipped by the
/// unique index and drawn again.
async fn insert_codes(
    tx: &mut PgConnection,
    target: &Target,
    settings: &BatchSettings,
) -> Result<Vec<NewVoucher>, VoucherError> {
    let password_spec = CodeSpec::new(PASSWORD_LENGTH, Some("23456789ABCDEFGHJKMNPQRSTUVWXYZ"), "")
        .expect("the password spec is valid");
    let quantity = settings.quantity as usize;
    let mut vouchers = Vec::with_capacity(quantity);
    for _ in 0..MAX_GENERATION_ROUNDS {
        let missing = quantity - vouchers.len();
        if missing == 0 {
            break;
        }
        // The generator is not held across an await: it stays on this thread.
        let (codes, passwords) = {
            let mut rng = rand::rng();
            let mut codes: Vec<String> = (0..missing)
                .map(|_| settings.spec.generate(&mut rng))
                .collect();
            codes.sort_unstable();
            codes.dedup();
            let passwords: Vec<String> = codes
                .iter()
                .map(|code| match settings.password_mode {
                    PasswordMode::Same => code.clone(),
                    PasswordMode::Separate => password_spec.generate(&mut rng),
                })
                .collect();
            (codes, passwords)
        };
        let inserted = sqlx::query!(
            "INSERT INTO vouchers (batch_id, router_id, plan_id, code, password, price)
             SELECT $1, $2, $3, c.code, c.password, $4
             FROM UNNEST($5::TEXT[], $6::TEXT[]) AS c(code, password)
             ON CONFLICT (router_id, code) DO NOTHING
             RETURNING id, code, password",
            target.batch_id,
            target.router_id,
            target.plan_id,
            target.price,
            &codes,
            &passwords
        )
        .fetch_all(&mut *tx)
        .await?;
        vouchers.extend(inserted.into_iter().map(|r| NewVoucher {
            id: r.id,
            code: r.code,
            password: r.password,
        }));
    }
    if vouchers.len() != quantity {
        return Err(VoucherError::CodeSpaceExhausted);
    }
    vouchers.sort_by_key(|v| v.id);
    Ok(vouchers)
}

/// One push job per [`VOUCHERS_PER_JOB`] vouchers: each is one pipelined burst on the router.
async fn enqueue_push(
    tx: &mut PgConnection,
    router_id: i64,
    vouchers: &[NewVoucher],
) -> Result<Vec<i64>, sqlx::Error> {
    let mut job_ids = Vec::new();
    for chunk in vouchers.chunks(VOUCHERS_PER_JOB) {
        let job = HotspotJob::PushVouchers {
            voucher_ids: chunk.iter().map(|v| v.id).collect(),
        };
        job_ids.push(outbox::enqueue(&mut *tx, router_id, &job).await?);
    }
    Ok(job_ids)
}

pub async fn batch_progress(
    pool: &PgPool,
    batch_id: i64,
) -> Result<Option<BatchProgress>, VoucherError> {
    let Some(counts) = sqlx::query!(
        r#"SELECT b.quantity::BIGINT AS "quantity!",
                  count(*) FILTER (WHERE v.router_state IN ('pushed', 'removed')) AS "pushed!",
                  count(*) FILTER (WHERE v.router_state = 'pending') AS "pending!",
                  count(*) FILTER (WHERE v.router_state = 'failed') AS "failed!"
           FROM voucher_batches b LEFT JOIN vouchers v ON v.batch_id = b.id
           WHERE b.id = $1 GROUP BY b.id"#,
        batch_id
    )
    .fetch_optional(pool)
    .await?
    else {
        return Ok(None);
    };
    let errors = sqlx::query!(
        r#"SELECT router_error AS "error!", count(*) AS "count!" FROM vouchers
           WHERE batch_id = $1 AND router_state = 'failed' AND router_error IS NOT NULL
           GROUP BY router_error ORDER BY count(*) DESC LIMIT 5"#,
        batch_id
    )
    .fetch_all(pool)
    .await?
    .into_iter()
    .map(|r| (r.error, r.count))
    .collect();
    let retry_error = sqlx::query_scalar!(
        "SELECT j.last_error FROM router_jobs j
         WHERE j.kind = 'push_vouchers' AND j.status = 'pending' AND j.last_error IS NOT NULL
           AND EXISTS (SELECT 1 FROM jsonb_array_elements_text(j.payload->'voucher_ids') AS e(id)
                       JOIN vouchers v ON v.id = e.id::BIGINT
                       WHERE v.batch_id = $1 AND v.router_state = 'pending')
         ORDER BY j.updated_at DESC LIMIT 1",
        batch_id
    )
    .fetch_optional(pool)
    .await?
    .flatten();
    Ok(Some(BatchProgress {
        batch_id,
        quantity: counts.quantity,
        pushed: counts.pushed,
        pending: counts.pending,
        failed: counts.failed,
        errors,
        retry_error,
    }))
}

/// Newest first, one page at a time (pass the last id seen as `before_id`).
pub async fn list(pool: &PgPool, filter: &VoucherFilter) -> Result<Vec<Voucher>, VoucherError> {
    select(pool, filter, None, 0).await
}

/// Newest first, skipping the first `skip` vouchers that match: the page of a numbered list.
pub async fn list_from(
    pool: &PgPool,
    filter: &VoucherFilter,
    skip: i64,
) -> Result<Vec<Voucher>, VoucherError> {
    select(pool, filter, None, skip.max(0)).await
}

/// How many vouchers match the filter, whatever its page (`before_id` and `limit` aside).
pub async fn count(pool: &PgPool, filter: &VoucherFilter) -> Result<i64, VoucherError> {
    let matching = Matching::of(filter)?;
    let count = sqlx::query_scalar!(
        r#"SELECT COUNT(*) AS "count!" FROM vouchers v
           WHERE ($1::BIGINT IS NULL OR v.router_id = $1)
             AND ($2::BIGINT IS NULL OR v.plan_id = $2)
             AND ($3::BIGINT IS NULL OR v.batch_id = $3)
             AND ($4::TEXT IS NULL OR v.status = $4)
             AND ($5::TEXT IS NULL OR v.code LIKE $5)"#,
        filter.router_id,
        filter.plan_id,
        filter.batch_id,
        matching.status.map(VoucherStatus::as_str),
        matching.code_prefix,
    )
    .fetch_one(pool)
    .await?;
    Ok(count)
}

/// One voucher.
pub async fn get(pool: &PgPool, voucher_id: i64) -> Result<Voucher, VoucherError> {
    select(pool, &VoucherFilter::default(), Some(voucher_id), 0)
        .await?
        .pop()
        .ok_or(VoucherError::NotFound)
}

/// The filter's conditions as the queries take them: a known status, a code prefix for `LIKE`.
struct Matching {
    status: Option<VoucherStatus>,
    code_prefix: Option<String>,
}

impl Matching {
    fn of(filter: &VoucherFilter) -> Result<Matching, VoucherError> {
        let status = match filter.status.as_deref() {
            Some(text) => Some(text.parse::<VoucherStatus>().map_err(|e| {
                VoucherError::Invalid(FieldError::new(
                    "status",
                    ErrorCode::VoucherStatus,
                    e.to_string(),
                ))
            })?),
            None => None,
        };
        let code_prefix = filter
            .code
            .as_deref()
            .map(str::trim)
            .filter(|c| !c.is_empty())
            .map(|c| format!("{}%", c.to_uppercase().replace(['%', '_', '\\'], "")));
        Ok(Matching {
            status,
            code_prefix,
        })
    }
}

async fn select(
    pool: &PgPool,
    filter: &VoucherFilter,
    only: Option<i64>,
    skip: i64,
) -> Result<Vec<Voucher>, VoucherError> {
    let matching = Matching::of(filter)?;
    let limit = filter.limit.unwrap_or(50).clamp(1, 500);
    let rows = sqlx::query_as!(
        Voucher,
        r#"SELECT v.id, v.batch_id, v.router_id, v.plan_id, p.name AS plan_name, v.code, v.password, v.price,
                  v.status AS "status: VoucherStatus", v.router_state AS "router_state: RouterState", v.router_error, v.first_login_at, v.expires_at, v.uptime_seconds,
                  v.bytes_in, v.bytes_out, v.sold_at, v.printed_at, v.created_at
           FROM vouchers v JOIN plans p ON p.id = v.plan_id
           WHERE ($1::BIGINT IS NULL OR v.router_id = $1)
             AND ($2::BIGINT IS NULL OR v.plan_id = $2)
             AND ($3::BIGINT IS NULL OR v.batch_id = $3)
             AND ($4::TEXT IS NULL OR v.status = $4)
             AND ($5::TEXT IS NULL OR v.code LIKE $5)
             AND ($6::BIGINT IS NULL OR v.id < $6)
             AND ($8::BIGINT IS NULL OR v.id = $8)
           ORDER BY v.id DESC
           LIMIT $7 OFFSET $9"#,
        filter.router_id,
        filter.plan_id,
        filter.batch_id,
        matching.status.map(VoucherStatus::as_str),
        matching.code_prefix,
        filter.before_id,
        limit,
        only,
        skip
    )
    .fetch_all(pool)
    .await?;
    Ok(rows)
}

/// Disables (keeps, but unusable) or deletes vouchers, here and on their routers.
pub async fn withdraw(
    pool: &PgPool,
    voucher_ids: &[i64],
    delete: bool,
    actor: Actor,
) -> Result<u64, VoucherError> {
    let status = if delete {
        VoucherStatus::Deleted
    } else {
        VoucherStatus::Disabled
    }
    .as_str();
    let mut tx = pool.begin().await?;
    let changed = sqlx::query!(
        "UPDATE vouchers SET status = $2, updated_at = now()
         WHERE id = ANY($1) AND status NOT IN ('deleted', $2)
         RETURNING id, router_id",
        voucher_ids,
        status
    )
    .fetch_all(&mut *tx)
    .await?;
    let mut by_router: std::collections::BTreeMap<i64, Vec<i64>> =
        std::collections::BTreeMap::new();
    for row in &changed {
        by_router.entry(row.router_id).or_default().push(row.id);
    }
    for (router_id, ids) in by_router {
        outbox::enqueue(
            &mut tx,
            router_id,
            &HotspotJob::RetireVouchers {
                voucher_ids: ids,
                remove: delete,
            },
        )
        .await?;
    }
    audit::record(
        &mut *tx,
        actor,
        if delete {
            "voucher.delete"
        } else {
            "voucher.disable"
        },
        None,
        serde_json::json!({ "voucher_ids": changed.iter().map(|r| r.id).collect::<Vec<_>>() }),
    )
    .await?;
    tx.commit().await?;
    Ok(changed.len() as u64)
}

/// The newest batches first.
pub async fn batches(pool: &PgPool, limit: i64) -> Result<Vec<BatchSummary>, VoucherError> {
    Ok(sqlx::query_as!(
        BatchSummary,
        r#"SELECT b.id, b.router_id, b.plan_id, p.name AS plan_name, b.quantity::BIGINT AS "quantity!",
                  count(v.id) FILTER (WHERE v.router_state IN ('pushed', 'removed')) AS "pushed!",
                  count(v.id) FILTER (WHERE v.router_state = 'pending') AS "pending!",
                  count(v.id) FILTER (WHERE v.router_state = 'failed') AS "failed!",
                  b.comment, b.created_at
           FROM voucher_batches b
           JOIN plans p ON p.id = b.plan_id
           LEFT JOIN vouchers v ON v.batch_id = b.id
           GROUP BY b.id, p.name
           ORDER BY b.id DESC
           LIMIT $1"#,
        limit.clamp(1, 200)
    )
    .fetch_all(pool)
    .await?)
}
