use super::*;
use crate::class::event::EventKind;

fn app(name: &str) -> (App, std::path::PathBuf) {
    let dir = std::env::temp_dir().join(format!("perflab-app-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    let db = Db::open(&dir.join("class.sqlite")).unwrap();
    let fresh = ["a".repeat(32), "b".repeat(32)];
    let app = App::build(db, "t".into(), fresh, CancellationToken::new()).unwrap();
    (app, dir)
}

fn learner(app: &App, n: u8) -> String {
    let id = format!("{n:032x}");
    app.add_learner(LearnerRow {
        id: id.clone(),
        name: format!("l{n}"),
        secret_sha256: token::digest("s"),
        joined_at: 1,
    })
    .unwrap();
    id
}

fn hint(learner: &str, seq: u64) -> Event {
    Event {
        id: format!("{seq:032x}"),
        learner: learner.into(),
        seq,
        at: 1_700_000_000_000 + seq as i64,
        stage: 1,
        step: format!("s{seq}"),
        kind: EventKind::Hint { level: 1 },
    }
}

#[test]
fn duplicates_are_stored_once_and_per_learner() {
    let (app, dir) = app("dedupe");
    let (a, b) = (learner(&app, 1), learner(&app, 2));
    let batch = [hint(&a, 1), hint(&a, 2)];
    assert_eq!(app.store(&a, &batch).unwrap(), (2, 0));
    assert_eq!(app.store(&a, &batch).unwrap(), (0, 2));
    assert_eq!(app.store(&a, &[hint(&a, 2), hint(&a, 3)]).unwrap(), (1, 1));
    // The same event id from another learner is that learner's own event.
    assert_eq!(app.store(&b, &[hint(&b, 1)]).unwrap(), (1, 0));
    assert_eq!(app.db.event_count(&a).unwrap(), 3);
    assert_eq!(app.db.event_count(&b).unwrap(), 1);
    std::fs::remove_dir_all(dir).unwrap();
}

#[test]
fn a_late_batch_gives_the_same_roster_as_one_in_order() {
    let (app, dir) = app("order");
    let a = learner(&app, 1);
    app.courses().unwrap();
    app.store(&a, &[hint(&a, 1), hint(&a, 2)]).unwrap();
    // Carried on in memory: seq 5 after 2.
    app.store(&a, &[hint(&a, 5)]).unwrap();
    // Late: 3 and 4 after 5, folded again from the database.
    app.store(&a, &[hint(&a, 4), hint(&a, 3)]).unwrap();
    let (_, c) = app.courses().unwrap().remove(0);
    let evs: Vec<Event> = (1..=5).map(|s| hint(&a, s)).collect();
    assert_eq!(c, fold(&evs));
    assert_eq!((c.step.as_str(), c.stages[1].hints), ("s5", 5));
    std::fs::remove_dir_all(dir).unwrap();
}

#[test]
fn tokens_and_thresholds_survive_a_restart() {
    let (app, dir) = app("restart");
    let t = Thresholds {
        step_minutes: 5,
        check_failures: 2,
        hints: 4,
    };
    app.set_thresholds(t).unwrap();
    let (join, admin) = (app.join_token().to_string(), app.admin_token().to_string());
    drop(app);
    let db = Db::open(&dir.join("class.sqlite")).unwrap();
    let again = App::build(
        db,
        "t".into(),
        ["c".repeat(32), "d".repeat(32)],
        CancellationToken::new(),
    )
    .unwrap();
    assert_eq!(
        (again.join_token(), again.admin_token()),
        (join.as_str(), admin.as_str())
    );
    assert_eq!(again.thresholds(), t);
    assert!(again.is_join(&join) && !again.is_admin(&join));
    std::fs::remove_dir_all(dir).unwrap();
}
