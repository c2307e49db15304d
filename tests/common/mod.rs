//! Shared by the Docker tests: run the real binary against a lab of the test's
//! own name and state directory, and check the host afterwards. These tests need
//! a Docker Engine and FAIL (never skip) without one.
#![allow(dead_code)]

use std::path::PathBuf;
use std::process::{Command, Output};
use std::sync::{Mutex, MutexGuard};
use std::time::{Duration, Instant};

/// Docker tests change shared things (the host's conntrack limit, CPU): one at a time.
static SERIAL: Mutex<()> = Mutex::new(());

pub struct TestLab {
    pub name: String,
    pub state: PathBuf,
    _guard: MutexGuard<'static, ()>,
}

/// The host values no lab may change.
pub const HOST_VALUES: &[&str] = &[
    "/proc/sys/net/netfilter/nf_conntrack_max",
    "/proc/sys/net/core/somaxconn",
    "/proc/sys/net/ipv4/ip_local_port_range",
    "/proc/sys/net/ipv4/tcp_tw_reuse",
];

pub fn host_values() -> Vec<(String, String)> {
    HOST_VALUES
        .iter()
        .map(|p| {
            let v = std::fs::read_to_string(p).unwrap_or_else(|e| panic!("reading {p}: {e}"));
            (
                p.to_string(),
                v.split_whitespace().collect::<Vec<_>>().join(" "),
            )
        })
        .collect()
}

impl TestLab {
    /// A lab named `t-<name>` with a fresh state directory; a leftover from an
    /// earlier failed run is removed first.
    pub fn new(name: &str) -> TestLab {
        let guard = SERIAL.lock().unwrap_or_else(|e| e.into_inner());
        let state = std::env::temp_dir().join(format!("perflab-test-{name}"));
        let _ = std::fs::remove_dir_all(&state);
        let lab = TestLab {
            name: format!("t-{name}"),
            state,
            _guard: guard,
        };
        let out = lab.run(&["down"]);
        assert!(
            out.status.success(),
            "cleanup before the test: {}",
            text(&out)
        );
        lab
    }

    pub fn command(&self, args: &[&str]) -> Command {
        let mut c = Command::new(env!("CARGO_BIN_EXE_perflab"));
        c.args(args)
            .env("PERFLAB_LAB", &self.name)
            .env("PERFLAB_STATE_DIR", &self.state)
            .env("NO_COLOR", "1");
        c
    }

    pub fn run(&self, args: &[&str]) -> Output {
        self.command(args).output().expect("running perflab")
    }

    /// Runs and asserts success, returning stdout.
    pub fn ok(&self, args: &[&str]) -> String {
        let out = self.run(args);
        assert!(
            out.status.success(),
            "perflab {}: {}",
            args.join(" "),
            text(&out)
        );
        String::from_utf8_lossy(&out.stdout).to_string()
    }

    /// One command inside the server; its stdout.
    pub fn sh(&self, script: &str) -> String {
        self.ok(&["shell", "--", "sh", "-c", script])
    }

    /// Docker objects (containers, networks, volumes) that carry this lab's label.
    pub fn labelled_objects(&self) -> Vec<String> {
        let filter = format!("label=io.perflab.lab={}", self.name);
        let mut found = Vec::new();
        for kind in [
            vec!["ps", "-a", "--format", "{{.Names}}"],
            vec!["network", "ls", "--format", "{{.Name}}"],
            vec!["volume", "ls", "--format", "{{.Name}}"],
        ] {
            let mut args = kind.clone();
            args.extend(["--filter", &filter]);
            found.extend(docker(&args).lines().map(str::to_string));
        }
        found
    }
}

/// `docker ARGS`, which must succeed; its stdout.
pub fn docker(args: &[&str]) -> String {
    let out = Command::new("docker")
        .args(args)
        .output()
        .expect("running docker");
    assert!(
        out.status.success(),
        "docker {}: {}",
        args.join(" "),
        text(&out)
    );
    String::from_utf8_lossy(&out.stdout).to_string()
}

/// Polls `cond` every 100 ms until it holds; fails naming `what` after `within`.
pub fn wait_until(what: &str, mut cond: impl FnMut() -> bool, within: Duration) {
    let start = Instant::now();
    while !cond() {
        assert!(start.elapsed() < within, "timed out waiting for {what}");
        std::thread::sleep(Duration::from_millis(100));
    }
}

impl Drop for TestLab {
    fn drop(&mut self) {
        let _ = self.run(&["down"]);
        let _ = std::fs::remove_dir_all(&self.state);
    }
}

pub fn text(out: &Output) -> String {
    format!(
        "exit {:?}\nstdout: {}\nstderr: {}",
        out.status.code(),
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    )
}
