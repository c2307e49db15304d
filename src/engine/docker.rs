//! The connection to the Docker Engine, with the API version negotiated (Debian's
//! docker.io speaks 1.41 and refuses newer clients).
use std::path::PathBuf;
use std::time::Duration;

use bollard::Docker;

use super::error::{deadline, EngineError};
use super::events::{self, EngineEvent, Events};
use crate::config::Settings;

/// The default deadline of one Docker call.
pub const CALL: Duration = Duration::from_secs(30);

/// The client for `DOCKER_HOST`: a unix socket (the default), or plain HTTP to
/// an engine elsewhere. TLS and ssh are not built in; a socket forwarded over
/// ssh reaches any engine.
fn client(settings: &Settings) -> Result<Docker, EngineError> {
    let refused = |why: &str| EngineError::Endpoint {
        endpoint: settings.docker_host.clone().unwrap_or_default(),
        why: why.to_string(),
    };
    let connected = match settings.docker_host.as_deref() {
        None => Docker::connect_with_unix_defaults(),
        Some(h) if h.starts_with("unix://") => {
            Docker::connect_with_unix(h, 120, bollard::API_DEFAULT_VERSION)
        }
        Some(h)
            if (h.starts_with("tcp://") || h.starts_with("http://")) && !settings.docker_tls =>
        {
            Docker::connect_with_http(h, 120, bollard::API_DEFAULT_VERSION)
        }
        Some(h) if h.starts_with("tcp://") || h.starts_with("https://") => {
            return Err(refused("perflab does not speak TLS to an engine"))
        }
        Some(h) if h.starts_with("ssh://") => {
            return Err(refused("perflab does not open ssh connections itself"))
        }
        Some(_) => return Err(refused("it is neither unix://, tcp:// nor http://")),
    };
    connected.map_err(|source| EngineError::Connect {
        what: "connecting".into(),
        source,
    })
}

/// A connection to the Docker Engine that holds the lab.
#[derive(Clone)]
pub struct Engine {
    pub(crate) docker: Docker,
    pub(crate) run: String,
    pub(crate) names: super::Names,
    /// The host journal lives here.
    pub(crate) state_dir: PathBuf,
    /// A separate image set, built without the layer cache (`PERFLAB_IMAGES`).
    pub(crate) images: Option<String>,
    /// Cancelled on Ctrl-C/SIGTERM: long operations stop and clean up what they made.
    pub(crate) cancel: tokio_util::sync::CancellationToken,
    pub(crate) events: Events,
    /// `DOCKER_HOST` as given (none: the default socket), to tell the engine's kind.
    pub(crate) endpoint: Option<String>,
    /// perflab's program to run beside the lab (none: the load runs in this process).
    pub(crate) program: Option<PathBuf>,
    /// What the engine says of itself, asked once.
    pub(crate) facts: std::sync::Arc<tokio::sync::OnceCell<EngineFacts>>,
}

impl Engine {
    /// Connects through bollard's defaults (the usual socket or `DOCKER_HOST`).
    pub async fn connect(settings: &Settings) -> Result<Engine, EngineError> {
        let cannot_reach = |what: &str| {
            let what = what.to_string();
            |source| EngineError::Connect { what, source }
        };
        let docker = client(settings)?.with_timeout(Duration::from_secs(600));
        let docker = deadline("the version negotiation", Duration::from_secs(10), async {
            docker
                .negotiate_version()
                .await
                .map_err(cannot_reach("negotiating the API version"))
        })
        .await?;
        deadline("a ping", Duration::from_secs(10), async {
            docker.ping().await.map_err(cannot_reach("a ping"))
        })
        .await?;
        Ok(Engine {
            docker,
            run: super::labels::run_id(),
            names: super::Names {
                lab: settings.lab.clone(),
            },
            state_dir: settings.state_dir.clone(),
            images: settings.images.clone(),
            cancel: tokio_util::sync::CancellationToken::new(),
            events: events::quiet(),
            endpoint: settings.docker_host.clone(),
            program: settings.program.clone(),
            facts: Default::default(),
        })
    }

    /// Ties this connection's long operations (the host helper) to a cancellation token.
    pub fn with_cancel(mut self, cancel: tokio_util::sync::CancellationToken) -> Engine {
        self.cancel = cancel;
        self
    }

    /// Reports this connection's steps to `events`.
    pub fn with_events(mut self, events: Events) -> Engine {
        self.events = events;
        self
    }

    /// Drops the program to run beside the lab: this connection's loads run in
    /// this process (`perflab load --from host`).
    pub fn without_program(mut self) -> Engine {
        self.program = None;
        self
    }

    /// perflab's program that runs beside the lab, if this connection has one.
    pub fn program(&self) -> Option<&std::path::Path> {
        self.program.as_deref()
    }

    pub(crate) fn tell(&self, event: EngineEvent) {
        (self.events)(event);
    }

    pub fn names(&self) -> &super::Names {
        &self.names
    }

    pub fn docker(&self) -> &Docker {
        &self.docker
    }

    /// The Engine's version and API version, for `perflab doctor`.
    pub async fn versions(&self) -> Result<(String, String), EngineError> {
        let v = deadline("the version", CALL, async {
            self.docker
                .version()
                .await
                .map_err(|e| EngineError::docker("reading", "the engine version", e))
        })
        .await?;
        Ok((
            v.version.unwrap_or_default(),
            v.api_version.unwrap_or_default(),
        ))
    }
}

/// What the engine says of itself.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize)]
pub struct EngineFacts {
    /// The operating system it runs on: "Debian GNU/Linux 12 (bookworm)", "Docker Desktop".
    pub os: String,
    /// Its host's name: "docker-desktop", "colima", "orbstack".
    pub name: String,
    /// Its kernel's release: the kernel the lab's containers share.
    pub kernel: String,
    /// Its machine, as `uname -m` says it: x86_64, aarch64.
    pub arch: String,
}
