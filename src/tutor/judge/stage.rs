//! What the course does with a stage that `run --auto` does too: check its fix
//! (predicates and the symptom under a load run), and compare the runs before
//! and after.
use crate::lessons::{Lang, StageSpec};

use super::{Comparison, SymptomVerdict, Verdict};
use crate::lab::{Facts, LabError, LabOps};

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
    let flame = spec.flame_function();
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
