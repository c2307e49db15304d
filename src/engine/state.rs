//! The lab lock in perflab's state directory: one command at a time changes the lab.
use std::io::Write;
use std::os::fd::AsRawFd;
use std::path::{Path, PathBuf};

/// Why the lock was not taken.
#[derive(Debug, thiserror::Error)]
pub enum LockError {
    #[error("the lab is in use by another perflab command ({holder}); wait for it to finish")]
    Busy { holder: String },
    #[error("opening the lab lock {path}: {source}; check that the state directory is writable")]
    Open {
        path: PathBuf,
        source: std::io::Error,
    },
}

/// An exclusive lock on the lab for commands that change it (`up`, `down`, fixes).
/// Held until dropped; the kernel releases it if the process dies.
pub struct LabLock {
    _file: std::fs::File,
}

impl LabLock {
    /// Takes the lock in `state_dir` (created if needed), or says who holds it.
    pub fn acquire(state_dir: &Path) -> Result<LabLock, LockError> {
        let path = state_dir.join("lab.lock");
        let open = |source| LockError::Open {
            path: path.clone(),
            source,
        };
        std::fs::create_dir_all(state_dir).map_err(open)?;
        let file = std::fs::OpenOptions::new()
            .create(true)
            .truncate(false)
            .read(true)
            .write(true)
            .open(&path)
            .map_err(open)?;
        // SAFETY: flock on a file descriptor we own.
        let rc = unsafe { libc::flock(file.as_raw_fd(), libc::LOCK_EX | libc::LOCK_NB) };
        if rc != 0 {
            let holder = std::fs::read_to_string(&path).unwrap_or_default();
            let holder = holder
                .trim()
                .trim_start_matches("pid ")
                .split_whitespace()
                .next()
                .map(|p| format!("pid {p}"))
                .unwrap_or_else(|| "unknown pid".into());
            return Err(LockError::Busy { holder });
        }
        // The pid only helps a second command name the holder; the lock holds without it.
        if let Err(e) = file
            .set_len(0)
            .and_then(|()| (&file).write_all(format!("pid {}\n", std::process::id()).as_bytes()))
        {
            log::debug!("writing the pid to {}: {e}", path.display());
        }
        Ok(LabLock { _file: file })
    }
}
