//! The challenge in the report: its state, time, hints and score, the goal, and
//! the runs that measured it. Built from the saved challenge alone.
use crate::lessons::Lang;
use crate::tutor::challenge::goal::ERROR_TOLERANCE;
use crate::tutor::challenge::score::{clock_text, formula};
use crate::tutor::challenge::ChallengeProgress;

use super::words;

#[derive(Debug, Clone, PartialEq)]
pub struct ChallengeSummary {
    pub finished: bool,
    pub elapsed_s: f64,
    pub hints: u32,
    /// The final score, or the score the goal would give if reached now.
    pub score: u32,
    pub factor: u32,
    pub p99_ms: u64,
    pub required_goodput: Option<f64>,
    pub baseline_goodput: Option<f64>,
    /// The last check's goodput and p99 (none without a response).
    pub last_check: Option<(f64, Option<f64>)>,
    pub checks: u32,
    /// The fixes typed at the prompt, in order.
    pub fixes: Vec<String>,
}

impl ChallengeSummary {
    pub fn build(c: &ChallengeProgress) -> ChallengeSummary {
        let baseline = c.baseline.as_ref().map(|b| b.goodput_rps);
        ChallengeSummary {
            finished: c.finished,
            elapsed_s: c.elapsed_s,
            hints: c.hints(),
            score: c.score(),
            factor: c.goal.factor,
            p99_ms: c.goal.p99_ms,
            required_goodput: baseline.map(|b| c.goal.required_goodput(b)),
            baseline_goodput: baseline,
            last_check: c.last_check.as_ref().map(|m| (m.goodput_rps, m.p99_ms)),
            checks: c.checks,
            fixes: c.fixes.iter().map(|f| f.typed.clone()).collect(),
        }
    }

    /// Label and value, a line each, as both renderers print them.
    pub fn lines(&self, lang: Lang) -> Vec<(&'static str, String)> {
        let dash = || "–".to_string();
        let state = match self.finished {
            true => words::REACHED.get(lang).to_string(),
            false => words::IN_PROGRESS.get(lang).to_string(),
        };
        let rule = formula(self.hints, self.elapsed_s);
        let score = match self.finished {
            true => format!("{} ({rule})", self.score),
            false => format!("{} {} ({rule})", self.score, words::SO_FAR.get(lang)),
        };
        let goal = format!(
            "{} ≥ {} 2xx/s ({} × {}), p99 ≤ {} ms, {} ≤ {} %",
            words::GOODPUT.get(lang),
            self.required_goodput
                .map_or_else(dash, |g| format!("{g:.0}")),
            self.factor,
            words::BASELINE.get(lang),
            self.p99_ms,
            words::ERRORS.get(lang),
            ERROR_TOLERANCE * 100.0
        );
        let last = self.last_check.map_or_else(dash, |(g, p99)| {
            let p99 = p99.map_or_else(dash, |p| format!("{p:.1}"));
            format!("{g:.0} 2xx/s, p99 {p99} ms")
        });
        let fixes = match self.fixes.is_empty() {
            true => dash(),
            false => self
                .fixes
                .iter()
                .map(|f| format!("`{f}`"))
                .collect::<Vec<_>>()
                .join(", "),
        };
        vec![
            (words::STATE.get(lang), state),
            (words::TIME.get(lang), clock_text(self.elapsed_s)),
            (words::HINTS.get(lang), self.hints.to_string()),
            (words::SCORE.get(lang), score),
            (words::GOAL.get(lang), goal),
            (
                words::BASELINE_RUN.get(lang),
                self.baseline_goodput
                    .map_or_else(dash, |b| format!("{b:.0} 2xx/s")),
            ),
            (words::CHECKS.get(lang), self.checks.to_string()),
            (words::LAST_CHECK.get(lang), last),
            (words::FIXES.get(lang), fixes),
        ]
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::tutor::challenge::goal::RunMeasure;

    fn sample() -> ChallengeProgress {
        let mut c = crate::tutor::challenge::state::sample();
        c.elapsed_s = 125.0;
        c.hints_by_stage.insert(2, 2);
        c
    }

    #[test]
    fn a_challenge_in_progress_shows_its_clock_hints_and_score_so_far() {
        let s = ChallengeSummary::build(&sample());
        let lines = s.lines(Lang::En);
        let get = |label: &str| lines.iter().find(|(l, _)| *l == label).unwrap().1.clone();
        assert_eq!(get("state"), "in progress");
        assert_eq!(get("time"), "2:05");
        assert_eq!(get("hints"), "2");
        assert_eq!(
            get("score"),
            "788 so far (1000 − 100 × 2 − 125 s / 10 = 788)"
        );
        assert!(get("goal").starts_with("goodput ≥ 2500 2xx/s (10 × baseline)"));
        assert_eq!(get("fixes typed at the prompt"), "`pm.max_children = 20`");
        assert_eq!(get("last check"), "–");
    }

    #[test]
    fn a_finished_challenge_shows_its_final_figures() {
        let mut c = sample();
        c.elapsed_s = 300.0;
        c.hints_by_stage.insert(2, 1);
        c.finished = true;
        c.checks = 2;
        c.last_check = Some(RunMeasure {
            goodput_rps: 8466.2,
            p99_ms: Some(246.44),
            ..RunMeasure::default()
        });
        let lines = ChallengeSummary::build(&c).lines(Lang::Zh);
        let values: Vec<&str> = lines.iter().map(|(_, v)| v.as_str()).collect();
        assert!(
            values.contains(&"5:00") && values.contains(&"870 (1000 − 100 × 1 − 300 s / 10 = 870)"),
            "{values:?}"
        );
        assert!(values.contains(&"8466 2xx/s, p99 246.4 ms"), "{values:?}");
        assert!(values.contains(&"达成目标"), "{values:?}");
    }
}
