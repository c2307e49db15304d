//! A short-lived container beside the lab: on the lab network, with perflab's
//! labels, running this process's own program ([`Bundle`]), which is copied
//! once per lab into the lab's `<lab>-load` volume. Its output comes back over
//! the Docker API line by line, an interrupt reaches the program as SIGINT, and
//! the container is removed at the end (by `down` and the sweep if perflab dies
//! first). Nothing here needs a route from this machine to the lab's network.
use std::pin::Pin;
use std::sync::atomic::{AtomicU64, Ordering};

use bollard::container::LogOutput;
use bollard::models::{
    ContainerCreateBody, HostConfig, Mount, MountTypeEnum, MountVolumeOptions, ResourcesUlimits,
};
use bollard::query_parameters::{
    AttachContainerOptionsBuilder, CreateContainerOptionsBuilder,
    DownloadFromContainerOptionsBuilder, KillContainerOptionsBuilder, StartContainerOptions,
};
use futures_util::{Stream, StreamExt};

use super::bundle::Bundle;
use super::docker::CALL;
use super::error::{deadline, EngineError};
use super::images::Image;
use super::{labels, Engine};

/// Where the lab's `<lab>-load` volume is mounted: one directory per bundle.
const BUNDLES: &str = "/opt/perflab";
/// The file written last into a bundle's directory: the copy is whole.
const READY: &str = "ready";
/// Lines of the program's stderr kept for an error message.
const STDERR_LINES: usize = 10;

type Output = Pin<Box<dyn Stream<Item = Result<LogOutput, bollard::errors::Error>> + Send>>;

/// A running container beside the lab.
pub struct Beside {
    lab: Engine,
    pub name: String,
    output: Output,
    pending: String,
    stderr: Vec<String>,
    stderr_partial: String,
    removed: bool,
}

/// How the program beside the lab ended.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Ended {
    pub code: i64,
    /// Its last lines on stderr.
    pub stderr: String,
}

impl Engine {
    /// Starts `bundle` with `args` in a fresh container on the lab network, its
    /// open-files limit at `open_files`. On any error the container is removed.
    pub async fn start_beside(
        &self,
        bundle: &Bundle,
        args: &[String],
        open_files: u64,
    ) -> Result<Beside, EngineError> {
        let engine_arch = self.facts().await?.arch;
        if engine_arch != bundle.arch {
            return Err(EngineError::OtherArch {
                ours: bundle.arch,
                engine: engine_arch,
            });
        }
        let image = self.ensure_image(Image::Server).await?;
        static RUNS: AtomicU64 = AtomicU64::new(0);
        let name = format!(
            "{}{}-{}",
            self.names.load_prefix(),
            self.run,
            RUNS.fetch_add(1, Ordering::Relaxed)
        );
        let dir = format!("{BUNDLES}/{}", bundle.id);
        let limit = i64::try_from(open_files).unwrap_or(i64::MAX);
        let body = ContainerCreateBody {
            image: Some(image),
            cmd: Some(bundle.argv(&dir, args)),
            env: Some(vec!["NO_COLOR=1".into()]),
            labels: Some(labels::labels(&self.names.lab, &self.run, "load")),
            host_config: Some(HostConfig {
                network_mode: Some(self.names.network()),
                mounts: Some(vec![Mount {
                    target: Some(BUNDLES.into()),
                    source: Some(self.names.load_volume()),
                    typ: Some(MountTypeEnum::VOLUME),
                    // Created with our labels when it is not there yet.
                    volume_options: Some(MountVolumeOptions {
                        labels: Some(labels::labels(&self.names.lab, &self.run, "volume")),
                        ..Default::default()
                    }),
                    ..Default::default()
                }]),
                ulimits: Some(vec![ResourcesUlimits {
                    name: Some("nofile".into()),
                    soft: Some(limit),
                    hard: Some(limit),
                }]),
                cap_drop: Some(vec!["ALL".into()]),
                privileged: Some(false),
                ..Default::default()
            }),
            ..Default::default()
        };
        let opts = CreateContainerOptionsBuilder::new().name(&name).build();
        deadline("creating the load container", CALL, async {
            self.docker
                .create_container(Some(opts), body)
                .await
                .map_err(|e| EngineError::docker("creating", &name, e))
        })
        .await?;
        match self.attach_and_start(&name, bundle, &dir).await {
            Ok(output) => Ok(Beside {
                lab: self.clone(),
                name,
                output,
                pending: String::new(),
                stderr: Vec::new(),
                stderr_partial: String::new(),
                removed: false,
            }),
            Err(e) => {
                if let Err(cleanup) = self.remove_container(&name).await {
                    log::debug!("removing {name} after a failed start: {cleanup}");
                }
                Err(e)
            }
        }
    }

    async fn attach_and_start(
        &self,
        name: &str,
        bundle: &Bundle,
        dir: &str,
    ) -> Result<Output, EngineError> {
        if !self.has_file(name, &format!("{dir}/{READY}")).await? {
            self.upload_bundle(name, bundle).await?;
        }
        // Attached before the start, so that no line is missed.
        let opts = AttachContainerOptionsBuilder::new()
            .stream(true)
            .stdout(true)
            .stderr(true)
            .build();
        let attached = deadline("attaching to the load container", CALL, async {
            self.docker
                .attach_container(name, Some(opts))
                .await
                .map_err(|e| EngineError::docker("attaching to", name, e))
        })
        .await?;
        deadline("starting the load container", CALL, async {
            self.docker
                .start_container(name, None::<StartContainerOptions>)
                .await
                .map_err(|e| EngineError::docker("starting", name, e))
        })
        .await?;
        Ok(attached.output)
    }

    /// Whether `path` exists in `container` (created or running).
    async fn has_file(&self, container: &str, path: &str) -> Result<bool, EngineError> {
        let opts = DownloadFromContainerOptionsBuilder::new()
            .path(path)
            .build();
        let found = deadline("looking for perflab beside the lab", CALL, async {
            let mut stream = self.docker.download_from_container(container, Some(opts));
            while let Some(chunk) = stream.next().await {
                chunk.map_err(|e| EngineError::docker("reading from", container, e))?;
            }
            Ok(())
        })
        .await;
        match found {
            Ok(()) => Ok(true),
            Err(e) if e.is_not_found() => Ok(false),
            Err(e) => Err(e),
        }
    }

    /// Copies the bundle into its directory of the load volume, `ready` last.
    async fn upload_bundle(&self, container: &str, bundle: &Bundle) -> Result<(), EngineError> {
        let (tx, rx) = tokio::sync::mpsc::channel::<Result<hyper::body::Bytes, std::io::Error>>(4);
        let files = bundle.files.clone();
        let id = bundle.id.clone();
        let writer = tokio::task::spawn_blocking(move || {
            let out = std::io::BufWriter::with_capacity(1 << 20, ChannelWriter(tx.clone()));
            let result = super::bundle::write_tar(&id, &files, READY, out);
            if let Err(e) = result {
                let _ = tx.blocking_send(Err(e));
            }
        });
        let body = bollard::body_try_stream(tokio_stream_of(rx));
        let opts = bollard::query_parameters::UploadToContainerOptionsBuilder::new()
            .path(BUNDLES)
            .build();
        let uploaded = deadline(
            "copying perflab beside the lab",
            std::time::Duration::from_secs(300),
            async {
                self.docker
                    .upload_to_container(container, Some(opts), body)
                    .await
                    .map_err(|e| EngineError::docker("copying perflab into", container, e))
            },
        )
        .await;
        if let Err(e) = writer.await {
            log::debug!("the bundle's writer ended badly: {e}");
        }
        uploaded
    }
}

impl Beside {
    /// The program's next line on stdout, or `None` when its output ended.
    /// Its stderr is kept for [`Ended::stderr`].
    pub async fn next_line(&mut self) -> Option<Result<String, EngineError>> {
        loop {
            if let Some(i) = self.pending.find('\n') {
                let line = self.pending[..i].trim_end_matches('\r').to_string();
                self.pending.drain(..=i);
                return Some(Ok(line));
            }
            match self.output.next().await {
                None => {
                    if self.pending.is_empty() {
                        return None;
                    }
                    return Some(Ok(std::mem::take(&mut self.pending)));
                }
                Some(Err(e)) => {
                    return Some(Err(EngineError::docker(
                        "reading the output of",
                        &self.name,
                        e,
                    )))
                }
                Some(Ok(LogOutput::StdErr { message })) => {
                    self.stderr_partial
                        .push_str(&String::from_utf8_lossy(&message));
                    while let Some(i) = self.stderr_partial.find('\n') {
                        let line = self.stderr_partial[..i].to_string();
                        self.stderr_partial.drain(..=i);
                        self.stderr.push(line);
                        if self.stderr.len() > STDERR_LINES {
                            self.stderr.remove(0);
                        }
                    }
                }
                Some(Ok(other)) => self
                    .pending
                    .push_str(&String::from_utf8_lossy(&other.into_bytes())),
            }
        }
    }

    /// Sends `signal` (SIGINT: stop early, as Ctrl-C does; SIGKILL) to the
    /// program; one that has already ended is fine.
    pub async fn signal(&self, signal: &str) -> Result<(), EngineError> {
        let opts = KillContainerOptionsBuilder::new().signal(signal).build();
        let r = deadline("signalling the load container", CALL, async {
            self.lab
                .docker
                .kill_container(&self.name, Some(opts))
                .await
                .map_err(|e| EngineError::docker("signalling", &self.name, e))
        })
        .await;
        match r {
            Err(e) if e.is_conflict() || e.is_not_found() => Ok(()),
            other => other,
        }
    }

    /// Reads what is left of the output, then the exit code, and removes the container.
    pub async fn finish(mut self) -> Result<Ended, EngineError> {
        while let Some(line) = self.next_line().await {
            line?;
        }
        let code = self.exit_code().await;
        let removed = self.lab.remove_container(&self.name).await;
        self.removed = true;
        let mut stderr = std::mem::take(&mut self.stderr);
        if !self.stderr_partial.is_empty() {
            stderr.push(std::mem::take(&mut self.stderr_partial));
        }
        let ended = Ended {
            code: code?,
            stderr: stderr.join("\n"),
        };
        removed?;
        Ok(ended)
    }

    /// The exit code once the container has stopped (its output has ended, so it
    /// stops within moments).
    async fn exit_code(&self) -> Result<i64, EngineError> {
        let opts = bollard::query_parameters::WaitContainerOptionsBuilder::new()
            .condition("not-running")
            .build();
        deadline("waiting for the load container to end", CALL, async {
            let mut waited = self.lab.docker.wait_container(&self.name, Some(opts));
            match waited.next().await {
                Some(Ok(r)) => Ok(r.status_code),
                Some(Err(bollard::errors::Error::DockerContainerWaitError { code, .. })) => {
                    Ok(code)
                }
                Some(Err(e)) => Err(EngineError::docker("waiting for", &self.name, e)),
                None => Err(EngineError::Inspect {
                    container: self.name.clone(),
                    reason: "the engine gave no exit code".into(),
                }),
            }
        })
        .await
    }
}

impl Drop for Beside {
    /// A run abandoned half-way (its future dropped) still removes its container.
    fn drop(&mut self) {
        if self.removed {
            return;
        }
        if let Ok(rt) = tokio::runtime::Handle::try_current() {
            let (lab, name) = (self.lab.clone(), self.name.clone());
            rt.spawn(async move {
                if let Err(e) = lab.remove_container(&name).await {
                    log::debug!("removing {name}: {e}");
                }
            });
        }
    }
}

/// A `Write` that hands its bytes to the upload, chunk by chunk.
struct ChannelWriter(tokio::sync::mpsc::Sender<Result<hyper::body::Bytes, std::io::Error>>);

impl std::io::Write for ChannelWriter {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0
            .blocking_send(Ok(hyper::body::Bytes::copy_from_slice(buf)))
            .map_err(|_| std::io::Error::other("the upload stopped reading"))?;
        Ok(buf.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

fn tokio_stream_of<T: Send + 'static>(
    mut rx: tokio::sync::mpsc::Receiver<T>,
) -> impl Stream<Item = T> + Send + 'static {
    futures_util::stream::poll_fn(move |cx| rx.poll_recv(cx))
}
