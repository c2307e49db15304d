//! What the engine tells whoever watches it: the slow steps it is in and what it
//! finished. The engine never writes to the terminal; it reports to the sink it
//! was given ([`Engine::with_events`](super::Engine::with_events)), and the presenter
//! decides how that looks (a spinner, a line, nothing).
use std::sync::Arc;

/// A slow step, shown while it lasts.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Step {
    Pulling {
        image: String,
        status: Option<String>,
    },
    Building {
        tag: String,
        output: Option<String>,
    },
    CreatingNetwork,
    StartingNginx,
    StartingPhpFpm,
    SwitchingConntrackOn,
    WaitingFor {
        url: String,
    },
    FillingConntrack,
    CleaningUp,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum EngineEvent {
    /// A slow step began (or its detail changed).
    Step(Step),
    /// The operation's slow steps are over.
    Idle,
    Built {
        tag: String,
    },
    Filled {
        count: u64,
        max: u64,
    },
    /// A start found what an interrupted run left behind and removed it.
    Recovered {
        report: super::down_report::DownReport,
    },
    /// Cleaning up after a failed start failed too.
    CleanupFailed {
        error: String,
    },
}

/// Where the engine's events go.
pub type Events = Arc<dyn Fn(EngineEvent) + Send + Sync>;

/// A sink that drops every event (no one watches).
pub fn quiet() -> Events {
    Arc::new(|_| {})
}

/// The steps of one operation: each `show` names the current one, and the end
/// of the operation (this value dropped) says [`EngineEvent::Idle`].
pub struct Steps<'a> {
    events: &'a Events,
}

impl<'a> Steps<'a> {
    pub fn new(events: &'a Events) -> Steps<'a> {
        Steps { events }
    }

    pub fn show(&self, step: Step) {
        (self.events)(EngineEvent::Step(step));
    }
}

impl Drop for Steps<'_> {
    fn drop(&mut self) {
        (self.events)(EngineEvent::Idle);
    }
}
