//! The REST API under `/api/v2`, plus `/health`, each route documented in one OpenAPI document.

pub mod admin;
pub mod auth;
pub mod customers;
pub mod error;
pub mod health;
pub mod invoices;
pub mod routers;
pub mod sales;
pub mod subscriptions;
pub mod vouchers;

use crate::state::AppState;
use axum::extract::{Request, State};
use axum::response::IntoResponse;
use error::ApiError;
use utoipa::openapi::security::{ApiKey, ApiKeyValue, HttpAuthScheme, HttpBuilder, SecurityScheme};
use utoipa::{Modify, OpenApi};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

#[derive(OpenApi)]
#[openapi(
    info(
        title = "Mikrotik Billing API",
        version = "2",
        description = "Billing and provisioning for ISPs running MikroTik routers. Errors have the \
                       body {error, code, field?}."
    ),
    modifiers(&SecuritySchemes),
    tags(
        (name = "auth", description = "Registration, login, logout"),
        (name = "admin", description = "Administration"),
        (name = "routers", description = "MikroTik routers"),
        (name = "vouchers", description = "Plans, voucher batches and vouchers"),
        (name = "sales", description = "Selling vouchers at the counter, and sales reports"),
        (name = "customers", description = "Customers, their balance ledger, adjustments and refunds"),
        (name = "invoices", description = "Invoices, payments at the counter, voids and reversals"),
        (name = "subscriptions", description = "PPPoE subscriptions, their secrets on the routers, isolation and import"),
        (name = "operations", description = "Health and the API document"),
        (name = "web", description = "Internals of the web interface"),
    )
)]
struct ApiDoc;

struct SecuritySchemes;

impl Modify for SecuritySchemes {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "bearer",
            SecurityScheme::Http(
                HttpBuilder::new()
                    .scheme(HttpAuthScheme::Bearer)
                    .bearer_format("JWT")
                    .build(),
            ),
        );
        components.add_security_scheme(
            "cookie",
            SecurityScheme::ApiKey(ApiKey::Cookie(ApiKeyValue::new(crate::SESSION_COOKIE))),
        );
    }
}

/// Every route with its documentation. The server functions of the web UI are one route here too.
pub fn router() -> OpenApiRouter<AppState> {
    let mut router = OpenApiRouter::with_openapi(ApiDoc::openapi())
        .merge(auth::routes())
        .merge(admin::routes())
        .merge(routers::routes())
        .merge(vouchers::routes())
        .merge(sales::routes())
        .merge(customers::routes())
        .merge(invoices::routes())
        .merge(subscriptions::routes())
        .merge(health::routes())
        .routes(routes!(openapi_document))
        .routes(routes!(server_function));
    document_request_errors(router.get_openapi_mut());
    document_links(router.get_openapi_mut());
    router
}

/// What a client can do next with a record it just created: its id (a JSON pointer into the
/// created record) is the `{id}` of these operations. Generated clients and API testers follow
/// these links, e.g. create a router, then read, change and delete that router.
struct Links {
    /// The `POST` that answers `201` with the record.
    created_by: &'static str,
    id_pointer: &'static str,
    record: &'static str,
    /// Path and method of each operation on the record.
    operations: &'static [(&'static str, &'static str)],
}

const LINKS: &[Links] = &[
    Links {
        created_by: "/api/v2/subscriptions",
        id_pointer: "/id",
        record: "subscription",
        operations: &[
            ("/api/v2/subscriptions/{id}", "get"),
            ("/api/v2/subscriptions/{id}", "put"),
            ("/api/v2/subscriptions/{id}/session", "get"),
            ("/api/v2/subscriptions/{id}/{action}", "post"),
            ("/api/v2/subscriptions/{id}", "delete"),
        ],
    },
    Links {
        created_by: "/api/v2/customers",
        id_pointer: "/id",
        record: "customer",
        operations: &[
            ("/api/v2/customers/{id}", "get"),
            ("/api/v2/customers/{id}", "put"),
            ("/api/v2/customers/{id}/ledger", "get"),
            ("/api/v2/customers/{id}/payments", "post"),
            ("/api/v2/customers/{id}/adjustments", "post"),
            ("/api/v2/customers/{id}/refunds", "post"),
        ],
    },
    Links {
        created_by: "/api/v2/invoices",
        id_pointer: "/id",
        record: "invoice",
        operations: &[
            ("/api/v2/invoices/{id}", "get"),
            ("/api/v2/invoices/{id}/payments", "post"),
            ("/api/v2/invoices/{id}/void", "post"),
        ],
    },
    Links {
        created_by: "/api/v2/routers",
        id_pointer: "/id",
        record: "router",
        operations: &[
            ("/api/v2/routers/{id}", "get"),
            ("/api/v2/routers/{id}", "put"),
            ("/api/v2/routers/{id}/status", "get"),
            ("/api/v2/routers/{id}/sync-profiles", "post"),
            ("/api/v2/routers/{id}/reconcile", "post"),
            ("/api/v2/routers/{id}", "delete"),
        ],
    },
    Links {
        created_by: "/api/v2/plans",
        id_pointer: "/id",
        record: "plan",
        operations: &[
            ("/api/v2/plans/{id}", "put"),
            ("/api/v2/plans/{id}/active", "put"),
        ],
    },
    Links {
        created_by: "/api/v2/vouchers/batch",
        id_pointer: "/batch_id",
        record: "batch",
        operations: &[("/api/v2/vouchers/batches/{id}", "get")],
    },
    Links {
        created_by: "/api/v2/sales",
        id_pointer: "/id",
        record: "sale",
        operations: &[("/api/v2/sales/{id}", "get")],
    },
];

/// Adds [`LINKS`] to the `201` answer of each creating `POST`.
fn document_links(openapi: &mut utoipa::openapi::OpenApi) {
    use utoipa::openapi::RefOr;
    use utoipa::openapi::link::LinkBuilder;

    let operation_id = |openapi: &utoipa::openapi::OpenApi, path: &str, method: &str| {
        let item = openapi.paths.paths.get(path)?;
        let operation = match method {
            "get" => item.get.as_ref(),
            "put" => item.put.as_ref(),
            "post" => item.post.as_ref(),
            "delete" => item.delete.as_ref(),
            _ => None,
        }?;
        operation.operation_id.clone()
    };
    for Links {
        created_by,
        id_pointer,
        record,
        operations,
    } in LINKS
    {
        let links: Vec<(String, _)> = operations
            .iter()
            .filter_map(|(path, method)| {
                let id = operation_id(openapi, path, method)?;
                let link = LinkBuilder::new()
                    .operation_id(id.clone())
                    .parameter("id", format!("$response.body#{id_pointer}"))
                    .description(format!("The {record} just created"))
                    .build();
                Some((id, link))
            })
            .collect();
        let created = openapi
            .paths
            .paths
            .get_mut(*created_by)
            .and_then(|item| item.post.as_mut())
            .and_then(|post| post.responses.responses.get_mut("201"));
        if let Some(RefOr::T(response)) = created {
            for (name, link) in links {
                response.links.insert(name, RefOr::T(link));
            }
        }
    }
}

/// Every `/api/v2` route reads its path, query and body with [`error::ApiPath`],
/// [`error::ApiQuery`] and [`error::ApiJson`], which answer the same errors everywhere: 400 for an
/// address value or a body that cannot be read, 422 for a body of the wrong shape. Documented
/// here once for every operation that has such input, instead of in each route's annotation
/// (a route's own description of the status is kept).
fn document_request_errors(openapi: &mut utoipa::openapi::OpenApi) {
    use utoipa::openapi::path::ParameterIn;
    use utoipa::openapi::{ContentBuilder, Ref, RefOr, ResponseBuilder};

    let error = |description: &str| {
        RefOr::T(
            ResponseBuilder::new()
                .description(description)
                .content(
                    "application/json",
                    ContentBuilder::new()
                        .schema(Some(Ref::from_schema_name("ErrorBody")))
                        .build(),
                )
                .build(),
        )
    };
    for (path, item) in openapi.paths.paths.iter_mut() {
        if !path.starts_with("/api/") {
            continue;
        }
        let operations = [
            &mut item.get,
            &mut item.put,
            &mut item.post,
            &mut item.delete,
            &mut item.patch,
        ];
        for operation in operations.into_iter().flatten() {
            let reads_address = operation.parameters.iter().flatten().any(|p| {
                matches!(p, RefOr::T(p) if matches!(p.parameter_in, ParameterIn::Path | ParameterIn::Query))
            });
            let responses = &mut operation.responses.responses;
            if reads_address {
                responses.entry("400".into()).or_insert_with(|| {
                    error("A path or query value cannot be read as its type (code `invalid_query`)")
                });
            }
            if operation.request_body.is_some() {
                responses.entry("400".into()).or_insert_with(|| {
                    error("The body is not JSON, or not sent as `application/json`")
                });
                responses.entry("422".into()).or_insert_with(|| {
                    error("A field is missing, of the wrong type, or breaks a rule (see `field`)")
                });
                responses.entry("413".into()).or_insert_with(|| {
                    error("The body is larger than 64 KiB (code `body_too_large`)")
                });
            }
        }
    }
}

/// This document.
#[utoipa::path(
    get,
    path = "/api/v2/openapi.json",
    tag = "operations",
    responses((status = 200, description = "The OpenAPI 3.1 document", body = serde_json::Value))
)]
async fn openapi_document(State(state): State<AppState>) -> impl IntoResponse {
    axum::Json(state.openapi.as_ref().clone())
}

/// The server functions of the web interface (Leptos), form- or JSON-encoded, authenticated by
/// the cookie session. They serve the UI and are not a stable API: use the `/api/v2` routes.
#[utoipa::path(
    post,
    path = "/rpc/{function}",
    tag = "web",
    params(("function" = String, Path, description = "Server function name")),
    responses(
        (status = 200, description = "The function's result"),
        (status = 400, description = "Unknown function or bad arguments"),
    )
)]
async fn server_function(
    State(state): State<AppState>,
    request: Request,
) -> axum::response::Response {
    let services = state.services.clone();
    leptos_axum::handle_server_fns_with_context(
        move || leptos::prelude::provide_context(services.clone()),
        request,
    )
    .await
    .into_response()
}

/// Middleware: server functions answer every error with 500; give each its proper status, so bad
/// input is reported as the caller's mistake (4xx) and only real failures as 500. (Each function
/// is mounted at its own path by the Leptos integration, so this cannot live in the handler.)
pub async fn server_function_status(
    request: Request,
    next: axum::middleware::Next,
) -> axum::response::Response {
    use app::error::AppError;
    use axum::http::StatusCode;
    let is_server_function = request.uri().path().starts_with("/rpc/");
    let response = next.run(request).await;
    if !is_server_function || response.status() != StatusCode::INTERNAL_SERVER_ERROR {
        return response;
    }
    let (mut parts, body) = response.into_parts();
    let Ok(bytes) = axum::body::to_bytes(body, 64 * 1024).await else {
        return StatusCode::INTERNAL_SERVER_ERROR.into_response();
    };
    if let Ok(error) = serde_json::from_slice::<AppError>(&bytes) {
        parts.status = match error {
            AppError::Invalid { .. } => StatusCode::UNPROCESSABLE_ENTITY,
            AppError::InvalidCredentials | AppError::Unauthenticated => StatusCode::UNAUTHORIZED,
            AppError::Forbidden => StatusCode::FORBIDDEN,
            AppError::RateLimited { .. } => StatusCode::TOO_MANY_REQUESTS,
            AppError::Transport(_) => StatusCode::BAD_REQUEST,
            AppError::Unavailable => StatusCode::SERVICE_UNAVAILABLE,
            AppError::Internal => StatusCode::INTERNAL_SERVER_ERROR,
        };
    }
    axum::response::Response::from_parts(parts, axum::body::Body::from(bytes))
}

/// JSON 404 for unknown routes under `/api/`.
pub async fn not_found() -> ApiError {
    ApiError::NotFound
}

/// JSON 405 for a known route called with the wrong method.
pub async fn method_not_allowed() -> ApiError {
    ApiError::MethodNotAllowed
}
