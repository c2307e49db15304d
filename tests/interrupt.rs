//! Ctrl-C (SIGINT) and SIGTERM in the middle of `up`, and a second perflab at the
//! same time: each ends with nothing labelled left and the host as it was.
use std::time::Duration;

use crate::harness::{wait_closely, LabFixture};

#[test]
fn sigint_and_sigterm_during_up_leave_nothing_behind() {
    let lab = LabFixture::new("interrupt-up");
    for (sig, objects) in [
        (libc::SIGINT, 1usize),
        (libc::SIGTERM, 2),
        (libc::SIGINT, 3),
    ] {
        let child = lab.spawn(&["up", "--stage", "0"]);
        wait_closely(
            &format!("{objects} labelled object(s)"),
            || lab.labelled_objects().len() >= objects,
            Duration::from_secs(60),
        );
        child.signal(sig);
        let out = child.wait();
        assert!(!out.success(), "up went on after signal {sig}: {out}");
        assert!(out.stderr.contains("interrupted"), "{out}");
        assert!(!out.stderr.contains("panicked"), "{out}");
        assert_eq!(
            lab.labelled_objects(),
            Vec::<String>::new(),
            "left behind after signal {sig}"
        );
        lab.assert_host_as_before(&format!("after signal {sig}"));
    }
}

#[test]
fn a_second_perflab_changing_the_lab_is_told_it_is_in_use() {
    let lab = LabFixture::new("two-at-once");
    let first = lab.spawn(&["up", "--stage", "0"]);
    // While the first one works, a second `up` and a `down` must refuse, not interleave.
    wait_closely(
        "the first up's objects",
        || !lab.labelled_objects().is_empty(),
        Duration::from_secs(30),
    );
    for args in [&["up", "--stage", "3"][..], &["down"][..]] {
        let out = lab.run(args);
        assert!(!out.success(), "{out}");
        assert!(
            out.stderr
                .contains("the lab is in use by another perflab command"),
            "{out}"
        );
    }
    let out = first.wait();
    assert!(out.success(), "the first up was disturbed: {out}");
    let status = lab.ok(&["status", "--json"]);
    let status: serde_json::Value = serde_json::from_str(&status).unwrap();
    assert_eq!(status["stage"], 0);
}
