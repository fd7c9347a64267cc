//! Extractors whose rejections answer in the API's own error shape.

use axum::extract::rejection::JsonRejection;
use axum::extract::{FromRequest, FromRequestParts, Path, Query, Request};
use axum::http::request::Parts;
use axum::http::StatusCode;
use axum::Json;
use orgdesk_model::ValidationError;
use serde::de::DeserializeOwned;
use tower_http::request_id::RequestId;

use crate::error::AppError;

/// `Query<T>` that answers a bad query string with a 400 in the API's error shape.
#[derive(Debug, Clone)]
pub struct ApiQuery<T>(pub T);

impl<T: DeserializeOwned, S: Send + Sync> FromRequestParts<S> for ApiQuery<T> {
    type Rejection = AppError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, AppError> {
        Query::<T>::from_request_parts(parts, state)
            .await
            .map(|Query(value)| Self(value))
            .map_err(|rejection| AppError::BadRequest(rejection.body_text()))
    }
}

/// `Path<T>` whose failure to parse is a 404: a malformed id names nothing.
#[derive(Debug, Clone)]
pub struct ApiPath<T>(pub T);

impl<T: DeserializeOwned + Send, S: Send + Sync> FromRequestParts<S> for ApiPath<T> {
    type Rejection = AppError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, AppError> {
        Path::<T>::from_request_parts(parts, state)
            .await
            .map(|Path(value)| Self(value))
            .map_err(|_| AppError::NotFound)
    }
}

/// `Json<T>` whose rejection is the API's error shape: 400 naming an unknown field, 413 for a
/// body over the limit.
#[derive(Debug, Clone)]
pub struct ApiJson<T>(pub T);

impl<T: DeserializeOwned, S: Send + Sync> FromRequest<S> for ApiJson<T> {
    type Rejection = AppError;

    async fn from_request(request: Request, state: &S) -> Result<Self, AppError> {
        match Json::<T>::from_request(request, state).await {
            Ok(Json(value)) => Ok(Self(value)),
            Err(rejection) if rejection.status() == StatusCode::PAYLOAD_TOO_LARGE => {
                Err(AppError::TooLarge)
            }
            Err(JsonRejection::JsonDataError(err)) => {
                let text = err.body_text();
                // serde says "unknown field `x`, expected …": name the field for the form.
                let field = text
                    .split_once("unknown field `")
                    .and_then(|(_, rest)| rest.split_once('`'))
                    .map(|(field, _)| field.to_owned());
                match field {
                    Some(field) => Err(AppError::Invalid(ValidationError {
                        message: format!("“{field}” is not a field this request accepts."),
                        field,
                    })),
                    None => Err(AppError::BadRequest(text)),
                }
            }
            Err(rejection) => Err(AppError::BadRequest(rejection.body_text())),
        }
    }
}

/// The request's ids, for audit records and logs.
#[derive(Debug, Clone, Default)]
pub struct ReqId {
    /// orgdesk's own id (set by the request-id layer, quoted to the person on errors).
    pub id: Option<String>,
    /// The `x-request-id` the client sent, kept apart as the client's.
    pub client: Option<String>,
}

/// The `x-request-id` a client sent, taken off the request before orgdesk issues its own.
#[derive(Debug, Clone)]
pub struct ClientRequestId(pub String);

impl<S: Send + Sync> FromRequestParts<S> for ReqId {
    type Rejection = AppError;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, AppError> {
        Ok(Self {
            id: parts
                .extensions
                .get::<RequestId>()
                .and_then(|id| id.header_value().to_str().ok())
                .map(str::to_owned),
            client: parts
                .extensions
                .get::<ClientRequestId>()
                .map(|id| id.0.clone()),
        })
    }
}

/// Takes a client's `x-request-id` off the request (so that the id layer always issues
/// orgdesk's own) and keeps it, if printable and at most 128 characters, as [`ClientRequestId`].
pub async fn take_client_request_id(
    mut request: Request,
    next: axum::middleware::Next,
) -> axum::response::Response {
    if let Some(value) = request.headers_mut().remove("x-request-id") {
        if let Ok(text) = value.to_str() {
            let text = text.trim();
            if !text.is_empty()
                && text.len() <= 128
                && text.chars().all(|c| c.is_ascii_graphic() || c == ' ')
            {
                request
                    .extensions_mut()
                    .insert(ClientRequestId(text.to_owned()));
            }
        }
    }
    next.run(request).await
}
