//! Classroom workshops: the instructor's live roster and the learners' events.
//!
//! The instructor runs `perflab class serve` ([`server`]): an HTTP server with
//! the class in SQLite, a roster page and CSV/JSON export. A learner runs
//! `perflab class join URL --as NAME` once ([`join`]); the membership is kept
//! in their progress file, and from then on their course sends its events.
//!
//! # The course's API (learner side)
//!
//! ```text
//! // Once, when the course starts, with the membership from the progress:
//! let class = perflab::class::Classroom::for_member(membership, &state_dir)?;
//! let _sender = class.as_ref().map(|c| c.start_sender(&runtime_handle, cancel.clone()));
//!
//! // Anywhere in the (synchronous) tutor; returns at once; an error only the
//! // first time the queue cannot be written (the course says so once):
//! c.record(EventKind::StepStarted, stage, "investigate");
//! c.record(EventKind::Answer { question: "q1".into(), right: false }, stage, step);
//! c.record(EventKind::Hint { level: 2 }, stage, step);
//! c.record(EventKind::CheckFailed { predicate, observed, expected }, stage, "check");
//! c.record(EventKind::CheckPassed, stage, "check");
//! c.record(EventKind::Measured { goodput_before: Some(120.0), goodput_after: None,
//!                                p99_before_ms: Some(900.0), p99_after_ms: None }, stage, "measure");
//! c.record(EventKind::StageDone { status: StageOutcome::Done }, stage, "done");
//! // `hand` at a prompt: raises the hand, or lowers it; tell the learner which.
//! let up: bool = c.toggle_hand(stage, step)?;
//!
//! // At the end of the course (async; gives up after the deadline, and what is
//! // left is sent by the next run):
//! let still_queued = c.flush(Duration::from_secs(5)).await;
//! ```
//!
//! `record` writes the event to the queue in the state directory
//! (`class/<learner>/queue/`) before it returns and wakes the sender; texts are
//! cut to the server's limits. The sender backs off while the server is down
//! and sends again when it answers; the server drops duplicates by event id, so
//! nothing is lost and nothing counted twice. The sender never prints: its
//! latest trouble is in [`Classroom::last_note`], for `perflab status`.
pub mod api;
pub mod bench;
mod classroom;
mod error;
pub mod event;
pub mod http;
mod membership;
pub mod outbox;
mod sender;
mod shared;
pub mod server;
pub mod token;

pub use classroom::{fit, Classroom};
pub use error::ClassError;
pub use event::{Event, EventKind, StageOutcome};
pub use membership::{join, parse_join_url, Membership};
pub use sender::{SendError, REQUEST_TIMEOUT};
