//! Every request body is capped: a client cannot make the server buffer more than it needs,
//! whether it is a REST route, a server function or a page form. A body that says it is larger
//! (`Content-Length`, or a known length) is refused at once with 413 and a reason; one that
//! streams without a length is cut where it passes the limit, and its handler answers 413.

use crate::api::error::ApiError;
use axum::body::{Body, HttpBody};
use axum::extract::Request;
use axum::http::header;
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

pub use crate::api::error::BODY_LIMIT;

/// Refuses bodies that announce more than [`BODY_LIMIT`] and caps the rest.
pub async fn limit(request: Request, next: Next) -> Response {
    let announced = request
        .headers()
        .get(header::CONTENT_LENGTH)
        .and_then(|value| value.to_str().ok()?.parse::<u64>().ok())
        .unwrap_or_else(|| request.body().size_hint().lower());
    if announced > BODY_LIMIT as u64 {
        return ApiError::PayloadTooLarge {
            limit_bytes: BODY_LIMIT,
        }
        .into_response();
    }
    let request = request.map(|body| Body::new(http_body_util::Limited::new(body, BODY_LIMIT)));
    next.run(request).await
}
