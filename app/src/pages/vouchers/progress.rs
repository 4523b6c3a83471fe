//! The batch in view, followed live while its vouchers reach the router, with the links that
//! print it.

use crate::components::PushProgress;
use crate::error::AppError;
use crate::i18n::*;
use domain::model::vouchers::BatchProgress;
use leptos::prelude::*;

#[component]
pub fn BatchLive(
    batch_id: i64,
    progress: Resource<Result<Option<BatchProgress>, AppError>>,
) -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <section class="card batch-live" aria-live="polite">
            <h2>{t!(i18n, batch_progress_title, batch_id)}</h2>
            <Transition fallback=move || view! { <p class="muted">{t!(i18n, loading)}</p> }>
                {move || Suspend::new(async move {
                    progress.await.map(|p| match p {
                        Some(p) => view! { <BatchProgressDetail progress=p /> <PrintBatch batch_id /> }.into_any(),
                        None => view! { <p class="muted">{t!(i18n, batch_not_found)}</p> }.into_any(),
                    })
                })}
            </Transition>
        </section>
    }
}

/// "Print this batch": the print page with the batch chosen, on A4 or a 58 mm strip.
#[component]
fn PrintBatch(batch_id: i64) -> impl IntoView {
    let i18n = use_i18n();
    let href = move |layout: &str| format!("/print/vouchers?batch={batch_id}&layout={layout}");
    view! {
        <div class="print-batch" role="group" aria-labelledby=format!("print-batch-{batch_id}")>
            <span class="print-batch-label" id=format!("print-batch-{batch_id}")>{t!(i18n, batch_print_this)}</span>
            <a class="button button-secondary" data-print-batch="a4" href=href("a4")>{t!(i18n, print_a4)}</a>
            <a class="button button-secondary" data-print-batch="58mm" href=href("58mm")>{t!(i18n, print_thermal)}</a>
        </div>
    }
}

#[component]
fn BatchProgressDetail(progress: BatchProgress) -> impl IntoView {
    let i18n = use_i18n();
    let BatchProgress {
        quantity,
        pushed,
        pending,
        failed,
        errors,
        retry_error,
        ..
    } = progress;
    let state = move || {
        if pending > 0 {
            t_string!(i18n, batch_state_pushing).to_string()
        } else if failed > 0 {
            t_string!(i18n, batch_state_failed).to_string()
        } else {
            t_string!(i18n, batch_state_done).to_string()
        }
    };
    view! {
        <div class="batch-progress" data-pending=pending data-pushed=pushed data-failed=failed>
            <p class="batch-state">{state}</p>
            <PushProgress quantity pushed pending failed />
            {retry_error.map(|detail| view! {
                <p class="outcome outcome-warn small">{t!(i18n, batch_retry_error, detail)}</p>
            })}
            {(!errors.is_empty()).then(|| view! {
                <div class="outcome outcome-bad small">
                    <p class="outcome-title">{t!(i18n, batch_router_errors)}</p>
                    <ul>
                        {errors.into_iter().map(|(message, count)| view! { <li>{format!("{count}× {message}")}</li> }).collect_view()}
                    </ul>
                </div>
            })}
        </div>
    }
}
