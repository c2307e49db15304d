//! Ctrl-C, SIGTERM and kill -9 in the middle of a load run, a perf recording and
//! the unattended course (after its host-wide fix): nothing labelled is left once
//! perflab has stopped (or, after kill -9, once `perflab down` ran), and every
//! host value is as before.
mod common;

use std::process::Stdio;
use std::time::Duration;

use common::{host_values, signal, text, wait_until, TestLab};

fn toolbox_running(lab: &TestLab) -> bool {
    lab.labelled_objects()
        .iter()
        .any(|o| o.contains("-toolbox-"))
}

#[test]
fn signals_during_load_and_perf_leave_nothing_behind() {
    let lab = TestLab::new("interrupt-runs");
    let host_before = host_values();
    lab.ok(&["up", "--stage", "5"]);
    let lab_objects = lab.labelled_objects();

    // Ctrl-C and SIGTERM during a load run: what was measured is printed, and
    // the exit code is the shell's for the signal.
    for (sig, code) in [(libc::SIGINT, 130), (libc::SIGTERM, 143)] {
        let child = lab
            .command(&["load", "-d", "30s", "--json"])
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        std::thread::sleep(Duration::from_secs(3));
        signal(child.id(), sig);
        let out = child.wait_with_output().unwrap();
        assert_eq!(
            out.status.code(),
            Some(code),
            "signal {sig}: {}",
            text(&out)
        );
        let report: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
        assert_eq!(report["interrupted"], true);
        assert!(report["requests"].as_u64().unwrap() > 0);
        assert_eq!(lab.labelled_objects(), lab_objects, "after signal {sig}");
    }

    // kill -9 during a load run under a terminal (the live view's gauge loop runs
    // in the server): `perflab down` removes everything.
    let mut child = lab
        .command(&["load", "-d", "30s"])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    std::thread::sleep(Duration::from_secs(3));
    child.kill().unwrap();
    child.wait().unwrap();
    lab.ok(&["down"]);
    assert!(lab.labelled_objects().is_empty());
    assert_eq!(host_values(), host_before);
    lab.ok(&["up", "--stage", "5"]);
    let lab_objects = lab.labelled_objects();

    // Ctrl-C and SIGTERM during a perf recording: the host helper is removed.
    for sig in [libc::SIGINT, libc::SIGTERM] {
        let child = lab.start(&["flame", "--seconds", "20"]);
        wait_until(
            "the perf helper",
            || toolbox_running(&lab),
            Duration::from_secs(60),
        );
        signal(child.id(), sig);
        let out = child.wait_with_output().unwrap();
        assert!(!out.status.success(), "{}", text(&out));
        assert!(
            !String::from_utf8_lossy(&out.stderr).contains("panicked"),
            "{}",
            text(&out)
        );
        assert_eq!(
            lab.labelled_objects(),
            lab_objects,
            "left behind after signal {sig}"
        );
    }

    // kill -9 during a perf recording: the helper stays until the next `down`.
    let mut child = lab
        .command(&["flame", "--seconds", "20"])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    wait_until(
        "the perf helper",
        || toolbox_running(&lab),
        Duration::from_secs(60),
    );
    child.kill().unwrap();
    child.wait().unwrap();
    lab.ok(&["down"]);
    assert!(lab.labelled_objects().is_empty());
    assert_eq!(host_values(), host_before);
}

#[test]
fn interrupting_the_unattended_course_restores_the_host_wide_fix() {
    let lab = TestLab::new("interrupt-auto");
    let host_before = host_values();
    let journal = lab.journal();
    // Ctrl-C as soon as the journal is written (the fix is being made), SIGTERM
    // and kill -9 two seconds later (the run after the fix).
    for (how, wait) in [("SIGINT", 0), ("SIGTERM", 2), ("kill -9", 2)] {
        let mut child = lab.start(&[
            "run",
            "--auto",
            "--duration",
            "3s",
            "--from",
            "1",
            "--to",
            "3",
        ]);
        // Stage 1's reference fix raises the host's nf_conntrack_max: wait for it.
        lab.wait_for_host_fix(Duration::from_secs(120));
        std::thread::sleep(Duration::from_secs(wait));
        if how == "kill -9" {
            child.kill().unwrap();
            child.wait().unwrap();
            assert_ne!(
                host_values(),
                host_before,
                "the fix was not applied, the test proves nothing"
            );
            lab.ok(&["down"]);
        } else {
            signal(
                child.id(),
                if how == "SIGINT" {
                    libc::SIGINT
                } else {
                    libc::SIGTERM
                },
            );
            let out = child.wait_with_output().unwrap();
            assert!(!out.status.success(), "{how}: {}", text(&out));
            // Stopped while the fix was being made, the value may not have been
            // written yet: then there is nothing to restore, and nothing is said.
            let err = String::from_utf8_lossy(&out.stderr);
            assert!(
                err.contains("restored net.netfilter.nf_conntrack_max")
                    || (wait == 0 && err.contains("interrupted")),
                "{how}: {}",
                text(&out)
            );
        }
        assert!(lab.labelled_objects().is_empty());
        assert_eq!(host_values(), host_before);
        assert!(!journal.exists());
    }
}
