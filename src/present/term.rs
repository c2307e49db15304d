//! The terminal's sink for the lab's events: a spinner for the engine's slow
//! steps and for a perf recording, and the live view of a run (the load's line
//! and the server's gauges), drawn through `ui`. With no terminal, `ui` draws
//! nothing and no gauge loop is started.
use std::sync::Mutex;

use crate::lab::{LabEvent, LabSink};
use crate::ui;

use super::engine::{self, Line};

pub struct TermSink {
    /// Whether runs are watched live (off for JSON output).
    live: bool,
    /// The course: the stage's set-up is told without naming it, and the live
    /// view shows no gauges (both would name the cause before the learner has
    /// found it).
    discovery: bool,
    state: Mutex<State>,
}

#[derive(Default)]
struct State {
    spinner: Option<ui::Progress>,
    view: Option<ui::LiveView>,
    gauges: String,
}

impl TermSink {
    pub fn new(live: bool) -> TermSink {
        TermSink {
            live,
            discovery: false,
            state: Mutex::new(State::default()),
        }
    }

    /// `perflab load` during a course: as the course's sink, live only if asked.
    pub fn neutral(live: bool) -> TermSink {
        TermSink {
            live,
            discovery: true,
            state: Mutex::new(State::default()),
        }
    }

    /// The course's sink: live runs with the load's own line only, and no
    /// fault named.
    pub fn for_course() -> TermSink {
        TermSink {
            live: true,
            discovery: true,
            state: Mutex::new(State::default()),
        }
    }

    fn spin(state: &mut State, msg: &str) {
        match &state.spinner {
            Some(s) => s.set_message(msg),
            None => state.spinner = Some(ui::Progress::spinner(msg)),
        }
    }
}

impl LabSink for TermSink {
    fn live(&self) -> bool {
        // The server's gauges are streamed for a live view outside the course.
        self.live && !self.discovery && ui::stdout_is_terminal()
    }

    fn event(&self, event: LabEvent) {
        let mut st = self.state.lock().unwrap_or_else(|e| e.into_inner());
        match event {
            // The course names no fault before the learner found it: the
            // stage's set-up is told without what it does.
            LabEvent::Engine(crate::engine::EngineEvent::Step(
                crate::engine::Step::FillingConntrack,
            )) if self.discovery => Self::spin(&mut st, engine::PREPARING),
            LabEvent::Engine(crate::engine::EngineEvent::Filled { .. }) if self.discovery => {
                ui::done(engine::PREPARED)
            }
            LabEvent::Engine(crate::engine::EngineEvent::Step(s)) => {
                Self::spin(&mut st, &engine::step(&s))
            }
            LabEvent::Engine(crate::engine::EngineEvent::Idle) => st.spinner = None,
            LabEvent::Engine(e) => match engine::line(&e) {
                Some(Line::Done(l)) => ui::done(&l),
                Some(Line::Warn(l)) => ui::warn(&l),
                None => {}
            },
            LabEvent::RunStarting { .. } if self.live => {
                st.gauges.clear();
                st.view = ui::LiveView::start();
            }
            LabEvent::RunStarting {
                connections,
                seconds,
            } => Self::spin(
                &mut st,
                &format!("measuring: {connections} connections for {seconds:.0} s"),
            ),
            LabEvent::Load(t) => {
                let own = super::load::live_line(&t);
                let State { view, gauges, .. } = &mut *st;
                if let Some(view) = view {
                    let lines: Vec<&str> = std::iter::once(own.as_str())
                        .chain(gauges.lines())
                        .collect();
                    view.draw(&lines);
                }
            }
            LabEvent::Gauges(g) => st.gauges = super::probe::live_line(&g),
            LabEvent::GaugesStopped { reason } => {
                st.gauges = format!("server gauges stopped: {reason}")
            }
            LabEvent::RunEnded => {
                st.view = None;
                st.spinner = None;
            }
            LabEvent::Recording { .. } => {
                Self::spin(&mut st, "recording the kernel's stacks under load (perf)")
            }
            LabEvent::RecordingDone | LabEvent::Settled => st.spinner = None,
            LabEvent::Settling if self.discovery => Self::spin(
                &mut st,
                "settling the server: waiting for the previous run to end",
            ),
            LabEvent::Settling => Self::spin(
                &mut st,
                "settling the server: the previous run's connections and TIME_WAIT",
            ),
        }
    }
}
