//! The steps of the learner's loop and the hints that belong to them.
//!
//! The loop is fixed: brief → observe → investigate → diagnose → predict → fix
//! → check → measure → debrief. Stage 0 (the baseline) has no predict, fix,
//! check or measure: its debrief follows the diagnosis.
use serde::{Deserialize, Serialize};

use super::text::Text;

/// The steps of the learner's loop, in their order.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum StepKind {
    /// The stage's ticket: what users see and the goal, never the cause.
    /// Progress saved before format 2 names it "read".
    #[serde(alias = "read")]
    Brief,
    Observe,
    Investigate,
    Diagnose,
    Predict,
    Fix,
    Check,
    Measure,
    /// What was wrong, why the fix works, what it costs; then the solved title.
    Debrief,
}

impl StepKind {
    /// Every step, in the learner's order.
    pub const ALL: [StepKind; 9] = [
        StepKind::Brief,
        StepKind::Observe,
        StepKind::Investigate,
        StepKind::Diagnose,
        StepKind::Predict,
        StepKind::Fix,
        StepKind::Check,
        StepKind::Measure,
        StepKind::Debrief,
    ];

    pub fn name(self) -> &'static str {
        match self {
            StepKind::Brief => "brief",
            StepKind::Observe => "observe",
            StepKind::Investigate => "investigate",
            StepKind::Diagnose => "diagnose",
            StepKind::Predict => "predict",
            StepKind::Fix => "fix",
            StepKind::Check => "check",
            StepKind::Measure => "measure",
            StepKind::Debrief => "debrief",
        }
    }

    /// The step a saved name stands for; "read" is the brief's name before format 2.
    pub fn from_name(name: &str) -> Option<StepKind> {
        match name {
            "read" => Some(StepKind::Brief),
            _ => StepKind::ALL.into_iter().find(|k| k.name() == name),
        }
    }
}

/// How much an investigate hint gives away. Hints of the investigate step go
/// from the least to the most: a question, then where to look, then the command.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum HintLevel {
    /// A question that points the thinking; it names no subsystem.
    Nudge,
    /// Which layer, tool or log to look at.
    Where,
    /// The exact command.
    Command,
}

impl HintLevel {
    pub const ALL: [HintLevel; 3] = [HintLevel::Nudge, HintLevel::Where, HintLevel::Command];

    pub fn name(self) -> &'static str {
        match self {
            HintLevel::Nudge => "nudge",
            HintLevel::Where => "where",
            HintLevel::Command => "command",
        }
    }
}

/// A hint for one step.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Hint {
    pub step: StepKind,
    /// Required for investigate hints; optional for the others.
    pub level: Option<HintLevel>,
    pub text: Text,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_round_trip_and_read_is_the_brief() {
        for k in StepKind::ALL {
            assert_eq!(StepKind::from_name(k.name()), Some(k));
        }
        assert_eq!(StepKind::from_name("read"), Some(StepKind::Brief));
        assert_eq!(StepKind::from_name("reading"), None);
        let k: StepKind = serde_json::from_str("\"read\"").unwrap();
        assert_eq!(k, StepKind::Brief);
        assert_eq!(
            serde_json::to_string(&StepKind::Brief).unwrap(),
            "\"brief\""
        );
        assert!(StepKind::Measure < StepKind::Debrief);
    }
}
