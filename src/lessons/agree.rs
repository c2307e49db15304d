//! The fix step's own rules, and its agreement with the stage plan of
//! `containers/stages.toml`: the knobs a lesson names exist, and its reference
//! values are the ones the plan applies when a stage is skipped or started past.
use std::collections::{BTreeMap, HashSet};

use crate::config::{Knobs, Stage, StagePlan};

use super::fix::{Fix, Need, Target};
use super::problem::Report;
use super::problem::{id, text};
use super::schema::StageSpec;
use super::text::Lang;

/// The host-wide values perflab may raise (the engine's journal allows only these).
pub const HOST_SYSCTLS: &[&str] = &["net.netfilter.nf_conntrack_max"];

/// The knob that stands for a host-wide fix in the plan: a lab started past the
/// conntrack stage skips the table fill instead of raising the host's limit.
const HOST_FIX_KNOB: (&str, &str) = ("conntrack_fill", "false");

pub(crate) fn fix(f: &Fix, r: &mut Report<'_>) {
    text(&f.ask, "fix.ask", r);
    if f.changes.is_empty() {
        r.add("fix.change", "no changes: a fix needs at least one");
    }
    let mut ids = HashSet::new();
    let mut forms = HashSet::new();
    let mut bare = 0;
    for (i, c) in f.changes.iter().enumerate() {
        let path = format!("fix.change[{i}]");
        id(&c.id, &format!("{path}.id"), &mut ids, r);
        if c.forms.is_empty() {
            r.add(
                format!("{path}.forms"),
                "no forms: list what the learner may type",
            );
        }
        for (j, form) in c.forms.iter().enumerate() {
            let holes = form.matches("{value}").count();
            let fpath = format!("{path}.forms[{j}]");
            match (c.target.takes_value(), holes) {
                (true, 1) | (false, 0) => {}
                (true, _) => r.add(&fpath, format!("{form:?} needs exactly one {{value}}")),
                (false, _) => r.add(&fpath, format!("{form:?}: a command takes no {{value}}")),
            }
            bare += usize::from(form.trim() == "{value}");
            if !forms.insert(super::input::normalize(form)) {
                r.add(&fpath, format!("{form:?} is listed twice in this fix"));
            }
        }
        value(c, &path, r);
        text(&c.about, &format!("{path}.about"), r);
    }
    if bare > 1 {
        r.add(
            "fix.change",
            "more than one bare \"{value}\" form: a bare value would be ambiguous",
        );
    }
    if f.need == Need::All && f.changes.iter().any(|c| !c.target.takes_value()) {
        r.add(
            "fix.need",
            "a command change is an alternative: use need = \"any\"",
        );
    }
    let mut restart = HashSet::new();
    for s in &f.restart {
        if !restart.insert(*s) {
            r.add("fix.restart", format!("{s:?} is listed twice"));
        }
    }
}

fn value(c: &super::fix::Change, path: &str, r: &mut Report<'_>) {
    if !c.target.takes_value() {
        for (name, present) in [
            ("value", c.value.is_some()),
            ("reference", c.reference.is_some()),
            ("reject", c.reject.is_some()),
        ] {
            if present {
                r.add(
                    format!("{path}.{name}"),
                    "a command takes no value: remove it",
                );
            }
        }
        return;
    }
    let Some(rule) = &c.value else {
        return r.add(
            format!("{path}.value"),
            "missing: say which values are accepted",
        );
    };
    match &c.reject {
        Some(t) => text(t, &format!("{path}.reject"), r),
        None => r.add(
            format!("{path}.reject"),
            "missing: say why other values are refused",
        ),
    }
    match &c.reference {
        None => r.add(
            format!("{path}.reference"),
            "missing: a fix needs its reference value",
        ),
        Some(v) => match rule.accept(v, None, Lang::En) {
            Ok(canon) if canon != *v => r.add(
                format!("{path}.reference"),
                format!("write {v:?} as {canon:?}"),
            ),
            Ok(_) => {}
            Err(e) => r.add(
                format!("{path}.reference"),
                format!("outside its own accepted range: {e}"),
            ),
        },
    }
    if matches!(
        rule,
        super::fix::ValueRule::Integer {
            above_live: true,
            ..
        }
    ) && !matches!(c.target, Target::HostSysctl(_))
    {
        r.add(
            format!("{path}.value.above_live"),
            "only a host-wide sysctl is raised above its live value",
        );
    }
}

/// The knobs' names and values, as `containers/stages.toml` spells them.
fn knob_values(k: &Knobs) -> BTreeMap<String, String> {
    let json = serde_json::to_value(k).unwrap_or_default();
    json.as_object()
        .into_iter()
        .flatten()
        .map(|(name, v)| (name.clone(), spell(v)))
        .collect()
}

fn spell(v: &serde_json::Value) -> String {
    match v {
        serde_json::Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

/// The knobs a stage's fix sets in the plan.
fn patch_keys(stage: &Stage) -> BTreeMap<String, String> {
    let json = serde_json::to_value(&stage.fix).unwrap_or_default();
    json.as_object()
        .into_iter()
        .flatten()
        .filter(|(_, v)| !v.is_null())
        .map(|(name, v)| (name.clone(), spell(v)))
        .collect()
}

pub(crate) fn plan(spec: &StageSpec, plan: &StagePlan, r: &mut Report<'_>) {
    let Some(stage) = plan.stage(spec.number) else {
        return r.add(
            "number",
            format!(
                "stage {} is not in containers/stages.toml, which has stages 0 to {}",
                spec.number,
                plan.last()
            ),
        );
    };
    if spec.name != stage.name {
        r.add(
            "name",
            format!(
                "{:?} differs from containers/stages.toml, which names it {:?}",
                spec.name, stage.name
            ),
        );
    }
    let knobs = knob_values(&plan.knobs_after_fix(spec.number));
    let sysctls: BTreeMap<&str, String> = plan
        .knobs_after_fix(spec.number)
        .sysctls()
        .into_iter()
        .collect();
    let planned = patch_keys(stage);
    let mut covered = HashSet::new();
    let changes = spec.fix.as_ref().map_or(&[][..], |f| &f.changes);
    for (i, c) in changes.iter().enumerate() {
        let path = format!("fix.change[{i}].target");
        let (knob, want) = match &c.target {
            Target::Knob(name) => match knobs.get(name) {
                Some(v) => (name.clone(), v.clone()),
                None => {
                    let names: Vec<&str> = knobs.keys().map(String::as_str).collect();
                    r.add(
                        &path,
                        format!("unknown knob {name:?}: the knobs are {}", names.join(", ")),
                    );
                    continue;
                }
            },
            Target::ServerSysctl(name) => match sysctls.get(name.as_str()) {
                // The plan's knob for a sysctl carries the sysctl's last name.
                Some(v) => (
                    name.rsplit('.').next().unwrap_or(name).to_string(),
                    v.clone(),
                ),
                None => {
                    let names: Vec<&str> = sysctls.keys().copied().collect();
                    r.add(
                        &path,
                        format!(
                            "{name:?} is not a server sysctl of the plan: use one of {}",
                            names.join(", ")
                        ),
                    );
                    continue;
                }
            },
            Target::HostSysctl(name) => {
                if !HOST_SYSCTLS.contains(&name.as_str()) {
                    r.add(
                        &path,
                        format!(
                            "{name:?} is not a host value perflab changes: only {}",
                            HOST_SYSCTLS.join(", ")
                        ),
                    );
                }
                covered.insert(HOST_FIX_KNOB.0.to_string());
                continue;
            }
            Target::ServerCommand => continue,
        };
        if !planned.contains_key(&knob) {
            r.add(
                &path,
                format!(
                    "containers/stages.toml's stage {} fix does not set {knob}",
                    spec.number
                ),
            );
        } else if c.reference.as_ref().is_some_and(|v| *v != want) {
            r.add(
                format!("fix.change[{i}].reference"),
                format!(
                    "{:?} disagrees with containers/stages.toml, whose fix sets {knob} = {want:?}",
                    c.reference.as_deref().unwrap_or_default()
                ),
            );
        }
        covered.insert(knob);
    }
    for (knob, v) in &planned {
        let host = (knob.as_str(), v.as_str()) == HOST_FIX_KNOB;
        let by_command = host && changes.iter().any(|c| !c.target.takes_value());
        if !(covered.contains(knob) || by_command) {
            r.add("fix", format!("containers/stages.toml's stage {} fix sets {knob} = {v:?}, but no change here does", spec.number));
        }
    }
}
