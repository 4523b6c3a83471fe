//! What a router's test, profile sync and reconciliation found, as the row shows it.

use crate::components::format::{duration, latency};
use crate::i18n::*;
use domain::model::routers::{ProfileSync, ReconcileReport, RouterStatus};
use leptos::prelude::*;

/// Bytes as people read memory sizes: 1 decimal in MiB or GiB.
fn readable_bytes(bytes: u64) -> String {
    const MIB: f64 = 1024.0 * 1024.0;
    let mib = bytes as f64 / MIB;
    if mib >= 1024.0 {
        format!("{:.1} GiB", mib / 1024.0)
    } else {
        format!("{mib:.1} MiB")
    }
}

#[component]
pub fn ConnectionOutcome(status: RouterStatus) -> impl IntoView {
    let i18n = use_i18n();
    if !status.reachable {
        let detail = status.error.unwrap_or_default();
        return view! {
            <p class="outcome outcome-bad" role="status" data-outcome="test">
                {t!(i18n, err_router_unreachable, detail)}
            </p>
        }
        .into_any();
    }
    let memory = match (status.free_memory, status.total_memory) {
        (Some(free), Some(total)) => Some(format!(
            "{} / {}",
            readable_bytes(free),
            readable_bytes(total)
        )),
        _ => None,
    };
    let latency = latency(status.latency_ms, 0);
    let uptime = status
        .uptime_seconds
        .map(|seconds| move || duration(i18n, i64::try_from(seconds).unwrap_or(i64::MAX)));
    view! {
        <div class="outcome outcome-ok" role="status" data-outcome="test">
            <p class="outcome-title">{t!(i18n, router_reachable, latency)}</p>
            <dl class="facts">
                <div><dt>{t!(i18n, router_identity)}</dt><dd>{status.identity}</dd></div>
                <div><dt>{t!(i18n, router_version)}</dt><dd>{status.version}</dd></div>
                <div><dt>{t!(i18n, router_uptime)}</dt><dd>{uptime}</dd></div>
                <div><dt>{t!(i18n, router_cpu)}</dt><dd>{status.cpu_load_percent.map(|p| format!("{p}%"))}</dd></div>
                <div><dt>{t!(i18n, router_memory_free)}</dt><dd>{memory}</dd></div>
            </dl>
        </div>
    }
    .into_any()
}

#[component]
pub fn SyncOutcome(sync: ProfileSync) -> impl IntoView {
    let i18n = use_i18n();
    let (hotspot, pppoe, gone) = (
        sync.hotspot_profiles,
        sync.pppoe_profiles,
        sync.marked_deleted,
    );
    view! {
        <p class="outcome outcome-ok" role="status" data-outcome="sync">
            {t!(i18n, sync_done, hotspot, pppoe, gone)}
        </p>
    }
}

#[component]
pub fn ReconcileOutcome(report: ReconcileReport) -> impl IntoView {
    let i18n = use_i18n();
    let (recreated, retired, unknown) = (
        report.recreated,
        report.retired,
        report.unknown_on_router.len(),
    );
    let names = report.unknown_on_router.join(", ");
    let (secrets_recreated, secrets_drifted) = (report.secrets_recreated, report.secrets_drifted);
    view! {
        <p class="outcome outcome-ok" role="status" data-outcome="reconcile">
            {t!(i18n, reconcile_done, recreated, retired, unknown)}
            {(!names.is_empty()).then(|| view! { " " <span class="mono">{names}</span> })}
            {(secrets_recreated + secrets_drifted > 0).then(|| view! {
                " " {t!(i18n, reconcile_secrets, recreated = secrets_recreated, drifted = secrets_drifted)}
            })}
        </p>
    }
}
