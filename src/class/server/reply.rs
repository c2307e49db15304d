//! The answers of the class server's endpoints: errors as `{"error", "field"}`
//! with their status, and the checks every endpoint starts with (tokens, the
//! learner's secret, the body's size and syntax).
use std::sync::Arc;
use std::time::Duration;

use axum::body::Bytes;
use axum::extract::rejection::BytesRejection;
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde::de::DeserializeOwned;

use super::app::App;
use super::db::DbError;
use crate::class::api;
use crate::class::event::{check_id, Invalid};

type Shared = Arc<App>;

#[derive(Debug)]
pub struct ApiError {
    pub(super) status: StatusCode,
    pub(super) error: String,
    pub(super) field: Option<String>,
    pub(super) retry_after: Option<Duration>,
}

pub(super) fn fail(status: StatusCode, error: impl Into<String>) -> ApiError {
    ApiError {
        status,
        error: error.into(),
        field: None,
        retry_after: None,
    }
}

impl From<Invalid> for ApiError {
    fn from(e: Invalid) -> ApiError {
        ApiError {
            field: Some(e.field.clone()),
            ..fail(StatusCode::BAD_REQUEST, e.to_string())
        }
    }
}

impl From<DbError> for ApiError {
    fn from(e: DbError) -> ApiError {
        fail(StatusCode::INTERNAL_SERVER_ERROR, e.to_string())
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let mut body = serde_json::json!({ "error": self.error });
        if let Some(field) = self.field {
            body["field"] = field.into();
        }
        let mut resp = (self.status, Json(body)).into_response();
        if let Some(wait) = self.retry_after {
            let secs = wait.as_secs_f64().ceil().max(1.0) as u64;
            resp.headers_mut()
                .insert(header::RETRY_AFTER, HeaderValue::from(secs));
        }
        resp
    }
}

/// DB work off the async threads.
pub(super) async fn blocking<T: Send + 'static>(
    app: &Shared,
    f: impl FnOnce(&App) -> Result<T, DbError> + Send + 'static,
) -> Result<T, ApiError> {
    let app = app.clone();
    match tokio::task::spawn_blocking(move || f(&app)).await {
        Ok(r) => r.map_err(ApiError::from),
        Err(e) => Err(fail(
            StatusCode::INTERNAL_SERVER_ERROR,
            format!("the class server failed on this request: {e}"),
        )),
    }
}

pub(super) fn bearer(headers: &HeaderMap) -> Option<&str> {
    headers
        .get(header::AUTHORIZATION)?
        .to_str()
        .ok()?
        .strip_prefix("Bearer ")
}

pub(super) fn require_join(app: &App, headers: &HeaderMap) -> Result<(), ApiError> {
    match bearer(headers) {
        Some(t) if app.is_join(t) => Ok(()),
        Some(_) => Err(fail(
            StatusCode::UNAUTHORIZED,
            "the join token is wrong; ask the instructor for the class's join URL",
        )),
        None => Err(fail(
            StatusCode::UNAUTHORIZED,
            "no join token; send `Authorization: Bearer <token>` with the token of the join URL",
        )),
    }
}

pub(super) fn require_admin(app: &App, headers: &HeaderMap) -> Result<(), ApiError> {
    match bearer(headers) {
        Some(t) if app.is_admin(t) => Ok(()),
        _ => Err(fail(
            StatusCode::UNAUTHORIZED,
            "the admin token is missing or wrong; open the instructor URL that `perflab class serve` printed",
        )),
    }
}

/// The learner the headers prove to be: (id, name).
pub(super) fn require_learner(
    app: &App,
    headers: &HeaderMap,
) -> Result<(String, String), ApiError> {
    require_join(app, headers)?;
    let get = |h: &str| headers.get(h).and_then(|v| v.to_str().ok());
    let (Some(id), Some(secret)) = (get(api::LEARNER_HEADER), get(api::SECRET_HEADER)) else {
        return Err(fail(
            StatusCode::UNAUTHORIZED,
            format!(
                "no learner: send the {} and {} headers that joining gave",
                api::LEARNER_HEADER,
                api::SECRET_HEADER
            ),
        ));
    };
    check_id(api::LEARNER_HEADER, id)?;
    match app.learner(id, secret) {
        Some(name) => Ok((id.to_string(), name)),
        None => Err(fail(
            StatusCode::FORBIDDEN,
            format!("the learner secret is not learner {id}'s; join the class again with `perflab class join`"),
        )),
    }
}

pub(super) fn body(b: Result<Bytes, BytesRejection>) -> Result<Bytes, ApiError> {
    b.map_err(|r| match r.status() {
        StatusCode::PAYLOAD_TOO_LARGE => fail(
            StatusCode::PAYLOAD_TOO_LARGE,
            format!(
                "the request body is over {} KiB; send fewer events a request",
                api::MAX_BODY / 1024
            ),
        ),
        s => fail(s, format!("reading the request body: {}", r.body_text())),
    })
}

pub(super) fn parse_json<T: DeserializeOwned>(bytes: &[u8], what: &str) -> Result<T, ApiError> {
    let de = &mut serde_json::Deserializer::from_slice(bytes);
    serde_path_to_error::deserialize(de).map_err(|e| {
        let path = e.path().to_string();
        let field = if path == "." { "body".into() } else { path };
        ApiError::from(Invalid {
            field,
            reason: format!("{} (not a valid {what})", e.inner()),
        })
    })
}

pub(super) fn too_many(wait: Duration) -> ApiError {
    ApiError {
        retry_after: Some(wait),
        ..fail(
            StatusCode::TOO_MANY_REQUESTS,
            format!(
                "too many requests; try again in {:.1} s",
                wait.as_secs_f64()
            ),
        )
    }
}
