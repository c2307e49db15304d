//! `down` and the sweep: every container, network and volume carrying this lab's
//! label is removed, then every journaled host change is restored — only after
//! the server's namespace is gone, or that namespace could no longer allocate.
use bollard::query_parameters::{
    ListContainersOptionsBuilder, ListNetworksOptionsBuilder, ListVolumesOptionsBuilder,
};

use super::conntrack::{host_path, read_host_value};
use super::docker::CALL;
use super::error::{deadline, EngineError, HostValueError};
use super::events::EngineEvent;
use super::journal::Journal;
use super::{labels, Engine};

/// What `down` did.
#[derive(Debug, Default, Clone, serde::Serialize)]
pub struct DownReport {
    pub containers: Vec<String>,
    pub networks: Vec<String>,
    pub volumes: Vec<String>,
    /// `key: applied -> original` for each restored host value.
    pub restored: Vec<String>,
    /// Journal entries that were not restored, with the reason.
    pub skipped: Vec<String>,
}

impl DownReport {
    /// One line: what was removed and restored.
    pub fn summary(&self) -> String {
        let mut parts = Vec::new();
        for (what, list) in [
            ("containers", &self.containers),
            ("networks", &self.networks),
            ("volumes", &self.volumes),
        ] {
            if !list.is_empty() {
                parts.push(format!("{what} {}", list.join(", ")));
            }
        }
        if !self.restored.is_empty() {
            parts.push(format!("restored {}", self.restored.join(", ")));
        }
        parts.extend(self.skipped.iter().cloned());
        parts.join("; ")
    }

    pub fn is_empty(&self) -> bool {
        self.containers.is_empty()
            && self.networks.is_empty()
            && self.volumes.is_empty()
            && self.restored.is_empty()
            && self.skipped.is_empty()
    }
}

impl Engine {
    /// Removes the lab and restores the host. Idempotent.
    pub async fn down(&self) -> Result<DownReport, EngineError> {
        let mut report = self.remove_objects().await?;
        self.restore_journal(&mut report).await?;
        Ok(report)
    }

    /// With no lab running, whatever a crashed or killed run left behind (objects,
    /// journaled host changes) is cleaned, and the user told so.
    pub async fn recover(&self) -> Result<DownReport, EngineError> {
        if self.find_server().await?.is_some() {
            return Ok(DownReport::default());
        }
        let report = self.down().await?;
        if !report.is_empty() {
            self.tell(EngineEvent::Recovered {
                summary: report.summary(),
            });
        }
        Ok(report)
    }

    /// Removes every object with this lab's label: containers first (php-fpm
    /// before nginx, whose namespace it joins), then networks and volumes.
    pub(crate) async fn remove_objects(&self) -> Result<DownReport, EngineError> {
        let filter = labels::filter(&self.names.lab);
        let mut report = DownReport::default();
        let list = deadline("listing containers", CALL, async {
            self.docker
                .list_containers(Some(
                    ListContainersOptionsBuilder::new()
                        .all(true)
                        .filters(&filter)
                        .build(),
                ))
                .await
                .map_err(|e| EngineError::docker("listing", "containers", e))
        })
        .await?;
        let mut names: Vec<String> = list
            .into_iter()
            .filter_map(|c| c.names.and_then(|n| n.first().cloned()))
            .map(|n| n.trim_start_matches('/').to_string())
            .collect();
        // Joiners first: the namespace owner goes last.
        names.sort_by_key(|n| *n == self.names.nginx());
        for name in names {
            self.remove_container(&name).await?;
            report.containers.push(name);
        }
        let nets = deadline("listing networks", CALL, async {
            self.docker
                .list_networks(Some(
                    ListNetworksOptionsBuilder::new().filters(&filter).build(),
                ))
                .await
                .map_err(|e| EngineError::docker("listing", "networks", e))
        })
        .await?;
        for net in nets {
            let name = net.name.unwrap_or_default();
            match deadline("removing a network", CALL, async {
                self.docker
                    .remove_network(&name)
                    .await
                    .map_err(|e| EngineError::docker("removing network", &name, e))
            })
            .await
            {
                Err(e) if e.is_not_found() => {}
                Err(e) => return Err(e),
                Ok(()) => report.networks.push(name),
            }
        }
        let vols = deadline("listing volumes", CALL, async {
            self.docker
                .list_volumes(Some(
                    ListVolumesOptionsBuilder::new().filters(&filter).build(),
                ))
                .await
                .map_err(|e| EngineError::docker("listing", "volumes", e))
        })
        .await?;
        for vol in vols.volumes.unwrap_or_default() {
            let name = vol.name;
            match deadline("removing a volume", CALL, async {
                self.docker
                    .remove_volume(
                        &name,
                        None::<bollard::query_parameters::RemoveVolumeOptions>,
                    )
                    .await
                    .map_err(|e| EngineError::docker("removing volume", &name, e))
            })
            .await
            {
                Err(e) if e.is_not_found() => {}
                Err(e) => return Err(e),
                Ok(()) => report.volumes.push(name),
            }
        }
        Ok(report)
    }

    /// Puts back every journaled host value that still holds what perflab set;
    /// one changed since by someone else is left alone and reported.
    async fn restore_journal(&self, report: &mut DownReport) -> Result<(), EngineError> {
        let dir = &self.state_dir;
        let mut journal = Journal::load(dir)?;
        for entry in journal.entries.clone() {
            let path = host_path(&entry.key)?;
            let now = read_host_value(path)?;
            if now.to_string() == entry.applied {
                let original: u64 =
                    entry
                        .original
                        .trim()
                        .parse()
                        .map_err(|_| HostValueError::BadOriginal {
                            key: entry.key.clone(),
                            value: entry.original.clone(),
                        })?;
                self.write_host_value(&entry.key, original).await?;
                report.restored.push(format!(
                    "{}: {} -> {}",
                    entry.key, entry.applied, entry.original
                ));
            } else {
                report.skipped.push(format!(
                    "{} is {now}, not the {} perflab set: someone changed it since, so it was left as is (it was {} before perflab)",
                    entry.key, entry.applied, entry.original
                ));
            }
            journal.remove(&entry.key);
            journal.save(dir)?;
        }
        Ok(())
    }

    /// The journaled host changes not yet restored, for `status`.
    pub fn host_changes(
        state_dir: &std::path::Path,
    ) -> Result<Vec<super::journal::Entry>, EngineError> {
        Ok(Journal::load(state_dir)?.entries)
    }
}
