//! Ctrl-C (SIGINT) and SIGTERM in the middle of `up`, and a second perflab at the
//! same time: each ends with nothing labelled left and the host as it was.
mod common;

use std::process::Stdio;
use std::time::{Duration, Instant};

use common::{host_values, signal, text, TestLab};

#[test]
fn sigint_and_sigterm_during_up_leave_nothing_behind() {
    let lab = TestLab::new("interrupt-up");
    let host_before = host_values();
    for (sig, objects) in [
        (libc::SIGINT, 1usize),
        (libc::SIGTERM, 2),
        (libc::SIGINT, 3),
    ] {
        let child = lab.start(&["up", "--stage", "0"]);
        let start = Instant::now();
        while lab.labelled_objects().len() < objects && start.elapsed() < Duration::from_secs(60) {
            std::thread::sleep(Duration::from_millis(10));
        }
        signal(child.id(), sig);
        let out = child.wait_with_output().unwrap();
        assert!(
            !out.status.success(),
            "up went on after signal {sig}: {}",
            text(&out)
        );
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(err.contains("interrupted"), "{}", text(&out));
        assert!(!err.contains("panicked"), "{}", text(&out));
        assert_eq!(
            lab.labelled_objects(),
            Vec::<String>::new(),
            "left behind after signal {sig}"
        );
        assert_eq!(host_values(), host_before);
    }
}

#[test]
fn a_second_perflab_changing_the_lab_is_told_it_is_in_use() {
    let lab = TestLab::new("two-at-once");
    let first = lab
        .command(&["up", "--stage", "0"])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    // While the first one works, a second `up` and a `down` must refuse, not interleave.
    let start = Instant::now();
    while lab.labelled_objects().is_empty() && start.elapsed() < Duration::from_secs(30) {
        std::thread::sleep(Duration::from_millis(10));
    }
    for args in [&["up", "--stage", "3"][..], &["down"][..]] {
        let out = lab.run(args);
        assert!(!out.status.success(), "{}", text(&out));
        assert!(
            String::from_utf8_lossy(&out.stderr)
                .contains("the lab is in use by another perflab command"),
            "{}",
            text(&out)
        );
    }
    let out = first.wait_with_output().unwrap();
    assert!(
        out.status.success(),
        "the first up was disturbed: {}",
        text(&out)
    );
    let status: serde_json::Value = serde_json::from_str(&lab.ok(&["status", "--json"])).unwrap();
    assert_eq!(status["stage"], 0);
    lab.ok(&["down"]);
    assert!(lab.labelled_objects().is_empty());
}
