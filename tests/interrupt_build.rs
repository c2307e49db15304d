//! Ctrl-C, SIGTERM and kill -9 (then `perflab down`) while `perflab up` builds the
//! server image. The build runs in its own image set (`PERFLAB_IMAGES`), so the
//! images every other lab uses are not touched, and it is interrupted in its
//! `apt-get` step. Each case ends with the same check: no container or labelled
//! object left, no image of the set, the builder's step container gone, every
//! host value as before.
use std::time::Duration;

use crate::harness::{docker, wait_until, LabFixture};

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
    let lab = LabFixture::new("interrupt-build");
    let containers_before = containers();
    assert_eq!(
        images_of_the_set(),
        "",
        "a leftover image of the test's set"
    );
    for how in ["SIGINT", "SIGTERM", "kill -9"] {
        let child = lab
            .perflab(&["up", "--stage", "5"])
            .env("PERFLAB_IMAGES", SET)
            .spawn();
        wait_until(
            "the build's apt-get step",
            apt_step_running,
            Duration::from_secs(180),
        );
        let sig = match how {
            "SIGINT" => libc::SIGINT,
            "SIGTERM" => libc::SIGTERM,
            _ => libc::SIGKILL,
        };
        child.signal(sig);
        let out = child.wait();
        if how == "kill -9" {
            lab.ok(&["down"]);
        } else {
            assert!(!out.success(), "up went on after {how}: {out}");
            assert!(out.stderr.contains("interrupted"), "{how}: {out}");
            assert!(!out.stderr.contains("panicked"), "{how}: {out}");
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
        lab.assert_host_as_before(&format!("after {how}"));
    }
}

#[test]
fn an_invalid_image_set_is_refused_before_anything_is_built() {
    let lab = LabFixture::new("bad-image-set");
    let out = lab
        .perflab(&["up", "--stage", "0"])
        .env("PERFLAB_IMAGES", "Bad Set")
        .output();
    assert!(!out.success(), "{out}");
    assert!(
        out.stderr
            .contains("PERFLAB_IMAGES \"Bad Set\" is not a valid image set name"),
        "{out}"
    );
    assert_eq!(lab.labelled_objects(), Vec::<String>::new());
}
