//! The schema of `lessons/<n>-<slug>/stage.toml`: one stage of the course as data.
//!
//! The learner's loop is fixed (see [`StepKind`]), so each step is a named table
//! that appears at most once and in that order; [`StageSpec::steps`] lists the
//! steps a stage has. The brief and the debrief are the prose beside this file
//! (`brief.en.md`, `debrief.zh.md`, ...). Stage 0 (the baseline) goes from its
//! diagnosis to its debrief; every other stage has all nine steps.
//!
//! Every table rejects unknown keys, and `format` versions the schema. The rules
//! that serde cannot express (one correct choice, a reference value inside its
//! own range, agreement with `containers/stages.toml`, ...) live in `validate`.
use serde::Deserialize;

use super::check::{Check, Measure, Predicate};
use super::fields::FieldRef;
use super::fix::{Fix, Service};
use super::steps::{Hint, StepKind};
use super::text::{Lang, Text};

/// The only schema version this build reads.
pub const FORMAT: u32 = 2;

/// One stage of the course.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct StageSpec {
    /// Version of this schema: [`FORMAT`].
    pub format: u32,
    /// 0 to 6; the folder's prefix and the stage's number in `containers/stages.toml`.
    pub number: u8,
    /// The stage's name exactly as in `containers/stages.toml` (`"listen queues"`).
    pub name: String,
    /// The neutral title: what users see, shown until the stage is solved.
    pub title: Text,
    /// The title that names the fault: shown in the debrief, the report, and
    /// once the stage is solved.
    pub solved_title: Text,
    /// Rules for the texts shown before the diagnosis.
    #[serde(default)]
    pub brief: BriefRules,
    /// The counter that shows this stage's fault. Absent only in a stage without a fix.
    pub symptom: Option<Symptom>,
    /// Step 2: a load run with live gauges.
    pub observe: Observe,
    /// Step 3: commands at the lab prompt, and the evidence the tutor watches for.
    pub investigate: Investigate,
    /// Step 4: what is wrong? One correct choice.
    pub diagnose: Question,
    /// Step 5: what will the fix do? One correct choice.
    pub predict: Option<Question>,
    /// Step 6: what the learner types, and what it changes.
    pub fix: Option<Fix>,
    /// Step 7: predicates over the system's state after the fix.
    pub check: Option<Check>,
    /// Step 8: the same load again, compared with the run before the fix.
    pub measure: Option<Measure>,
    /// Hints, shown one at a time in this order, each for one step.
    #[serde(default, rename = "hint")]
    pub hints: Vec<Hint>,
}

impl StageSpec {
    /// The one flame-graph function a stage's symptom, check or measure reads, if any.
    pub fn flame_function(&self) -> Option<String> {
        let mut fields: Vec<&FieldRef> = self.symptom.iter().map(|s| &s.field).collect();
        if let Some(c) = &self.check {
            fields.extend(c.predicates.iter().map(|p| &p.field));
        }
        if let Some(m) = &self.measure {
            fields.extend(m.compares.iter().map(|c| &c.field));
        }
        fields
            .into_iter()
            .find(|f| f.info.name == "flame.share")
            .and_then(|f| f.key.clone())
    }

    /// The steps this stage has, in the order the learner takes them.
    pub fn steps(&self) -> Vec<StepKind> {
        let mut steps = vec![
            StepKind::Brief,
            StepKind::Observe,
            StepKind::Investigate,
            StepKind::Diagnose,
        ];
        let optional = [
            (self.predict.is_some(), StepKind::Predict),
            (self.fix.is_some(), StepKind::Fix),
            (self.check.is_some(), StepKind::Check),
            (self.measure.is_some(), StepKind::Measure),
        ];
        steps.extend(optional.into_iter().filter(|(has, _)| *has).map(|(_, k)| k));
        steps.push(StepKind::Debrief);
        steps
    }

    /// The title to show: the neutral one until the stage is solved.
    pub fn title_for(&self, lang: Lang, solved: bool) -> &str {
        match solved {
            true => self.solved_title.get(lang),
            false => self.title.get(lang),
        }
    }

    /// The hints of one step, with their levels, in order.
    pub fn hint_entries(&self, step: StepKind) -> impl Iterator<Item = &Hint> {
        self.hints.iter().filter(move |h| h.step == step)
    }

    /// The hints of one step, in order.
    pub fn hints_for(&self, step: StepKind) -> impl Iterator<Item = &Text> {
        self.hints
            .iter()
            .filter(move |h| h.step == step)
            .map(|h| &h.text)
    }

    /// The services a fix restarts, empty without a fix.
    pub fn restarts(&self) -> &[Service] {
        self.fix.as_ref().map_or(&[], |f| &f.restart)
    }
}

/// `[brief]`: words that the title, the brief, `observe.say` and
/// `investigate.say` must not contain (both languages together), on top of the
/// ones `perflab dev check` derives from the stage's fix, symptom and check.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct BriefRules {
    #[serde(default)]
    pub avoid: Vec<String>,
}

/// The stage's fault as a counter (or a flame-graph share): it must grow during
/// the load run before the fix (a share: be present), and stay flat during the
/// check's run after it.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Symptom {
    /// A [`Counter`](super::fields::FieldKind::Counter) or
    /// [`Share`](super::fields::FieldKind::Share) field.
    pub field: FieldRef,
    /// How much growth still counts as flat, as a fraction of the growth before
    /// the fix over an equal run: 0 means none at all.
    #[serde(default)]
    pub flat_within: f64,
    /// What the counter means, shown with its values.
    pub explain: Text,
}

/// Step 2: a load run at the mistuned server.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Observe {
    /// What to look at while the load runs.
    pub say: Text,
    /// The fields shown as live gauges during the run.
    pub watch: Vec<FieldRef>,
    /// How long this stage's runs last, in seconds, when not the standard
    /// load's 10: a state that builds up over time (TIME_WAIT lives 60 s) is
    /// measured long enough to reach it.
    pub seconds: Option<u32>,
}

/// Step 3: the learner types commands at the lab prompt (run inside the server).
/// The tutor runs each and tests its output against every evidence's pattern.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Investigate {
    /// What to look for, shown when the step begins.
    pub say: Text,
    /// The evidence of this stage, in the order `show` offers it: broad first.
    pub evidence: Vec<Evidence>,
}

impl Investigate {
    /// How many independent groups the seen evidence (by id) covers.
    pub fn groups_seen(&self, seen: &[String]) -> usize {
        let mut groups: Vec<&str> = self
            .evidence
            .iter()
            .filter(|e| seen.contains(&e.id))
            .map(Evidence::group)
            .collect();
        groups.sort_unstable();
        groups.dedup();
        groups.len()
    }
}

/// Where an evidence's command runs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Place {
    /// Inside the server's network namespace (the nginx container): the lab prompt.
    Server,
    /// In a short-lived host helper (host pid, SYSLOG): the kernel log, perf.
    Host,
    /// A perflab command (`perflab flame`, `perflab probe`), judged on its fields.
    Perflab,
}

/// One piece of evidence the tutor watches for.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Evidence {
    /// Short kebab-case name, unique in the stage: `show <id>` runs `command`.
    pub id: String,
    pub runs_in: Place,
    /// The canonical command, as typed at the prompt.
    pub command: String,
    /// Server and host evidence: a regex over what the learner saw, the command
    /// line as `$ <command>` then its output (see [`Evidence::is_seen`]); a match
    /// means this evidence has been seen, whichever command showed it.
    pub seen: Option<Pattern>,
    /// Perflab evidence: the predicate over the command's fields that means seen.
    pub seen_when: Option<Predicate>,
    /// Pieces of evidence in different groups are independent; default: the id.
    pub group: Option<String>,
    /// What the output tells, shown once the evidence has been seen.
    pub means: Text,
}

impl Evidence {
    /// The group this evidence counts in: its `group`, or else its id.
    pub fn group(&self) -> &str {
        self.group.as_deref().unwrap_or(&self.id)
    }

    /// Whether a command the learner ran, and its output, show this evidence.
    /// Perflab evidence is judged on fields by the tutor, so it is never seen here.
    pub fn is_seen(&self, command: &str, output: &str) -> bool {
        let screen = format!("$ {}\n{output}", command.trim());
        self.seen.as_ref().is_some_and(|p| p.is_match(&screen))
    }
}

/// A regular expression, compiled when the file is parsed.
#[derive(Debug, Clone, Deserialize)]
#[serde(try_from = "String")]
pub struct Pattern(pub regex::Regex);

impl TryFrom<String> for Pattern {
    type Error = String;
    fn try_from(s: String) -> Result<Self, String> {
        regex::Regex::new(&s)
            .map(Pattern)
            .map_err(|e| format!("invalid regex {s:?}: {e}"))
    }
}

impl Pattern {
    pub fn is_match(&self, output: &str) -> bool {
        self.0.is_match(output)
    }
}

/// A multiple-choice question (diagnose, predict).
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Question {
    pub ask: Text,
    #[serde(rename = "choice")]
    pub choices: Vec<Choice>,
}

impl Question {
    /// The index of the correct choice (validation ensures there is exactly one).
    pub fn correct(&self) -> usize {
        self.choices.iter().position(|c| c.correct).unwrap_or(0)
    }
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Choice {
    pub text: Text,
    #[serde(default)]
    pub correct: bool,
    /// Feedback once this choice is picked: why it is right or wrong.
    pub why: Text,
}
