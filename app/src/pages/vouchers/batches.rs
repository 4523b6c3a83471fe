//! The recent batches, each with its progress and its print buttons.

use super::BatchView;
use crate::components::PushProgress;
use crate::i18n::*;
use leptos::prelude::*;

#[component]
pub fn BatchTable(rows: Vec<BatchView>, selected: Option<i64>) -> impl IntoView {
    let i18n = use_i18n();
    if rows.is_empty() {
        return view! { <p class="muted empty">{t!(i18n, batches_empty)}</p> }.into_any();
    }
    view! {
        <table class="table table-stack batches-table">
            <thead>
                <tr>
                    <th scope="col">{t!(i18n, batch_number)}</th>
                    <th scope="col">{t!(i18n, batch_plan)}</th>
                    <th scope="col">{t!(i18n, batch_created)}</th>
                    <th scope="col" class="progress-column">{t!(i18n, batch_progress)}</th>
                    <th scope="col">{t!(i18n, batch_comment)}</th>
                    <th scope="col"><span class="visually-hidden">{t!(i18n, actions)}</span></th>
                </tr>
            </thead>
            <tbody>
                {rows.into_iter().map(|batch| {
                    let selected = selected == Some(batch.id);
                    view! { <BatchRow batch selected /> }
                }).collect_view()}
            </tbody>
        </table>
    }
    .into_any()
}

#[component]
fn BatchRow(batch: BatchView, selected: bool) -> impl IntoView {
    let i18n = use_i18n();
    let label = move |text: fn(leptos_i18n::I18nContext<Locale>) -> String| move || text(i18n);
    let id = batch.id;
    view! {
        <tr class:selected=selected data-batch=id>
            <th scope="row" data-label=label(|i18n| t_string!(i18n, batch_number).to_string())>
                <a class="tap-target" href=format!("/admin/vouchers?batch={id}")>{format!("#{id}")}</a>
            </th>
            <td data-label=label(|i18n| t_string!(i18n, batch_plan).to_string())>{batch.plan_name.clone()}</td>
            <td data-label=label(|i18n| t_string!(i18n, batch_created).to_string())>{batch.created.clone()}</td>
            <td class="progress-column" data-label=label(|i18n| t_string!(i18n, batch_progress).to_string())>
                <PushProgress quantity=batch.quantity pushed=batch.pushed pending=batch.pending failed=batch.failed />
            </td>
            <td data-label=label(|i18n| t_string!(i18n, batch_comment).to_string())>{batch.comment.clone().unwrap_or_default()}</td>
            <td class="row-actions-cell">
                <div class="row-actions">
                    <a class="button button-secondary" data-print="a4" href=format!("/print/vouchers?batch={id}&layout=a4")>
                        {t!(i18n, print_batch_a4)}
                    </a>
                    <a class="button button-secondary" data-print="58mm" href=format!("/print/vouchers?batch={id}&layout=58mm")>
                        {t!(i18n, print_batch_thermal)}
                    </a>
                </div>
            </td>
        </tr>
    }
}
