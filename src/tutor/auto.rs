//! `perflab run --auto`: every stage unattended, for instructors preparing a
//! classroom machine and for CI. Per stage: measure, apply the reference fix,
//! check (one more run, which is also the measurement after), and record
//! whether the symptom grew before the fix and stayed flat after it.
use std::time::Instant;

use serde::Serialize;

use crate::lessons::{Course, Lang};

use super::judge::stage;
use super::judge::{self, SymptomVerdict};
use crate::lab::{Facts, LabError, LabOps};

#[derive(Debug, Clone, Serialize)]
pub struct SymptomResult {
    pub field: String,
    /// The counter's growth during the run before the fix, and after it.
    pub before: Option<f64>,
    pub after: Option<f64>,
    /// Grew before the fix.
    pub grew: bool,
    /// Stayed flat (within the lesson's tolerance) after it.
    pub flat_after: bool,
}

/// The headline comparison of the runs before and after the fix, against the
/// measured spread of the stage's states (rerun once when too close to tell).
#[derive(Debug, Clone, Serialize)]
pub struct VerdictResult {
    pub field: String,
    /// What the lesson says the fix does: higher, lower, same.
    pub expect: String,
    pub before: Option<f64>,
    /// Every run after the fix (two when the first was too close to tell).
    pub after: Vec<f64>,
    /// The spread (max/min) a difference had to exceed.
    pub band: f64,
    /// as_expected, opposite, inconclusive.
    pub outcome: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct CheckResult {
    pub passed: bool,
    /// Failing predicates: `field: observed (expected ...)`.
    pub failures: Vec<String>,
}

#[derive(Debug, Clone, Serialize)]
pub struct StageResult {
    pub stage: u8,
    pub name: String,
    pub goodput_before: f64,
    pub goodput_after: Option<f64>,
    pub p99_before_ms: f64,
    pub p99_after_ms: Option<f64>,
    /// The flame-graph share of the stage's function, when the stage records one.
    pub flame_before: Option<f64>,
    pub flame_after: Option<f64>,
    pub symptom: Option<SymptomResult>,
    pub check: Option<CheckResult>,
    pub verdict: Option<VerdictResult>,
    /// What the reference fix did.
    pub fix: Vec<String>,
    /// Responses by status and errors by class, before and after the fix.
    pub runs: Vec<RunSummary>,
}

#[derive(Debug, Clone, Serialize)]
pub struct RunSummary {
    pub when: &'static str,
    pub status_counts: std::collections::BTreeMap<u16, u64>,
    pub errors: std::collections::BTreeMap<crate::load::Failure, u64>,
}

fn summary(when: &'static str, f: &Facts) -> RunSummary {
    let (status_counts, errors) = f
        .run
        .as_ref()
        .map(|r| (r.report.status_counts.clone(), r.report.errors.clone()))
        .unwrap_or_default();
    RunSummary {
        when,
        status_counts,
        errors,
    }
}

impl StageResult {
    /// The stage did what the course promises: check passed, symptom grew then
    /// stayed flat, and the headline figure did not move the other way.
    pub fn ok(&self) -> bool {
        self.check.as_ref().is_none_or(|c| c.passed)
            && self.symptom.as_ref().is_none_or(|s| s.grew && s.flat_after)
            && self
                .verdict
                .as_ref()
                .is_none_or(|v| v.outcome != "opposite")
    }
}

#[derive(Debug, Clone, Serialize)]
pub struct AutoReport {
    pub stages: Vec<StageResult>,
    pub duration_s: f64,
    /// Goodput after the last fix over the baseline's (at least 1 2xx/s assumed).
    pub speedup: Option<f64>,
    pub passed: bool,
}

/// Runs stages `from..=to` in order on the lab `ops` drives, starting from a
/// fresh lab at `from`. `progress` is told each stage as it starts.
pub fn run_auto(
    ops: &mut dyn LabOps,
    course: &Course,
    from: u8,
    to: u8,
    live: bool,
    lang: Lang,
    progress: &mut dyn FnMut(&str),
) -> Result<AutoReport, LabError> {
    let start = Instant::now();
    ops.start_stage(from, true)?;
    let mut stages = Vec::new();
    for n in from..=to {
        let lesson = course
            .stage(n)
            .expect("run --auto's stages were checked against the course");
        let spec = &lesson.spec;
        if n > from {
            // Cumulative, as in the course: the stage's starting change on top.
            for (knob, value) in super::advance::on_start(n).map_err(LabError::Stages)? {
                ops.apply(
                    &super::advance::on_start_change(&knob, &value),
                    Some(&value),
                )?;
            }
        }
        progress(
            &super::phrases::AUTO_BEFORE.fill(lang, &[("n", &n.to_string()), ("name", &spec.name)]),
        );
        let flame = spec.flame_function();
        let before = ops.run_load(live, flame.as_deref(), spec.observe.seconds)?;
        let mut result = StageResult {
            stage: n,
            name: spec.name.clone(),
            goodput_before: goodput(&before),
            goodput_after: None,
            p99_before_ms: p99(&before),
            p99_after_ms: None,
            flame_before: flame_share(&before),
            flame_after: None,
            symptom: None,
            check: None,
            verdict: None,
            fix: Vec::new(),
            runs: vec![summary("before", &before)],
        };
        if spec.fix.is_some() {
            progress(
                &super::phrases::AUTO_FIXING
                    .fill(lang, &[("n", &n.to_string()), ("name", &spec.name)]),
            );
            result.fix = crate::lab::apply_reference(ops, spec)?;
            progress(
                &super::phrases::AUTO_AFTER
                    .fill(lang, &[("n", &n.to_string()), ("name", &spec.name)]),
            );
            let outcome = stage::check(ops, spec, &before, live, lang)?;
            result.goodput_after = Some(goodput(&outcome.after));
            result.runs.push(summary("after", &outcome.after));
            result.p99_after_ms = Some(p99(&outcome.after));
            result.flame_after = flame_share(&outcome.after);
            result.check = Some(CheckResult {
                passed: outcome.passed(),
                failures: outcome
                    .failures()
                    .map(|v| format!("{}: {} (expected {})", v.field, v.observed, v.expected))
                    .collect(),
            });
            result.symptom = spec.symptom.as_ref().map(|s| {
                let b = judge::symptom_growth(s, &before);
                let a = judge::symptom_growth(s, &outcome.after);
                let verdict = match (b, a) {
                    (Some(b), Some(a)) => judge::symptom(s, b, a),
                    _ => SymptomVerdict::NotShown,
                };
                SymptomResult {
                    field: s.field.text.clone(),
                    before: b,
                    after: a,
                    grew: b.is_some_and(|b| b > 0.0),
                    flat_after: verdict == SymptomVerdict::Fixed,
                }
            });
            result.verdict = headline_verdict(ops, spec, &before, &outcome.after, live)?;
        }
        stages.push(result);
    }
    let baseline = stages.first().map(|s| s.goodput_before.max(1.0));
    let last = stages
        .last()
        .and_then(|s| s.goodput_after.or(Some(s.goodput_before)));
    let speedup = baseline.zip(last).map(|(b, l)| l / b);
    let passed = stages.iter().all(StageResult::ok);
    Ok(AutoReport {
        stages,
        duration_s: start.elapsed().as_secs_f64(),
        speedup,
        passed,
    })
}

/// The lesson's headline comparison, with one more run after the fix when the
/// first is within the noise.
fn headline_verdict(
    ops: &mut dyn LabOps,
    spec: &crate::lessons::StageSpec,
    before: &Facts,
    after: &Facts,
    live: bool,
) -> Result<Option<VerdictResult>, LabError> {
    let Some(c) = spec
        .measure
        .iter()
        .flat_map(|m| m.compares.iter())
        .find(|c| c.headline)
    else {
        return Ok(None);
    };
    let value = |f: &Facts| {
        super::facts::resolve(&c.field, crate::lessons::At::Load, f)
            .ok()
            .and_then(|v| v.number())
    };
    let band = super::judge::noise::band_for(&c.field, spec.number);
    let (Some(b), Some(a)) = (value(before), value(after)) else {
        return Ok(None);
    };
    let flame = spec.flame_function();
    let mut failed = None;
    let (outcome, afters) = super::judge::noise::judge(c.expect, b, a, band, || {
        match ops.run_load(live, flame.as_deref(), spec.observe.seconds) {
            Ok(f) => value(&f),
            Err(e) => {
                failed = Some(e);
                None
            }
        }
    });
    if let Some(e) = failed {
        return Err(e);
    }
    Ok(Some(VerdictResult {
        field: c.field.text.clone(),
        expect: format!("{:?}", c.expect).to_lowercase(),
        before: Some(b),
        after: afters,
        band,
        outcome: match outcome {
            super::judge::Outcome::AsExpected => "as_expected",
            super::judge::Outcome::Opposite => "opposite",
            super::judge::Outcome::Inconclusive => "inconclusive",
        }
        .to_string(),
    }))
}

fn flame_share(f: &Facts) -> Option<f64> {
    f.run
        .as_ref()
        .and_then(|r| r.flame.values().next().copied())
}

fn goodput(f: &Facts) -> f64 {
    f.run.as_ref().map(|r| r.report.goodput_rps).unwrap_or(0.0)
}

fn p99(f: &Facts) -> f64 {
    f.run
        .as_ref()
        .map(|r| r.report.latency_ms.p99)
        .unwrap_or(0.0)
}
