//! The seed's perf path at the lab prompt: `perf record -g`, then `perf report`.
use super::RECORD_SECONDS;
use crate::flame::SECONDS;

use super::route::{Refused, Route};

/// Options of `perf record` accepted (perflab always records every CPU with
/// call graphs, as `perflab flame` does).
const RECORD: &[&str] = &["-g", "-a", "-ag", "-ga", "--all-cpus"];
/// Options of `perf report` accepted: the kept report is text already.
const REPORT: &[&str] = &["--stdio", "--tui", "--no-pager"];

/// The route of a line whose first word is `perf`.
pub fn route(line: &str) -> Route {
    let (head, pipe) = match line.split_once('|') {
        Some((head, pipe)) => (head, Some(pipe.trim())),
        None => (line, None),
    };
    let words: Vec<&str> = head.split_whitespace().collect();
    let refused = || {
        Route::Refused(Refused::Perf {
            line: line.trim().to_string(),
        })
    };
    match words.get(1) {
        Some(&"record") if pipe.is_none() => record(&words[2..]).unwrap_or_else(refused),
        Some(&"report") if report_options(&words[2..]) => Route::PerfReport {
            pipe: pipe.filter(|p| !p.is_empty()).map(str::to_string),
        },
        _ => refused(),
    }
}

/// `perf record [-g] [-a] [-- sleep N]`: the seconds to record.
fn record(words: &[&str]) -> Option<Route> {
    let (options, command) = match words.iter().position(|w| *w == "--") {
        Some(i) => (&words[..i], Some(&words[i + 1..])),
        None => (words, None),
    };
    if !options.iter().all(|o| RECORD.contains(o)) {
        return None;
    }
    let seconds = match command {
        None => RECORD_SECONDS,
        Some(["sleep", n]) => n.parse().ok().filter(|n| SECONDS.contains(n))?,
        Some(_) => return None,
    };
    Some(Route::PerfRecord { seconds })
}

/// `perf report [--stdio] [-i FILE]`: the input file is the kept recording.
fn report_options(words: &[&str]) -> bool {
    let mut i = 0;
    while let Some(w) = words.get(i) {
        match *w {
            "-i" | "--input" if words.get(i + 1).is_some() => i += 2,
            w if REPORT.contains(&w) || w.starts_with("--input=") => i += 1,
            _ => return false,
        }
    }
    true
}
