//! The rules that keep a stage discovery-first: nothing before the diagnosis
//! names the stage's cause, fix or counter; the right choice does not stand out
//! by its length; hints go from a nudge to the command; the evidence comes in
//! independent groups; the live gauges do not show the cause.
use super::check::Predicate;
use super::fields::FieldRef;
use super::fix::Target;
use super::problem::{Problem, Report};
use super::schema::{Question, StageSpec};
use super::steps::{HintLevel, StepKind};
use super::text::{is_cjk, Lang, Text};

/// How much longer than the longest wrong choice the right one may be.
pub const CHOICE_RATIO: f64 = 1.2;

/// The fewest independent evidence groups a stage's investigation offers.
pub const MIN_GROUPS: usize = 3;

/// A word the texts before the diagnosis must not contain, and where it comes from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Forbidden {
    pub word: String,
    pub from: String,
}

pub(crate) fn stage(
    spec: &StageSpec,
    brief: &Text,
    root: &str,
    dir: &str,
    problems: &mut Vec<Problem>,
) {
    let words = forbidden(spec);
    for lang in Lang::ALL {
        let mut r = Report {
            file: format!("{root}/{dir}/brief.{}.md", lang.code()),
            problems: &mut *problems,
        };
        neutral(brief.get(lang), "", &words, &mut r);
    }
    let mut r = Report {
        file: format!("{root}/{dir}/stage.toml"),
        problems,
    };
    for lang in Lang::ALL {
        let c = lang.code();
        neutral(spec.title.get(lang), &format!("title.{c}"), &words, &mut r);
        let say = spec.observe.say.get(lang);
        neutral(say, &format!("observe.say.{c}"), &words, &mut r);
        let say = spec.investigate.say.get(lang);
        neutral(say, &format!("investigate.say.{c}"), &words, &mut r);
        for (i, h) in spec.hints.iter().enumerate() {
            if h.level == Some(HintLevel::Nudge) {
                neutral(
                    h.text.get(lang),
                    &format!("hint[{i}].text.{c}"),
                    &words,
                    &mut r,
                );
            }
        }
    }
    balanced(&spec.diagnose, "diagnose", &mut r);
    if let Some(q) = &spec.predict {
        balanced(q, "predict", &mut r);
    }
    hint_levels(spec, &mut r);
    groups(spec, &mut r);
    watch(spec, &mut r);
}

/// The words of `[brief] avoid`, and those derived from the stage's fix (sysctl
/// names and their last component, knobs, the forms' fixed part), its symptom
/// and its check's fields (the name and its last component).
pub fn forbidden(spec: &StageSpec) -> Vec<Forbidden> {
    let mut out = Vec::new();
    let mut add = |word: &str, from: &str| {
        let word = word.trim().trim_end_matches(['=', ';', ' ']).trim();
        if !word.is_empty()
            && !out
                .iter()
                .any(|f: &Forbidden| f.word.eq_ignore_ascii_case(word))
        {
            out.push(Forbidden {
                word: word.to_string(),
                from: from.to_string(),
            });
        }
    };
    for w in &spec.brief.avoid {
        add(w, "[brief] avoid");
    }
    for (i, c) in spec.fix.iter().flat_map(|f| f.changes.iter()).enumerate() {
        let from = format!("fix.change[{i}]");
        match &c.target {
            Target::HostSysctl(n) | Target::ServerSysctl(n) => {
                add(n, &from);
                add(n.rsplit('.').next().unwrap_or(n), &from);
            }
            Target::Knob(k) => add(k, &from),
            Target::ServerCommand => {}
        }
        for form in &c.forms {
            add(
                form.split("{value}").next().unwrap_or(form),
                &format!("{from}.forms"),
            );
        }
    }
    let mut field = |f: &FieldRef, from: &str| {
        let name = match f.info.name {
            "sysctl" => f.key.clone().unwrap_or_default(),
            n => n.to_string(),
        };
        add(&name, from);
        add(name.rsplit('.').next().unwrap_or(&name), from);
    };
    if let Some(s) = &spec.symptom {
        field(&s.field, "symptom.field");
    }
    let predicates: Vec<&Predicate> = spec.check.iter().flat_map(|c| &c.predicates).collect();
    for (i, p) in predicates.iter().enumerate() {
        let from = format!("check.predicate[{i}]");
        field(&p.field, &from);
        if let Some(of) = &p.of {
            field(of, &from);
        }
    }
    out
}

/// Where `word` occurs in `text`, case-insensitively: as a whole word for Latin
/// words, anywhere for Chinese ones.
pub fn contains_word(text: &str, word: &str) -> bool {
    let (text, word) = (text.to_lowercase(), word.to_lowercase());
    let latin = |c: Option<char>| c.is_some_and(|c| c.is_alphanumeric() && !is_cjk(c) || c == '_');
    text.match_indices(&word).any(|(i, _)| {
        let before = text[..i].chars().next_back();
        let after = text[i + word.len()..].chars().next();
        let edge = |w: Option<char>, n: Option<char>| !latin(w) || !latin(n);
        edge(word.chars().next(), before) && edge(word.chars().next_back(), after)
    })
}

fn neutral(text: &str, path: &str, words: &[Forbidden], r: &mut Report<'_>) {
    for f in words.iter().filter(|f| contains_word(text, &f.word)) {
        r.add(
            path,
            format!(
                "names {:?} (from {}): the title, the brief, observe.say, investigate.say and nudge hints must not name the stage's cause, fix or counter (rule: neutral until the diagnosis)",
                f.word, f.from
            ),
        );
    }
}

/// The right choice is at most [`CHOICE_RATIO`] times the longest wrong one, in
/// characters (a Chinese character counts one), in each language.
fn balanced(q: &Question, path: &str, r: &mut Report<'_>) {
    let right = q.correct();
    for lang in Lang::ALL {
        let len = |t: &Text| t.get(lang).chars().count();
        let longest_wrong = q
            .choices
            .iter()
            .enumerate()
            .filter(|(i, _)| *i != right)
            .map(|(_, c)| len(&c.text))
            .max()
            .unwrap_or(0);
        let Some(c) = q.choices.get(right).filter(|c| c.correct) else {
            continue;
        };
        let n = len(&c.text);
        if n as f64 > CHOICE_RATIO * longest_wrong as f64 {
            r.add(
                format!("{path}.choice[{right}].text.{}", lang.code()),
                format!("the right choice has {n} characters, more than {CHOICE_RATIO} × the longest wrong one ({longest_wrong}): make the choices alike in length (rule: balanced choices)"),
            );
        }
    }
}

/// Investigate hints: each has a level, at least one of each, nudge → where → command.
fn hint_levels(spec: &StageSpec, r: &mut Report<'_>) {
    if !spec.steps().contains(&StepKind::Investigate) {
        return;
    }
    let mut highest: Option<HintLevel> = None;
    for (i, h) in spec.hints.iter().enumerate() {
        if h.step != StepKind::Investigate {
            continue;
        }
        let Some(level) = h.level else {
            r.add(
                format!("hint[{i}].level"),
                "missing: an investigate hint needs level = \"nudge\", \"where\" or \"command\" (rule: three hint levels)",
            );
            continue;
        };
        if let Some(top) = highest.filter(|top| level < *top) {
            r.add(
                format!("hint[{i}].level"),
                format!("{} after a {} hint: investigate hints go nudge → where → command (rule: three hint levels)", level.name(), top.name()),
            );
        }
        highest = highest.max(Some(level));
    }
    for level in HintLevel::ALL {
        let has = spec
            .hint_entries(StepKind::Investigate)
            .any(|h| h.level == Some(level));
        if !has {
            r.add(
                "hint",
                format!("no {} hint for the investigate step: give a nudge, a where and a command hint, in that order (rule: three hint levels)", level.name()),
            );
        }
    }
}

fn groups(spec: &StageSpec, r: &mut Report<'_>) {
    let mut groups: Vec<&str> = spec
        .investigate
        .evidence
        .iter()
        .map(|e| e.group())
        .collect();
    groups.sort_unstable();
    groups.dedup();
    if groups.len() < MIN_GROUPS {
        r.add(
            "investigate.evidence",
            format!("evidence in {} group(s): give at least {MIN_GROUPS} independent groups, so that the learner can see two independent pieces (rule: evidence groups)", groups.len()),
        );
    }
}

/// The live gauges of the observe run show no field of the family of the
/// stage's symptom or check (stage 1: no `conntrack.*`); `load.*` is neutral.
fn watch(spec: &StageSpec, r: &mut Report<'_>) {
    let family = |f: &FieldRef| {
        f.text
            .split(['.', '['])
            .next()
            .unwrap_or_default()
            .to_string()
    };
    let mut telling: Vec<String> = spec.symptom.iter().map(|s| family(&s.field)).collect();
    for p in spec.check.iter().flat_map(|c| &c.predicates) {
        telling.push(family(&p.field));
        telling.extend(p.of.iter().map(family));
    }
    for (i, f) in spec.observe.watch.iter().enumerate() {
        let fam = family(f);
        if fam != "load" && telling.contains(&fam) {
            r.add(
                format!("observe.watch[{i}]"),
                format!("{f} gives the cause away before the diagnosis (a {fam}.* field, like the stage's symptom or check): watch load.* figures and neutral fields (rule: neutral until the diagnosis)"),
            );
        }
    }
}

#[cfg(test)]
#[path = "discovery_tests.rs"]
mod tests;
