//! The rules of a stage that serde cannot express: one correct choice, a fix
//! with its check, predicates that read their fields sensibly, hints that name
//! existing steps, texts in both languages. Each broken rule is one problem
//! naming the field; agreement with `containers/stages.toml` is in `agree`.
use std::collections::HashSet;

use super::check_rules;
use super::fields::FieldKind;
use super::fix::Fix;
use super::problem::Report;
use super::problem::{id, text};
use super::schema::{Investigate, Place, Question, StageSpec, FORMAT};
use super::steps::StepKind;

pub(crate) fn stage(spec: &StageSpec, r: &mut Report<'_>) {
    if spec.format != FORMAT {
        r.add(
            "format",
            format!(
                "format {} is not supported: this perflab reads format {FORMAT}",
                spec.format
            ),
        );
    }
    text(&spec.title, "title", r);
    text(&spec.solved_title, "solved_title", r);
    if let Some(s) = &spec.symptom {
        if !matches!(s.field.kind(), FieldKind::Counter | FieldKind::Share) {
            r.add(
                "symptom.field",
                format!(
                    "{} is neither a counter nor a share: the symptom must be a counter that grows under load, or a flame-graph share",
                    s.field
                ),
            );
        }
        if !(0.0..1.0).contains(&s.flat_within) {
            r.add(
                "symptom.flat_within",
                format!("{} is out of range: accepted 0 to below 1", s.flat_within),
            );
        }
        text(&s.explain, "symptom.explain", r);
    }
    text(&spec.observe.say, "observe.say", r);
    if let Some(n) = spec.observe.seconds.filter(|n| !(5..=120).contains(n)) {
        r.add(
            "observe.seconds",
            format!("{n} is out of range: accepted 5 to 120 seconds"),
        );
    }
    if spec.observe.watch.is_empty() {
        r.add(
            "observe.watch",
            "no gauges: name at least one field to watch during the load run",
        );
    }
    investigate(&spec.investigate, spec.fix.as_ref(), r);
    question(&spec.diagnose, "diagnose", r);
    presence(spec, r);
    if let Some(q) = &spec.predict {
        question(q, "predict", r);
    }
    if let Some(c) = &spec.check {
        check_rules::check(c, spec.fix.as_ref(), r);
    }
    if let Some(m) = &spec.measure {
        check_rules::measure(m, r);
    }
    hints(spec, r);
}

/// A stage with a fix has every step after it; a stage without one has none.
fn presence(spec: &StageSpec, r: &mut Report<'_>) {
    let parts = [
        ("symptom", spec.symptom.is_some()),
        ("predict", spec.predict.is_some()),
        ("check", spec.check.is_some()),
        ("measure", spec.measure.is_some()),
    ];
    for (name, present) in parts {
        match (spec.fix.is_some(), present) {
            (true, false) => r.add(
                name,
                format!("missing: a stage with a [fix] needs a [{name}] too"),
            ),
            (false, true) => r.add(
                name,
                format!("[{name}] without a [fix]: remove it or add the fix"),
            ),
            _ => {}
        }
    }
}

fn investigate(inv: &Investigate, fix: Option<&Fix>, r: &mut Report<'_>) {
    text(&inv.say, "investigate.say", r);
    if inv.evidence.is_empty() {
        r.add(
            "investigate.evidence",
            "no evidence: list the commands whose output shows the fault",
        );
    }
    let mut ids = HashSet::new();
    for (i, e) in inv.evidence.iter().enumerate() {
        let path = format!("investigate.evidence[{i}]");
        id(&e.id, &format!("{path}.id"), &mut ids, r);
        if e.group.as_deref().is_some_and(|g| g.trim().is_empty()) {
            r.add(
                format!("{path}.group"),
                "empty: name the group, or leave it out (the id is the default)",
            );
        }
        if e.command.trim().is_empty() {
            r.add(
                format!("{path}.command"),
                "empty: give the canonical command that `show` runs",
            );
        }
        match e.runs_in {
            Place::Server | Place::Host => {
                if e.seen.is_none() {
                    r.add(
                        format!("{path}.seen"),
                        "missing: give the regex that means this evidence was seen",
                    );
                }
                if e.seen_when.is_some() {
                    r.add(
                        format!("{path}.seen_when"),
                        "only perflab evidence is judged on fields: use seen",
                    );
                }
            }
            Place::Perflab => {
                if !e.command.starts_with("perflab ") {
                    r.add(
                        format!("{path}.command"),
                        format!("{:?} is not a perflab command", e.command),
                    );
                }
                match &e.seen_when {
                    Some(p) => check_rules::predicate(p, fix, &format!("{path}.seen_when"), r),
                    None => r.add(
                        format!("{path}.seen_when"),
                        "missing: give the predicate that means seen",
                    ),
                }
                if e.seen.is_some() {
                    r.add(
                        format!("{path}.seen"),
                        "perflab evidence is judged on fields: use seen_when",
                    );
                }
            }
        }
        text(&e.means, &format!("{path}.means"), r);
    }
}

fn question(q: &Question, path: &str, r: &mut Report<'_>) {
    text(&q.ask, &format!("{path}.ask"), r);
    if q.choices.len() < 2 {
        r.add(
            format!("{path}.choice"),
            format!("{} choice(s): a question needs at least 2", q.choices.len()),
        );
    }
    let correct = q.choices.iter().filter(|c| c.correct).count();
    if correct != 1 {
        r.add(
            format!("{path}.choice"),
            format!("{correct} correct choices: exactly one must be correct"),
        );
    }
    for (i, c) in q.choices.iter().enumerate() {
        text(&c.text, &format!("{path}.choice[{i}].text"), r);
        text(&c.why, &format!("{path}.choice[{i}].why"), r);
    }
}

fn hints(spec: &StageSpec, r: &mut Report<'_>) {
    let steps = spec.steps();
    for (i, h) in spec.hints.iter().enumerate() {
        if !steps.contains(&h.step) {
            r.add(
                format!("hint[{i}].step"),
                format!("this stage has no {} step", h.step.name()),
            );
        }
        text(&h.text, &format!("hint[{i}].text"), r);
    }
    for needed in [StepKind::Investigate, StepKind::Fix] {
        if steps.contains(&needed) && spec.hints_for(needed).next().is_none() {
            r.add(
                "hint",
                format!("no hint for the {} step: give at least one", needed.name()),
            );
        }
    }
}
