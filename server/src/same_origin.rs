//! Cross-site request forgery: a page of another site must not make a visitor's browser change
//! anything here (log in, sell, withdraw) with the visitor's cookie. Browsers send `Origin` with
//! every POST, PUT, PATCH and DELETE (and `Referer` in older cases); a state-changing request
//! whose origin is another site is refused with 403 before it reaches any route. Requests
//! without either header do not come from a browser page (curl, API clients with a token) and
//! pass. Reading (GET, HEAD, OPTIONS) is never refused.
//!
//! "This site" is the host the request was sent to (`Host`, which a reverse proxy passes on) or
//! the configured public address.

use crate::api::error::ApiError;
use axum::extract::{Request, State};
use axum::http::{HeaderMap, Method, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use std::sync::Arc;

/// The configured public address's `host[:port]` (from `public_url`).
#[derive(Debug, Clone)]
pub struct PublicHost(pub Arc<str>);

impl PublicHost {
    pub fn from_url(public_url: &str) -> Self {
        PublicHost(host_of(public_url).unwrap_or_default().into())
    }
}

/// `host[:port]` of an absolute URL (`https://host:port/path` → `host:port`).
fn host_of(url: &str) -> Option<&str> {
    let rest = url.split_once("://")?.1;
    let host = rest.split(['/', '?', '#']).next()?;
    (!host.is_empty()).then_some(host)
}

/// Whether the request comes from a page of another site.
fn cross_site(headers: &HeaderMap, public: &PublicHost) -> bool {
    let source = headers
        .get(header::ORIGIN)
        .or_else(|| headers.get(header::REFERER))
        .and_then(|v| v.to_str().ok());
    let Some(source) = source else {
        return false;
    };
    // `Origin: null` (a sandboxed frame, a file) is another site too.
    let Some(source_host) = host_of(source) else {
        return true;
    };
    let own = headers.get(header::HOST).and_then(|v| v.to_str().ok());
    !(own.is_some_and(|own| own.eq_ignore_ascii_case(source_host))
        || public.0.eq_ignore_ascii_case(source_host))
}

/// Refuses state-changing requests from pages of other sites.
pub async fn check(State(public): State<PublicHost>, request: Request, next: Next) -> Response {
    let changes_state = !matches!(
        *request.method(),
        Method::GET | Method::HEAD | Method::OPTIONS
    );
    if changes_state && cross_site(request.headers(), &public) {
        tracing::warn!(
            method = %request.method(),
            path = %request.uri().path(),
            origin = ?request.headers().get(header::ORIGIN),
            "refused a request from another site"
        );
        return ApiError::CrossOrigin.into_response();
    }
    next.run(request).await
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::http::HeaderValue;

    fn headers(origin: Option<&str>, referer: Option<&str>, host: &str) -> HeaderMap {
        let mut headers = HeaderMap::new();
        headers.insert(header::HOST, HeaderValue::from_str(host).unwrap());
        if let Some(o) = origin {
            headers.insert(header::ORIGIN, HeaderValue::from_str(o).unwrap());
        }
        if let Some(r) = referer {
            headers.insert(header::REFERER, HeaderValue::from_str(r).unwrap());
        }
        headers
    }

    #[test]
    fn origins_are_compared_by_host_and_port() {
        let public = PublicHost::from_url("https://billing.example.net");
        let same = |o, r, h| !cross_site(&headers(o, r, h), &public);
        assert!(same(Some("http://10.0.0.5:3000"), None, "10.0.0.5:3000"));
        assert!(
            same(Some("https://billing.example.net"), None, "127.0.0.1:3000"),
            "the public address"
        );
        assert!(
            same(None, Some("http://a.lan/admin?x=1"), "a.lan"),
            "Referer when no Origin"
        );
        assert!(same(None, None, "a.lan"), "no browser page");
        assert!(
            !same(Some("http://10.0.0.5:3001"), None, "10.0.0.5:3000"),
            "another port"
        );
        assert!(!same(Some("https://evil.example"), None, "a.lan"));
        assert!(!same(Some("null"), None, "a.lan"));
        assert!(!same(None, Some("https://evil.example/page"), "a.lan"));
    }
}
