//! The words of the engine's events: what each slow step is called while it
//! lasts, and the lines for what it finished.
use crate::engine::{EngineEvent, Step};

/// What a spinner says during a step.
pub fn step(s: &Step) -> String {
    match s {
        Step::Pulling {
            image,
            status: None,
        } => format!("pulling {image}"),
        Step::Pulling {
            image,
            status: Some(st),
        } => format!("pulling {image}: {st}"),
        Step::Building { tag, output: None } => format!("building {tag}"),
        Step::Building {
            tag,
            output: Some(line),
        } => format!("building {tag}: {}", truncate(line, 60)),
        Step::CreatingNetwork => "creating the lab network and volumes".into(),
        Step::StartingNginx => "starting nginx (it owns the server's network namespace)".into(),
        Step::StartingPhpFpm => "starting php-fpm (it joins nginx's namespace)".into(),
        Step::SwitchingConntrackOn => "switching conntrack on in the server's namespace".into(),
        Step::WaitingFor { url } => format!("waiting for the server at {url}"),
        Step::FillingConntrack => {
            "filling the server's conntrack table (its own, not the host's)".into()
        }
        Step::CleaningUp => "cleaning up what was started".into(),
    }
}

/// The stage's fault being set up, and set up, as the course tells it: without
/// naming it before the learner finds it.
pub const PREPARING: &str = "setting the server up as it is at this stage";
pub const PREPARED: &str = "the server is set up as it is at this stage";

/// How a finished thing is told.
pub enum Line {
    Done(String),
    Warn(String),
}

/// The line for an event that is not a step, if it has one.
pub fn line(e: &EngineEvent) -> Option<Line> {
    Some(match e {
        EngineEvent::Step(_) | EngineEvent::Idle => return None,
        EngineEvent::Built { tag } => Line::Done(format!("built {tag}")),
        EngineEvent::Filled { count, max } => Line::Done(format!(
            "filled the server's conntrack table: {count} of {max} entries"
        )),
        EngineEvent::Recovered { summary } => Line::Warn(format!(
            "found what an interrupted perflab run left behind and cleaned it: {summary}"
        )),
        EngineEvent::CleanupFailed { error } => Line::Warn(format!(
            "cleaning up after a failed start: {error}; run `perflab down`"
        )),
    })
}

fn truncate(s: &str, n: usize) -> String {
    if s.chars().count() <= n {
        s.to_string()
    } else {
        format!("{}…", s.chars().take(n).collect::<String>())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn long_build_lines_are_cut() {
        let long = "x".repeat(100);
        let s = step(&Step::Building {
            tag: "t".into(),
            output: Some(long),
        });
        assert!(
            s.ends_with('…') && s.chars().count() == "building t: ".len() + 61,
            "{s}"
        );
    }
}
