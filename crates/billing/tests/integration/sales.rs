//! Selling vouchers at the counter and reporting the sales, against a real PostgreSQL and a
//! simulated MikroTik router speaking the API protocol.

use crate::support;

use support::{drain, register_router, services, simulator, skip_backoff};

use billing::core::audit::Actor;
use billing::hotspot::plans;
use billing::hotspot::sales::{self, SaleError};
use billing::hotspot::sheets::{self, SheetError, SheetSelection};
use billing::hotspot::vouchers::{self, VoucherError};
use billing::reports;
use chrono::{TimeZone, Utc};
use domain::FieldError;
use domain::RouterState;
use domain::model::plans::{PlanInput, PlanKind};
use domain::model::reports::{GroupTotal, Period};
use domain::model::sales::SaleRequest as SaleInput;
use domain::model::vouchers::BatchInput;
use domain::{Role, Rupiah};
use sqlx::PgPool;
use std::sync::Arc;
use std::time::{Duration, Instant};
use uuid::Uuid;

async fn plan(pool: &PgPool, router_id: i64, name: &str, price: i64) -> i64 {
    plans::create_plan(
        pool,
        PlanInput {
            kind: PlanKind::Hotspot,
            router_id,
            name: name.into(),
            price,
            validity: "1d".into(),
            time_quota: None,
            data_quota_mb: None,
            profile: format!("p-{}", name.to_lowercase()),
            rate_limit: None,
            shared_users: None,
        },
        Actor::System,
    )
    .await
    .unwrap()
    .id
}

async fn cashier(pool: &PgPool, username: &str) -> i64 {
    billing::identity::accounts::create_staff(
        pool,
        username,
        &format!("Kasir {username}"),
        "kasir-password-1".to_owned().into(),
        Role::Staff,
    )
    .await
    .unwrap()
    .id
    .0
}

fn tap(plan_id: i64) -> SaleInput {
    SaleInput {
        plan_id,
        request_key: Uuid::new_v4(),
        customer_whatsapp: None,
    }
}

/// The text of the QR code in an SVG that `qr_svg` drew: its dark modules (the path's rectangles)
/// painted on a bitmap, then found and decoded as a camera's picture would be.
fn read_qr(svg: &str) -> String {
    let attribute = |name: &str| -> usize {
        let start = svg.find(&format!(" {name}=\"")).expect(name) + name.len() + 3;
        let end = start + svg[start..].find('"').unwrap();
        svg[start..end].parse().expect(name)
    };
    let (width, height) = (attribute("width"), attribute("height"));
    let path_start = svg.find(" d=\"").expect("a path of dark modules") + 4;
    let path = &svg[path_start..path_start + svg[path_start..].find('"').unwrap()];
    let mut dark = vec![false; width * height];
    // Each module or run is drawn as `M{left} {top}h{width}v{height}H{left}V{top}`.
    for rect in path.split('M').filter(|r| !r.is_empty()) {
        let numbers: Vec<usize> = rect
            .split(|c: char| c.is_ascii_alphabetic() || c == ' ')
            .filter(|n| !n.is_empty())
            .map(|n| n.parse().unwrap())
            .collect();
        let [left, top, w, h, ..] = numbers[..] else {
            panic!("unexpected path segment {rect}")
        };
        for y in top..top + h {
            for x in left..left + w {
                dark[y * width + x] = true;
            }
        }
    }
    let mut image = rqrr::PreparedImage::prepare_from_greyscale(width, height, |x, y| {
        if dark[y * width + x] { 0 } else { 255 }
    });
    let grids = image.detect_grids();
    assert_eq!(grids.len(), 1, "one QR code in the picture");
    grids[0].decode().expect("a readable QR code").1
}

async fn count(pool: &PgPool, sql: &str) -> i64 {
    sqlx::query_scalar::<_, i64>(sqlx::AssertSqlSafe(sql.to_owned()))
        .fetch_one(pool)
        .await
        .unwrap()
}

#[sqlx::test(migrator = "billing::core::db::MIGRATOR")]
async fn a_sale_takes_unsold_stock_and_skips_printed_vouchers(pool: PgPool) {
    let services = services(pool.clone()).await;
    let sim = simulator().await;
    let router_id = register_router(&services, &sim, "Tower").await;
    let plan_id = plan(&pool, router_id, "Harian", 5_000).await;
    let kasir = cashier(&pool, "kasir").await;
    let batch = vouchers::create_batch(
        &pool,
        BatchInput {
            plan_id,
            quantity: 3,
            code_length: Some(6),
            alphabet: None,
            prefix: "ST".into(),
            password_mode: None,
            comment: None,
        },
        Actor::System,
    )
    .await
    .unwrap();
    drain(&services).await;
    // The first voucher went out on a printed sheet: the counter must not sell it again.
    let first = SheetSelection::Vouchers(vec![batch.vouchers[0].id]);
    let sheet_id = sheets::open(&pool, &first, Actor::System).await.unwrap();
    let sheet = sheets::get(&pool, sheet_id).await.unwrap();
    assert_eq!(sheet.vouchers.len(), 1);
    assert_eq!(sheet.vouchers[0].code, batch.vouchers[0].code);
    assert_eq!(sheet.vouchers[0].plan_name, "Harian");
    assert!(
        sheet.vouchers[0]
            .login_url
            .starts_with("http://tower.lan/login?username=")
    );
    assert_eq!(
        sheets::confirm_printed(&pool, sheet_id, Actor::System)
            .await
            .unwrap(),
        1
    );
    assert!(matches!(
        sheets::release(&pool, sheet_id, Actor::System).await,
        Err(SheetError::Closed)
    ));
    assert!(matches!(
        sheets::open(&pool, &SheetSelection::Vouchers(vec![]), Actor::System).await,
        Err(SheetError::Invalid(_))
    ));

    let sale = sales::sell(&pool, &services.routers, tap(plan_id), kasir)
        .await
        .unwrap();
    assert_eq!(sale.voucher_id, batch.vouchers[1].id);
    assert_eq!(sale.code, batch.vouchers[1].code);
    assert_eq!(sale.price, Rupiah::new(5_000));
    assert_eq!(sale.router_state, RouterState::Pushed);
    assert_eq!(sale.cashier.name, "Kasir kasir");
    assert!(!sale.replayed);
    assert_eq!(
        sale.login_url,
        format!(
            "http://tower.lan/login?username={}&password={}",
            sale.code, sale.password
        )
    );
    let qr = billing::core::qr::qr_svg(&sale.login_url);
    assert!(qr.starts_with("<svg"), "ready to place inside a page: {qr}");
    assert_eq!(
        read_qr(&qr),
        sale.login_url,
        "the receipt's QR code logs the buyer in"
    );

    let second = sales::sell(&pool, &services.routers, tap(plan_id), kasir)
        .await
        .unwrap();
    assert_eq!(second.voucher_id, batch.vouchers[2].id);
    let sold_by: Vec<Option<i64>> =
        sqlx::query_scalar("SELECT sold_by FROM vouchers WHERE batch_id = $1 ORDER BY id")
            .bind(batch.batch_id)
            .fetch_all(&pool)
            .await
            .unwrap();
    assert_eq!(sold_by, vec![None, Some(kasir), Some(kasir)]);
}

#[sqlx::test(migrator = "billing::core::db::MIGRATOR")]
async fn sold_vouchers_never_print_and_an_open_sheet_holds_its_vouchers_from_the_counter(
    pool: PgPool,
) {
    let services = services(pool.clone()).await;
    let sim = simulator().await;
    let router_id = register_router(&services, &sim, "Tower").await;
    let plan_id = plan(&pool, router_id, "Harian", 5_000).await;
    let kasir = cashier(&pool, "kasir").await;
    let batch = vouchers::create_batch(&pool, support::batch(plan_id, 4), Actor::System)
        .await
        .unwrap();
    drain(&services).await;
    let ids: Vec<i64> = batch.vouchers.iter().map(|v| v.id).collect();

    let sold = sales::sell(&pool, &services.routers, tap(plan_id), kasir)
        .await
        .unwrap();
    assert_eq!(sold.voucher_id, ids[0]);
    let whole_batch = SheetSelection::Batch(batch.batch_id);
    assert_eq!(sheets::printable(&pool, &whole_batch).await.unwrap(), 3);
    let sheet_id = sheets::open(&pool, &whole_batch, Actor::System)
        .await
        .unwrap();
    let sheet = sheets::get(&pool, sheet_id).await.unwrap();
    let on_sheet: Vec<i64> = sheet.vouchers.iter().map(|v| v.id).collect();
    assert_eq!(
        on_sheet,
        ids[1..].to_vec(),
        "the sold voucher is not printed"
    );
    assert_eq!(sheet.batch_remaining, 0);
    assert!(matches!(
        sheets::open(&pool, &SheetSelection::Vouchers(vec![ids[0], ids[1]]), Actor::System).await,
        Err(SheetError::Invalid(e)) if e.code == domain::ErrorCode::SheetNothingToPrint
    ));

    // While the sheet is open the counter leaves its vouchers alone and makes a new one.
    let while_printing = sales::sell(&pool, &services.routers, tap(plan_id), kasir)
        .await
        .unwrap();
    assert!(!ids.contains(&while_printing.voucher_id));

    // Released unprinted: the vouchers are back on sale, the oldest first.
    assert_eq!(
        sheets::release(&pool, sheet_id, Actor::System)
            .await
            .unwrap(),
        3
    );
    let after_release = sales::sell(&pool, &services.routers, tap(plan_id), kasir)
        .await
        .unwrap();
    assert_eq!(after_release.voucher_id, ids[1]);

    // Printed for good: the counter never sells them, and no new sheet takes them again (two
    // paper copies of one code would be sold twice); printing the same sheet again (the paper
    // jammed) is its own audited action.
    let again = sheets::open(&pool, &whole_batch, Actor::System)
        .await
        .unwrap();
    assert_eq!(
        sheets::confirm_printed(&pool, again, Actor::System)
            .await
            .unwrap(),
        2
    );
    let next = sales::sell(&pool, &services.routers, tap(plan_id), kasir)
        .await
        .unwrap();
    assert!(!ids.contains(&next.voucher_id));
    assert!(matches!(
        sheets::open(&pool, &whole_batch, Actor::System).await,
        Err(SheetError::Invalid(e)) if e.code == domain::ErrorCode::SheetNothingToPrint
    ));
    assert_eq!(
        sheets::printable(&pool, &whole_batch).await.unwrap(),
        0,
        "nothing printed is offered again"
    );
    assert!(matches!(
        sheets::reprint(&pool, sheet_id, Actor::System).await,
        Err(SheetError::NotPrinted)
    ));
    assert_eq!(
        sheets::reprint(&pool, again, Actor::System).await.unwrap(),
        2
    );
    let reprinted: Vec<i64> = sheets::get(&pool, again)
        .await
        .unwrap()
        .vouchers
        .iter()
        .map(|v| v.id)
        .collect();
    assert_eq!(reprinted, ids[2..].to_vec());
    let audited: i64 = sqlx::query_scalar(
        "SELECT count(*) FROM audit_logs WHERE action = 'sheet.reprint' AND entity_id = $1",
    )
    .bind(again.to_string())
    .fetch_one(&pool)
    .await
    .unwrap();
    assert_eq!(audited, 1);
}

#[sqlx::test(migrator = "billing::core::db::MIGRATOR")]
async fn selling_and_opening_sheets_at_once_never_share_a_voucher(pool: PgPool) {
    let services = services(pool.clone()).await;
    let sim = simulator().await;
    let router_id = register_router(&services, &sim, "Tower").await;
    let plan_id = plan(&pool, router_id, "Harian", 5_000).await;
    let kasir = cashier(&pool, "kasir").await;
    for _ in 0..3 {
        let batch = vouchers::create_batch(&pool, support::batch(plan_id, 12), Actor::System)
            .await
            .unwrap();
        drain(&services).await;
        let chosen =
            SheetSelection::Vouchers(batch.vouchers.iter().map(|v| v.id).step_by(2).collect());
        let whole = SheetSelection::Batch(batch.batch_id);
        let pool = &pool;
        let sales = futures::future::join_all(
            (0..8).map(|_| sales::sell(pool, &services.routers, tap(plan_id), kasir)),
        );
        let sheets = futures::future::join_all([
            sheets::open(pool, &chosen, Actor::System),
            sheets::open(pool, &whole, Actor::System),
        ]);
        let (sales, sheets) = tokio::join!(sales, sheets);
        for sale in sales {
            sale.unwrap();
        }
        for sheet in sheets {
            match sheet {
                Ok(_) | Err(SheetError::Invalid(_)) => {}
                Err(e) => panic!("{e:?}"),
            }
        }
    }
    assert_eq!(
        count(
            &pool,
            "SELECT count(*) FROM vouchers WHERE sold_at IS NOT NULL AND (sheet_id IS NOT NULL OR printed_at IS NOT NULL)"
        )
        .await,
        0,
        "no voucher is both sold and on a sheet"
    );
    assert_eq!(count(&pool, "SELECT count(*) FROM voucher_sales").await, 24);
    assert_eq!(
        count(
            &pool,
            "SELECT coalesce(sum(vouchers), 0)::BIGINT FROM print_sheets"
        )
        .await,
        count(
            &pool,
            "SELECT count(*) FROM vouchers WHERE sheet_id IS NOT NULL"
        )
        .await,
        "each sheet holds what it took"
    );
}

#[sqlx::test(migrator = "billing::core::db::MIGRATOR")]
async fn without_stock_a_sale_makes_its_voucher_and_pushes_it_before_answering(pool: PgPool) {
    let services = services(pool.clone()).await;
    let sim = simulator().await;
    let router_id = register_router(&services, &sim, "Tower").await;
    let plan_id = plan(&pool, router_id, "Harian", 5_000).await;
    drain(&services).await;
    let kasir = cashier(&pool, "kasir").await;

    let sale = sales::sell(
        &pool,
        &services.routers,
        SaleInput {
            customer_whatsapp: Some("0812-3456-7890".into()),
            ..tap(plan_id)
        },
        kasir,
    )
    .await
    .unwrap();
    assert_eq!(sale.router_state, RouterState::Pushed);
    assert_eq!(sale.customer_whatsapp.as_deref(), Some("6281234567890"));
    let on_router = sim
        .hotspot_users()
        .into_iter()
        .find(|u| u.get("name") == Some(sale.code.as_str()))
        .expect("the sold voucher is on the router when the sale answers");
    assert_eq!(on_router.get("profile"), Some("p-harian"));
    assert_eq!(
        count(
            &pool,
            "SELECT count(*) FROM router_jobs WHERE status <> 'done'"
        )
        .await,
        0
    );
    // The buyer finds it among their vouchers; another number finds nothing.
    let bought = sales::bought_by(&pool, "6281234567890", 20).await.unwrap();
    assert_eq!(bought.len(), 1);
    assert_eq!(bought[0].code, sale.code);
    assert_eq!(bought[0].plan_name, "Harian");
    assert_eq!(bought[0].price, domain::Rupiah::new(5_000));
    assert!(
        sales::bought_by(&pool, "6281234567891", 20)
            .await
            .unwrap()
            .is_empty()
    );
}

#[sqlx::test(migrator = "billing::core::db::MIGRATOR")]
async fn a_sale_while_the_router_is_down_is_kept_and_pushed_later(pool: PgPool) {
    let services = services(pool.clone()).await;
    let sim = simulator().await;
    let router_id = register_router(&services, &sim, "Tower").await;
    let plan_id = plan(&pool, router_id, "Harian", 5_000).await;
    drain(&services).await;
    let kasir = cashier(&pool, "kasir").await;
    sim.refuse_login(true);
    sim.drop_connections();

    let sale = sales::sell(&pool, &services.routers, tap(plan_id), kasir)
        .await
        .unwrap();
    assert_eq!(sale.router_state, RouterState::Pending);
    assert!(
        !sim.hotspot_users()
            .iter()
            .any(|u| u.get("name") == Some(sale.code.as_str()))
    );

    sim.refuse_login(false);
    skip_backoff(&pool).await;
    drain(&services).await;
    assert!(
        sim.hotspot_users()
            .iter()
            .any(|u| u.get("name") == Some(sale.code.as_str()))
    );
    assert_eq!(
        sales::get(&pool, sale.id).await.unwrap().router_state,
        RouterState::Pushed
    );
}

#[sqlx::test(migrator = "billing::core::db::MIGRATOR")]
async fn the_same_tap_sells_once_even_when_it_arrives_twice_at_once(pool: PgPool) {
    let services = services(pool.clone()).await;
    let sim = simulator().await;
    let router_id = register_router(&services, &sim, "Tower").await;
    let plan_id = plan(&pool, router_id, "Harian", 5_000).await;
    let kasir = cashier(&pool, "kasir").await;
    vouchers::create_batch(
        &pool,
        BatchInput {
            plan_id,
            quantity: 5,
            code_length: None,
            alphabet: None,
            prefix: String::new(),
            password_mode: None,
            comment: None,
        },
        Actor::System,
    )
    .await
    .unwrap();
    drain(&services).await;

    let one_tap = tap(plan_id);
    let (a, b) = tokio::join!(
        sales::sell(&pool, &services.routers, one_tap.clone(), kasir),
        sales::sell(&pool, &services.routers, one_tap.clone(), kasir)
    );
    let (a, b) = (a.unwrap(), b.unwrap());
    assert_eq!(a.id, b.id);
    assert_eq!(a.voucher_id, b.voucher_id);
    assert!(a.replayed ^ b.replayed, "one of the two made the sale");
    let again = sales::sell(&pool, &services.routers, one_tap, kasir)
        .await
        .unwrap();
    assert_eq!((again.id, again.replayed), (a.id, true));
    assert_eq!(count(&pool, "SELECT count(*) FROM voucher_sales").await, 1);
    assert_eq!(
        count(
            &pool,
            "SELECT count(*) FROM vouchers WHERE sold_at IS NOT NULL"
        )
        .await,
        1
    );
}

#[sqlx::test(migrator = "billing::core::db::MIGRATOR")]
async fn a_request_key_replayed_for_another_plan_is_refused(pool: PgPool) {
    let services = services(pool.clone()).await;
    let sim = simulator().await;
    let router_id = register_router(&services, &sim, "Tower").await;
    let harian = plan(&pool, router_id, "Harian", 5_000).await;
    let mingguan = plan(&pool, router_id, "Mingguan", 20_000).await;
    let kasir = cashier(&pool, "kasir").await;

    let key = tap(harian);
    let sold = sales::sell(&pool, &services.routers, key.clone(), kasir)
        .await
        .unwrap();
    let other_plan = SaleInput {
        plan_id: mingguan,
        ..key.clone()
    };
    let refused = sales::sell(&pool, &services.routers, other_plan.clone(), kasir)
        .await
        .unwrap_err();
    assert!(matches!(refused, SaleError::KeyReused), "{refused:?}");
    assert!(matches!(
        billing::core::problem::Explain::problem(&refused),
        billing::core::problem::Problem::Conflict {
            field: Some("request_key"),
            ..
        }
    ));
    // Both at once: one sells, the other is refused, never answered with the other's sale.
    let fresh = tap(harian);
    let (a, b) = tokio::join!(
        sales::sell(&pool, &services.routers, fresh.clone(), kasir),
        sales::sell(
            &pool,
            &services.routers,
            SaleInput {
                plan_id: mingguan,
                ..fresh.clone()
            },
            kasir
        )
    );
    match (a, b) {
        (Ok(sale), Err(SaleError::KeyReused)) => assert_eq!(sale.plan.id, harian),
        (Err(SaleError::KeyReused), Ok(sale)) => assert_eq!(sale.plan.id, mingguan),
        other => panic!("one sale and one refusal expected: {other:?}"),
    }
    assert_eq!(count(&pool, "SELECT count(*) FROM voucher_sales").await, 2);
    assert_eq!(
        sales::sell(&pool, &services.routers, key, kasir)
            .await
            .unwrap()
            .id,
        sold.id,
        "the same key and plan still answer the first sale"
    );
}

#[sqlx::test(migrator = "billing::core::db::MIGRATOR")]
async fn a_sale_records_the_price_its_voucher_was_made_with(pool: PgPool) {
    let services = services(pool.clone()).await;
    let sim = simulator().await;
    let router_id = register_router(&services, &sim, "Tower").await;
    let plan_id = plan(&pool, router_id, "Harian", 5_000).await;
    let kasir = cashier(&pool, "kasir").await;
    vouchers::create_batch(&pool, support::batch(plan_id, 1), Actor::System)
        .await
        .unwrap();
    drain(&services).await;
    // The plan's price goes up after the batch was printed at the old price.
    sqlx::query("UPDATE plans SET price = 7000 WHERE id = $1")
        .bind(plan_id)
        .execute(&pool)
        .await
        .unwrap();

    let from_stock = sales::sell(&pool, &services.routers, tap(plan_id), kasir)
        .await
        .unwrap();
    assert_eq!(
        from_stock.price,
        Rupiah::new(5_000),
        "the paper says Rp 5.000"
    );
    let made_now = sales::sell(&pool, &services.routers, tap(plan_id), kasir)
        .await
        .unwrap();
    assert_eq!(
        made_now.price,
        Rupiah::new(7_000),
        "a new voucher costs today's price"
    );
    assert_eq!(
        count(&pool, "SELECT sum(price)::BIGINT FROM voucher_sales").await,
        12_000
    );
}

#[sqlx::test(migrator = "billing::core::db::MIGRATOR")]
async fn two_sales_of_one_plan_at_the_same_moment_take_two_different_stock_vouchers(pool: PgPool) {
    const ROUNDS: usize = 5;
    let services = services(pool.clone()).await;
    let sim = simulator().await;
    let router_id = register_router(&services, &sim, "Tower").await;
    let plan_id = plan(&pool, router_id, "Harian", 5_000).await;
    let kasir = cashier(&pool, "kasir").await;
    let batch = vouchers::create_batch(
        &pool,
        BatchInput {
            plan_id,
            quantity: 2 * ROUNDS as u32,
            code_length: None,
            alphabet: None,
            prefix: String::new(),
            password_mode: None,
            comment: None,
        },
        Actor::System,
    )
    .await
    .unwrap();
    drain(&services).await;
    let stock = || async {
        sales::saleable_plans(&pool)
            .await
            .unwrap()
            .into_iter()
            .find(|p| p.id == plan_id)
            .unwrap()
            .stock
    };
    let users_on_router = sim.hotspot_users().len();
    // Open database connections for both sales beforehand, so that neither waits for one while
    // the other finishes.
    let warm: Vec<_> = futures::future::join_all((0..4).map(|_| pool.acquire())).await;
    drop(warm);

    // Two counters tap the same plan at once: two tasks, each with its own request key. Several
    // rounds, so that the two really meet in the database.
    let mut sold = Vec::new();
    for round in 0..ROUNDS {
        let before = stock().await;
        let start = Arc::new(tokio::sync::Barrier::new(2));
        let sale = || {
            let (pool, routers, start) = (pool.clone(), services.routers.clone(), start.clone());
            tokio::spawn(async move {
                start.wait().await;
                sales::sell(&pool, &routers, tap(plan_id), kasir).await
            })
        };
        let (a, b) = (sale(), sale());
        let (a, b) = (a.await.unwrap().unwrap(), b.await.unwrap().unwrap());
        assert_ne!(a.id, b.id, "round {round}: two sales");
        assert!(!a.replayed && !b.replayed);
        assert_ne!(
            a.voucher_id, b.voucher_id,
            "round {round}: each sale took its own voucher"
        );
        assert_eq!(
            (a.router_state.as_str(), b.router_state.as_str()),
            ("pushed", "pushed")
        );
        assert_eq!(
            stock().await,
            before - 2,
            "round {round}: stock went down by exactly two"
        );
        sold.extend([a.voucher_id, b.voucher_id]);
    }

    sold.sort_unstable();
    let batch_ids: Vec<i64> = batch.vouchers.iter().map(|v| v.id).collect();
    assert_eq!(
        sold, batch_ids,
        "every sale took a stock voucher, none twice"
    );
    assert_eq!(stock().await, 0);
    assert_eq!(
        count(&pool, "SELECT count(*) FROM voucher_sales").await,
        2 * ROUNDS as i64
    );
    assert_eq!(
        count(
            &pool,
            "SELECT count(DISTINCT voucher_id) FROM voucher_sales"
        )
        .await,
        2 * ROUNDS as i64,
        "no voucher sold twice"
    );
    assert_eq!(
        count(&pool, "SELECT count(*) FROM vouchers").await,
        2 * ROUNDS as i64,
        "no voucher made on the spot while there was stock"
    );
    assert_eq!(sim.hotspot_users().len(), users_on_router);
}

#[sqlx::test(migrator = "billing::core::db::MIGRATOR")]
async fn a_sale_on_a_router_slower_than_the_wait_answers_pending_and_the_outbox_pushes_it(
    pool: PgPool,
) {
    let services = services(pool.clone()).await;
    let sim = simulator().await;
    let router_id = register_router(&services, &sim, "Tower").await;
    let plan_id = plan(&pool, router_id, "Harian", 5_000).await;
    drain(&services).await;
    let kasir = cashier(&pool, "kasir").await;

    // We are connected and logged in to the router. Then it slows down: it answers each command
    // only after 7 s. There is no stock, so the sale makes its voucher and waits up to 5 s for
    // the router to have it.
    assert!(services.routers.status(router_id).await.unwrap().reachable);
    sim.set_latency(Duration::from_secs(7));
    let started = Instant::now();
    let sale = sales::sell(&pool, &services.routers, tap(plan_id), kasir)
        .await
        .unwrap();
    let waited = started.elapsed();
    assert_eq!(sale.router_state, RouterState::Pending);
    assert!(
        (Duration::from_secs(5)..Duration::from_millis(6_500)).contains(&waited),
        "the sale answers when its own 5 s wait ends, not when the router does: {waited:?}"
    );
    assert_eq!(
        count(
            &pool,
            "SELECT count(*) FROM router_jobs WHERE status IN ('pending', 'running')"
        )
        .await,
        1,
        "the push stays in the outbox"
    );

    // The sale stopped waiting, not pushing: its push goes on and lands when the router
    // answers, with no lease left to run out and no worker needed.
    sim.set_latency(Duration::ZERO);
    let mut state = RouterState::Pending;
    for _ in 0..100 {
        state = sales::get(&pool, sale.id).await.unwrap().router_state;
        if state == RouterState::Pushed {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert_eq!(state, RouterState::Pushed);
    assert_eq!(
        count(
            &pool,
            "SELECT count(*) FROM router_jobs WHERE status = 'done' AND lease_token IS NULL"
        )
        .await,
        1,
        "the job is settled, not held"
    );
    let on_router = sim
        .hotspot_users()
        .into_iter()
        .find(|u| u.get("name") == Some(sale.code.as_str()))
        .expect("the sold voucher is on the router");
    assert_eq!(on_router.get("password"), Some(sale.password.as_str()));
    assert_eq!(on_router.get("profile"), Some("p-harian"));
}

#[sqlx::test(migrator = "billing::core::db::MIGRATOR")]
async fn refused_sales_change_nothing(pool: PgPool) {
    let services = services(pool.clone()).await;
    let sim = simulator().await;
    let router_id = register_router(&services, &sim, "Tower").await;
    let plan_id = plan(&pool, router_id, "Harian", 5_000).await;
    let kasir = cashier(&pool, "kasir").await;
    let before = count(&pool, "SELECT count(*) FROM vouchers").await;

    let bad_number = sales::sell(
        &pool,
        &services.routers,
        SaleInput {
            customer_whatsapp: Some("12345".into()),
            ..tap(plan_id)
        },
        kasir,
    )
    .await;
    assert!(
        matches!(
            bad_number,
            Err(SaleError::Invalid(FieldError {
                field: "customer_whatsapp",
                ..
            }))
        ),
        "{bad_number:?}"
    );
    assert!(matches!(
        sales::sell(&pool, &services.routers, tap(plan_id + 999), kasir).await,
        Err(SaleError::Voucher(VoucherError::PlanNotFound))
    ));
    let off = plans::set_plan_active(&pool, plan_id, false, Actor::Staff(kasir))
        .await
        .unwrap();
    assert!(!off.active);
    assert!(matches!(
        sales::sell(&pool, &services.routers, tap(plan_id), kasir).await,
        Err(SaleError::Voucher(VoucherError::PlanInactive))
    ));
    assert!(
        sales::saleable_plans(&pool)
            .await
            .unwrap()
            .iter()
            .all(|p| p.id != plan_id),
        "a plan that is off is not offered"
    );
    assert_eq!(count(&pool, "SELECT count(*) FROM voucher_sales").await, 0);
    assert_eq!(count(&pool, "SELECT count(*) FROM vouchers").await, before);

    plans::set_plan_active(&pool, plan_id, true, Actor::Staff(kasir))
        .await
        .unwrap();
    let sold = sales::sell(&pool, &services.routers, tap(plan_id), kasir)
        .await
        .unwrap();
    assert_eq!(
        (
            sold.plan.id,
            sold.price,
            sold.router_state.as_str(),
            sold.replayed
        ),
        (plan_id, Rupiah::new(5_000), "pushed", false),
        "switched on again, the plan sells"
    );
    assert_eq!(count(&pool, "SELECT count(*) FROM voucher_sales").await, 1);
    assert!(matches!(
        plans::set_plan_active(&pool, plan_id + 999, false, Actor::System).await,
        Err(plans::CatalogError::PlanNotFound)
    ));
    assert_eq!(
        count(
            &pool,
            "SELECT count(*) FROM audit_logs WHERE action IN ('plan.activate', 'plan.deactivate')"
        )
        .await,
        2
    );
}

#[sqlx::test(migrator = "billing::core::db::MIGRATOR")]
async fn report_totals_equal_the_recorded_sales_across_plans_cashiers_and_routers(pool: PgPool) {
    let services = services(pool.clone()).await;
    let (sim_a, sim_b) = (simulator().await, simulator().await);
    let tower_a = register_router(&services, &sim_a, "TowerA").await;
    let tower_b = register_router(&services, &sim_b, "TowerB").await;
    let plans = [
        plan(&pool, tower_a, "Jam", 2_000).await,
        plan(&pool, tower_a, "Hari", 5_000).await,
        plan(&pool, tower_b, "Minggu", 25_000).await,
    ];
    drain(&services).await;
    let cashiers = [cashier(&pool, "ani").await, cashier(&pool, "budi").await];

    // 24 sales spread over plans and cashiers, then moved onto four local days.
    let mut sold = Vec::new();
    for i in 0..24usize {
        let sale = sales::sell(
            &pool,
            &services.routers,
            tap(plans[i % 3]),
            cashiers[(i / 3) % 2],
        )
        .await
        .unwrap();
        sold.push(sale.id);
    }
    let tz = chrono_tz::Asia::Jakarta;
    let day = |d: u32, h: u32, m: u32| {
        tz.with_ymd_and_hms(2026, 11, d, h, m, 0)
            .unwrap()
            .with_timezone(&Utc)
    };
    // 23:59 local on the 10th is 16:59 UTC on the 10th; 00:05 on the 11th is still the 10th in UTC.
    let times = [day(9, 8, 0), day(10, 23, 59), day(11, 0, 5), day(12, 12, 0)];
    for (i, id) in sold.iter().enumerate() {
        sqlx::query("UPDATE voucher_sales SET sold_at = $2 WHERE id = $1")
            .bind(id)
            .bind(times[i % 4])
            .execute(&pool)
            .await
            .unwrap();
    }

    let from = chrono::NaiveDate::from_ymd_opt(2026, 11, 10).unwrap();
    let to = chrono::NaiveDate::from_ymd_opt(2026, 11, 11).unwrap();
    let report = reports::sales(&pool, tz, Period::new(from, to).unwrap())
        .await
        .unwrap();
    let (start, end) = (day(10, 0, 0), day(12, 0, 0));
    let expected: (i64, i64) = sqlx::query_as(
        "SELECT count(*), sum(price)::BIGINT FROM voucher_sales WHERE sold_at >= $1 AND sold_at < $2",
    )
    .bind(start)
    .bind(end)
    .fetch_one(&pool)
    .await
    .unwrap();
    assert_eq!(expected.0, 12, "half the sales fall on the 10th and 11th");
    assert_eq!((report.count, report.revenue.amount()), expected);
    let sum = |groups: &[GroupTotal]| {
        (
            groups.iter().map(|g| g.count).sum::<i64>(),
            groups.iter().map(|g| g.revenue.amount()).sum::<i64>(),
        )
    };
    assert_eq!(sum(&report.by_plan), expected);
    assert_eq!(sum(&report.by_cashier), expected);
    assert_eq!(sum(&report.by_router), expected);
    assert_eq!(
        (
            report.by_day.iter().map(|d| d.count).sum::<i64>(),
            report
                .by_day
                .iter()
                .map(|d| d.revenue.amount())
                .sum::<i64>()
        ),
        expected
    );
    assert_eq!(report.by_day.len(), 2);
    assert_eq!((report.by_day[0].count, report.by_day[1].count), (6, 6));
    assert_eq!(report.by_plan.len(), 3);
    assert_eq!(report.by_cashier.len(), 2);
    assert_eq!(report.by_router.len(), 2);
    let tower_b_total = report.by_router.iter().find(|r| r.id == tower_b).unwrap();
    assert_eq!(tower_b_total.revenue.amount(), 4 * 25_000);

    let csv = reports::sales_csv(&pool, tz, Period::new(from, to).unwrap())
        .await
        .unwrap();
    let lines: Vec<&str> = csv.lines().collect();
    assert_eq!(lines.len(), 13, "a header and one line per sale");
    assert!(lines[0].starts_with("sale_id,sold_at,router,plan,cashier"));
    assert!(lines[1].contains("2026-11-10 23:59:00"), "{}", lines[1]);
    let csv_total: i64 = lines[1..]
        .iter()
        .map(|l| l.split(',').nth(6).unwrap().parse::<i64>().unwrap())
        .sum();
    assert_eq!(csv_total, expected.1);

    let svg = reports::revenue_chart_svg(&report, "Pendapatan");
    assert!(svg.contains("<svg") && svg.contains("<rect"), "{svg}");
    assert!(svg.contains("10/11") && svg.contains("Pendapatan"));
}

#[test]
fn periods_are_checked() {
    let november = Period::parse("2026-11-01", "2026-11-30").unwrap();
    assert_eq!(november.days().count(), 30);
    assert!(Period::parse("2026-11-30", "2026-11-01").is_err());
    assert!(Period::parse("2025-01-01", "2026-11-30").is_err());
    assert!(Period::parse("kemarin", "2026-11-30").is_err());
    let period = Period::parse("2026-02-27", "2026-03-01").unwrap();
    assert_eq!(period.days().count(), 3);
}

/// A PPPoE plan is billed monthly: its profile (with the rate limit) reaches the router through
/// the outbox, and neither batches nor the sales screen take it.
#[sqlx::test(migrator = "billing::core::db::MIGRATOR")]
async fn a_pppoe_plan_puts_its_profile_on_the_router_and_has_no_vouchers(pool: PgPool) {
    let services = services(pool.clone()).await;
    let sim = simulator().await;
    let router_id = register_router(&services, &sim, "Tower").await;
    let input = PlanInput {
        kind: PlanKind::Pppoe,
        router_id,
        name: "Rumah 10 Mbps".into(),
        price: 150_000,
        profile: "pppoe-10m".into(),
        rate_limit: Some("5M/10M".into()),
        ..PlanInput::default()
    };
    let plan = plans::create_plan(&pool, input.clone(), Actor::System)
        .await
        .unwrap();
    assert_eq!(plan.kind, PlanKind::Pppoe);
    assert_eq!(plan.validity, None);
    assert_eq!(plan.profile.as_deref(), Some("pppoe-10m"));
    drain(&services).await;
    let profile = |sim: &routeros::sim::Simulator| {
        sim.ppp_profiles()
            .into_iter()
            .find(|p| p.get("name") == Some("pppoe-10m"))
            .map(|p| p.get("rate-limit").map(str::to_owned))
    };
    assert_eq!(profile(&sim), Some(Some("5M/10M".to_owned())));

    // A new rate limit follows, also while the router is down for a while.
    sim.refuse_login(true);
    sim.drop_connections();
    plans::update_plan(
        &pool,
        plan.id,
        PlanInput {
            rate_limit: Some("10M/20M".into()),
            ..input.clone()
        },
        Actor::System,
    )
    .await
    .unwrap();
    drain(&services).await;
    assert_eq!(profile(&sim), Some(Some("5M/10M".to_owned())));
    sim.refuse_login(false);
    skip_backoff(&pool).await;
    drain(&services).await;
    assert_eq!(profile(&sim), Some(Some("10M/20M".to_owned())));

    // A plan keeps its kind; a PPPoE plan has no vouchers and is not sold at the counter.
    let changed = plans::update_plan(
        &pool,
        plan.id,
        PlanInput {
            kind: PlanKind::Hotspot,
            validity: "30d".into(),
            ..input.clone()
        },
        Actor::System,
    )
    .await
    .unwrap_err();
    assert!(
        matches!(changed, plans::CatalogError::Invalid(ref e) if e.field == "kind"),
        "{changed:?}"
    );
    let batch = vouchers::create_batch(
        &pool,
        BatchInput {
            plan_id: plan.id,
            quantity: 5,
            ..BatchInput::default()
        },
        Actor::System,
    )
    .await
    .unwrap_err();
    assert!(matches!(batch, VoucherError::NotHotspot), "{batch:?}");
    let kasir = cashier(&pool, "kasir").await;
    let sale = sales::sell(&pool, &services.routers, tap(plan.id), kasir)
        .await
        .unwrap_err();
    assert!(matches!(sale, SaleError::NotHotspot), "{sale:?}");
    assert!(
        sales::saleable_plans(&pool)
            .await
            .unwrap()
            .iter()
            .all(|p| p.id != plan.id)
    );
}

/// Cashiers tap by position: the sales screen keeps its order when plans are added or repriced,
/// and changes it only when an admin moves a plan.
#[sqlx::test(migrator = "billing::core::db::MIGRATOR")]
async fn the_sales_screen_keeps_its_order_until_a_plan_is_moved(pool: PgPool) {
    let services = services(pool.clone()).await;
    let sim = simulator().await;
    let router_id = register_router(&services, &sim, "Order").await;
    let day = plan(&pool, router_id, "Harian", 5_000).await;
    let week = plan(&pool, router_id, "Mingguan", 20_000).await;
    let order = || async {
        sales::saleable_plans(&pool)
            .await
            .unwrap()
            .into_iter()
            .map(|p| p.id)
            .collect::<Vec<_>>()
    };
    assert_eq!(order().await, [day, week]);
    // A cheaper plan added later comes last, not first.
    let hour = plan(&pool, router_id, "Sejam", 1_000).await;
    assert_eq!(order().await, [day, week, hour]);

    let moved = sales::move_on_sales_screen(&pool, hour, true, Actor::System)
        .await
        .unwrap();
    assert_eq!(
        moved.iter().map(|p| p.id).collect::<Vec<_>>(),
        [day, hour, week]
    );
    sales::move_on_sales_screen(&pool, day, false, Actor::System)
        .await
        .unwrap();
    assert_eq!(order().await, [hour, day, week]);
    // The ends stay put; a plan added now still comes last.
    sales::move_on_sales_screen(&pool, hour, true, Actor::System)
        .await
        .unwrap();
    sales::move_on_sales_screen(&pool, week, false, Actor::System)
        .await
        .unwrap();
    let month = plan(&pool, router_id, "Bulanan", 50_000).await;
    assert_eq!(order().await, [hour, day, week, month]);
    assert!(matches!(
        sales::move_on_sales_screen(&pool, i64::MAX, true, Actor::System).await,
        Err(SaleError::Voucher(VoucherError::PlanNotFound))
    ));
}

/// The voucher list's count is of every page of its filter, and its numbered pages cover the
/// filter's vouchers once each, newest first.
#[sqlx::test(migrator = "billing::core::db::MIGRATOR")]
async fn the_voucher_list_counts_its_filter_and_pages_by_number(pool: PgPool) {
    use domain::model::vouchers::VoucherFilter;
    let services = services(pool.clone()).await;
    let sim = simulator().await;
    let router_id = register_router(&services, &sim, "Pages").await;
    let day = plan(&pool, router_id, "Harian", 5_000).await;
    let week = plan(&pool, router_id, "Mingguan", 20_000).await;
    let batch = |plan_id, quantity, prefix: &str| {
        vouchers::create_batch(
            &pool,
            BatchInput {
                plan_id,
                quantity,
                code_length: Some(6),
                alphabet: None,
                prefix: prefix.into(),
                password_mode: None,
                comment: None,
            },
            Actor::System,
        )
    };
    batch(day, 7, "DA").await.unwrap();
    batch(week, 3, "WE").await.unwrap();
    let of_day = VoucherFilter {
        plan_id: Some(day),
        limit: Some(3),
        ..Default::default()
    };
    assert_eq!(vouchers::count(&pool, &of_day).await.unwrap(), 7);
    let everything = VoucherFilter::default();
    assert_eq!(vouchers::count(&pool, &everything).await.unwrap(), 10);
    let by_code = VoucherFilter {
        code: Some("we".into()),
        ..Default::default()
    };
    assert_eq!(
        vouchers::count(&pool, &by_code).await.unwrap(),
        3,
        "code prefix, any case"
    );

    let mut seen = Vec::new();
    for skip in [0, 3, 6, 9] {
        let page = vouchers::list_from(&pool, &of_day, skip).await.unwrap();
        assert!(page.len() <= 3);
        seen.extend(page.into_iter().map(|v| v.id));
    }
    assert_eq!(
        seen.len(),
        7,
        "every voucher of the filter on some page, once"
    );
    assert!(seen.windows(2).all(|w| w[0] > w[1]), "newest first");
    assert_eq!(
        vouchers::list_from(&pool, &of_day, -5).await.unwrap().len(),
        3,
        "a page before the first is the first"
    );
}
