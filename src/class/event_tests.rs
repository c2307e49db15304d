use super::*;

fn good() -> serde_json::Value {
    serde_json::json!({
        "id": "0123456789abcdef0123456789abcdef",
        "learner": "fedcba9876543210fedcba9876543210",
        "seq": 1,
        "at": 1_700_000_000_000i64,
        "stage": 3,
        "step": "check",
        "kind": {"type": "check_failed", "predicate": "somaxconn >= 4096", "observed": "128", "expected": ">= 4096"}
    })
}

fn batch_of(events: Vec<serde_json::Value>) -> Vec<u8> {
    serde_json::to_vec(&serde_json::json!({ "events": events })).unwrap()
}

fn refused(events: Vec<serde_json::Value>) -> Invalid {
    parse_batch(&batch_of(events)).unwrap_err()
}

#[test]
fn a_good_batch_parses() {
    let b = parse_batch(&batch_of(vec![good()])).unwrap();
    assert_eq!(b.events[0].stage, 3);
    assert!(matches!(b.events[0].kind, EventKind::CheckFailed { .. }));
    // Every kind goes through the wire and back.
    for kind in [
        EventKind::StepStarted,
        EventKind::StepDone,
        EventKind::Answer {
            question: "q".into(),
            right: true,
        },
        EventKind::Hint { level: 2 },
        EventKind::CheckPassed,
        EventKind::Measured {
            goodput_before: Some(1.5),
            goodput_after: None,
            p99_before_ms: None,
            p99_after_ms: Some(3.0),
        },
        EventKind::Hand { raised: true },
        EventKind::StageDone {
            status: StageOutcome::Skipped,
        },
        EventKind::ChallengeScore {
            score: 7,
            seconds: 60,
        },
    ] {
        let text = serde_json::to_string(&kind).unwrap();
        assert_eq!(
            serde_json::from_str::<EventKind>(&text).unwrap(),
            kind,
            "{text}"
        );
    }
}

#[test]
fn unknown_fields_are_refused_everywhere() {
    let mut e = good();
    e["extra"] = 1.into();
    assert!(refused(vec![e]).reason.contains("unknown field"));
    let mut e = good();
    e["kind"]["colour"] = "red".into();
    let err = refused(vec![e]);
    assert!(err.reason.contains("unknown field"), "{err}");
    let mut e = good();
    e["kind"] = serde_json::json!({"type": "dance"});
    assert!(refused(vec![e]).reason.contains("unknown variant"));
    let err = parse_batch(br#"{"events": [], "more": 1}"#).unwrap_err();
    assert!(err.reason.contains("unknown field"), "{err}");
}

#[test]
fn each_limit_names_its_field() {
    let cases: Vec<(&str, serde_json::Value, &str)> = vec![
        ("id", "XYZ".into(), "events[0].id"),
        ("learner", "0".repeat(33).into(), "events[0].learner"),
        ("seq", 0.into(), "events[0].seq"),
        ("at", 5.into(), "events[0].at"),
        ("stage", 7.into(), "events[0].stage"),
        ("step", "".into(), "events[0].step"),
        ("step", "x".repeat(65).into(), "events[0].step"),
        ("step", "a\u{7}b".into(), "events[0].step"),
    ];
    for (key, value, field) in cases {
        let mut e = good();
        e[key] = value.clone();
        let err = refused(vec![e]);
        assert_eq!(err.field, field, "{key} = {value}: {err}");
    }
    let mut e = good();
    e["kind"]["observed"] = "o".repeat(201).into();
    let err = refused(vec![good(), e]);
    assert_eq!(err.field, "events[1].kind.observed");
    assert!(err.reason.contains("0 to 200"), "{err}");
    let mut e = good();
    e["kind"] = serde_json::json!({"type": "measured", "goodput_before": -1.0});
    assert_eq!(refused(vec![e]).field, "events[0].kind.goodput_before");
    let mut e = good();
    e["kind"] = serde_json::json!({"type": "hint", "level": 0});
    assert_eq!(refused(vec![e]).field, "events[0].kind.level");
    let mut e = good();
    e["stage"] = 300.into();
    let err = refused(vec![e]);
    assert_eq!(err.field, "events[0].stage", "{err}");
}

#[test]
fn batches_have_a_size() {
    assert_eq!(refused(vec![]).field, "events");
    let many = (0..=MAX_BATCH).map(|_| good()).collect();
    assert!(refused(many).reason.contains("1 to 100"));
}

#[test]
fn malformed_json_is_refused_with_a_message() {
    let err = parse_batch(b"{\"events\": [").unwrap_err();
    assert!(err.reason.contains("not a valid event batch"), "{err}");
    assert!(parse_batch(b"").is_err());
    assert!(parse_batch(b"[]").is_err());
}

#[test]
fn texts_are_checked_in_characters() {
    assert!(check_text("name", "Zoë 李", 1, 5).is_ok());
    assert!(check_text("name", "", 1, 40).is_err());
    assert!(check_text("name", "<script>alert(1)</script>", 1, 40).is_ok());
    assert!(check_text("name", "a\nb", 1, 40)
        .unwrap_err()
        .reason
        .contains("control"));
}
