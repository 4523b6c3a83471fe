//! The printed sheet's server function: the vouchers to print, each with its QR code.

use crate::error::AppError;
use domain::model::vouchers::SheetVoucher;
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

/// A voucher to print, with its QR code (an inline SVG made on the server).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SheetCard {
    pub voucher: SheetVoucher,
    pub qr_svg: String,
}
wraps_model!(SheetCard => voucher: SheetVoucher);

/// One sheet of a selection of vouchers.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Sheet {
    pub vouchers: Vec<SheetCard>,
    /// How many vouchers the whole selection holds.
    pub total: i64,
    /// Where this sheet starts in the selection.
    pub offset: i64,
    pub per_sheet: i64,
}

/// The vouchers of a batch (from `offset`) or of a chosen set; they are marked printed. The ids
/// are optional because an empty list vanishes from the request's encoding.
#[server(prefix = "/rpc")]
pub async fn voucher_sheet(
    batch: Option<i64>,
    ids: Option<Vec<i64>>,
    offset: Option<i64>,
) -> Result<Sheet, AppError> {
    use crate::auth::ssr::{require, services};
    use billing::hotspot::vouchers::{SHEET_MAX, SheetSelection};
    require(&[domain::Role::Admin]).await?;
    let services = services()?;
    let offset = offset.unwrap_or(0).max(0);
    let selection = match batch {
        Some(batch_id) => SheetSelection::Batch { batch_id, offset },
        None => SheetSelection::Vouchers(ids.unwrap_or_default()),
    };
    let (vouchers, total) = billing::hotspot::vouchers::sheet(&services.pool, &selection).await?;
    Ok(Sheet {
        vouchers: vouchers
            .into_iter()
            .map(|voucher| SheetCard {
                qr_svg: billing::core::qr::qr_svg(&voucher.login_url),
                voucher,
            })
            .collect(),
        total,
        offset: if batch.is_some() { offset } else { 0 },
        per_sheet: SHEET_MAX,
    })
}
