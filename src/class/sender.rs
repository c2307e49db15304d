//! Sends the queue to the class server, oldest first, in batches: a background
//! task for the course (it backs off while the server is down and never holds
//! up the learner) and a flush with a deadline for the end of a course and for
//! tests. One send at a time per learner, so a flush and the background task
//! never race for the same events (and if a send is cut off after the server
//! stored it, the server recognises the events again by their ids).
use std::sync::atomic::Ordering;
use std::time::Duration;

use tokio_util::sync::CancellationToken;

use super::api::{self, Stored};
use super::event::{Event, MAX_BATCH};
use super::http::{Client, HttpError};
use super::outbox::OutboxError;
use super::shared::Inner;

/// Batches stay well under the server's 64 KiB body limit.
const BATCH_BYTES: usize = 48 * 1024;
const MIN_BACKOFF: Duration = Duration::from_millis(250);
const MAX_BACKOFF: Duration = Duration::from_secs(10);
/// A server that refuses this learner (a new class in its place?) is asked
/// again only this often.
const REFUSED_BACKOFF: Duration = Duration::from_secs(60);
/// How long one request may take.
pub const REQUEST_TIMEOUT: Duration = Duration::from_secs(5);

#[derive(Debug, thiserror::Error)]
pub enum SendError {
    #[error(transparent)]
    Http(#[from] HttpError),
    #[error(transparent)]
    Outbox(#[from] OutboxError),
    #[error("the class server is busy; it asked to wait {0:?}")]
    Busy(Duration),
    #[error("the class server refused this learner ({status}: {message}); `perflab class leave` and join again")]
    Refused { status: u16, message: String },
    #[error("the class server failed ({status}: {message})")]
    Server { status: u16, message: String },
}

impl SendError {
    fn wait(&self, backoff: Duration) -> Duration {
        match self {
            SendError::Busy(d) => (*d).max(MIN_BACKOFF),
            SendError::Refused { .. } => REFUSED_BACKOFF,
            _ => backoff,
        }
    }
}

/// The oldest events that fit in one request, and the request's body.
fn batch(pending: &[Event]) -> (Vec<&Event>, Vec<u8>) {
    let mut body = b"{\"events\":[".to_vec();
    let mut taken = Vec::new();
    for e in pending.iter().take(MAX_BATCH) {
        let text = serde_json::to_vec(e).expect("an event serializes");
        if !taken.is_empty() && body.len() + text.len() + 3 > BATCH_BYTES {
            break;
        }
        if !taken.is_empty() {
            body.push(b',');
        }
        body.extend_from_slice(&text);
        taken.push(e);
    }
    body.extend_from_slice(b"]}");
    (taken, body)
}

/// The index of the event a 400 names (`events[3].stage` → 3).
fn named_event(field: Option<&str>) -> Option<usize> {
    field?
        .strip_prefix("events[")?
        .split(']')
        .next()?
        .parse()
        .ok()
}

/// Sends one batch; returns how many events left the queue (0: it is empty).
pub async fn send_once(inner: &Inner, client: &mut Client) -> Result<usize, SendError> {
    let _one_at_a_time = inner.sending.lock().await;
    let pending = inner.outbox.oldest(MAX_BATCH)?;
    if pending.is_empty() {
        return Ok(0);
    }
    let (taken, body) = batch(&pending);
    let auth = inner.membership.auth();
    let headers: Vec<(&str, &str)> = auth.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let answer = client.request("POST", api::EVENTS, &headers, body).await?;
    match answer.status {
        200 => {
            // The answer's counts are for the record; the status says it is stored.
            let _: Option<Stored> = serde_json::from_slice(&answer.body).ok();
            let ids: Vec<String> = taken.iter().map(|e| e.id.clone()).collect();
            inner.outbox.ack(&ids)?;
            Ok(ids.len())
        }
        400 => {
            // An event the server will never take: set it aside, keep the rest moving.
            let field = serde_json::from_slice::<serde_json::Value>(&answer.body)
                .ok()
                .and_then(|v| v.get("field")?.as_str().map(str::to_string));
            let i = named_event(field.as_deref())
                .unwrap_or(0)
                .min(taken.len() - 1);
            inner.outbox.reject(&taken[i].id)?;
            inner.note(format!(
                "the class server refused an event ({}); it was set aside in {}",
                answer.message(),
                inner.outbox.dir().join("rejected").display()
            ));
            Ok(1)
        }
        429 => Err(SendError::Busy(Duration::from_secs(1))),
        401 | 403 => Err(SendError::Refused {
            status: answer.status,
            message: answer.message(),
        }),
        status => Err(SendError::Server {
            status,
            message: answer.message(),
        }),
    }
}

/// The background sender: sends whenever there is something queued.
pub async fn run(inner: std::sync::Arc<Inner>, cancel: CancellationToken) {
    let mut client = Client::new(inner.membership_base(), REQUEST_TIMEOUT);
    let mut backoff = MIN_BACKOFF;
    loop {
        let result = tokio::select! {
            r = send_once(&inner, &mut client) => r,
            _ = cancel.cancelled() => return,
        };
        let wait = match result {
            Ok(0) => {
                backoff = MIN_BACKOFF;
                tokio::select! {
                    _ = inner.wake.notified() => {}
                    _ = tokio::time::sleep(Duration::from_secs(30)) => {}
                    _ = cancel.cancelled() => return,
                }
                continue;
            }
            Ok(_) => {
                backoff = MIN_BACKOFF;
                inner.reached.store(true, Ordering::Relaxed);
                continue;
            }
            Err(e) => {
                inner.reached.store(false, Ordering::Relaxed);
                let wait = e.wait(backoff);
                inner.note(e.to_string());
                backoff = (backoff * 2).min(MAX_BACKOFF);
                wait
            }
        };
        tokio::select! {
            _ = tokio::time::sleep(wait) => {}
            _ = cancel.cancelled() => return,
        }
    }
}

/// Sends until the queue is empty or `within` has passed; returns how many
/// events are still queued.
pub async fn flush(inner: &Inner, within: Duration) -> usize {
    let deadline = tokio::time::Instant::now() + within;
    let mut client = Client::new(inner.membership_base(), REQUEST_TIMEOUT);
    let work = async {
        loop {
            match send_once(inner, &mut client).await {
                Ok(0) => return,
                Ok(_) => inner.reached.store(true, Ordering::Relaxed),
                Err(e) => {
                    inner.reached.store(false, Ordering::Relaxed);
                    let wait = e.wait(MIN_BACKOFF).min(Duration::from_secs(1));
                    inner.note(e.to_string());
                    tokio::time::sleep(wait).await;
                }
            }
        }
    };
    // Cut off at the deadline, a request in flight is sent again later.
    let _in_time = tokio::time::timeout_at(deadline, work).await;
    inner.queued()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::class::event::EventKind;

    fn event(seq: u64, step: String) -> Event {
        Event {
            id: format!("{seq:032x}"),
            learner: "a".repeat(32),
            seq,
            at: 1_700_000_000_000,
            stage: 0,
            step,
            kind: EventKind::StepStarted,
        }
    }

    #[test]
    fn batches_are_bounded_in_count_and_bytes() {
        let small: Vec<Event> = (1..=250).map(|i| event(i, "read".into())).collect();
        let (taken, body) = batch(&small);
        assert_eq!(taken.len(), MAX_BATCH);
        let parsed = crate::class::event::parse_batch(&body).unwrap();
        assert_eq!(parsed.events.len(), MAX_BATCH);
        assert_eq!(parsed.events[0].seq, 1);
        let big: Vec<Event> = (1..=100).map(|i| event(i, "x".repeat(64))).collect();
        let mut big = big;
        for e in &mut big {
            e.kind = EventKind::CheckFailed {
                predicate: "p".repeat(200),
                observed: "o".repeat(200),
                expected: "e".repeat(200),
            };
        }
        let (taken, body) = batch(&big);
        assert!(body.len() <= BATCH_BYTES, "{}", body.len());
        assert!(taken.len() < 100 && !taken.is_empty());
    }

    #[test]
    fn finds_the_event_a_refusal_names() {
        assert_eq!(named_event(Some("events[3].stage")), Some(3));
        assert_eq!(named_event(Some("events[12]")), Some(12));
        assert_eq!(named_event(Some("body")), None);
        assert_eq!(named_event(None), None);
    }
}
