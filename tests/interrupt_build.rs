//! Ctrl-C, SIGTERM and kill -9 (then `perflab down`) while `perflab up` builds the
//! server image. The build runs in its own image set (`PERFLAB_IMAGES`), so the
//! images every other lab uses are not touched, and it is interrupted in its
//! `apt-get` step. Each case ends with the same check: no container or labelled
//! object left, no image of the set, the builder's step container gone, every
//! host value as before.
mod common;

use std::process::Stdio;
use std::time::Duration;

use common::{docker, host_values, text, wait_until, TestLab};

const SET: &str = "t-build";

/// Every container on the engine, also stopped ones (the builder's step
/// containers carry no label).
fn containers() -> Vec<String> {
    let mut ids: Vec<String> = docker(&["ps", "-aq", "--no-trunc"])
        .lines()
        .map(str::to_string)
        .collect();
    ids.sort();
    ids
}

/// The builder's container running the Dockerfile's `apt-get` step.
fn apt_step_running() -> bool {
    docker(&["ps", "--no-trunc", "--format", "{{.Command}}"]).contains("apt-get")
}

fn images_of_the_set() -> String {
    docker(&["images", "--format", "{{.Repository}}:{{.Tag}}"])
        .lines()
        .filter(|l| l.starts_with(SET))
        .collect::<Vec<_>>()
        .join(" ")
}

#[test]
fn signals_during_an_image_build_leave_nothing_behind() {
    let lab = TestLab::new("interrupt-build");
    let host_before = host_values();
    let containers_before = containers();
    assert_eq!(
        images_of_the_set(),
        "",
        "a leftover image of the test's set"
    );
    for how in ["SIGINT", "SIGTERM", "kill -9"] {
        let mut child = lab
            .command(&["up", "--stage", "5"])
            .env("PERFLAB_IMAGES", SET)
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        wait_until(
            "the build's apt-get step",
            apt_step_running,
            Duration::from_secs(180),
        );
        std::thread::sleep(Duration::from_secs(2));
        let sig = match how {
            "SIGINT" => libc::SIGINT,
            "SIGTERM" => libc::SIGTERM,
            _ => libc::SIGKILL,
        };
        common::signal(child.id(), sig);
        if how == "kill -9" {
            child.wait().unwrap();
            lab.ok(&["down"]);
        } else {
            let out = child.wait_with_output().unwrap();
            assert!(
                !out.status.success(),
                "up went on after {how}: {}",
                text(&out)
            );
            let err = String::from_utf8_lossy(&out.stderr);
            assert!(err.contains("interrupted"), "{how}: {}", text(&out));
            assert!(!err.contains("panicked"), "{how}: {}", text(&out));
        }
        // The engine cancels a build whose client went away and removes its step
        // container (forcerm); that takes it a moment.
        wait_until(
            "the builder's step container to go",
            || !apt_step_running() && containers() == containers_before,
            Duration::from_secs(60),
        );
        assert_eq!(lab.labelled_objects(), Vec::<String>::new(), "after {how}");
        assert_eq!(images_of_the_set(), "", "after {how}");
        assert_eq!(host_values(), host_before, "after {how}");
    }
}

#[test]
fn an_invalid_image_set_is_refused_before_anything_is_built() {
    let lab = TestLab::new("bad-image-set");
    let out = lab
        .command(&["up", "--stage", "0"])
        .env("PERFLAB_IMAGES", "Bad Set")
        .output()
        .unwrap();
    assert!(!out.status.success(), "{}", text(&out));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("PERFLAB_IMAGES \"Bad Set\" is not a valid image set name"),
        "{}",
        text(&out)
    );
    assert_eq!(lab.labelled_objects(), Vec::<String>::new());
}
