//! The HTTP endpoints (listed in [`crate::class::api`]). Every request is
//! checked completely (token, rate, size, syntax, limits, ownership) before
//! anything is written, so a refused request changes nothing.
use std::sync::Arc;
use std::time::{Duration, Instant};

use axum::body::Bytes;
use axum::extract::rejection::BytesRejection;
use axum::extract::{DefaultBodyLimit, Path, RawQuery, State};
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};

use super::app::{App, MAX_LEARNERS};
use super::db::LearnerRow;
use super::export;
use super::page;
use super::reply::{
    blocking, body, fail, parse_json, require_admin, require_join, require_learner, too_many,
    ApiError,
};
use super::stuck::Thresholds;
use crate::class::api::{self, JoinRequest, Joined, Me, Stored};
use crate::class::event::{check_text, parse_batch, Invalid};
use crate::class::outbox::now_ms;
use crate::class::token;

type Shared = Arc<App>;

pub fn router(app: Shared) -> Router {
    Router::new()
        .route("/", get(page::page))
        .route("/join/{token}", get(join_page))
        .route(api::JOIN, post(join))
        .route(api::PING, get(ping))
        .route(api::ME, get(me))
        .route(api::EVENTS, post(events))
        .route(api::ROSTER, get(roster))
        .route(api::EXPORT_CSV, get(export_csv))
        .route(api::EXPORT_JSON, get(export_json))
        .route(api::THRESHOLDS, get(thresholds).put(set_thresholds))
        .layer(DefaultBodyLimit::max(api::MAX_BODY))
        .with_state(app)
}

async fn join_page(
    State(app): State<Shared>,
    Path(t): Path<String>,
    headers: HeaderMap,
) -> Response {
    if !app.is_join(&t) {
        return (
            StatusCode::UNAUTHORIZED,
            "This join URL's token is wrong: ask the instructor for the class's join URL.\n",
        )
            .into_response();
    }
    let host = headers
        .get(header::HOST)
        .and_then(|h| h.to_str().ok())
        .unwrap_or("HOST:PORT");
    let text = format!(
        "This is the join URL of the class \"{}\".\nIn a terminal, run:\n\n    perflab class join http://{host}/join/{t} --as YOUR-NAME\n\nthen `perflab` as usual.\n",
        app.title
    );
    (
        [
            (header::CONTENT_TYPE, "text/plain; charset=utf-8"),
            (header::X_CONTENT_TYPE_OPTIONS, "nosniff"),
        ],
        text,
    )
        .into_response()
}

async fn join(
    State(app): State<Shared>,
    headers: HeaderMap,
    b: Result<Bytes, BytesRejection>,
) -> Result<(StatusCode, Json<Joined>), ApiError> {
    require_join(&app, &headers)?;
    app.join_limiter
        .take("join", Instant::now())
        .map_err(too_many)?;
    let req: JoinRequest = parse_json(&body(b)?, "join request: {\"name\": \"...\"}")?;
    let name = req.name.trim().to_string();
    check_text("name", &name, 1, 40)?;
    if app.learner_count() >= MAX_LEARNERS {
        return Err(fail(
            StatusCode::CONFLICT,
            format!("the class is full ({MAX_LEARNERS} learners); ask the instructor"),
        ));
    }
    let random = || {
        token::random_hex().map_err(|e| {
            fail(
                StatusCode::INTERNAL_SERVER_ERROR,
                format!("making a learner id: {e}"),
            )
        })
    };
    let (id, secret) = (random()?, format!("{}{}", random()?, random()?));
    let row = LearnerRow {
        id: id.clone(),
        name,
        secret_sha256: token::digest(&secret),
        joined_at: now_ms(),
    };
    blocking(&app, move |a| a.add_learner(row)).await?;
    Ok((
        StatusCode::CREATED,
        Json(Joined {
            learner: id,
            secret,
            title: app.title.clone(),
        }),
    ))
}

async fn ping(State(app): State<Shared>, headers: HeaderMap) -> Result<Response, ApiError> {
    require_join(&app, &headers)?;
    Ok(Json(serde_json::json!({ "title": app.title })).into_response())
}

async fn me(State(app): State<Shared>, headers: HeaderMap) -> Result<Json<Me>, ApiError> {
    let (id, name) = require_learner(&app, &headers)?;
    let events = blocking(&app, move |a| a.db.event_count(&id)).await?;
    Ok(Json(Me {
        name,
        title: app.title.clone(),
        events,
    }))
}

async fn events(
    State(app): State<Shared>,
    headers: HeaderMap,
    b: Result<Bytes, BytesRejection>,
) -> Result<Json<Stored>, ApiError> {
    let (id, _) = require_learner(&app, &headers)?;
    app.limiter.take(&id, Instant::now()).map_err(too_many)?;
    let batch = parse_batch(&body(b)?)?;
    if let Some(i) = batch.events.iter().position(|e| e.learner != id) {
        return Err(ApiError {
            field: Some(format!("events[{i}].learner")),
            ..fail(
                StatusCode::FORBIDDEN,
                format!("events[{i}].learner is not the learner of this secret ({id}); a learner sends only their own events"),
            )
        });
    }
    let (stored, duplicates) = blocking(&app, move |a| a.store(&id, &batch.events)).await?;
    Ok(Json(Stored { stored, duplicates }))
}

/// `since=V`: wait until the roster's version is not `V` any more.
fn since(query: Option<&str>) -> Result<Option<u64>, ApiError> {
    let Some(q) = query.filter(|q| !q.is_empty()) else {
        return Ok(None);
    };
    match q.strip_prefix("since=").map(str::parse::<u64>) {
        Some(Ok(v)) => Ok(Some(v)),
        _ => Err(Invalid {
            field: "since".into(),
            reason: format!("{q:.40} is not since=VERSION (a whole number)"),
        }
        .into()),
    }
}

async fn roster(
    State(app): State<Shared>,
    headers: HeaderMap,
    RawQuery(q): RawQuery,
) -> Result<Response, ApiError> {
    require_admin(&app, &headers)?;
    if let Some(seen) = since(q.as_deref())? {
        let mut rx = app.version();
        if *rx.borrow_and_update() == seen {
            tokio::select! {
                _ = rx.changed() => {}
                _ = tokio::time::sleep(Duration::from_secs(10)) => {}
                _ = app.cancel.cancelled() => {}
            }
        }
    }
    let roster = blocking(&app, |a| a.roster()).await?;
    Ok(no_store(Json(roster).into_response()))
}

fn no_store(mut r: Response) -> Response {
    r.headers_mut()
        .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    r
}

async fn export_rows(app: &Shared) -> Result<Vec<export::ExportRow>, ApiError> {
    let courses = blocking(app, |a| a.courses()).await?;
    Ok(export::rows(
        courses
            .iter()
            .map(|(l, c)| (l.id.as_str(), l.name.as_str(), c)),
    ))
}

async fn export_csv(State(app): State<Shared>, headers: HeaderMap) -> Result<Response, ApiError> {
    require_admin(&app, &headers)?;
    let text = export::csv(&export_rows(&app).await?);
    Ok(no_store(
        (
            [
                (header::CONTENT_TYPE, "text/csv; charset=utf-8"),
                (
                    header::CONTENT_DISPOSITION,
                    "attachment; filename=\"class.csv\"",
                ),
            ],
            text,
        )
            .into_response(),
    ))
}

async fn export_json(State(app): State<Shared>, headers: HeaderMap) -> Result<Response, ApiError> {
    require_admin(&app, &headers)?;
    Ok(no_store(Json(export_rows(&app).await?).into_response()))
}

async fn thresholds(
    State(app): State<Shared>,
    headers: HeaderMap,
) -> Result<Json<Thresholds>, ApiError> {
    require_admin(&app, &headers)?;
    Ok(Json(app.thresholds()))
}

async fn set_thresholds(
    State(app): State<Shared>,
    headers: HeaderMap,
    b: Result<Bytes, BytesRejection>,
) -> Result<Json<Thresholds>, ApiError> {
    require_admin(&app, &headers)?;
    let t: Thresholds = parse_json(&body(b)?, "thresholds object")?;
    t.validate()?;
    blocking(&app, move |a| a.set_thresholds(t)).await?;
    Ok(Json(t))
}
