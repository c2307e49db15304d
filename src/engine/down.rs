//! `down` and the sweep: every container, network and volume carrying this lab's
//! label is removed, then every journaled host change is restored — only after
//! the server's namespace is gone, or that namespace could no longer allocate.
use bollard::query_parameters::{
    ListContainersOptionsBuilder, ListNetworksOptionsBuilder, ListVolumesOptionsBuilder,
};

use super::docker::CALL;
use super::down_report::{DownReport, HostValue, KeptValue, SkippedValue};
use super::error::{deadline, EngineError, HostValueError};
use super::events::EngineEvent;
use super::journal::Journal;
use super::ledger::Release;
use super::ledger_store::HeldLedger;
use super::{labels, Engine};

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
                report: report.clone(),
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

    /// Gives back every host value this lab raised: this lab's claims leave the
    /// engine's ledger, and a value whose last claim that was is put back to its
    /// original if it still holds what perflab set (one someone changed since is
    /// left alone and reported). A value other labs raised too stays until the
    /// last of them goes.
    async fn restore_journal(&self, report: &mut DownReport) -> Result<(), EngineError> {
        let dir = &self.state_dir;
        // A journal that does not parse stops here, before anything is touched.
        let mut journal = Journal::load(dir)?;
        if journal.entries.is_empty() && !self.ledger_exists().await? {
            return Ok(());
        }
        let mut held = self.take_ledger().await?;
        let result = self.give_back(&mut held, &mut journal, report).await;
        let released = held.release().await;
        result?;
        released
    }

    async fn give_back(
        &self,
        held: &mut HeldLedger,
        journal: &mut Journal,
        report: &mut DownReport,
    ) -> Result<(), EngineError> {
        let dir = &self.state_dir;
        let lab = &self.names.lab;
        let mut keys: Vec<String> = journal.entries.iter().map(|e| e.key.clone()).collect();
        for key in held.ledger.held_by(lab) {
            if !keys.contains(&key) {
                keys.push(key);
            }
        }
        for key in keys {
            let now = held.read_value(&key).await?;
            let entry = journal.entries.iter().find(|e| e.key == key).cloned();
            let put_back = match held.ledger.release(&key, lab) {
                Release::Kept { labs, original } => {
                    report.kept.push(KeptValue {
                        key: key.clone(),
                        now,
                        labs,
                        original,
                    });
                    None
                }
                Release::Last { original, applied } => Some((original, applied)),
                // Journaled by a perflab without the ledger, or the ledger was
                // written by another lab since: only a value no lab holds is ours to put back.
                Release::NotHeld => match (&entry, held.ledger.get(&key)) {
                    (Some(e), None) => {
                        Some((number(&key, &e.original)?, number(&key, &e.applied)?))
                    }
                    _ => None,
                },
            };
            if let Some((original, applied)) = put_back {
                if now == applied {
                    held.write_value(&key, original).await?;
                    report.restored.push(HostValue {
                        key: key.clone(),
                        applied,
                        original,
                    });
                } else if now != original {
                    report.skipped.push(SkippedValue {
                        key: key.clone(),
                        now,
                        applied,
                        original,
                    });
                }
            }
            // The value first, then the ledger, then the journal: a crash in
            // between leaves a record that the next `down` finishes.
            held.save().await?;
            journal.remove(&key);
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

/// A journaled value, which the journal's check made sure is a number.
fn number(key: &str, value: &str) -> Result<u64, EngineError> {
    value.trim().parse().map_err(|_| {
        HostValueError::BadOriginal {
            key: key.to_string(),
            value: value.to_string(),
        }
        .into()
    })
}
