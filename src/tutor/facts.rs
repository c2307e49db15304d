//! The lesson's field names resolved against what the lab layer measured
//! ([`Facts`]). Counters read under load are their growth over
//! the run (the probe's deltas); read now, their running total.
use crate::config::KnobValue;
pub use crate::lab::{Facts, RunFacts};
use crate::lessons::{At, FieldKind, FieldRef};
use crate::load::Failure;
use crate::probe::Snapshot;

/// A field's value: a number, or a text for settings such as a port range.
#[derive(Debug, Clone, PartialEq)]
pub enum Value {
    Number(f64),
    Text(String),
}

impl Value {
    pub fn number(&self) -> Option<f64> {
        match self {
            Value::Number(n) => Some(*n),
            Value::Text(t) => t.trim().parse().ok(),
        }
    }
}

impl std::fmt::Display for Value {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Value::Number(n) if n.fract() == 0.0 && n.abs() < 1e15 => write!(f, "{}", *n as i64),
            Value::Number(n) => write!(f, "{n:.2}"),
            Value::Text(t) => f.write_str(t),
        }
    }
}

/// Why a field has no value in what was measured.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum Unreadable {
    #[error("{0} needs a load run")]
    NoRun(String),
    #[error("{0} needs a flame-graph recording under load")]
    NoFlame(String),
    #[error("{field}: {what} not read")]
    NotRead { field: String, what: String },
    #[error("{field}: nothing listens on port {port}")]
    NotListening { field: String, port: String },
    #[error("{0} is not known now (the probe could not read it)")]
    Unknown(String),
    #[error("{0} is not a figure of a load run")]
    NotALoadFigure(String),
}

/// The value of `field` read `at`, or why it cannot be read.
pub fn resolve(field: &FieldRef, at: At, facts: &Facts) -> Result<Value, Unreadable> {
    let name = field.info.name;
    let key = field.key.as_deref();
    let run = || {
        facts
            .run
            .as_ref()
            .ok_or_else(|| Unreadable::NoRun(field.to_string()))
    };
    if name.starts_with("load.") {
        return load_figure(field, run()?);
    }
    if name == "flame.share" {
        let f = key.unwrap_or_default();
        return run()?
            .flame
            .get(f)
            .map(|s| Value::Number(*s))
            .ok_or_else(|| Unreadable::NoFlame(field.to_string()));
    }
    if let Some(knob) = field.knob() {
        let knobs = facts
            .knobs
            .as_ref()
            .ok_or_else(|| not_read(field, "the server's settings were"))?;
        return match knobs.get(knob) {
            Some(KnobValue::Number(n)) => Ok(Value::Number(n as f64)),
            Some(KnobValue::Flag(b)) => Ok(Value::Number(if b { 1.0 } else { 0.0 })),
            Some(KnobValue::Text(t)) => Ok(Value::Text(t)),
            None => Err(Unreadable::Unknown(field.to_string())),
        };
    }
    // A counter under load is its growth; everything else is a snapshot value.
    let snapshot = match (field.kind(), at) {
        (FieldKind::Counter, At::Load) => &run()?.deltas,
        (_, At::Load) => &run()?.after,
        (_, At::Now) => facts
            .now
            .as_ref()
            .ok_or_else(|| not_read(field, "the server's snapshot was"))?,
    };
    snapshot_field(field, snapshot)
}

fn not_read(field: &FieldRef, what: &str) -> Unreadable {
    Unreadable::NotRead {
        field: field.to_string(),
        what: what.to_string(),
    }
}

fn snapshot_field(field: &FieldRef, s: &Snapshot) -> Result<Value, Unreadable> {
    let name = field.info.name;
    let key = field.key.as_deref().unwrap_or_default();
    let count = |n: u64| Value::Number(n as f64);
    match name {
        "sysctl" => s
            .sysctl
            .get(key)
            .map(|t| Value::Text(t.split_whitespace().collect::<Vec<_>>().join(" ")))
            .ok_or_else(|| not_read(field, &format!("{key} was"))),
        "listen.recv_q" | "listen.send_q" => s
            .listen
            .iter()
            .find(|l| l.port.to_string() == key)
            .map(|l| match name {
                "listen.recv_q" => count(l.recv_q),
                _ => count(l.send_q),
            })
            .ok_or_else(|| Unreadable::NotListening {
                field: field.to_string(),
                port: key.to_string(),
            }),
        "phpfpm.by_limit" => Ok(count(s.phpfpm.by_limit.get(key).copied().unwrap_or(0))),
        "nginx.status_counts" => Ok(count(
            s.nginx
                .status_counts
                .iter()
                .filter(|(code, _)| status_matches(code, key))
                .map(|(_, n)| *n)
                .sum(),
        )),
        _ => s
            .count(name)
            .map(count)
            .ok_or_else(|| Unreadable::Unknown(field.to_string())),
    }
}

/// `499` matches itself, `5xx` the class.
fn status_matches(code: &str, key: &str) -> bool {
    match key.strip_suffix("xx") {
        Some(class) => code.starts_with(class),
        None => code == key,
    }
}

fn load_figure(field: &FieldRef, run: &RunFacts) -> Result<Value, Unreadable> {
    let r = &run.report;
    let error = |class: Failure| r.errors.get(&class).copied().unwrap_or(0) as f64;
    let n = match field.info.name {
        "load.goodput_rps" => r.goodput_rps,
        "load.rps" => r.total_rps,
        "load.errors.connect_timeout" => error(Failure::ConnectTimeout),
        "load.errors.refused" => error(Failure::Refused),
        "load.errors.eaddrnotavail" => error(Failure::AddrNotAvail),
        "load.errors.reset" => error(Failure::Reset),
        "load.errors.request_timeout" => error(Failure::RequestTimeout),
        "load.errors.http_5xx" => r
            .status_counts
            .iter()
            .filter(|(s, _)| (500..600).contains(*s))
            .map(|(_, n)| *n as f64)
            .sum(),
        "load.error_pct" => r.error_pct(),
        "load.latency_p50_ms" => r.latency_ms.p50,
        "load.latency_p90_ms" => r.latency_ms.p90,
        "load.latency_p99_ms" => r.latency_ms.p99,
        "load.latency_max_ms" => r.latency_ms.max,
        "load.server_cpu_us_per_request" => run
            .server_cpu_us_per_request
            .ok_or_else(|| not_read(field, "the server's CPU time was"))?,
        other => return Err(Unreadable::NotALoadFigure(other.to_string())),
    };
    Ok(Value::Number(n))
}

#[cfg(test)]
#[path = "facts_tests.rs"]
mod tests;
