//! Errors of the lab layer: what went wrong below it, named by layer, plus the
//! lab's own refusals. Ctrl-C is [`LabError::Interrupted`], never a string.
use crate::config::{KnobsError, SettingsError, StageError, StagesError};
use crate::engine::state::LockError;
use crate::engine::EngineError;
use crate::flame::FlameError;
use crate::load::LoadError;
use crate::probe::ProbeError;

#[derive(Debug, thiserror::Error)]
pub enum LabError {
    #[error(transparent)]
    Engine(#[from] EngineError),
    #[error("probing the server: {0}")]
    Probe(#[from] ProbeError),
    #[error(transparent)]
    Load(#[from] LoadError),
    #[error(transparent)]
    Flame(#[from] FlameError),
    #[error(transparent)]
    Knobs(#[from] KnobsError),
    #[error(transparent)]
    Stage(#[from] StageError),
    #[error(transparent)]
    Stages(#[from] StagesError),
    #[error(transparent)]
    Lock(#[from] LockError),
    #[error(transparent)]
    Settings(#[from] SettingsError),
    #[error("{value:?} is not a whole number: {name} takes one")]
    NotANumber { name: String, value: String },
    #[error("{what} in the server failed with exit code {code}: {stderr}")]
    Command {
        what: String,
        code: i64,
        stderr: String,
    },
    #[error("the reference fix {change:?} cannot be applied here: the host already has the highest value the lesson accepts")]
    NoReference { change: String },
    #[error("interrupted")]
    Interrupted,
}

impl LabError {
    /// Whether this is Ctrl-C (or SIGTERM), whichever layer noticed it.
    pub fn is_interrupted(&self) -> bool {
        matches!(
            self,
            LabError::Interrupted
                | LabError::Engine(EngineError::Cancelled)
                | LabError::Flame(FlameError::Cancelled)
        )
    }
}
