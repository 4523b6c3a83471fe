//! Staff users: their role, whether they may log in, and where they are logged in. Changing a
//! user's role or deactivating them ends every session of theirs at once; an admin can also end
//! one session (a lost phone) or all of them.

use crate::components::{FormError, successes};
use crate::error::AppError;
use crate::i18n::*;
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

/// One staff user as the page shows them, times in the business's time zone.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct StaffCard {
    pub id: i64,
    pub username: String,
    pub name: String,
    pub admin: bool,
    pub active: bool,
    pub last_login: Option<String>,
    pub sessions: Vec<SessionLine>,
    /// The admin looking at the page.
    pub is_me: bool,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SessionLine {
    pub id: String,
    pub started: Option<String>,
    pub client_ip: Option<String>,
}

#[server(prefix = "/rpc")]
pub async fn staff_overview() -> Result<Vec<StaffCard>, AppError> {
    use crate::auth::ssr::{require, services};
    use crate::components::format::local_time;
    let caller = require(&[domain::Role::Admin]).await?;
    let services = services()?;
    let zone = &services.config.timezone;
    let mut cards = Vec::new();
    for member in services.staff.list().await? {
        let sessions = services.staff.sessions(member.id).await?;
        cards.push(StaffCard {
            id: member.id,
            is_me: caller.principal.kind == billing::identity::principal::PrincipalKind::Staff
                && caller.principal.id == member.id,
            username: member.username,
            name: member.name,
            admin: member.role == domain::Role::Admin,
            active: member.active,
            last_login: member.last_login_at.map(|at| local_time(at, zone)),
            sessions: sessions
                .into_iter()
                .map(|s| SessionLine {
                    id: s.id,
                    started: s.started_at.map(|at| local_time(at, zone)),
                    client_ip: s.client_ip,
                })
                .collect(),
        });
    }
    Ok(cards)
}

/// Saves a staff user's name, role (`admin` or `staff`) and whether they may log in.
#[server(prefix = "/rpc")]
pub async fn change_staff(
    staff_id: i64,
    name: String,
    role: String,
    active: bool,
) -> Result<(), AppError> {
    use crate::auth::ssr::{require, services};
    let caller = require(&[domain::Role::Admin]).await?;
    let role = match role.as_str() {
        "admin" => domain::Role::Admin,
        "staff" => domain::Role::Staff,
        _ => {
            return Err(AppError::invalid(
                "role",
                domain::ErrorCode::StaffRole,
                "a staff user is an admin or staff",
            ));
        }
    };
    services()?
        .staff
        .update(
            staff_id,
            domain::model::accounts::StaffChange { name, role, active },
            caller.principal.actor(),
        )
        .await?;
    Ok(())
}

/// Ends one session of a staff user (`session` as the page lists it), or all of them when it is
/// empty.
#[server(prefix = "/rpc")]
pub async fn end_staff_sessions(staff_id: i64, session: String) -> Result<(), AppError> {
    use crate::auth::ssr::{require, services};
    let caller = require(&[domain::Role::Admin]).await?;
    let staff = &services()?.staff;
    if session.is_empty() {
        staff
            .end_sessions(staff_id, caller.principal.actor())
            .await?;
    } else {
        staff
            .end_session(staff_id, &session, caller.principal.actor())
            .await?;
    }
    Ok(())
}

#[component]
pub fn StaffPage() -> impl IntoView {
    let i18n = use_i18n();
    let change = ServerAction::<ChangeStaff>::new();
    let end = ServerAction::<EndStaffSessions>::new();
    let changed = successes(change);
    let ended = successes(end);
    let staff = Resource::new(move || (changed.get(), ended.get()), |_| staff_overview());
    view! {
        <h1>{t!(i18n, staff_title)}</h1>
        <p class="muted">{t!(i18n, staff_intro)}</p>
        <FormError error=Signal::derive(move || change.value().get().and_then(Result::err)) />
        <FormError error=Signal::derive(move || end.value().get().and_then(Result::err)) />
        <Transition fallback=move || view! { <p class="muted">{t!(i18n, loading)}</p> }>
            {move || Suspend::new(async move {
                staff.await.map(|cards| view! {
                    <div class="staff-cards">
                        {cards.into_iter().map(|card| view! { <StaffCardView card change end /> }).collect_view()}
                    </div>
                })
            })}
        </Transition>
    }
}

#[component]
fn StaffCardView(
    card: StaffCard,
    change: ServerAction<ChangeStaff>,
    end: ServerAction<EndStaffSessions>,
) -> impl IntoView {
    let i18n = use_i18n();
    let id = card.id;
    let session_count = card.sessions.len();
    view! {
        <section class="card staff-card" data-staff=card.username.clone()>
            <header class="staff-card-header">
                <h2>
                    {card.name.clone()}
                    {card.is_me.then(|| view! { " " <span class="muted">{t!(i18n, staff_you)}</span> })}
                </h2>
                <span class=if card.admin { "badge badge-healthy" } else { "badge badge-neutral" }>
                    {if card.admin { t!(i18n, staff_role_admin).into_any() } else { t!(i18n, staff_role_staff).into_any() }}
                </span>
                {(!card.active).then(|| view! { <span class="badge badge-unhealthy">{t!(i18n, staff_inactive)}</span> })}
            </header>
            <p class="muted">
                <span class="mono">{card.username.clone()}</span> " · " {t!(i18n, staff_last_login)} " "
                {card.last_login.clone().unwrap_or_else(|| "—".to_owned())}
            </p>
            <ActionForm action=change attr:class="staff-form">
                <input type="hidden" name="staff_id" value=id />
                <label>
                    <span>{t!(i18n, name_label)}</span>
                    <input type="text" name="name" value=card.name.clone() required autocomplete="off" />
                </label>
                <label>
                    <span>{t!(i18n, staff_role)}</span>
                    <select name="role">
                        <option value="admin" selected=card.admin>{t!(i18n, staff_role_admin)}</option>
                        <option value="staff" selected=!card.admin>{t!(i18n, staff_role_staff)}</option>
                    </select>
                </label>
                <label>
                    <span>{t!(i18n, staff_may_log_in)}</span>
                    <select name="active">
                        <option value="true" selected=card.active>{t!(i18n, staff_active)}</option>
                        <option value="false" selected=!card.active>{t!(i18n, staff_inactive)}</option>
                    </select>
                </label>
                <button type="submit" class="button button-primary" disabled=move || change.pending().get()>{t!(i18n, staff_save)}</button>
            </ActionForm>
            <h3>{t!(i18n, staff_sessions, count = session_count)}</h3>
            {if card.sessions.is_empty() {
                view! { <p class="muted">{t!(i18n, staff_no_sessions)}</p> }.into_any()
            } else {
                view! {
                    <ul class="session-list">
                        {card.sessions.into_iter().map(|s| {
                            let handle = s.id.clone();
                            view! {
                            <li data-session=handle>
                                <span>
                                    {t!(i18n, staff_session_started)} " " {s.started.unwrap_or_else(|| "—".to_owned())}
                                    {s.client_ip.map(|ip| view! { " · " <span class="mono">{ip}</span> })}
                                </span>
                                <ActionForm action=end>
                                    <input type="hidden" name="staff_id" value=id />
                                    <input type="hidden" name="session" value=s.id />
                                    <button type="submit" class="button button-quiet" disabled=move || end.pending().get()>
                                        {t!(i18n, staff_end_session)}
                                    </button>
                                </ActionForm>
                            </li>
                            }
                        }).collect_view()}
                    </ul>
                    <ActionForm action=end>
                        <input type="hidden" name="staff_id" value=id />
                        <input type="hidden" name="session" value="" />
                        <button type="submit" class="button button-secondary" data-end-all=id disabled=move || end.pending().get()>
                            {t!(i18n, staff_end_all)}
                        </button>
                    </ActionForm>
                }.into_any()
            }}
        </section>
    }
}
