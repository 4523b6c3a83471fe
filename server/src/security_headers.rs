//! Headers that tell the browser what this app's pages may do, on every answer: where scripts,
//! styles and connections may come from (`Content-Security-Policy`), that no other site may frame
//! them (clickjacking), that types are not guessed, that addresses are not leaked to other sites,
//! and in production that the site is only ever reached over HTTPS.

use axum::extract::{Request, State};
use axum::http::{HeaderMap, HeaderName, HeaderValue, header};
use axum::middleware::Next;
use axum::response::Response;

/// What pages may load and do. Scripts: our own files, the inline hydration and data scripts
/// that server-side rendering writes, and compiling our WASM. Nothing may frame a page, and
/// forms only post back to this site.
pub const CONTENT_SECURITY_POLICY: &str = "default-src 'self'; \
    script-src 'self' 'unsafe-inline' 'wasm-unsafe-eval'; \
    style-src 'self' 'unsafe-inline'; \
    img-src 'self' data: blob:; \
    font-src 'self'; \
    connect-src 'self'; \
    object-src 'none'; \
    base-uri 'self'; \
    form-action 'self'; \
    frame-ancestors 'none'";

/// Two years, for every subdomain: the site is reached over HTTPS only (production).
const HSTS: &str = "max-age=63072000; includeSubDomains";

/// Whether to send `Strict-Transport-Security` (production, which runs behind HTTPS).
#[derive(Debug, Clone, Copy)]
pub struct Hsts(pub bool);

/// The headers every answer carries.
pub fn headers(hsts: Hsts) -> HeaderMap {
    let mut headers = HeaderMap::new();
    let mut set = |name: HeaderName, value: &'static str| {
        headers.insert(name, HeaderValue::from_static(value));
    };
    set(header::CONTENT_SECURITY_POLICY, CONTENT_SECURITY_POLICY);
    set(header::X_CONTENT_TYPE_OPTIONS, "nosniff");
    set(header::REFERRER_POLICY, "same-origin");
    // For browsers that predate `frame-ancestors`.
    set(header::X_FRAME_OPTIONS, "DENY");
    if hsts.0 {
        set(header::STRICT_TRANSPORT_SECURITY, HSTS);
    }
    headers
}

/// Adds [`headers`] to every response (a handler's own value of one of them wins).
pub async fn add(State(hsts): State<Hsts>, request: Request, next: Next) -> Response {
    let mut response = next.run(request).await;
    let existing = response.headers_mut();
    for (name, value) in headers(hsts) {
        if let Some(name) = name
            && !existing.contains_key(&name)
        {
            existing.insert(name, value);
        }
    }
    response
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hsts_only_where_asked() {
        assert!(headers(Hsts(true)).contains_key(header::STRICT_TRANSPORT_SECURITY));
        assert!(!headers(Hsts(false)).contains_key(header::STRICT_TRANSPORT_SECURITY));
        let csp = headers(Hsts(false));
        let csp = csp[header::CONTENT_SECURITY_POLICY].to_str().unwrap();
        assert!(
            !csp.contains('\n') && csp.contains("frame-ancestors 'none'"),
            "{csp}"
        );
    }
}
