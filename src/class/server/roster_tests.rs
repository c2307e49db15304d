use super::*;

const T0: i64 = 1_700_000_000_000;

fn ev(seq: u64, stage: u8, step: &str, kind: EventKind) -> Event {
    Event {
        id: format!("{seq:032x}"),
        learner: "a".repeat(32),
        seq,
        at: T0 + seq as i64 * 1000,
        stage,
        step: step.into(),
        kind,
    }
}

#[test]
fn an_empty_course() {
    let c = fold(&[]);
    assert_eq!((c.events, c.stage, c.hand), (0, 0, false));
    assert_eq!(c.stages.len(), 7);
    assert!(c.stages.iter().all(|s| s.status == StageState::NotStarted));
}

#[test]
fn folds_a_stage() {
    let evs = vec![
        ev(1, 1, "read", EventKind::StepStarted),
        ev(
            2,
            1,
            "measure",
            EventKind::Measured {
                goodput_before: Some(100.0),
                goodput_after: None,
                p99_before_ms: Some(800.0),
                p99_after_ms: None,
            },
        ),
        ev(
            3,
            1,
            "quiz",
            EventKind::Answer {
                question: "q".into(),
                right: false,
            },
        ),
        ev(
            4,
            1,
            "quiz",
            EventKind::Answer {
                question: "q".into(),
                right: true,
            },
        ),
        ev(5, 1, "quiz", EventKind::Hint { level: 1 }),
        ev(
            6,
            1,
            "check",
            EventKind::CheckFailed {
                predicate: "p".into(),
                observed: "1".into(),
                expected: "2".into(),
            },
        ),
        ev(7, 1, "check", EventKind::Hand { raised: true }),
        ev(
            8,
            1,
            "measure",
            EventKind::Measured {
                goodput_before: None,
                goodput_after: Some(900.0),
                p99_before_ms: None,
                p99_after_ms: Some(20.0),
            },
        ),
        ev(
            9,
            1,
            "done",
            EventKind::StageDone {
                status: StageOutcome::Done,
            },
        ),
    ];
    let c = fold(&evs);
    let s = &c.stages[1];
    assert_eq!(c.stage, 1);
    assert_eq!(c.step, "done");
    assert!(c.hand);
    assert_eq!(s.status, StageState::Done);
    assert_eq!((s.wrong, s.right, s.hints, s.checks_failed), (1, 1, 1, 1));
    assert_eq!(
        (s.goodput_before, s.goodput_after),
        (Some(100.0), Some(900.0))
    );
    assert_eq!((s.p99_before_ms, s.p99_after_ms), (Some(800.0), Some(20.0)));
    assert_eq!(s.seconds(), Some(8));
    assert_eq!(s.last_failed.as_ref().unwrap().observed, "1");
    assert_eq!(c.stages[0].status, StageState::NotStarted);
}

#[test]
fn the_time_on_a_step_starts_when_it_changes() {
    let c = fold(&[
        ev(1, 0, "read", EventKind::StepStarted),
        ev(2, 0, "quiz", EventKind::StepStarted),
        ev(3, 0, "quiz", EventKind::Hint { level: 1 }),
    ]);
    assert_eq!(c.step_since, Some(T0 + 2000));
    let c = fold(&[
        ev(1, 0, "quiz", EventKind::StepStarted),
        ev(2, 0, "quiz", EventKind::StepStarted),
    ]);
    assert_eq!(
        c.step_since,
        Some(T0 + 2000),
        "a step started again starts again"
    );
}

#[test]
fn a_passing_check_clears_the_failures() {
    let fail = |seq| {
        ev(
            seq,
            2,
            "check",
            EventKind::CheckFailed {
                predicate: "p".into(),
                observed: "0".into(),
                expected: "1".into(),
            },
        )
    };
    let c = fold(&[fail(1), fail(2)]);
    assert_eq!(c.current().last_failed.as_ref().unwrap().times, 2);
    let c = fold(&[fail(1), fail(2), ev(3, 2, "check", EventKind::CheckPassed)]);
    assert!(c.current().last_failed.is_none());
    assert!(c.current().fails.is_empty());
    assert_eq!(
        (c.current().checks_failed, c.current().checks_passed),
        (2, 1)
    );
}

#[test]
fn folding_on_gives_the_same_course_as_folding_from_the_start() {
    let evs: Vec<Event> = (1..=12)
        .map(|i: u64| {
            let kind = match i % 4 {
                0 => EventKind::Hint { level: 1 },
                1 => EventKind::StepStarted,
                2 => EventKind::CheckFailed {
                    predicate: "p".into(),
                    observed: "0".into(),
                    expected: "1".into(),
                },
                _ => EventKind::Answer {
                    question: "q".into(),
                    right: i.is_multiple_of(3),
                },
            };
            ev(i, (i / 5) as u8, &format!("s{}", i / 3), kind)
        })
        .collect();
    let mut c = fold(&evs[..5]);
    c.extend(&evs[5..]);
    assert_eq!(c, fold(&evs));
    assert_eq!((c.events, c.last_seq), (12, 12));
}
