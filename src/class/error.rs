//! The learner side's errors: joining, sending, the queue on disk.
use super::event::Invalid;
use super::http::HttpError;
use super::outbox::OutboxError;

#[derive(Debug, thiserror::Error)]
pub enum ClassError {
    #[error(transparent)]
    Http(#[from] HttpError),
    #[error(transparent)]
    Outbox(#[from] OutboxError),
    #[error("saving the raised hand to {}: {source}", .path.display())]
    Hand {
        path: std::path::PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error("{op}: the class server answered {status}: {message}")]
    Refused {
        op: &'static str,
        status: u16,
        message: String,
    },
    #[error("{op}: the answer of {url} does not parse ({source}); is it a perflab class server?")]
    BadAnswer {
        op: &'static str,
        url: String,
        #[source]
        source: serde_json::Error,
    },
    #[error("{url} is not a join URL ({reason}); it looks like http://HOST:8470/join/TOKEN, as `perflab class serve` printed it")]
    BadJoinUrl { url: String, reason: String },
    #[error("--as: {0}")]
    Name(Invalid),
    #[error("reading the class membership {}: {source}", .path.display())]
    MembershipRead {
        path: std::path::PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error("{} is not a class membership perflab can read ({source}); remove it and join the class again", .path.display())]
    MembershipCorrupt {
        path: std::path::PathBuf,
        #[source]
        source: serde_json::Error,
    },
    #[error("saving the class membership to {}: {source}; is the disk full?", .path.display())]
    MembershipWrite {
        path: std::path::PathBuf,
        #[source]
        source: std::io::Error,
    },
}
