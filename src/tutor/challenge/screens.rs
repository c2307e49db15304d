//! What the challenge shows in figures: the goal, the clock, and a check's
//! goal figures observed against required.
use crate::lessons::figures::MISSING;
use crate::lessons::{Figures, Lang};
use crate::present::failure;
use crate::tutor::session::Session;
use crate::ui::{table, Tone};

use super::goal::{Figure, Line, RunMeasure, BASELINE_FLOOR_RPS, ERROR_TOLERANCE};
use super::play::Play;
use super::score::{clock_text, score, HINT_COST, START};
use super::words as w;

/// The goal in figures and the score's rule.
pub fn show_goal(s: &mut Session, play: &Play) {
    let lang = s.lang();
    let goal = play.c.goal;
    let base = play.c.baseline.as_ref().map_or(0.0, |b| b.goodput_rps);
    s.phrase(Tone::Plain, &w::GOAL_HEAD);
    let lines = [
        w::GOAL_GOODPUT.fill(
            lang,
            &[
                ("required", &format!("{:.0}", goal.required_goodput(base))),
                ("factor", &goal.factor.to_string()),
                ("floor", &format!("{BASELINE_FLOOR_RPS:.0}")),
            ],
        ),
        w::GOAL_P99.fill(lang, &[("p99", &goal.p99_ms.to_string())]),
        w::GOAL_ERRORS.fill(lang, &[("pct", &format!("{}", ERROR_TOLERANCE * 100.0))]),
    ];
    for l in lines {
        s.say(Tone::Plain, &format!("  {l}"));
    }
    let table = Figures::embedded().unwrap_or_default();
    if let Some(text) = measured(&table, lang) {
        s.say(Tone::Note, &text);
    }
    let rule = w::SCORE_RULE.fill(
        lang,
        &[
            ("start", &START.to_string()),
            ("cost", &HINT_COST.to_string()),
        ],
    );
    s.say(Tone::Note, &rule);
}

/// The fixed server's figures from the course's measured table, read as the
/// lessons read it; `None` while the table does not hold them.
fn measured(table: &Figures, lang: Lang) -> Option<String> {
    if table.provisional {
        return None;
    }
    let text = table.resolve(w::MEASURED.get(lang));
    (!text.contains(MISSING)).then_some(text)
}

/// The clock, the hints and the score if the goal were reached now.
pub fn clock_line(s: &mut Session, play: &Play) {
    let t = play.elapsed();
    let text = w::CLOCK.fill(
        s.lang(),
        &[
            ("time", &clock_text(t)),
            ("hints", &play.c.hints().to_string()),
            ("score", &score(play.c.hints(), t).to_string()),
        ],
    );
    s.say(Tone::Note, &text);
}

/// A check's goal figures as a table, then the errors by class if there were any.
pub fn goal_table(lines: &[Line], run: &RunMeasure, lang: Lang) -> String {
    let rows: Vec<Vec<String>> = lines
        .iter()
        .map(|l| {
            let (name, digits, bound) = match l.figure {
                Figure::Goodput => (w::FIG_GOODPUT, 0, w::AT_LEAST),
                Figure::P99 => (w::FIG_P99, 1, w::AT_MOST),
                Figure::Errors => (w::FIG_ERRORS, 2, w::AT_MOST),
            };
            let required = format!("{:.digits$}", l.required);
            vec![
                name.get(lang).to_string(),
                l.observed
                    .map_or_else(|| "–".to_string(), |o| format!("{o:.digits$}")),
                bound.fill(lang, &[("value", &required)]),
                match l.ok {
                    true => w::PASS.get(lang).to_string(),
                    false => w::FAIL.get(lang).to_string(),
                },
            ]
        })
        .collect();
    let header = [w::FIGURE, w::OBSERVED, w::REQUIRED, w::RESULT].map(|p| p.get(lang));
    let mut out = table::table(&header, &rows);
    if !run.errors.is_empty() {
        let classes: Vec<String> = run
            .errors
            .iter()
            .map(|(class, n)| format!("{} {n}", failure::name(*class, lang)))
            .collect();
        let line = w::ERROR_CLASSES.fill(lang, &[("classes", &classes.join(", "))]);
        out.push('\n');
        out.push_str(&line);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::super::goal::{evaluate, Goal};
    use super::*;

    #[test]
    fn the_fixed_server_s_figures_come_from_the_measured_table() {
        let json = |provisional: bool, p99: &str| {
            format!(
                r#"{{"format": 1, "runs": 5, "provisional": {provisional}, "stages": [
                {{"stage": 6, "after": {{"goodput": {{"median": 8123.4}}, "p99_ms": {{"median": {p99}}}}}}}]}}"#
            )
        };
        let t = Figures::parse(&json(false, "251.6"), "t").unwrap();
        let text = measured(&t, Lang::En).unwrap();
        assert!(
            text.contains("(5 runs") && text.contains("8123 2xx/s, p99 252 ms"),
            "{text}"
        );
        assert!(measured(&t, Lang::Zh).unwrap().contains("8123"));
        let provisional = Figures::parse(&json(true, "251.6"), "t").unwrap();
        assert_eq!(measured(&provisional, Lang::En), None);
        let partial = Figures::parse(&json(false, "null"), "t").unwrap();
        assert_eq!(measured(&partial, Lang::En), None);
        // The table in the repository says nothing it does not hold.
        let embedded = Figures::embedded().unwrap();
        if let Some(text) = measured(&embedded, Lang::En) {
            assert!(!text.contains("{{"), "{text}");
        }
    }

    #[test]
    fn a_check_shows_each_figure_observed_against_required() {
        let run = RunMeasure {
            goodput_rps: 880.4,
            p99_ms: Some(1032.0),
            requests: 20_000,
            failed: 300,
            errors: [(crate::load::Failure::RequestTimeout, 300)].into(),
        };
        let lines = evaluate(&Goal::default(), 0.0, &run);
        let text = goal_table(&lines, &run, Lang::En);
        assert!(text.contains("goodput (2xx/s)"), "{text}");
        assert!(text.contains("880") && text.contains("≥ 2500"), "{text}");
        assert!(
            text.contains("1032.0") && text.contains("≤ 1000.0"),
            "{text}"
        );
        assert!(text.contains("1.50") && text.contains("≤ 0.10"), "{text}");
        assert_eq!(text.matches("fail").count(), 3, "{text}");
        assert!(text.contains("errors by class: request timeout (aborted) 300"));
        let zh = goal_table(&lines, &run, Lang::Zh);
        assert!(zh.contains("未通过") && zh.contains("有效吞吐"), "{zh}");
    }
}
