//! Ctrl-C, SIGTERM and kill -9 in the middle of a load run, a perf recording and
//! the unattended course (after its host-wide fix): nothing labelled is left once
//! perflab has stopped (or, after kill -9, once `perflab down` ran), and every
//! host value is as before.
use std::time::Duration;

use crate::harness::{wait_closely, wait_until, LabFixture, Running};

fn toolbox_running(lab: &LabFixture) -> bool {
    lab.labelled_objects()
        .iter()
        .any(|o| o.contains("-toolbox-"))
}

/// `perflab load` against the lab, once the load itself has counted responses
/// (the server may answer perflab's own readiness check before the load starts).
fn load_under_way(lab: &LabFixture, args: &[&str]) -> Running {
    let child = lab.spawn(args);
    wait_until(
        "the load beside the lab to count responses",
        || lab.load_counted_responses(),
        Duration::from_secs(60),
    );
    child
}

#[test]
fn signals_during_load_and_perf_leave_nothing_behind() {
    let lab = LabFixture::new("interrupt-runs");
    lab.ok(&["up", "--stage", "5"]);
    let lab_objects = lab.labelled_objects();

    // Ctrl-C and SIGTERM during a load run: what was measured is printed, and
    // the exit code is the shell's for the signal.
    for (sig, code) in [(libc::SIGINT, 130), (libc::SIGTERM, 143)] {
        let child = load_under_way(&lab, &["load", "-d", "30s", "--json"]);
        child.signal(sig);
        let out = child.wait();
        assert_eq!(out.code, Some(code), "signal {sig}: {out}");
        let report = out.json();
        assert_eq!(report["interrupted"], true);
        // The report covers the run up to the signal: every response it
        // counted has its status, and its window ended before the planned one.
        let requests = report["requests"].as_u64().unwrap();
        let by_status: u64 = report["status_counts"]
            .as_object()
            .unwrap()
            .values()
            .map(|n| n.as_u64().unwrap())
            .sum();
        assert!(requests > 0 && requests == by_status, "{report:#}");
        assert!(
            report["duration_s"].as_f64().unwrap() < report["planned_s"].as_f64().unwrap(),
            "{report:#}"
        );
        assert_eq!(lab.labelled_objects(), lab_objects, "after signal {sig}");
    }

    // kill -9 during a load run: `perflab down` removes everything.
    load_under_way(&lab, &["load", "-d", "30s"]).kill();
    lab.ok(&["down"]);
    assert!(lab.labelled_objects().is_empty());
    lab.assert_host_as_before("after kill -9 during a load run and down");
    lab.ok(&["up", "--stage", "5"]);
    let lab_objects = lab.labelled_objects();

    // Ctrl-C and SIGTERM during a perf recording: the host helper is removed.
    for sig in [libc::SIGINT, libc::SIGTERM] {
        let child = lab.spawn(&["flame", "--seconds", "20"]);
        wait_until(
            "the perf helper",
            || toolbox_running(&lab),
            Duration::from_secs(60),
        );
        child.signal(sig);
        let out = child.wait();
        assert!(!out.success(), "{out}");
        assert!(!out.stderr.contains("panicked"), "{out}");
        assert_eq!(
            lab.labelled_objects(),
            lab_objects,
            "left behind after signal {sig}"
        );
    }

    // kill -9 during a perf recording: the helper stays until the next `down`,
    // which the fixture runs and checks at the end.
    let child = lab.spawn(&["flame", "--seconds", "20"]);
    wait_until(
        "the perf helper",
        || toolbox_running(&lab),
        Duration::from_secs(60),
    );
    child.kill();
}

#[test]
fn interrupting_the_unattended_course_restores_the_host_wide_fix() {
    let lab = LabFixture::new("interrupt-auto");
    let journal = lab.journal();
    // Ctrl-C as soon as the journal is written (the fix is being made), SIGTERM
    // and kill -9 in the run after the fix.
    for how in ["SIGINT", "SIGTERM", "kill -9"] {
        let child = lab.spawn(&[
            "run",
            "--auto",
            "--duration",
            "3s",
            "--from",
            "1",
            "--to",
            "3",
        ]);
        // Stage 1's reference fix raises the host's nf_conntrack_max.
        match how {
            "SIGINT" => wait_closely(
                "the host-wide fix in the journal",
                || journal.exists(),
                Duration::from_secs(120),
            ),
            _ => lab.wait_for_the_run_after_the_host_fix(Duration::from_secs(120)),
        }
        match how {
            "kill -9" => {
                child.kill();
                lab.ok(&["down"]);
            }
            _ => {
                child.signal(match how {
                    "SIGINT" => libc::SIGINT,
                    _ => libc::SIGTERM,
                });
                let out = child.wait();
                assert!(!out.success(), "{how}: {out}");
                // Stopped while the fix was being made, the value may not have been
                // written yet: then there is nothing to restore, and nothing is said.
                assert!(
                    out.stderr
                        .contains("restored net.netfilter.nf_conntrack_max")
                        || (how == "SIGINT" && out.stderr.contains("interrupted")),
                    "{how}: {out}"
                );
            }
        }
        assert!(lab.labelled_objects().is_empty());
        lab.assert_host_as_before(&format!("after {how}"));
        assert!(!journal.exists());
    }
}
