//! perflab's own image (issue 18): the top-level Dockerfile, built here from
//! the binary under test (`--build-arg PERFLAB_BINARY`: no Rust image can be
//! pulled here), runs perflab against this machine's engine through the
//! mounted socket, as a learner on macOS or Windows runs it. Inside, perflab is
//! in a container on the default bridge, with no route to the lab's network:
//! the doctor says the load runs beside the lab, and the unattended course
//! passes a stage. (The whole `run --auto` in the image takes about 5 minutes:
//! it is `bash scripts/image.sh`, documented in the README, not CI.)
use std::path::Path;
use std::process::Command;

use crate::harness::{docker, LabFixture, Ran};

/// The image and its build stage, tagged for this test and removed after it.
const IMAGE: &str = "t-image-perflab";
const BUILD_STAGE: &str = "t-image-perflab-build";
/// The state volume of the learner's command (`-v perflab-state:/state`).
const STATE: &str = "t-image-state";

struct Built;

impl Drop for Built {
    fn drop(&mut self) {
        let _ = Command::new("docker")
            .args(["rmi", "-f", IMAGE, BUILD_STAGE])
            .output();
        let _ = Command::new("docker")
            .args(["volume", "rm", "-f", STATE])
            .output();
    }
}

/// `docker build` of the top-level Dockerfile from the binary under test.
fn build(target: Option<&str>, tag: &str) -> Ran {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let binary = Path::new(env!("CARGO_BIN_EXE_perflab"))
        .strip_prefix(root)
        .expect("the perflab under test is inside the build context (target/ in the checkout)");
    let mut cmd = Command::new("docker");
    cmd.current_dir(root)
        // The classic builder, as Debian's docker.io has it (no buildx here).
        // Labelled, so a sweep finds it after a crash, but not with the lab's
        // own label: a container of the image inherits it, and the lab's
        // teardown would remove perflab's own container while it runs.
        .env("DOCKER_BUILDKIT", "0")
        .args(["build", "--rm", "--force-rm", "-t", tag])
        .args(["--label", "io.perflab.lab=t-image-build"])
        .arg("--build-arg")
        .arg(format!("PERFLAB_BINARY={}", binary.display()));
    if let Some(t) = target {
        cmd.args(["--target", t]);
    }
    Ran::from(cmd.arg(".").output().expect("running docker build"))
}

/// `docker run` of the image as the README says, with this test's lab name.
fn run_in_image(lab: &LabFixture, args: &[&str]) -> Ran {
    Command::new("docker")
        .args([
            "run",
            "--rm",
            "-v",
            "/var/run/docker.sock:/var/run/docker.sock",
        ])
        .args(["-v", &format!("{STATE}:/state")])
        .args(["-e", &format!("PERFLAB_LAB={}", lab.name)])
        .arg(IMAGE)
        .args(args)
        .output()
        .map(Ran::from)
        .expect("running docker run")
}

#[test]
fn the_image_built_from_this_binary_runs_the_course_against_this_engine() {
    let lab = LabFixture::new("image");
    let _built = Built;
    docker(&[
        "volume",
        "create",
        "--label",
        "io.perflab.lab=t-image-state",
        STATE,
    ]);
    // The build stage tagged first, so that everything the build makes has a
    // name the cleanup removes (the full build reuses it from the cache).
    for (target, tag) in [(Some("build"), BUILD_STAGE), (None, IMAGE)] {
        let out = build(target, tag);
        assert!(out.success(), "docker build: {out}");
    }

    let doctor = run_in_image(&lab, &["doctor"]);
    let said = &doctor.stdout;
    assert!(
        said.contains("beside the lab") && said.contains("/state"),
        "{doctor}"
    );
    assert!(doctor.success(), "{doctor}");

    let auto = run_in_image(
        &lab,
        &["run", "--auto", "--from", "2", "--to", "2", "--json"],
    );
    assert!(auto.success(), "{auto}");
    let report = auto.json();
    assert_eq!(report["passed"], true, "{report:#}");
    assert_eq!(report["stages"][0]["check"]["passed"], true, "{report:#}");

    // perflab's state lives in the volume, not in the removed container.
    let files = docker(&[
        "run",
        "--rm",
        "-v",
        &format!("{STATE}:/state"),
        "--entrypoint",
        "ls",
        IMAGE,
        "/state",
    ]);
    assert!(files.lines().any(|f| f == "lab.lock"), "{files}");
}
