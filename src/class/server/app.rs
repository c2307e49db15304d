//! The server's state: the database, the tokens, the learners (kept in memory
//! for authentication) and each learner's folded course, refolded from the
//! database when new events came in.
use std::collections::{HashMap, HashSet};
use std::sync::Mutex;

use serde::Serialize;
use tokio::sync::watch;
use tokio_util::sync::CancellationToken;

use super::db::{Db, DbError, LearnerRow};
use super::ratelimit::Limiter;
use super::roster::{fold, Course, FailedCheck, StageView};
use super::stuck::{stuck, Stuck, Thresholds};
use super::summary::{summary, StageSummary};
use crate::class::event::Event;
use crate::class::outbox::now_ms;
use crate::class::token;

/// More learners than this is not a class but a flood.
pub const MAX_LEARNERS: usize = 1000;

pub struct App {
    pub db: Db,
    pub title: String,
    join_token: String,
    admin_token: String,
    /// Requests per learner: a burst of 20, then 10 a second.
    pub limiter: Limiter,
    /// Joins, all learners together.
    pub join_limiter: Limiter,
    version: watch::Sender<u64>,
    class: Mutex<Class>,
    thresholds: Mutex<Thresholds>,
    pub cancel: CancellationToken,
}

#[derive(Default)]
struct Class {
    learners: Vec<LearnerRow>,
    index: HashMap<String, usize>,
    courses: HashMap<String, Course>,
    dirty: HashSet<String>,
}

#[derive(Debug, Serialize)]
pub struct Roster {
    pub title: String,
    pub version: u64,
    pub now: i64,
    pub thresholds: Thresholds,
    pub learners: Vec<RosterLearner>,
    pub summary: Vec<StageSummary>,
}

#[derive(Debug, Serialize)]
pub struct RosterLearner {
    pub id: String,
    pub name: String,
    pub joined_at: i64,
    pub events: usize,
    pub stage: u8,
    pub step: String,
    pub step_since: Option<i64>,
    pub hand: bool,
    /// On the current stage.
    pub hints: u32,
    pub wrong: u32,
    pub last_failed: Option<FailedCheck>,
    pub stages: Vec<StageView>,
    pub stuck: Vec<Stuck>,
}

impl App {
    /// `fresh` are the tokens a new class gets; a class in the database keeps its own.
    pub fn build(
        db: Db,
        title: String,
        fresh: [String; 2],
        cancel: CancellationToken,
    ) -> Result<App, DbError> {
        let [join, admin] = fresh;
        let join_token = db.meta_or_insert("join_token", &join)?;
        let admin_token = db.meta_or_insert("admin_token", &admin)?;
        let thresholds = db
            .meta("thresholds")?
            .and_then(|t| serde_json::from_str(&t).ok())
            .unwrap_or_default();
        let learners = db.learners()?;
        let class = Class {
            index: learners
                .iter()
                .enumerate()
                .map(|(i, l)| (l.id.clone(), i))
                .collect(),
            dirty: learners.iter().map(|l| l.id.clone()).collect(),
            learners,
            courses: HashMap::new(),
        };
        Ok(App {
            db,
            title,
            join_token,
            admin_token,
            limiter: Limiter::new(20, 10),
            join_limiter: Limiter::new(100, 20),
            // A restarted server starts from another version, so a page that
            // waits for a change sees one.
            version: watch::channel(now_ms() as u64).0,
            class: Mutex::new(class),
            thresholds: Mutex::new(thresholds),
            cancel,
        })
    }

    pub fn join_token(&self) -> &str {
        &self.join_token
    }

    pub fn admin_token(&self) -> &str {
        &self.admin_token
    }

    fn class(&self) -> std::sync::MutexGuard<'_, Class> {
        self.class.lock().unwrap_or_else(|e| e.into_inner())
    }

    pub fn is_join(&self, t: &str) -> bool {
        token::same(t, &self.join_token)
    }

    pub fn is_admin(&self, t: &str) -> bool {
        token::same(t, &self.admin_token)
    }

    /// The learner `id`'s name when `secret` is theirs.
    pub fn learner(&self, id: &str, secret: &str) -> Option<String> {
        let class = self.class();
        let row = &class.learners[*class.index.get(id)?];
        token::same(&token::digest(secret), &row.secret_sha256).then(|| row.name.clone())
    }

    pub fn learner_count(&self) -> usize {
        self.class().learners.len()
    }

    pub fn add_learner(&self, row: LearnerRow) -> Result<(), DbError> {
        self.db.add_learner(&row)?;
        let mut class = self.class();
        let i = class.learners.len();
        class.index.insert(row.id.clone(), i);
        class.dirty.insert(row.id.clone());
        class.learners.push(row);
        drop(class);
        self.bump();
        Ok(())
    }

    /// Stores a batch of one learner's events: (stored, duplicates). The
    /// learner's course is carried on with the new events when they come after
    /// it, else folded again from the database when next shown.
    pub fn store(&self, learner: &str, events: &[Event]) -> Result<(usize, usize), DbError> {
        let mut new: Vec<Event> = self
            .db
            .insert_events(events, now_ms())?
            .into_iter()
            .cloned()
            .collect();
        let stored = new.len();
        if stored > 0 {
            new.sort_by_key(|e| e.seq);
            let mut class = self.class();
            let in_order = !class.dirty.contains(learner)
                && class
                    .courses
                    .get(learner)
                    .is_some_and(|c| new[0].seq > c.last_seq);
            match class.courses.get_mut(learner) {
                Some(c) if in_order => c.extend(&new),
                _ => {
                    class.dirty.insert(learner.to_string());
                }
            }
            drop(class);
            self.bump();
        }
        Ok((stored, events.len() - stored))
    }

    fn bump(&self) {
        self.version.send_modify(|v| *v += 1);
    }

    pub fn version(&self) -> watch::Receiver<u64> {
        self.version.subscribe()
    }

    pub fn thresholds(&self) -> Thresholds {
        *self.thresholds.lock().unwrap_or_else(|e| e.into_inner())
    }

    pub fn set_thresholds(&self, t: Thresholds) -> Result<(), DbError> {
        self.db.set_meta(
            "thresholds",
            &serde_json::to_string(&t).expect("thresholds serialize"),
        )?;
        *self.thresholds.lock().unwrap_or_else(|e| e.into_inner()) = t;
        self.bump();
        Ok(())
    }

    /// Every learner with their course, folding again those marked. The class
    /// stays locked meanwhile, so a batch stored during the fold is added on
    /// to the fresh course, not to the stale one it replaces.
    pub fn courses(&self) -> Result<Vec<(LearnerRow, Course)>, DbError> {
        let mut class = self.class();
        let dirty: Vec<String> = class.dirty.iter().cloned().collect();
        for id in dirty {
            let course = fold(&self.db.events_of(&id)?);
            class.courses.insert(id.clone(), course);
            class.dirty.remove(&id);
        }
        let empty = fold(&[]);
        Ok(class
            .learners
            .iter()
            .map(|l| {
                let c = class.courses.get(&l.id).unwrap_or(&empty).clone();
                (l.clone(), c)
            })
            .collect())
    }

    pub fn roster(&self) -> Result<Roster, DbError> {
        let version = *self.version.borrow();
        let now = now_ms();
        let thresholds = self.thresholds();
        let courses = self.courses()?;
        let summary = summary(courses.iter().map(|(_, c)| c));
        let learners = courses
            .into_iter()
            .map(|(l, c)| {
                let cur = c.current();
                RosterLearner {
                    stuck: stuck(&c, now, &thresholds),
                    hints: cur.hints,
                    wrong: cur.wrong,
                    last_failed: cur.last_failed.clone(),
                    id: l.id,
                    name: l.name,
                    joined_at: l.joined_at,
                    events: c.events,
                    stage: c.stage,
                    step: c.step,
                    step_since: c.step_since,
                    hand: c.hand,
                    stages: c.stages,
                }
            })
            .collect();
        Ok(Roster {
            title: self.title.clone(),
            version,
            now,
            thresholds,
            learners,
            summary,
        })
    }
}

#[cfg(test)]
#[path = "app_tests.rs"]
mod tests;
