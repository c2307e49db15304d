//! The class database: SQLite in WAL mode, every commit synced (an event the
//! server answered for is deleted from the learner's queue, so it must survive
//! a crash of this machine too). Tokens live here, so a restarted server keeps
//! its URLs.
use std::path::{Path, PathBuf};
use std::sync::{Mutex, MutexGuard};

use rusqlite::{params, Connection, OptionalExtension};

use crate::class::event::{Event, EventKind};

const SCHEMA: &str = "
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS learners (
    id TEXT PRIMARY KEY,
    name TEXT NOT NULL,
    secret_sha256 TEXT NOT NULL,
    joined_at INTEGER NOT NULL
);
CREATE TABLE IF NOT EXISTS events (
    learner TEXT NOT NULL REFERENCES learners(id),
    id TEXT NOT NULL,
    seq INTEGER NOT NULL,
    at INTEGER NOT NULL,
    received_at INTEGER NOT NULL,
    stage INTEGER NOT NULL,
    step TEXT NOT NULL,
    kind TEXT NOT NULL,
    PRIMARY KEY (learner, id)
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS events_in_order ON events (learner, seq);
";

#[derive(Debug, thiserror::Error)]
pub enum DbError {
    #[error("opening the class database {path}: {source}; is the state directory writable?")]
    Open {
        path: PathBuf,
        source: rusqlite::Error,
    },
    #[error("the class database {path}: {source}")]
    Query {
        path: PathBuf,
        source: rusqlite::Error,
    },
    #[error("the class database {path} holds an event that does not parse (event {event}: {source}); was it edited by hand?")]
    Corrupt {
        path: PathBuf,
        event: String,
        #[source]
        source: serde_json::Error,
    },
}

pub struct Db {
    path: PathBuf,
    conn: Mutex<Connection>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct LearnerRow {
    pub id: String,
    pub name: String,
    pub secret_sha256: String,
    pub joined_at: i64,
}

impl Db {
    pub fn open(path: &Path) -> Result<Db, DbError> {
        let open_err = |source| DbError::Open {
            path: path.to_path_buf(),
            source,
        };
        let conn = Connection::open(path).map_err(open_err)?;
        conn.pragma_update(None, "journal_mode", "WAL")
            .map_err(open_err)?;
        conn.pragma_update(None, "synchronous", "FULL")
            .map_err(open_err)?;
        conn.pragma_update(None, "foreign_keys", "ON")
            .map_err(open_err)?;
        conn.busy_timeout(std::time::Duration::from_secs(5))
            .map_err(open_err)?;
        conn.execute_batch(SCHEMA).map_err(open_err)?;
        Ok(Db {
            path: path.to_path_buf(),
            conn: Mutex::new(conn),
        })
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    fn conn(&self) -> MutexGuard<'_, Connection> {
        // A panic while holding the lock leaves SQLite consistent (transactions
        // roll back on drop): carry on with the connection.
        self.conn.lock().unwrap_or_else(|e| e.into_inner())
    }

    fn q(&self) -> impl Fn(rusqlite::Error) -> DbError + '_ {
        move |source| DbError::Query {
            path: self.path.clone(),
            source,
        }
    }

    pub fn meta(&self, key: &str) -> Result<Option<String>, DbError> {
        self.conn()
            .query_row("SELECT value FROM meta WHERE key = ?1", [key], |r| r.get(0))
            .optional()
            .map_err(self.q())
    }

    pub fn set_meta(&self, key: &str, value: &str) -> Result<(), DbError> {
        self.conn()
            .execute(
                "INSERT INTO meta (key, value) VALUES (?1, ?2)
                 ON CONFLICT (key) DO UPDATE SET value = excluded.value",
                [key, value],
            )
            .map(drop)
            .map_err(self.q())
    }

    /// The stored value of `key`, or `fresh` stored now when there is none.
    pub fn meta_or_insert(&self, key: &str, fresh: &str) -> Result<String, DbError> {
        let conn = self.conn();
        conn.execute(
            "INSERT OR IGNORE INTO meta (key, value) VALUES (?1, ?2)",
            [key, fresh],
        )
        .map_err(self.q())?;
        conn.query_row("SELECT value FROM meta WHERE key = ?1", [key], |r| r.get(0))
            .map_err(self.q())
    }

    pub fn add_learner(&self, row: &LearnerRow) -> Result<(), DbError> {
        self.conn()
            .execute(
                "INSERT INTO learners (id, name, secret_sha256, joined_at) VALUES (?1, ?2, ?3, ?4)",
                params![row.id, row.name, row.secret_sha256, row.joined_at],
            )
            .map(drop)
            .map_err(self.q())
    }

    pub fn learners(&self) -> Result<Vec<LearnerRow>, DbError> {
        let conn = self.conn();
        let mut st = conn
            .prepare_cached(
                "SELECT id, name, secret_sha256, joined_at FROM learners ORDER BY joined_at, id",
            )
            .map_err(self.q())?;
        let rows = st
            .query_map([], |r| {
                Ok(LearnerRow {
                    id: r.get(0)?,
                    name: r.get(1)?,
                    secret_sha256: r.get(2)?,
                    joined_at: r.get(3)?,
                })
            })
            .map_err(self.q())?;
        rows.collect::<Result<_, _>>().map_err(self.q())
    }

    pub fn learner_count(&self) -> Result<usize, DbError> {
        self.conn()
            .query_row("SELECT count(*) FROM learners", [], |r| r.get::<_, i64>(0))
            .map(|n| n as usize)
            .map_err(self.q())
    }

    /// Stores the events the table does not hold yet; returns those it stored.
    pub fn insert_events<'a>(
        &self,
        events: &'a [Event],
        received_at: i64,
    ) -> Result<Vec<&'a Event>, DbError> {
        let mut conn = self.conn();
        let tx = conn.transaction().map_err(self.q())?;
        let mut stored = Vec::new();
        {
            let mut st = tx
                .prepare_cached(
                    "INSERT OR IGNORE INTO events
                     (learner, id, seq, at, received_at, stage, step, kind)
                     VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
                )
                .map_err(self.q())?;
            for e in events {
                let kind = serde_json::to_string(&e.kind).expect("an event kind serializes");
                let n = st
                    .execute(params![
                        e.learner,
                        e.id,
                        e.seq as i64,
                        e.at,
                        received_at,
                        e.stage,
                        e.step,
                        kind
                    ])
                    .map_err(self.q())?;
                if n == 1 {
                    stored.push(e);
                }
            }
        }
        tx.commit().map_err(self.q())?;
        Ok(stored)
    }

    /// One learner's events in the order they happened.
    pub fn events_of(&self, learner: &str) -> Result<Vec<Event>, DbError> {
        let conn = self.conn();
        let mut st = conn
            .prepare_cached(
                "SELECT id, learner, seq, at, stage, step, kind FROM events
                 WHERE learner = ?1 ORDER BY seq, at, id",
            )
            .map_err(self.q())?;
        let rows = st
            .query_map([learner], |r| {
                Ok((
                    Event {
                        id: r.get(0)?,
                        learner: r.get(1)?,
                        seq: r.get::<_, i64>(2)? as u64,
                        at: r.get(3)?,
                        stage: r.get(4)?,
                        step: r.get(5)?,
                        kind: EventKind::StepStarted,
                    },
                    r.get::<_, String>(6)?,
                ))
            })
            .map_err(self.q())?;
        let mut out = Vec::new();
        for row in rows {
            let (mut e, kind) = row.map_err(self.q())?;
            e.kind = serde_json::from_str(&kind).map_err(|source| DbError::Corrupt {
                path: self.path.clone(),
                event: e.id.clone(),
                source,
            })?;
            out.push(e);
        }
        Ok(out)
    }

    pub fn event_count(&self, learner: &str) -> Result<u64, DbError> {
        self.conn()
            .query_row(
                "SELECT count(*) FROM events WHERE learner = ?1",
                [learner],
                |r| r.get::<_, i64>(0),
            )
            .map(|n| n as u64)
            .map_err(self.q())
    }
}
