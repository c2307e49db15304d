//! What the course does with a stage that `run --auto` does too: apply its
//! reference fix, check it (predicates and the symptom under a load run), and
//! compare the runs before and after.
use crate::engine::Side;
use crate::lessons::{Change, FieldRef, Lang, Need, StageSpec};

use super::{Comparison, SymptomVerdict, Verdict};
use crate::lab::{ExecTarget, Facts, LabError, LabOps};

/// The reference fix of a stage, applied as a learner's typed fix would be.
/// With `need = "any"`, the first change that has a reference this host can
/// take (see [`Change::reference_for`]).
pub fn apply_reference(ops: &mut dyn LabOps, spec: &StageSpec) -> Result<Vec<String>, LabError> {
    let Some(fix) = &spec.fix else {
        return Ok(Vec::new());
    };
    let mut done = Vec::new();
    for change in fix
        .changes
        .iter()
        .filter(|c| c.reference.is_some() || !c.target.takes_value())
    {
        let value = match change.target.takes_value() {
            true => match change.reference_for(live_value(ops, change)?) {
                Some(v) => Some(v),
                None if fix.need == Need::Any => continue,
                None => {
                    return Err(LabError::NoReference {
                        change: change.id.clone(),
                    })
                }
            },
            false => None,
        };
        done.push(ops.apply(change, value.as_deref())?);
        if fix.need == Need::Any {
            break;
        }
    }
    ops.restart(&fix.restart)?;
    Ok(done)
}

/// The value in force of the sysctl a change sets, when it is a number.
pub fn live_value(ops: &mut dyn LabOps, change: &Change) -> Result<Option<u64>, LabError> {
    let Some(name) = change.target_sysctl() else {
        return Ok(None);
    };
    let out = ops.exec(
        ExecTarget::Server(Side::Nginx),
        &format!("sysctl -n {name}"),
    )?;
    Ok(Some(out)
        .filter(|o| o.code == 0)
        .and_then(|o| o.stdout.trim().parse().ok()))
}

/// The one flame-graph function a stage's symptom, check or measure reads, if any.
pub fn flame_function(spec: &StageSpec) -> Option<String> {
    let mut fields: Vec<&FieldRef> = spec.symptom.iter().map(|s| &s.field).collect();
    if let Some(c) = &spec.check {
        fields.extend(c.predicates.iter().map(|p| &p.field));
    }
    if let Some(m) = &spec.measure {
        fields.extend(m.compares.iter().map(|c| &c.field));
    }
    fields
        .into_iter()
        .find(|f| f.info.name == "flame.share")
        .and_then(|f| f.key.clone())
}

/// The outcome of a stage's check.
#[derive(Debug, Clone)]
pub struct CheckOutcome {
    pub verdicts: Vec<Verdict>,
    pub symptom: Option<(f64, f64, SymptomVerdict)>,
    /// The load run of the check (it doubles as the measure step's "after").
    pub after: Facts,
}

impl CheckOutcome {
    pub fn passed(&self) -> bool {
        self.verdicts.iter().all(|v| v.ok)
            && !matches!(self.symptom, Some((_, _, SymptomVerdict::StillThere)))
    }

    pub fn failures(&self) -> impl Iterator<Item = &Verdict> {
        self.verdicts.iter().filter(|v| !v.ok)
    }
}

/// Checks the stage after its fix: one load run (with a flame recording if the
/// stage reads one), every predicate, and the symptom against `before`.
pub fn check(
    ops: &mut dyn LabOps,
    spec: &StageSpec,
    before: &Facts,
    live: bool,
    lang: Lang,
) -> Result<CheckOutcome, LabError> {
    let flame = flame_function(spec);
    let after = ops.run_load(live, flame.as_deref(), spec.observe.seconds)?;
    let verdicts = spec
        .check
        .iter()
        .flat_map(|c| c.predicates.iter())
        .map(|p| super::predicate(p, &after, before, spec.fix.as_ref(), lang))
        .collect();
    let symptom = spec.symptom.as_ref().and_then(|s| {
        let b = super::symptom_growth(s, before)?;
        let a = super::symptom_growth(s, &after)?;
        Some((b, a, super::symptom(s, b, a)))
    });
    Ok(CheckOutcome {
        verdicts,
        symptom,
        after,
    })
}

/// The measure step's comparisons of the runs before and after the fix.
pub fn compare(spec: &StageSpec, before: &Facts, after: &Facts) -> Vec<Comparison> {
    spec.measure
        .iter()
        .flat_map(|m| m.compares.iter())
        .map(|c| {
            let band = super::noise::band_for(&c.field, spec.number);
            super::comparison(c, before, after, band)
        })
        .collect()
}
