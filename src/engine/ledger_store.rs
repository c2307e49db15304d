//! Where the engine's [`Ledger`] lives and how a lab takes it: a volume on the
//! engine (`perflab-host-ledger`, shared by every lab there, so it survives any
//! one lab's sweep) and, as its lock, a host-network helper container of a fixed
//! name: whoever created it holds the ledger, and reads and writes the host's
//! values from inside it. The helper's command is a lease (`sleep`) and the
//! engine removes it when the lease ends, so a perflab that dies holding the
//! ledger blocks the others for at most that long. Nothing here reads this
//! machine's /proc: the host is the engine's, a VM's when the engine is in one.
use std::time::{Duration, Instant};

use bollard::models::{Mount, MountTypeEnum, MountVolumeOptions};
use bollard::query_parameters::InspectContainerOptions;

use super::docker::CALL;
use super::error::{deadline, EngineError, HostValueError};
use super::exec::exec;
use super::journal::ALLOWED;
use super::ledger::Ledger;
use super::toolbox::{Helper, ToolboxMode};
use super::{labels, Engine};

/// The ledger's volume, one per engine.
pub const VOLUME: &str = "perflab-host-ledger";
/// The lock: the helper that holds the ledger.
const HOLDER: &str = "perflab-host-ledger";
const MOUNT: &str = "/ledger";
const FILE: &str = "ledger.json";
/// How long a holder may keep the ledger before the engine takes it back.
const LEASE: Duration = Duration::from_secs(120);
/// How long to wait for another lab's holder (its lease, and a margin).
const WAIT: Duration = Duration::from_secs(150);
/// A holder created but never started (its perflab died in between) is stale after this.
const STALE: Duration = Duration::from_secs(30);

/// The holder of the ledger, seen by a lab that waits for it.
struct Holder {
    /// The lab whose perflab holds it (none: gone since, or not labelled).
    lab: Option<String>,
    unstarted: bool,
}

/// The ledger, held: this lab's helper runs and no other lab's can.
pub(crate) struct HeldLedger {
    lab: Engine,
    pub ledger: Ledger,
}

impl Engine {
    /// Takes the engine's ledger, waiting while another lab holds it.
    pub(crate) async fn take_ledger(&self) -> Result<HeldLedger, EngineError> {
        let helper = Helper {
            name: HOLDER,
            mode: ToolboxMode::HostNet,
            mounts: vec![Mount {
                target: Some(MOUNT.into()),
                source: Some(VOLUME.into()),
                typ: Some(MountTypeEnum::VOLUME),
                // Created with these labels when it is not there yet.
                volume_options: Some(MountVolumeOptions {
                    labels: Some(labels::labels(
                        labels::ENGINE_WIDE,
                        &self.run,
                        "host-ledger",
                    )),
                    ..Default::default()
                }),
                ..Default::default()
            }],
            cmd: vec!["sleep".into(), LEASE.as_secs().to_string()],
            auto_remove: true,
        };
        let started = Instant::now();
        // Since when the holder seen is one that was created and never started.
        let mut unstarted_since: Option<Instant> = None;
        loop {
            match self.create_helper(&helper).await {
                Ok(()) => break,
                Err(e) if e.is_conflict() => {
                    let holder = self.ledger_holder().await?;
                    // Every command that takes the ledger holds its lab's lock,
                    // so a holder of this very lab is one whose perflab died.
                    if holder.lab.as_deref() == Some(self.names.lab.as_str()) {
                        self.remove_container(HOLDER).await?;
                        continue;
                    }
                    match (holder.unstarted, unstarted_since) {
                        (false, _) => unstarted_since = None,
                        (true, None) => unstarted_since = Some(Instant::now()),
                        // Its perflab died between creating and starting it.
                        (true, Some(t)) if t.elapsed() > STALE => {
                            self.remove_container(HOLDER).await?;
                            continue;
                        }
                        (true, Some(_)) => {}
                    }
                    if started.elapsed() > WAIT {
                        return Err(EngineError::LedgerBusy {
                            holder: holder.lab.map_or_else(
                                || "an unknown lab".to_string(),
                                |l| format!("lab {l}"),
                            ),
                            waited: WAIT,
                        });
                    }
                    tokio::time::sleep(Duration::from_millis(200)).await;
                }
                Err(e) => return Err(e),
            }
        }
        if let Err(e) = self.start_helper(HOLDER).await {
            self.remove_container(HOLDER).await?;
            return Err(e);
        }
        let held = HeldLedger {
            lab: self.clone(),
            ledger: Ledger::default(),
        };
        match held.read_ledger().await {
            Ok(ledger) => Ok(HeldLedger { ledger, ..held }),
            Err(e) => {
                held.release().await?;
                Err(e)
            }
        }
    }

    /// Who holds the ledger now (the lab of its holder), and whether that
    /// holder was created and never started.
    async fn ledger_holder(&self) -> Result<Holder, EngineError> {
        let found = deadline("inspecting the ledger's holder", CALL, async {
            self.docker
                .inspect_container(HOLDER, None::<InspectContainerOptions>)
                .await
                .map_err(|e| EngineError::docker("inspecting", HOLDER, e))
        })
        .await;
        let c = match found {
            Ok(c) => c,
            Err(e) if e.is_not_found() => {
                return Ok(Holder {
                    lab: None,
                    unstarted: false,
                })
            }
            Err(e) => return Err(e),
        };
        let lab = c
            .config
            .as_ref()
            .and_then(|c| c.labels.as_ref())
            .and_then(|l| l.get(labels::LAB))
            .cloned();
        let unstarted = c.state.as_ref().and_then(|s| s.status)
            == Some(bollard::models::ContainerStateStatusEnum::CREATED);
        Ok(Holder { lab, unstarted })
    }

    /// Whether the engine has a ledger (some lab raised a host value and is not
    /// removed yet), asked without taking it.
    pub(crate) async fn ledger_exists(&self) -> Result<bool, EngineError> {
        match deadline("inspecting the ledger's volume", CALL, async {
            self.docker
                .inspect_volume(VOLUME)
                .await
                .map_err(|e| EngineError::docker("inspecting volume", VOLUME, e))
        })
        .await
        {
            Ok(_) => Ok(true),
            Err(e) if e.is_not_found() => Ok(false),
            Err(e) => Err(e),
        }
    }

    /// A host-wide value, read through a helper with the host's network (the
    /// engine's host: the VM's kernel when the engine runs in one).
    pub async fn host_value(&self, key: &str) -> Result<u64, EngineError> {
        let path = host_path(key)?;
        let out = self
            .toolbox(ToolboxMode::HostNet, &["cat", path], CALL)
            .await?;
        parse_value(path, &out)
    }
}

impl HeldLedger {
    async fn read_ledger(&self) -> Result<Ledger, EngineError> {
        let path = format!("{MOUNT}/{FILE}");
        let out = self
            .run(&["sh", "-c", &format!("[ ! -e {path} ] || cat {path}")])
            .await?
            .ok("reading the engine's ledger of host values")?;
        if out.stdout.trim().is_empty() {
            return Ok(Ledger::default());
        }
        Ledger::parse(&out.stdout).map_err(|reason| EngineError::LedgerCorrupt {
            volume: VOLUME,
            file: FILE,
            reason,
        })
    }

    /// Writes the ledger whole (a new file renamed over the old one, synced).
    pub async fn save(&self) -> Result<(), EngineError> {
        let text = self.ledger.to_text();
        let tmp = format!("{FILE}.new");
        self.lab
            .upload(HOLDER, MOUNT, &[(&tmp, text.as_bytes())])
            .await?;
        self.run(&[
            "sh",
            "-c",
            &format!("mv -f {MOUNT}/{tmp} {MOUNT}/{FILE} && sync {MOUNT}"),
        ])
        .await?
        .ok("writing the engine's ledger of host values")?;
        Ok(())
    }

    /// A host-wide value, read in the holder (the engine's host network).
    pub async fn read_value(&self, key: &str) -> Result<u64, EngineError> {
        let path = host_path(key)?;
        let out = self.run(&["cat", path]).await?;
        parse_value(path, &out)
    }

    /// Writes a host-wide value from the holder.
    pub async fn write_value(&self, key: &str, value: u64) -> Result<(), EngineError> {
        self.run(&["sysctl", "-w", &format!("{key}={value}")])
            .await?
            .ok(&format!("sysctl -w {key}={value} on the engine's host"))
            .map(|_| ())
    }

    async fn run(&self, argv: &[&str]) -> Result<super::ExecOutput, EngineError> {
        exec(&self.lab.docker, HOLDER, argv, CALL).await
    }

    /// Lets the ledger go; an empty ledger takes its volume with it (unless
    /// another lab's holder already mounts it again).
    pub async fn release(self) -> Result<(), EngineError> {
        self.lab.remove_container(HOLDER).await?;
        if !self.ledger.is_empty() {
            return Ok(());
        }
        match deadline("removing the ledger's volume", CALL, async {
            self.lab
                .docker
                .remove_volume(
                    VOLUME,
                    None::<bollard::query_parameters::RemoveVolumeOptions>,
                )
                .await
                .map_err(|e| EngineError::docker("removing volume", VOLUME, e))
        })
        .await
        {
            Err(e) if e.is_not_found() || e.is_conflict() => Ok(()),
            other => other,
        }
    }
}

pub(crate) fn host_path(key: &str) -> Result<&'static str, EngineError> {
    ALLOWED
        .iter()
        .find(|(k, _)| *k == key)
        .map(|(_, p)| *p)
        .ok_or_else(|| {
            HostValueError::NotAllowed {
                key: key.to_string(),
            }
            .into()
        })
}

fn parse_value(path: &'static str, out: &super::ExecOutput) -> Result<u64, EngineError> {
    if !out.success() {
        return Err(HostValueError::Read {
            path,
            reason: out.stderr.trim().to_string(),
        }
        .into());
    }
    let text = out.stdout.trim();
    text.parse().map_err(|_| {
        HostValueError::NotNumber {
            path,
            text: text.to_string(),
        }
        .into()
    })
}
