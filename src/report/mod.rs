//! `perflab report`: the learner's course so far, from the saved progress, as
//! Markdown and as a self-contained HTML page with a goodput chart. One model
//! ([`Report`]) built from the progress and the lessons, two renderers.
mod challenge;
mod html;
mod markdown;
mod words;

pub use challenge::ChallengeSummary;
pub use html::html;
pub use markdown::markdown;

use crate::lessons::{Course, Lang};
use crate::tutor::judge::lines::goodput_items;
use crate::tutor::position::Position;
use crate::tutor::progress::{Progress, RunFigures, StageStatus};

/// One stage the learner has reached.
#[derive(Debug, Clone, PartialEq)]
pub struct StageRow {
    pub number: u8,
    pub title: String,
    pub status: StageStatus,
    /// The next step within the stage, while it is in progress.
    pub position: Position,
    /// The stage's symptom counter (`conntrack.drops`), when it has one.
    pub symptom: Option<String>,
    pub before: Option<RunFigures>,
    pub after: Option<RunFigures>,
    pub attempts: u32,
    pub hints_used: u32,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Report {
    pub lang: Lang,
    /// The stage the learner is on.
    pub current: u8,
    /// Stages of the course in all.
    pub total: usize,
    pub rows: Vec<StageRow>,
    /// The chart's bars, as the course draws them at the end of each stage.
    pub bars: Vec<(String, f64)>,
    /// `perflab challenge`, once one has started.
    pub challenge: Option<ChallengeSummary>,
}

impl Report {
    /// `None` when the learner has started neither the course nor a challenge.
    pub fn build(course: &Course, progress: &Progress, lang: Lang) -> Option<Report> {
        let challenge = progress.challenge.as_ref().map(ChallengeSummary::build);
        if progress.stages.is_empty() && challenge.is_none() {
            return None;
        }
        let rows = progress
            .stages
            .iter()
            .map(|(&n, st)| {
                let lesson = course.stages.iter().find(|l| l.spec.number == n);
                StageRow {
                    number: n,
                    title: lesson
                        .map(|l| {
                            let solved =
                                matches!(st.status, StageStatus::Done | StageStatus::Skipped);
                            l.spec.title_for(lang, solved).to_string()
                        })
                        .unwrap_or_else(|| format!("stage {n}")),
                    status: st.status,
                    position: st.position,
                    symptom: lesson
                        .and_then(|l| l.spec.symptom.as_ref())
                        .map(|s| s.field.to_string()),
                    before: st.before.clone(),
                    after: st.after.clone(),
                    attempts: st.attempts,
                    hints_used: st.hints_used,
                }
            })
            .collect();
        Some(Report {
            lang,
            current: progress.stage,
            total: course.stages.len(),
            rows,
            bars: goodput_items(progress, lang),
            challenge,
        })
    }
}

/// `12.5 → 340.0`, with a dash for a run not made.
fn before_after(b: Option<f64>, a: Option<f64>, digits: usize) -> String {
    let f = |v: Option<f64>| match v {
        Some(v) if v.is_finite() => format!("{v:.digits$}"),
        _ => "–".to_string(),
    };
    format!("{} → {}", f(b), f(a))
}

/// The row's cells as both renderers print them.
fn cells(r: &StageRow, lang: Lang) -> [String; 7] {
    let status = match r.status {
        StageStatus::Done => words::DONE.get(lang).to_string(),
        StageStatus::Skipped => words::SKIPPED.get(lang).to_string(),
        StageStatus::InProgress => {
            format!("{} ({})", words::IN_PROGRESS.get(lang), r.position.name())
        }
    };
    let (b, a) = (r.before.as_ref(), r.after.as_ref());
    let symptom = match &r.symptom {
        Some(field) => format!(
            "{field}: {}",
            before_after(
                b.and_then(|x| x.symptom_delta),
                a.and_then(|x| x.symptom_delta),
                0
            )
        ),
        None => "–".to_string(),
    };
    [
        r.number.to_string(),
        r.title.clone(),
        status,
        before_after(b.map(|x| x.goodput_rps), a.map(|x| x.goodput_rps), 0),
        before_after(b.and_then(|x| x.p99_ms), a.and_then(|x| x.p99_ms), 1),
        symptom,
        format!("{} / {}", r.attempts, r.hints_used),
    ]
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use std::collections::BTreeMap;

    pub fn figures(goodput: f64, p99: f64, symptom: Option<f64>) -> RunFigures {
        RunFigures {
            goodput_rps: goodput,
            total_rps: goodput,
            p99_ms: Some(p99),
            errors: BTreeMap::new(),
            symptom_delta: symptom,
            goodput_series: vec![goodput as u64; 3],
        }
    }

    /// Stage 0 done, stage 1 done with both runs, stage 2 in progress.
    pub fn sample(lang: Lang) -> Report {
        let course = Course::load().unwrap();
        let mut p = Progress::default();
        let s0 = p.stage_mut(0);
        s0.status = StageStatus::Done;
        s0.before = Some(figures(0.0, 0.0, None));
        let s1 = p.stage_mut(1);
        s1.status = StageStatus::Done;
        s1.before = Some(figures(0.0, 2000.0, Some(10000.0)));
        s1.after = Some(figures(186.4, 45.7, Some(0.0)));
        s1.attempts = 2;
        s1.hints_used = 1;
        p.stage_mut(2).position = Position::At(crate::lessons::StepKind::Diagnose);
        p.stage = 2;
        Report::build(&course, &p, lang).unwrap()
    }

    #[test]
    fn builds_a_row_a_stage_reached_with_the_lesson_s_title_and_symptom() {
        let r = sample(Lang::En);
        assert_eq!(r.rows.len(), 3);
        assert_eq!((r.current, r.total), (2, 7));
        assert_eq!(r.rows[1].symptom.as_deref(), Some("conntrack.drops"));
        assert!(!r.rows[1].title.is_empty());
        assert_eq!(
            cells(&r.rows[1], Lang::En)[3..],
            [
                "0 → 186".to_string(),
                "2000.0 → 45.7".to_string(),
                "conntrack.drops: 10000 → 0".to_string(),
                "2 / 1".to_string()
            ]
        );
        assert_eq!(cells(&r.rows[2], Lang::En)[2], "in progress (diagnose)");
        assert_eq!(cells(&r.rows[2], Lang::En)[3], "– → –");
        assert_eq!(
            r.bars,
            vec![
                ("baseline".to_string(), 0.0),
                ("stage 1".to_string(), 186.4)
            ]
        );
    }

    #[test]
    fn nothing_to_report_before_the_course_starts() {
        let course = Course::load().unwrap();
        assert_eq!(Report::build(&course, &Progress::default(), Lang::En), None);
    }
}
