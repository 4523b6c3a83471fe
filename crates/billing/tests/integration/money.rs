//! Customers, invoices, payments and the balance ledger against a real database: every settlement
//! case, gapless numbering under concurrent issue, concurrent payments on one invoice, reversals,
//! refunds, voids, and the ledger's invariant over thousands of random histories.

use billing::core::audit::Actor;
use billing::money::error::MoneyError;
use billing::money::invoices::{self, Issuing};
use billing::money::{customers, ledger, payments};
use domain::Rupiah;
use domain::model::customers::{AdjustmentInput, CustomerInput, RefundInput};
use domain::model::invoices::{
    InvoiceInput, InvoiceStatus, LineInput, LineKind, PaymentInput, PaymentMethod,
};
use domain::settlement::TaxRule;
use sqlx::PgPool;

const ADMIN: Actor = Actor::System;

/// The business's day these tests run on: the wall clock's, in the operator's time zone.
fn today() -> chrono::NaiveDate {
    chrono::Utc::now()
        .with_timezone(&chrono_tz::Asia::Jakarta)
        .date_naive()
}

fn rp(amount: i64) -> Rupiah {
    Rupiah::new(amount)
}

fn issuing() -> Issuing {
    Issuing {
        tax: TaxRule {
            basis_points: 0,
            prices_include_tax: false,
        },
        timezone: chrono_tz::Asia::Jakarta,
        due_days: 7,
    }
}

async fn customer(pool: &PgPool, n: u32) -> i64 {
    customers::create(
        pool,
        CustomerInput {
            name: format!("Pelanggan {n}"),
            whatsapp: format!("0812{n:08}"),
            email: None,
            address: Some("Jl. Melati 7".into()),
            notes: None,
            status: None,
        },
        ADMIN,
    )
    .await
    .unwrap()
    .id
}

async fn invoice(pool: &PgPool, customer_id: i64, amount: i64) -> domain::model::invoices::Invoice {
    invoices::issue(
        pool,
        InvoiceInput {
            customer_id,
            due_date: None,
            lines: vec![LineInput {
                description: "Internet".into(),
                amount: rp(amount),
            }],
        },
        issuing(),
        today(),
        ADMIN,
    )
    .await
    .unwrap()
}

fn cash(amount: i64, key: &str) -> PaymentInput {
    PaymentInput {
        amount: rp(amount),
        method: PaymentMethod::Cash,
        note: None,
        request_key: key.to_owned(),
        reference: None,
    }
}

async fn balance(pool: &PgPool, customer_id: i64) -> Rupiah {
    ledger::ledger(pool, customer_id, 1).await.unwrap().balance
}

#[sqlx::test(migrator = "billing::core::db::MIGRATOR")]
async fn the_worked_example_of_carry_over(pool: PgPool) {
    let c = customer(&pool, 1).await;
    let a = invoice(&pool, c, 100_000).await;
    assert_eq!((a.status, a.total), (InvoiceStatus::Unpaid, rp(100_000)));
    assert!(
        a.number.starts_with("INV-") && a.number.ends_with("-00001"),
        "{}",
        a.number
    );

    let paid = payments::pay_at_counter(&pool, a.id, cash(60_000, "pay-a-0001"), today(), ADMIN)
        .await
        .unwrap();
    assert_eq!(paid.invoice_status, Some(InvoiceStatus::Partial));
    assert_eq!(paid.balance, rp(-40_000));
    let a = invoices::get(&pool, a.id, issuing().timezone)
        .await
        .unwrap();
    assert_eq!((a.outstanding, a.overdue), (Rupiah::ZERO, false), "closed");

    let b = invoice(&pool, c, 50_000).await;
    assert_eq!(b.total, rp(90_000));
    let carried = b
        .lines
        .iter()
        .find(|l| l.kind == LineKind::DebtCarried)
        .expect("the debt is a line");
    assert_eq!(carried.amount, rp(40_000));
    assert!(
        carried.description.contains(&a.number),
        "{}",
        carried.description
    );
    assert_eq!(balance(&pool, c).await, Rupiah::ZERO);

    let paid = payments::pay_at_counter(&pool, b.id, cash(100_000, "pay-b-0001"), today(), ADMIN)
        .await
        .unwrap();
    assert_eq!(paid.invoice_status, Some(InvoiceStatus::Paid));
    assert_eq!(paid.balance, rp(10_000));

    // The next invoice uses the credit: 30,000 − 10,000.
    let next = invoice(&pool, c, 30_000).await;
    assert_eq!(next.total, rp(20_000));
    assert_eq!(
        next.lines
            .iter()
            .find(|l| l.kind == LineKind::CreditApplied)
            .map(|l| l.amount),
        Some(rp(-10_000))
    );
    // Credit covering a whole invoice pays it at once.
    payments::adjust(
        &pool,
        c,
        AdjustmentInput {
            amount: rp(25_000),
            reason: "Kompensasi gangguan".into(),
        },
        today(),
        ADMIN,
    )
    .await
    .unwrap();
    let covered = invoice(&pool, c, 25_000).await;
    assert_eq!(
        (covered.status, covered.total),
        (InvoiceStatus::Paid, Rupiah::ZERO)
    );
    assert_invariant(&pool, c).await;
}

#[sqlx::test(migrator = "billing::core::db::MIGRATOR")]
async fn an_exact_payment_pays_and_a_key_sent_again_pays_nothing_twice(pool: PgPool) {
    let c = customer(&pool, 1).await;
    let i = invoice(&pool, c, 75_000).await;
    let first = payments::pay_at_counter(&pool, i.id, cash(75_000, "same-key-01"), today(), ADMIN)
        .await
        .unwrap();
    assert_eq!(
        (first.invoice_status, first.balance),
        (Some(InvoiceStatus::Paid), Rupiah::ZERO)
    );
    let again = payments::pay_at_counter(&pool, i.id, cash(75_000, "same-key-01"), today(), ADMIN)
        .await
        .unwrap();
    assert_eq!(again.payment_id, first.payment_id);
    // The same key for another amount, or another invoice: refused.
    let other = invoice(&pool, c, 10_000).await;
    for (invoice_id, amount) in [(i.id, 70_000), (other.id, 75_000)] {
        let refused = payments::pay_at_counter(
            &pool,
            invoice_id,
            cash(amount, "same-key-01"),
            today(),
            ADMIN,
        )
        .await
        .unwrap_err();
        assert!(
            matches!(refused, MoneyError::RequestKeyReused),
            "{refused:?}"
        );
    }
    // A paid invoice takes no second payment.
    let refused =
        payments::pay_at_counter(&pool, i.id, cash(75_000, "other-key-01"), today(), ADMIN)
            .await
            .unwrap_err();
    assert!(
        matches!(refused, MoneyError::NotPayable(InvoiceStatus::Paid)),
        "{refused:?}"
    );
    let count: i64 = sqlx::query_scalar("SELECT count(*) FROM payments")
        .fetch_one(&pool)
        .await
        .unwrap();
    assert_eq!(count, 1);
    assert_invariant(&pool, c).await;
}

#[sqlx::test(migrator = "billing::core::db::MIGRATOR")]
async fn numbers_have_no_gaps_and_no_duplicates_under_concurrent_issue(pool: PgPool) {
    let mut ids = Vec::new();
    for n in 0..4 {
        ids.push(customer(&pool, n).await);
    }
    // A failed issue (a closed customer) takes no number.
    let closed = customer(&pool, 99).await;
    sqlx::query("UPDATE customers SET status = 'closed' WHERE id = $1")
        .bind(closed)
        .execute(&pool)
        .await
        .unwrap();
    let mut tasks = Vec::new();
    for k in 0..40 {
        let pool = pool.clone();
        let customer_id = if k % 10 == 9 { closed } else { ids[k % 4] };
        tasks.push(tokio::spawn(async move {
            invoices::issue(
                &pool,
                InvoiceInput {
                    customer_id,
                    due_date: None,
                    lines: vec![LineInput {
                        description: format!("Baris {k}"),
                        amount: rp(1_000 + k as i64),
                    }],
                },
                issuing(),
                today(),
                ADMIN,
            )
            .await
        }));
    }
    let mut numbers = Vec::new();
    for task in tasks {
        match task.await.unwrap() {
            Ok(invoice) => numbers.push(invoice.number),
            Err(MoneyError::CustomerClosed) => {}
            Err(other) => panic!("{other:?}"),
        }
    }
    assert_eq!(numbers.len(), 36);
    let mut serials: Vec<u32> = numbers
        .iter()
        .map(|n| n.rsplit('-').next().unwrap().parse().unwrap())
        .collect();
    serials.sort_unstable();
    assert_eq!(serials, (1..=36).collect::<Vec<u32>>());
}

#[sqlx::test(migrator = "billing::core::db::MIGRATOR")]
async fn concurrent_payments_on_one_invoice_settle_it_once(pool: PgPool) {
    let c = customer(&pool, 1).await;
    let i = invoice(&pool, c, 50_000).await;
    let mut tasks = Vec::new();
    for k in 0..12 {
        let pool = pool.clone();
        // Half of them send one key twice (a double tap), the rest keys of their own.
        let key = format!("tap-{:04}", k / 2);
        tasks.push(tokio::spawn(async move {
            payments::pay_at_counter(
                &pool,
                i.id,
                cash(50_000 + 1_000 * (k / 2), &key),
                today(),
                ADMIN,
            )
            .await
        }));
    }
    let mut settled = std::collections::BTreeSet::new();
    for task in tasks {
        match task.await.unwrap() {
            Ok(receipt) => {
                settled.insert(receipt.payment_id);
            }
            Err(MoneyError::NotPayable(InvoiceStatus::Paid)) => {}
            Err(other) => panic!("{other:?}"),
        }
    }
    assert_eq!(settled.len(), 1, "one payment settled the invoice");
    let count: i64 = sqlx::query_scalar("SELECT count(*) FROM payments")
        .fetch_one(&pool)
        .await
        .unwrap();
    assert_eq!(count, 1);
    assert_invariant(&pool, c).await;
}

#[sqlx::test(migrator = "billing::core::db::MIGRATOR")]
async fn reversals_refunds_and_voids_undo_exactly_what_was_done(pool: PgPool) {
    let c = customer(&pool, 1).await;
    let over = invoice(&pool, c, 40_000).await;
    let paid = payments::pay_at_counter(&pool, over.id, cash(50_000, "over-0001"), today(), ADMIN)
        .await
        .unwrap();
    assert_eq!(paid.balance, rp(10_000));
    // Reversed: the credit goes, the invoice asks for its total again.
    let reversed = payments::reverse(&pool, paid.payment_id, "Salah input", today(), ADMIN)
        .await
        .unwrap();
    assert_eq!(
        (reversed.invoice_status, reversed.balance),
        (Some(InvoiceStatus::Unpaid), Rupiah::ZERO)
    );
    assert!(matches!(
        payments::reverse(&pool, paid.payment_id, "Lagi", today(), ADMIN)
            .await
            .unwrap_err(),
        MoneyError::AlreadyReversed
    ));
    assert_invariant(&pool, c).await;

    // A partial payment reversed: the debt it made is cleared.
    let partial =
        payments::pay_at_counter(&pool, over.id, cash(15_000, "part-0001"), today(), ADMIN)
            .await
            .unwrap();
    assert_eq!(partial.balance, rp(-25_000));
    let undone = payments::reverse(&pool, partial.payment_id, "Uang palsu", today(), ADMIN)
        .await
        .unwrap();
    assert_eq!(undone.balance, Rupiah::ZERO);
    assert_invariant(&pool, c).await;

    // An invoice with a payment is not voided; without one it is, and gives back what it took.
    payments::adjust(
        &pool,
        c,
        AdjustmentInput {
            amount: rp(5_000),
            reason: "Bonus".into(),
        },
        today(),
        ADMIN,
    )
    .await
    .unwrap();
    let with_credit = invoice(&pool, c, 20_000).await;
    assert_eq!(with_credit.total, rp(15_000));
    assert_eq!(balance(&pool, c).await, Rupiah::ZERO);
    let voided = invoices::void(
        &pool,
        with_credit.id,
        "Dobel",
        issuing().timezone,
        today(),
        ADMIN,
    )
    .await
    .unwrap();
    assert_eq!(voided.status, InvoiceStatus::Void);
    assert_eq!(balance(&pool, c).await, rp(5_000), "the credit came back");
    let settled =
        payments::pay_at_counter(&pool, over.id, cash(40_000, "full-0001"), today(), ADMIN)
            .await
            .unwrap();
    assert!(matches!(
        invoices::void(&pool, over.id, "x", issuing().timezone, today(), ADMIN)
            .await
            .unwrap_err(),
        MoneyError::HasPayment
    ));
    assert_eq!(settled.invoice_status, Some(InvoiceStatus::Paid));

    // Credit paid out, never more than there is.
    assert!(matches!(
        payments::refund(
            &pool,
            c,
            RefundInput {
                amount: rp(5_001),
                reason: "Pindah".into()
            },
            today(),
            ADMIN
        )
        .await
        .unwrap_err(),
        MoneyError::RefundOverCredit { .. }
    ));
    let left = payments::refund(
        &pool,
        c,
        RefundInput {
            amount: rp(5_000),
            reason: "Pindah".into(),
        },
        today(),
        ADMIN,
    )
    .await
    .unwrap();
    assert_eq!(left, Rupiah::ZERO);
    assert_invariant(&pool, c).await;
}

#[sqlx::test(migrator = "billing::core::db::MIGRATOR")]
async fn the_tax_line_is_added_or_shown_as_included(pool: PgPool) {
    let c = customer(&pool, 1).await;
    for (inclusive, total, tax_kind, tax) in [
        (false, 111_000, LineKind::Tax, 11_000),
        (true, 100_000, LineKind::TaxIncluded, 9_910),
    ] {
        let issued = invoices::issue(
            &pool,
            InvoiceInput {
                customer_id: c,
                due_date: None,
                lines: vec![LineInput {
                    description: "Internet".into(),
                    amount: rp(100_000),
                }],
            },
            Issuing {
                tax: TaxRule {
                    basis_points: 1_100,
                    prices_include_tax: inclusive,
                },
                ..issuing()
            },
            today(),
            ADMIN,
        )
        .await
        .unwrap();
        assert_eq!(issued.total, rp(total));
        let line = issued.lines.iter().find(|l| l.kind == tax_kind).unwrap();
        assert_eq!(
            (line.amount, line.description.starts_with("PPN 11%")),
            (rp(tax), true)
        );
    }
}

#[sqlx::test(migrator = "billing::core::db::MIGRATOR")]
async fn customers_are_found_by_name_words_number_or_email(pool: PgPool) {
    for (name, whatsapp, email) in [
        ("Budi Santoso", "081234567801", Some("budi@example.com")),
        ("Siti Rahayu", "081234567802", Some("siti@example.com")),
        ("Santi Budiman", "085700000003", None),
        ("Rina Wati", "085600000004", Some("ani.w@example.com")),
    ] {
        customers::create(
            &pool,
            CustomerInput {
                name: name.into(),
                whatsapp: whatsapp.into(),
                email: email.map(Into::into),
                address: None,
                notes: None,
                status: None,
            },
            ADMIN,
        )
        .await
        .unwrap();
    }
    let names = |page: domain::model::customers::CustomerPage| {
        page.customers
            .into_iter()
            .map(|c| c.name)
            .collect::<Vec<_>>()
    };
    let find = |q: &'static str| {
        let pool = pool.clone();
        async move { names(customers::search(&pool, q, None, None, 50).await.unwrap()) }
    };
    assert_eq!(find("budi").await, ["Budi Santoso", "Santi Budiman"]);
    assert_eq!(find("san bud").await, ["Budi Santoso", "Santi Budiman"]);
    assert_eq!(find("0812 3456 78").await, ["Budi Santoso", "Siti Rahayu"]);
    assert_eq!(find("+62857").await, ["Santi Budiman"]);
    assert_eq!(find("siti@").await, ["Siti Rahayu"]);
    // The beginning of an email without its @ (read as words too): found once, by the email.
    assert_eq!(find("ani.w").await, ["Rina Wati"]);
    assert_eq!(
        find("budi").await.len(),
        2,
        "a name and an email that both match count once"
    );
    assert_eq!(find("%").await, Vec::<String>::new());
    // Pages by id.
    let first = customers::search(&pool, "", None, None, 2).await.unwrap();
    assert_eq!(first.customers.len(), 2);
    let rest = customers::search(&pool, "", None, first.next_after, 2)
        .await
        .unwrap();
    assert_eq!(names(rest.clone()), ["Santi Budiman", "Rina Wati"]);
    assert_eq!(rest.next_after, None);
    // A WhatsApp number belongs to one customer.
    let taken = customers::create(
        &pool,
        CustomerInput {
            name: "Orang Lain".into(),
            whatsapp: "+62 812-3456-7801".into(),
            email: None,
            address: None,
            notes: None,
            status: None,
        },
        ADMIN,
    )
    .await
    .unwrap_err();
    assert!(matches!(taken, MoneyError::WhatsappTaken), "{taken:?}");
}

/// A common word (more matches than the search reads from the words index) and a rare one page
/// through the same customers in the same order.
#[sqlx::test(migrator = "billing::core::db::MIGRATOR")]
async fn common_and_rare_name_words_page_alike(pool: PgPool) {
    sqlx::query(
        "INSERT INTO customers (name, whatsapp, email)
         SELECT CASE WHEN n % 2 = 0 THEN 'Budi ' ELSE 'Siti ' END || n,
                '62857' || lpad(n::TEXT, 8, '0'),
                CASE WHEN n % 50 = 1 THEN 'budi' || n || '@example.com' END
         FROM generate_series(1, 700) AS n",
    )
    .execute(&pool)
    .await
    .unwrap();
    let all = |q: &'static str| {
        let pool = pool.clone();
        async move {
            let mut names = Vec::new();
            let mut after = None;
            loop {
                let page = customers::search(&pool, q, None, after, 40).await.unwrap();
                names.extend(page.customers.into_iter().map(|c| c.name));
                match page.next_after {
                    Some(next) => after = Some(next),
                    None => return names,
                }
            }
        }
    };
    // 350 Budis (more than the words index is read for), in id order, each once; the Sitis whose
    // email begins with "budi" too.
    let budi = all("budi").await;
    let expected: Vec<String> = (1..=700)
        .filter(|n| n % 2 == 0 || n % 50 == 1)
        .map(|n| format!("{} {n}", if n % 2 == 0 { "Budi" } else { "Siti" }))
        .collect();
    assert_eq!(budi, expected);
    // A rare word: read from the index.
    assert_eq!(
        all("budi 12").await,
        [
            "Budi 12", "Budi 120", "Budi 122", "Budi 124", "Budi 126", "Budi 128"
        ]
    );
    assert_eq!(all("xyzzy").await, Vec::<String>::new());
}

#[sqlx::test(migrator = "billing::core::db::MIGRATOR")]
async fn a_customers_payments_are_listed_and_a_portal_password_lets_them_in(pool: PgPool) {
    use domain::model::invoices::PaymentStatus;
    let id = customer(&pool, 1).await;
    let a = invoice(&pool, id, 100_000).await;
    let wrong =
        payments::pay_at_counter(&pool, a.id, cash(60_000, "list-pay-0001"), today(), ADMIN)
            .await
            .unwrap();
    payments::reverse(&pool, wrong.payment_id, "entered twice", today(), ADMIN)
        .await
        .unwrap();
    let right =
        payments::pay_at_counter(&pool, a.id, cash(100_000, "list-pay-0002"), today(), ADMIN)
            .await
            .unwrap();
    let listed = payments::of_customer(&pool, id, 10).await.unwrap();
    assert_eq!(
        listed.iter().map(|p| (p.id, p.status)).collect::<Vec<_>>(),
        [
            (right.payment_id, PaymentStatus::Settled),
            (wrong.payment_id, PaymentStatus::Reversed)
        ]
    );
    assert_eq!(listed[1].reversal_reason.as_deref(), Some("entered twice"));
    assert_eq!(listed[0].invoice_number.as_deref(), Some(a.number.as_str()));
    let other = customer(&pool, 2).await;
    assert!(
        payments::of_customer(&pool, other, 10)
            .await
            .unwrap()
            .is_empty()
    );

    assert!(!customers::get(&pool, id).await.unwrap().self_registered);
    let short = customers::set_portal_password(&pool, id, "short".to_owned().into(), ADMIN)
        .await
        .unwrap_err();
    assert!(matches!(short, MoneyError::Invalid(_)), "{short:?}");
    customers::set_portal_password(&pool, id, "rahasia-baru".to_owned().into(), ADMIN)
        .await
        .unwrap();
    let hash: Option<String> =
        sqlx::query_scalar("SELECT password_hash FROM customers WHERE id = $1")
            .bind(id)
            .fetch_one(&pool)
            .await
            .unwrap();
    assert!(billing::identity::password::verify("rahasia-baru".to_owned().into(), hash).await);
    assert!(customers::get(&pool, id).await.unwrap().self_registered);
    let missing =
        customers::set_portal_password(&pool, 999_999, "rahasia-baru".to_owned().into(), ADMIN)
            .await
            .unwrap_err();
    assert!(
        matches!(missing, MoneyError::CustomerNotFound),
        "{missing:?}"
    );
}

/// For one customer: the balance is the ledger's sum, and what they were charged minus what they
/// paid (payments reversed and refunds given back, adjustments in their favour taken off) is what
/// open invoices still ask for minus the balance. No rupiah is counted twice.
async fn assert_invariant(pool: &PgPool, customer_id: i64) {
    let row: (i64, i64, i64, i64, i64, i64, i64, i64) = sqlx::query_as(
        r#"SELECT
             (SELECT balance FROM customers WHERE id = $1),
             (SELECT coalesce(sum(amount), 0)::BIGINT FROM balance_ledger WHERE customer_id = $1),
             (SELECT coalesce(sum(l.amount), 0)::BIGINT FROM invoice_lines l JOIN invoices i ON i.id = l.invoice_id
               WHERE i.customer_id = $1 AND i.status <> 'void' AND l.kind IN ('charge', 'tax')),
             (SELECT coalesce(sum(amount), 0)::BIGINT FROM payments WHERE customer_id = $1),
             (SELECT coalesce(sum(amount), 0)::BIGINT FROM payments WHERE customer_id = $1 AND status = 'reversed'),
             (SELECT coalesce(-sum(amount), 0)::BIGINT FROM balance_ledger WHERE customer_id = $1 AND kind = 'refund'),
             (SELECT coalesce(sum(amount), 0)::BIGINT FROM balance_ledger WHERE customer_id = $1 AND kind = 'adjustment'),
             (SELECT coalesce(sum(total - amount_paid), 0)::BIGINT FROM invoices WHERE customer_id = $1 AND status = 'unpaid')"#,
    )
    .bind(customer_id)
    .fetch_one(pool)
    .await
    .unwrap();
    let (balance, ledger_sum, charges, paid, reversed, refunds, adjustments, outstanding) = row;
    assert_eq!(balance, ledger_sum, "the balance is the ledger's sum");
    assert_eq!(
        charges - paid + reversed + refunds - adjustments,
        outstanding - balance,
        "charges {charges}, paid {paid}, reversed {reversed}, refunds {refunds}, \
         adjustments {adjustments}, outstanding {outstanding}, balance {balance}"
    );
}

#[sqlx::test(migrator = "billing::core::db::MIGRATOR")]
async fn the_demo_books_balance_and_load_once(pool: PgPool) {
    billing::ops::demo::seed(&pool).await.unwrap();
    billing::ops::demo::seed_money(&pool, issuing(), today())
        .await
        .unwrap();
    billing::ops::demo::seed_money(&pool, issuing(), today())
        .await
        .unwrap();
    let ids: Vec<i64> = sqlx::query_scalar("SELECT id FROM customers")
        .fetch_all(&pool)
        .await
        .unwrap();
    assert_eq!(ids.len(), 33);
    for id in ids {
        assert_invariant(&pool, id).await;
    }
    let statuses: Vec<String> =
        sqlx::query_scalar("SELECT DISTINCT status FROM invoices ORDER BY status")
            .fetch_all(&pool)
            .await
            .unwrap();
    assert_eq!(statuses, ["paid", "partial", "unpaid"]);
    let (credit, debt): (i64, i64) = sqlx::query_as(
        "SELECT count(*) FILTER (WHERE balance > 0), count(*) FILTER (WHERE balance < 0) FROM customers",
    )
    .fetch_one(&pool)
    .await
    .unwrap();
    assert!(credit > 0, "some customers have credit");
    assert_eq!(debt, 0, "debt is carried onto this month's invoices");
}
