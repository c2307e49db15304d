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
    #[error("the load beside the lab ended with exit code {code} and no result{}", tail(.stderr))]
    BesideNoResult { code: i64, stderr: String },
    #[error("the load beside the lab wrote a line that is not one of perflab's: {line:?}")]
    BesideLine {
        line: String,
        #[source]
        source: serde_json::Error,
    },
    #[error("the load beside the lab did not end within {} s and was killed{}", .after.as_secs(), tail(.stderr))]
    BesideStuck {
        after: std::time::Duration,
        stderr: String,
    },
    #[error("this machine has no route to the lab's network ({ip}: {reason}), so the load cannot run from this process; unset PERFLAB_LOAD_FROM to run it beside the lab")]
    NoRoute {
        ip: std::net::Ipv4Addr,
        reason: String,
    },
    #[error("interrupted")]
    Interrupted,
}

/// The last lines a program wrote on stderr, after a colon, when it wrote any.
fn tail(stderr: &str) -> String {
    match stderr.trim() {
        "" => String::new(),
        t => format!(": {}", t.lines().collect::<Vec<_>>().join(" | ")),
    }
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
