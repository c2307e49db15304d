//! The class server for real: `perflab class serve` as a child process on
//! loopback, its SQLite database, and learners running whole courses through
//! the real queue and sender.
use std::time::{Duration, Instant};

use crate::class_support::*;
use perflab::class::{Classroom, EventKind};
use tokio_util::sync::CancellationToken;

async fn start_senders(classes: &[Classroom], cancel: &CancellationToken) {
    let rt = tokio::runtime::Handle::current();
    for c in classes {
        c.start_sender(&rt, cancel.clone());
    }
}

/// Runs every learner's course on its own thread; returns how many events were sent.
async fn courses(classes: &[Classroom], pause: Duration) -> usize {
    let threads: Vec<_> = classes
        .iter()
        .cloned()
        .enumerate()
        .map(|(n, c)| run_course(c, n, pause))
        .collect();
    tokio::task::spawn_blocking(move || threads.into_iter().map(|t| t.join().unwrap()).sum())
        .await
        .unwrap()
}

async fn flush_all(classes: &[Classroom]) {
    for (n, c) in classes.iter().enumerate() {
        let left = c.flush(Duration::from_secs(60)).await;
        assert_eq!(
            left,
            0,
            "learner {n}: {left} events still queued ({:?})",
            c.last_note()
        );
    }
}

fn expected_total(learners: usize) -> usize {
    (0..learners).map(|n| course(n).0.len()).sum()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn forty_learners_send_whole_courses_and_the_roster_and_export_hold_exactly_that() {
    let dir = temp_dir("forty");
    let server = ServerProc::start(&dir.join("server"), "127.0.0.1:0");
    let classes = join_all(&server, 40, &dir.join("learners")).await;
    let cancel = CancellationToken::new();
    start_senders(&classes, &cancel).await;

    let sent = courses(&classes, Duration::ZERO).await;
    assert_eq!(sent, expected_total(40));
    flush_all(&classes).await;
    cancel.cancel();

    check_roster(&server.roster().await, 40);
    let (status, csv) = server.admin_get("/api/export.csv").await;
    assert_eq!(status, 200);
    check_csv(&String::from_utf8(csv).unwrap(), 40);
    let (status, json) = server.admin_get("/api/export.json").await;
    assert_eq!(status, 200);
    let rows: Vec<serde_json::Value> = serde_json::from_slice(&json).unwrap();
    assert_eq!(rows.len(), 40 * 7);
    let sent = sent as i64;
    assert_eq!(event_counts(&server.db()), (sent, sent, sent));
    std::fs::remove_dir_all(&dir).unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn kill_9_of_the_server_during_the_load_loses_nothing_and_doubles_nothing() {
    let dir = temp_dir("kill9");
    let state = dir.join("server");
    let mut server = ServerProc::start(&state, "127.0.0.1:0");
    let (port, join_url, admin) = (server.port(), server.join_url.clone(), server.admin.clone());
    let classes = join_all(&server, 40, &dir.join("learners")).await;
    let cancel = CancellationToken::new();
    start_senders(&classes, &cancel).await;
    let total = expected_total(40) as i64;

    let load = {
        let classes = classes.clone();
        tokio::spawn(async move { courses(&classes, Duration::from_millis(20)).await })
    };
    // Kill it once a quarter of the course is in, with the rest still coming.
    let deadline = Instant::now() + Duration::from_secs(120);
    while event_counts(&server.db()).0 < total / 4 {
        assert!(
            Instant::now() < deadline,
            "the server never got a quarter of the events"
        );
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    server.kill9();
    let at_kill = event_counts(&server.db()).0;
    let queued = || classes.iter().map(|c| c.queued()).sum::<usize>();
    let deadline = Instant::now() + Duration::from_secs(30);
    while queued() == 0 {
        assert!(
            Instant::now() < deadline,
            "the learners queue while the server is down"
        );
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    eprintln!(
        "killed with {at_kill} of {total} events stored; {} queued while down",
        queued()
    );

    let server = ServerProc::start(&state, &format!("127.0.0.1:{port}"));
    assert_eq!(
        server.join_url, join_url,
        "a restarted server keeps its join URL"
    );
    assert_eq!(server.admin, admin, "and its admin token");
    eprintln!(
        "restarted; the courses still running: {}",
        !load.is_finished()
    );
    let sent = load.await.unwrap() as i64;
    assert_eq!(sent, total);
    assert!(
        at_kill < total,
        "the kill came during the load ({at_kill} of {total})"
    );
    flush_all(&classes).await;
    cancel.cancel();

    assert_eq!(
        event_counts(&server.db()),
        (total, total, total),
        "every event once: (rows, distinct ids, distinct seqs)"
    );
    check_roster(&server.roster().await, 40);
    let (status, csv) = server.admin_get("/api/export.csv").await;
    assert_eq!(status, 200);
    check_csv(&String::from_utf8(csv).unwrap(), 40);
    std::fs::remove_dir_all(&dir).unwrap();
}

struct Case<'a> {
    what: &'a str,
    method: &'a str,
    path: &'a str,
    headers: Vec<(&'a str, String)>,
    body: Vec<u8>,
    status: u16,
    says: &'a str,
}

fn event_json(learner: &str, stage: u8) -> serde_json::Value {
    serde_json::json!({
        "id": perflab::class::token::random_hex().unwrap(),
        "learner": learner,
        "seq": 99,
        "at": 1_800_000_000_000i64,
        "stage": stage,
        "step": "check",
        "kind": {"type": "hint", "level": 1}
    })
}

fn batch(events: Vec<serde_json::Value>) -> Vec<u8> {
    serde_json::to_vec(&serde_json::json!({ "events": events })).unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn bad_input_gets_its_4xx_and_changes_nothing() {
    let dir = temp_dir("bad");
    let server = ServerProc::start(&dir.join("server"), "127.0.0.1:0");
    let html_name = "<script>alert(1)</script>";
    let a = perflab::class::join(&server.join_url, "ana").await.unwrap();
    let b = perflab::class::join(&server.join_url, html_name)
        .await
        .unwrap();
    let ca = Classroom::build(a.clone(), &dir.join("qa")).unwrap();
    ca.record(EventKind::StepStarted, 0, "read")
        .expect("recording an event");
    assert_eq!(ca.flush(Duration::from_secs(10)).await, 0);
    let join_token = perflab::class::parse_join_url(&server.join_url).unwrap().1;

    let bearer = |t: &str| ("authorization", format!("Bearer {t}"));
    let as_learner = |m: &perflab::class::Membership, id: &str| {
        vec![
            bearer(&m.join_token),
            ("x-perflab-learner", id.to_string()),
            ("x-perflab-secret", m.secret.clone()),
        ]
    };
    let ana = as_learner(&a, &a.learner);
    let wrong_join = vec![
        bearer("00000000000000000000000000000000"),
        ("x-perflab-learner", a.learner.clone()),
        ("x-perflab-secret", a.secret.clone()),
    ];
    let admin = vec![bearer(&server.admin)];
    let good = batch(vec![event_json(&a.learner, 1)]);
    let mut big_event = event_json(&a.learner, 1);
    big_event["step"] = "x".repeat(70 * 1024).into();

    let cases = vec![
        Case {
            what: "events with a wrong join token",
            method: "POST",
            path: "/api/events",
            headers: wrong_join.clone(),
            body: good.clone(),
            status: 401,
            says: "join token is wrong",
        },
        Case {
            what: "events without any token",
            method: "POST",
            path: "/api/events",
            headers: vec![],
            body: good.clone(),
            status: 401,
            says: "no join token",
        },
        Case {
            what: "a join with a wrong join token",
            method: "POST",
            path: "/api/join",
            headers: vec![bearer("ffffffffffffffffffffffffffffffff")],
            body: br#"{"name":"eve"}"#.to_vec(),
            status: 401,
            says: "join token is wrong",
        },
        Case {
            what: "the roster with a wrong admin token",
            method: "GET",
            path: "/api/roster",
            headers: vec![bearer("ffffffffffffffffffffffffffffffff")],
            body: vec![],
            status: 401,
            says: "admin token",
        },
        Case {
            what: "the roster with the join token",
            method: "GET",
            path: "/api/roster",
            headers: vec![bearer(&join_token)],
            body: vec![],
            status: 401,
            says: "admin token",
        },
        Case {
            what: "the export with a learner's headers",
            method: "GET",
            path: "/api/export.csv",
            headers: ana.clone(),
            body: vec![],
            status: 401,
            says: "admin token",
        },
        Case {
            what: "thresholds set with the join token",
            method: "PUT",
            path: "/api/thresholds",
            headers: vec![bearer(&join_token)],
            body: br#"{"step_minutes":1,"check_failures":1,"hints":1}"#.to_vec(),
            status: 401,
            says: "admin token",
        },
        Case {
            what: "thresholds out of range",
            method: "PUT",
            path: "/api/thresholds",
            headers: admin.clone(),
            body: br#"{"step_minutes":0,"check_failures":3,"hints":3}"#.to_vec(),
            status: 400,
            says: "step_minutes: 0; 1 to 240",
        },
        Case {
            what: "thresholds with an unknown field",
            method: "PUT",
            path: "/api/thresholds",
            headers: admin.clone(),
            body: br#"{"step_minutes":5,"check_failures":3,"hints":3,"x":1}"#.to_vec(),
            status: 400,
            says: "unknown field",
        },
        Case {
            what: "an oversized body",
            method: "POST",
            path: "/api/events",
            headers: ana.clone(),
            body: batch(vec![big_event]),
            status: 413,
            says: "over 64 KiB",
        },
        Case {
            what: "malformed JSON",
            method: "POST",
            path: "/api/events",
            headers: ana.clone(),
            body: b"{\"events\": [{\"id\": ".to_vec(),
            status: 400,
            says: "not a valid event batch",
        },
        Case {
            what: "an event field out of range",
            method: "POST",
            path: "/api/events",
            headers: ana.clone(),
            body: batch(vec![event_json(&a.learner, 1), event_json(&a.learner, 9)]),
            status: 400,
            says: "events[1].stage: 9; stages 0 to 6",
        },
        Case {
            what: "an unknown event field",
            method: "POST",
            path: "/api/events",
            headers: ana.clone(),
            body: {
                let mut e = event_json(&a.learner, 1);
                e["extra"] = true.into();
                batch(vec![e])
            },
            status: 400,
            says: "unknown field",
        },
        Case {
            what: "ana's secret for bob's id",
            method: "POST",
            path: "/api/events",
            headers: as_learner(&a, &b.learner),
            body: batch(vec![event_json(&b.learner, 1)]),
            status: 403,
            says: "secret is not learner",
        },
        Case {
            what: "ana's secret and id for an event of bob's",
            method: "POST",
            path: "/api/events",
            headers: ana.clone(),
            body: batch(vec![event_json(&a.learner, 1), event_json(&b.learner, 1)]),
            status: 403,
            says: "events[1].learner is not the learner",
        },
        Case {
            what: "ana's secret to read bob",
            method: "GET",
            path: "/api/me",
            headers: as_learner(&a, &b.learner),
            body: vec![],
            status: 403,
            says: "secret is not learner",
        },
        Case {
            what: "an empty name",
            method: "POST",
            path: "/api/join",
            headers: vec![bearer(&join_token)],
            body: br#"{"name":"   "}"#.to_vec(),
            status: 400,
            says: "name: 0 characters; 1 to 40",
        },
        Case {
            what: "a name too long",
            method: "POST",
            path: "/api/join",
            headers: vec![bearer(&join_token)],
            body: format!(r#"{{"name":"{}"}}"#, "n".repeat(41)).into_bytes(),
            status: 400,
            says: "name: 41 characters; 1 to 40",
        },
        Case {
            what: "a name with a control character",
            method: "POST",
            path: "/api/join",
            headers: vec![bearer(&join_token)],
            body: br#"{"name":"a\u001bb"}"#.to_vec(),
            status: 400,
            says: "control character",
        },
        Case {
            what: "a join that is not JSON",
            method: "POST",
            path: "/api/join",
            headers: vec![bearer(&join_token)],
            body: b"name=eve".to_vec(),
            status: 400,
            says: "not a valid join request",
        },
        Case {
            what: "a roster version that is not a number",
            method: "GET",
            path: "/api/roster?since=abc",
            headers: admin.clone(),
            body: vec![],
            status: 400,
            says: "since",
        },
    ];

    let before = dump(&server.db());
    for c in &cases {
        let headers: Vec<(&str, &str)> = c.headers.iter().map(|(k, v)| (*k, v.as_str())).collect();
        let (status, body) =
            request(&server.base, c.method, c.path, &headers, c.body.clone()).await;
        let text = String::from_utf8_lossy(&body);
        assert_eq!(status, c.status, "{}: {text}", c.what);
        let v: serde_json::Value = serde_json::from_slice(&body)
            .unwrap_or_else(|_| panic!("{}: the error is JSON: {text}", c.what));
        let error = v["error"].as_str().unwrap();
        assert!(
            error.contains(c.says),
            "{}: {error:?} does not say {:?}",
            c.what,
            c.says
        );
    }
    // Too many requests: the bucket is 20, refilled at 10 a second.
    let headers: Vec<(&str, &str)> = ana.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let mut statuses = Vec::new();
    for _ in 0..40 {
        statuses.push(
            request(&server.base, "POST", "/api/events", &headers, b"{".to_vec())
                .await
                .0,
        );
    }
    assert!(
        statuses.iter().all(|s| *s == 400 || *s == 429),
        "{statuses:?}"
    );
    assert!(
        statuses.contains(&429),
        "a learner posting as fast as they can gets 429: {statuses:?}"
    );
    assert_eq!(
        dump(&server.db()),
        before,
        "no refused request changed the database"
    );

    // A name with markup is a name: stored and exported as it was typed.
    let roster = server.roster().await;
    let names: Vec<&str> = roster["learners"]
        .as_array()
        .unwrap()
        .iter()
        .map(|l| l["name"].as_str().unwrap())
        .collect();
    assert_eq!(names, vec!["ana", html_name]);
    let (_, csv) = server.admin_get("/api/export.csv").await;
    assert!(String::from_utf8(csv)
        .unwrap()
        .contains(&format!(",{html_name},0,")));
    std::fs::remove_dir_all(&dir).unwrap();
}
