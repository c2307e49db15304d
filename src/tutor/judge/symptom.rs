//! The stage's symptom: it grew during the run before the fix and stays flat
//! after it. Pure.
use crate::lessons::{At, Symptom};

use crate::tutor::facts::{resolve, Facts};

/// The symptom's growth over a run; `None` when it cannot be read.
pub fn symptom_growth(s: &Symptom, run: &Facts) -> Option<f64> {
    resolve(&s.field, At::Load, run).ok()?.number()
}

/// How the symptom behaved: grew before the fix, flat after it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SymptomVerdict {
    /// Grew before, flat after.
    Fixed,
    /// Did not grow before the fix: this run shows nothing to fix.
    NotShown,
    /// Still grows after the fix.
    StillThere,
}

pub fn symptom(s: &Symptom, before: f64, after: f64) -> SymptomVerdict {
    if before <= 0.0 {
        SymptomVerdict::NotShown
    } else if after <= before * s.flat_within {
        SymptomVerdict::Fixed
    } else {
        SymptomVerdict::StillThere
    }
}
