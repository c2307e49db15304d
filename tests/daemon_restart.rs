//! The Docker daemon stopped in the middle of a run and started again. perflab
//! ends with a clear message instead of hanging, says so again while the daemon is
//! away, and once it is back `perflab down` leaves nothing labelled and every
//! host value as before (the run had raised the host's nf_conntrack_max).
//!
//! This stops the machine's Docker daemon, so it refuses to run (and fails) when
//! containers that are not perflab's are running: CI machines have none.
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use crate::harness::{docker, wait_until, LabFixture, Ran};

fn sh(script: &str) -> bool {
    Command::new("sh")
        .args(["-c", script])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .map(|s| s.success())
        .unwrap_or(false)
}

fn docker_answers() -> bool {
    sh("docker info")
}

fn systemd_docker() -> bool {
    sh("systemctl is-active --quiet docker")
}

fn stop_daemon(systemd: bool) {
    let stopped = if systemd {
        sh("systemctl stop docker.socket docker.service")
    } else {
        sh("kill -TERM $(pidof dockerd)")
    };
    assert!(stopped, "could not stop the Docker daemon");
    wait_until(
        "the Docker daemon to stop",
        || !docker_answers() && (systemd || !sh("pidof dockerd")),
        Duration::from_secs(120),
    );
}

fn start_daemon(systemd: bool) {
    if systemd {
        assert!(
            sh("systemctl start docker"),
            "systemctl start docker failed"
        );
    } else {
        let script = concat!(env!("CARGO_MANIFEST_DIR"), "/scripts/engine.sh");
        let out = Ran::from(Command::new("bash").arg(script).output().unwrap());
        assert!(out.success(), "{out}");
    }
    wait_until(
        "the Docker daemon",
        docker_answers,
        Duration::from_secs(120),
    );
}

/// Running containers without perflab's label.
fn foreign_containers() -> Vec<String> {
    docker(&["ps", "--format", "{{.Label \"io.perflab.lab\"}} {{.Names}}"])
        .lines()
        .filter(|l| l.starts_with(' '))
        .map(|l| l.trim().to_string())
        .collect()
}

#[test]
fn the_daemon_stopped_during_a_run_and_started_again() {
    let foreign = foreign_containers();
    assert!(
        foreign.is_empty(),
        "this test stops the Docker daemon, which would stop these containers that are not perflab's: {foreign:?}; run it where none run"
    );
    let lab = LabFixture::new("daemon");
    let journal = lab.journal();
    let systemd = systemd_docker();

    let child = lab.spawn(&[
        "run",
        "--auto",
        "--duration",
        "4s",
        "--from",
        "1",
        "--to",
        "2",
    ]);
    // Stage 1's reference fix raises the host's nf_conntrack_max; the daemon
    // stops in the run after it.
    lab.wait_for_the_run_after_the_host_fix(Duration::from_secs(180));
    let stopped_at = Instant::now();
    stop_daemon(systemd);
    let out = child.wait();
    let took = stopped_at.elapsed();
    let restarted = std::panic::catch_unwind(|| {
        assert!(!out.success(), "{out}");
        let err = &out.stderr;
        eprintln!("run --auto, {took:?} after the daemon stopped:\n{err}");
        assert!(!err.contains("panicked"), "{out}");
        assert!(err.contains("Docker"), "no word of Docker: {out}");
        assert!(
            took < Duration::from_secs(150),
            "ended {took:?} after the daemon stopped"
        );

        // While the daemon is away every command says so, quickly.
        let started = Instant::now();
        let status = lab.run(&["status"]);
        assert!(started.elapsed() < Duration::from_secs(30));
        assert!(!status.success(), "{status}");
        eprintln!("status: {}", status.stderr);
        assert!(status.stderr.contains("Docker"), "{status}");
    });
    start_daemon(systemd);
    if let Err(e) = restarted {
        std::panic::resume_unwind(e);
    }

    lab.ok(&["down"]);
    assert!(!journal.exists());
}
