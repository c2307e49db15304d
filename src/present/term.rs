//! The terminal's sink for the lab's events: a spinner for the engine's slow
//! steps and for a perf recording, and the live view of a run (the load's line
//! and the server's gauges), drawn through `ui`. With no terminal, `ui` draws
//! nothing and no gauge loop is started.
use std::sync::Mutex;

use crate::lab::{LabEvent, LabSink};
use crate::lessons::{phrases, Lang};
use crate::ui;

use super::engine::{self, Line};

phrases! {
    MEASURING = "measuring: {connections} connections for {secs} s", "正在测量：{connections} 个连接，持续 {secs} 秒";
    GAUGES_STOPPED = "server gauges stopped: {reason}", "服务器指标停止更新了：{reason}";
    RECORDING = "recording the kernel's stacks under load (perf)", "正在压力下录制内核调用栈（perf）";
    SETTLING_NEUTRAL = "settling the server: waiting for the previous run to end", "正在等待服务器空闲：等上一次压测结束";
    SETTLING = "settling the server: the previous run's connections and TIME_WAIT", "正在等待服务器空闲：清理上一次压测的连接和 TIME_WAIT";
}

pub struct TermSink {
    /// Whether runs are watched live (off for JSON output).
    live: bool,
    /// The course: the stage's set-up is told without naming it, and the live
    /// view shows no gauges (both would name the cause before the learner has
    /// found it).
    discovery: bool,
    /// The language of every word it shows.
    lang: Lang,
    state: Mutex<State>,
}

#[derive(Default)]
struct State {
    spinner: Option<ui::Progress>,
    view: Option<ui::LiveView>,
    gauges: String,
}

impl TermSink {
    pub fn new(live: bool, lang: Lang) -> TermSink {
        TermSink {
            live,
            discovery: false,
            lang,
            state: Mutex::new(State::default()),
        }
    }

    /// `perflab load` during a course: as the course's sink, live only if asked.
    pub fn neutral(live: bool, lang: Lang) -> TermSink {
        TermSink {
            live,
            discovery: true,
            lang,
            state: Mutex::new(State::default()),
        }
    }

    /// The course's sink: live runs with the load's own line only, and no
    /// fault named.
    pub fn for_course(lang: Lang) -> TermSink {
        TermSink {
            live: true,
            discovery: true,
            lang,
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
        let lang = self.lang;
        match event {
            // The course names no fault before the learner found it: the
            // stage's set-up is told without what it does.
            LabEvent::Engine(crate::engine::EngineEvent::Step(
                crate::engine::Step::FillingConntrack,
            )) if self.discovery => Self::spin(&mut st, engine::PREPARING.get(lang)),
            LabEvent::Engine(crate::engine::EngineEvent::Filled { .. }) if self.discovery => {
                ui::done(engine::PREPARED.get(lang))
            }
            LabEvent::Engine(crate::engine::EngineEvent::Step(s)) => {
                Self::spin(&mut st, &engine::step(&s, lang))
            }
            LabEvent::Engine(crate::engine::EngineEvent::Idle) => st.spinner = None,
            LabEvent::Engine(e) => match engine::line(&e, lang) {
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
            } => {
                let measuring = MEASURING.fill(
                    lang,
                    &[
                        ("connections", &connections.to_string()),
                        ("secs", &format!("{seconds:.0}")),
                    ],
                );
                Self::spin(&mut st, &measuring)
            }
            LabEvent::Load(t) => {
                let own = super::load::live_line(&t, lang);
                let State { view, gauges, .. } = &mut *st;
                if let Some(view) = view {
                    let lines: Vec<&str> = std::iter::once(own.as_str())
                        .chain(gauges.lines())
                        .collect();
                    view.draw(&lines);
                }
            }
            LabEvent::Gauges(g) => st.gauges = super::probe::live_line(&g, lang),
            LabEvent::GaugesStopped { reason } => {
                st.gauges = GAUGES_STOPPED.fill(lang, &[("reason", &reason)])
            }
            LabEvent::RunEnded => {
                st.view = None;
                st.spinner = None;
            }
            LabEvent::Recording { .. } => Self::spin(&mut st, RECORDING.get(lang)),
            LabEvent::RecordingDone | LabEvent::Settled => st.spinner = None,
            LabEvent::Settling if self.discovery => Self::spin(&mut st, SETTLING_NEUTRAL.get(lang)),
            LabEvent::Settling => Self::spin(&mut st, SETTLING.get(lang)),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_measuring_line_holds_the_figures_in_chinese() {
        let zh = MEASURING.fill(Lang::Zh, &[("connections", "1000"), ("secs", "30")]);
        assert_eq!(zh, "正在测量：1000 个连接，持续 30 秒");
    }
}
