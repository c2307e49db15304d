//! What the learner sees of a load run and of the prose, as text in their
//! language. Pure: the steps pass it to the screen.
use crate::lessons::{At, FieldKind, Lang, StageSpec};
use crate::ui::{table, Tone};

use super::facts::{resolve, Facts};
use super::phrases as p;
use super::progress::RunFigures;
use crate::load::Failure;
use crate::present::failure;

/// A figure: whole numbers without decimals, others with one.
pub fn num(n: f64) -> String {
    if n.fract() == 0.0 && n.abs() < 1e15 {
        format!("{}", n as i64)
    } else {
        format!("{n:.1}")
    }
}

/// A figure a run may not have (the p99 of a run with no response): a dash then.
pub fn num_or_dash(n: Option<f64>) -> String {
    n.map_or_else(|| "–".to_string(), num)
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
        errors.insert(Failure::Status(*code), *n);
    }
    RunFigures {
        goodput_rps: r.goodput_rps,
        total_rps: r.total_rps,
        p99_ms: (r.latency_ms.count > 0).then_some(r.latency_ms.p99),
        errors,
        symptom_delta: spec
            .symptom
            .as_ref()
            .and_then(|s| super::judge::symptom_growth(s, facts)),
        goodput_series: r.goodput_series.clone(),
    }
}

/// A load run in a few lines: goodput, all responses, p99, errors by class,
/// then the stage's watched server fields.
pub fn run_summary(spec: &StageSpec, facts: &Facts, lang: Lang) -> String {
    let f = figures(spec, facts);
    let mut rows = vec![
        vec![p::GOODPUT.get(lang).to_string(), num(f.goodput_rps)],
        vec![p::ALL_RPS.get(lang).to_string(), num(f.total_rps)],
        vec![p::P99.get(lang).to_string(), num_or_dash(f.p99_ms)],
    ];
    if f.errors.is_empty() {
        rows.push(vec![
            p::ERRORS.get(lang).to_string(),
            p::NO_ERRORS.get(lang).to_string(),
        ]);
    }
    for (class, n) in &f.errors {
        rows.push(vec![
            format!("{}: {}", p::ERRORS.get(lang), failure::name(*class, lang)),
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
    let grew = super::judge::symptom_growth(s, facts)?;
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
    fn numbers_drop_needless_decimals() {
        assert_eq!(num(2.0), "2");
        assert_eq!(num(2.24), "2.2");
    }

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
}
