//! `perflab class serve`: the instructor's server. An axum app on tokio, the
//! class in SQLite at `<state dir>/class.sqlite`; the endpoints are listed in
//! [`crate::class::api`]. Binds to loopback unless told otherwise: opening it
//! to the room is the instructor's decision (`--bind 0.0.0.0:8470`).
mod addrs;
mod app;
pub mod db;
pub mod export;
mod page;
mod ratelimit;
mod reply;
pub mod roster;
mod routes;
pub mod stuck;
pub mod summary;

use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use tokio_util::sync::CancellationToken;

pub use app::{Roster, RosterLearner};
pub use db::{Db, DbError};

use crate::class::event::{check_text, Invalid};
use crate::class::token;

pub const DEFAULT_BIND: &str = "127.0.0.1:8470";
pub const DB_FILE: &str = "class.sqlite";
const DEFAULT_TITLE: &str = "perflab workshop";

#[derive(Debug, thiserror::Error)]
pub enum ServerError {
    #[error(transparent)]
    Db(#[from] DbError),
    #[error("--title: {0}")]
    Title(Invalid),
    #[error("listening on {addr}: {source}; is another class server running there? choose another port with --bind")]
    Bind {
        addr: SocketAddr,
        source: std::io::Error,
    },
    #[error("making the class's tokens: {0}; the system's random source failed")]
    Random(getrandom::Error),
    #[error("serving the class: {0}")]
    Serve(std::io::Error),
    #[error("creating the state directory {path}: {source}; set PERFLAB_STATE_DIR to a writable directory")]
    StateDir {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("there is no class in {path}; `perflab class serve` makes one (with the same PERFLAB_STATE_DIR)")]
    NoClass { path: PathBuf },
}

pub struct Options {
    pub bind: SocketAddr,
    pub title: Option<String>,
    pub state_dir: PathBuf,
}

/// A class server bound and ready; `run` serves it until cancelled.
pub struct Server {
    listener: tokio::net::TcpListener,
    app: Arc<app::App>,
    addr: SocketAddr,
}

pub fn db_path(state_dir: &Path) -> PathBuf {
    state_dir.join(DB_FILE)
}

/// Opens the class of `state_dir` and its title: `title` replaces the stored one.
fn open(state_dir: &Path, title: Option<&str>) -> Result<(Db, String), ServerError> {
    if let Some(t) = title {
        check_text("--title", t, 1, 80).map_err(ServerError::Title)?;
    }
    let db = Db::open(&db_path(state_dir))?;
    let title = match title {
        Some(t) => {
            db.set_meta("title", t)?;
            t.to_string()
        }
        None => db.meta("title")?.unwrap_or_else(|| DEFAULT_TITLE.into()),
    };
    Ok((db, title))
}

impl Server {
    pub async fn start(opts: Options, cancel: CancellationToken) -> Result<Server, ServerError> {
        std::fs::create_dir_all(&opts.state_dir).map_err(|source| ServerError::StateDir {
            path: opts.state_dir.clone(),
            source,
        })?;
        let (db, title) = open(&opts.state_dir, opts.title.as_deref())?;
        let fresh = [
            token::random_hex().map_err(ServerError::Random)?,
            token::random_hex().map_err(ServerError::Random)?,
        ];
        let app = app::App::build(db, title, fresh, cancel)?;
        let listener = tokio::net::TcpListener::bind(opts.bind)
            .await
            .map_err(|source| ServerError::Bind {
                addr: opts.bind,
                source,
            })?;
        let addr = listener.local_addr().map_err(ServerError::Serve)?;
        Ok(Server {
            listener,
            app: Arc::new(app),
            addr,
        })
    }

    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    pub fn title(&self) -> &str {
        &self.app.title
    }

    pub fn db_path(&self) -> &Path {
        self.app.db.path()
    }

    /// The URLs to give learners: one per address of this host they may reach.
    pub fn join_urls(&self) -> Vec<String> {
        let path = format!("/join/{}", self.app.join_token());
        addrs::url_hosts(self.addr)
            .0
            .into_iter()
            .map(|ip| addrs::http_url(ip, self.addr.port(), &path))
            .collect()
    }

    /// The instructor's URL: the token is in the fragment, which browsers
    /// never send to a server or put in a Referer.
    pub fn admin_url(&self) -> String {
        let path = format!("/#admin={}", self.app.admin_token());
        addrs::http_url(addrs::url_hosts(self.addr).1, self.addr.port(), &path)
    }

    pub fn admin_token(&self) -> &str {
        self.app.admin_token()
    }

    pub async fn run(self) -> Result<(), ServerError> {
        let cancel = self.app.cancel.clone();
        axum::serve(self.listener, routes::router(self.app))
            .with_graceful_shutdown(async move { cancel.cancelled().await })
            .await
            .map_err(ServerError::Serve)
    }
}

/// The export rows of the class in `state_dir`, read from its database (for
/// `perflab class export`, with or without a running server).
pub fn export_rows(state_dir: &Path) -> Result<Vec<export::ExportRow>, ServerError> {
    let path = db_path(state_dir);
    if !path.exists() {
        return Err(ServerError::NoClass { path });
    }
    let db = Db::open(&path)?;
    let mut out = Vec::new();
    for l in db.learners()? {
        let course = roster::fold(&db.events_of(&l.id)?);
        out.extend(export::rows(std::iter::once((
            l.id.as_str(),
            l.name.as_str(),
            &course,
        ))));
    }
    Ok(out)
}
