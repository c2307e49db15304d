//! The lesson catalogue against the typed accessors: every field a lesson may
//! name, and every field the embedded lessons do name, reads a value.
use super::*;
use crate::config::StagePlan;
use crate::lessons::fields::every_name;
use crate::lessons::{Course, KeyKind, SYSCTLS};
use crate::load::LoadReport;
use crate::probe::Listen;

/// Every name the catalogue lets a lesson write, with a key of each kind.
fn catalogue() -> Vec<FieldRef> {
    every_name()
        .iter()
        .map(|n| FieldRef::parse(n).expect("a catalogued name parses"))
        .collect()
}

/// Every field the embedded lessons name: symptoms, watched gauges, the
/// check's predicates and the measure's comparisons (the headline among them).
fn in_the_lessons() -> Vec<FieldRef> {
    let course = Course::load().expect("the embedded lessons are valid");
    let mut fields = Vec::new();
    for lesson in &course.stages {
        let spec = &lesson.spec;
        fields.extend(spec.symptom.iter().map(|s| s.field.clone()));
        fields.extend(spec.observe.watch.iter().cloned());
        for p in spec.check.iter().flat_map(|c| &c.predicates) {
            fields.push(p.field.clone());
            fields.extend(p.of.clone());
        }
        fields.extend(
            spec.measure
                .iter()
                .flat_map(|m| &m.compares)
                .map(|c| c.field.clone()),
        );
    }
    fields
}

/// A snapshot that holds every port, sysctl and count that `fields` name.
fn snapshot(fields: &[FieldRef]) -> Snapshot {
    let mut s = Snapshot::default();
    s.kernel.conntrack_full_lines = Some(0);
    for port in fields.iter().filter_map(FieldRef::port) {
        s.listen.push(Listen {
            port,
            ..Listen::default()
        });
    }
    for name in SYSCTLS {
        s.sysctl.insert(name.to_string(), "1".into());
    }
    s
}

fn report() -> LoadReport {
    serde_json::from_value(serde_json::json!({
        "url": "http://172.28.0.2/", "goodput_rps": 100.0, "total_rps": 300.0,
        "status_counts": { "200": 1000, "502": 2000 },
        "errors": { "connect_timeout": 50 },
        "latency_ms": { "p50": 1.0, "p90": 2.0, "p99": 30.0, "max": 40.0, "count": 3000 },
        "connect_ms": { "p50": 1.0, "p90": 2.0, "p99": 3.0, "max": 4.0, "count": 10 },
        "duration_s": 10.0, "settle_s": 0.0, "planned_s": 10.0, "connections": 1000,
        "keepalive": true, "timeout_ms": 2000, "requests": 3000, "connects": 1000,
        "reconnects": 0, "interrupted": false
    }))
    .expect("a load report")
}

/// What a stage has read after a measured run with a flame recording.
fn measured(fields: &[FieldRef]) -> Facts {
    let flame = fields
        .iter()
        .filter(|f| f.info.key == KeyKind::Function)
        .filter_map(|f| Some((f.key.clone()?, 0.1)))
        .collect();
    Facts {
        now: Some(snapshot(fields)),
        knobs: Some(StagePlan::embedded().unwrap().knobs_at_start(0)),
        run: Some(RunFacts {
            report: report(),
            deltas: snapshot(fields),
            after: snapshot(fields),
            server_cpu_us_per_request: Some(1.0),
            flame,
            settled: None,
        }),
    }
}

#[test]
fn every_field_of_the_catalogue_and_of_the_lessons_resolves() {
    let lessons = in_the_lessons();
    assert!(
        lessons.len() > 20,
        "{} fields in the lessons",
        lessons.len()
    );
    let fields: Vec<FieldRef> = catalogue().into_iter().chain(lessons).collect();
    let facts = measured(&fields);
    let mut unread = Vec::new();
    for field in &fields {
        for at in [At::Now, At::Load] {
            if let Err(e) = resolve(field, at, &facts) {
                unread.push(format!("{field} ({at:?}): {e}"));
            }
        }
    }
    assert!(unread.is_empty(), "fields without an accessor: {unread:#?}");
}

#[test]
fn a_counter_under_load_is_its_growth_and_a_gauge_its_value_after() {
    let field = |n: &str| FieldRef::parse(n).unwrap();
    let mut facts = measured(&[]);
    let run = facts.run.as_mut().unwrap();
    run.deltas.conntrack.drops = 3;
    run.after.conntrack.drops = 70;
    run.after.conntrack.count = 12;
    facts.now.as_mut().unwrap().conntrack.drops = 90;
    let read = |name: &str, at| resolve(&field(name), at, &facts);
    assert_eq!(read("conntrack.drops", At::Load), Ok(Value::Number(3.0)));
    assert_eq!(read("conntrack.drops", At::Now), Ok(Value::Number(90.0)));
    assert_eq!(read("conntrack.count", At::Load), Ok(Value::Number(12.0)));
    assert_eq!(read("phpfpm.max_children", At::Now), Ok(Value::Number(5.0)));
    assert_eq!(
        read("load.errors.http_5xx", At::Load),
        Ok(Value::Number(2000.0))
    );
    assert_eq!(
        read("kernel.conntrack_full_lines", At::Now),
        Ok(Value::Number(0.0))
    );
    facts.now.as_mut().unwrap().kernel.conntrack_full_lines = None;
    assert_eq!(
        resolve(&field("kernel.conntrack_full_lines"), At::Now, &facts),
        Err(Unreadable::Unknown("kernel.conntrack_full_lines".into()))
    );
}
