//! Two rules that look across the stages. A stage's texts close that stage and
//! announce nothing after it: no "next stage", no "the last stage", no "stage 5"
//! in stage 3 (the learner finds each fault from its own evidence). And across
//! the course the right choice of a question is not the longest one more often
//! than by chance: at most a third of the questions, in each language.
use regex::Regex;
use std::sync::LazyLock;

use super::problem::{Problem, Report};
use super::schema::{Question, StageSpec};
use super::text::{Lang, Text};

/// The most questions, as a share of the course's, whose right choice may be
/// their longest.
pub const LONGEST_RIGHT_SHARE: f64 = 1.0 / 3.0;

/// Words that announce a stage to come, whatever its number.
static AHEAD: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"(?i)\b(next|last|later|following|coming|final) stages?\b|下一关|最后一关|后面几关|后面的关|后几关|之后的关|接下来的关",
    )
    .expect("valid regex")
});

/// A stage named by its number: `stage 5`, `stages 4`, `第 5 关`, `第五关`.
static NUMBERED: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)\bstages? (\d+)\b|第\s*([0-9一二三四五六七八九十]+)\s*关")
        .expect("valid regex")
});

fn numeral(s: &str) -> Option<u8> {
    s.parse().ok().or_else(|| {
        "零一二三四五六七八九十"
            .chars()
            .position(|c| s == c.to_string())
            .map(|n| n as u8)
    })
}

/// Why `text` of stage `n` names a stage after it, if it does.
pub fn names_later(text: &str, n: u8) -> Option<String> {
    if let Some(m) = AHEAD.find(text) {
        return Some(format!("{:?} announces a stage to come", m.as_str()));
    }
    NUMBERED.captures_iter(text).find_map(|c| {
        let k = c
            .get(1)
            .or_else(|| c.get(2))
            .and_then(|m| numeral(m.as_str()))?;
        (k > n).then(|| format!("{:?} names stage {k}, after this one", &c[0]))
    })
}

/// Every text of a stage and its debrief: none names a later stage.
pub(crate) fn stage(
    spec: &StageSpec,
    debrief: &Text,
    root: &str,
    dir: &str,
    problems: &mut Vec<Problem>,
) {
    let n = spec.number;
    let mut r = Report {
        file: format!("{root}/{dir}/stage.toml"),
        problems: &mut *problems,
    };
    for (path, text) in spec_texts(spec) {
        if let Some(why) = names_later(&text, n) {
            r.add(
                path,
                format!("{why} (rule: a stage announces nothing after it; the learner finds each fault from its own evidence)"),
            );
        }
    }
    for lang in Lang::ALL {
        let mut r = Report {
            file: format!("{root}/{dir}/debrief.{}.md", lang.code()),
            problems: &mut *problems,
        };
        for (i, line) in debrief.get(lang).lines().enumerate() {
            if let Some(why) = names_later(line, n) {
                r.add(
                    format!("line {}", i + 1),
                    format!("{why} (rule: a debrief closes its own stage and announces nothing after it)"),
                );
            }
        }
    }
}

/// The texts a learner reads of a stage, with their field paths.
fn spec_texts(spec: &StageSpec) -> Vec<(String, String)> {
    let mut out = Vec::new();
    let mut add = |path: String, t: &Text| {
        for lang in Lang::ALL {
            out.push((format!("{path}.{}", lang.code()), t.get(lang).to_string()));
        }
    };
    add("title".into(), &spec.title);
    add("solved_title".into(), &spec.solved_title);
    add("observe.say".into(), &spec.observe.say);
    add("investigate.say".into(), &spec.investigate.say);
    for (i, e) in spec.investigate.evidence.iter().enumerate() {
        add(format!("investigate.evidence[{i}].means"), &e.means);
    }
    let questions = [
        ("diagnose", Some(&spec.diagnose)),
        ("predict", spec.predict.as_ref()),
    ];
    for (name, q) in questions {
        for (i, c) in q.into_iter().flat_map(|q| q.choices.iter()).enumerate() {
            add(format!("{name}.choice[{i}].text"), &c.text);
            add(format!("{name}.choice[{i}].why"), &c.why);
        }
    }
    if let Some(fix) = &spec.fix {
        add("fix.ask".into(), &fix.ask);
        for (i, c) in fix.changes.iter().enumerate() {
            add(format!("fix.change[{i}].about"), &c.about);
            if let Some(reject) = &c.reject {
                add(format!("fix.change[{i}].reject"), reject);
            }
        }
    }
    for (i, h) in spec.hints.iter().enumerate() {
        add(format!("hint[{i}].text"), &h.text);
    }
    out
}

/// Whether the right choice of `q` is longer than every wrong one, in `lang`.
fn right_is_longest(q: &Question, lang: Lang) -> bool {
    let right = q.correct();
    let len = |i: usize| q.choices[i].text.get(lang).chars().count();
    q.choices.get(right).is_some_and(|c| c.correct)
        && (0..q.choices.len())
            .filter(|&i| i != right)
            .all(|i| len(i) < len(right))
}

/// Across the course: in each language, the right choice is the longest in at
/// most [`LONGEST_RIGHT_SHARE`] of the questions.
pub(crate) fn course(specs: &[&StageSpec], r: &mut Report<'_>) {
    let questions: Vec<(u8, &str, &Question)> = specs
        .iter()
        .flat_map(|s| {
            [
                ("diagnose", Some(&s.diagnose)),
                ("predict", s.predict.as_ref()),
            ]
            .into_iter()
            .filter_map(move |(name, q)| q.map(|q| (s.number, name, q)))
        })
        .collect();
    for lang in Lang::ALL {
        let longest: Vec<String> = questions
            .iter()
            .filter(|(_, _, q)| right_is_longest(q, lang))
            .map(|(n, name, _)| format!("stage {n} {name}"))
            .collect();
        if longest.len() as f64 > LONGEST_RIGHT_SHARE * questions.len() as f64 {
            r.add(
                format!("choices.{}", lang.code()),
                format!(
                    "the right choice is the longest in {} of {} questions ({}), more than a third: a learner could guess by length (rule: balanced choices)",
                    longest.len(),
                    questions.len(),
                    longest.join(", ")
                ),
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use super::names_later;

    #[test]
    fn a_later_stage_is_named_and_an_earlier_one_is_not() {
        assert!(names_later("That is the next stage.", 2).is_some());
        assert!(names_later("Finishing the change is the last stage.", 5).is_some());
        assert!(names_later("(stage 4 shows why)", 3).is_some());
        assert!(names_later("这就是下一关的内容。", 2).is_some());
        assert!(names_later("第五关会讲。", 3).is_some());
        assert!(names_later("第 6 关", 5).is_some());
        assert_eq!(
            names_later("The table has had room since stage 1.", 2),
            None
        );
        assert_eq!(names_later("和第五关结束时对比", 6), None);
        assert_eq!(
            names_later("Start with the checklist from stage 0.", 3),
            None
        );
        assert_eq!(names_later("the next connect() picks a port", 2), None);
    }
}
