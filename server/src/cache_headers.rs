//! How long browsers and proxies may keep what the app sends. HTML pages are `no-cache`: a
//! browser may keep one but asks again each time (a deploy, a logout, a payment show at once);
//! a page asked for with a session cookie or a token is also `private`, so that no shared cache
//! (a proxy on the operator's network) keeps one customer's page for another. Answers that set
//! their own `Cache-Control` keep it.

use axum::extract::Request;
use axum::http::{HeaderValue, header};
use axum::middleware::Next;
use axum::response::Response;

pub async fn add(request: Request, next: Next) -> Response {
    let personal = request.headers().contains_key(header::COOKIE)
        || request.headers().contains_key(header::AUTHORIZATION);
    let mut response = next.run(request).await;
    let is_page = response
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|t| t.starts_with("text/html"));
    if is_page && !response.headers().contains_key(header::CACHE_CONTROL) {
        let value = if personal {
            "private, no-cache"
        } else {
            "no-cache"
        };
        response
            .headers_mut()
            .insert(header::CACHE_CONTROL, HeaderValue::from_static(value));
    }
    response
}
