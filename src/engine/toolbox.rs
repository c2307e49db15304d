//! The host helper ("toolbox"): a short-lived container started for one host-level
//! operation and removed, with only the privileges that operation needs.
use std::time::Duration;

use bollard::models::{ContainerCreateBody, HostConfig};
use bollard::query_parameters::{CreateContainerOptionsBuilder, RemoveContainerOptionsBuilder};

use super::docker::CALL;
use super::error::{deadline, EngineError};
use super::exec::{exec, ExecOutput};
use super::images::Image;
use super::{labels, Engine};

/// What the helper may do on the host.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ToolboxMode {
    /// Host network + NET_ADMIN + writable /proc/sys: write `net.netfilter.nf_conntrack_max`.
    HostNet,
    /// Host pid + SYS_ADMIN + SYSLOG: `perf record -a -g` and the kernel log.
    HostPid,
}

impl ToolboxMode {
    pub fn host_config(self) -> HostConfig {
        let base = HostConfig {
            cap_drop: Some(vec!["ALL".into()]),
            privileged: Some(false),
            ..Default::default()
        };
        match self {
            ToolboxMode::HostNet => HostConfig {
                network_mode: Some("host".into()),
                cap_add: Some(vec!["NET_ADMIN".into()]),
                // `--security-opt systempaths=unconfined` of the CLI: /proc/sys writable.
                masked_paths: Some(vec![]),
                readonly_paths: Some(vec![]),
                ..base
            },
            ToolboxMode::HostPid => HostConfig {
                pid_mode: Some("host".into()),
                network_mode: Some("none".into()),
                cap_add: Some(vec!["SYS_ADMIN".into(), "SYSLOG".into()]),
                ..base
            },
        }
    }

    fn role(self) -> &'static str {
        match self {
            ToolboxMode::HostNet => "toolbox-hostnet",
            ToolboxMode::HostPid => "toolbox-hostpid",
        }
    }
}

impl Engine {
    /// Runs `argv` in a fresh helper container of `mode`, then removes it (also on
    /// error and on cancellation through [`Engine::with_cancel`]).
    pub async fn toolbox(
        &self,
        mode: ToolboxMode,
        argv: &[&str],
        after: Duration,
    ) -> Result<ExecOutput, EngineError> {
        let image = self.ensure_image(Image::Toolbox).await?;
        let name = format!(
            "{}{}-{}",
            self.names.toolbox_prefix(),
            self.run,
            std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .map(|d| d.subsec_nanos())
                .unwrap_or(0)
        );
        let body = ContainerCreateBody {
            image: Some(image),
            cmd: Some(vec!["sleep".into(), "3600".into()]),
            labels: Some(labels::labels(&self.names.lab, &self.run, mode.role())),
            host_config: Some(mode.host_config()),
            ..Default::default()
        };
        let opts = CreateContainerOptionsBuilder::new().name(&name).build();
        deadline("creating the host helper", CALL, async {
            self.docker
                .create_container(Some(opts), body)
                .await
                .map_err(|e| EngineError::docker("creating", &name, e))
        })
        .await?;
        let result = async {
            deadline("starting the host helper", CALL, async {
                self.docker
                    .start_container(
                        &name,
                        None::<bollard::query_parameters::StartContainerOptions>,
                    )
                    .await
                    .map_err(|e| EngineError::docker("starting", &name, e))
            })
            .await?;
            tokio::select! {
                r = exec(&self.docker, &name, argv, after) => r,
                _ = self.cancel.cancelled() => Err(EngineError::Cancelled),
            }
        }
        .await;
        let removed = self.remove_container(&name).await;
        let out = result?;
        removed?;
        Ok(out)
    }

    /// Force-removes a container (and its anonymous volumes); absent is fine.
    pub(crate) async fn remove_container(&self, name: &str) -> Result<(), EngineError> {
        let opts = RemoveContainerOptionsBuilder::new()
            .force(true)
            .v(true)
            .build();
        match deadline("removing a container", CALL, async {
            self.docker
                .remove_container(name, Some(opts))
                .await
                .map_err(|e| EngineError::docker("removing", name, e))
        })
        .await
        {
            // Gone, or already being removed (a concurrent `down`): either way done.
            Err(e) if e.is_not_found() || e.is_conflict() => Ok(()),
            other => other,
        }
    }
}
