//! The events a learner's course sends to the class server, and the limits the
//! server holds every one of them to. The wire format is strict (unknown fields
//! are refused) so that a typo in a client shows up as a 400, not as a silently
//! empty roster.
use serde::{Deserialize, Serialize};

/// The last stage of the course.
pub const MAX_STAGE: u8 = 6;
/// The most events one request may carry.
pub const MAX_BATCH: usize = 100;

/// One thing that happened in a learner's course.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Event {
    /// 128 random bits in hex: the key the server deduplicates by.
    pub id: String,
    pub learner: String,
    /// The learner's own counter, from 1: the order the events happened in.
    pub seq: u64,
    /// When it happened, in Unix milliseconds (the learner's clock).
    pub at: i64,
    pub stage: u8,
    pub step: String,
    pub kind: EventKind,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case", deny_unknown_fields)]
pub enum EventKind {
    StepStarted,
    StepDone,
    Answer {
        question: String,
        right: bool,
    },
    Hint {
        level: u32,
    },
    CheckFailed {
        predicate: String,
        observed: String,
        expected: String,
    },
    CheckPassed,
    /// A measure's figures; a figure not measured yet is left out.
    Measured {
        goodput_before: Option<f64>,
        goodput_after: Option<f64>,
        p99_before_ms: Option<f64>,
        p99_after_ms: Option<f64>,
    },
    Hand {
        raised: bool,
    },
    StageDone {
        status: StageOutcome,
    },
    ChallengeScore {
        score: u32,
        seconds: u32,
    },
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum StageOutcome {
    Done,
    Skipped,
}

/// What a batch of events is sent as.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Batch {
    pub events: Vec<Event>,
}

/// A field outside its limits: the field's path and what is accepted.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{field}: {reason}")]
pub struct Invalid {
    pub field: String,
    pub reason: String,
}

fn invalid(field: impl Into<String>, reason: impl Into<String>) -> Invalid {
    Invalid {
        field: field.into(),
        reason: reason.into(),
    }
}

/// A string of `min..=max` characters, none of them a control character.
pub fn check_text(field: &str, value: &str, min: usize, max: usize) -> Result<(), Invalid> {
    let n = value.chars().count();
    if n < min || n > max {
        return Err(invalid(
            field,
            format!("{n} characters; {min} to {max} are accepted"),
        ));
    }
    if let Some(c) = value.chars().find(|c| c.is_control()) {
        return Err(invalid(
            field,
            format!("contains the control character {c:?}; only printable text is accepted"),
        ));
    }
    Ok(())
}

/// Exactly 32 lowercase hex digits: a 128-bit id.
pub fn check_id(field: &str, value: &str) -> Result<(), Invalid> {
    if value.len() == 32
        && value
            .bytes()
            .all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f'))
    {
        Ok(())
    } else {
        Err(invalid(
            field,
            "not an id; 32 lowercase hex digits are accepted",
        ))
    }
}

fn check_figure(field: &str, value: Option<f64>) -> Result<(), Invalid> {
    match value {
        Some(v) if !(v.is_finite() && (0.0..=1e9).contains(&v)) => Err(invalid(
            field,
            format!("{v} is out of range; 0 to 1e9 is accepted"),
        )),
        _ => Ok(()),
    }
}

/// Unix milliseconds from 2001 to 2999: anything else is a broken clock or a bug.
const AT_RANGE: std::ops::RangeInclusive<i64> = 1_000_000_000_000..=32_503_680_000_000;

impl Event {
    /// Checks every field against its limits; `path` prefixes the field names
    /// (`events[3]`), so the message points at the value.
    pub fn validate(&self, path: &str) -> Result<(), Invalid> {
        let f = |name: &str| format!("{path}.{name}");
        check_id(&f("id"), &self.id)?;
        check_id(&f("learner"), &self.learner)?;
        if self.seq == 0 {
            return Err(invalid(f("seq"), "0; counting starts at 1"));
        }
        if !AT_RANGE.contains(&self.at) {
            return Err(invalid(
                f("at"),
                format!(
                    "{} is not a time in Unix milliseconds from 2001 to 2999",
                    self.at
                ),
            ));
        }
        if self.stage > MAX_STAGE {
            return Err(invalid(
                f("stage"),
                format!("{}; stages 0 to {MAX_STAGE} are accepted", self.stage),
            ));
        }
        check_text(&f("step"), &self.step, 1, 64)?;
        let k = |name: &str| format!("{path}.kind.{name}");
        match &self.kind {
            EventKind::Answer { question, .. } => check_text(&k("question"), question, 1, 80),
            EventKind::Hint { level } if !(1..=20).contains(level) => Err(invalid(
                k("level"),
                format!("{level}; levels 1 to 20 are accepted"),
            )),
            EventKind::CheckFailed {
                predicate,
                observed,
                expected,
            } => {
                check_text(&k("predicate"), predicate, 1, 200)?;
                check_text(&k("observed"), observed, 0, 200)?;
                check_text(&k("expected"), expected, 0, 200)
            }
            EventKind::Measured {
                goodput_before,
                goodput_after,
                p99_before_ms,
                p99_after_ms,
            } => {
                check_figure(&k("goodput_before"), *goodput_before)?;
                check_figure(&k("goodput_after"), *goodput_after)?;
                check_figure(&k("p99_before_ms"), *p99_before_ms)?;
                check_figure(&k("p99_after_ms"), *p99_after_ms)
            }
            EventKind::ChallengeScore { score, seconds } => {
                if *score > 1_000_000 {
                    return Err(invalid(
                        k("score"),
                        format!("{score}; 0 to 1000000 is accepted"),
                    ));
                }
                if *seconds > 7 * 86_400 {
                    return Err(invalid(
                        k("seconds"),
                        format!("{seconds}; 0 to 604800 (a week) is accepted"),
                    ));
                }
                Ok(())
            }
            _ => Ok(()),
        }
    }
}

/// Parses and checks a batch: a message naming the field on any fault.
pub fn parse_batch(body: &[u8]) -> Result<Batch, Invalid> {
    let de = &mut serde_json::Deserializer::from_slice(body);
    let batch: Batch = serde_path_to_error::deserialize(de).map_err(|e| {
        let path = e.path().to_string();
        let field = if path == "." { "body".into() } else { path };
        invalid(field, format!("{} (not a valid event batch)", e.inner()))
    })?;
    if batch.events.is_empty() || batch.events.len() > MAX_BATCH {
        return Err(invalid(
            "events",
            format!(
                "{} events; 1 to {MAX_BATCH} a request are accepted",
                batch.events.len()
            ),
        ));
    }
    for (i, e) in batch.events.iter().enumerate() {
        e.validate(&format!("events[{i}]"))?;
    }
    Ok(batch)
}

#[cfg(test)]
#[path = "event_tests.rs"]
mod tests;
