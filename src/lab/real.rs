//! The real lab behind [`LabOps`]: Docker through the engine, the load
//! generator, the probes and perf. It blocks on the async layers from the
//! tutor's own thread.
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use tokio_util::sync::CancellationToken;

use crate::config::{KnobsPatch, StagePlan};
use crate::engine::{Engine, ExecOutput, Server, Side, ToolboxMode, UpOptions};
use crate::lessons::{Change, Service, Target};
use crate::load::LoadConfig;

use super::events::LabSink;
use super::measure::{duration_for_recording, measured_run, Extras};
use super::{flame, prompt, ExecTarget, LabError, LabOps, LoadShape};
use super::{Facts, RunFacts};

/// Seconds of perf recording when a stage reads a flame-graph share.
const FLAME_SECONDS: u32 = 5;
/// A command typed at the lab prompt may run this long.
const PROMPT_DEADLINE: Duration = Duration::from_secs(120);

pub struct RealLab {
    rt: tokio::runtime::Handle,
    lab: Engine,
    plan: StagePlan,
    cancel: CancellationToken,
    shape: LoadShape,
    sink: Arc<dyn LabSink>,
    state_dir: PathBuf,
    server: Option<Server>,
}

impl RealLab {
    pub fn build(
        rt: tokio::runtime::Handle,
        lab: Engine,
        cancel: CancellationToken,
        shape: LoadShape,
        sink: Arc<dyn LabSink>,
        state_dir: PathBuf,
    ) -> Result<Self, LabError> {
        Ok(RealLab {
            rt,
            lab,
            plan: StagePlan::embedded()?,
            cancel,
            shape,
            sink,
            state_dir,
            server: None,
        })
    }

    /// The connection to the engine (for the teardown after the course).
    pub fn engine(&self) -> &Engine {
        &self.lab
    }

    fn server(&mut self) -> Result<Server, LabError> {
        if let Some(s) = &self.server {
            return Ok(s.clone());
        }
        let s = self.rt.block_on(self.lab.server())?;
        self.server = Some(s.clone());
        Ok(s)
    }

    fn load_config(&mut self) -> Result<LoadConfig, LabError> {
        let server = self.server()?;
        Ok(LoadConfig::new(
            &server.url(),
            &[server.subnet],
            &self.shape,
        )?)
    }

    /// Every run starts alike, from the defined state of [`settle`](super::settle).
    fn settle(&mut self, server: &Server) -> Result<super::Settled, LabError> {
        self.sink.event(super::LabEvent::Settling);
        let settled = self.rt.block_on(super::settle(server));
        self.sink.event(super::LabEvent::Settled);
        settled
    }

    fn block<T>(
        &self,
        fut: impl std::future::Future<Output = Result<T, LabError>>,
    ) -> Result<T, LabError> {
        let cancel = self.cancel.clone();
        self.rt.block_on(async {
            tokio::select! {
                r = fut => r,
                _ = cancel.cancelled() => Err(LabError::Interrupted),
            }
        })
    }
}

impl LabOps for RealLab {
    fn start_stage(&mut self, stage: u8, fresh: bool) -> Result<(), LabError> {
        let running = self.rt.block_on(self.lab.find_server())?;
        if !fresh && running.as_ref().is_some_and(|s| s.stage == Some(stage)) {
            self.server = running;
            return Ok(());
        }
        self.server = None;
        if running.is_some() {
            self.rt.block_on(self.lab.down())?;
        }
        let server = self.rt.block_on(self.lab.up(
            &self.plan,
            &UpOptions {
                stage,
                ..Default::default()
            },
            &self.cancel,
        ))?;
        self.server = Some(server);
        Ok(())
    }

    fn facts_now(&mut self) -> Result<Facts, LabError> {
        let server = self.server()?;
        let now = self.rt.block_on(super::evidence::collect(&server, true))?;
        let knobs = self.rt.block_on(server.knobs())?;
        Ok(Facts {
            now: Some(now),
            knobs: Some(knobs),
            run: None,
        })
    }

    fn run_load(
        &mut self,
        live: bool,
        flame: Option<&str>,
        seconds: Option<u32>,
    ) -> Result<Facts, LabError> {
        let server = self.server()?;
        let mut cfg = self.load_config()?;
        if let Some(s) = seconds {
            cfg.duration = Duration::from_secs(u64::from(s));
        }
        let settled = self.settle(&server)?;
        let sink = match live {
            true => self.sink.clone(),
            false => Arc::new(NotLive(self.sink.clone())) as Arc<dyn LabSink>,
        };
        let extras = Extras {
            kernel_log: true,
            flame: None,
        };
        let m = self
            .rt
            .block_on(measured_run(&server, &cfg, &extras, &self.cancel, &sink))?;
        let mut shares = std::collections::BTreeMap::new();
        if let Some(function) = flame {
            let mut fcfg = cfg.clone();
            fcfg.duration = duration_for_recording(FLAME_SECONDS);
            let extras = Extras {
                kernel_log: false,
                flame: Some(flame::Recording {
                    seconds: FLAME_SECONDS,
                    function: function.to_string(),
                    svg_dir: self.state_dir.clone(),
                    report: false,
                }),
            };
            let quiet = Arc::new(NotLive(self.sink.clone())) as Arc<dyn LabSink>;
            let rec =
                self.rt
                    .block_on(measured_run(&server, &fcfg, &extras, &self.cancel, &quiet))?;
            if let Some(f) = rec.flame {
                shares.insert(function.to_string(), f.function_share);
            }
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
                settled: Some(settled),
            }),
        })
    }

    fn exec(&mut self, target: ExecTarget, command: &str) -> Result<ExecOutput, LabError> {
        let server = self.server()?;
        let after = PROMPT_DEADLINE;
        let lab = self.lab.clone();
        self.block(async move {
            Ok(match target {
                ExecTarget::Host => {
                    lab.toolbox(ToolboxMode::HostPid, &["sh", "-c", command], after)
                        .await?
                }
                ExecTarget::Server(side) => server.sh(side, command, after).await?,
            })
        })
    }

    fn logs(
        &mut self,
        side: Side,
        tail: Option<u64>,
        timestamps: bool,
    ) -> Result<ExecOutput, LabError> {
        let server = self.server()?;
        self.block(prompt::logs(&server, side, tail, timestamps))
    }

    fn perf_record(&mut self, seconds: u32) -> Result<ExecOutput, LabError> {
        let server = self.server()?;
        let cfg = self.load_config()?;
        self.settle(&server)?;
        let quiet = Arc::new(NotLive(self.sink.clone())) as Arc<dyn LabSink>;
        let dir = self.state_dir.clone();
        self.rt.block_on(prompt::perf_record(
            &server,
            &cfg,
            seconds,
            dir,
            &self.cancel,
            &quiet,
        ))
    }

    fn perf_report(&mut self, pipe: Option<&str>) -> Result<ExecOutput, LabError> {
        let server = self.server()?;
        if let Some(out) = self.block(prompt::perf_report(&server, pipe))? {
            return Ok(out);
        }
        // No recording yet: make one, as `perf record -g` would, then report it.
        let recorded = self.perf_record(prompt::RECORD_SECONDS)?;
        if !recorded.success() {
            return Ok(recorded);
        }
        let out = self.block(prompt::perf_report(&server, pipe))?;
        let mut out = out.unwrap_or_default();
        out.stdout = format!(
            "(no recording yet: perflab recorded one first, as `perf record -g` does)\n{}{}",
            recorded.stdout, out.stdout
        );
        Ok(out)
    }

    fn lab_name(&self) -> String {
        self.lab.names().lab.clone()
    }

    fn apply(&mut self, change: &Change, value: Option<&str>) -> Result<String, LabError> {
        let server = self.server()?;
        let value = value.unwrap_or_default();
        match &change.target {
            Target::HostSysctl(name) => {
                let v: u64 = value.parse().map_err(|_| LabError::NotANumber {
                    name: name.clone(),
                    value: value.to_string(),
                })?;
                let was = self.rt.block_on(self.lab.raise_host_sysctl(name, v))?;
                Ok(format!(
                    "raised the host-wide {name} from {was} to {v}: journaled, and `perflab down` puts {was} back"
                ))
            }
            Target::ServerSysctl(name) => match KnobsPatch::sysctl(name, value) {
                Some(patch) => {
                    let patch = patch?;
                    self.rt.block_on(server.apply(&patch))?;
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
                let patch = KnobsPatch::single(knob, value)?;
                self.rt.block_on(server.apply(&patch))?;
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

    fn restart(&mut self, services: &[Service]) -> Result<(), LabError> {
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

/// The lab's sink for a run nobody watches live: every event but the live ones.
struct NotLive(Arc<dyn LabSink>);

impl LabSink for NotLive {
    fn event(&self, event: super::LabEvent) {
        use super::LabEvent as E;
        if !matches!(event, E::Load(_) | E::Gauges(_) | E::GaugesStopped { .. }) {
            self.0.event(event);
        }
    }
}
