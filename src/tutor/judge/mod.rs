//! Judging: a lesson's predicates, its symptom and its before/after
//! comparisons against what was measured, the noise that decides a comparison,
//! a stage's check and measure as the course and `run --auto` both do them, and
//! the lines that show a judgment. The steps (check, measure) only call it.
pub mod comparison;
pub mod lines;
pub mod noise;
pub mod predicate;
pub mod stage;
pub mod symptom;

pub use comparison::{comparison, Comparison};
pub use noise::Outcome;
pub use predicate::{predicate, Verdict};
pub use symptom::{symptom, symptom_growth, SymptomVerdict};
