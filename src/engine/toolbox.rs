//! The host helper ("toolbox"): a short-lived container started for one host-level
//! operation and removed, with only the privileges that operation needs.
use std::time::Duration;

use bollard::models::{ContainerCreateBody, HostConfig, Mount};
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

/// A helper container to create: its name, what it may do, what else it
/// mounts, and what it runs until perflab is done with it.
pub(crate) struct Helper<'a> {
    pub name: &'a str,
    pub mode: ToolboxMode,
    pub mounts: Vec<Mount>,
    pub cmd: Vec<String>,
    /// The engine removes it when its command ends (a lease that outlives a crash).
    pub auto_remove: bool,
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
        let name = format!(
            "{}{}-{}",
            self.names.toolbox_prefix(),
            self.run,
            std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .map(|d| d.subsec_nanos())
                .unwrap_or(0)
        );
        let helper = Helper {
            name: &name,
            mode,
            mounts: Vec::new(),
            cmd: vec!["sleep".into(), "3600".into()],
            auto_remove: false,
        };
        self.create_helper(&helper).await?;
        let result = async {
            self.start_helper(&name).await?;
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

    /// Creates a helper container; Docker's refusal (a name in use: 409) comes back as is.
    pub(crate) async fn create_helper(&self, helper: &Helper<'_>) -> Result<(), EngineError> {
        let image = self.ensure_image(Image::Toolbox).await?;
        let host_config = HostConfig {
            mounts: Some(helper.mounts.clone()),
            auto_remove: Some(helper.auto_remove),
            ..helper.mode.host_config()
        };
        let body = ContainerCreateBody {
            image: Some(image),
            cmd: Some(helper.cmd.clone()),
            labels: Some(labels::labels(
                &self.names.lab,
                &self.run,
                helper.mode.role(),
            )),
            host_config: Some(host_config),
            ..Default::default()
        };
        let opts = CreateContainerOptionsBuilder::new()
            .name(helper.name)
            .build();
        deadline("creating the host helper", CALL, async {
            self.docker
                .create_container(Some(opts), body)
                .await
                .map_err(|e| EngineError::docker("creating", helper.name, e))
        })
        .await
        .map(|_| ())
    }

    pub(crate) async fn start_helper(&self, name: &str) -> Result<(), EngineError> {
        deadline("starting the host helper", CALL, async {
            self.docker
                .start_container(
                    name,
                    None::<bollard::query_parameters::StartContainerOptions>,
                )
                .await
                .map_err(|e| EngineError::docker("starting", name, e))
        })
        .await
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
