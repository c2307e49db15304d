use super::*;

const FIXTURE: &str = include_str!("../../tests/fixtures/figures/course-repeat.fixture.json");

#[test]
fn the_embedded_table_parses() {
    let t = Figures::embedded().expect("the embedded table parses");
    assert_eq!(t.format, FORMAT);
    // Until the lead runs the bench script, the table holds no figure.
    if t.provisional {
        assert_eq!(t.value(&Placeholder::Runs), Err(NotInTable::NoRuns));
    }
}

#[test]
fn figures_are_formatted_as_the_lessons_show_them() {
    let t = Figures::parse(FIXTURE, "fixture").unwrap();
    let v = |s: &str| t.value(&Placeholder::parse(s).unwrap());
    assert_eq!(v("runs"), Ok("5".into()));
    assert_eq!(v("1.before.goodput.median"), Ok("40".into()));
    assert_eq!(v("1.after.goodput.median"), Ok("196".into()));
    assert_eq!(v("1.gain"), Ok("4.9".into()));
    assert_eq!(v("5.before.flame_share.median"), Ok("84.7".into()));
    assert_eq!(v("3.before.p99_ms.max"), Ok("1082".into()));
    assert!(v("0.after.goodput.median")
        .unwrap_err()
        .to_string()
        .contains("null"));
    assert!(v("0.gain").unwrap_err().to_string().contains("null"));
    assert!(v("1.before.flame_share.median")
        .unwrap_err()
        .to_string()
        .contains("null"));
}

#[test]
fn resolve_replaces_placeholders_and_keeps_the_rest() {
    let t = Figures::parse(FIXTURE, "fixture").unwrap();
    assert_eq!(
        t.resolve("from {{1.before.goodput.median}} to {{1.after.goodput.median}} 2xx/s ({{1.gain}}×, {{runs}} runs)"),
        "from 40 to 196 2xx/s (4.9×, 5 runs)"
    );
    assert_eq!(
        t.resolve("{{0.after.goodput.median}} and {value}"),
        "– and {value}"
    );
    assert_eq!(
        t.resolve("{{1.before.goodput.mean}}"),
        "{{1.before.goodput.mean}}"
    );
    assert_eq!(Figures::default().resolve("{{runs}}"), MISSING);
}

#[test]
fn placeholders_parse_print_and_refuse_what_is_not_one() {
    for s in [
        "runs",
        "6.gain",
        "0.before.goodput.median",
        "5.after.flame_share.max",
        "2.before.p99_ms.min",
        "3.after.symptom.median",
    ] {
        let p = Placeholder::parse(s).unwrap();
        assert_eq!(p.to_string(), format!("{{{{{s}}}}}"));
    }
    for (s, why) in [
        ("7.gain", "not a stage"),
        ("x.gain", "not a stage"),
        ("1.during.goodput.median", "not a side"),
        ("1.before.rps.median", "not a metric"),
        ("1.before.goodput.p50", "not a statistic"),
        ("1.before.goodput", "wrong shape"),
    ] {
        let err = Placeholder::parse(s).unwrap_err();
        assert!(err.contains(why), "{s}: {err}");
    }
    let found = scan("a {{runs}} b {{1.gain} c");
    assert!(matches!(
        found[0],
        Found::Ok {
            placeholder: Placeholder::Runs,
            ..
        }
    ));
    assert!(matches!(&found[1], Found::Malformed { .. }), "{found:?}");
    assert!(scan("{value} and { {x} }").is_empty());
}

#[test]
fn a_table_of_another_format_or_shape_is_refused() {
    let e = Figures::parse(r#"{"format": 2}"#, "t.json")
        .unwrap_err()
        .to_string();
    assert!(
        e.contains("t.json") && e.contains("format 2 is not 1"),
        "{e}"
    );
    let e = Figures::parse("{", "t.json").unwrap_err().to_string();
    assert!(e.contains("bash bench/course-repeat.sh 5"), "{e}");
}

#[test]
fn the_syntax_names_every_quoted_table() {
    assert_eq!(
        syntax(),
        "{{runs}}, {{N.gain}}, {{N.before|after.goodput|p99_ms|symptom|flame_share|request_timeouts|error_pct.median|min|max}} with N from 0 to 6, or {{TABLE:key}} with TABLE conntrack, pool or storm_rate"
    );
}
