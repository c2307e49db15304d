//! The state a classroom shares with its background sender: the membership,
//! the queue on disk, and what the sender last saw.
use std::path::PathBuf;
use std::sync::atomic::AtomicBool;
use std::sync::Mutex;

use tokio::sync::Notify;

use super::http::Base;
use super::membership::Membership;
use super::outbox::Outbox;

pub struct Inner {
    pub membership: Membership,
    pub outbox: Outbox,
    pub wake: Notify,
    /// Held while a batch is sent.
    pub sending: tokio::sync::Mutex<()>,
    /// The last send reached the server.
    pub reached: AtomicBool,
    pub last_note: Mutex<Option<String>>,
    pub warned: AtomicBool,
    pub hand_file: PathBuf,
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
