//! Errors at the Docker seam: one variant per operation or failure, naming the
//! object, and ending with what the user can do.
use std::time::Duration;

use crate::config::{KnobsError, StageError};

use super::journal::JournalError;

#[derive(Debug, thiserror::Error)]
pub enum EngineError {
    #[error("cannot reach the Docker Engine: {what}: {}; is the Docker daemon running? try `docker info` (or `scripts/engine.sh` to install and start one)", innermost(.source))]
    Connect {
        what: String,
        #[source]
        source: bollard::errors::Error,
    },
    #[error("DOCKER_HOST {endpoint:?} cannot be used: {why}; forward the engine's socket over ssh (`ssh -nNL /tmp/lab-docker.sock:/var/run/docker.sock USER@HOST`) and set DOCKER_HOST=unix:///tmp/lab-docker.sock")]
    Endpoint { endpoint: String, why: String },
    #[error("the Docker Engine did not answer {what} within {}s; is the daemon hung? try `docker info`", .after.as_secs())]
    Deadline { what: String, after: Duration },
    #[error("{op} {object}: {source}")]
    Docker {
        op: &'static str,
        object: String,
        #[source]
        source: bollard::errors::Error,
    },
    #[error("building image {image}: {message}")]
    Build { image: String, message: String },
    #[error("building image {image}: packing its context: {source}")]
    BuildContext {
        image: String,
        #[source]
        source: std::io::Error,
    },
    #[error("building image {image}: {source}; last output: {last_output}")]
    BuildStream {
        image: String,
        last_output: String,
        #[source]
        source: bollard::errors::Error,
    },
    #[error("the base image {image} is missing and could not be pulled ({why}); seed it from Debian's packages with `sudo bash scripts/engine.sh` (debootstrap + docker import)")]
    BaseImage {
        image: &'static str,
        #[source]
        why: PullError,
    },
    #[error("no lab is running; start one with `perflab up`")]
    NotRunning,
    #[error(
        "a lab is already running (stage {stage}); use it, or stop it first with `perflab down`"
    )]
    AlreadyRunning { stage: String },
    #[error("a container named {name} exists but is not perflab's; perflab will not touch it: rename or remove it yourself")]
    NotOurs { name: String },
    #[error("{container}: {reason}; remove the lab with `perflab down` and start it again")]
    Inspect { container: String, reason: String },
    #[error("{what} failed with exit code {code}: {stderr}")]
    Exec {
        what: String,
        code: i64,
        stderr: String,
    },
    #[error("the exec in {container} did not attach to its output")]
    NotAttached { container: String },
    #[error("the server at {url} did not answer 200 within {} s (last: {last}); see `docker logs {nginx}` and `docker logs {phpfpm}`", .after.as_secs())]
    NoAnswer {
        url: String,
        after: Duration,
        last: String,
        nginx: String,
        phpfpm: String,
    },
    #[error(
        "php-fpm did not listen on :9000 again after its restart; see `docker logs {container}`"
    )]
    NotListening { container: String },
    /// A start error with the last log lines of the server's containers, which
    /// the cleanup removes with them.
    #[error("{source}{logs}")]
    WithLogs {
        source: Box<EngineError>,
        logs: String,
    },
    #[error("the server's conntrack table reads {text:?}, not `count max`")]
    ConntrackTable { text: String },
    #[error("the host's net.netfilter.nf_conntrack_max is {max}: filling that many entries would pin over 1 GB of kernel memory, so stages 0 and 1 need a limit of at most {limit}; start at `--stage 2` instead")]
    FillTooLarge { max: u64, limit: u64 },
    #[error("the conntrack fill stopped at {count} of {max} entries")]
    FillStopped { count: u64, max: u64 },
    #[error(transparent)]
    HostValue(#[from] HostValueError),
    #[error(transparent)]
    Journal(#[from] JournalError),
    #[error(transparent)]
    Stage(#[from] StageError),
    #[error(transparent)]
    Knobs(#[from] KnobsError),
    #[error("packing the server configs: {0}")]
    Pack(std::io::Error),
    #[error("{file} in the server does not parse: {source}; start the lab again with `perflab down` then `perflab up`")]
    KnobsFile {
        file: &'static str,
        #[source]
        source: serde_json::Error,
    },
    #[error("this perflab is built for {ours} and the engine runs {engine}: it cannot run beside the lab there; run perflab from its container image on that engine instead (`docker build -t perflab .`, see the README)")]
    OtherArch { ours: &'static str, engine: String },
    #[error("the engine's ledger of host values is held by {holder} and was not let go within {} s; if that perflab is stuck, stop it and try again", .waited.as_secs())]
    LedgerBusy { holder: String, waited: Duration },
    #[error("the engine's ledger of host values ({file} in the volume {volume}) is corrupt ({reason}); it was not applied. Check nf_conntrack_max on the engine's host by hand, then remove the volume (`docker volume rm {volume}`)")]
    LedgerCorrupt {
        volume: &'static str,
        file: &'static str,
        reason: String,
    },
    #[error(transparent)]
    Bundle(#[from] super::bundle::BundleError),
    #[error("interrupted")]
    Cancelled,
}

/// Why the base image could not be pulled.
#[derive(Debug, thiserror::Error)]
pub enum PullError {
    #[error(transparent)]
    Docker(#[from] bollard::errors::Error),
    #[error("no answer from the registry within {} s", .0.as_secs())]
    NoAnswer(Duration),
    #[error("the pull ended without the image")]
    Missing,
}

/// Reading, raising and restoring a host-wide kernel value.
#[derive(Debug, thiserror::Error)]
pub enum HostValueError {
    #[error("{key} is not a host value perflab changes")]
    NotAllowed { key: String },
    /// Read in the host helper on the engine's host: what it said on stderr.
    #[error(
        "reading {path} on the engine's host: {reason}; is the nf_conntrack module loaded there?"
    )]
    Read { path: &'static str, reason: String },
    #[error("{path} holds {text:?}, not a number")]
    NotNumber { path: &'static str, text: String },
    #[error("{key} is {current} on this host; perflab only raises host-wide values, so {value} is refused: give a value above {current}")]
    WouldLower {
        key: String,
        current: u64,
        value: u64,
    },
    #[error("{key} is {now} after writing {value}")]
    NotWritten { key: String, now: u64, value: u64 },
    #[error("the journal's original value {value:?} of {key} is not a number; check it by hand, then remove the journal")]
    BadOriginal { key: String, value: String },
}

impl EngineError {
    pub fn docker(
        op: &'static str,
        object: impl Into<String>,
        source: bollard::errors::Error,
    ) -> Self {
        match source {
            bollard::errors::Error::HyperResponseError { .. }
            | bollard::errors::Error::HyperLegacyError { .. }
            | bollard::errors::Error::RequestTimeoutError
            | bollard::errors::Error::IOError { .. }
            | bollard::errors::Error::SocketNotFoundError(_) => EngineError::Connect {
                what: format!("{op} {}", object.into()),
                source,
            },
            source => EngineError::Docker {
                op,
                object: object.into(),
                source,
            },
        }
    }

    /// Whether the Docker Engine could not be reached (stopped, restarting).
    pub fn is_unreachable(&self) -> bool {
        match self {
            EngineError::Connect { .. } | EngineError::Deadline { .. } => true,
            EngineError::WithLogs { source, .. } => source.is_unreachable(),
            _ => false,
        }
    }

    /// Whether Docker said the operation conflicts with one in progress (409).
    pub fn is_conflict(&self) -> bool {
        self.status() == Some(409)
    }

    /// Whether Docker said the object does not exist.
    pub fn is_not_found(&self) -> bool {
        self.status() == Some(404)
    }

    fn status(&self) -> Option<u16> {
        match self {
            EngineError::Docker {
                source: bollard::errors::Error::DockerResponseServerError { status_code, .. },
                ..
            } => Some(*status_code),
            _ => None,
        }
    }
}

/// The root cause of a chain ("No such file or directory (os error 2)") instead
/// of the client's layers of wrappers around it.
fn innermost(err: &(dyn std::error::Error + 'static)) -> String {
    let mut cur = err;
    while let Some(next) = cur.source() {
        cur = next;
    }
    cur.to_string()
}

/// Runs a Docker call under a deadline of our own.
pub async fn deadline<T>(
    what: &str,
    after: Duration,
    fut: impl std::future::Future<Output = Result<T, EngineError>>,
) -> Result<T, EngineError> {
    match tokio::time::timeout(after, fut).await {
        Ok(r) => r,
        Err(_) => Err(EngineError::Deadline {
            what: what.to_string(),
            after,
        }),
    }
}
