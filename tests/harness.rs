//! The one harness of the integration tests. [`perflab`] builds a run of the
//! real binary (the only way the tests start it): [`Perflab::output`] gives
//! what a finished run left ([`Ran`]), [`Perflab::spawn`] a run in the
//! background whose output is read as it comes ([`Running`]). [`LabFixture`]
//! gives a Docker test a lab of its own name and state directory, one test at a
//! time, and when it ends takes the lab down and checks that the host's values
//! are as they were and nothing labelled is left. [`wait_until`] polls for a
//! condition. The Docker tests need a Docker Engine and FAIL (never skip)
//! without one.
use std::io::{Read, Write};
use std::path::{Path, PathBuf};
use std::process::{Child, ChildStdin, Command, Output, Stdio};
use std::sync::{Arc, Mutex, MutexGuard};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

/// Tests that use Docker, change the host (its conntrack limit, the daemon) or
/// measure time and load share the machine: they run one at a time. The tests
/// of pure logic run beside them.
static SERIAL: Mutex<()> = Mutex::new(());

/// The machine to this test alone, until dropped. Held for a whole test, also
/// across the awaits of an async one (no other task of the test takes it).
pub struct Serial(#[allow(dead_code)] MutexGuard<'static, ()>);

pub fn serial() -> Serial {
    Serial(SERIAL.lock().unwrap_or_else(|e| e.into_inner()))
}

/// The host values no lab may leave changed.
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

/// A host-wide value as a number (`net.netfilter.nf_conntrack_max`).
pub fn host_sysctl(name: &str) -> u64 {
    let path = format!("/proc/sys/{}", name.replace('.', "/"));
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("reading {path}: {e}"));
    text.trim()
        .parse()
        .unwrap_or_else(|e| panic!("{path}: {e}"))
}

/// A lab of one test's own: named `t-<name>`, with a fresh state directory,
/// the machine to itself while it lives. A leftover of an earlier failed run is
/// removed first. When it is dropped the lab is taken down, and (unless the
/// test already failed) the host's values must be those it found and nothing
/// labelled may be left.
pub struct LabFixture {
    pub name: String,
    pub state: PathBuf,
    host_before: Vec<(String, String)>,
    /// The machine to this test; a second lab of the same test
    /// ([`LabFixture::another`]) shares the first one's turn.
    _serial: Option<Serial>,
}

impl LabFixture {
    pub fn new(name: &str) -> LabFixture {
        LabFixture::made(name, Some(serial()))
    }

    /// A second lab in the test that holds this one (two labs on one engine):
    /// its own name and state directory, this lab's turn.
    pub fn another(&self, name: &str) -> LabFixture {
        LabFixture::made(name, None)
    }

    fn made(name: &str, serial: Option<Serial>) -> LabFixture {
        let state = std::env::temp_dir().join(format!("perflab-test-{name}"));
        let _ = std::fs::remove_dir_all(&state);
        let name = format!("t-{name}");
        let down = perflab(&["down"]).lab(&name, &state).output();
        assert!(down.success(), "cleanup before the test: {down}");
        LabFixture {
            name,
            state,
            host_before: host_values(),
            _serial: serial,
        }
    }

    /// The settings of this lab, for tests that call the library directly.
    pub fn settings(&self) -> perflab::config::Settings {
        perflab::config::Settings::for_lab(&self.name, &self.state).expect("a valid lab name")
    }

    /// A run of perflab against this lab.
    pub fn perflab(&self, args: &[&str]) -> Perflab {
        perflab(args).lab(&self.name, &self.state)
    }

    /// Runs to the end, whatever its exit code.
    #[track_caller]
    pub fn run(&self, args: &[&str]) -> Ran {
        self.perflab(args).output()
    }

    /// Runs and asserts success, returning stdout.
    #[track_caller]
    pub fn ok(&self, args: &[&str]) -> String {
        self.perflab(args).ok()
    }

    /// Starts perflab against this lab in the background.
    #[track_caller]
    pub fn spawn(&self, args: &[&str]) -> Running {
        self.perflab(args).spawn()
    }

    /// A file in the state directory (which exists once this is called).
    pub fn file(&self, name: &str) -> PathBuf {
        std::fs::create_dir_all(&self.state).expect("creating the state directory");
        self.state.join(name)
    }

    /// The journal of host-wide changes (stage 1's fix writes it first).
    pub fn journal(&self) -> PathBuf {
        self.state.join("host-journal.json")
    }

    /// Waits until a host value differs from the one this lab found: stage 1's
    /// reference fix is made.
    #[track_caller]
    pub fn wait_for_host_changed(&self, within: Duration) {
        wait_until(
            "a host value to be raised",
            || host_values() != self.host_before,
            within,
        );
    }

    /// Waits until stage 1's reference fix has raised a host value and the
    /// server answers the run after it.
    #[track_caller]
    pub fn wait_for_the_run_after_the_host_fix(&self, within: Duration) {
        let start = Instant::now();
        self.wait_for_host_changed(within);
        let since = self.responses_logged().unwrap_or(0);
        self.wait_for_responses(since, within.saturating_sub(start.elapsed()));
    }

    /// Asserts that every host value is the one this lab found.
    #[track_caller]
    pub fn assert_host_as_before(&self, when: &str) {
        assert_eq!(
            host_values(),
            self.host_before,
            "the host's own values {when}"
        );
    }

    /// One command inside the server; its stdout.
    pub fn sh(&self, script: &str) -> String {
        self.ok(&["shell", "--", "sh", "-c", script])
    }

    /// The server's container of one side (`nginx`, `phpfpm`).
    pub fn container(&self, side: &str) -> String {
        format!("{}-{side}", self.name)
    }

    /// The lab's load containers (role `load`, beside the lab), running or
    /// not: a line each, its name and its labels.
    pub fn load_containers(&self) -> Vec<String> {
        docker(&[
            "ps",
            "-a",
            "--format",
            "{{.Names}} {{.Labels}}",
            "--filter",
            &format!("label=io.perflab.lab={}", self.name),
            "--filter",
            "label=io.perflab.role=load",
        ])
        .lines()
        .map(str::to_string)
        .collect()
    }

    /// Whether a load beside the lab has counted responses: one of its live
    /// ticks (the JSON lines it writes, `lab::beside::Line`) says so.
    pub fn load_counted_responses(&self) -> bool {
        self.load_containers().iter().any(|line| {
            let name = line.split_whitespace().next().unwrap_or_default();
            let Ok(out) = Command::new("docker").args(["logs", name]).output() else {
                return false;
            };
            String::from_utf8_lossy(&out.stdout).lines().any(|l| {
                serde_json::from_str::<serde_json::Value>(l).is_ok_and(|v| {
                    v["tick"]["rates"]["responses"]
                        .as_f64()
                        .is_some_and(|n| n > 0.0)
                })
            })
        })
    }

    /// The responses nginx has logged (its access log's lines, written at
    /// least once a second); `None` while no server runs.
    pub fn responses_logged(&self) -> Option<u64> {
        let out = Command::new("docker")
            .args(["exec", &self.container("nginx"), "sh", "-c"])
            .arg("wc -l < /var/log/nginx/access.log")
            .output()
            .ok()?;
        match out.status.success() {
            true => String::from_utf8_lossy(&out.stdout).trim().parse().ok(),
            false => None,
        }
    }

    /// Waits until the server has logged responses past `since`: a load run is
    /// under way and answered.
    #[track_caller]
    pub fn wait_for_responses(&self, since: u64, within: Duration) {
        wait_until(
            "the server to answer the load",
            || self.responses_logged().is_some_and(|n| n > since),
            within,
        );
    }

    /// Docker objects (containers, networks, volumes) that carry this lab's label.
    #[track_caller]
    pub fn labelled_objects(&self) -> Vec<String> {
        self.try_labelled_objects()
            .unwrap_or_else(|e| panic!("listing the lab's objects: {e}"))
    }

    fn try_labelled_objects(&self) -> Result<Vec<String>, String> {
        let filter = format!("label=io.perflab.lab={}", self.name);
        let mut found = Vec::new();
        for kind in [
            &["ps", "-a", "--format", "{{.Names}}"][..],
            &["network", "ls", "--format", "{{.Name}}"],
            &["volume", "ls", "--format", "{{.Name}}"],
        ] {
            let mut args = kind.to_vec();
            args.extend(["--filter", &filter]);
            found.extend(try_docker(&args)?.lines().map(str::to_string));
        }
        Ok(found)
    }
}

impl Drop for LabFixture {
    fn drop(&mut self) {
        let down = self.run(&["down"]);
        let _ = std::fs::remove_dir_all(&self.state);
        let host = std::fs::metadata(HOST_VALUES[0]).map(|_| host_values());
        let left = self.try_labelled_objects();
        if std::thread::panicking() {
            // A second panic would abort every test: say what is wrong instead.
            if !down.success() || host.as_ref().ok() != Some(&self.host_before) {
                eprintln!(
                    "{}: after the failed test, perflab down: {down}\nhost values {host:?}, were {:?}",
                    self.name, self.host_before
                );
            }
            return;
        }
        assert!(down.success(), "perflab down at the end: {down}");
        assert_eq!(
            host.expect("reading the host's values"),
            self.host_before,
            "the host's own values after the test and `perflab down`"
        );
        assert_eq!(
            left.expect("listing the lab's objects"),
            Vec::<String>::new(),
            "labelled objects left after `perflab down`"
        );
    }
}

/// `docker ARGS`, which must succeed; its stdout.
#[track_caller]
pub fn docker(args: &[&str]) -> String {
    try_docker(args).unwrap_or_else(|e| panic!("{e}"))
}

fn try_docker(args: &[&str]) -> Result<String, String> {
    let out = Command::new("docker")
        .args(args)
        .output()
        .map_err(|e| format!("running docker: {e}"))?;
    let ran = Ran::from(out);
    match ran.success() {
        true => Ok(ran.stdout),
        false => Err(format!("docker {}: {ran}", args.join(" "))),
    }
}

/// Polls `cond` every 100 ms until it holds; fails naming `what` after `within`.
#[track_caller]
pub fn wait_until(what: &str, cond: impl FnMut() -> bool, within: Duration) {
    poll(what, cond, within, Duration::from_millis(100));
}

/// [`wait_until`] for a moment that soon passes (one step of `up`): polls
/// every 10 ms.
#[track_caller]
pub fn wait_closely(what: &str, cond: impl FnMut() -> bool, within: Duration) {
    poll(what, cond, within, Duration::from_millis(10));
}

#[track_caller]
fn poll(what: &str, mut cond: impl FnMut() -> bool, within: Duration, every: Duration) {
    let start = Instant::now();
    while !cond() {
        assert!(
            start.elapsed() < within,
            "timed out after {within:?} waiting for {what}"
        );
        std::thread::sleep(every);
    }
}

/// A run of the perflab binary being tested: no colour, and none of the
/// caller's perflab settings unless the test gives them.
pub struct Perflab {
    cmd: Command,
    shown: String,
    typed: bool,
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
        typed: false,
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

    /// Runs it in a network namespace of its own (`unshare -n`: a loopback that
    /// is down, no route anywhere), still reaching the engine over its unix
    /// socket: a client that cannot route to the lab's network.
    pub fn without_route(self) -> Perflab {
        let mut cmd = Command::new("unshare");
        cmd.arg("--net")
            .arg("--")
            .arg(self.cmd.get_program())
            .args(self.cmd.get_args());
        for (key, value) in self.cmd.get_envs() {
            match value {
                Some(v) => cmd.env(key, v),
                None => cmd.env_remove(key),
            };
        }
        Perflab {
            cmd,
            shown: format!("unshare --net {}", self.shown),
            typed: self.typed,
        }
    }

    pub fn env(mut self, key: &str, value: impl AsRef<std::ffi::OsStr>) -> Perflab {
        self.cmd.env(key, value);
        self
    }

    /// Lines typed at its prompts, through a pipe ([`Running::type_lines`]).
    pub fn typed(mut self) -> Perflab {
        self.typed = true;
        self
    }

    /// Runs to the end (with no input); what it left, whatever its exit code.
    #[track_caller]
    pub fn output(mut self) -> Ran {
        let out = self
            .cmd
            .output()
            .unwrap_or_else(|e| panic!("running {}: {e}", self.shown));
        Ran::from(out)
    }

    /// Runs to the end and asserts success; its stdout.
    #[track_caller]
    pub fn ok(self) -> String {
        let shown = self.shown.clone();
        let out = self.output();
        assert!(out.success(), "{shown}: {out}");
        out.stdout
    }

    /// Starts it in the background, its output read as it comes; its input
    /// is empty unless it is [`Self::typed`].
    #[track_caller]
    pub fn spawn(mut self) -> Running {
        let stdin = match self.typed {
            true => Stdio::piped(),
            false => Stdio::null(),
        };
        let mut child = self
            .cmd
            .stdin(stdin)
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap_or_else(|e| panic!("starting {}: {e}", self.shown));
        let (stdout, stderr) = (Arc::default(), Arc::default());
        let readers = vec![
            drain(child.stdout.take().expect("piped stdout"), &stdout),
            drain(child.stderr.take().expect("piped stderr"), &stderr),
        ];
        Running {
            stdin: child.stdin.take(),
            child,
            stdout,
            stderr,
            readers,
            shown: self.shown,
        }
    }
}

/// Reads `from` to its end into `into`, a chunk at a time.
fn drain(mut from: impl Read + Send + 'static, into: &Arc<Mutex<String>>) -> JoinHandle<()> {
    let into = into.clone();
    std::thread::spawn(move || {
        let mut buf = [0u8; 8192];
        while let Ok(n @ 1..) = from.read(&mut buf) {
            let mut text = into.lock().unwrap_or_else(|e| e.into_inner());
            text.push_str(&String::from_utf8_lossy(&buf[..n]));
        }
    })
}

/// What a finished run left: its exit code (`None` after a signal) and its
/// output as text. Shown, it gives all three, for failure messages.
#[derive(Debug)]
pub struct Ran {
    pub code: Option<i32>,
    pub stdout: String,
    pub stderr: String,
}

impl Ran {
    pub fn success(&self) -> bool {
        self.code == Some(0)
    }

    /// Its stdout as JSON (`--json`).
    #[track_caller]
    pub fn json(&self) -> serde_json::Value {
        serde_json::from_str(&self.stdout).unwrap_or_else(|e| panic!("no JSON ({e}): {self}"))
    }
}

impl From<Output> for Ran {
    fn from(out: Output) -> Ran {
        Ran {
            code: out.status.code(),
            stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
            stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
        }
    }
}

impl std::fmt::Display for Ran {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "exit {:?}\nstdout: {}\nstderr: {}",
            self.code, self.stdout, self.stderr
        )
    }
}

/// A perflab started in the background. Dropped while it still runs, it is
/// killed.
pub struct Running {
    child: Child,
    stdin: Option<ChildStdin>,
    stdout: Arc<Mutex<String>>,
    stderr: Arc<Mutex<String>>,
    readers: Vec<JoinHandle<()>>,
    shown: String,
}

impl Running {
    /// Sends `sig` (libc::SIGINT, SIGTERM, SIGKILL, ...).
    #[track_caller]
    pub fn signal(&self, sig: i32) {
        signal(self.child.id(), sig);
    }

    /// Lines at its prompts (it was started [`Perflab::typed`]).
    #[track_caller]
    pub fn type_lines(&mut self, lines: &[impl AsRef<str>]) {
        let stdin = self.stdin.as_mut().expect("started with typed()");
        for l in lines {
            writeln!(stdin, "{}", l.as_ref()).expect("writing to perflab's prompt");
        }
    }

    /// The end of its input: no more lines will come.
    pub fn end_input(&mut self) {
        self.stdin = None;
    }

    /// Its stdout so far.
    pub fn stdout(&self) -> String {
        self.stdout
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .clone()
    }

    /// Waits until its stdout so far satisfies `cond`.
    #[track_caller]
    pub fn wait_for_stdout(&self, what: &str, cond: impl Fn(&str) -> bool, within: Duration) {
        self.wait_for(what, &self.stdout, cond, within)
    }

    /// Waits until its stderr so far satisfies `cond`.
    #[track_caller]
    pub fn wait_for_stderr(&self, what: &str, cond: impl Fn(&str) -> bool, within: Duration) {
        self.wait_for(what, &self.stderr, cond, within)
    }

    #[track_caller]
    fn wait_for(
        &self,
        what: &str,
        text: &Mutex<String>,
        cond: impl Fn(&str) -> bool,
        within: Duration,
    ) {
        let start = Instant::now();
        loop {
            let now = text.lock().unwrap_or_else(|e| e.into_inner()).clone();
            if cond(&now) {
                return;
            }
            assert!(
                start.elapsed() < within,
                "timed out after {within:?} waiting for {what} from {}; it showed:\n{now}",
                self.shown
            );
            std::thread::sleep(Duration::from_millis(50));
        }
    }

    /// Waits for it to end (its input stays open until then); what it left.
    #[track_caller]
    pub fn wait(mut self) -> Ran {
        let status = self
            .child
            .wait()
            .unwrap_or_else(|e| panic!("waiting for {}: {e}", self.shown));
        for r in self.readers.drain(..) {
            let _ = r.join();
        }
        let take = |s: &Arc<Mutex<String>>| std::mem::take(&mut *s.lock().unwrap());
        Ran {
            code: status.code(),
            stdout: take(&self.stdout),
            stderr: take(&self.stderr),
        }
    }

    /// `kill -9`, and waits for it to be gone.
    #[track_caller]
    pub fn kill(self) -> Ran {
        self.signal(libc::SIGKILL);
        self.wait()
    }
}

impl Drop for Running {
    fn drop(&mut self) {
        if let Ok(None) = self.child.try_wait() {
            let _ = self.child.kill();
            let _ = self.child.wait();
        }
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
