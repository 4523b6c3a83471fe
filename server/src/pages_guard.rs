//! Role checks for page routes, before anything renders: `/admin` and `/print` are for admins
//! (printed invoices and receipts for anyone logged in: their server functions show a customer
//! only their own), `/pos` for
//! cashiers and admins, `/portal` for customers. Anonymous visitors go to the login page; a
//! logged-in user without the role gets the 403 page. `/` and `/login` send a logged-in user
//! to their own start page.

use crate::state::AppState;
use axum::extract::{Request, State};
use axum::middleware::Next;
use axum::response::{IntoResponse, Redirect, Response};
use domain::Role;
use tower_sessions::Session;

fn required_roles(path: &str) -> Option<&'static [Role]> {
    let under = |prefix: &str| path == prefix || path.starts_with(&format!("{prefix}/"));
    if under("/print/invoices") || under("/print/receipts") {
        // The server functions show a customer their own papers only.
        Some(&[Role::Admin, Role::Staff, Role::Customer])
    } else if under("/admin") || under("/print") {
        Some(&[Role::Admin])
    } else if under("/pos") {
        Some(&[Role::Admin, Role::Staff])
    } else if under("/portal") {
        Some(&[Role::Customer])
    } else {
        None
    }
}

/// The page for a visitor whose login cannot be checked now (Redis is not answering): a clear 503
/// that asks to retry, never a wait.
fn unavailable() -> Response {
    let page = "<!DOCTYPE html><html><head><meta charset=\"utf-8\"><title>503</title></head><body>\
        <h1>Layanan sedang tidak tersedia / Service briefly unavailable</h1>\
        <p>Coba lagi dalam beberapa detik. / Please try again in a few seconds.</p></body></html>";
    (
        axum::http::StatusCode::SERVICE_UNAVAILABLE,
        [(axum::http::header::RETRY_AFTER, "2")],
        axum::response::Html(page),
    )
        .into_response()
}

pub async fn guard(State(state): State<AppState>, mut request: Request, next: Next) -> Response {
    let path = request.uri().path().to_owned();
    let required = required_roles(&path);
    let is_entry = path == "/" || path == "/login";
    if required.is_none() && !is_entry {
        return next.run(request).await;
    }
    let login = match request.extensions().get::<Session>() {
        Some(session) => match app::auth::ssr::authenticated_by(&state.services, session).await {
            Ok(authenticated) => authenticated,
            Err(e) => {
                tracing::warn!(error = %e, "cannot check the login session");
                return unavailable();
            }
        },
        None => None,
    };
    let role = login.as_ref().map(|a| a.principal.role);
    // The page's own server functions (rendered within this request) find the login here.
    request
        .extensions_mut()
        .insert(app::auth::ssr::RequestLogin(login));
    match (required, role) {
        (Some(roles), Some(role)) if roles.contains(&role) => next.run(request).await,
        (Some(_), Some(_)) => Redirect::to("/forbidden").into_response(),
        (Some(_), None) => Redirect::to("/login").into_response(),
        (None, Some(role)) => Redirect::to(role.home_path()).into_response(),
        (None, None) if path == "/" => Redirect::to("/login").into_response(),
        (None, None) => next.run(request).await,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sections_require_their_roles() {
        assert_eq!(required_roles("/admin"), Some(&[Role::Admin][..]));
        assert_eq!(required_roles("/admin/routers"), Some(&[Role::Admin][..]));
        assert_eq!(required_roles("/administrator"), None);
        assert_eq!(required_roles("/print/vouchers"), Some(&[Role::Admin][..]));
        assert_eq!(
            required_roles("/pos"),
            Some(&[Role::Admin, Role::Staff][..])
        );
        assert_eq!(required_roles("/portal"), Some(&[Role::Customer][..]));
        assert_eq!(
            required_roles("/print/invoices/7"),
            Some(&[Role::Admin, Role::Staff, Role::Customer][..])
        );
        assert_eq!(
            required_roles("/print/receipts/7"),
            Some(&[Role::Admin, Role::Staff, Role::Customer][..])
        );
        assert_eq!(required_roles("/login"), None);
        assert_eq!(required_roles("/pkg/app.wasm"), None);
    }
}
