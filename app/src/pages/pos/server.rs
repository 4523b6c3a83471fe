//! The sales screen's server functions, and the views of a sale and of today's sales with what
//! only the server can add: the QR code, and times in the operator's time zone.

use crate::error::AppError;
#[cfg(feature = "ssr")]
use domain::ErrorCode;
#[cfg(feature = "ssr")]
use domain::model::sales::SaleRequest;
use domain::model::sales::{Sale, SaleLine, SaleablePlan, Today};
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

#[cfg(feature = "ssr")]
const SELLERS: &[domain::Role] = &[domain::Role::Admin, domain::Role::Staff];

/// A sale as the screen and the receipt show it: the sale, its QR code (an inline SVG made on
/// the server), and its time and buyer's number written for people.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SaleView {
    pub sale: Sale,
    pub qr_svg: String,
    /// In the operator's time zone.
    pub sold_at: String,
    /// The buyer's number written the usual way (0812-…).
    pub customer_whatsapp: Option<String>,
}
wraps_model!(SaleView => sale: Sale);

/// Today's sales for the cashier signed in.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TodayView {
    /// Today's sales; its `latest` is left empty, its lines are in `latest` with their times.
    pub today: Today,
    /// The cashier signed in.
    pub cashier_id: i64,
    /// This cashier's latest sales.
    pub latest: Vec<SaleLineView>,
}

/// A line of today's sales, with its time of day in the operator's time zone.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SaleLineView {
    pub line: SaleLine,
    pub time: String,
}
wraps_model!(SaleLineView => line: SaleLine);

#[server(prefix = "/rpc")]
pub async fn pos_plans() -> Result<Vec<SaleablePlan>, AppError> {
    use crate::auth::ssr::{require, services};
    require(SELLERS).await?;
    let services = services()?;
    Ok(billing::hotspot::sales::saleable_plans(&services.pool).await?)
}

/// Sells one voucher of a plan. `request_key` is the tap's own key: the same key again returns the
/// same sale.
#[server(prefix = "/rpc")]
pub async fn sell_voucher(
    plan_id: i64,
    request_key: String,
    customer_whatsapp: String,
) -> Result<SaleView, AppError> {
    use crate::auth::ssr::{require, services};
    use crate::components::format::local_time;
    let caller = require(SELLERS).await?;
    let services = services()?;
    let request_key = billing::uuid::Uuid::parse_str(request_key.trim()).map_err(|_| {
        AppError::invalid(
            "request_key",
            ErrorCode::RequestKey,
            "request_key must be a UUID",
        )
    })?;
    let sale = billing::hotspot::sales::sell(
        &services.pool,
        &services.routers,
        SaleRequest {
            plan_id,
            request_key,
            customer_whatsapp: Some(customer_whatsapp),
        },
        caller.principal.id,
    )
    .await?;
    Ok(SaleView {
        qr_svg: billing::core::qr::qr_svg(&sale.login_url),
        sold_at: local_time(sale.sold_at, &services.config.timezone),
        customer_whatsapp: sale
            .customer_whatsapp
            .as_deref()
            .and_then(|w| domain::WhatsappNumber::parse(w).ok())
            .map(|w| w.readable()),
        sale,
    })
}

#[server(prefix = "/rpc")]
pub async fn today_sales() -> Result<TodayView, AppError> {
    use crate::auth::ssr::{require, services};
    use crate::components::format::local_clock;
    let caller = require(SELLERS).await?;
    let services = services()?;
    let me = caller.principal.id;
    let zone = &services.config.timezone;
    let mut today = billing::hotspot::sales::today(&services.pool, *zone, Some(me), 10).await?;
    let latest = std::mem::take(&mut today.latest)
        .into_iter()
        .map(|line| SaleLineView {
            time: local_clock(line.sold_at, zone),
            line,
        })
        .collect();
    Ok(TodayView {
        today,
        cashier_id: me,
        latest,
    })
}
