//! A model lab for the tutor's tests: the conntrack fault of stages 0 and 1 as
//! a small state (the table's count and the host-wide limit), counters that grow
//! under load while the table is full and stop once it has room, and typed
//! commands answered with outputs captured from a real lab (fixtures/tutor).
//! Every call is recorded, in one log with what the learner was shown, so a test
//! can tell what came before what.
use std::cell::RefCell;
use std::collections::BTreeMap;
use std::rc::Rc;

use perflab::engine::EngineError;
use perflab::engine::{ExecOutput, Side};
use perflab::lab::{ExecTarget, Facts, LabError, LabOps, RunFacts};
use perflab::lessons::{Change, Service, Target};
use perflab::load::{Latency, LoadReport};
use perflab::ui::{Screen, Tone};
use serde_json::json;

/// One thing that happened: a call to the lab, or text the learner saw.
#[derive(Debug, Clone, PartialEq)]
pub enum Event {
    Call(String),
    Shown(Tone, String),
}

pub type Log = Rc<RefCell<Vec<Event>>>;

/// The screen of a test: records what it is shown (and echoes it, for failures).
pub struct Recorder(pub Log);

impl Screen for Recorder {
    fn show(&mut self, tone: Tone, text: &str) {
        eprintln!("[{tone:?}] {text}");
        self.0
            .borrow_mut()
            .push(Event::Shown(tone, text.to_string()));
    }
    fn width(&self) -> usize {
        80
    }
}

pub struct FakeLab {
    pub log: Log,
    pub running: bool,
    /// The stage the lab was started at (its label).
    pub label: Option<u8>,
    /// /etc/perflab/course-stage in the server.
    pub mark: Option<u8>,
    /// The host-wide nf_conntrack_max.
    pub max: u64,
    /// The server namespace's conntrack entries.
    pub count: u64,
    /// Counters since the lab started.
    pub drops: u64,
    pub full_lines: u64,
    pub ok_responses: u64,
    /// Goodput stays as low after the fix as before it (a noisy run).
    pub flat_goodput: bool,
}

fn fixture(name: &str) -> String {
    let path = format!("{}/tests/fixtures/tutor/{name}", env!("CARGO_MANIFEST_DIR"));
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"))
}

fn out(stdout: String, stderr: &str, code: i64) -> ExecOutput {
    ExecOutput {
        stdout,
        stderr: stderr.to_string(),
        code,
    }
}

impl FakeLab {
    pub fn new(log: &Log) -> FakeLab {
        FakeLab {
            log: log.clone(),
            running: false,
            label: None,
            mark: None,
            max: 262144,
            count: 0,
            drops: 0,
            full_lines: 0,
            ok_responses: 0,
            flat_goodput: false,
        }
    }

    fn call(&self, what: String) {
        self.log.borrow_mut().push(Event::Call(what));
    }

    /// The table is full: new connections' packets are dropped.
    pub fn faulty(&self) -> bool {
        self.count as f64 >= 0.9 * self.max as f64
    }

    /// A captured `sysctl` output with this lab's values put in.
    fn sysctl_output(&self, fixture_name: &str) -> String {
        fixture(fixture_name)
            .lines()
            .map(|l| match l.split_once(" = ") {
                Some((k, _)) if k.ends_with("count") => format!("{k} = {}", self.count),
                Some((k, _)) if k.ends_with("max") => format!("{k} = {}", self.max),
                _ => l.to_string(),
            })
            .map(|l| l + "\n")
            .collect()
    }

    fn snapshot(&self) -> perflab::probe::Snapshot {
        serde_json::from_value(self.probe_json(
            self.count,
            self.drops,
            self.full_lines,
            self.ok_responses,
        ))
        .expect("a snapshot")
    }

    fn probe_json(&self, count: u64, drops: u64, full: u64, ok: u64) -> serde_json::Value {
        json!({
            "conntrack": { "count": count, "max": self.max, "drops": drops, "insert_failed": 0 },
            "tcp": { "time_wait": 2, "time_wait_ephemeral": 0, "time_wait_9000": 1,
                     "listen_overflows": 0, "listen_drops": 0, "syn_retrans": 0 },
            "listen": [ { "port": 80, "recv_q": 0, "send_q": 10 },
                        { "port": 9000, "recv_q": 0, "send_q": 10 } ],
            "sysctl": { "net.core.somaxconn": "10", "net.ipv4.tcp_tw_reuse": "0",
                        "net.ipv4.ip_local_port_range": "20000\t20050" },
            "nginx": { "status_counts": { "200": ok }, "eaddrnotavail": 0 },
            "phpfpm": { "max_children_warnings": 0 },
            "kernel": { "conntrack_full_lines": full, "note": "", "netns": 4026532185u64 }
        })
    }
}

impl LabOps for FakeLab {
    fn start_stage(&mut self, stage: u8, fresh: bool) -> Result<(), LabError> {
        self.call(format!("start_stage {stage} fresh={fresh}"));
        if !fresh && self.running && self.label == Some(stage) {
            return Ok(());
        }
        // A new lab: new namespace, new logs; stages 0 and 1 fill the table.
        *self = FakeLab {
            running: true,
            label: Some(stage),
            max: self.max,
            count: if stage <= 1 { self.max } else { 40 },
            flat_goodput: self.flat_goodput,
            ..FakeLab::new(&self.log)
        };
        Ok(())
    }

    fn facts_now(&mut self) -> Result<Facts, LabError> {
        self.call("facts_now".into());
        ensure_running(self.running)?;
        Ok(Facts {
            now: Some(self.snapshot()),
            knobs: None,
            run: None,
        })
    }

    fn run_load(
        &mut self,
        live: bool,
        flame: Option<&str>,
        seconds: Option<u32>,
    ) -> Result<Facts, LabError> {
        self.call(format!(
            "run_load live={live} flame={flame:?} seconds={seconds:?}"
        ));
        ensure_running(self.running)?;
        let faulty = self.faulty();
        let (goodput, total, drops, full, ok, errors, statuses) = match faulty || self.flat_goodput
        {
            true if faulty => (
                40.0,
                2630.0,
                3890,
                5,
                400,
                vec![("connect_timeout", 7000)],
                vec![(200, 400), (499, 64), (502, 25900)],
            ),
            _ => (
                if self.flat_goodput { 41.0 } else { 200.0 },
                210.0,
                0,
                0,
                2000,
                vec![],
                vec![(200, 2000)],
            ),
        };
        let deltas = self.probe_json(self.count, drops, full, ok);
        self.drops += drops;
        self.full_lines += full;
        self.ok_responses += ok;
        let report = LoadReport {
            url: "http://172.28.0.2/".into(),
            goodput_rps: goodput,
            total_rps: total,
            rate: None,
            status_counts: statuses.into_iter().collect(),
            errors: errors
                .into_iter()
                .map(|(k, v)| (k.parse().expect("a failure class"), v))
                .collect(),
            latency_ms: Latency {
                p50: 0.2,
                p90: 1.7,
                p99: if faulty { 1016.0 } else { 180.0 },
                max: 2001.0,
                count: 2000,
            },
            latency_uncorrected_ms: None,
            connect_ms: Latency::default(),
            duration_s: 10.0,
            settle_s: 0.5,
            planned_s: 10.0,
            connections: 1000,
            keepalive: true,
            timeout_ms: 2000,
            requests: 2000,
            connects: 1000,
            reconnects: 0,
            interrupted: false,
            goodput_series: Vec::new(),
        };
        let after = self.snapshot();
        Ok(Facts {
            now: Some(after.clone()),
            knobs: None,
            run: Some(RunFacts {
                report,
                deltas: serde_json::from_value(deltas).expect("the model's deltas are a Deltas"),
                after,
                server_cpu_us_per_request: None,
                flame: BTreeMap::new(),
                settled: None,
            }),
        })
    }

    fn exec(&mut self, target: ExecTarget, command: &str) -> Result<ExecOutput, LabError> {
        self.call(format!("exec {target:?} {command}"));
        ensure_running(self.running)?;
        let words: Vec<&str> = command.split_whitespace().collect();
        Ok(match (target, words.as_slice()) {
            (ExecTarget::Host, ["dmesg", ..]) => out(fixture("dmesg-tail.txt"), "", 0),
            (_, ["dmesg", ..]) => out(
                String::new(),
                "dmesg: read kernel buffer failed: Operation not permitted\n",
                1,
            ),
            (_, ["sysctl", "net.netfilter.nf_conntrack_count"]) => {
                out(self.sysctl_output("sysctl-conntrack-count.txt"), "", 0)
            }
            (
                _,
                ["sysctl", "net.netfilter.nf_conntrack_count", "net.netfilter.nf_conntrack_max"],
            ) => out(self.sysctl_output("sysctl-conntrack-count-max.txt"), "", 0),
            (_, ["sysctl", "-n", "net.netfilter.nf_conntrack_max"]) => {
                out(format!("{}\n", self.max), "", 0)
            }
            (_, ["conntrack", "-S"]) => out(fixture("conntrack-S.txt"), "", 0),
            (_, ["ss", "-s"]) => out(fixture("ss-s.txt"), "", 0),
            (_, ["uptime"]) => out(fixture("uptime.txt"), "", 0),
            (_, ["tail", "-n", "5", "/var/log/nginx/access.log"]) => {
                out(fixture("nginx-access-tail.txt"), "", 0)
            }
            (_, ["cat", "/etc/perflab/course-stage"]) => match self.mark {
                Some(n) => out(format!("{n}\n"), "", 0),
                None => out(
                    String::new(),
                    "cat: /etc/perflab/course-stage: No such file or directory\n",
                    1,
                ),
            },
            (_, ["echo", n, ">", "/etc/perflab/course-stage"]) => {
                self.mark = n.parse().ok();
                out(String::new(), "", 0)
            }
            (_, [first, ..]) => out(String::new(), &format!("sh: 1: {first}: not found\n"), 127),
            (_, []) => out(String::new(), "", 0),
        })
    }

    fn logs(
        &mut self,
        side: Side,
        tail: Option<u64>,
        timestamps: bool,
    ) -> Result<ExecOutput, LabError> {
        self.call(format!(
            "logs {side:?} tail={tail:?} timestamps={timestamps}"
        ));
        ensure_running(self.running)?;
        let text = match side {
            Side::Nginx => fixture("nginx-access-tail.txt"),
            Side::PhpFpm => "[01-Dec-2026 10:00:00] WARNING: [pool www] server reached max_children setting (5), consider raising it\n".to_string(),
        };
        let lines: Vec<&str> = text.lines().collect();
        let keep = tail.map_or(lines.len(), |n| (n as usize).min(lines.len()));
        let shown: String = lines[lines.len() - keep..]
            .iter()
            .map(|l| format!("{l}\n"))
            .collect();
        Ok(out(shown, "", 0))
    }

    fn perf_record(&mut self, seconds: u32) -> Result<ExecOutput, LabError> {
        self.call(format!("perf_record {seconds}"));
        ensure_running(self.running)?;
        Ok(out("[ perf record: 5 s on every CPU ]\n".into(), "", 0))
    }

    fn perf_report(&mut self, pipe: Option<&str>) -> Result<ExecOutput, LabError> {
        self.call(format!("perf_report {pipe:?}"));
        ensure_running(self.running)?;
        Ok(out(
            "  40.00%  nginx  [kernel.kallsyms]  [k] __inet_hash_connect\n".into(),
            "",
            0,
        ))
    }

    fn lab_name(&self) -> String {
        "perflab".into()
    }

    fn apply(&mut self, change: &Change, value: Option<&str>) -> Result<String, LabError> {
        self.call(format!("apply {} {}", change.id, value.unwrap_or("-")));
        ensure_running(self.running)?;
        match &change.target {
            Target::HostSysctl(name) => {
                let value = value.unwrap_or_default();
                let v: u64 = value.parse().map_err(|_| LabError::NotANumber {
                    name: name.clone(),
                    value: value.to_string(),
                })?;
                if v <= self.max {
                    return Err(
                        EngineError::from(perflab::engine::HostValueError::WouldLower {
                            key: name.clone(),
                            current: self.max,
                            value: v,
                        })
                        .into(),
                    );
                }
                let was = std::mem::replace(&mut self.max, v);
                Ok(format!("raised the host-wide {name} from {was} to {v}"))
            }
            Target::ServerCommand => {
                self.count = 0;
                Ok(format!("ran `{}` in the server", change.reference_input()))
            }
            Target::ServerSysctl(name) | Target::Knob(name) => {
                Ok(format!("set {name} = {}", value.unwrap_or_default()))
            }
        }
    }

    fn restart(&mut self, services: &[Service]) -> Result<(), LabError> {
        self.call(format!("restart {services:?}"));
        Ok(())
    }
}

/// No lab runs: what the real lab says then.
fn ensure_running(running: bool) -> Result<(), LabError> {
    match running {
        true => Ok(()),
        false => Err(EngineError::NotRunning.into()),
    }
}
