//! `perflab challenge` against a real lab: the broken server with every fault,
//! the lessons' reference fixes of stages 1-6 typed at the challenge's prompt,
//! `check` against the goal, and the report; and a challenge stopped with
//! Ctrl-C after two fixes that resumes with its clock and its fixes kept.
//! Short load runs keep the binary's wall time low.
mod common;

use std::io::Write;
use std::process::{Child, Stdio};
use std::time::{Duration, Instant};

use common::{signal, text, TestLab};
use perflab::lessons::{Change, Course, Target};
use perflab::tutor::challenge::faults::Faults;
use perflab::tutor::challenge::ChallengeProgress;
use perflab::tutor::progress::Progress;

const LOAD: &str = "3s";
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

fn host_sysctl(name: &str) -> u64 {
    let path = format!("/proc/sys/{}", name.replace('.', "/"));
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("reading {path}: {e}"));
    text.trim()
        .parse()
        .unwrap_or_else(|e| panic!("{path}: {e}"))
}

fn challenge(lab: &TestLab) -> Child {
    let mut args = vec![
        "challenge",
        "--lang",
        "en",
        "--yes",
        "--load-duration",
        LOAD,
    ];
    args.extend(GOAL);
    lab.perflab(&args).stdin(Stdio::piped()).spawn()
}

fn saved(lab: &TestLab) -> Option<ChallengeProgress> {
    Progress::load(&lab.state).ok().and_then(|p| p.challenge)
}

fn type_lines(child: &mut Child, lines: &[String]) {
    let stdin = child.stdin.as_mut().expect("piped stdin");
    for l in lines {
        writeln!(stdin, "{l}").expect("writing to the challenge's prompt");
    }
}

fn report(lab: &TestLab) -> String {
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
    let lab = TestLab::new("challenge");
    let fixes = reference_lines();
    assert_eq!(fixes.len(), 8, "{fixes:?}");
    let mut lines = vec!["goal".to_string(), "hint".to_string()];
    lines.extend(fixes.iter().cloned());
    lines.push("check".to_string());
    let mut child = challenge(&lab);
    type_lines(&mut child, &lines);
    drop(child.stdin.take());
    let out = child.wait_with_output().unwrap();
    let shown = text(&out);
    assert!(out.status.success(), "{shown}");
    let stdout = String::from_utf8_lossy(&out.stdout);
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
    let done = c.finished.clone().expect("finished");
    assert_eq!(done.hints, 1);
    assert!(done.elapsed_s > 0.0, "{done:?}");
    assert_eq!(
        done.score,
        perflab::tutor::challenge::score::score(1, done.elapsed_s)
    );
    assert_eq!(c.fixes.len(), 8);
    let run = c.last_check.expect("the check's run");
    assert!(run.goodput_rps >= c.goal.required_goodput(c.baseline.unwrap().goodput_rps));

    let md = report(&lab);
    assert_eq!(field(&md, "state"), "goal reached", "{md}");
    let clock = perflab::tutor::challenge::score::clock_text(done.elapsed_s);
    assert_eq!(field(&md, "time"), clock, "{md}");
    assert_eq!(field(&md, "hints"), "1", "{md}");
    assert!(
        field(&md, "score").starts_with(&format!("{} (", done.score)),
        "{md}"
    );

    // Run again, the finished challenge is shown, not started over.
    let again = lab
        .perflab(&["challenge", "--lang", "en"])
        .stdin(Stdio::null())
        .ok();
    assert!(again.contains("You finished this challenge in"), "{again}");
}

#[test]
fn a_challenge_stopped_with_ctrl_c_after_two_fixes_resumes_with_its_clock_and_fixes() {
    let lab = TestLab::new("challenge-resume");
    let fixes = reference_lines();
    let (first, rest) = fixes.split_at(2);

    let mut child = challenge(&lab);
    type_lines(&mut child, first);
    let start = Instant::now();
    while saved(&lab).is_none_or(|c| c.fixes.len() < 2) {
        assert!(
            start.elapsed() < Duration::from_secs(240),
            "the two fixes were never saved"
        );
        std::thread::sleep(Duration::from_millis(100));
    }
    // The prompt now waits for the next line; Ctrl-C there stops the challenge.
    std::thread::sleep(Duration::from_millis(1500));
    // Its input stays open: the stop is the signal's, not the end of input.
    let input = child.stdin.take();
    signal(child.id(), libc::SIGINT);
    let out = child.wait_with_output().unwrap();
    drop(input);
    assert_eq!(out.status.code(), Some(130), "{}", text(&out));
    assert!(
        !String::from_utf8_lossy(&out.stderr).contains("panicked"),
        "{}",
        text(&out)
    );
    let stopped = saved(&lab).expect("saved");
    assert!(stopped.finished.is_none());
    // The clock ran up to the signal, past the last line typed.
    assert!(stopped.elapsed_s >= 1.5, "the clock ran: {stopped:?}");
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
    type_lines(&mut child, &lines);
    drop(child.stdin.take());
    let out = child.wait_with_output().unwrap();
    let shown = text(&out);
    assert!(out.status.success(), "{shown}");
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(stdout.contains("Resuming the challenge: clock "), "{shown}");
    assert!(
        !stdout.contains("Baseline goodput"),
        "measured once: {shown}"
    );
    assert!(stdout.contains("Goal reached in "), "{shown}");
    let c = saved(&lab).expect("saved");
    let done = c.finished.expect("finished");
    assert!(done.elapsed_s > stopped.elapsed_s, "{done:?} {stopped:?}");
    assert_eq!(done.hints, 0);
    assert_eq!(c.baseline, stopped.baseline, "the baseline is kept");
    let typed: Vec<&str> = c.fixes.iter().map(|f| f.typed.as_str()).collect();
    assert_eq!(typed, fixes, "both sessions' fixes, in order");
    let md = report(&lab);
    assert_eq!(field(&md, "hints"), "0", "{md}");
    assert_eq!(
        field(&md, "score"),
        format!(
            "{} (1000 − 100 × 0 − {} s / 10 = {})",
            done.score, done.elapsed_s as u64, done.score
        ),
        "{md}"
    );
}

#[test]
fn a_challenge_whose_lab_is_gone_resumes_in_a_fresh_broken_server_with_its_fixes() {
    let lab = TestLab::new("challenge-gone");
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
    type_lines(&mut child, &[fix.clone(), "quit".to_string()]);
    let out = child.wait_with_output().unwrap();
    assert!(out.status.success(), "{}", text(&out));
    let stopped = saved(&lab).expect("saved");
    assert_eq!(stopped.running_since_ms, None, "quit stops the clock");
    assert_eq!(max_children(), 20);

    lab.ok(&["down"]);
    let mut child = challenge(&lab);
    type_lines(&mut child, &["goal".to_string(), "quit".to_string()]);
    let out = child.wait_with_output().unwrap();
    let shown = text(&out);
    assert!(out.status.success(), "{shown}");
    let stdout = String::from_utf8_lossy(&out.stdout);
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
