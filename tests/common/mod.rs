//! The one harness of the integration tests: [`perflab`] builds a run of the
//! real binary (the only way the tests start it), [`signal`] sends it a signal,
//! [`wait_until`] polls for a condition, and [`TestLab`] gives a Docker test a
//! lab of its own name and state directory and checks the host afterwards. The
//! Docker tests need a Docker Engine and FAIL (never skip) without one.
#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::process::{Child, Command, Output, Stdio};
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

    /// The settings of this lab, for tests that call the library directly.
    pub fn settings(&self) -> perflab::config::Settings {
        perflab::config::Settings::for_lab(&self.name, &self.state).expect("a valid lab name")
    }

    /// A run of perflab against this lab.
    pub fn perflab(&self, args: &[&str]) -> Perflab {
        perflab(args).lab(&self.name, &self.state)
    }

    pub fn command(&self, args: &[&str]) -> Command {
        self.perflab(args).into_command()
    }

    #[track_caller]
    pub fn run(&self, args: &[&str]) -> Output {
        self.perflab(args).output()
    }

    /// Runs and asserts success, returning stdout.
    #[track_caller]
    pub fn ok(&self, args: &[&str]) -> String {
        self.perflab(args).ok()
    }

    /// Starts perflab against this lab in the background: stdout dropped,
    /// stderr piped (read it after a signal).
    #[track_caller]
    pub fn start(&self, args: &[&str]) -> Child {
        self.command(args)
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap_or_else(|e| panic!("starting perflab {args:?}: {e}"))
    }

    /// The journal of host-wide changes (stage 1's fix writes it first).
    pub fn journal(&self) -> PathBuf {
        self.state.join("host-journal.json")
    }

    /// Waits until a host-wide change is journaled: stage 1's reference fix is being made.
    #[track_caller]
    pub fn wait_for_host_fix(&self, within: Duration) {
        let journal = self.journal();
        wait_until("the host-wide fix", || journal.exists(), within);
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
#[track_caller]
pub fn wait_until(what: &str, mut cond: impl FnMut() -> bool, within: Duration) {
    let start = Instant::now();
    while !cond() {
        assert!(start.elapsed() < within, "timed out waiting for {what}");
        std::thread::sleep(Duration::from_millis(100));
    }
}

/// A run of the perflab binary being tested: no colour, and none of the
/// caller's perflab settings unless the test gives them.
pub struct Perflab {
    cmd: Command,
    shown: String,
}

pub fn perflab(args: &[&str]) -> Perflab {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_perflab"));
    cmd.args(args)
        .env("NO_COLOR", "1")
        .env_remove("PERFLAB_LAB")
        .env_remove("PERFLAB_STATE_DIR")
        .env_remove("PERFLAB_IMAGES");
    Perflab {
        cmd,
        shown: format!("perflab {}", args.join(" ")),
    }
}

impl Perflab {
    /// The lab's name and state directory.
    pub fn lab(self, name: &str, state: &Path) -> Perflab {
        self.env("PERFLAB_LAB", name)
            .env("PERFLAB_STATE_DIR", state.as_os_str())
    }

    /// Only a state directory (the default lab name).
    pub fn state(self, state: &Path) -> Perflab {
        self.env("PERFLAB_STATE_DIR", state.as_os_str())
    }

    /// A Docker Engine that cannot be reached.
    pub fn no_docker(self) -> Perflab {
        self.env("DOCKER_HOST", "unix:///nonexistent/perflab-test.sock")
    }

    pub fn env(mut self, key: &str, value: impl AsRef<std::ffi::OsStr>) -> Perflab {
        self.cmd.env(key, value);
        self
    }

    pub fn stdin(mut self, stdin: Stdio) -> Perflab {
        self.cmd.stdin(stdin);
        self
    }

    pub fn into_command(self) -> Command {
        self.cmd
    }

    /// Runs to the end; its output, whatever its exit code.
    #[track_caller]
    pub fn output(mut self) -> Output {
        self.cmd
            .output()
            .unwrap_or_else(|e| panic!("running {}: {e}", self.shown))
    }

    /// Runs to the end and asserts success; its stdout.
    #[track_caller]
    pub fn ok(self) -> String {
        let shown = self.shown.clone();
        let out = self.output();
        assert!(out.status.success(), "{shown}: {}", text(&out));
        String::from_utf8_lossy(&out.stdout).to_string()
    }

    /// Starts it with piped output.
    #[track_caller]
    pub fn spawn(mut self) -> Child {
        self.cmd
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap_or_else(|e| panic!("starting {}: {e}", self.shown))
    }
}

/// Sends `sig` (libc::SIGINT, SIGTERM, SIGKILL, SIGSTOP, ...) to process `pid`.
#[track_caller]
pub fn signal(pid: u32, sig: i32) {
    let pid = i32::try_from(pid).expect("a pid fits an i32");
    let sent = kill(pid, sig);
    assert!(sent.is_ok(), "kill({pid}, {sig}): {sent:?}");
}

/// Sends `sig` to the whole process group `pgid` (a leader this test started
/// with its own group); a group already gone is fine, so it says whether it was
/// there.
pub fn signal_group(pgid: u32, sig: i32) -> bool {
    let pgid = i32::try_from(pgid).expect("a pid fits an i32");
    kill(-pgid, sig).is_ok()
}

fn kill(target: i32, sig: i32) -> std::io::Result<()> {
    // SAFETY: kill(2) on a process or group this test started; no memory is shared.
    match unsafe { libc::kill(target, sig) } {
        0 => Ok(()),
        _ => Err(std::io::Error::last_os_error()),
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
