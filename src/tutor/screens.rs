//! What the learner sees of a load run, a check and a comparison, as text in
//! their language. Pure: the steps pass it to the screen.
use crate::lessons::{At, Expect, FieldKind, Lang, StageSpec};
use crate::ui::{table, Tone};

use super::facts::{resolve, Facts};
use super::grade::{Comparison, Outcome, SymptomVerdict, Verdict};
use super::phrases::{self as p, error_class};
use super::progress::{Progress, RunFigures};

/// A figure: whole numbers without decimals, others with one.
pub fn num(n: f64) -> String {
    if n.fract() == 0.0 && n.abs() < 1e15 {
        format!("{}", n as i64)
    } else {
        format!("{n:.1}")
    }
}

/// The figures of a run that the progress keeps. Errors are the load's
/// classes plus the 5xx responses by code (`http_502`).
pub fn figures(spec: &StageSpec, facts: &Facts) -> RunFigures {
    let Some(run) = &facts.run else {
        return RunFigures::default();
    };
    let r = &run.report;
    let mut errors = r.errors.clone();
    for (code, n) in r.status_counts.iter().filter(|(c, _)| **c >= 500) {
        errors.insert(format!("http_{code}"), *n);
    }
    RunFigures {
        goodput_rps: r.goodput_rps,
        total_rps: r.total_rps,
        p99_ms: r.latency_ms.p99,
        errors,
        symptom_delta: spec
            .symptom
            .as_ref()
            .and_then(|s| super::grade::symptom_growth(s, facts)),
    }
}

/// A load run in a few lines: goodput, all responses, p99, errors by class,
/// then the stage's watched server fields.
pub fn run_summary(spec: &StageSpec, facts: &Facts, lang: Lang) -> String {
    let f = figures(spec, facts);
    let mut rows = vec![
        vec![p::GOODPUT.get(lang).to_string(), num(f.goodput_rps)],
        vec![p::ALL_RPS.get(lang).to_string(), num(f.total_rps)],
        vec![p::P99.get(lang).to_string(), num(f.p99_ms)],
    ];
    if f.errors.is_empty() {
        rows.push(vec![
            p::ERRORS.get(lang).to_string(),
            p::NO_ERRORS.get(lang).to_string(),
        ]);
    }
    for (class, n) in &f.errors {
        rows.push(vec![
            format!("{}: {}", p::ERRORS.get(lang), error_class(class, lang)),
            n.to_string(),
        ]);
    }
    let mut out = table::table(&["", ""], &rows)
        .lines()
        .skip(2)
        .collect::<Vec<_>>()
        .join("\n");
    let watched: Vec<Vec<String>> = spec
        .observe
        .watch
        .iter()
        .filter(|w| !w.info.name.starts_with("load."))
        .filter_map(|w| {
            let v = resolve(w, At::Load, facts).ok()?;
            let sign = match w.kind() {
                FieldKind::Counter => "+",
                _ => "",
            };
            Some(vec![format!("  {}", w.text), format!("{sign}{v}")])
        })
        .collect();
    if !watched.is_empty() {
        let rows = table::table(&["", ""], &watched);
        let rows: Vec<&str> = rows.lines().skip(2).collect();
        out.push_str(&format!("\n{}\n{}", p::WATCHED.get(lang), rows.join("\n")));
    }
    out
}

/// The stage's symptom over a run, with what it means.
pub fn symptom_line(spec: &StageSpec, facts: &Facts, lang: Lang) -> Option<(Tone, String)> {
    let s = spec.symptom.as_ref()?;
    let grew = super::grade::symptom_growth(s, facts)?;
    let vals = [
        ("field", s.field.text.as_str()),
        ("n", &num(grew)),
        ("explain", s.explain.get(lang)),
    ];
    Some(match grew > 0.0 {
        true => (Tone::Warn, p::SYMPTOM_GREW.fill(lang, &vals)),
        false => (Tone::Note, p::SYMPTOM_FLAT.fill(lang, &vals)),
    })
}

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
        row(p::P99.get(lang).into(), before.p99_ms, after.p99_ms),
    ];
    let mut classes: Vec<&String> = before.errors.keys().chain(after.errors.keys()).collect();
    classes.sort();
    classes.dedup();
    for class in classes {
        let get = |f: &RunFigures| f.errors.get(class).copied().unwrap_or(0) as f64;
        rows.push(row(
            format!("{}: {}", p::ERRORS.get(lang), error_class(class, lang)),
            get(before),
            get(after),
        ));
    }
    if let (Some(s), Some(b), Some(a)) = (&spec.symptom, before.symptom_delta, after.symptom_delta)
    {
        rows.push(row(s.field.text.clone(), b, a));
    }
    table::table(
        &[
            "",
            p::BEFORE.get(lang),
            p::AFTER.get(lang),
            p::CHANGE.get(lang),
        ],
        &rows,
    )
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
    (items.len() >= 2 || items.iter().any(|(l, _)| l != p::BASELINE.get(lang)))
        .then(|| format!("{}\n{}", p::CHART.get(lang), table::bars(&items, width)))
}

/// Rendered prose cut into pages of at most `rows` lines, each ending at a
/// blank line when one is in its last third, so that a page does not scroll
/// past before it is read.
pub fn pages(text: &str, rows: usize) -> Vec<String> {
    let rows = rows.max(6);
    let lines: Vec<&str> = text.trim_end().lines().collect();
    let mut out = Vec::new();
    let mut start = 0;
    while start < lines.len() {
        let mut end = start.saturating_add(rows).min(lines.len());
        if end < lines.len() {
            let floor = start + rows / 3 * 2;
            if let Some(blank) = (floor..end).rev().find(|i| lines[*i].trim().is_empty()) {
                end = blank + 1;
            }
        }
        out.push(lines[start..end].join("\n"));
        start = end;
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn prose_pages_fit_and_break_at_paragraphs() {
        let text = (0..50)
            .map(|i| {
                if i % 10 == 9 {
                    String::new()
                } else {
                    format!("line {i}")
                }
            })
            .collect::<Vec<_>>()
            .join("\n");
        let p = pages(&text, 24);
        assert!(p.iter().all(|pg| pg.lines().count() <= 24));
        assert_eq!(p.concat().matches("line").count(), 45);
        assert!(p[0].ends_with("line 18\n"), "{:?}", p[0]);
        assert_eq!(pages("short", 24), vec!["short".to_string()]);
    }

    #[test]
    fn changes_read_as_percentages_or_new_values() {
        assert_eq!(change(40.0, 196.0), "+390 %");
        assert_eq!(change(200.0, 100.0), "-50 %");
        assert_eq!(change(0.0, 5.0), "+5");
        assert_eq!(change(3.0, 3.0), "=");
        assert_eq!(num(2.0), "2");
        assert_eq!(num(2.24), "2.2");
    }
}
