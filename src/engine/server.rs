//! The running lab's server: one network namespace owned by the nginx container,
//! joined by the php-fpm container. Everything the lessons read happens here.
use std::net::Ipv4Addr;
use std::time::Duration;

use bollard::query_parameters::{InspectContainerOptions, TopOptionsBuilder};

use super::docker::CALL;
use super::error::{deadline, EngineError};
use super::exec::{exec, ExecOutput};
use super::{labels, Engine, Names};

/// Which of the server's two containers a command runs in. Both share the
/// network namespace; they differ in processes and files.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Side {
    Nginx,
    PhpFpm,
}

impl Side {
    pub fn container(self, names: &Names) -> String {
        match self {
            Side::Nginx => names.nginx(),
            Side::PhpFpm => names.phpfpm(),
        }
    }
}

/// A handle on the running server.
#[derive(Clone)]
pub struct Server {
    lab: Engine,
    /// The nginx container's address on the lab network.
    pub ip: Ipv4Addr,
    /// The lab network's subnet (address, prefix length).
    pub subnet: (Ipv4Addr, u8),
    /// The stage the lab was started at (from the container's label).
    pub stage: Option<u8>,
}

impl Server {
    pub fn url(&self) -> String {
        format!("http://{}/", self.ip)
    }

    pub fn lab(&self) -> &Engine {
        &self.lab
    }

    /// Runs one command inside the server and returns its output and exit code.
    pub async fn exec(
        &self,
        side: Side,
        argv: &[&str],
        after: Duration,
    ) -> Result<ExecOutput, EngineError> {
        exec(
            &self.lab.docker,
            &side.container(&self.lab.names),
            argv,
            after,
        )
        .await
    }

    /// Runs a `sh -c` script inside the server.
    pub async fn sh(
        &self,
        side: Side,
        script: &str,
        after: Duration,
    ) -> Result<ExecOutput, EngineError> {
        self.exec(side, &["sh", "-c", script], after).await
    }

    /// Starts `argv` in the server attached to stdin (and a TTY if `tty`).
    pub async fn attach(
        &self,
        side: Side,
        argv: &[&str],
        env: &[&str],
        tty: bool,
    ) -> Result<super::exec::Attached, EngineError> {
        super::exec::attach(
            &self.lab.docker,
            &side.container(&self.lab.names),
            argv,
            env,
            tty,
        )
        .await
    }

    /// The exit code of an attached exec that has ended.
    pub async fn exit_code(&self, exec_id: &str) -> Result<i64, EngineError> {
        super::exec::exit_code(&self.lab.docker, exec_id).await
    }

    /// Tells an attached TTY exec the terminal's size.
    pub async fn resize(&self, exec_id: &str, width: u16, height: u16) -> Result<(), EngineError> {
        let opts = bollard::exec::ResizeExecOptions { width, height };
        deadline("resizing the shell", CALL, async {
            self.lab
                .docker
                .resize_exec(exec_id, opts)
                .await
                .map_err(|e| EngineError::docker("resizing exec", exec_id, e))
        })
        .await
    }

    /// CPU time used so far by both containers, in nanoseconds (cgroup accounting).
    pub async fn cpu_ns(&self) -> Result<u64, EngineError> {
        use futures_util::StreamExt;
        let mut total = 0;
        for side in [Side::Nginx, Side::PhpFpm] {
            let name = side.container(&self.lab.names);
            let opts = bollard::query_parameters::StatsOptionsBuilder::new()
                .stream(false)
                .one_shot(true)
                .build();
            let stats = deadline("the CPU statistics", CALL, async {
                let mut stream = self.lab.docker.stats(&name, Some(opts));
                match stream.next().await {
                    Some(r) => {
                        r.map_err(|e| EngineError::docker("reading statistics of", &name, e))
                    }
                    None => Err(EngineError::Inspect {
                        container: name.clone(),
                        reason: "the engine gave no CPU statistics".into(),
                    }),
                }
            })
            .await?;
            total += stats
                .cpu_stats
                .and_then(|c| c.cpu_usage)
                .and_then(|u| u.total_usage)
                .unwrap_or(0);
        }
        Ok(total)
    }

    /// Host pids of every process of both containers (for perf's filter).
    pub async fn host_pids(&self) -> Result<Vec<u32>, EngineError> {
        let mut pids = Vec::new();
        for side in [Side::Nginx, Side::PhpFpm] {
            let name = &side.container(&self.lab.names);
            let top = deadline("the process list", CALL, async {
                self.lab
                    .docker
                    .top_processes(
                        name,
                        Some(TopOptionsBuilder::new().ps_args("-eo pid").build()),
                    )
                    .await
                    .map_err(|e| EngineError::docker("listing processes of", name, e))
            })
            .await?;
            let titles = top.titles.unwrap_or_default();
            let col = titles.iter().position(|t| t == "PID").unwrap_or(0);
            for row in top.processes.unwrap_or_default() {
                if let Some(pid) = row.get(col).and_then(|p| p.trim().parse().ok()) {
                    pids.push(pid);
                }
            }
        }
        Ok(pids)
    }
}

impl Engine {
    /// The running lab's server, or [`EngineError::NotRunning`].
    pub async fn server(&self) -> Result<Server, EngineError> {
        self.find_server().await?.ok_or(EngineError::NotRunning)
    }

    /// The running lab's server, if both its containers run.
    pub async fn find_server(&self) -> Result<Option<Server>, EngineError> {
        let nginx = match self.inspect_ours(&self.names.nginx()).await? {
            Some(c) => c,
            None => return Ok(None),
        };
        let running = |c: &bollard::models::ContainerInspectResponse| {
            c.state.as_ref().and_then(|s| s.running).unwrap_or(false)
        };
        let phpfpm = self.inspect_ours(&self.names.phpfpm()).await?;
        if !running(&nginx) || !phpfpm.as_ref().is_some_and(running) {
            return Ok(None);
        }
        let endpoint = nginx
            .network_settings
            .as_ref()
            .and_then(|n| n.networks.as_ref())
            .and_then(|n| n.get(&self.names.network()))
            .cloned()
            .ok_or_else(|| EngineError::Inspect {
                container: self.names.nginx(),
                reason: format!("it is not on {}", self.names.network()),
            })?;
        let ip: Ipv4Addr = endpoint
            .ip_address
            .as_deref()
            .unwrap_or("")
            .parse()
            .map_err(|_| EngineError::Inspect {
                container: self.names.nginx(),
                reason: "it has no IPv4 address".into(),
            })?;
        let prefix = endpoint.ip_prefix_len.unwrap_or(16).clamp(0, 32) as u8;
        let net = u32::from(ip) & (u32::MAX.checked_shl(32 - u32::from(prefix)).unwrap_or(0));
        let stage = nginx
            .config
            .as_ref()
            .and_then(|c| c.labels.as_ref())
            .and_then(|l| l.get(labels::STAGE))
            .and_then(|s| s.parse().ok());
        Ok(Some(Server {
            lab: self.clone(),
            ip,
            subnet: (Ipv4Addr::from(net), prefix),
            stage,
        }))
    }

    /// Inspects a container by name, but only if it carries our label.
    pub(crate) async fn inspect_ours(
        &self,
        name: &str,
    ) -> Result<Option<bollard::models::ContainerInspectResponse>, EngineError> {
        let r = deadline("a container inspection", CALL, async {
            self.docker
                .inspect_container(name, None::<InspectContainerOptions>)
                .await
                .map_err(|e| EngineError::docker("inspecting", name, e))
        })
        .await;
        match r {
            Ok(c) => {
                let ours = c
                    .config
                    .as_ref()
                    .and_then(|c| c.labels.as_ref())
                    .is_some_and(|l| l.get(labels::LAB) == Some(&self.names.lab));
                if ours {
                    Ok(Some(c))
                } else {
                    Err(EngineError::NotOurs {
                        name: name.to_string(),
                    })
                }
            }
            Err(e) if e.is_not_found() => Ok(None),
            Err(e) => Err(e),
        }
    }
}
