//! The vouchers page's server functions, and the views of the models they return: a plan with its
//! router's name, and batches and vouchers with their times in the operator's time zone.

use crate::error::AppError;
#[cfg(feature = "ssr")]
use domain::ErrorCode;
use domain::VoucherStatus;
use domain::model::plans::Plan;
use domain::model::vouchers::{BatchProgress, BatchSummary, Voucher};
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

/// Vouchers per page of the list.
pub const PAGE_SIZE: i64 = 50;
/// Batches in the recent list.
#[cfg(feature = "ssr")]
const RECENT_BATCHES: i64 = 20;

/// A plan to make a batch of or to filter by, with the name of its router.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PlanChoice {
    pub plan: Plan,
    pub router_name: String,
}
wraps_model!(PlanChoice => plan: Plan);

/// A recent batch, with when it was made in the operator's time zone.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct BatchView {
    pub batch: BatchSummary,
    pub created: String,
}
wraps_model!(BatchView => batch: BatchSummary);

/// A voucher of the list, with its times in the operator's time zone.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct VoucherView {
    pub voucher: Voucher,
    pub expires: Option<String>,
    /// When a cashier sold it.
    pub sold: Option<String>,
}
wraps_model!(VoucherView => voucher: Voucher);

#[cfg(feature = "ssr")]
impl VoucherView {
    fn new(voucher: Voucher, services: &billing::Services) -> Self {
        use crate::components::format::local_time;
        let zone = &services.config.timezone;
        VoucherView {
            expires: voucher.expires_at.map(|at| local_time(at, zone)),
            sold: voucher.sold_at.map(|at| local_time(at, zone)),
            voucher,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct VoucherPage {
    pub rows: Vec<VoucherView>,
    /// Whether older vouchers match too.
    pub more: bool,
    /// How many vouchers match the filter, on all pages.
    pub total: i64,
}

impl VoucherPage {
    /// The number of pages of [`PAGE_SIZE`] vouchers the filter's vouchers fill; at least one.
    pub fn pages(&self) -> i64 {
        ((self.total + PAGE_SIZE - 1) / PAGE_SIZE).max(1)
    }
}

#[server(prefix = "/rpc")]
pub async fn voucher_plans() -> Result<Vec<PlanChoice>, AppError> {
    use crate::auth::ssr::{require, services};
    use std::collections::HashMap;
    require(&[domain::Role::Admin]).await?;
    let services = services()?;
    let routers: HashMap<i64, String> = services
        .routers
        .list()
        .await?
        .into_iter()
        .map(|r| (r.id, r.name))
        .collect();
    // Vouchers are for hotspot plans; a PPPoE plan has none.
    Ok(billing::hotspot::plans::plans(&services.pool, None)
        .await?
        .into_iter()
        .filter(|plan| plan.kind == domain::model::plans::PlanKind::Hotspot)
        .map(|plan| PlanChoice {
            router_name: routers.get(&plan.router_id).cloned().unwrap_or_default(),
            plan,
        })
        .collect())
}

/// Makes a batch and opens its progress; the vouchers reach the router in the background.
#[server(prefix = "/rpc")]
pub async fn create_voucher_batch(
    plan_id: String,
    quantity: String,
    code_length: String,
    prefix: String,
    password_mode: String,
    comment: String,
) -> Result<i64, AppError> {
    use crate::auth::ssr::{require, services};
    use crate::pages::fields::{optional_in_range, optional_text, required_number};
    use domain::PasswordMode;
    let caller = require(&[domain::Role::Admin]).await?;
    let services = services()?;
    let quantity = required_number(&quantity, "quantity", ErrorCode::Quantity)?;
    let input = domain::model::vouchers::BatchInput {
        plan_id: required_number(&plan_id, "plan_id", ErrorCode::PlanNotFound)?,
        quantity: u32::try_from(quantity).map_err(|_| {
            AppError::invalid("quantity", ErrorCode::Quantity, "quantity is out of range")
        })?,
        code_length: optional_in_range(&code_length, "code_length", ErrorCode::CodeLength)?,
        alphabet: None,
        prefix,
        password_mode: Some(match password_mode.as_str() {
            "same" => PasswordMode::Same,
            "separate" => PasswordMode::Separate,
            _ => {
                return Err(AppError::invalid(
                    "password_mode",
                    ErrorCode::PasswordMode,
                    "password mode must be same or separate",
                ));
            }
        }),
        comment: optional_text(comment),
    };
    let created =
        billing::hotspot::vouchers::create_batch(&services.pool, input, caller.principal.actor())
            .await?;
    leptos_axum::redirect(&format!("/admin/vouchers?batch={}", created.batch_id));
    Ok(created.batch_id)
}

#[server(prefix = "/rpc")]
pub async fn get_batch_progress(batch_id: i64) -> Result<Option<BatchProgress>, AppError> {
    use crate::auth::ssr::{require, services};
    require(&[domain::Role::Admin]).await?;
    let services = services()?;
    Ok(billing::hotspot::vouchers::batch_progress(&services.pool, batch_id).await?)
}

#[server(prefix = "/rpc")]
pub async fn recent_batches() -> Result<Vec<BatchView>, AppError> {
    use crate::auth::ssr::{require, services};
    use crate::components::format::local_time;
    require(&[domain::Role::Admin]).await?;
    let services = services()?;
    let zone = &services.config.timezone;
    Ok(
        billing::hotspot::vouchers::batches(&services.pool, RECENT_BATCHES)
            .await?
            .into_iter()
            .map(|batch| BatchView {
                created: local_time(batch.created_at, zone),
                batch,
            })
            .collect(),
    )
}

/// One page of vouchers, newest first: the vouchers older than `before_id` when given ("load
/// more"), else page `page` (from 1) of the numbered list. The filters are separate arguments:
/// an absent one is simply left out of the request.
#[server(prefix = "/rpc")]
pub async fn list_vouchers(
    batch: Option<i64>,
    plan: Option<i64>,
    status: Option<VoucherStatus>,
    code: Option<String>,
    page: Option<i64>,
    before_id: Option<i64>,
) -> Result<VoucherPage, AppError> {
    use crate::auth::ssr::{require, services};
    require(&[domain::Role::Admin]).await?;
    let services = services()?;
    let filter = domain::model::vouchers::VoucherFilter {
        router_id: None,
        plan_id: plan,
        batch_id: batch,
        status: status.map(|s| s.to_string()),
        code,
        before_id,
        limit: Some(PAGE_SIZE + 1),
    };
    let skip = match (before_id, page) {
        (None, Some(page)) => page.max(1).saturating_sub(1).saturating_mul(PAGE_SIZE),
        _ => 0,
    };
    let total = billing::hotspot::vouchers::count(&services.pool, &filter).await?;
    let mut rows = billing::hotspot::vouchers::list_from(&services.pool, &filter, skip).await?;
    let more = rows.len() as i64 > PAGE_SIZE;
    rows.truncate(PAGE_SIZE as usize);
    let rows = rows
        .into_iter()
        .map(|v| VoucherView::new(v, &services))
        .collect();
    Ok(VoucherPage { rows, more, total })
}

/// Disables (`mode` = `disable`) or deletes a voucher, here and on its router; returns the
/// voucher as it is now.
#[server(prefix = "/rpc")]
pub async fn withdraw_voucher(id: i64, mode: String) -> Result<Option<VoucherView>, AppError> {
    use crate::auth::ssr::{require, services};
    let caller = require(&[domain::Role::Admin]).await?;
    let services = services()?;
    let delete = match mode.as_str() {
        "disable" => false,
        "delete" => true,
        _ => {
            return Err(AppError::invalid(
                "mode",
                ErrorCode::VoucherStatus,
                "mode must be disable or delete",
            ));
        }
    };
    billing::hotspot::vouchers::withdraw(&services.pool, &[id], delete, caller.principal.actor())
        .await?;
    let voucher = billing::hotspot::vouchers::get(&services.pool, id).await?;
    Ok(Some(VoucherView::new(voucher, &services)))
}
