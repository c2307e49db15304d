//! The class server's paths and headers, shared by the server and its clients.
//!
//! | method and path          | who      | what |
//! |--------------------------|----------|------|
//! | `GET /`                  | anyone   | the roster page (data only with the admin token, which the page reads from its `#admin=` fragment) |
//! | `GET /join/{token}`      | anyone   | a short text telling a learner what to run with that URL |
//! | `POST /api/join`         | join     | `{"name"}` → `{"learner", "secret", "title"}` |
//! | `GET /api/ping`          | join     | `{"title"}`: the join token is right and the server answers |
//! | `GET /api/me`            | learner  | `{"name", "events"}`: what the server holds of this learner |
//! | `POST /api/events`       | learner  | a [`Batch`](super::event::Batch) → `{"stored", "duplicates"}` |
//! | `GET /api/roster?since=V`| admin    | the roster; waits (up to 10 s) until its version passes `V` |
//! | `GET /api/export.csv`    | admin    | one row per learner per stage |
//! | `GET /api/export.json`   | admin    | the same rows as JSON |
//! | `GET /api/thresholds`    | admin    | the stuck thresholds |
//! | `PUT /api/thresholds`    | admin    | sets them: `{"step_minutes", "check_failures", "hints"}` |
//!
//! "join" is `Authorization: Bearer <join token>`; "learner" is that plus
//! `X-Perflab-Learner: <id>` and `X-Perflab-Secret: <secret>`; "admin" is
//! `Authorization: Bearer <admin token>`. Errors are `{"error": "...", "field": ...}`
//! with a 4xx status: 400 malformed or out of limits (the field is named), 401
//! a wrong token, 403 a learner secret that is not this learner's, 413 a body
//! over 64 KiB, 429 too many requests (with `Retry-After`).
pub const JOIN: &str = "/api/join";
pub const PING: &str = "/api/ping";
pub const ME: &str = "/api/me";
pub const EVENTS: &str = "/api/events";
pub const ROSTER: &str = "/api/roster";
pub const EXPORT_CSV: &str = "/api/export.csv";
pub const EXPORT_JSON: &str = "/api/export.json";
pub const THRESHOLDS: &str = "/api/thresholds";

pub const LEARNER_HEADER: &str = "x-perflab-learner";
pub const SECRET_HEADER: &str = "x-perflab-secret";

/// The largest request body the server reads.
pub const MAX_BODY: usize = 64 * 1024;

#[derive(Debug, Clone, serde::Serialize, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct JoinRequest {
    pub name: String,
}

#[derive(Debug, Clone, serde::Serialize, serde::Deserialize)]
pub struct Joined {
    pub learner: String,
    pub secret: String,
    pub title: String,
}

#[derive(Debug, Clone, serde::Serialize, serde::Deserialize)]
pub struct Stored {
    pub stored: usize,
    pub duplicates: usize,
}

#[derive(Debug, Clone, serde::Serialize, serde::Deserialize)]
pub struct Me {
    pub name: String,
    pub title: String,
    pub events: u64,
}

pub fn bearer(token: &str) -> String {
    format!("Bearer {token}")
}
