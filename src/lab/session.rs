//! One way to open a lab session, for every command that works on the lab
//! (`perflab`, `check`, `run`, `reset`, and the future `class` and `challenge`):
//! the lab lock, the connection to the engine with the command's cancellation
//! and sink, and the real lab behind the tutor's seam. The tutor is synchronous,
//! so the session's work runs on a blocking thread ([`LabSession::blocking`]).
use std::sync::Arc;

use tokio_util::sync::CancellationToken;

use crate::config::Settings;
use crate::engine::state::LabLock;
use crate::engine::Engine;

use super::events::{engine_events, LabSink};
use super::{LabError, LoadShape, RealLab};

pub struct LabSession {
    pub lab: RealLab,
    /// Held for the whole session: one command changes the lab at a time.
    _lock: LabLock,
}

impl LabSession {
    /// Takes the lab lock, connects to the engine, and builds the real lab.
    pub async fn open(
        settings: &Settings,
        cancel: &CancellationToken,
        sink: Arc<dyn LabSink>,
        shape: LoadShape,
    ) -> Result<LabSession, LabError> {
        let lock = LabLock::acquire(&settings.state_dir)?;
        LabSession::open_locked(lock, settings, cancel, sink, shape).await
    }

    /// [`LabSession::open`] for a command that took the lock already (to change
    /// the progress before it knew whether a lab runs).
    pub async fn open_locked(
        lock: LabLock,
        settings: &Settings,
        cancel: &CancellationToken,
        sink: Arc<dyn LabSink>,
        shape: LoadShape,
    ) -> Result<LabSession, LabError> {
        let engine = connect(settings, cancel, &sink).await?;
        let lab = RealLab::build(
            tokio::runtime::Handle::current(),
            engine,
            cancel.clone(),
            shape,
            sink,
            settings.state_dir.clone(),
        )?;
        Ok(LabSession { lab, _lock: lock })
    }

    /// Runs `work` with the real lab on a blocking thread (the tutor waits on
    /// prompts and blocks on the engine), and gives the session back with its result.
    pub async fn blocking<T: Send + 'static>(
        self,
        work: impl FnOnce(&mut RealLab) -> T + Send + 'static,
    ) -> (LabSession, T) {
        self.spawn(work)
            .await
            .unwrap_or_else(|e| std::panic::resume_unwind(e.into_panic()))
    }

    /// [`LabSession::blocking`], as a task the caller may stop waiting for (a
    /// course waiting on a prompt when Ctrl-C comes).
    pub fn spawn<T: Send + 'static>(
        mut self,
        work: impl FnOnce(&mut RealLab) -> T + Send + 'static,
    ) -> tokio::task::JoinHandle<(LabSession, T)> {
        tokio::task::spawn_blocking(move || {
            let out = work(&mut self.lab);
            (self, out)
        })
    }
}

/// A connection to the engine whose long operations stop on `cancel` and whose
/// steps go to `sink`.
pub async fn connect(
    settings: &Settings,
    cancel: &CancellationToken,
    sink: &Arc<dyn LabSink>,
) -> Result<Engine, LabError> {
    Ok(Engine::connect(settings)
        .await?
        .with_cancel(cancel.clone())
        .with_events(engine_events(sink)))
}
