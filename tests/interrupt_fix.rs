//! Ctrl-C, SIGTERM and kill -9 while the learner's fix is being made: in the
//! course at stage 1, the typed `sysctl -w net.netfilter.nf_conntrack_max=...`
//! raises a host-wide value through the journal. The signal comes as soon as the
//! journal entry is written, while the host helper writes the value. The course
//! keeps its lab for a resume, so each case ends with `perflab down` and the same
//! check: nothing labelled left, every host value as before, no journal.
mod common;

use std::process::Stdio;
use std::time::{Duration, Instant};

use common::{host_values, text, TestLab};

const ANSWERS: &str = "\
sysctl net.netfilter.nf_conntrack_count
Its conntrack table
It rises
sysctl -w net.netfilter.nf_conntrack_max=1048576
yes
";

#[test]
fn signals_while_the_learner_s_fix_is_made_leave_nothing_after_down() {
    let lab = TestLab::new("interrupt-fix");
    let host_before = host_values();
    let journal = lab.state.join("host-journal.json");
    let answers = lab.state.join("answers.txt");
    std::fs::create_dir_all(&lab.state).unwrap();
    std::fs::write(&answers, ANSWERS).unwrap();
    for (how, sig, code) in [
        ("SIGINT", libc::SIGINT, Some(130)),
        ("SIGTERM", libc::SIGTERM, Some(143)),
        ("kill -9", libc::SIGKILL, None),
    ] {
        let child = lab
            .command(&[
                "--stage",
                "1",
                "--lang",
                "en",
                "--load-duration",
                "2s",
                "--answers",
                answers.to_str().unwrap(),
            ])
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        let start = Instant::now();
        while !journal.exists() {
            assert!(
                start.elapsed() < Duration::from_secs(240),
                "{how}: the fix never reached the journal"
            );
            std::thread::sleep(Duration::from_millis(20));
        }
        common::signal(child.id(), sig);
        let out = child.wait_with_output().unwrap();
        assert_eq!(out.status.code(), code, "{how}: {}", text(&out));
        assert!(
            !String::from_utf8_lossy(&out.stderr).contains("panicked"),
            "{how}: {}",
            text(&out)
        );
        lab.ok(&["down"]);
        assert_eq!(lab.labelled_objects(), Vec::<String>::new(), "after {how}");
        assert_eq!(host_values(), host_before, "after {how}");
        assert!(!journal.exists(), "after {how}");
    }
}
