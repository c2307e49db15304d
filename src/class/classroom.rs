//! The learner's side as the course uses it: record an event (on disk at once,
//! sent in the background), raise or lower a hand, see what is queued.
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use tokio::sync::Notify;
use tokio_util::sync::CancellationToken;

use super::api::{self, Me};
use super::error::ClassError;
use super::event::EventKind;
use super::http::{Base, Client};
use super::membership::Membership;
use super::outbox::Outbox;
use super::sender;
use crate::tutor::progress::Progress;
use crate::ui;

/// A learner's class, once joined. Cheap to clone; every clone shares the queue.
#[derive(Clone)]
pub struct Classroom {
    inner: Arc<Inner>,
}

pub struct Inner {
    pub membership: Membership,
    pub outbox: Outbox,
    pub wake: Notify,
    /// Held while a batch is sent.
    pub sending: tokio::sync::Mutex<()>,
    /// The last send reached the server.
    pub reached: AtomicBool,
    last_note: Mutex<Option<String>>,
    warned: AtomicBool,
    hand_file: PathBuf,
}

impl Inner {
    pub fn membership_base(&self) -> Base {
        // Checked when the classroom was built.
        self.membership
            .base()
            .unwrap_or_else(|_| Base::parse("http://127.0.0.1:8470").expect("a valid URL").0)
    }

    /// Keeps the sender's latest trouble for `status` (never printed over the course).
    pub fn note(&self, text: String) {
        *self.last_note.lock().unwrap_or_else(|e| e.into_inner()) = Some(text);
    }

    pub fn queued(&self) -> usize {
        self.outbox.pending_count().unwrap_or(0)
    }
}

impl Classroom {
    /// The class of the learner whose state is in `state_dir`, or `None` when
    /// they joined none. A class that cannot be opened is reported once and
    /// the course goes on without it.
    pub fn open(state_dir: &Path) -> Option<Classroom> {
        match Classroom::load(state_dir) {
            Ok(c) => c,
            Err(e) => {
                ui::warn(&format!(
                    "the class cannot be used, the course goes on without it: {e}"
                ));
                None
            }
        }
    }

    pub fn load(state_dir: &Path) -> Result<Option<Classroom>, ClassError> {
        match Progress::load(state_dir)?.class {
            Some(m) => {
                let dir = m.queue_dir(state_dir);
                Ok(Some(Classroom::build(m, &dir)?))
            }
            None => Ok(None),
        }
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

    /// Records one event of the course. Never blocks on the network and never
    /// fails the course: a queue that cannot be written is reported once.
    pub fn record(&self, kind: EventKind, stage: u8, step: &str) {
        match self
            .inner
            .outbox
            .record(kind.fitted(), stage, &fit(step, 64))
        {
            Ok(_) => self.inner.wake.notify_one(),
            Err(e) => {
                if !self.inner.warned.swap(true, Ordering::Relaxed) {
                    ui::warn(&format!("the class will miss events of this course: {e}"));
                }
            }
        }
    }

    pub fn hand_raised(&self) -> bool {
        std::fs::read_to_string(&self.inner.hand_file).is_ok_and(|t| t.trim() == "1")
    }

    /// Raises the hand, or lowers it when it is up; returns whether it is up now.
    pub fn toggle_hand(&self, stage: u8, step: &str) -> bool {
        let raised = !self.hand_raised();
        let text = if raised { "1" } else { "0" };
        if let Err(e) = crate::engine::state::write_atomic(&self.inner.hand_file, text.as_bytes()) {
            ui::warn(&format!(
                "saving the hand's state to {}: {e}",
                self.inner.hand_file.display()
            ));
        }
        self.record(EventKind::Hand { raised }, stage, step);
        raised
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
        serde_json::from_slice(&answer.body).map_err(|e| ClassError::BadAnswer {
            op: "asking the class server about this learner",
            url: m.server.clone(),
            reason: e.to_string(),
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
