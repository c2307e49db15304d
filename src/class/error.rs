//! The learner side's errors: joining, sending, the queue on disk.
use super::event::Invalid;
use super::http::HttpError;
use super::outbox::OutboxError;
use crate::tutor::progress::ProgressError;

#[derive(Debug, thiserror::Error)]
pub enum ClassError {
    #[error(transparent)]
    Http(#[from] HttpError),
    #[error(transparent)]
    Outbox(#[from] OutboxError),
    #[error(transparent)]
    Progress(#[from] ProgressError),
    #[error("{op}: the class server answered {status}: {message}")]
    Refused {
        op: &'static str,
        status: u16,
        message: String,
    },
    #[error("{op}: the answer of {url} does not parse ({reason}); is it a perflab class server?")]
    BadAnswer {
        op: &'static str,
        url: String,
        reason: String,
    },
    #[error("{url} is not a join URL ({reason}); it looks like http://HOST:8470/join/TOKEN, as `perflab class serve` printed it")]
    BadJoinUrl { url: String, reason: String },
    #[error("--as: {0}")]
    Name(Invalid),
}
