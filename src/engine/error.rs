//! Errors at the Docker seam: one variant per operation, naming the object, and
//! ending with what the user can do.
use std::time::Duration;

#[derive(Debug, thiserror::Error)]
pub enum EngineError {
    #[error("cannot reach the Docker Engine: {0}; is the Docker daemon running? try `docker info` (or `scripts/engine.sh` to install and start one)")]
    Connect(String),
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
    #[error("no lab is running; start one with `perflab up`")]
    NotRunning,
    #[error(
        "a lab is already running (stage {stage}); use it, or stop it first with `perflab down`"
    )]
    AlreadyRunning { stage: String },
    #[error("{0}")]
    Lab(String),
    #[error("interrupted")]
    Cancelled,
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
            | bollard::errors::Error::SocketNotFoundError(_) => {
                EngineError::Connect(format!("{op} {}: {}", object.into(), innermost(&source)))
            }
            source => EngineError::Docker {
                op,
                object: object.into(),
                source,
            },
        }
    }

    /// Whether the Docker Engine could not be reached (stopped, restarting).
    pub fn is_unreachable(&self) -> bool {
        matches!(self, EngineError::Connect(_) | EngineError::Deadline { .. })
    }

    /// Whether Docker said the operation conflicts with one in progress (409).
    pub fn is_conflict(&self) -> bool {
        matches!(
            self,
            EngineError::Docker {
                source: bollard::errors::Error::DockerResponseServerError {
                    status_code: 409,
                    ..
                },
                ..
            }
        )
    }

    /// Whether Docker said the object does not exist.
    pub fn is_not_found(&self) -> bool {
        matches!(
            self,
            EngineError::Docker {
                source: bollard::errors::Error::DockerResponseServerError {
                    status_code: 404,
                    ..
                },
                ..
            }
        )
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
