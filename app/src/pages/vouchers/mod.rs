//! Vouchers: make a batch for a plan and watch it reach the router, browse recent batches, find
//! vouchers and disable or delete them.

mod batch_form;
mod batches;
mod filters;
mod list;
mod progress;
mod server;
mod table;

pub use server::*;

use crate::components::{browser_flag, successes, tick_every_second_while};
use crate::i18n::*;
use crate::pages::print::OpenSheets;
use batch_form::BatchForm;
use batches::BatchTable;
use filters::VoucherQuery;
use leptos::prelude::*;
use leptos_router::hooks::use_query_map;
use list::VoucherList;
use progress::BatchLive;

#[component]
pub fn VouchersPage() -> impl IntoView {
    let i18n = use_i18n();
    let query = use_query_map();
    let filter = Memo::new(move |_| query.with(VoucherQuery::read));
    let create = ServerAction::<CreateVoucherBatch>::new();
    let created = successes(create);
    let plans = Resource::new(|| (), |_| voucher_plans());

    // The batch in view (just made, or picked from the list) is followed live while it pushes.
    let (progress_tick, set_progress_tick) = signal(0u32);
    let progress = Resource::new(
        move || (filter.get().batch, progress_tick.get()),
        |(batch, _)| async move {
            match batch {
                Some(id) => get_batch_progress(id).await,
                None => Ok(None),
            }
        },
    );
    // Read in the browser only: it keys the voucher list's first page, whose source the server
    // must not make depend on another resource.
    let pushing =
        browser_flag(move || progress.with(|p| matches!(p, Some(Ok(Some(p))) if p.pending > 0)));
    tick_every_second_while(set_progress_tick, move || pushing.get());

    let (batches_tick, set_batches_tick) = signal(0u32);
    let batches = Resource::new(
        move || (created.get(), batches_tick.get()),
        |_| recent_batches(),
    );
    // The filter's batch choices do not follow the polling: that would reset the filter form.
    let batch_choices = Resource::new(move || created.get(), |_| recent_batches());
    tick_every_second_while(set_batches_tick, move || {
        batches.with(|b| matches!(b, Some(Ok(rows)) if rows.iter().any(|r| r.pending > 0)))
    });

    view! {
        <h1>{t!(i18n, vouchers_title)}</h1>
        {move || filter.get().batch.map(|batch_id| view! { <BatchLive batch_id progress /> })}
        <section class="card">
            <h2>{t!(i18n, batch_new_title)}</h2>
            <Transition fallback=move || view! { <p class="muted">{t!(i18n, loading)}</p> }>
                {move || Suspend::new(async move {
                    plans.await.map(|plans| view! { <BatchForm action=create plans /> })
                })}
            </Transition>
        </section>
        <OpenSheets />
        <section class="card">
            <h2>{t!(i18n, batches_title)}</h2>
            <Transition fallback=move || view! { <p class="muted">{t!(i18n, loading)}</p> }>
                {move || Suspend::new(async move {
                    batches.await.map(|rows| view! { <BatchTable rows selected=filter.get_untracked().batch /> })
                })}
            </Transition>
        </section>
        <section class="card">
            <h2>{t!(i18n, vouchers_list_title)}</h2>
            <VoucherList filter plans batches=batch_choices refresh=Signal::derive(move || (pushing.get(), created.get())) />
        </section>
    }
}
