//! What the lab tells whoever watches it. The lab layer (and everything below
//! it) never writes to the terminal: it reports to the [`LabSink`] it was given,
//! and the presenter that implements it decides how that looks.
use std::sync::Arc;

use crate::engine::{EngineEvent, Events};
use crate::load::LiveTick;
use crate::probe::GaugeRates;

#[derive(Debug, Clone, PartialEq)]
pub enum LabEvent {
    Engine(EngineEvent),
    /// Waiting for the previous run to end and clearing what it left.
    Settling,
    Settled,
    /// A measured run is about to start: its planned length.
    RunStarting {
        connections: usize,
        seconds: f64,
    },
    /// About four times a second during a run: the load's own rates.
    Load(LiveTick),
    /// Once a second during a run, when live gauges are on: the server's gauges.
    Gauges(GaugeRates),
    /// The gauge loop stopped early; the run goes on without it.
    GaugesStopped {
        reason: String,
    },
    /// A run ended (also when it was interrupted or failed).
    RunEnded,
    /// perf records every CPU for this long, under the run's load.
    Recording {
        seconds: u32,
    },
    RecordingDone,
}

pub trait LabSink: Send + Sync {
    fn event(&self, event: LabEvent);
    /// Whether anyone watches the server's gauges live: without, no gauge loop
    /// is started in the server.
    fn live(&self) -> bool {
        false
    }
}

/// A sink that drops everything (JSON output, tests).
pub struct Quiet;

impl LabSink for Quiet {
    fn event(&self, _: LabEvent) {}
}

/// The engine's events, forwarded to a lab sink.
pub fn engine_events(sink: &Arc<dyn LabSink>) -> Events {
    let sink = sink.clone();
    Arc::new(move |e| sink.event(LabEvent::Engine(e)))
}
