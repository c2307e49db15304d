//! The course's faults as the challenge sees them: every stage that has a fix,
//! in the course's order. A line typed at the challenge's prompt is a fix when
//! it matches one of a stage's forms as the course's fix step reads them,
//! except the bare `{value}` forms: with every stage's fixes at one prompt, a
//! lone `20` or `1` would not say which setting it is for. Pure.
use std::collections::BTreeMap;

use crate::lab::Facts;
use crate::lessons::{At, Change, Course, Fix, Input, Lang, Need, StageSpec, Target, Text};
use crate::lessons::{FieldRef, Predicate};

use crate::tutor::facts::resolve;
use crate::tutor::judge;

/// One stage's fault: the lesson, and the fix forms the challenge reads.
#[derive(Debug, Clone)]
pub struct Fault {
    pub spec: StageSpec,
    fix: Fix,
}

#[derive(Debug, Clone)]
pub struct Faults {
    all: Vec<Fault>,
}

impl Faults {
    pub fn build(course: &Course) -> Faults {
        let all = course
            .stages
            .iter()
            .filter_map(|l| {
                let mut fix = l.spec.fix.clone()?;
                for c in &mut fix.changes {
                    c.forms.retain(|f| f.trim() != "{value}");
                }
                Some(Fault {
                    spec: l.spec.clone(),
                    fix,
                })
            })
            .collect();
        Faults { all }
    }

    pub fn all(&self) -> &[Fault] {
        &self.all
    }

    pub fn get(&self, stage: u8) -> Option<&Fault> {
        self.all.iter().find(|f| f.number() == stage)
    }

    /// The stage fix a typed line is, first stage first; `None` for any other line.
    pub fn read(&self, line: &str, lang: Lang) -> Option<(&Fault, Input<'_>)> {
        self.all
            .iter()
            .find_map(|f| f.fix.read_input(line, lang).map(|i| (f, i)))
    }
}

impl Fault {
    pub fn number(&self) -> u8 {
        self.spec.number
    }

    pub fn fix(&self) -> &Fix {
        &self.fix
    }

    pub fn change(&self, id: &str) -> Option<&Change> {
        self.fix.changes.iter().find(|c| c.id == id)
    }

    /// The course's fix as typed, with the lessons' reference values.
    pub fn reference(&self) -> Vec<String> {
        self.reference_with(|_| None)
    }

    /// The course's fix as typed: what `skip` would apply given `live`, the
    /// value in force of the sysctl a change raises (see [`Change::reference_for`]).
    pub fn reference_with(&self, mut live: impl FnMut(&Change) -> Option<u64>) -> Vec<String> {
        let mut out = Vec::new();
        for c in self
            .fix
            .changes
            .iter()
            .filter(|c| c.reference.is_some() || !c.target.takes_value())
        {
            let line = match c.target.takes_value() {
                false => c.reference_input(),
                true => match c.reference_for(live(c)) {
                    Some(v) => c
                        .forms
                        .first()
                        .map_or(v.clone(), |f| f.replace("{value}", &v)),
                    None => continue,
                },
            };
            out.push(line);
            if self.fix.need == Need::Any {
                break;
            }
        }
        out
    }

    pub fn hints(&self) -> impl Iterator<Item = &Text> {
        self.spec.hints.iter().map(|h| &h.text)
    }

    /// Whether the server no longer has this fault, as far as a snapshot can
    /// tell: the stage's check predicates read `now`, or, for a stage whose
    /// check needs a load run, its fix's settings hold accepted values.
    pub fn solved_now(&self, facts: &Facts, lang: Lang) -> bool {
        let now: Vec<&Predicate> = self
            .spec
            .check
            .iter()
            .flat_map(|c| c.predicates.iter())
            .filter(|p| p.at == At::Now)
            .collect();
        if !now.is_empty() {
            let fix = self.spec.fix.as_ref();
            return now
                .iter()
                .all(|p| judge::predicate(p, facts, &Facts::default(), fix, lang).ok);
        }
        let mut states = self
            .fix
            .changes
            .iter()
            .filter_map(|c| target_accepted(c, facts));
        match self.fix.need {
            Need::All => {
                let states: Vec<bool> = states.collect();
                !states.is_empty() && states.iter().all(|s| *s)
            }
            Need::Any => states.any(|s| s),
        }
    }
}

/// Whether the setting a change acts on holds a value its rule accepts; `None`
/// for a change that sets nothing readable (a command).
fn target_accepted(c: &Change, facts: &Facts) -> Option<bool> {
    let rule = c.value.as_ref()?;
    let value = match &c.target {
        Target::Knob(k) => match facts.knobs.as_ref()?.get(k) {
            Some(value) => value.to_string(),
            None => return Some(false),
        },
        Target::ServerSysctl(n) | Target::HostSysctl(n) => {
            let field = FieldRef::parse(&format!("sysctl.{n}")).ok()?;
            match resolve(&field, At::Now, facts) {
                Ok(v) => v.to_string(),
                Err(_) => return Some(false),
            }
        }
        Target::ServerCommand => return None,
    };
    Some(rule.accept(&value, None, Lang::En).is_ok())
}

/// What `hint` shows.
#[derive(Debug, Clone, PartialEq)]
pub enum HintChoice<'a> {
    /// The next hint of the first fault still in the server.
    Next {
        stage: u8,
        /// Its place among the stage's hints, from 0.
        index: usize,
        of: usize,
        text: &'a Text,
    },
    /// That fault's hints are all shown.
    UsedUp { stage: u8 },
    /// No fault is left that a snapshot can see.
    NoneLeft,
}

/// The next hint: from the first stage not yet solved now, in its own order.
pub fn choose_hint<'a>(
    faults: &'a Faults,
    facts: &Facts,
    shown: &BTreeMap<u8, u32>,
    lang: Lang,
) -> HintChoice<'a> {
    let Some(fault) = faults.all().iter().find(|f| !f.solved_now(facts, lang)) else {
        return HintChoice::NoneLeft;
    };
    let stage = fault.number();
    let index = shown.get(&stage).copied().unwrap_or(0) as usize;
    let of = fault.hints().count();
    match fault.hints().nth(index) {
        Some(text) => HintChoice::Next {
            stage,
            index,
            of,
            text,
        },
        None => HintChoice::UsedUp { stage },
    }
}

#[cfg(test)]
#[path = "faults_tests.rs"]
mod tests;
