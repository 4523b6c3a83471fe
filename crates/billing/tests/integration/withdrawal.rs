//! A voucher an admin withdrew (disabled or deleted) never works on its router, whatever the order
//! in which pushes, withdrawals, router outages and reconciliations happen; reconciliation repairs
//! any of our router users whose voucher is withdrawn and never touches users we did not make.

use crate::support;

use support::{batch, drain, plan_input, register_router, services, simulator, skip_backoff};

use billing::Services;
use billing::core::audit::Actor;
use billing::hotspot::jobs::voucher_comment;
use billing::hotspot::{plans, vouchers};
use domain::model::vouchers::BatchInput;
use proptest::prelude::*;
use proptest::strategy::ValueTree;
use proptest::test_runner::{Config as ProptestConfig, TestRunner};
use routeros::sim::Simulator;
use sqlx::PgPool;
use std::time::Duration;

/// The router goes away: connections drop and it refuses logins.
fn router_down(sim: &Simulator) {
    sim.refuse_login(true);
    sim.drop_connections();
}

fn router_up(sim: &Simulator) {
    sim.refuse_login(false);
}

/// What the router has for a voucher's code: `None` when absent, else whether it is disabled.
fn on_router(sim: &Simulator, code: &str) -> Option<bool> {
    sim.hotspot_users()
        .iter()
        .find(|u| u.get("name") == Some(code))
        .map(|u| u.get("disabled") == Some("true"))
}

async fn reconcile(
    services: &Services,
    router_id: i64,
) -> Option<domain::model::routers::ReconcileReport> {
    services
        .reconcile(router_id)
        .await
        .map_err(|e| eprintln!("reconciliation failed: {e}"))
        .ok()
}

/// The router as billing should have left it once everything settled: each live voucher's user
/// there and enabled, each withdrawn voucher's user disabled or absent.
async fn assert_router_matches_vouchers(
    pool: &PgPool,
    sim: &Simulator,
    router_id: i64,
    history: &str,
) {
    let vouchers = sqlx::query_as::<_, (i64, String, String)>(
        "SELECT id, code, status::TEXT FROM vouchers WHERE router_id = $1 ORDER BY id",
    )
    .bind(router_id)
    .fetch_all(pool)
    .await
    .unwrap();
    for (id, code, status) in vouchers {
        let user = on_router(sim, &code);
        match status.as_str() {
            "created" | "active" => assert_eq!(
                user,
                Some(false),
                "live voucher {id} must be on the router, enabled, after {history}"
            ),
            "deleted" => assert_eq!(
                user, None,
                "deleted voucher {id} must be gone after {history}"
            ),
            _ => assert_ne!(
                user,
                Some(false),
                "{status} voucher {id} must be disabled or absent after {history}"
            ),
        }
    }
}

/// Services, a simulated router registered as "Tower A", and a plan on it, its profile pushed.
async fn tower(pool: &PgPool) -> (Services, Simulator, i64, domain::model::plans::Plan) {
    let services = services(pool.clone()).await;
    let sim = simulator().await;
    let router_id = register_router(&services, &sim, "Tower A").await;
    let plan = plans::create_plan(pool, plan_input(router_id), Actor::System)
        .await
        .unwrap();
    drain(&services).await;
    (services, sim, router_id, plan)
}

#[sqlx::test(migrator = "billing::core::db::MIGRATOR")]
async fn a_voucher_disabled_while_its_push_waits_for_the_router_never_goes_live(pool: PgPool) {
    let (services, sim, _, plan) = tower(&pool).await;

    router_down(&sim);
    let created = vouchers::create_batch(&pool, batch(plan.id, 3), Actor::System)
        .await
        .unwrap();
    assert_eq!(
        drain(&services).await.retrying,
        1,
        "the push waits for the router"
    );
    let first = &created.vouchers[0];
    vouchers::withdraw(&pool, &[first.id], false, Actor::System)
        .await
        .unwrap();
    drain(&services).await;

    router_up(&sim);
    skip_backoff(&pool).await;
    drain(&services).await;

    assert_ne!(
        on_router(&sim, &first.code),
        Some(false),
        "the disabled voucher's user is disabled or absent"
    );
    for other in &created.vouchers[1..] {
        assert_eq!(on_router(&sim, &other.code), Some(false), "the others work");
    }
}

#[sqlx::test(migrator = "billing::core::db::MIGRATOR")]
async fn a_voucher_deleted_while_its_push_waits_never_reaches_the_router(pool: PgPool) {
    let (services, sim, _, plan) = tower(&pool).await;

    router_down(&sim);
    let created = vouchers::create_batch(&pool, batch(plan.id, 2), Actor::System)
        .await
        .unwrap();
    drain(&services).await;
    vouchers::withdraw(&pool, &[created.vouchers[0].id], true, Actor::System)
        .await
        .unwrap();
    router_up(&sim);
    skip_backoff(&pool).await;
    drain(&services).await;

    assert_eq!(on_router(&sim, &created.vouchers[0].code), None);
    assert_eq!(on_router(&sim, &created.vouchers[1].code), Some(false));
    let progress = vouchers::batch_progress(&pool, created.batch_id)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(progress.pending, 0, "nothing is left waiting for a push");
}

#[sqlx::test(migrator = "billing::core::db::MIGRATOR")]
async fn a_voucher_whose_add_reached_the_router_but_not_its_reply_is_retired_when_withdrawn(
    pool: PgPool,
) {
    let (services, sim, _, plan) = tower(&pool).await;

    // The router makes the first user, then the connection breaks before its answer: billing
    // cannot know the user exists.
    let created = vouchers::create_batch(&pool, batch(plan.id, 2), Actor::System)
        .await
        .unwrap();
    sim.drop_after(0);
    assert_eq!(drain(&services).await.retrying, 1);
    let first = &created.vouchers[0];
    assert_eq!(
        on_router(&sim, &first.code),
        Some(false),
        "made, unbeknown to billing"
    );

    vouchers::withdraw(&pool, &[first.id], false, Actor::System)
        .await
        .unwrap();
    skip_backoff(&pool).await;
    drain(&services).await;

    assert_eq!(
        on_router(&sim, &first.code),
        Some(true),
        "the withdrawn voucher's user is disabled"
    );
    assert_eq!(on_router(&sim, &created.vouchers[1].code), Some(false));
}

#[sqlx::test(migrator = "billing::core::db::MIGRATOR")]
async fn reconciliation_retires_our_users_whose_voucher_is_withdrawn_and_leaves_strangers(
    pool: PgPool,
) {
    let (services, sim, router_id, plan) = tower(&pool).await;
    let created = vouchers::create_batch(&pool, batch(plan.id, 4), Actor::System)
        .await
        .unwrap();
    drain(&services).await;
    // Withdrawn and expired in the database while the router still has them working (as an
    // older release left them, or a retire job that failed for good).
    let ids: Vec<i64> = created.vouchers.iter().map(|v| v.id).collect();
    sqlx::query("UPDATE vouchers SET status = 'disabled' WHERE id = $1")
        .bind(ids[0])
        .execute(&pool)
        .await
        .unwrap();
    sqlx::query("UPDATE vouchers SET status = 'deleted', router_state = 'removed' WHERE id = $1")
        .bind(ids[1])
        .execute(&pool)
        .await
        .unwrap();
    sqlx::query("UPDATE vouchers SET status = 'expired' WHERE id = $1")
        .bind(ids[2])
        .execute(&pool)
        .await
        .unwrap();
    // Users billing did not make: the operator's own, and one that only looks like ours.
    let client = services.routers.client(router_id).await.unwrap();
    for (name, comment) in [
        ("OPERATOR", Some("staff laptop".to_owned())),
        ("LOOKALIKE", Some(voucher_comment(999, 999))),
    ] {
        client
            .hotspot_users()
            .add(&routeros::NewHotspotUser {
                name: name.into(),
                comment,
                ..Default::default()
            })
            .await
            .unwrap();
    }

    let report = reconcile(&services, router_id).await.unwrap();
    assert_eq!(report.retired, 3);
    assert_eq!(report.unknown_on_router, vec!["LOOKALIKE".to_owned()]);
    drain(&services).await;

    assert_eq!(
        on_router(&sim, &created.vouchers[0].code),
        Some(true),
        "disabled"
    );
    assert_eq!(on_router(&sim, &created.vouchers[1].code), None, "deleted");
    assert_eq!(
        on_router(&sim, &created.vouchers[2].code),
        None,
        "expired, removed"
    );
    assert_eq!(
        on_router(&sim, &created.vouchers[3].code),
        Some(false),
        "live"
    );
    assert_eq!(on_router(&sim, "OPERATOR"), Some(false), "never touched");
    assert_eq!(
        on_router(&sim, "LOOKALIKE"),
        Some(false),
        "reported, never touched"
    );
    let again = reconcile(&services, router_id).await.unwrap();
    assert_eq!(
        (again.retired, again.recreated),
        (0, 0),
        "nothing left to repair"
    );
}

/// One step of the model: what an admin, the router or the workers do.
#[derive(Debug, Clone)]
enum Step {
    Batch(u32),
    Withdraw {
        pick: usize,
        delete: bool,
    },
    /// A withdrawal while the outbox is being drained, its retire job run by a second worker
    /// while the first may still be pushing.
    WithdrawDuringDrain {
        pick: usize,
        delete: bool,
        after_ms: u64,
    },
    RouterDown,
    RouterUp,
    /// The connection breaks before the router's `after`-th next answer (the command it answers
    /// was carried out).
    LoseAnswer {
        after: u64,
    },
    Drain,
    Reconcile,
}

fn step() -> impl Strategy<Value = Step> {
    prop_oneof![
        2 => (1u32..4).prop_map(Step::Batch),
        3 => (any::<usize>(), any::<bool>()).prop_map(|(pick, delete)| Step::Withdraw { pick, delete }),
        3 => (any::<usize>(), any::<bool>(), 0u64..15)
            .prop_map(|(pick, delete, after_ms)| Step::WithdrawDuringDrain { pick, delete, after_ms }),
        2 => Just(Step::RouterDown),
        2 => Just(Step::RouterUp),
        2 => (0u64..6).prop_map(|after| Step::LoseAnswer { after }),
        3 => Just(Step::Drain),
        1 => Just(Step::Reconcile),
    ]
}

async fn withdraw_pick(pool: &PgPool, router_id: i64, pick: usize, delete: bool) {
    let ids =
        sqlx::query_scalar::<_, i64>("SELECT id FROM vouchers WHERE router_id = $1 ORDER BY id")
            .bind(router_id)
            .fetch_all(pool)
            .await
            .unwrap();
    if !ids.is_empty() {
        vouchers::withdraw(pool, &[ids[pick % ids.len()]], delete, Actor::System)
            .await
            .unwrap();
    }
}

async fn drain_due(services: &Services) {
    skip_backoff(&services.pool).await;
    drain(services).await;
}

/// Runs one history against a router of its own, then lets the outbox settle with the router up
/// (no reconciliation: the jobs alone must get it right).
async fn play(services: &Services, plan_router: (i64, i64), sim: &Simulator, steps: &[Step]) {
    let (plan_id, router_id) = plan_router;
    let pool = &services.pool;
    for step in steps {
        match step {
            Step::Batch(n) => {
                vouchers::create_batch(
                    pool,
                    BatchInput {
                        code_length: Some(10),
                        ..batch(plan_id, *n)
                    },
                    Actor::System,
                )
                .await
                .unwrap();
            }
            Step::Withdraw { pick, delete } => withdraw_pick(pool, router_id, *pick, *delete).await,
            Step::WithdrawDuringDrain {
                pick,
                delete,
                after_ms,
            } => {
                // A second worker (another replica, or a sale pushing on the spot) takes the
                // withdrawal's job while the first may still be pushing.
                tokio::join!(drain_due(services), async {
                    tokio::time::sleep(Duration::from_millis(*after_ms)).await;
                    withdraw_pick(pool, router_id, *pick, *delete).await;
                    drain(services).await;
                });
            }
            Step::RouterDown => router_down(sim),
            Step::RouterUp => router_up(sim),
            Step::LoseAnswer { after } => sim.drop_after(*after),
            Step::Drain => drain_due(services).await,
            Step::Reconcile => {
                reconcile(services, router_id).await;
            }
        }
    }
    router_up(sim);
    sim.drop_after(u64::MAX);
    for _ in 0..3 {
        drain_due(services).await;
    }
}

#[sqlx::test(migrator = "billing::core::db::MIGRATOR")]
async fn whatever_the_interleaving_withdrawn_vouchers_end_off_the_router(pool: PgPool) {
    let services = services(pool.clone()).await;
    let mut runner = TestRunner::new(ProptestConfig {
        rng_algorithm: proptest::test_runner::RngAlgorithm::ChaCha,
        ..ProptestConfig::default()
    });
    let histories = proptest::collection::vec(step(), 1..14);
    for case in 0..48 {
        let steps = histories.new_tree(&mut runner).unwrap().current();
        // A router (and simulator) of its own per history, with a little latency so that
        // withdrawals land in the middle of pushes.
        let sim = Simulator::builder()
            .credentials(support::ROUTER_USER, support::ROUTER_PASSWORD)
            .latency(Duration::from_millis(3))
            .spawn()
            .await
            .unwrap();
        let router_id = register_router(&services, &sim, &format!("Model {case}")).await;
        let plan = plans::create_plan(
            &pool,
            domain::model::plans::PlanInput {
                name: format!("Model {case}"),
                ..plan_input(router_id)
            },
            Actor::System,
        )
        .await
        .unwrap();
        play(&services, (plan.id, router_id), &sim, &steps).await;
        let history = format!("{steps:?}");
        assert_router_matches_vouchers(&pool, &sim, router_id, &history).await;
        // Reconciliation finds nothing to undo. (Its first look may meet a connection that the
        // router dropped at the end of the history; the periodic tick would simply look again.)
        let mut looked = None;
        for _ in 0..3 {
            looked = reconcile(&services, router_id).await;
            if looked.is_some() {
                break;
            }
        }
        assert!(
            looked.is_some(),
            "the router answers a reconciliation after {history}"
        );
        drain_due(&services).await;
        assert_router_matches_vouchers(
            &pool,
            &sim,
            router_id,
            &format!("{history} and a reconciliation"),
        )
        .await;
    }
}
