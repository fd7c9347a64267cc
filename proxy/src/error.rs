//! The one error type of the HTTP surface, always answered as `{"error","message","field"?}`.

use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use orgdesk_model::{ErrorBody, Organization, ValidationError};

use crate::directory::DirectoryError;

/// Everything a handler can answer instead of success.
#[derive(Debug, thiserror::Error)]
pub enum AppError {
    /// No session, or an expired one.
    #[error("Sign in to continue.")]
    Unauthenticated,
    /// Signed in, but not allowed to do this.
    #[error("{0}")]
    Forbidden(&'static str),
    /// Signed in, but the request asks for things the caller may not do; the message names them.
    #[error("{0}")]
    ForbiddenParts(String),
    /// Nothing there, or nothing the caller may know about.
    #[error("Not found.")]
    NotFound,
    /// Input that breaks a rule.
    #[error("{0}")]
    Invalid(#[from] ValidationError),
    /// A request the API cannot read (bad query string, bad JSON).
    #[error("{0}")]
    BadRequest(String),
    /// The change clashes with what is stored (a taken name).
    #[error("{message}")]
    Conflict {
        /// What clashes.
        message: String,
        /// The field at fault.
        field: Option<&'static str>,
    },
    /// The organization changed since the caller read it; the body carries the current one.
    #[error("Someone else changed this organization since you opened it. Nothing was saved; review their change and apply yours again.")]
    Stale(Box<Organization>),
    /// The request body is larger than the API accepts.
    #[error("The request is too large.")]
    TooLarge,
    /// Too many requests from this client; try again after `retry_after` seconds.
    #[error("Too many requests. Wait {retry_after} s and try again.")]
    TooManyRequests {
        /// Seconds to wait.
        retry_after: u64,
    },
    /// The directory cannot be reached; try again later.
    #[error("{message}")]
    Unavailable {
        /// What to tell the person.
        message: String,
        /// Seconds to wait before trying again.
        retry_after: Option<u64>,
    },
    /// A change was sent on and never confirmed: it may or may not have been made. The person
    /// must look before trying again (a retry could make it twice).
    #[error("{0}")]
    OutcomeUnknown(String),
    /// Auth0 refused orgdesk itself (credentials, scopes): the message says what to do.
    #[error("{0}")]
    BadGateway(String),
    /// The change was made, but its audit row could not be written; the entry is in the error
    /// log. The person must not apply it again.
    #[error("Applied, but not recorded: your change was made, but orgdesk could not write it to the audit log. Do not apply it again; the full entry is in orgdesk's error log{}.", request_id.as_deref().map(|id| format!(" under request id {id}")).unwrap_or_default())]
    NotRecorded {
        /// orgdesk's id of the request.
        request_id: Option<String>,
    },
    /// A fault on our side; details go to the log, not to the browser.
    #[error("internal error: {0}")]
    Internal(String),
}

impl AppError {
    fn status_and_code(&self) -> (StatusCode, &'static str) {
        match self {
            Self::Unauthenticated => (StatusCode::UNAUTHORIZED, "unauthenticated"),
            Self::Forbidden(_) | Self::ForbiddenParts(_) => (StatusCode::FORBIDDEN, "forbidden"),
            Self::NotFound => (StatusCode::NOT_FOUND, "not_found"),
            Self::Invalid(_) | Self::BadRequest(_) => (StatusCode::BAD_REQUEST, "invalid_input"),
            Self::Conflict { .. } | Self::Stale(_) => (StatusCode::CONFLICT, "conflict"),
            Self::TooLarge => (StatusCode::PAYLOAD_TOO_LARGE, "too_large"),
            Self::TooManyRequests { .. } => (StatusCode::TOO_MANY_REQUESTS, "slow_down"),
            Self::Unavailable { .. } => (StatusCode::SERVICE_UNAVAILABLE, "unavailable"),
            Self::BadGateway(_) => (StatusCode::BAD_GATEWAY, "upstream"),
            Self::OutcomeUnknown(_) => (StatusCode::BAD_GATEWAY, "outcome_unknown"),
            Self::NotRecorded { .. } => (StatusCode::INTERNAL_SERVER_ERROR, "applied_not_recorded"),
            Self::Internal(_) => (StatusCode::INTERNAL_SERVER_ERROR, "internal"),
        }
    }
}

impl IntoResponse for AppError {
    fn into_response(self) -> Response {
        let (status, code) = self.status_and_code();
        let message = match &self {
            Self::Internal(detail) => {
                tracing::error!(%detail, "request failed");
                "Something went wrong on our side. Try again; if it keeps happening, report the request id.".to_owned()
            }
            other => other.to_string(),
        };
        let field = match &self {
            Self::Invalid(err) if !err.field.is_empty() => Some(err.field.clone()),
            Self::Conflict { field, .. } => field.map(str::to_owned),
            _ => None,
        };
        let current = match &self {
            Self::Stale(org) => Some(org.clone()),
            _ => None,
        };
        let mut response = (
            status,
            Json(ErrorBody {
                error: code.to_owned(),
                message,
                field,
                current,
            }),
        )
            .into_response();
        let retry_after = match self {
            Self::Unavailable {
                retry_after: Some(seconds),
                ..
            }
            | Self::TooManyRequests {
                retry_after: seconds,
            } => Some(seconds),
            _ => None,
        };
        if let Some(seconds) = retry_after {
            if let Ok(value) = HeaderValue::from_str(&seconds.to_string()) {
                response.headers_mut().insert(header::RETRY_AFTER, value);
            }
        }
        response
    }
}

impl From<DirectoryError> for AppError {
    fn from(err: DirectoryError) -> Self {
        match err {
            DirectoryError::NotFound => Self::NotFound,
            DirectoryError::Conflict(message) => Self::Conflict {
                message,
                field: None,
            },
            DirectoryError::Stale(org) => Self::Stale(org),
            DirectoryError::Invalid(err) => Self::Invalid(err),
            DirectoryError::Unavailable {
                message,
                retry_after,
            } => Self::Unavailable {
                message,
                retry_after,
            },
            DirectoryError::Upstream(message) => Self::BadGateway(message),
            DirectoryError::OutcomeUnknown(message) => Self::OutcomeUnknown(message),
            DirectoryError::Internal(detail) => Self::Internal(detail),
        }
    }
}

impl From<sqlx::Error> for AppError {
    fn from(err: sqlx::Error) -> Self {
        if let Some((message, retry_after)) = crate::db::refusal(&err) {
            return Self::Unavailable {
                message: message.into(),
                retry_after: Some(retry_after),
            };
        }
        Self::Internal(format!("database: {err}"))
    }
}
