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

/// Stage 1 to its fix, as the course takes answers now: one piece of evidence
/// and a hint open the diagnosis; then the typed fix, above the host's value.
fn stage_one_answers() -> String {
    let live: u64 = std::fs::read_to_string("/proc/sys/net/netfilter/nf_conntrack_max")
        .expect("the host's conntrack limit")
        .trim()
        .parse()
        .expect("a number");
    let value = (live * 2).clamp(1048576, 4194304);
    format!(
        "sysctl net.netfilter.nf_conntrack_count\n\
         hint\n\
         next\n\
         A full connection-tracking table\n\
         More pages get through\n\
         sysctl -w net.netfilter.nf_conntrack_max={value}\n\
         yes\n"
    )
}

#[test]
fn signals_while_the_learner_s_fix_is_made_leave_nothing_after_down() {
    let lab = TestLab::new("interrupt-fix");
    let host_before = host_values();
    let journal = lab.state.join("host-journal.json");
    let answers = lab.state.join("answers.txt");
    std::fs::create_dir_all(&lab.state).unwrap();
    std::fs::write(&answers, stage_one_answers()).unwrap();
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
