//! Bad input across the command line: each gets a clear message naming the value
//! and what is accepted, a failing exit code, no panic, and changes nothing.
use crate::harness::LabFixture;

#[test]
fn twenty_three_kinds_of_bad_input_are_refused_clearly_and_change_nothing() {
    let lab = LabFixture::new("bad-input");
    let cases: &[(&[&str], &str)] = &[
        (
            &["up", "--stage", "9"],
            "stage 9 does not exist: the course has stages 0 to 6",
        ),
        (&["up", "--stage", "-1"], "the course has stages 0 to 6"),
        (&["up", "--stage", "abc"], "\"abc\" is not a stage number"),
        (
            &["load", "-c", "0"],
            "0 connections is out of range; accepted: 1 to 100000",
        ),
        (&["load", "-c", "99999999999999"], "accepted: 1 to 100000"),
        (&["load", "-d", "0s"], "accepted"),
        (&["load", "-d", "soon"], "soon"),
        (&["load", "--timeout", "0ms"], "accepted"),
        (&["load", "--url", "http://10.0.0.1/"], "10.0.0.1"),
        (&["load", "--url", "http://8.8.8.8/"], "8.8.8.8"),
        (
            &["load", "--url", "ftp://127.0.0.1/"],
            "scheme `ftp` is not supported",
        ),
        (&["load", "--url", "http://example.com/"], "example.com"),
        (&["flame", "--seconds", "0"], "0"),
        (&["flame", "--function", "a;b"], "a;b"),
        (
            &["run", "--auto", "--from", "5", "--to", "2"],
            "--from 5 is after --to 2",
        ),
        (&["run"], "needs --auto"),
        (&["run", "--auto", "--to", "7"], "7"),
        (&["shell", "--", "true"], "no lab is running"),
        (&["probe"], "no lab is running"),
        (
            &["dev", "check", "--dir", "/nonexistent/lessons"],
            "/nonexistent/lessons",
        ),
        (
            &["challenge", "--goal", "1"],
            "--goal 1 is out of range: accepted 2 to 100",
        ),
        (
            &["challenge", "--goal", "lots"],
            "`lots` is not a whole number: --goal takes 2 to 100",
        ),
        (
            &["challenge", "--p99", "5s"],
            "--p99 5000ms is out of range: accepted 50ms to 2000ms",
        ),
    ];
    assert_eq!(cases.len(), 23);
    for (args, needle) in cases {
        let out = lab.run(args);
        let shown = args.join(" ");
        assert!(!out.success(), "perflab {shown} succeeded: {out}");
        assert!(!out.stderr.contains("panicked"), "perflab {shown}: {out}");
        assert!(
            out.stderr.contains(needle),
            "perflab {shown}: {needle:?} not in: {out}"
        );
        assert!(
            lab.labelled_objects().is_empty(),
            "perflab {} changed the lab",
            args.join(" ")
        );
    }
    let out = lab.perflab(&["status"]).env("PERFLAB_LAB", "BAD!").output();
    assert!(!out.success());
    assert!(
        out.stderr
            .contains("not a valid lab name: 1 to 20 characters"),
        "{out}"
    );
}
