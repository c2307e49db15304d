//! The learner's queue of events not yet taken by the class server: one file per
//! event in the state directory, written atomically before `record` returns, so
//! that a crash, a closed laptop or a server that is down loses nothing. The
//! sender removes a file only once the server has answered that it holds it.
//!
//! Layout of the queue's directory: `queue/<seq>-<id>.json` (the pending events,
//! in order by name), `seq` (the last counter used), `lock` (taken while an
//! event is numbered, so two perflab processes never share a counter) and
//! `rejected/` (events the server refused as invalid, kept for a bug report).
use std::path::{Path, PathBuf};

use super::event::{Event, EventKind};
use super::token;

#[derive(Debug, thiserror::Error)]
pub enum OutboxError {
    #[error("{op} {path}: {source}; is the disk full or the state directory read-only?")]
    Io {
        op: &'static str,
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("making an event id: {0}; the system's random source failed")]
    Random(getrandom::Error),
    #[error("an event the class server would refuse: {0}")]
    Invalid(#[from] super::event::Invalid),
}

pub struct Outbox {
    dir: PathBuf,
    learner: String,
}

fn io<'a>(op: &'static str, path: &'a Path) -> impl FnOnce(std::io::Error) -> OutboxError + 'a {
    move |source| OutboxError::Io {
        op,
        path: path.to_path_buf(),
        source,
    }
}

/// The seq and id of a queue file's name, `<seq>-<id>.json`.
fn parse_name(name: &str) -> Option<(u64, &str)> {
    let (seq, id) = name.strip_suffix(".json")?.split_once('-')?;
    Some((seq.parse().ok()?, id))
}

pub fn now_ms() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_millis() as i64)
        .unwrap_or(0)
}

impl Outbox {
    /// Opens (creating) the queue of `learner` in `dir`.
    pub fn open(dir: &Path, learner: &str) -> Result<Outbox, OutboxError> {
        let q = dir.join("queue");
        std::fs::create_dir_all(&q).map_err(io("creating", &q))?;
        let outbox = Outbox {
            dir: dir.to_path_buf(),
            learner: learner.to_string(),
        };
        // A crash between writing an event and its counter leaves the counter
        // behind: catch it up now, before a sender can remove that event.
        let _lock = outbox.lock()?;
        let last = outbox.last_seq()?;
        outbox.write_seq(last)?;
        Ok(outbox)
    }

    pub fn dir(&self) -> &Path {
        &self.dir
    }

    pub fn learner(&self) -> &str {
        &self.learner
    }

    fn queue(&self) -> PathBuf {
        self.dir.join("queue")
    }

    fn lock(&self) -> Result<std::fs::File, OutboxError> {
        use std::os::fd::AsRawFd;
        let path = self.dir.join("lock");
        let file = std::fs::OpenOptions::new()
            .create(true)
            .truncate(false)
            .write(true)
            .open(&path)
            .map_err(io("opening", &path))?;
        // SAFETY: flock on a descriptor we own; the kernel drops it with the file.
        if unsafe { libc::flock(file.as_raw_fd(), libc::LOCK_EX) } != 0 {
            return Err(io("locking", &path)(std::io::Error::last_os_error()));
        }
        Ok(file)
    }

    fn names(&self) -> Result<Vec<(u64, String, PathBuf)>, OutboxError> {
        let q = self.queue();
        let mut out = Vec::new();
        for entry in std::fs::read_dir(&q).map_err(io("reading", &q))? {
            let entry = entry.map_err(io("reading", &q))?;
            let name = entry.file_name().to_string_lossy().into_owned();
            if let Some((seq, id)) = parse_name(&name) {
                out.push((seq, id.to_string(), entry.path()));
            }
        }
        out.sort_by_key(|(seq, _, _)| *seq);
        Ok(out)
    }

    fn last_seq(&self) -> Result<u64, OutboxError> {
        let path = self.dir.join("seq");
        let stored = match std::fs::read_to_string(&path) {
            Ok(t) => t.trim().parse().unwrap_or(0),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => 0,
            Err(e) => return Err(io("reading", &path)(e)),
        };
        let queued = self.names()?.last().map_or(0, |(s, _, _)| *s);
        Ok(stored.max(queued))
    }

    /// Atomic but not synced: the queue's own files are, and after a power
    /// loss the counter is caught up from them (see `open`). A sync here would
    /// double the cost of every `record`.
    fn write_seq(&self, seq: u64) -> Result<(), OutboxError> {
        let path = self.dir.join("seq");
        let tmp = self.dir.join("seq.tmp");
        std::fs::write(&tmp, seq.to_string())
            .and_then(|()| std::fs::rename(&tmp, &path))
            .map_err(io("writing", &path))
    }

    /// Numbers, stamps and stores one event; it is on disk when this returns.
    pub fn record(&self, kind: EventKind, stage: u8, step: &str) -> Result<Event, OutboxError> {
        let id = token::random_hex().map_err(OutboxError::Random)?;
        let _lock = self.lock()?;
        let seq = self.last_seq()? + 1;
        let event = Event {
            id,
            learner: self.learner.clone(),
            seq,
            at: now_ms(),
            stage,
            step: step.to_string(),
            kind,
        };
        event.validate("event")?;
        let path = self.queue().join(format!("{seq:020}-{}.json", event.id));
        let text = serde_json::to_vec(&event).expect("an event serializes");
        crate::files::write_atomic(&path, &text).map_err(io("writing", &path))?;
        self.write_seq(seq)?;
        Ok(event)
    }

    /// The events not yet taken by the server, oldest first. A file that does
    /// not parse (edited by hand?) is moved to `rejected/` so it cannot block
    /// the queue.
    pub fn pending(&self) -> Result<Vec<Event>, OutboxError> {
        self.oldest(usize::MAX)
    }

    /// The `limit` oldest pending events: what one batch can take, without
    /// reading a long queue whole after an outage.
    pub fn oldest(&self, limit: usize) -> Result<Vec<Event>, OutboxError> {
        let mut out = Vec::new();
        for (_, _, path) in self.names()? {
            if out.len() == limit {
                break;
            }
            let text = match std::fs::read(&path) {
                Ok(t) => t,
                // Acked by a sender in another process meanwhile.
                Err(e) if e.kind() == std::io::ErrorKind::NotFound => continue,
                Err(e) => return Err(io("reading", &path)(e)),
            };
            match serde_json::from_slice::<Event>(&text) {
                Ok(e) => out.push(e),
                Err(_) => self.set_aside(&path)?,
            }
        }
        Ok(out)
    }

    pub fn pending_count(&self) -> Result<usize, OutboxError> {
        Ok(self.names()?.len())
    }

    /// Removes the events the server holds.
    pub fn ack(&self, ids: &[String]) -> Result<(), OutboxError> {
        for (_, id, path) in self.names()? {
            if ids.contains(&id) {
                match std::fs::remove_file(&path) {
                    Err(e) if e.kind() != std::io::ErrorKind::NotFound => {
                        return Err(io("removing", &path)(e))
                    }
                    _ => {}
                }
            }
        }
        Ok(())
    }

    /// Moves an event the server refused out of the queue, into `rejected/`.
    pub fn reject(&self, id: &str) -> Result<(), OutboxError> {
        for (_, name_id, path) in self.names()? {
            if name_id == id {
                self.set_aside(&path)?;
            }
        }
        Ok(())
    }

    fn set_aside(&self, path: &Path) -> Result<(), OutboxError> {
        let aside = self.dir.join("rejected");
        std::fs::create_dir_all(&aside).map_err(io("creating", &aside))?;
        let to = aside.join(path.file_name().unwrap_or_default());
        std::fs::rename(path, &to).map_err(io("moving", path))
    }

    /// Deletes the whole queue; returns how many events it still held.
    pub fn remove_all(self) -> Result<usize, OutboxError> {
        let n = self.pending_count()?;
        std::fs::remove_dir_all(&self.dir).map_err(io("removing", &self.dir))?;
        Ok(n)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn temp(name: &str) -> PathBuf {
        let d = std::env::temp_dir().join(format!("perflab-outbox-{name}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&d);
        d
    }

    #[test]
    fn records_in_order_and_acks() {
        let dir = temp("order");
        let learner = "0".repeat(32);
        let ob = Outbox::open(&dir, &learner).unwrap();
        let a = ob.record(EventKind::StepStarted, 0, "read").unwrap();
        let b = ob.record(EventKind::StepDone, 0, "read").unwrap();
        assert_eq!((a.seq, b.seq), (1, 2));
        assert_ne!(a.id, b.id);
        assert_eq!(ob.pending().unwrap(), vec![a.clone(), b.clone()]);
        assert_eq!(ob.oldest(1).unwrap(), vec![a.clone()]);
        ob.ack(std::slice::from_ref(&a.id)).unwrap();
        assert_eq!(ob.pending().unwrap(), vec![b.clone()]);
        // The counter survives a reopen even when the queue is empty.
        ob.ack(&[b.id]).unwrap();
        let ob = Outbox::open(&dir, &learner).unwrap();
        assert_eq!(
            ob.record(EventKind::CheckPassed, 1, "check").unwrap().seq,
            3
        );
        assert_eq!(ob.remove_all().unwrap(), 1);
        assert!(!dir.exists());
    }

    #[test]
    fn a_counter_behind_its_queue_is_caught_up() {
        let dir = temp("catchup");
        let ob = Outbox::open(&dir, &"1".repeat(32)).unwrap();
        ob.record(EventKind::StepStarted, 0, "read").unwrap();
        ob.record(EventKind::StepStarted, 0, "read").unwrap();
        std::fs::write(dir.join("seq"), "1").unwrap();
        let ob = Outbox::open(&dir, &"1".repeat(32)).unwrap();
        assert_eq!(std::fs::read_to_string(dir.join("seq")).unwrap(), "2");
        assert_eq!(ob.record(EventKind::StepDone, 0, "read").unwrap().seq, 3);
        std::fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn an_unreadable_file_is_set_aside() {
        let dir = temp("aside");
        let ob = Outbox::open(&dir, &"2".repeat(32)).unwrap();
        let e = ob.record(EventKind::StepStarted, 0, "read").unwrap();
        std::fs::write(dir.join("queue").join(format!("{:020}-x.json", 9)), "{oops").unwrap();
        assert_eq!(ob.pending().unwrap(), vec![e.clone()]);
        assert_eq!(std::fs::read_dir(dir.join("rejected")).unwrap().count(), 1);
        ob.reject(&e.id).unwrap();
        assert!(ob.pending().unwrap().is_empty());
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
