//! The unattended course's result as a terminal table.
use crate::ui::table::table as draw;

use super::auto::AutoReport;

/// One row a stage: goodput and p99 before → after, the symptom's growth, the check.
pub fn table(r: &AutoReport) -> String {
    let arrow = |b: f64, a: Option<f64>| match a {
        Some(a) => format!("{b:.0} → {a:.0}"),
        None => format!("{b:.0}"),
    };
    let rows: Vec<Vec<String>> = r
        .stages
        .iter()
        .map(|s| {
            let symptom = s
                .symptom
                .as_ref()
                .map(|y| {
                    let n =
                        |v: Option<f64>| v.map(|v| format!("{v:.0}")).unwrap_or_else(|| "?".into());
                    let mark = match y.grew && y.flat_after {
                        true => "ok",
                        false => "NOT AS EXPECTED",
                    };
                    format!("{} {} → {} {mark}", y.field, n(y.before), n(y.after))
                })
                .unwrap_or_default();
            let check = match &s.check {
                Some(c) if c.passed => "passed".to_string(),
                Some(c) => format!("FAILED: {}", c.failures.join("; ")),
                None => "-".to_string(),
            };
            let verdict = s
                .verdict
                .as_ref()
                .map(|v| match v.after.len() {
                    1 => v.outcome.replace('_', " "),
                    n => format!("{} ({n} runs after)", v.outcome.replace('_', " ")),
                })
                .unwrap_or_else(|| "-".into());
            vec![
                format!("{} {}", s.stage, s.name),
                arrow(s.goodput_before, s.goodput_after),
                arrow(s.p99_before_ms, s.p99_after_ms),
                symptom,
                check,
                verdict,
            ]
        })
        .collect();
    let header = [
        "stage",
        "goodput 2xx/s",
        "p99 ms",
        "symptom (growth before → after)",
        "check",
        "goodput verdict",
    ];
    // The baseline is a full conntrack table, so often 0 2xx/s: a ratio to it
    // says nothing; the two figures do.
    let first = r.stages.first().map(|s| s.goodput_before);
    let last = r
        .stages
        .last()
        .and_then(|s| s.goodput_after.or(Some(s.goodput_before)));
    let goodput = match first.zip(last) {
        Some((b, l)) => format!("; goodput {b:.0} 2xx/s at the baseline, {l:.0} at the end"),
        None => String::new(),
    };
    format!(
        "{}\n\n{} in {:.0} s{goodput}",
        draw(&header, &rows),
        match r.passed {
            true => "every stage behaved as the course says",
            false => "SOME STAGES DID NOT behave as the course says",
        },
        r.duration_s,
    )
}
