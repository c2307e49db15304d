//! `up`: the lab network, the server's two containers in one network namespace,
//! the stage's configs and sysctls, conntrack switched on and (stages 0–1) filled.
//! On error or Ctrl-C everything created so far is removed again.
use std::collections::HashMap;
use std::time::Duration;

use bollard::models::{ContainerCreateBody, HostConfig, NetworkCreateRequest, VolumeCreateOptions};
use bollard::query_parameters::{CreateContainerOptionsBuilder, StartContainerOptions};
use tokio_util::sync::CancellationToken;

use super::docker::CALL;
use super::error::{deadline, EngineError};
use super::events::{EngineEvent, Step, Steps};
use super::images::Image;
use super::server::{Server, Side};
use super::{labels, Engine};
use crate::config::{Knobs, KnobsPatch, StagePlan};

/// The server must answer its first request within this long after its start.
const FIRST_ANSWER: Duration = Duration::from_secs(30);

#[derive(Debug, Clone, Default)]
pub struct UpOptions {
    pub stage: u8,
    /// Knobs set on top of the stage's start (`perflab up --set`, for the
    /// benches that measure states no stage starts in).
    pub overrides: Vec<KnobsPatch>,
}

impl Engine {
    /// Starts the lab as it is at the start of `opts.stage`. Refuses if one runs.
    pub async fn up(
        &self,
        plan: &StagePlan,
        opts: &UpOptions,
        cancel: &CancellationToken,
    ) -> Result<Server, EngineError> {
        plan.check_stage(opts.stage)?;
        if let Some(running) = self.find_server().await? {
            let stage = running
                .stage
                .map(|n| n.to_string())
                .unwrap_or_else(|| "unknown".into());
            return Err(EngineError::AlreadyRunning { stage });
        }
        self.recover().await?;
        // Docker finishes a create even when its client goes away, so a Docker call
        // is never abandoned half-way: cancellation is checked between calls, and
        // only the long waits (build, first answer, fill) are cut short.
        let result = self.up_inner(plan, opts, cancel).await;
        let result = match result {
            Err(e) if !matches!(e, EngineError::Cancelled) => Err(self.with_logs(e).await),
            other => other,
        };
        if result.is_err() {
            let steps = Steps::new(&self.events);
            steps.show(Step::CleaningUp);
            if let Err(e) = self.remove_objects().await {
                self.tell(EngineEvent::CleanupFailed {
                    error: e.to_string(),
                });
            }
        }
        result
    }

    async fn up_inner(
        &self,
        plan: &StagePlan,
        opts: &UpOptions,
        cancel: &CancellationToken,
    ) -> Result<Server, EngineError> {
        let step = || {
            if cancel.is_cancelled() {
                Err(EngineError::Cancelled)
            } else {
                Ok(())
            }
        };
        let mut knobs = plan.knobs_at_start(opts.stage);
        for patch in &opts.overrides {
            knobs.apply(patch);
        }
        knobs.validate()?;
        let image = until_cancelled(cancel, self.ensure_image(Image::Server)).await?;
        let steps = Steps::new(&self.events);
        steps.show(Step::CreatingNetwork);
        step()?;
        self.create_network().await?;
        // The load volume holds perflab's program for the load beside the lab,
        // copied at the first run (made here, so the lab's objects stay the same set).
        for v in [
            self.names.etc_volume(),
            self.names.log_volume(),
            self.names.load_volume(),
        ] {
            step()?;
            self.create_volume(&v).await?;
        }
        step()?;
        steps.show(Step::StartingNginx);
        self.start_side(Side::Nginx, &image, &knobs, opts.stage, &step)
            .await?;
        self.write_configs(&knobs).await?;
        step()?;
        steps.show(Step::StartingPhpFpm);
        self.start_side(Side::PhpFpm, &image, &knobs, opts.stage, &step)
            .await?;
        let server = self.server().await?;
        steps.show(Step::SwitchingConntrackOn);
        server
            .exec(
                Side::Nginx,
                &[
                    "iptables",
                    "-A",
                    "INPUT",
                    "-m",
                    "conntrack",
                    "--ctstate",
                    "NEW,ESTABLISHED,RELATED",
                    "-j",
                    "ACCEPT",
                ],
                CALL,
            )
            .await?
            .ok("installing the stateful firewall rule")?;
        steps.show(Step::WaitingFor { url: server.url() });
        until_cancelled(cancel, wait_for_answer(&server)).await?;
        if knobs.conntrack_fill {
            steps.show(Step::FillingConntrack);
            let filled = until_cancelled(cancel, self.fill_conntrack(&server)).await?;
            drop(steps);
            self.tell(EngineEvent::Filled {
                count: filled.count,
                max: filled.max,
            });
        }
        Ok(server)
    }

    /// Adds the last log lines of the server's containers to a start error, since
    /// the cleanup removes the containers and their logs with them.
    async fn with_logs(&self, err: EngineError) -> EngineError {
        let mut text = String::new();
        for name in [self.names.nginx(), self.names.phpfpm()] {
            let read = self.container_logs(&name, Some(5), false);
            let lines = match tokio::time::timeout(Duration::from_secs(5), read).await {
                Ok(Ok(chunks)) => super::logs::joined(&chunks),
                // The start error is what matters; say why its logs are missing.
                Ok(Err(e)) => format!("(the logs could not be read: {e})"),
                Err(_) => "(no log lines within 5 s)".to_string(),
            };
            if !lines.trim().is_empty() {
                text.push_str(&format!(
                    "\n  last log lines of {name}:\n    {}",
                    lines.trim().replace('\n', "\n    ")
                ));
            }
        }
        if text.is_empty() {
            err
        } else {
            EngineError::WithLogs {
                source: Box::new(err),
                logs: text,
            }
        }
    }

    async fn create_network(&self) -> Result<(), EngineError> {
        let name = self.names.network();
        let req = NetworkCreateRequest {
            name: name.clone(),
            driver: Some("bridge".into()),
            labels: Some(labels::labels(&self.names.lab, &self.run, "network")),
            ..Default::default()
        };
        deadline("creating the lab network", CALL, async {
            self.docker
                .create_network(req)
                .await
                .map_err(|e| EngineError::docker("creating network", &name, e))
        })
        .await
        .map(|_| ())
    }

    async fn create_volume(&self, name: &str) -> Result<(), EngineError> {
        let req = VolumeCreateOptions {
            name: Some(name.to_string()),
            labels: Some(labels::labels(&self.names.lab, &self.run, "volume")),
            ..Default::default()
        };
        deadline("creating a volume", CALL, async {
            self.docker
                .create_volume(req)
                .await
                .map_err(|e| EngineError::docker("creating volume", name, e))
        })
        .await
        .map(|_| ())
    }

    /// Creates and starts one side's container, with a stop check after each.
    async fn start_side(
        &self,
        side: Side,
        image: &str,
        knobs: &Knobs,
        stage: u8,
        step: &impl Fn() -> Result<(), EngineError>,
    ) -> Result<(), EngineError> {
        let name = side.container(&self.names);
        self.create_server_container(&name, image, side, knobs, stage)
            .await?;
        step()?;
        self.start(&name).await?;
        step()
    }

    async fn create_server_container(
        &self,
        name: &str,
        image: &str,
        side: Side,
        knobs: &Knobs,
        stage: u8,
    ) -> Result<(), EngineError> {
        let mut container_labels = labels::labels(
            &self.names.lab,
            &self.run,
            match side {
                Side::Nginx => "server-nginx",
                Side::PhpFpm => "server-phpfpm",
            },
        );
        container_labels.insert(labels::STAGE.into(), stage.to_string());
        let binds = vec![
            format!("{}:/etc/perflab", self.names.etc_volume()),
            // The whole /var/log: nginx's and php-fpm's logs at their standard paths
            // (/var/log/nginx/, /var/log/php8.2-fpm.log), seen by both containers.
            format!("{}:/var/log", self.names.log_volume()),
        ];
        let host_config = match side {
            // The namespace owner: the per-namespace sysctls are set here at create
            // time, and NET_ADMIN + a writable /proc/sys let the learner change them.
            Side::Nginx => HostConfig {
                network_mode: Some(self.names.network()),
                sysctls: Some(
                    knobs
                        .sysctls()
                        .into_iter()
                        .map(|(k, v)| (k.to_string(), v))
                        .collect::<HashMap<_, _>>(),
                ),
                cap_add: Some(vec!["NET_ADMIN".into()]),
                // `--security-opt systempaths=unconfined` of the CLI: /proc/sys writable.
                masked_paths: Some(vec![]),
                readonly_paths: Some(vec![]),
                binds: Some(binds),
                privileged: Some(false),
                ..Default::default()
            },
            Side::PhpFpm => HostConfig {
                network_mode: Some(format!("container:{}", self.names.nginx())),
                binds: Some(binds),
                privileged: Some(false),
                ..Default::default()
            },
        };
        let script = match side {
            Side::Nginx => "/usr/local/bin/start-nginx.sh",
            Side::PhpFpm => "/usr/local/bin/start-phpfpm.sh",
        };
        let body = ContainerCreateBody {
            image: Some(image.to_string()),
            cmd: Some(vec![script.into()]),
            hostname: if side == Side::Nginx {
                Some("server".into())
            } else {
                None
            },
            labels: Some(container_labels),
            host_config: Some(host_config),
            ..Default::default()
        };
        let opts = CreateContainerOptionsBuilder::new().name(name).build();
        deadline("creating a container", CALL, async {
            self.docker
                .create_container(Some(opts), body)
                .await
                .map_err(|e| EngineError::docker("creating container", name, e))
        })
        .await
        .map(|_| ())
    }

    pub(crate) async fn start(&self, name: &str) -> Result<(), EngineError> {
        deadline("starting a container", CALL, async {
            self.docker
                .start_container(name, None::<StartContainerOptions>)
                .await
                .map_err(|e| EngineError::docker("starting container", name, e))
        })
        .await
    }
}

async fn until_cancelled<T>(
    cancel: &CancellationToken,
    fut: impl std::future::Future<Output = Result<T, EngineError>>,
) -> Result<T, EngineError> {
    tokio::select! {
        r = fut => r,
        _ = cancel.cancelled() => Err(EngineError::Cancelled),
    }
}

/// Waits until the server's PHP page answers 200, asked from inside the server:
/// this machine may have no route to the lab's network (a desktop VM, a remote
/// engine), and whether it has decides nothing here.
async fn wait_for_answer(server: &Server) -> Result<(), EngineError> {
    let secs = FIRST_ANSWER.as_secs();
    let script = format!(
        "end=$((SECONDS + {secs})); last=000
while [ $SECONDS -lt $end ]; do
  last=$(curl -s -o /dev/null -m 2 -w '%{{http_code}}' http://127.0.0.1/)
  [ \"$last\" = 200 ] && exit 0
  sleep 0.05
done
echo \"$last\"; exit 1"
    );
    let out = server
        .exec(Side::Nginx, &["bash", "-c", &script], FIRST_ANSWER + CALL)
        .await?;
    if out.success() {
        return Ok(());
    }
    let last = match out.stdout.trim() {
        "000" | "" => "no answer".to_string(),
        code => format!("status {code}"),
    };
    Err(EngineError::NoAnswer {
        url: server.url(),
        after: FIRST_ANSWER,
        last,
        nginx: server.lab().names().nginx(),
        phpfpm: server.lab().names().phpfpm(),
    })
}

/// One `GET /` to the lab's server; returns the status code.
pub async fn http_get_status(ip: std::net::Ipv4Addr) -> std::io::Result<u16> {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let fut = async {
        let mut s = tokio::net::TcpStream::connect((ip, 80)).await?;
        s.write_all(b"GET / HTTP/1.1\r\nHost: perflab\r\nConnection: close\r\n\r\n")
            .await?;
        let mut buf = Vec::with_capacity(512);
        s.read_to_end(&mut buf).await?;
        let head = String::from_utf8_lossy(&buf[..buf.len().min(64)]).to_string();
        head.split_whitespace()
            .nth(1)
            .and_then(|c| c.parse().ok())
            .ok_or_else(|| std::io::Error::other(format!("not an HTTP response: {head:?}")))
    };
    tokio::time::timeout(Duration::from_secs(2), fut)
        .await
        .unwrap_or_else(|_| {
            Err(std::io::Error::new(
                std::io::ErrorKind::TimedOut,
                "no answer within 2 s",
            ))
        })
}
