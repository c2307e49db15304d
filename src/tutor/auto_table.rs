//! The unattended course's result as a terminal table.
use crate::ui::table::table as draw;

use super::auto::AutoReport;
use super::phrases as p;
use crate::lessons::Lang;

/// An outcome as the report's JSON names it (`as_expected`), in words.
fn outcome(name: &str, lang: Lang) -> String {
    match name {
        "as_expected" => p::AUTO_AS_EXPECTED.get(lang).to_string(),
        "opposite" => p::AUTO_OPPOSITE.get(lang).to_string(),
        "inconclusive" => p::AUTO_INCONCLUSIVE.get(lang).to_string(),
        other => other.replace('_', " "),
    }
}

/// One row a stage: goodput and p99 before → after, the symptom's growth, the check.
pub fn table(r: &AutoReport, lang: Lang) -> String {
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
                        true => p::AUTO_OK.get(lang),
                        false => p::AUTO_NOT_AS_EXPECTED.get(lang),
                    };
                    format!("{} {} → {} {mark}", y.field, n(y.before), n(y.after))
                })
                .unwrap_or_default();
            let check = match &s.check {
                Some(c) if c.passed => p::AUTO_PASSED.get(lang).to_string(),
                Some(c) => p::AUTO_FAILED.fill(lang, &[("failures", &c.failures.join("; "))]),
                None => "-".to_string(),
            };
            let verdict = s
                .verdict
                .as_ref()
                .map(|v| match v.after.len() {
                    1 => outcome(&v.outcome, lang),
                    n => p::AUTO_RUNS_AFTER.fill(
                        lang,
                        &[
                            ("outcome", &outcome(&v.outcome, lang)),
                            ("n", &n.to_string()),
                        ],
                    ),
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
        p::AUTO_STAGE,
        p::AUTO_GOODPUT,
        p::AUTO_P99,
        p::AUTO_SYMPTOM,
        p::AUTO_CHECK,
        p::AUTO_VERDICT,
    ]
    .map(|h| h.get(lang));
    // The baseline is a full conntrack table, so often 0 2xx/s: a ratio to it
    // says nothing; the two figures do.
    let first = r.stages.first().map(|s| s.goodput_before);
    let last = r
        .stages
        .last()
        .and_then(|s| s.goodput_after.or(Some(s.goodput_before)));
    let goodput = match first.zip(last) {
        Some((b, l)) => p::AUTO_GOODPUT_ENDS.fill(
            lang,
            &[
                ("baseline", &format!("{b:.0}")),
                ("end", &format!("{l:.0}")),
            ],
        ),
        None => String::new(),
    };
    let verdict = match r.passed {
        true => p::AUTO_ALL_BEHAVED,
        false => p::AUTO_SOME_DID_NOT,
    };
    let end = p::AUTO_END.fill(
        lang,
        &[
            ("verdict", verdict.get(lang)),
            ("secs", &format!("{:.0}", r.duration_s)),
            ("goodput", &goodput),
        ],
    );
    format!("{}\n\n{end}", draw(&header, &rows))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::tutor::auto::{CheckResult, StageResult, SymptomResult, VerdictResult};

    fn report() -> AutoReport {
        AutoReport {
            stages: vec![StageResult {
                stage: 2,
                name: "ports".into(),
                goodput_before: 120.4,
                goodput_after: Some(2410.0),
                p99_before_ms: 2000.0,
                p99_after_ms: Some(31.0),
                flame_before: None,
                flame_after: None,
                symptom: Some(SymptomResult {
                    field: "nginx.eaddrnotavail".into(),
                    before: Some(5100.0),
                    after: Some(0.0),
                    grew: true,
                    flat_after: true,
                }),
                check: Some(CheckResult {
                    passed: false,
                    failures: vec!["x: 1 (expected 0)".into()],
                }),
                verdict: Some(VerdictResult {
                    field: "goodput".into(),
                    expect: "higher".into(),
                    before: Some(120.4),
                    after: vec![2400.0, 2410.0],
                    band: 1.3,
                    outcome: "as_expected".into(),
                }),
                fix: Vec::new(),
                runs: Vec::new(),
            }],
            duration_s: 61.2,
            speedup: None,
            passed: false,
        }
    }

    #[test]
    fn the_table_speaks_the_language_asked() {
        let en = table(&report(), Lang::En);
        for want in [
            "120 → 2410",
            "nginx.eaddrnotavail 5100 → 0 ok",
            "FAILED: x: 1 (expected 0)",
            "as expected (2 runs after)",
            "SOME STAGES DID NOT behave as the course says in 61 s; goodput 120 2xx/s at the baseline, 2410 at the end",
        ] {
            assert!(en.contains(want), "{want} in\n{en}");
        }
        let zh = table(&report(), Lang::Zh);
        for want in [
            "120 → 2410",
            "符合预期（修复后跑了 2 次）",
            "未通过：x: 1 (expected 0)",
            "用时 61 秒；有效吞吐：基线 120 2xx/秒，最后 2410",
        ] {
            assert!(zh.contains(want), "{want} in\n{zh}");
        }
    }
}
