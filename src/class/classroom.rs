//! The learner's side as the course uses it: record an event (on disk at once,
//! sent in the background), raise or lower a hand, see what is queued.
use std::path::Path;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use tokio::sync::Notify;
use tokio_util::sync::CancellationToken;

use super::api::{self, Me};
use super::error::ClassError;
use super::event::EventKind;
use super::http::Client;
use super::membership::Membership;
use super::outbox::Outbox;
use super::sender;
pub use super::shared::Inner;

/// A learner's class, once joined. Cheap to clone; every clone shares the queue.
#[derive(Clone)]
pub struct Classroom {
    inner: Arc<Inner>,
}

impl Classroom {
    /// The classroom of a learner who joined `membership`, with its queue in
    /// the state directory.
    pub fn for_member(membership: Membership, state_dir: &Path) -> Result<Classroom, ClassError> {
        let dir = membership.queue_dir(state_dir);
        Classroom::build(membership, &dir)
    }

    /// A classroom with its queue in `queue_dir`.
    pub fn build(membership: Membership, queue_dir: &Path) -> Result<Classroom, ClassError> {
        membership.base()?;
        let outbox = Outbox::open(queue_dir, &membership.learner)?;
        Ok(Classroom {
            inner: Arc::new(Inner {
                membership,
                outbox,
                wake: Notify::new(),
                sending: tokio::sync::Mutex::new(()),
                reached: AtomicBool::new(false),
                last_note: Mutex::new(None),
                warned: AtomicBool::new(false),
                hand_file: queue_dir.join("hand"),
            }),
        })
    }

    pub fn membership(&self) -> &Membership {
        &self.inner.membership
    }

    /// Records one event of the course. Never blocks on the network. A queue
    /// that cannot be written is an error the first time only (for the caller to
    /// say once); the course goes on either way.
    pub fn record(&self, kind: EventKind, stage: u8, step: &str) -> Result<(), ClassError> {
        match self
            .inner
            .outbox
            .record(kind.fitted(), stage, &fit(step, 64))
        {
            Ok(_) => {
                self.inner.wake.notify_one();
                Ok(())
            }
            Err(e) if !self.inner.warned.swap(true, Ordering::Relaxed) => Err(e.into()),
            Err(e) => {
                log::debug!("the class misses an event: {e}");
                Ok(())
            }
        }
    }

    pub fn hand_raised(&self) -> bool {
        std::fs::read_to_string(&self.inner.hand_file).is_ok_and(|t| t.trim() == "1")
    }

    /// Raises the hand, or lowers it when it is up; returns whether it is up now.
    /// The hand goes up, or down when it is up; whether it is up now. The
    /// instructor sees it once the event is sent.
    pub fn toggle_hand(&self, stage: u8, step: &str) -> Result<bool, ClassError> {
        let raised = !self.hand_raised();
        let text = if raised { "1" } else { "0" };
        crate::files::write_atomic(&self.inner.hand_file, text.as_bytes()).map_err(|source| {
            ClassError::Hand {
                path: self.inner.hand_file.clone(),
                source,
            }
        })?;
        self.record(EventKind::Hand { raised }, stage, step)?;
        Ok(raised)
    }

    /// Events not yet taken by the server.
    pub fn queued(&self) -> usize {
        self.inner.queued()
    }

    /// The sender's latest trouble, if any.
    pub fn last_note(&self) -> Option<String> {
        self.inner
            .last_note
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .clone()
    }

    /// Starts the background sender on `rt`; it stops when `cancel` fires.
    pub fn start_sender(
        &self,
        rt: &tokio::runtime::Handle,
        cancel: CancellationToken,
    ) -> tokio::task::JoinHandle<()> {
        rt.spawn(sender::run(self.inner.clone(), cancel))
    }

    /// Sends what is queued, for at most `within`; returns how many events are
    /// still queued.
    pub async fn flush(&self, within: Duration) -> usize {
        sender::flush(&self.inner, within).await
    }

    /// Asks the server what it holds of this learner (for `perflab status`).
    pub async fn reach(&self, within: Duration) -> Result<Me, ClassError> {
        let m = &self.inner.membership;
        let mut client = Client::new(m.base()?, within);
        let auth = m.auth();
        let headers: Vec<(&str, &str)> = auth.iter().map(|(k, v)| (*k, v.as_str())).collect();
        let answer = client.request("GET", api::ME, &headers, Vec::new()).await?;
        if answer.status != 200 {
            return Err(ClassError::Refused {
                op: "asking the class server about this learner",
                status: answer.status,
                message: answer.message(),
            });
        }
        serde_json::from_slice(&answer.body).map_err(|source| ClassError::BadAnswer {
            op: "asking the class server about this learner",
            url: m.server.clone(),
            source,
        })
    }

    /// Leaves the class: the queue is deleted; returns how many events it held.
    pub fn remove_queue(self) -> Result<usize, ClassError> {
        let dir = self.inner.outbox.dir().to_path_buf();
        let n = self.queued();
        std::fs::remove_dir_all(&dir).map_err(|source| {
            ClassError::Outbox(super::outbox::OutboxError::Io {
                op: "removing",
                path: dir.clone(),
                source,
            })
        })?;
        Ok(n)
    }
}

/// At most `max` characters, control characters made spaces: what the server
/// accepts, so that a long step name costs a few letters, not the event.
pub fn fit(text: &str, max: usize) -> String {
    text.chars()
        .map(|c| if c.is_control() { ' ' } else { c })
        .take(max)
        .collect()
}

impl EventKind {
    /// The same event with every text within the server's limits.
    pub fn fitted(self) -> EventKind {
        match self {
            EventKind::Answer { question, right } => EventKind::Answer {
                question: fit(&question, 80),
                right,
            },
            EventKind::CheckFailed {
                predicate,
                observed,
                expected,
            } => EventKind::CheckFailed {
                predicate: fit(&predicate, 200),
                observed: fit(&observed, 200),
                expected: fit(&expected, 200),
            },
            other => other,
        }
    }
}
