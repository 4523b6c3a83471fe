//! REST errors: a status and a JSON body with a readable reason. Internals are logged, never sent.

use axum::Json;
use axum::extract::rejection::{JsonRejection, PathRejection, QueryRejection};
use axum::extract::{FromRequest, FromRequestParts, Request};
use axum::http::request::Parts;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use billing::core::problem::{Explain, Problem};
use domain::ErrorCode;
use serde::Serialize;
use utoipa::ToSchema;

/// The largest body any route takes (64 KiB: a form or a JSON document of this app is a few
/// hundred bytes to a few KiB); `crate::body_limit` holds every request to it.
pub const BODY_LIMIT: usize = 64 * 1024;

/// The body of every error response.
#[derive(Debug, Serialize, ToSchema)]
pub struct ErrorBody {
    /// A sentence for people.
    pub error: String,
    /// A stable identifier for programs (e.g. `whatsapp_taken`, `invalid_credentials`).
    pub code: String,
    /// The request field the error is about, when there is one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub field: Option<String>,
}

/// When a client should try again after a 503: Redis reconnects within a couple of seconds.
const UNAVAILABLE_RETRY_AFTER_SECONDS: u64 = 2;

#[derive(Debug, thiserror::Error)]
pub enum ApiError {
    #[error("{message}")]
    BadRequest { code: &'static str, message: String },
    #[error("{message}")]
    Unprocessable {
        field: Option<String>,
        code: String,
        message: String,
    },
    #[error("{message}")]
    Conflict {
        field: Option<String>,
        code: String,
        message: String,
    },
    #[error("wrong username or password")]
    InvalidCredentials,
    #[error("authentication required: log in and send the token as `Authorization: Bearer …`")]
    Unauthenticated,
    #[error("your role may not use this route")]
    Forbidden,
    /// A state-changing request from a page of another site.
    #[error("this request came from a page of another site; send it from this site's own pages")]
    CrossOrigin,
    #[error("no such route")]
    NotFound,
    #[error("this route does not accept that HTTP method; see /api/v2/openapi.json")]
    MethodNotAllowed,
    /// The request body is larger than any route takes.
    #[error("the request body is larger than the {} KiB this server takes", limit_bytes / 1024)]
    PayloadTooLarge { limit_bytes: usize },
    #[error("too many attempts; retry after {retry_after_seconds} seconds")]
    RateLimited { retry_after_seconds: u64 },
    /// A router or gateway behind this service failed; the message says how.
    #[error("upstream failure: {0}")]
    BadGateway(String),
    /// A service behind this one (Redis) is not answering for now.
    #[error("the service is briefly unavailable; retry in a few seconds")]
    Unavailable(String),
    #[error("internal error")]
    Internal(String),
}

impl ApiError {
    fn status_and_code(&self) -> (StatusCode, String) {
        match self {
            ApiError::BadRequest { code, .. } => (StatusCode::BAD_REQUEST, (*code).to_owned()),
            ApiError::Unprocessable { code, .. } => {
                (StatusCode::UNPROCESSABLE_ENTITY, code.clone())
            }
            ApiError::Conflict { code, .. } => (StatusCode::CONFLICT, code.clone()),
            ApiError::InvalidCredentials => {
                (StatusCode::UNAUTHORIZED, "invalid_credentials".into())
            }
            ApiError::Unauthenticated => (StatusCode::UNAUTHORIZED, "unauthenticated".into()),
            ApiError::Forbidden => (StatusCode::FORBIDDEN, "forbidden".into()),
            ApiError::CrossOrigin => (
                StatusCode::FORBIDDEN,
                ErrorCode::CrossOrigin.as_str().into(),
            ),
            ApiError::NotFound => (StatusCode::NOT_FOUND, "not_found".into()),
            ApiError::MethodNotAllowed => {
                (StatusCode::METHOD_NOT_ALLOWED, "method_not_allowed".into())
            }
            ApiError::PayloadTooLarge { .. } => (
                StatusCode::PAYLOAD_TOO_LARGE,
                ErrorCode::BodyTooLarge.as_str().into(),
            ),
            ApiError::RateLimited { .. } => (StatusCode::TOO_MANY_REQUESTS, "rate_limited".into()),
            ApiError::BadGateway(_) => (StatusCode::BAD_GATEWAY, "upstream_failed".into()),
            ApiError::Unavailable(_) => (StatusCode::SERVICE_UNAVAILABLE, "unavailable".into()),
            ApiError::Internal(_) => (StatusCode::INTERNAL_SERVER_ERROR, "internal".into()),
        }
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let (status, code) = self.status_and_code();
        let field = match &self {
            ApiError::Unprocessable { field, .. } => field.clone(),
            ApiError::Conflict { field, .. } => field.clone(),
            _ => None,
        };
        let error = match &self {
            ApiError::Internal(detail) => {
                tracing::error!(detail = %detail, "internal error");
                "internal error; it has been logged".to_owned()
            }
            ApiError::Unavailable(detail) => {
                tracing::warn!(detail = %detail, "service unavailable");
                self.to_string()
            }
            other => other.to_string(),
        };
        let mut response = (status, Json(ErrorBody { error, code, field })).into_response();
        if let ApiError::RateLimited {
            retry_after_seconds,
        } = self
        {
            response
                .headers_mut()
                .insert(header::RETRY_AFTER, HeaderValue::from(retry_after_seconds));
        }
        if matches!(self, ApiError::Unavailable(_)) {
            response.headers_mut().insert(
                header::RETRY_AFTER,
                HeaderValue::from(UNAVAILABLE_RETRY_AFTER_SECONDS),
            );
        }
        if matches!(
            self,
            ApiError::Unauthenticated | ApiError::InvalidCredentials
        ) {
            response
                .headers_mut()
                .insert(header::WWW_AUTHENTICATE, HeaderValue::from_static("Bearer"));
        }
        response
    }
}

impl ApiError {
    /// The status, code and message of a service error, as the service explains it.
    pub fn from_service(error: &dyn Explain) -> Self {
        match error.problem() {
            Problem::Invalid { field, code } => ApiError::Unprocessable {
                field: Some(field.to_owned()),
                code: code.as_str().to_owned(),
                message: error.to_string(),
            },
            Problem::Conflict { field, code } => ApiError::Conflict {
                field: field.map(str::to_owned),
                code: code.as_str().to_owned(),
                message: error.to_string(),
            },
            Problem::NotFound { .. } => ApiError::NotFound,
            Problem::Upstream { .. } => ApiError::BadGateway(error.to_string()),
            Problem::InvalidCredentials => ApiError::InvalidCredentials,
            Problem::RateLimited {
                retry_after_seconds,
            } => ApiError::RateLimited {
                retry_after_seconds,
            },
            Problem::Unauthenticated => ApiError::Unauthenticated,
            Problem::Forbidden => ApiError::Forbidden,
            Problem::Unavailable => ApiError::Unavailable(format!("{error}: {:?}", error.source())),
            Problem::Internal => ApiError::Internal(format!("{error}: {:?}", error.source())),
        }
    }
}

/// Every service error explains itself, so every one converts the same way.
impl<E: Explain> From<E> for ApiError {
    fn from(error: E) -> Self {
        ApiError::from_service(&error)
    }
}

impl ApiError {
    /// A malformed JSON body: wrong content type, broken syntax, or fields of the wrong shape.
    fn from_json_rejection(rejection: JsonRejection) -> Self {
        match rejection {
            JsonRejection::JsonDataError(e) => ApiError::Unprocessable {
                field: None,
                code: ErrorCode::InvalidBody.as_str().to_owned(),
                message: e.body_text(),
            },
            JsonRejection::MissingJsonContentType(_) => ApiError::BadRequest {
                code: ErrorCode::ExpectedJson.as_str(),
                message: "send the body as JSON with `Content-Type: application/json`".into(),
            },
            other if other.status() == StatusCode::PAYLOAD_TOO_LARGE => ApiError::PayloadTooLarge {
                limit_bytes: BODY_LIMIT,
            },
            other => ApiError::BadRequest {
                code: ErrorCode::MalformedJson.as_str(),
                message: other.body_text(),
            },
        }
    }
}

/// `axum::Json`, with rejections turned into [`ApiError`]s. Every body of this API is a JSON
/// object: serde would also read a struct from an array of its fields in order (`[5]` as
/// `{"plan_id": 5}`, `[]` as a struct whose fields all have defaults), so anything else is
/// refused before it is read.
#[derive(Debug)]
pub struct ApiJson<T>(pub T);

impl<T, S> FromRequest<S> for ApiJson<T>
where
    T: serde::de::DeserializeOwned,
    S: Send + Sync,
{
    type Rejection = ApiError;

    async fn from_request(request: Request, state: &S) -> Result<Self, Self::Rejection> {
        let axum::Json(value) = axum::Json::<serde_json::Value>::from_request(request, state)
            .await
            .map_err(ApiError::from_json_rejection)?;
        let invalid = |message: String| ApiError::Unprocessable {
            field: None,
            code: ErrorCode::InvalidBody.as_str().to_owned(),
            message,
        };
        if !value.is_object() {
            return Err(invalid("the body is a JSON object".to_owned()));
        }
        serde_json::from_value(value).map(ApiJson).map_err(|e| {
            invalid(format!(
                "Failed to deserialize the JSON body into the target type: {e}"
            ))
        })
    }
}

impl ApiError {
    /// A value in the address that cannot be read as its type: a path id that is not a number
    /// or does not fit in 64 bits, a query parameter of the wrong type. It is a malformed request
    /// (400), like a body that is not JSON; a value that reads but breaks a rule is a 422.
    fn unreadable_address(detail: String) -> Self {
        ApiError::BadRequest {
            code: ErrorCode::InvalidQuery.as_str(),
            message: detail,
        }
    }
}

/// `axum::extract::Path`, with rejections turned into [`ApiError`]s.
#[derive(Debug)]
pub struct ApiPath<T>(pub T);

impl<T, S> FromRequestParts<S> for ApiPath<T>
where
    axum::extract::Path<T>: FromRequestParts<S, Rejection = PathRejection>,
    S: Send + Sync,
{
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        match axum::extract::Path::<T>::from_request_parts(parts, state).await {
            Ok(axum::extract::Path(value)) => Ok(ApiPath(value)),
            // A route that matched always has its parameters; this is the handler's mistake.
            Err(PathRejection::MissingPathParams(e)) => Err(ApiError::Internal(e.body_text())),
            Err(other) => Err(ApiError::unreadable_address(other.body_text())),
        }
    }
}

/// `axum::extract::Query`, with rejections turned into [`ApiError`]s.
#[derive(Debug)]
pub struct ApiQuery<T>(pub T);

impl<T, S> FromRequestParts<S> for ApiQuery<T>
where
    axum::extract::Query<T>: FromRequestParts<S, Rejection = QueryRejection>,
    S: Send + Sync,
{
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        axum::extract::Query::<T>::from_request_parts(parts, state)
            .await
            .map(|axum::extract::Query(value)| ApiQuery(value))
            .map_err(|rejection| ApiError::unreadable_address(rejection.body_text()))
    }
}
