//! Printed voucher sheets. Opening a sheet reserves its vouchers: from then on the counter does
//! not sell them. The admin prints it, then confirms the print (the vouchers are printed: someone
//! holds the paper, so the counter never sells them) or releases the sheet (they go back to
//! stock). Sold or withdrawn vouchers never go on a sheet. Reserving and selling lock the same
//! voucher rows, so no voucher is both sold and on a sheet.

use crate::core::audit::{self, Actor};
use crate::core::problem::{Explain, Problem};
use domain::model::vouchers::{PrintSheet, SheetSummary, SheetVoucher};
use domain::{ErrorCode, FieldError};
use sqlx::{PgConnection, PgPool};

/// Vouchers on one printed sheet.
pub const SHEET_MAX: i64 = 200;

/// Which vouchers to print: the next ones of a batch, or a chosen few.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SheetSelection {
    Batch(i64),
    Vouchers(Vec<i64>),
}

#[derive(Debug, thiserror::Error)]
pub enum SheetError {
    #[error(transparent)]
    Invalid(#[from] FieldError),
    #[error("no such sheet")]
    NotFound,
    #[error("the sheet was already marked printed or released")]
    Closed,
    #[error("only a sheet marked printed is printed again")]
    NotPrinted,
    #[error("database error")]
    Database(#[from] sqlx::Error),
}

impl Explain for SheetError {
    fn problem(&self) -> Problem {
        match self {
            SheetError::Invalid(e) => e.problem(),
            SheetError::NotFound => Problem::NotFound {
                field: "sheet_id",
                code: ErrorCode::SheetNotFound,
            },
            SheetError::Closed => Problem::Conflict {
                field: Some("sheet_id"),
                code: ErrorCode::SheetClosed,
            },
            SheetError::NotPrinted => Problem::Conflict {
                field: Some("sheet_id"),
                code: ErrorCode::SheetNotPrinted,
            },
            SheetError::Database(_) => Problem::Internal,
        }
    }
}

impl SheetSelection {
    fn checked(&self) -> Result<(Option<i64>, Option<&[i64]>), SheetError> {
        match self {
            SheetSelection::Batch(batch_id) => Ok((Some(*batch_id), None)),
            SheetSelection::Vouchers(ids) if ids.is_empty() || ids.len() as i64 > SHEET_MAX => {
                Err(FieldError::new(
                    "ids",
                    ErrorCode::SheetSelection,
                    format!("choose between 1 and {SHEET_MAX} vouchers to print"),
                )
                .into())
            }
            SheetSelection::Vouchers(ids) => Ok((None, Some(ids))),
        }
    }
}

/// How many vouchers of the selection could go on a sheet now: never printed, unsold, not
/// withdrawn, not refused by the router, on no open sheet. A printed sheet is printed again only
/// by [`reprint`].
pub async fn printable(pool: &PgPool, selection: &SheetSelection) -> Result<i64, SheetError> {
    let (batch_id, ids) = selection.checked()?;
    Ok(sqlx::query_scalar!(
        r#"SELECT count(*) AS "count!" FROM vouchers
           WHERE ($1::BIGINT IS NULL OR batch_id = $1) AND ($2::BIGINT[] IS NULL OR id = ANY($2))
             AND status = 'created' AND sold_at IS NULL AND sheet_id IS NULL AND printed_at IS NULL
             AND router_state IN ('pending', 'pushed')"#,
        batch_id,
        ids
    )
    .fetch_one(pool)
    .await?)
}

/// Opens a sheet with up to [`SHEET_MAX`] printable vouchers of the selection (the oldest first)
/// and reserves them. A voucher being sold at this moment is waited for, then left out.
pub async fn open(
    pool: &PgPool,
    selection: &SheetSelection,
    actor: Actor,
) -> Result<i64, SheetError> {
    let (batch_id, ids) = selection.checked()?;
    let mut tx = pool.begin().await?;
    let opened_by = actor.staff_id();
    let sheet_id = sqlx::query_scalar!(
        "INSERT INTO print_sheets (batch_id, opened_by, vouchers) VALUES ($1, $2, 1) RETURNING id",
        batch_id,
        opened_by
    )
    .fetch_one(&mut *tx)
    .await?;
    // Locks each candidate; one that a sale holds is waited for, and its row is checked again
    // once the sale commits (then it is sold, and left out).
    let reserved = sqlx::query_scalar!(
        "UPDATE vouchers v SET sheet_id = $1, updated_at = now()
         FROM (SELECT id FROM vouchers
               WHERE ($2::BIGINT IS NULL OR batch_id = $2) AND ($3::BIGINT[] IS NULL OR id = ANY($3))
                 AND status = 'created' AND sold_at IS NULL AND sheet_id IS NULL
                 AND printed_at IS NULL AND router_state IN ('pending', 'pushed')
               ORDER BY id LIMIT $4
               FOR UPDATE) candidate
         WHERE v.id = candidate.id
         RETURNING v.id",
        sheet_id,
        batch_id,
        ids,
        SHEET_MAX
    )
    .fetch_all(&mut *tx)
    .await?;
    if reserved.is_empty() {
        return Err(FieldError::new(
            if batch_id.is_some() {
                "batch_id"
            } else {
                "ids"
            },
            ErrorCode::SheetNothingToPrint,
            "nothing in this selection can be printed: printed already, sold, withdrawn, or on an open sheet",
        )
        .into());
    }
    sqlx::query!(
        "UPDATE print_sheets SET vouchers = $2, voucher_ids = $3 WHERE id = $1",
        sheet_id,
        reserved.len() as i32,
        &reserved
    )
    .execute(&mut *tx)
    .await?;
    audit::record(
        &mut *tx,
        actor,
        "sheet.open",
        Some(("print_sheet", sheet_id.to_string())),
        serde_json::json!({ "batch_id": batch_id, "voucher_ids": reserved }),
    )
    .await?;
    tx.commit().await?;
    Ok(sheet_id)
}

/// A sheet with the vouchers it holds, ready to print.
pub async fn get(pool: &PgPool, sheet_id: i64) -> Result<PrintSheet, SheetError> {
    let sheet = sqlx::query!(
        "SELECT id, batch_id, opened_at, printed_at, released_at, vouchers, voucher_ids FROM print_sheets WHERE id = $1",
        sheet_id
    )
    .fetch_optional(pool)
    .await?
    .ok_or(SheetError::NotFound)?;
    // An open sheet holds its vouchers; a printed one shows those it held (to print again).
    let rows = sqlx::query!(
        "SELECT v.id, v.code, v.password, p.name AS plan_name, r.name AS router_name, v.price,
                p.validity_seconds AS \"validity_seconds!\", r.hotspot_login_url
         FROM vouchers v JOIN plans p ON p.id = v.plan_id JOIN routers r ON r.id = v.router_id
         WHERE v.sheet_id = $1
            OR (v.id = ANY($2::BIGINT[]) AND $3 AND v.status = 'created' AND v.sold_at IS NULL)
         ORDER BY v.id",
        sheet_id,
        sheet.voucher_ids.as_deref() as Option<&[i64]>,
        sheet.printed_at.is_some()
    )
    .fetch_all(pool)
    .await?;
    let vouchers = rows
        .into_iter()
        .map(|r| SheetVoucher {
            login_url: domain::voucher::login_url(
                r.hotspot_login_url.as_deref(),
                &r.code,
                &r.password,
            ),
            id: r.id,
            code: r.code,
            password: r.password,
            plan_name: r.plan_name,
            router_name: r.router_name,
            price: domain::Rupiah::new(r.price),
            validity_seconds: r.validity_seconds,
        })
        .collect();
    let batch_remaining = match sheet.batch_id {
        Some(batch_id) => printable(pool, &SheetSelection::Batch(batch_id)).await?,
        None => 0,
    };
    Ok(PrintSheet {
        id: sheet.id,
        batch_id: sheet.batch_id,
        opened_at: sheet.opened_at,
        printed_at: sheet.printed_at,
        released_at: sheet.released_at,
        quantity: i64::from(sheet.vouchers),
        vouchers,
        batch_remaining,
    })
}

/// The sheet came out of the printer: its vouchers are printed and never sold at the counter.
/// Returns how many vouchers it marked.
pub async fn confirm_printed(
    pool: &PgPool,
    sheet_id: i64,
    actor: Actor,
) -> Result<u64, SheetError> {
    close(pool, sheet_id, actor, true).await
}

/// The sheet was not printed (or is thrown away): its vouchers go back to stock, apart from those
/// printed on an earlier sheet, which stay printed. Returns how many vouchers it released.
pub async fn release(pool: &PgPool, sheet_id: i64, actor: Actor) -> Result<u64, SheetError> {
    close(pool, sheet_id, actor, false).await
}

async fn close(
    pool: &PgPool,
    sheet_id: i64,
    actor: Actor,
    printed: bool,
) -> Result<u64, SheetError> {
    let mut tx = pool.begin().await?;
    lock_open(&mut tx, sheet_id).await?;
    let vouchers = sqlx::query_scalar!(
        "UPDATE vouchers SET sheet_id = NULL, updated_at = now(),
                printed_at = CASE WHEN $2 THEN coalesce(printed_at, now()) ELSE printed_at END
         WHERE sheet_id = $1
         RETURNING id",
        sheet_id,
        printed
    )
    .fetch_all(&mut *tx)
    .await?;
    sqlx::query!(
        "UPDATE print_sheets SET printed_at = CASE WHEN $2 THEN now() END,
                                 released_at = CASE WHEN $2 THEN NULL ELSE now() END
         WHERE id = $1",
        sheet_id,
        printed
    )
    .execute(&mut *tx)
    .await?;
    audit::record(
        &mut *tx,
        actor,
        if printed {
            "sheet.printed"
        } else {
            "sheet.release"
        },
        Some(("print_sheet", sheet_id.to_string())),
        serde_json::json!({ "voucher_ids": vouchers }),
    )
    .await?;
    tx.commit().await?;
    Ok(vouchers.len() as u64)
}

/// A printed sheet is printed again (the printer jammed): nothing changes for its vouchers, and
/// the audit log says who printed which codes a second time. Returns how many it holds.
pub async fn reprint(pool: &PgPool, sheet_id: i64, actor: Actor) -> Result<u64, SheetError> {
    let mut tx = pool.begin().await?;
    let sheet = sqlx::query!(
        "SELECT printed_at, voucher_ids FROM print_sheets WHERE id = $1 FOR UPDATE",
        sheet_id
    )
    .fetch_optional(&mut *tx)
    .await?
    .ok_or(SheetError::NotFound)?;
    let (Some(_), Some(ids)) = (sheet.printed_at, sheet.voucher_ids) else {
        return Err(SheetError::NotPrinted);
    };
    audit::record(
        &mut *tx,
        actor,
        "sheet.reprint",
        Some(("print_sheet", sheet_id.to_string())),
        serde_json::json!({ "voucher_ids": ids }),
    )
    .await?;
    tx.commit().await?;
    Ok(ids.len() as u64)
}

/// Locks an open sheet for closing; a closed or unknown one is refused.
async fn lock_open(tx: &mut PgConnection, sheet_id: i64) -> Result<(), SheetError> {
    let sheet = sqlx::query!(
        r#"SELECT (printed_at IS NULL AND released_at IS NULL) AS "open!" FROM print_sheets WHERE id = $1 FOR UPDATE"#,
        sheet_id
    )
    .fetch_optional(&mut *tx)
    .await?
    .ok_or(SheetError::NotFound)?;
    if sheet.open {
        Ok(())
    } else {
        Err(SheetError::Closed)
    }
}

/// The sheets still open, oldest first: their vouchers are held from the counter until each is
/// confirmed or released.
pub async fn open_sheets(pool: &PgPool) -> Result<Vec<SheetSummary>, SheetError> {
    Ok(sqlx::query_as!(
        SheetSummary,
        r#"SELECT s.id, s.batch_id, s.vouchers::BIGINT AS "quantity!", s.opened_at, u.name AS "opened_by?"
           FROM print_sheets s LEFT JOIN staff_users u ON u.id = s.opened_by
           WHERE s.printed_at IS NULL AND s.released_at IS NULL
           ORDER BY s.id"#
    )
    .fetch_all(pool)
    .await?)
}
