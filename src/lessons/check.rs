//! The check and measure steps of a stage: predicates over the evidence after
//! the fix, and the comparisons of the load run after the fix with the one
//! before it.
use serde::Deserialize;

use super::fields::FieldRef;
use super::text::Text;

/// Step 7: every predicate must hold. The check runs the stage's load once:
/// predicates with `at = "load"` read that run, `at = "now"` ones a snapshot
/// taken just before it, and the stage's symptom must stay flat during it.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Check {
    /// Said before checking.
    pub say: Text,
    #[serde(rename = "predicate")]
    pub predicates: Vec<Predicate>,
}

/// When a field is read.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum At {
    /// A snapshot of the server as it is (settings, gauges).
    #[default]
    Now,
    /// During a load run: a counter's growth over the run, a gauge at its end,
    /// a run figure, or a flame-graph share recorded under that load.
    Load,
}

/// A comparison: `field op rhs`, where rhs is `value`, or `factor × of`, or
/// `factor × (the same field before the fix)`.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Predicate {
    pub field: FieldRef,
    #[serde(default)]
    pub at: At,
    pub op: Op,
    /// A constant right-hand side: a number, or a text for `==`/`!=`.
    pub value: Option<Operand>,
    /// Another field, read at the same time.
    pub of: Option<FieldRef>,
    /// The same field as read during the stage's observe run (with `at = "load"`).
    #[serde(default)]
    pub before: bool,
    /// Multiplies `of` or `before`; 1 when absent.
    pub factor: Option<f64>,
    /// Why this must hold; shown with the observed value when it does not.
    pub explain: Text,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
pub enum Op {
    #[serde(rename = "<")]
    Lt,
    #[serde(rename = "<=")]
    Le,
    #[serde(rename = "==")]
    Eq,
    #[serde(rename = "!=")]
    Ne,
    #[serde(rename = ">=")]
    Ge,
    #[serde(rename = ">")]
    Gt,
    /// The setting's value is one the stage's fix accepts (its range): for a
    /// sysctl the fix sets, or a setting field standing for a knob it sets.
    #[serde(rename = "accepted")]
    Accepted,
}

#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(untagged)]
pub enum Operand {
    Number(f64),
    Text(String),
}

/// Step 8: the load again; each comparison with the run before the fix.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Measure {
    pub say: Text,
    #[serde(rename = "compare")]
    pub compares: Vec<Compare>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Compare {
    /// A run figure, or a counter's growth over the run.
    pub field: FieldRef,
    pub expect: Expect,
    /// The one figure the verdict is about (goodput); exactly one per stage.
    #[serde(default)]
    pub headline: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Expect {
    Higher,
    Lower,
    Same,
}
