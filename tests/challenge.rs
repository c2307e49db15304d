//! `perflab challenge` against a real lab: the broken server with every fault,
//! the lessons' reference fixes of stages 1-6 typed at the challenge's prompt,
//! `check` against the goal, and the report; and a challenge stopped with
//! Ctrl-C after two fixes that resumes with its clock and its fixes kept.
//! Short load runs keep the binary's wall time low.
use std::time::{Duration, Instant};

use crate::harness::{host_sysctl, LabFixture, Running};
use perflab::lessons::{Change, Course, Target};
use perflab::tutor::challenge::faults::Faults;
use perflab::tutor::challenge::state::now_ms;
use perflab::tutor::challenge::ChallengeProgress;
use perflab::tutor::progress::Progress;

const LOAD: &str = "3s";
/// The seconds of one load run at [`LOAD`].
const LOAD_S: f64 = 3.0;
/// A goal the fixed server reaches on a CI machine busy with other tests: the
/// test is about the challenge, not about this machine's speed.
const GOAL: [&str; 4] = ["--goal", "4", "--p99", "2s"];

/// The reference fix of every stage as the learner types it, from the
/// lessons, in the course's order, chosen as `skip` chooses it: with
/// `need = "any"` the first change; a host-wide value above the one in force.
fn reference_lines() -> Vec<String> {
    let course = Course::load().expect("the lessons load");
    let live = |c: &Change| match &c.target {
        Target::HostSysctl(name) => Some(host_sysctl(name)),
        _ => None,
    };
    Faults::build(&course)
        .all()
        .iter()
        .flat_map(|f| f.reference_with(live))
        .collect()
}

fn challenge(lab: &LabFixture) -> Running {
    let mut args = vec![
        "challenge",
        "--lang",
        "en",
        "--yes",
        "--load-duration",
        LOAD,
    ];
    args.extend(GOAL);
    lab.perflab(&args).typed().spawn()
}

fn saved(lab: &LabFixture) -> Option<ChallengeProgress> {
    Progress::load(&lab.state).ok().and_then(|p| p.challenge)
}

/// The challenge's prompt has been shown `n` times: it waits for line `n`.
fn prompted(stderr: &str, n: usize) -> bool {
    stderr.matches("challenge> ").count() >= n
}

fn report(lab: &LabFixture) -> String {
    lab.ok(&["report", "--stdout", "--lang", "en"])
}

/// `- label: value` of the report's challenge section.
fn field<'a>(md: &'a str, label: &str) -> &'a str {
    let head = format!("- {label}: ");
    md.lines()
        .find_map(|l| l.strip_prefix(&head))
        .unwrap_or_else(|| panic!("no {label} in the report:\n{md}"))
}

#[test]
fn the_reference_fixes_typed_at_the_prompt_reach_the_goal_and_the_report_scores_it() {
    let lab = LabFixture::new("challenge");
    let fixes = reference_lines();
    assert_eq!(fixes.len(), 8, "{fixes:?}");
    let mut lines = vec!["goal".to_string(), "hint".to_string()];
    lines.extend(fixes.iter().cloned());
    lines.push("check".to_string());
    let started = Instant::now();
    let mut child = challenge(&lab);
    child.type_lines(&lines);
    child.end_input();
    let out = child.wait();
    let wall = started.elapsed().as_secs_f64();
    let shown = out.to_string();
    assert!(out.success(), "{shown}");
    let stdout = &out.stdout;
    assert!(stdout.contains("Baseline goodput: "), "{shown}");
    assert!(stdout.contains("Hint 1 of "), "{shown}");
    assert_eq!(stdout.matches("Fix applied: ").count(), 8, "{shown}");
    assert!(stdout.contains("Goal reached in "), "{shown}");
    assert!(stdout.contains("What was wrong with the server"), "{shown}");
    // Every stage's fault is named in the debrief, each with the fix typed.
    for f in &fixes {
        assert!(
            stdout.contains(&format!("`{f}`")),
            "{f} not in the debrief: {shown}"
        );
    }

    let c = saved(&lab).expect("the challenge is saved");
    assert!(c.finished, "{c:?}");
    assert_eq!(c.hints(), 1);
    // The clock ran while the prompt was open, the check's load run included,
    // and not before the command started.
    assert!(
        (LOAD_S..=wall).contains(&c.elapsed_s),
        "{c:?} in a run of {wall} s"
    );
    assert_eq!(c.fixes.len(), 8);
    let run = c.last_check.clone().expect("the check's run");
    assert!(
        run.goodput_rps
            >= c.goal
                .required_goodput(c.baseline.as_ref().unwrap().goodput_rps)
    );

    let md = report(&lab);
    assert_eq!(field(&md, "state"), "goal reached", "{md}");
    let clock = perflab::tutor::challenge::score::clock_text(c.elapsed_s);
    assert_eq!(field(&md, "time"), clock, "{md}");
    assert_eq!(field(&md, "hints"), "1", "{md}");
    assert!(
        field(&md, "score").starts_with(&format!("{} (", c.score())),
        "{md}"
    );

    // Run again, the finished challenge is shown, not started over.
    let again = lab.ok(&["challenge", "--lang", "en"]);
    assert!(again.contains("You finished this challenge in"), "{again}");
}

#[test]
fn a_challenge_stopped_with_ctrl_c_after_two_fixes_resumes_with_its_clock_and_fixes() {
    let lab = LabFixture::new("challenge-resume");
    let fixes = reference_lines();
    let (first, rest) = fixes.split_at(2);

    let mut child = challenge(&lab);
    child.type_lines(first);
    // The prompt waits for the third line; Ctrl-C there stops the challenge.
    child.wait_for_stderr(
        "the prompt after the two fixes",
        |e| prompted(e, 3),
        Duration::from_secs(240),
    );
    let waiting = saved(&lab).expect("the two fixes are saved");
    assert_eq!(waiting.fixes.len(), 2, "{waiting:?}");
    let since_ms = waiting
        .running_since_ms
        .expect("the clock runs at the prompt");
    // Its input stays open: the stop is the signal's, not the end of input.
    let signalled_ms = now_ms();
    child.signal(libc::SIGINT);
    let out = child.wait();
    let ended_ms = now_ms();
    assert_eq!(out.code, Some(130), "{out}");
    assert!(!out.stderr.contains("panicked"), "{out}");
    let stopped = saved(&lab).expect("saved");
    assert!(!stopped.finished);
    // The clock ran from its last save up to the stop, past the last line typed.
    let at = |ms: u64| waiting.elapsed_s + ms.saturating_sub(since_ms) as f64 / 1000.0;
    assert!(
        (at(signalled_ms)..=at(ended_ms)).contains(&stopped.elapsed_s),
        "the clock ran to the signal: {stopped:?}, saved {waiting:?}"
    );
    assert_eq!(stopped.running_since_ms, None, "{stopped:?}");
    let typed: Vec<&str> = stopped.fixes.iter().map(|f| f.typed.as_str()).collect();
    assert_eq!(typed, first, "{stopped:?}");
    let md = report(&lab);
    assert_eq!(field(&md, "state"), "in progress", "{md}");
    // Nothing of the run is left but the lab it resumes in.
    let objects = lab.labelled_objects();
    assert!(
        objects.iter().all(|o| !o.contains("toolbox")),
        "{objects:?}"
    );

    let mut child = challenge(&lab);
    let mut lines = rest.to_vec();
    lines.push("check".to_string());
    child.type_lines(&lines);
    child.end_input();
    let out = child.wait();
    let shown = out.to_string();
    assert!(out.success(), "{shown}");
    let stdout = &out.stdout;
    assert!(stdout.contains("Resuming the challenge: clock "), "{shown}");
    assert!(
        !stdout.contains("Baseline goodput"),
        "measured once: {shown}"
    );
    assert!(stdout.contains("Goal reached in "), "{shown}");
    let c = saved(&lab).expect("saved");
    assert!(c.finished, "{c:?}");
    assert!(c.elapsed_s > stopped.elapsed_s, "{c:?} {stopped:?}");
    assert_eq!(c.hints(), 0);
    assert_eq!(c.baseline, stopped.baseline, "the baseline is kept");
    let typed: Vec<&str> = c.fixes.iter().map(|f| f.typed.as_str()).collect();
    assert_eq!(typed, fixes, "both sessions' fixes, in order");
    let md = report(&lab);
    assert_eq!(field(&md, "hints"), "0", "{md}");
    assert_eq!(
        field(&md, "score"),
        format!(
            "{} (1000 − 100 × 0 − {} s / 10 = {})",
            c.score(),
            c.elapsed_s as u64,
            c.score()
        ),
        "{md}"
    );
}

#[test]
fn a_challenge_whose_lab_is_gone_resumes_in_a_fresh_broken_server_with_its_fixes() {
    let lab = LabFixture::new("challenge-gone");
    let fix = reference_lines()
        .into_iter()
        .find(|l| l.starts_with("pm.max_children"))
        .expect("stage 2's reference fix");
    let max_children = || {
        let knobs: serde_json::Value =
            serde_json::from_str(&lab.sh("cat /etc/perflab/knobs.json")).unwrap();
        knobs["pm_max_children"].clone()
    };
    let mut child = challenge(&lab);
    child.type_lines(&[fix.as_str(), "quit"]);
    let out = child.wait();
    assert!(out.success(), "{out}");
    let stopped = saved(&lab).expect("saved");
    assert_eq!(stopped.running_since_ms, None, "quit stops the clock");
    assert_eq!(max_children(), 20);

    lab.ok(&["down"]);
    let mut child = challenge(&lab);
    child.type_lines(&["goal", "quit"]);
    let out = child.wait();
    let shown = out.to_string();
    assert!(out.success(), "{shown}");
    let stdout = &out.stdout;
    assert!(stdout.contains("The challenge's lab is gone"), "{shown}");
    assert!(
        stdout.contains("Fix applied: set pm_max_children = 20"),
        "{shown}"
    );
    assert!(
        !stdout.contains("Baseline goodput"),
        "measured once: {shown}"
    );
    assert_eq!(max_children(), 20, "applied again in the fresh lab");
    let c = saved(&lab).expect("saved");
    let typed: Vec<&str> = c.fixes.iter().map(|f| f.typed.as_str()).collect();
    assert_eq!(typed, [fix.as_str()]);
    assert_eq!(c.baseline, stopped.baseline);
    assert!(c.elapsed_s >= stopped.elapsed_s, "{c:?} {stopped:?}");
}
