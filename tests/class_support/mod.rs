//! Shared by the class tests: a real `perflab class serve` child process on
//! loopback, HTTP to it, and learners that run a whole course of events through
//! the real queue and sender.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::time::Duration;

use crate::harness::{perflab, Running};

use perflab::class::http::{Base, Client};
use perflab::class::{Classroom, EventKind, Membership, StageOutcome};

pub fn temp_dir(name: &str) -> PathBuf {
    let d = std::env::temp_dir().join(format!("perflab-class-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&d);
    std::fs::create_dir_all(&d).unwrap();
    d
}

/// A class server in a child process, with its own state directory.
pub struct ServerProc {
    /// Gone after [`Self::kill9`].
    child: Option<Running>,
    pub state: PathBuf,
    pub join_url: String,
    pub admin_url: String,
    pub admin: String,
    pub base: Base,
}

impl ServerProc {
    /// Starts `perflab class serve --bind <bind>` and waits for its URLs.
    pub fn start(state: &Path, bind: &str) -> ServerProc {
        let child = perflab(&["class", "serve", "--bind", bind, "--title", "test class"])
            .state(state)
            .spawn();
        let url = |out: &str, label: &str| {
            out.lines()
                .find_map(|l| l.strip_prefix(label))
                .map(str::to_string)
        };
        child.wait_for_stdout(
            "perflab class serve to print its URLs",
            |out| url(out, "instructor URL: ").is_some(),
            Duration::from_secs(20),
        );
        let out = child.stdout();
        let admin_url = url(&out, "instructor URL: ").unwrap();
        let join_url = url(&out, "join URL: ").expect("a join URL before the instructor URL");
        let admin = admin_url.split("#admin=").nth(1).unwrap().to_string();
        let base = Base::parse(&join_url).unwrap().0;
        ServerProc {
            child: Some(child),
            state: state.to_path_buf(),
            join_url,
            admin_url,
            admin,
            base,
        }
    }

    pub fn port(&self) -> u16 {
        self.base.port
    }

    /// `kill -9`: no chance to finish anything.
    pub fn kill9(&mut self) {
        self.child.take().expect("the server runs").kill();
    }

    pub fn db(&self) -> PathBuf {
        self.state.join("class.sqlite")
    }

    pub async fn admin_get(&self, path: &str) -> (u16, Vec<u8>) {
        let auth = format!("Bearer {}", self.admin);
        request(
            &self.base,
            "GET",
            path,
            &[("authorization", &auth)],
            Vec::new(),
        )
        .await
    }

    pub async fn roster(&self) -> serde_json::Value {
        let (status, body) = self.admin_get("/api/roster").await;
        assert_eq!(status, 200, "{}", String::from_utf8_lossy(&body));
        serde_json::from_slice(&body).unwrap()
    }
}

pub async fn request(
    base: &Base,
    method: &str,
    path: &str,
    headers: &[(&str, &str)],
    body: Vec<u8>,
) -> (u16, Vec<u8>) {
    let mut c = Client::new(base.clone(), Duration::from_secs(15));
    let a = c
        .request(method, path, headers, body)
        .await
        .unwrap_or_else(|e| panic!("{method} {path}: {e}"));
    (a.status, a.body.to_vec())
}

/// What one learner's stage is expected to show, counted from what was sent.
#[derive(Debug, Default, Clone, PartialEq)]
pub struct Expected {
    pub hints: u32,
    pub wrong: u32,
    pub right: u32,
    pub checks_failed: u32,
    pub checks_passed: u32,
    pub goodput_before: f64,
    pub goodput_after: f64,
    pub status: &'static str,
}

/// A whole course for learner `n`: per stage its steps, answers (some wrong),
/// hints, a failed check then a passing one, two measures, and the stage done
/// (stage 5 skipped by every third learner). Counts differ between learners,
/// so a mix-up between them shows.
/// An event as the course records it: kind, stage, step.
pub type Recorded = (EventKind, u8, String);

pub fn course(n: usize) -> (Vec<Recorded>, BTreeMap<u8, Expected>) {
    let mut evs = Vec::new();
    let mut expect = BTreeMap::new();
    for stage in 0..=6u8 {
        let mut x = Expected::default();
        let mut ev = |k: EventKind, step: &str| evs.push((k, stage, step.to_string()));
        let skip = stage == 5 && n.is_multiple_of(3);
        ev(EventKind::StepStarted, "read");
        ev(EventKind::StepDone, "read");
        if skip {
            ev(
                EventKind::StageDone {
                    status: StageOutcome::Skipped,
                },
                "done",
            );
            x.status = "skipped";
            expect.insert(stage, x);
            continue;
        }
        let before = 100.0 + (n * 10 + stage as usize) as f64;
        ev(
            EventKind::Measured {
                goodput_before: Some(before),
                goodput_after: None,
                p99_before_ms: Some(900.0),
                p99_after_ms: None,
            },
            "measure",
        );
        for q in 0..2 {
            let wrong = (n + stage as usize + q) % 3;
            for _ in 0..wrong {
                ev(
                    EventKind::Answer {
                        question: format!("q{q}"),
                        right: false,
                    },
                    "question",
                );
                x.wrong += 1;
            }
            ev(
                EventKind::Answer {
                    question: format!("q{q}"),
                    right: true,
                },
                "question",
            );
            x.right += 1;
        }
        for level in 1..=((n + stage as usize) % 4) as u32 {
            ev(EventKind::Hint { level }, "investigate");
            x.hints += 1;
        }
        ev(
            EventKind::CheckFailed {
                predicate: format!("stage {stage} predicate"),
                observed: "128".into(),
                expected: ">= 4096".into(),
            },
            "check",
        );
        ev(EventKind::CheckPassed, "check");
        let after = before * 8.0;
        ev(
            EventKind::Measured {
                goodput_before: None,
                goodput_after: Some(after),
                p99_before_ms: None,
                p99_after_ms: Some(20.0),
            },
            "verify",
        );
        ev(
            EventKind::StageDone {
                status: StageOutcome::Done,
            },
            "done",
        );
        x.checks_failed = 1;
        x.checks_passed = 1;
        x.goodput_before = before;
        x.goodput_after = after;
        x.status = "done";
        expect.insert(stage, x);
    }
    (evs, expect)
}

pub fn learner_name(n: usize) -> String {
    format!("learner-{n:02}")
}

/// Joins `count` learners; each gets its own queue directory under `dir`.
pub async fn join_all(server: &ServerProc, count: usize, dir: &Path) -> Vec<Classroom> {
    let mut out = Vec::new();
    for n in 0..count {
        let m: Membership = perflab::class::join(&server.join_url, &learner_name(n))
            .await
            .expect("joining");
        let queue = dir.join(format!("q{n}"));
        out.push(Classroom::build(m, &queue).expect("a classroom"));
    }
    out
}

/// Records learner `n`'s whole course from a plain thread (as the tutor
/// would), with `pause` between events; returns how many were recorded.
pub fn run_course(c: Classroom, n: usize, pause: Duration) -> std::thread::JoinHandle<usize> {
    std::thread::spawn(move || {
        let (evs, _) = course(n);
        let count = evs.len();
        for (kind, stage, step) in evs {
            c.record(kind, stage, &step).expect("recording an event");
            if !pause.is_zero() {
                std::thread::sleep(pause);
            }
        }
        count
    })
}

/// Every learner's counts, stage by stage, in the roster JSON, against the course sent.
pub fn check_roster(roster: &serde_json::Value, learners: usize) {
    let list = roster["learners"].as_array().unwrap();
    assert_eq!(list.len(), learners, "one row per learner");
    for l in list {
        let name = l["name"].as_str().unwrap();
        let n: usize = name.trim_start_matches("learner-").parse().unwrap();
        let (evs, expect) = course(n);
        assert_eq!(
            l["events"].as_u64().unwrap() as usize,
            evs.len(),
            "{name}: events"
        );
        assert_eq!(l["stage"], 6, "{name}");
        for (stage, x) in &expect {
            let s = &l["stages"][*stage as usize];
            let got = Expected {
                hints: s["hints"].as_u64().unwrap() as u32,
                wrong: s["wrong"].as_u64().unwrap() as u32,
                right: s["right"].as_u64().unwrap() as u32,
                checks_failed: s["checks_failed"].as_u64().unwrap() as u32,
                checks_passed: s["checks_passed"].as_u64().unwrap() as u32,
                goodput_before: s["goodput_before"].as_f64().unwrap_or(0.0),
                goodput_after: s["goodput_after"].as_f64().unwrap_or(0.0),
                status: match s["status"].as_str().unwrap() {
                    "done" => "done",
                    "skipped" => "skipped",
                    other => panic!("{name} stage {stage}: status {other}"),
                },
            };
            assert_eq!(&got, x, "{name} stage {stage}");
        }
    }
    let past: Vec<u64> = roster["summary"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["past"].as_u64().unwrap())
        .collect();
    assert_eq!(
        past,
        vec![learners as u64; 7],
        "everybody is past every stage"
    );
}

/// The CSV export, row by row, against the course sent.
pub fn check_csv(csv: &str, learners: usize) {
    let mut lines = csv.split("\r\n").filter(|l| !l.is_empty());
    let header: Vec<&str> = lines.next().unwrap().split(',').collect();
    let col = |name: &str| header.iter().position(|h| *h == name).unwrap();
    let mut rows = 0;
    for line in lines {
        let cells: Vec<&str> = line.split(',').collect();
        assert_eq!(cells.len(), header.len(), "{line}");
        let n: usize = cells[col("name")]
            .trim_start_matches("learner-")
            .parse()
            .unwrap();
        let stage: u8 = cells[col("stage")].parse().unwrap();
        let x = &course(n).1[&stage];
        let num = |c: &str| cells[col(c)].parse::<f64>().unwrap_or(0.0);
        assert_eq!(cells[col("status")], x.status, "{line}");
        assert_eq!(num("hints") as u32, x.hints, "{line}");
        assert_eq!(num("wrong_answers") as u32, x.wrong, "{line}");
        assert_eq!(num("right_answers") as u32, x.right, "{line}");
        assert_eq!(num("checks_failed") as u32, x.checks_failed, "{line}");
        assert_eq!(num("goodput_before"), x.goodput_before, "{line}");
        assert_eq!(num("goodput_after"), x.goodput_after, "{line}");
        rows += 1;
    }
    assert_eq!(rows, learners * 7, "one row per learner per stage");
}

/// The events table: (rows, distinct (learner, id), distinct (learner, seq)).
pub fn event_counts(db: &Path) -> (i64, i64, i64) {
    let conn = rusqlite::Connection::open(db).unwrap();
    conn.query_row(
        "SELECT count(*),
                (SELECT count(*) FROM (SELECT DISTINCT learner, id FROM events)),
                (SELECT count(*) FROM (SELECT DISTINCT learner, seq FROM events))
         FROM events",
        [],
        |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
    )
    .unwrap()
}

/// Every row of every table, as text: to compare the database before and after.
pub fn dump(db: &Path) -> Vec<String> {
    let conn = rusqlite::Connection::open(db).unwrap();
    let mut out = Vec::new();
    for table in ["meta", "learners", "events"] {
        let mut st = conn.prepare(&format!("SELECT * FROM {table}")).unwrap();
        let cols = st.column_count();
        let rows = st
            .query_map([], |r| {
                let mut cells = Vec::new();
                for i in 0..cols {
                    let v: rusqlite::types::Value = r.get(i)?;
                    cells.push(format!("{v:?}"));
                }
                Ok(format!("{table}: {}", cells.join(" | ")))
            })
            .unwrap();
        for r in rows {
            out.push(r.unwrap());
        }
    }
    out.sort();
    out
}
