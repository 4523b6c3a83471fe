//! Vouchers: find vouchers and disable or delete them, make a batch for a plan (the form opens from
//! a button above the list) and watch it reach the router, and browse recent batches.

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
use leptos::html::Details;
use leptos::prelude::*;
use leptos_router::hooks::use_query_map;
use list::VoucherList;
use progress::BatchLive;

#[component]
pub fn VouchersPage() -> impl IntoView {
    let i18n = use_i18n();
    let query = use_query_map();
    let filter = Memo::new(move |_| query.with(VoucherQuery::read));
    let batch = Memo::new(move |_| filter.with(|f| f.batch));
    let create = ServerAction::<CreateVoucherBatch>::new();
    let created = successes(create);
    let plans = Resource::new(|| (), |_| voucher_plans());

    // The batch in view (just made, or picked from the list) is followed live while it pushes.
    let (progress_tick, set_progress_tick) = signal(0u32);
    let progress = Resource::new(
        move || (batch.get(), progress_tick.get()),
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

    // The batch form is closed again once its batch is made: the batch's progress shows above.
    let new_batch = NodeRef::<Details>::new();
    Effect::new(move |_| {
        if created.get() > 0
            && let Some(details) = new_batch.get_untracked()
        {
            details.set_open(false);
        }
    });

    view! {
        <h1>{t!(i18n, vouchers_title)}</h1>
        {move || batch.get().map(|batch_id| view! { <BatchLive batch_id progress /> })}
        // A `<details>`, so that the button opens the form before the page is hydrated too.
        <details class="batch-new" node_ref=new_batch>
            <summary class="button button-primary">{t!(i18n, batch_new_title)}</summary>
            <section class="card">
                <h2 class="visually-hidden">{t!(i18n, batch_new_title)}</h2>
                <Transition fallback=move || view! { <p class="muted">{t!(i18n, loading)}</p> }>
                    {move || Suspend::new(async move {
                        plans.await.map(|plans| view! { <BatchForm action=create plans /> })
                    })}
                </Transition>
            </section>
        </details>
        <OpenSheets />
        <section class="card">
            <h2>{t!(i18n, vouchers_list_title)}</h2>
            <VoucherList filter plans batches=batch_choices refresh=Signal::derive(move || (pushing.get(), created.get())) />
        </section>
        <section class="card">
            <h2>{t!(i18n, batches_title)}</h2>
            <Transition fallback=move || view! { <p class="muted">{t!(i18n, loading)}</p> }>
                {move || Suspend::new(async move {
                    batches.await.map(|rows| view! { <BatchTable rows selected=batch.get_untracked() /> })
                })}
            </Transition>
        </section>
    }
}
