//! The tutor's seam to the lab: everything it does to the real system goes
//! through [`LabOps`]. [`RealLab`] drives Docker, the load generator, the probes
//! and perf; tests drive the tutor through a fake that keeps a model lab.
//! The tutor is synchronous (it waits on prompts); `RealLab` blocks on the async
//! engine from the tutor's own thread.
use std::time::Duration;

use anyhow::Context as _;
use tokio_util::sync::CancellationToken;

use crate::config::{KnobsPatch, StagePlan};
use crate::engine::{ExecOutput, Lab, Server, Side, ToolboxMode, UpOptions};
use crate::lessons::{Change, Place, Service, Target};
use crate::load::LoadConfig;

use super::facts::{Facts, RunFacts};

/// The course's standard load: the same for every stage (design.md, Measurement).
#[derive(Debug, Clone, Copy)]
pub struct LoadShape {
    pub connections: usize,
    pub duration: Duration,
    pub timeout: Duration,
    pub keepalive: bool,
}

impl Default for LoadShape {
    fn default() -> Self {
        LoadShape {
            connections: 1000,
            duration: Duration::from_secs(10),
            timeout: Duration::from_secs(2),
            keepalive: true,
        }
    }
}

pub trait LabOps {
    /// The lab as it is at the start of `stage`: left alone if it already runs at
    /// that point of the course (`fresh` = false), started (again) otherwise.
    fn start_stage(&mut self, stage: u8, fresh: bool) -> anyhow::Result<()>;
    /// A snapshot of the server now, with its knobs.
    fn facts_now(&mut self) -> anyhow::Result<Facts>;
    /// One measured load run; `flame` names a function whose flame-graph share is
    /// recorded under load as well. The TIME_WAIT sockets a previous run left in
    /// the server are cleared first, so that every run starts alike.
    fn run_load(&mut self, live: bool, flame: Option<&str>) -> anyhow::Result<Facts>;
    /// A command typed at the lab prompt: inside the server, or for host evidence
    /// (the kernel log) in the host helper. Its output and exit code.
    fn exec(&mut self, place: Place, command: &str) -> anyhow::Result<ExecOutput>;
    /// Applies one accepted change of a fix; returns what was done, in a line.
    fn apply(&mut self, change: &Change, value: Option<&str>) -> anyhow::Result<String>;
    /// Restarts services so that they listen again.
    fn restart(&mut self, services: &[Service]) -> anyhow::Result<()>;
}

/// The real lab.
pub struct RealLab {
    rt: tokio::runtime::Handle,
    lab: Lab,
    plan: StagePlan,
    cancel: CancellationToken,
    shape: LoadShape,
    server: Option<Server>,
}

impl RealLab {
    pub fn new(
        rt: tokio::runtime::Handle,
        lab: Lab,
        cancel: CancellationToken,
        shape: LoadShape,
    ) -> anyhow::Result<Self> {
        Ok(RealLab {
            rt,
            lab,
            plan: StagePlan::embedded()?,
            cancel,
            shape,
            server: None,
        })
    }

    fn server(&mut self) -> anyhow::Result<Server> {
        if let Some(s) = &self.server {
            return Ok(s.clone());
        }
        let s = self.rt.block_on(self.lab.server())?;
        self.server = Some(s.clone());
        Ok(s)
    }

    fn load_config(&mut self) -> anyhow::Result<LoadConfig> {
        let server = self.server()?;
        let mut cfg = LoadConfig::new(&server.url(), &[server.subnet])?;
        cfg.connections = self.shape.connections;
        cfg.duration = self.shape.duration;
        cfg.timeout = self.shape.timeout;
        cfg.connect_timeout = self.shape.timeout;
        cfg.keepalive = self.shape.keepalive;
        Ok(cfg)
    }
}

impl RealLab {
    /// Every run starts alike: the TIME_WAIT sockets a previous run left are
    /// destroyed (`ss -K`, kernels since 6.x; older ones refuse and the run starts
    /// with what is left), nginx's buffered access log is flushed (`-s reopen`), and
    /// php-fpm is restarted so that its pool (and its once-per-episode
    /// max_children warning) starts afresh.
    fn settle(&mut self, server: &Server) {
        let _ = self.rt.block_on(server.sh(
            Side::Nginx,
            "ss -K state time-wait >/dev/null 2>&1; nginx -c /etc/perflab/nginx.conf -s reopen",
            Duration::from_secs(30),
        ));
        let _ = self.rt.block_on(server.lab().restart_phpfpm());
    }
}

impl LabOps for RealLab {
    fn start_stage(&mut self, stage: u8, fresh: bool) -> anyhow::Result<()> {
        let running = self.rt.block_on(self.lab.find_server())?;
        if !fresh && running.as_ref().is_some_and(|s| s.stage == Some(stage)) {
            self.server = running;
            return Ok(());
        }
        self.server = None;
        if running.is_some() {
            self.rt.block_on(self.lab.down())?;
        }
        let server =
            self.rt
                .block_on(self.lab.up(&self.plan, UpOptions { stage }, &self.cancel))?;
        self.server = Some(server);
        Ok(())
    }

    fn facts_now(&mut self) -> anyhow::Result<Facts> {
        let server = self.server()?;
        let now = self.rt.block_on(crate::probe::collect(&server, true))?;
        let knobs = self.rt.block_on(server.knobs())?;
        Ok(Facts {
            now: Some(now),
            knobs: Some(knobs),
            run: None,
        })
    }

    fn run_load(&mut self, live: bool, flame: Option<&str>) -> anyhow::Result<Facts> {
        let server = self.server()?;
        let cfg = self.load_config()?;
        self.settle(&server);
        let m = self.rt.block_on(crate::measure::measured_run(
            &server,
            &cfg,
            &self.cancel,
            live,
            true,
        ))?;
        let mut shares = std::collections::BTreeMap::new();
        if let Some(function) = flame {
            let mut fcfg = cfg.clone();
            fcfg.duration = Duration::from_secs(5);
            let bar =
                crate::ui::Progress::spinner("recording the kernel's stacks under load (perf)");
            let report = self.rt.block_on(crate::flame::record(
                &server,
                &fcfg,
                5,
                function,
                &self.cancel,
            ))?;
            drop(bar);
            shares.insert(function.to_string(), report.function_share);
        }
        let knobs = self.rt.block_on(server.knobs())?;
        Ok(Facts {
            now: Some(m.after.clone()),
            knobs: Some(knobs),
            run: Some(RunFacts {
                report: m.report,
                deltas: m.deltas,
                after: m.after,
                server_cpu_us_per_request: m.server_cpu_us_per_request,
                flame: shares,
            }),
        })
    }

    fn exec(&mut self, place: Place, command: &str) -> anyhow::Result<ExecOutput> {
        let server = self.server()?;
        let after = Duration::from_secs(120);
        let run = async {
            match place {
                Place::Host => {
                    self.lab
                        .toolbox(ToolboxMode::HostPid, &["sh", "-c", command], after)
                        .await
                }
                _ => server.sh(Side::Nginx, command, after).await,
            }
        };
        let cancel = self.cancel.clone();
        self.rt.block_on(async {
            tokio::select! {
                r = run => Ok(r?),
                _ = cancel.cancelled() => anyhow::bail!("interrupted"),
            }
        })
    }

    fn apply(&mut self, change: &Change, value: Option<&str>) -> anyhow::Result<String> {
        let server = self.server()?;
        let value = value.unwrap_or_default();
        match &change.target {
            Target::HostSysctl(name) => {
                let v: u64 = value
                    .parse()
                    .with_context(|| format!("{value:?} is not a whole number"))?;
                let was = self.rt.block_on(self.lab.raise_host_sysctl(name, v))?;
                Ok(format!(
                    "raised the host-wide {name} from {was} to {v}: journaled, and `perflab down` puts {was} back"
                ))
            }
            Target::ServerSysctl(name) => match KnobsPatch::sysctl(name, value) {
                Some(patch) => {
                    let patch = patch.map_err(anyhow::Error::msg)?;
                    self.rt
                        .block_on(server.apply(&patch, "changed at the lab prompt"))?;
                    Ok(format!("set {name} = {value} in the server's namespace"))
                }
                None => {
                    let out = self.rt.block_on(server.exec(
                        Side::Nginx,
                        &["sysctl", "-w", &format!("{name}={value}")],
                        Duration::from_secs(30),
                    ))?;
                    let out = out.ok(&format!("sysctl -w {name}={value}"))?;
                    Ok(out.stdout.trim().to_string())
                }
            },
            Target::Knob(knob) => {
                let patch = KnobsPatch::single(knob, value).map_err(anyhow::Error::msg)?;
                self.rt
                    .block_on(server.apply(&patch, "changed by the learner"))?;
                Ok(format!(
                    "set {knob} = {value}: the config was rendered again and the service reloaded"
                ))
            }
            Target::ServerCommand => {
                let typed = change.reference_input();
                let out =
                    self.rt
                        .block_on(server.sh(Side::Nginx, &typed, Duration::from_secs(120)))?;
                let out = out.ok(&typed)?;
                Ok(format!(
                    "ran `{typed}` in the server: {}",
                    out.stdout.trim().lines().last().unwrap_or("done")
                ))
            }
        }
    }

    fn restart(&mut self, services: &[Service]) -> anyhow::Result<()> {
        let server = self.server()?;
        for s in services {
            match s {
                Service::Nginx => self.rt.block_on(server.reload_nginx())?,
                Service::PhpFpm => self.rt.block_on(server.lab().restart_phpfpm())?,
            }
        }
        Ok(())
    }
}
