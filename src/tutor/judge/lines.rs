//! What the learner sees of a check and of the measure step: each predicate
//! judged, the symptom before and after, the before/after table, the
//! comparisons and the chart of the course so far. Pure, like `screens`.
use crate::lessons::{Expect, Lang, StageSpec};
use crate::load::Failure;
use crate::present::failure;
use crate::ui::{table, Tone};

use super::{Comparison, Outcome, SymptomVerdict, Verdict};
use crate::tutor::phrases as p;
use crate::tutor::progress::{Progress, RunFigures};
use crate::tutor::screens::{num, num_or_dash};

/// One line a predicate: pass or fail, observed and expected, and on failure why
/// it matters.
pub fn verdict_lines(verdicts: &[Verdict], lang: Lang) -> Vec<(Tone, String)> {
    verdicts
        .iter()
        .map(|v| {
            let expected = p::EXPECTED.fill(lang, &[("expected", &v.expected)]);
            match v.ok {
                true => (
                    Tone::Good,
                    format!("{}: {} ({expected})", v.field, v.observed),
                ),
                false => (
                    Tone::Bad,
                    format!("{}: {} ({expected}). {}", v.field, v.observed, v.explain),
                ),
            }
        })
        .collect()
}

/// The symptom before the fix and in the check's run, and the verdict.
pub fn symptom_outcome(
    spec: &StageSpec,
    symptom: Option<(f64, f64, SymptomVerdict)>,
    lang: Lang,
) -> Vec<(Tone, String)> {
    let (Some(s), Some((before, after, verdict))) = (&spec.symptom, symptom) else {
        return Vec::new();
    };
    let line = p::SYMPTOM_LINE.fill(
        lang,
        &[
            ("field", &s.field.text),
            ("before", &num(before)),
            ("after", &num(after)),
        ],
    );
    let (tone, what) = match verdict {
        SymptomVerdict::Fixed => (Tone::Good, p::SYMPTOM_FIXED.get(lang).to_string()),
        SymptomVerdict::StillThere => (
            Tone::Bad,
            p::SYMPTOM_STILL.fill(lang, &[("explain", s.explain.get(lang))]),
        ),
        SymptomVerdict::NotShown => (Tone::Note, p::SYMPTOM_NOT_SHOWN.get(lang).to_string()),
    };
    vec![(tone, format!("{line} {what}"))]
}

fn change(before: f64, after: f64) -> String {
    if before == after {
        "=".into()
    } else if before > 0.0 {
        format!("{:+.0} %", (after - before) / before * 100.0)
    } else {
        format!("+{}", num(after))
    }
}

/// The before/after table of the measure step.
pub fn before_after(
    spec: &StageSpec,
    before: &RunFigures,
    after: &RunFigures,
    lang: Lang,
) -> String {
    let row = |label: String, b: f64, a: f64| vec![label, num(b), num(a), change(b, a)];
    let p99 = vec![
        p::P99.get(lang).into(),
        num_or_dash(before.p99_ms),
        num_or_dash(after.p99_ms),
        match (before.p99_ms, after.p99_ms) {
            (Some(b), Some(a)) => change(b, a),
            _ => "–".into(),
        },
    ];
    let mut rows = vec![
        row(
            p::GOODPUT.get(lang).into(),
            before.goodput_rps,
            after.goodput_rps,
        ),
        row(
            p::ALL_RPS.get(lang).into(),
            before.total_rps,
            after.total_rps,
        ),
        p99,
    ];
    let mut classes: Vec<Failure> = before
        .errors
        .keys()
        .chain(after.errors.keys())
        .copied()
        .collect();
    classes.sort();
    classes.dedup();
    for class in classes {
        let get = |f: &RunFigures| f.errors.get(&class).copied().unwrap_or(0) as f64;
        rows.push(row(
            format!("{}: {}", p::ERRORS.get(lang), failure::name(class, lang)),
            get(before),
            get(after),
        ));
    }
    if let (Some(s), Some(b), Some(a)) = (&spec.symptom, before.symptom_delta, after.symptom_delta)
    {
        rows.push(row(s.field.text.clone(), b, a));
    }
    let table = table::table(
        &[
            "",
            p::BEFORE.get(lang),
            p::AFTER.get(lang),
            p::CHANGE.get(lang),
        ],
        &rows,
    );
    match each_second(before, after, lang) {
        Some(line) => format!("{table}\n{line}"),
        None => table,
    }
}

/// The sparkline line under the table: each side's 2xx a second, on one scale,
/// so that a run that flapped shows as such and the two sides compare.
fn each_second(before: &RunFigures, after: &RunFigures, lang: Lang) -> Option<String> {
    if before.goodput_series.is_empty() && after.goodput_series.is_empty() {
        return None;
    }
    let both: Vec<u64> = [&before.goodput_series[..], &after.goodput_series[..]].concat();
    let line = crate::ui::sparkline(&both);
    let (b, a) = line.split_at(
        line.char_indices()
            .nth(before.goodput_series.len())
            .map_or(line.len(), |(i, _)| i),
    );
    let dash = |s: &str| {
        if s.is_empty() {
            "–".to_string()
        } else {
            s.to_string()
        }
    };
    Some(p::EACH_SECOND.fill(lang, &[("before", &dash(b)), ("after", &dash(a))]))
}

/// The measure step's comparisons, each with its outcome.
pub fn comparison_lines(cmps: &[Comparison], lang: Lang) -> Vec<(Tone, String)> {
    cmps.iter()
        .map(|c| {
            let (tone, outcome) = match c.outcome {
                Outcome::AsExpected => (Tone::Good, p::AS_EXPECTED),
                Outcome::Opposite => (Tone::Bad, p::OPPOSITE),
                Outcome::Inconclusive => (Tone::Note, p::INCONCLUSIVE),
            };
            let expect = match c.expect {
                Expect::Higher => p::EXPECT_HIGHER,
                Expect::Lower => p::EXPECT_LOWER,
                Expect::Same => p::EXPECT_SAME,
            };
            let show = |v: Option<f64>| v.map(num).unwrap_or_else(|| "—".into());
            let text = p::COMPARISON.fill(
                lang,
                &[
                    ("field", &c.field),
                    ("before", &show(c.before)),
                    ("after", &show(c.after)),
                    ("expect", expect.get(lang)),
                    ("outcome", outcome.get(lang)),
                ],
            );
            (tone, text)
        })
        .collect()
}

/// Goodput at the baseline (stage 0's run) and after every stage measured so far.
pub fn goodput_chart(progress: &Progress, width: usize, lang: Lang) -> Option<String> {
    let items = goodput_items(progress, lang);
    (items.len() >= 2 || items.iter().any(|(l, _)| l != p::BASELINE.get(lang)))
        .then(|| format!("{}\n{}", p::CHART.get(lang), table::bars(&items, width)))
}

/// The chart's bars: the baseline's run, then each stage's run after its fix.
pub fn goodput_items(progress: &Progress, lang: Lang) -> Vec<(String, f64)> {
    let mut items = Vec::new();
    for (n, st) in &progress.stages {
        if *n == 0 {
            if let Some(b) = &st.before {
                items.push((p::BASELINE.get(lang).to_string(), b.goodput_rps));
            }
        } else if let Some(a) = &st.after {
            let label = p::STAGE_LABEL.fill(lang, &[("n", &n.to_string())]);
            items.push((label, a.goodput_rps));
        }
    }
    items
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_run_with_no_response_shows_a_dash_for_its_p99() {
        let spec = crate::lessons::Course::load().unwrap().stages[0]
            .spec
            .clone();
        let before = RunFigures::default();
        let after = RunFigures {
            p99_ms: Some(180.0),
            ..RunFigures::default()
        };
        let table = before_after(&spec, &before, &after, Lang::En);
        let p99 = table
            .lines()
            .find(|l| l.contains("p99 latency (ms)"))
            .unwrap();
        let cells: Vec<&str> = p99.split_whitespace().skip(3).collect();
        assert_eq!(cells, ["–", "180", "–"], "{table}");
    }

    #[test]
    fn each_second_shows_under_the_table_on_one_scale() {
        let spec = crate::lessons::Course::load().unwrap().stages[2]
            .spec
            .clone();
        let flapping = RunFigures {
            goodput_series: vec![900, 40, 50, 880],
            ..RunFigures::default()
        };
        let steady = RunFigures {
            goodput_series: vec![1000, 1000],
            ..RunFigures::default()
        };
        let table = before_after(&spec, &flapping, &steady, Lang::En);
        let last = table.lines().last().unwrap();
        assert_eq!(last, "2xx each second: before ▇▁▁▇  after ██", "{table}");
        let none = before_after(&spec, &RunFigures::default(), &steady, Lang::Zh);
        assert!(none.ends_with("修复前 –  修复后 ██"), "{none}");
        let old = before_after(
            &spec,
            &RunFigures::default(),
            &RunFigures::default(),
            Lang::En,
        );
        assert!(
            !old.contains("each second"),
            "a progress saved before has no series"
        );
    }

    #[test]
    fn changes_read_as_percentages_or_new_values() {
        assert_eq!(change(40.0, 196.0), "+390 %");
        assert_eq!(change(200.0, 100.0), "-50 %");
        assert_eq!(change(0.0, 5.0), "+5");
        assert_eq!(change(3.0, 3.0), "=");
    }
}
