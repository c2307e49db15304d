//! Tests of the loader and its validation, on the embedded course and on
//! copies of it with one thing broken.
use crate::lessons::*;

use crate::lessons::broken::{assert_problem_with, edited_fails, embedded_with};

#[track_caller]
fn assert_problem(files: &Files, wanted: &str) {
    assert_problem_with(files, &[wanted]);
}

/// The embedded course with `path` edited has a problem naming `wanted`.
#[track_caller]
fn edited_has(path: &str, edit: impl FnOnce(String) -> String, wanted: &str) {
    edited_fails(path, edit, &[wanted]);
}

#[test]
fn embedded_course_is_complete() {
    let course = Course::load().expect("the embedded lessons are valid");
    let numbers: Vec<u8> = course.stages.iter().map(|l| l.spec.number).collect();
    assert_eq!(numbers, STAGES.collect::<Vec<_>>());
    let baseline = course.stage(0).unwrap();
    use StepKind::*;
    assert_eq!(
        baseline.spec.steps(),
        [Brief, Observe, Investigate, Diagnose, Debrief]
    );
    assert!(baseline.spec.symptom.is_none());
    for lesson in &course.stages[1..] {
        assert_eq!(
            lesson.spec.steps(),
            [
                Brief,
                Observe,
                Investigate,
                Diagnose,
                Predict,
                Fix,
                Check,
                Measure,
                Debrief
            ]
        );
        assert!(lesson.spec.symptom.is_some(), "{}", lesson.dir);
        for lang in Lang::ALL {
            assert!(!lesson.brief(lang).trim().is_empty(), "{}", lesson.dir);
            assert!(!lesson.debrief(lang).trim().is_empty(), "{}", lesson.dir);
            assert!(
                !lesson.brief(lang).contains("{{"),
                "resolved: {}",
                lesson.dir
            );
        }
        assert_ne!(lesson.spec.title_for(Lang::En, false), "");
        assert_eq!(
            lesson.spec.title_for(Lang::Zh, true),
            lesson.spec.solved_title.zh
        );
    }
    assert_eq!(
        course.stage(3).unwrap().spec.restarts(),
        [Service::Nginx, Service::PhpFpm]
    );
}

#[test]
fn every_reference_fix_is_accepted_by_its_own_step() {
    let course = Course::load().unwrap();
    for lesson in &course.stages {
        let Some(fix) = &lesson.spec.fix else {
            continue;
        };
        for change in &fix.changes {
            let typed = change.reference_input();
            match fix.read_input(&typed, Lang::En) {
                Some(Input::Accepted { change: got, value }) => {
                    assert_eq!(got.id, change.id, "{}: {typed:?}", lesson.dir);
                    assert_eq!(value, change.reference, "{}: {typed:?}", lesson.dir);
                }
                other => panic!("{}: {typed:?} gave {other:?}", lesson.dir),
            }
        }
    }
}

#[test]
fn evidence_patterns_match_real_output_and_nothing_else() {
    let course = Course::load().unwrap();
    let evidence = |stage: u8, id: &str| {
        let spec = &course.stage(stage).unwrap().spec;
        spec.investigate
            .evidence
            .iter()
            .find(|e| e.id == id)
            .unwrap()
            .clone()
    };
    let kernel = evidence(1, "kernel-log");
    assert!(kernel.is_seen(
        "dmesg | tail",
        "[88356.354329] nf_conntrack: nf_conntrack: table full, dropping packet\n"
    ));
    assert!(kernel.is_seen(
        "dmesg",
        "nf_conntrack: table full in netns 4026532801, dropping packet\n"
    ));
    assert!(!kernel.is_seen("dmesg", "eth0: link up\n"));
    let stats = evidence(1, "conntrack-stats");
    assert!(stats.is_seen(
        "conntrack -S",
        "cpu=0 found=0 invalid=0 insert=0 insert_failed=0 drop=4186 early_drop=0\n"
    ));
    assert!(!stats.is_seen(
        "conntrack -S",
        "cpu=0 found=0 invalid=0 insert=0 insert_failed=0 drop=0 early_drop=0\n"
    ));
    let queues = evidence(3, "queues");
    let ss = "State  Recv-Q Send-Q Local Address:Port  Peer Address:PortProcess\n\
              LISTEN 0      10           0.0.0.0:80         0.0.0.0:*\n\
              LISTEN 0      10         127.0.0.1:9000       0.0.0.0:*\n";
    assert!(queues.is_seen("ss -ltn", ss));
    assert!(!queues.is_seen("ss -ltn", &ss.replace(" 10 ", " 8192 ")));
    let count = evidence(2, "errno-count");
    assert!(count.is_seen(
        "grep -c 'Cannot assign' /var/log/nginx/error.log",
        "91294\n"
    ));
    assert!(!count.is_seen("grep -c 'Cannot assign' /var/log/nginx/error.log", "0\n"));
    assert!(!count.is_seen("wc -l /var/log/nginx/access.log", "91294\n"));
    let side = evidence(5, "time-wait-side");
    let nginx_side =
        "Recv-Q Send-Q Local Address:Port Peer Address:Port\n0 0 127.0.0.1:34512 127.0.0.1:9000\n";
    let fpm_side =
        "Recv-Q Send-Q Local Address:Port Peer Address:Port\n0 0 127.0.0.1:9000 127.0.0.1:34512\n";
    assert!(side.is_seen("ss -tan state time-wait | head", nginx_side));
    assert!(!side.is_seen("ss -tan state time-wait | head", fpm_side));
    assert!(!side.is_seen("ss -tan", "ESTAB 0 0 127.0.0.1:34512 127.0.0.1:9000\n"));
    assert!(side.is_seen("ss -tan", "TIME-WAIT 0 0 127.0.0.1:34512 127.0.0.1:9000\n"));
    let summary = evidence(5, "socket-summary");
    assert!(summary.is_seen(
        "ss -s",
        "TCP:   33339 (estab 4489, closed 28847, orphaned 1049, timewait 27787)\n"
    ));
    assert!(!summary.is_seen(
        "ss -s",
        "TCP:   973 (estab 0, closed 964, orphaned 919, timewait 45)\n"
    ));
}

#[test]
fn a_missing_language_names_file_and_field() {
    edited_has(
        "4-workers/stage.toml",
        |s| {
            let start = s.find("\ntitle = {").unwrap() + 1;
            let end = start + s[start..].find('\n').unwrap();
            let zh = start + s[start..end].find(", zh = ").unwrap();
            format!("{} }}{}", &s[..zh], &s[end..])
        },
        "lessons/4-workers/stage.toml: title.zh: missing text",
    );
}

#[test]
fn an_unknown_field_is_a_parse_problem_with_its_line() {
    let files = embedded_with("2-ports/stage.toml", |s| {
        s.replace("need = \"all\"", "need = \"all\"\nneeds = 3")
    });
    assert_problem(&files, "lessons/2-ports/stage.toml: line");
    assert_problem(&files, "[fix] needs: unknown field `needs`");
}

/// Each case: a file, a text replaced in it, and the problem it must give.
#[track_caller]
fn replaced_gives(cases: &[(&str, &str, &str, &str)]) {
    for (path, from, to, wanted) in cases {
        edited_has(path, |s| s.replace(from, to), wanted);
    }
}

#[test]
fn reference_rules_are_enforced() {
    let file = "4-workers/stage.toml";
    replaced_gives(&[
        (
            file,
            "reference = \"20\"\n",
            "",
            "fix.change[0].reference: missing",
        ),
        (
            file,
            "reference = \"20\"",
            "reference = \"500\"",
            "fix.change[0].reference: outside its own accepted range: 500 is out of range",
        ),
        (
            file,
            "reference = \"20\"",
            "reference = \"30\"",
            "disagrees with containers/stages.toml, whose fix sets pm_max_children = \"20\"",
        ),
    ]);
}

#[test]
fn unknown_names_are_refused() {
    replaced_gives(&[
        (
            "4-workers/stage.toml",
            "knob = \"pm_max_children\"",
            "knob = \"pm_max_kids\"",
            "fix.change[0].target: unknown knob \"pm_max_kids\"",
        ),
        (
            "1-conntrack/stage.toml",
            "field = \"conntrack.drops\"",
            "field = \"conntrack.dropz\"",
            "unknown probe field \"conntrack.dropz\"",
        ),
    ]);
}

#[test]
fn step_rules_are_enforced() {
    edited_has("5-flame-graph/stage.toml", |s| {
        let start = s.find("[check]").unwrap();
        let end = s.find("[measure]").unwrap();
        format!("{}{}", &s[..start], &s[end..])
    }, "lessons/5-flame-graph/stage.toml: check: missing: a stage with a [fix] needs a [check] too");
    edited_has(
        "0-baseline/stage.toml",
        |s| {
            s.replacen(
                "[[diagnose.choice]]\n",
                "[[diagnose.choice]]\ncorrect = true\n",
                1,
            )
        },
        "diagnose.choice: 2 correct choices",
    );
    edited_has(
        "1-conntrack/stage.toml",
        |s| {
            s.replace(
                "field = \"kernel.conntrack_full_lines\"\nat = \"load\"",
                "field = \"kernel.conntrack_full_lines\"",
            )
        },
        "check.predicate[1].at: kernel.conntrack_full_lines is a counter",
    );
    edited_has(
        "3-listen-queues/stage.toml",
        |s| s.replace("format = 2", "format = 1"),
        "format: format 1 is not supported",
    );
}

#[test]
fn prose_rules_are_enforced() {
    let fence = embedded_with("2-ports/debrief.en.md", |s| s + "\n```bash\nls\n```\n");
    assert_problem(&fence, "lessons/2-ports/debrief.en.md: line ");
    assert_problem(&fence, "unknown fence \"bash\"");
    edited_has(
        "2-ports/debrief.zh.md",
        |_| "\n  \n".to_string(),
        "lessons/2-ports/debrief.zh.md: empty prose",
    );
    edited_has(
        "2-ports/brief.zh.md",
        |_| embedded_files()["2-ports/brief.en.md"].clone().unwrap(),
        "brief.zh.md has no Chinese text",
    );
    edited_has(
        "4-workers/brief.en.md",
        |s| format!("# A title\n\n{s}"),
        "lessons/4-workers/brief.en.md: line 1: no level-1 heading",
    );
    edited_has(
        "4-workers/brief.en.md",
        |s| s + &"another line\n".repeat(16),
        "lessons/4-workers/brief.en.md: the brief has",
    );
    let mut missing = embedded_files();
    missing.remove("6-beyond/debrief.en.md");
    assert_problem(&missing, "lessons/6-beyond/debrief.en.md: missing file");
    let mut old = embedded_files();
    old.insert("6-beyond/en.md".into(), Ok("# old\n".into()));
    assert_problem(
        &old,
        "lessons/6-beyond/en.md: unexpected file: format 2 splits the prose",
    );
    let mut no_stage = embedded_files();
    no_stage.retain(|path, _| !path.starts_with("3-"));
    assert_problem(&no_stage, "stage 3 is missing");
}

#[test]
fn the_error_names_the_first_problem_and_the_command() {
    let files = embedded_with("4-workers/stage.toml", |s| {
        s.replace("reference = \"20\"\n", "")
    });
    let err = Course::build(&files, "lessons").unwrap_err().to_string();
    assert!(
        err.contains("problem(s)") && err.contains("fix.change[0].reference"),
        "{err}"
    );
    assert!(err.contains("perflab dev check"), "{err}");
}
