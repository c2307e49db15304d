//! What `perflab load` may show in the second terminal while a course is in
//! progress: the client's own figures always, and of the server's counters only
//! those of the stages the learner has solved. A counter that grows with a fault
//! names its cause, so until its stage is solved it stays out (`--evidence`, or
//! no course in progress, shows everything).
use crate::lessons::Course;

use super::progress::{Progress, StageStatus};

/// Which server counters point at which stage's fault: a counter's name (as
/// [`crate::present::deltas`] prints it) starting with the prefix belongs to the
/// stage of that name in `containers/stages.toml`.
const COUNTERS: &[(&str, &str)] = &[
    ("conntrack.", "conntrack"),
    ("kernel.conntrack", "conntrack"),
    ("nginx.eaddrnotavail", "ports"),
    ("tcp.listen_", "listen queues"),
    ("tcp.syn_retrans", "listen queues"),
    ("nginx.status_counts[499]", "listen queues"),
    ("phpfpm.", "workers"),
    ("tcp.time_wait", "flame graph"),
    ("tcp.active_opens", "beyond the seed"),
];

#[derive(Debug, Clone, PartialEq)]
pub struct Reveal {
    /// The prefixes of the counters left out.
    hidden: Vec<&'static str>,
}

impl Reveal {
    pub fn everything() -> Reveal {
        Reveal { hidden: Vec::new() }
    }

    /// While a course is in progress, the counters of every stage not solved
    /// (done or skipped); before it starts and once it is complete, everything.
    pub fn for_course(course: &Course, progress: &Progress) -> Reveal {
        let in_progress = !progress.stages.is_empty() && course.stage(progress.stage).is_some();
        if !in_progress {
            return Reveal::everything();
        }
        let solved = |name: &str| {
            course
                .stages
                .iter()
                .find(|l| l.spec.name == name)
                .is_none_or(|l| {
                    progress.stages.get(&l.spec.number).is_some_and(|st| {
                        matches!(st.status, StageStatus::Done | StageStatus::Skipped)
                    })
                })
        };
        Reveal {
            hidden: COUNTERS
                .iter()
                .filter(|(_, stage)| !solved(stage))
                .map(|(prefix, _)| *prefix)
                .collect(),
        }
    }

    /// Whether the counter `name` may be shown.
    pub fn shows(&self, name: &str) -> bool {
        !self.hidden.iter().any(|p| name.starts_with(p))
    }

    /// Whether anything is left out: then the tools speak neutrally too.
    pub fn is_neutral(&self) -> bool {
        !self.hidden.is_empty()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::tutor::progress::StageProgress;

    fn at(stage: u8, solved: &[u8]) -> Progress {
        let mut p = Progress::default();
        p.stage = stage;
        for n in 0..=stage {
            let st: &mut StageProgress = p.stage_mut(n);
            if solved.contains(&n) {
                st.status = StageStatus::Done;
            }
        }
        p
    }

    #[test]
    fn every_counter_names_a_stage_of_the_course() {
        let course = Course::load().unwrap();
        for (prefix, stage) in COUNTERS {
            assert!(
                course.stages.iter().any(|l| l.spec.name == *stage),
                "{prefix}: no stage named {stage:?}"
            );
        }
    }

    #[test]
    fn only_the_solved_stages_counters_show_during_a_course() {
        let course = Course::load().unwrap();
        let r = Reveal::for_course(&course, &at(2, &[0, 1]));
        assert!(r.is_neutral());
        assert!(r.shows("conntrack.drops") && r.shows("conntrack.count / max"));
        assert!(!r.shows("nginx.eaddrnotavail"));
        assert!(!r.shows("tcp.listen_overflows") && !r.shows("tcp.syn_retrans"));
        assert!(!r.shows("tcp.time_wait (nginx side / :9000)"));
        assert!(!r.shows("phpfpm.max_children_warnings"));
        assert!(
            r.shows("nginx.status_counts[502]"),
            "the client sees its 502s"
        );
        let first = Reveal::for_course(&course, &at(0, &[]));
        assert!(!first.shows("conntrack.drops"));
    }

    #[test]
    fn before_a_course_and_after_it_everything_shows() {
        let course = Course::load().unwrap();
        assert_eq!(
            Reveal::for_course(&course, &Progress::default()),
            Reveal::everything()
        );
        let done = at(7, &[0, 1, 2, 3, 4, 5, 6]);
        assert!(!Reveal::for_course(&course, &done).is_neutral());
    }
}
