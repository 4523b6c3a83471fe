//! The add form (no router) or the edit form of a router; the same fields either way.

use super::{RouterRow, SaveRouter};
use crate::components::{FormError, SubmitButton, invalid_when, reset_after_success};
use crate::error::AppError;
use crate::i18n::*;
use leptos::html::Form;
use leptos::prelude::*;

#[component]
pub fn RouterForm(
    action: ServerAction<SaveRouter>,
    router: Option<RouterRow>,
    /// Closes the edit form without saving.
    #[prop(optional)]
    on_cancel: Option<Callback<()>>,
) -> impl IntoView {
    let i18n = use_i18n();
    let error = Signal::derive(move || action.value().get().and_then(Result::err));
    let invalid = move |field| invalid_when(error, field);
    let form = NodeRef::<Form>::new();
    let editing = router.is_some();
    if !editing {
        reset_after_success(action, form);
    }
    let value = |f: fn(&RouterRow) -> String| router.as_ref().map(f).unwrap_or_default();
    let (name, host, fingerprint, username, login_url) = (
        value(|r| r.name.clone()),
        value(|r| r.host.clone()),
        value(|r| r.tls_fingerprint.clone().unwrap_or_default()),
        value(|r| r.username.clone()),
        value(|r| r.hotspot_login_url.clone().unwrap_or_default()),
    );
    let id = router.as_ref().map(|r| r.id);
    let port = value(|r| r.port.to_string());
    let use_tls = router.as_ref().is_some_and(|r| r.use_tls);
    let label = Signal::derive(move || {
        if editing {
            t_string!(i18n, save_changes).to_string()
        } else {
            t_string!(i18n, router_add_button).to_string()
        }
    });
    view! {
        <FormError error />
        <ActionForm action node_ref=form attr:class="form-grid">
            {id.map(|id| view! { <input type="hidden" name="id" value=id /> })}
            <label>
                <span>{t!(i18n, router_name)}</span>
                <input type="text" name="name" required maxlength="64" value=name aria-invalid=invalid("name") />
            </label>
            <label>
                <span>{t!(i18n, router_host)}</span>
                <input
                    type="text"
                    name="host"
                    required
                    autocapitalize="none"
                    spellcheck="false"
                    placeholder="192.168.88.1"
                    value=host
                    aria-invalid=invalid("host")
                />
            </label>
            <label>
                <span>{t!(i18n, router_port)}</span>
                <input
                    type="text"
                    name="port"
                    inputmode="numeric"
                    placeholder=move || t_string!(i18n, router_port_hint).to_string()
                    value=port
                    aria-invalid=invalid("port")
                />
            </label>
            <label class="check">
                <input type="checkbox" name="use_tls" value="true" checked=use_tls />
                <span>{t!(i18n, router_use_tls)}</span>
            </label>
            <LoginFields username editing error />
            <PinAndPortalFields fingerprint login_url error />
            <div class="form-actions">
                <SubmitButton pending=action.pending() label />
                {on_cancel.map(|cancel| view! {
                    <button type="button" class="button button-secondary" on:click=move |_| cancel.run(())>
                        {t!(i18n, cancel)}
                    </button>
                })}
            </div>
        </ActionForm>
    }
}

/// The router account billing logs in with; when editing, an empty password keeps the stored one.
#[component]
fn LoginFields(username: String, editing: bool, error: Signal<Option<AppError>>) -> impl IntoView {
    let i18n = use_i18n();
    let invalid = move |field| invalid_when(error, field);
    let password_hint = move || {
        if editing {
            t_string!(i18n, router_password_keep).to_string()
        } else {
            String::new()
        }
    };
    view! {
        <label>
            <span>{t!(i18n, router_username)}</span>
            <input
                type="text"
                name="username"
                required
                autocomplete="off"
                autocapitalize="none"
                value=username
                aria-invalid=invalid("username")
            />
        </label>
        <label>
            <span>{t!(i18n, router_password)}</span>
            <input
                type="password"
                name="password"
                autocomplete="new-password"
                required=!editing
                placeholder=password_hint
                aria-invalid=invalid("password")
            />
        </label>
    }
}

/// The pinned TLS certificate and the hotspot's login page.
#[component]
fn PinAndPortalFields(
    fingerprint: String,
    login_url: String,
    error: Signal<Option<AppError>>,
) -> impl IntoView {
    let i18n = use_i18n();
    let invalid = move |field| invalid_when(error, field);
    view! {
        <label class="span-all">
            <span>{t!(i18n, router_fingerprint)}</span>
            <input
                type="text"
                name="tls_fingerprint"
                autocapitalize="none"
                spellcheck="false"
                placeholder=move || t_string!(i18n, router_fingerprint_hint).to_string()
                value=fingerprint
                aria-invalid=invalid("tls_fingerprint")
            />
        </label>
        <label class="span-all">
            <span>{t!(i18n, router_login_url)}</span>
            <input
                type="url"
                name="hotspot_login_url"
                autocapitalize="none"
                spellcheck="false"
                placeholder="http://10.5.50.1/login"
                value=login_url
                aria-invalid=invalid("hotspot_login_url")
            />
            <small class="muted">{t!(i18n, router_login_url_hint)}</small>
        </label>
    }
}
