//! A before/after comparison of the measure step, decided against the noise.
use crate::lessons::{At, Compare, Expect};

use super::noise::{self, Outcome};
use crate::tutor::facts::{resolve, Facts};

/// A before/after comparison of the measure step.
#[derive(Debug, Clone, PartialEq)]
pub struct Comparison {
    pub field: String,
    pub before: Option<f64>,
    pub after: Option<f64>,
    pub expect: Expect,
    pub headline: bool,
    pub outcome: Outcome,
}

/// A comparison of the runs before and after, against the spread of repeated
/// runs of the same state (`band`, max/min; see [`super::noise`]).
pub fn comparison(c: &Compare, before: &Facts, after: &Facts, band: f64) -> Comparison {
    let b = resolve(&c.field, At::Load, before)
        .ok()
        .and_then(|v| v.number());
    let a = resolve(&c.field, At::Load, after)
        .ok()
        .and_then(|v| v.number());
    let outcome = match (b, a) {
        (Some(b), Some(a)) => noise::call(c.expect, b, a, band),
        _ => Outcome::Inconclusive,
    };
    Comparison {
        field: c.field.text.clone(),
        before: b,
        after: a,
        expect: c.expect,
        headline: c.headline,
        outcome,
    }
}
