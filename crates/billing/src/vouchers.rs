//! Voucher batches (spec 4.1): codes from a CSPRNG, the batch and all its vouchers in one
//! transaction (a unique index makes codes unique per router; collisions are regenerated), and the
//! router users created through the outbox.

use crate::audit::{self, Actor};
use crate::outbox::{self, RouterJob};
use domain::voucher::{self, CodeSpec, PasswordMode, VoucherRuleError};
use serde::{Deserialize, Serialize};
use sqlx::PgPool;

/// Vouchers per outbox job: each job is one pipelined burst on the router's connection.
const VOUCHERS_PER_JOB: usize = 1_000;
/// Rounds of regenerating collided codes before giving up (only a nearly full code space gets here).
const MAX_GENERATION_ROUNDS: usize = 20;
const PASSWORD_LENGTH: u8 = 6;

#[derive(Debug, thiserror::Error)]
pub enum VoucherError {
    #[error("{field}: {message}")]
    Invalid {
        field: &'static str,
        code: &'static str,
        message: String,
    },
    #[error("no such plan")]
    PlanNotFound,
    #[error("the plan is switched off")]
    PlanInactive,
    #[error("too few unused codes left for this length and alphabet; use longer codes")]
    CodeSpaceExhausted,
    #[error("database error")]
    Database(#[from] sqlx::Error),
}

impl From<(&'static str, VoucherRuleError)> for VoucherError {
    fn from((field, e): (&'static str, VoucherRuleError)) -> Self {
        VoucherError::Invalid {
            field,
            code: e.code(),
            message: e.to_string(),
        }
    }
}

#[derive(Debug, Clone, Deserialize)]
pub struct BatchInput {
    pub plan_id: i64,
    pub quantity: u32,
    /// Symbols after the prefix; 8 when not given.
    pub code_length: Option<u8>,
    /// Defaults to upper-case letters and digits without 0/O/1/I/L.
    pub alphabet: Option<String>,
    #[serde(default)]
    pub prefix: String,
    /// `same`: the password is the code; `separate`: a second random string.
    pub password_mode: Option<PasswordMode>,
    pub comment: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct NewVoucher {
    pub id: i64,
    pub code: String,
    pub password: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct BatchCreated {
    pub batch_id: i64,
    pub router_id: i64,
    pub vouchers: Vec<NewVoucher>,
}

/// Creates a batch. Everything — the batch, every voucher, the router jobs, the audit entry —
/// commits together or not at all.
pub async fn create_batch(
    pool: &PgPool,
    input: BatchInput,
    actor: Actor,
) -> Result<BatchCreated, VoucherError> {
    let quantity =
        voucher::check_quantity(input.quantity).map_err(|e| VoucherError::from(("quantity", e)))?;
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
    let password_mode = input.password_mode.unwrap_or(PasswordMode::Same);
    let password_spec = CodeSpec::new(PASSWORD_LENGTH, Some("23456789ABCDEFGHJKMNPQRSTUVWXYZ"), "")
        .expect("the password spec is valid");
    let comment = input
        .comment
        .map(|c| c.trim().to_owned())
        .filter(|c| !c.is_empty());
    if comment.as_ref().is_some_and(|c| c.chars().count() > 200) {
        return Err(VoucherError::Invalid {
            field: "comment",
            code: "comment_too_long",
            message: "comment must be at most 200 characters".to_owned(),
        });
    }

    let mut tx = pool.begin().await?;
    let plan = sqlx::query!(
        "SELECT router_id, price, active FROM plans WHERE id = $1 FOR SHARE",
        input.plan_id
    )
    .fetch_optional(&mut *tx)
    .await?
    .ok_or(VoucherError::PlanNotFound)?;
    if !plan.active {
        return Err(VoucherError::PlanInactive);
    }
    let created_by = match actor {
        Actor::Staff(id) => Some(id),
        _ => None,
    };
    let batch_id = sqlx::query_scalar!(
        "INSERT INTO voucher_batches (router_id, plan_id, quantity, code_length, alphabet, prefix, password_mode,
                                      comment, created_by)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING id",
        plan.router_id,
        input.plan_id,
        quantity as i32,
        i16::from(spec.length()),
        spec.alphabet(),
        spec.prefix(),
        password_mode.as_str(),
        comment,
        created_by
    )
    .fetch_one(&mut *tx)
    .await?;

    let mut vouchers = Vec::with_capacity(quantity as usize);
    let mut rng = rand::rng();
    for _ in 0..MAX_GENERATION_ROUNDS {
        let missing = quantity as usize - vouchers.len();
        if missing == 0 {
            break;
        }
        let mut codes: Vec<String> = (0..missing).map(|_| spec.generate(&mut rng)).collect();
        codes.sort_unstable();
        codes.dedup();
        let passwords: Vec<String> = codes
            .iter()
            .map(|code| match password_mode {
                PasswordMode::Same => code.clone(),
                PasswordMode::Separate => password_spec.generate(&mut rng),
            })
            .collect();
        // Codes already used on this router are skipped by the unique index and drawn again.
        let inserted = sqlx::query!(
            "INSERT INTO vouchers (batch_id, router_id, plan_id, code, password, price)
             SELECT $1, $2, $3, c.code, c.password, $4
             FROM UNNEST($5::TEXT[], $6::TEXT[]) AS c(code, password)
             ON CONFLICT (router_id, code) DO NOTHING
             RETURNING id, code, password",
            batch_id,
            plan.router_id,
            input.plan_id,
            plan.price,
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
    if vouchers.len() != quantity as usize {
        return Err(VoucherError::CodeSpaceExhausted);
    }
    vouchers.sort_by_key(|v| v.id);
    for chunk in vouchers.chunks(VOUCHERS_PER_JOB) {
        outbox::enqueue(
            &mut tx,
            plan.router_id,
            &RouterJob::PushVouchers {
                voucher_ids: chunk.iter().map(|v| v.id).collect(),
            },
        )
        .await?;
    }
    audit::record(
        &mut *tx,
        actor,
        "voucher_batch.create",
        Some(("voucher_batch", batch_id.to_string())),
        serde_json::json!({ "plan_id": input.plan_id, "quantity": quantity }),
    )
    .await?;
    tx.commit().await?;
    Ok(BatchCreated {
        batch_id,
        router_id: plan.router_id,
        vouchers,
    })
}

/// How far a batch has reached its router.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct BatchProgress {
    pub batch_id: i64,
    pub quantity: i64,
    pub pushed: i64,
    pub pending: i64,
    pub failed: i64,
    /// The router's messages for failed vouchers, most common first.
    pub errors: Vec<(String, i64)>,
    /// The last error of a job still waiting to be retried (router down, connection lost).
    pub retry_error: Option<String>,
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
           AND EXISTS (SELECT 1 FROM vouchers v WHERE v.batch_id = $1 AND v.router_state = 'pending'
                       AND v.id = ANY(SELECT jsonb_array_elements_text(j.payload->'voucher_ids')::BIGINT))
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
