//! The course without Docker: the real tutor, the real lessons, scripted
//! answers, and a model lab (tutor/fake.rs) that records every call. Each test
//! has its own state directory.
mod case;
mod fake;

use std::path::Path;

use crate::harness::Ran;
use case::{answers, why, Case, DIAGNOSIS, PREDICTION, TO_THE_FIX};
use fake::Event;
use perflab::lessons::{Course, Lang, StepKind};
use perflab::load::Failure;
use perflab::tutor::position::Position::At;
use perflab::tutor::progress::{RunFigures, StageStatus};
use perflab::tutor::runs::{self, Which};
use perflab::tutor::Stop;
use perflab::ui::Tone;

#[test]
fn a_whole_stage_with_wrong_answers_explained_and_asked_again() {
    let mut t = Case::new("whole");
    let run = t
        .course(&[
            "sysctl net.netfilter.nf_conntrack_count",
            "dmesg | tail",        // a second, independent piece of evidence
            "next",                // the learner decides when to diagnose
            "nginx has too few",   // wrong
            "php-fpm is too slow", // wrong
            "A full connection-tracking",
            "It reaches a healthy", // a wrong prediction: explained, and on
            "sysctl -w net.netfilter.nf_conntrack_max=1048576",
            "yes", // the host-wide change, announced
            "stop here",
        ])
        .at(1)
        .stops();
    assert_eq!(run.left, 0);
    let text = t.shown();
    assert!(
        text.contains("net.netfilter.nf_conntrack_count = 262144"),
        "the typed command's output"
    );
    assert!(text.contains("Evidence: count-max"));
    assert!(text.contains("Evidence: kernel-log"));
    assert!(
        text.contains("two independent pieces of evidence"),
        "{text}"
    );
    // Neutral until solved: nothing before the diagnosis names the cause.
    assert!(text.contains("Stage 1: Most connections never get an answer"));
    let first_evidence = text.find("Evidence: ").unwrap();
    for leak in ["conntrack.drops", "connection-tracking table", "Solved:"] {
        assert!(
            !text[..first_evidence].contains(leak),
            "{leak} before the evidence"
        );
    }
    let solved = text
        .find("Solved: A full connection-tracking table drops new connections")
        .expect("the debrief ends with the solved title");
    assert!(solved > text.find("The check passes.").unwrap());
    for wrong in [0, 3] {
        assert!(
            text.contains(&why(1, "diagnose", wrong)),
            "the wrong choice's why"
        );
    }
    assert!(text.contains(&why(1, "diagnose", 2)), "the right one's why");
    assert_eq!(text.matches("Try again.").count(), 2);
    assert!(text.contains(&why(1, "predict", 0)));
    assert!(text.contains("The answer: More pages, yet far fewer than it could serve"));
    let diagnose_q = "Why does the server answer so few connections?";
    assert_eq!(run.asked.iter().filter(|a| *a == diagnose_q).count(), 3);

    // The host-wide change is announced before it is applied, applied once.
    let warned =
        t.position(|e| matches!(e, Event::Shown(Tone::Warn, t) if t.contains("is host-wide")));
    let applied = t.position(|e| *e == Event::Call("apply raise-max 1048576".into()));
    assert!(warned < applied);
    assert_eq!(
        t.calls().iter().filter(|c| c.starts_with("apply")).count(),
        1
    );

    // The check passed and the table and chart were shown.
    assert!(text.contains("The check passes."));
    assert!(
        text.contains("before") && text.contains("after") && text.contains("+400 %"),
        "{text}"
    );
    assert!(text.contains("Goodput across the course"));

    let p = t.progress();
    assert_eq!(p.stage, 2);
    let st = &p.stages[&1];
    assert_eq!(st.status, StageStatus::Done);
    assert_eq!(st.attempts, 2);
    assert_eq!(st.before.as_ref().unwrap().goodput_rps, 40.0);
    assert_eq!(st.before.as_ref().unwrap().symptom_delta, Some(3890.0));
    assert_eq!(
        st.before.as_ref().unwrap().errors[&Failure::ConnectTimeout],
        7000
    );
    assert_eq!(st.after.as_ref().unwrap().goodput_rps, 200.0);
    assert_eq!(st.after.as_ref().unwrap().symptom_delta, Some(0.0));
    assert!(
        runs::load(&t.dir, 1, Which::Before).is_some()
            && runs::load(&t.dir, 1, Which::After).is_some()
    );
    assert_eq!(t.lab.mark, Some(2), "the lab was carried into stage 2");
}

#[test]
fn invalid_fix_values_are_refused_with_the_reason_and_change_nothing() {
    let mut t = Case::new("refused");
    let form = "sysctl -w net.netfilter.nf_conntrack_max=";
    t.course(&[
        "hint",
        "next", // on to the diagnosis without two independent pieces of evidence
        DIAGNOSIS,
        PREDICTION,
        &format!("{form}abc"),
        &format!("{form}-1"),
        &format!("{form}0"),
        &format!("{form}99999999999999"),
        "abc",
        "sysctl -w net.netfilter.nf_conntrack_maxx=1048576",
        "solution",
        "quit",
    ])
    .at(1)
    .stops();
    let text = t.shown();
    for reason in [
        "Refused, nothing was changed: \"abc\" is not a whole number: accepted 524288 to 4194304",
        "Refused, nothing was changed: \"-1\" is not a whole number: accepted 524288 to 4194304",
        "Refused, nothing was changed: 0 is out of range: accepted 524288 to 4194304: below 524288",
        "Refused, nothing was changed: 99999999999999 is out of range: accepted 524288 to 4194304",
        "`abc` is not a fix this step takes; nothing was changed.",
        "`sysctl -w net.netfilter.nf_conntrack_maxx=1048576` is not a fix this step takes",
        "Give the table room: raise the host-wide limit",
        "  sysctl -w net.netfilter.nf_conntrack_max=1048576\n",
    ] {
        assert!(text.contains(reason), "missing {reason:?} in:\n{text}");
    }
    assert!(
        t.calls().iter().all(|c| !c.starts_with("apply")),
        "{:?}",
        t.calls()
    );
    assert_eq!(t.lab.max, 262144);
    let p = t.progress();
    assert_eq!(p.stages[&1].position, At(StepKind::Fix));
    assert_eq!(p.stages[&1].attempts, 6);
    assert!(p.stages[&1].tried_fix);
}

#[test]
fn a_host_wide_value_is_only_raised() {
    let mut t = Case::new("raise");
    t.lab.max = 2097152;
    t.course(&answers(
        TO_THE_FIX.as_slice(),
        &["sysctl -w net.netfilter.nf_conntrack_max=1048576", "quit"],
    ))
    .at(1)
    .stops();
    assert!(t
        .shown()
        .contains("1048576 is not above the value now in force (2097152)"));
    assert!(t.calls().iter().all(|c| !c.starts_with("apply")));
}

#[test]
fn ctrl_c_mid_step_then_a_new_run_resumes_at_that_step() {
    let mut t = Case::new("ctrl-c");
    let run = t.course(&["ss -s", "^C"]).at(1).run();
    assert!(
        matches!(run.result, Err(Stop::Interrupted)),
        "{:?}",
        run.result
    );
    assert_eq!(t.progress().stages[&1].position, At(StepKind::Investigate));

    t.clear_log();
    let run = t
        .course(&[
            "dmesg | tail",
            "sysctl net.netfilter.nf_conntrack_count",
            "next",
            "^C",
        ])
        .run();
    assert!(matches!(run.result, Err(Stop::Interrupted)));
    assert_eq!(run.asked[0], "lab", "resumed at the lab prompt");
    let c = t.calls();
    assert!(
        c.iter()
            .all(|c| !c.starts_with("start_stage") && !c.starts_with("run_load")),
        "the lab was kept: {c:?}"
    );
    assert!(
        c.contains(&"exec Host dmesg | tail".to_string()),
        "the kernel log is read on the host: {c:?}"
    );
    assert!(t.shown().contains("Evidence: kernel-log"));
    assert_eq!(t.progress().stages[&1].position, At(StepKind::Diagnose));

    t.clear_log();
    let run = t.course(&["quit"]).run();
    assert_eq!(
        run.asked[0],
        "Why does the server answer so few connections?"
    );
    assert!(
        matches!(run.result, Err(Stop::Prompt(_))),
        "\"quit\" is no choice of a menu"
    );
}

#[test]
fn after_a_reboot_the_stage_starts_fresh_from_observe() {
    let mut t = Case::new("reboot");
    let run = t.course(&["hint", "next", DIAGNOSIS, "^C"]).at(1).run();
    assert!(matches!(run.result, Err(Stop::Interrupted)));
    assert_eq!(t.progress().stages[&1].position, At(StepKind::Predict));

    t.lab.running = false;
    t.clear_log();
    let run = t.course(&["^C"]).run();
    assert!(matches!(run.result, Err(Stop::Interrupted)));
    let c = t.calls();
    let start = c
        .iter()
        .position(|c| c == "start_stage 1 fresh=false")
        .expect("started again");
    let load = c
        .iter()
        .position(|c| c.starts_with("run_load"))
        .expect("observed again");
    assert!(start < load);
    assert_eq!(
        run.asked,
        vec!["lab".to_string()],
        "observe ran before the first question"
    );
    assert!(t.shown().contains("started fresh"));
    assert_eq!(t.lab.mark, Some(1));
}

#[test]
fn skip_applies_the_reference_fix_and_marks_the_stage_skipped() {
    let mut t = Case::new("skip");
    t.course(&answers(
        TO_THE_FIX.as_slice(),
        &["skip", "yes", "yes", "stop here"],
    ))
    .at(1)
    .stops();
    assert!(t.calls().contains(&"apply raise-max 1048576".to_string()));
    let text = t.shown();
    assert!(text.contains("Stage 1 is marked skipped"));
    assert!(text.contains("Stage 1 is done (skipped)."));
    let p = t.progress();
    assert_eq!(p.stages[&1].status, StageStatus::Skipped);
    // The reference fix's check run, as the model lab measures it after a fix.
    let after = RunFigures {
        goodput_rps: 200.0,
        total_rps: 210.0,
        p99_ms: Some(180.0),
        errors: Default::default(),
        symptom_delta: Some(0.0),
        ..RunFigures::default()
    };
    assert_eq!(p.stages[&1].after, Some(after));
}

#[test]
fn an_inconclusive_headline_offers_a_rerun() {
    let mut t = Case::new("rerun");
    t.lab.flat_goodput = true;
    let run = t
        .course(&answers(
            TO_THE_FIX.as_slice(),
            &["conntrack -F", "yes", "no", "stop here"],
        ))
        .at(1)
        .stops();
    assert_eq!(
        run.asked
            .iter()
            .filter(|a| a.contains("Run the load again?"))
            .count(),
        2
    );
    let loads = t
        .calls()
        .iter()
        .filter(|c| c.starts_with("run_load"))
        .count();
    assert_eq!(loads, 3, "observe, check, one rerun");
    assert!(t.shown().contains("inconclusive"));
}

#[test]
fn stage_zero_ends_after_the_diagnosis_and_speaks_chinese() {
    let mut t = Case::new("zero");
    t.course(&[
        "uptime",
        "hint",
        "next",
        "CPU：它需要更多的核",
        "内核里的一张表",
        "2",
    ])
    .at(0)
    .lang(Lang::Zh)
    .stops();
    assert!(t.calls().contains(&"start_stage 0 fresh=true".to_string()));
    let text = t.shown();
    assert!(text.contains("第 0 关"), "{text}");
    assert!(text.contains("证据：uptime"));
    assert!(
        text.contains("已解决："),
        "the debrief ends with the solved title"
    );
    assert!(text.contains(
        &Course::load()
            .unwrap()
            .stage(0)
            .unwrap()
            .spec
            .diagnose
            .choices[0]
            .why
            .zh
    ));
    let p = t.progress();
    assert_eq!(p.stages[&0].status, StageStatus::Done);
    assert_eq!(p.stages[&0].attempts, 1);
    assert_eq!(p.stage, 1);
    assert_eq!(t.lab.mark, Some(1));
}

fn perflab(dir: &Path, args: &[&str]) -> Ran {
    // No Docker: reset works on the progress alone when no lab can run.
    crate::harness::perflab(args)
        .state(dir)
        .no_docker()
        .output()
}

#[test]
fn reset_puts_progress_back() {
    let mut t = Case::new("reset");
    let run = t
        .course(&[
            "uptime",
            "hint",
            "next",
            "The CPUs: it needs",
            "A kernel table",
            "go on",
        ])
        .at(0)
        .run();
    assert!(matches!(run.result, Err(Stop::Eof)), "{:?}", run.result);
    let p = t.progress();
    assert_eq!((p.stage, p.stages.len()), (1, 2));
    assert!(runs::load(&t.dir, 1, Which::Before).is_some());

    for bad in ["7", "abc", "-1"] {
        let out = perflab(&t.dir, &["reset", bad]);
        assert!(!out.success());
        assert!(
            out.stderr.contains(&format!(
                "{bad:?} is not a stage of the course: give a number from 0 to 6"
            )),
            "{out}"
        );
    }
    assert_eq!(t.progress(), p, "a refused reset changes nothing");

    let out = perflab(&t.dir, &["reset", "1"]);
    assert!(out.success(), "{out}");
    let back = t.progress();
    assert_eq!(back.stage, 1);
    assert!(back.stages.contains_key(&0) && !back.stages.contains_key(&1));
    assert!(runs::load(&t.dir, 1, Which::Before).is_none());
    assert!(out.stderr.contains("no lab runs"), "{out}");

    let out = perflab(&t.dir, &["reset", "--all"]);
    assert!(out.success(), "{out}");
    let all = t.progress();
    assert_eq!(
        (all.stage, all.stages.len(), all.lang),
        (0, 0, Some(Lang::En))
    );
}

#[test]
fn the_report_shows_the_course_so_far_in_markdown_and_html() {
    let mut t = Case::new("report");
    let out = perflab(&t.dir, &["report"]);
    assert!(!out.success());
    assert!(
        out.stderr.contains("no course or challenge progress in"),
        "{out}"
    );

    t.course(&[
        "sysctl net.netfilter.nf_conntrack_count",
        "dmesg | tail",
        "next",
        DIAGNOSIS,
        PREDICTION,
        "sysctl -w net.netfilter.nf_conntrack_max=1048576",
        "yes",
        "stop here",
    ])
    .at(1)
    .stops();
    let dir = &t.dir;
    let p = t.progress();
    let s1 = &p.stages[&1];
    let (before, after) = (s1.before.clone().unwrap(), s1.after.clone().unwrap());

    let out = perflab(dir, &["report", "--stdout", "--lang", "en"]);
    assert!(out.success(), "{out}");
    let md = &out.stdout;
    let row = format!(
        "| done | {:.0} → {:.0} |",
        before.goodput_rps, after.goodput_rps
    );
    assert!(md.contains(&row), "{row} in\n{md}");
    assert!(md.contains("conntrack.drops"), "{md}");
    assert!(
        md.contains("A full connection-tracking table drops new connections"),
        "a solved stage has its solved title: {md}"
    );

    let out = perflab(dir, &["report"]);
    assert!(out.success(), "{out}");
    let page = std::fs::read_to_string(dir.join("report.html")).unwrap();
    assert!(page.contains(&format!(
        "<td>{:.0} → {:.0}</td>",
        before.goodput_rps, after.goodput_rps
    )));
    assert!(std::fs::read_to_string(dir.join("report.md"))
        .unwrap()
        .contains(&row));

    let out = perflab(dir, &["report", "--out", "/nonexistent/perflab"]);
    assert!(!out.success());
    assert!(
        out.stderr
            .contains("--out /nonexistent/perflab: not a folder that exists"),
        "{out}"
    );
}
