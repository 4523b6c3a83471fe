//! The printed sheets' server functions: what a selection holds, opening a sheet (which reserves
//! its vouchers), the sheet with a QR code per voucher, and confirming or releasing it.

use crate::error::AppError;
use domain::model::vouchers::{SheetSummary, SheetVoucher};
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

/// A voucher to print, with its QR code (an inline SVG made on the server).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SheetCard {
    pub voucher: SheetVoucher,
    pub qr_svg: String,
}
wraps_model!(SheetCard => voucher: SheetVoucher);

/// Where a sheet stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum SheetState {
    /// Holding its vouchers until the admin confirms or releases it.
    Open,
    Printed,
    Released,
}

impl SheetState {
    pub fn name(self) -> &'static str {
        match self {
            SheetState::Open => "open",
            SheetState::Printed => "printed",
            SheetState::Released => "released",
        }
    }
}

/// A sheet as its page shows it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Sheet {
    pub id: i64,
    pub batch_id: Option<i64>,
    pub state: SheetState,
    pub quantity: i64,
    /// Vouchers of the batch that could go on another sheet.
    pub batch_remaining: i64,
    pub cards: Vec<SheetCard>,
}

/// The chosen vouchers, from the page's address: a batch, or ids separated by commas.
#[cfg(feature = "ssr")]
fn selection(
    batch: Option<i64>,
    ids: &str,
) -> Result<billing::hotspot::sheets::SheetSelection, AppError> {
    use billing::hotspot::sheets::SheetSelection;
    match batch {
        Some(batch_id) => Ok(SheetSelection::Batch(batch_id)),
        None => ids
            .split(',')
            .map(str::trim)
            .filter(|id| !id.is_empty())
            .map(|id| {
                id.parse::<i64>().map_err(|_| {
                    AppError::invalid(
                        "ids",
                        domain::ErrorCode::SheetSelection,
                        "voucher ids are numbers",
                    )
                })
            })
            .collect::<Result<Vec<_>, _>>()
            .map(SheetSelection::Vouchers),
    }
}

/// How many vouchers of the selection could go on a sheet now.
#[server(prefix = "/rpc")]
pub async fn printable_vouchers(batch: Option<i64>, ids: String) -> Result<i64, AppError> {
    use crate::auth::ssr::{require, services};
    require(&[domain::Role::Admin]).await?;
    let services = services()?;
    Ok(billing::hotspot::sheets::printable(&services.pool, &selection(batch, &ids)?).await?)
}

/// Opens a sheet of the selection and goes to it. A form posts this, so every argument is text.
#[server(prefix = "/rpc")]
pub async fn open_sheet(batch: String, ids: String, layout: String) -> Result<i64, AppError> {
    use crate::auth::ssr::{require, services};
    let caller = require(&[domain::Role::Admin]).await?;
    let services = services()?;
    let batch = batch.trim().parse::<i64>().ok();
    let sheet_id = billing::hotspot::sheets::open(
        &services.pool,
        &selection(batch, &ids)?,
        caller.principal.actor(),
    )
    .await?;
    let layout = if layout == "58mm" { "58mm" } else { "a4" };
    leptos_axum::redirect(&format!("/print/sheets/{sheet_id}?layout={layout}"));
    Ok(sheet_id)
}

/// A sheet with its vouchers and their QR codes.
#[server(prefix = "/rpc")]
pub async fn print_sheet(id: i64) -> Result<Sheet, AppError> {
    use crate::auth::ssr::{require, services};
    require(&[domain::Role::Admin]).await?;
    let services = services()?;
    let sheet = billing::hotspot::sheets::get(&services.pool, id).await?;
    let state = if sheet.printed_at.is_some() {
        SheetState::Printed
    } else if sheet.released_at.is_some() {
        SheetState::Released
    } else {
        SheetState::Open
    };
    Ok(Sheet {
        id: sheet.id,
        batch_id: sheet.batch_id,
        state,
        quantity: sheet.quantity,
        batch_remaining: sheet.batch_remaining,
        cards: sheet
            .vouchers
            .into_iter()
            .map(|voucher| SheetCard {
                qr_svg: billing::core::qr::qr_svg(&voucher.login_url),
                voucher,
            })
            .collect(),
    })
}

/// The sheet came out of the printer: its vouchers are printed, never sold at the counter.
#[server(prefix = "/rpc")]
pub async fn confirm_sheet(id: i64) -> Result<u64, AppError> {
    use crate::auth::ssr::{require, services};
    let caller = require(&[domain::Role::Admin]).await?;
    let services = services()?;
    let marked =
        billing::hotspot::sheets::confirm_printed(&services.pool, id, caller.principal.actor())
            .await?;
    leptos_axum::redirect(&format!("/print/sheets/{id}"));
    Ok(marked)
}

/// A printed sheet printed again (the printer jammed): audited; its vouchers stay as they are.
#[server(prefix = "/rpc")]
pub async fn reprint_sheet(id: i64) -> Result<u64, AppError> {
    use crate::auth::ssr::{require, services};
    let caller = require(&[domain::Role::Admin]).await?;
    let services = services()?;
    Ok(billing::hotspot::sheets::reprint(&services.pool, id, caller.principal.actor()).await?)
}

/// The sheet was not printed: its vouchers go back to stock.
#[server(prefix = "/rpc")]
pub async fn release_sheet(id: i64) -> Result<u64, AppError> {
    use crate::auth::ssr::{require, services};
    let caller = require(&[domain::Role::Admin]).await?;
    let services = services()?;
    let released =
        billing::hotspot::sheets::release(&services.pool, id, caller.principal.actor()).await?;
    leptos_axum::redirect(&format!("/print/sheets/{id}"));
    Ok(released)
}

/// An open sheet as the voucher page lists it, with the time it was opened, local.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct OpenSheetView {
    pub sheet: SheetSummary,
    pub opened: String,
}
wraps_model!(OpenSheetView => sheet: SheetSummary);

/// The sheets still holding vouchers.
#[server(prefix = "/rpc")]
pub async fn open_sheets() -> Result<Vec<OpenSheetView>, AppError> {
    use crate::auth::ssr::{require, services};
    use crate::components::format::local_time;
    require(&[domain::Role::Admin]).await?;
    let services = services()?;
    let zone = &services.config.timezone;
    Ok(billing::hotspot::sheets::open_sheets(&services.pool)
        .await?
        .into_iter()
        .map(|sheet| OpenSheetView {
            opened: local_time(sheet.opened_at, zone),
            sheet,
        })
        .collect())
}
