//! `perflab doctor`: every prerequisite, each failure with the command that
//! fixes it; the kind of engine, the path the load takes, and what will not
//! work on that kind of engine, each with what to do. Everything about the
//! engine's host is asked of the engine (its facts, the host helper), never read
//! from this machine: the client need not be the engine's host.
use std::process::ExitCode;

use console::style;

use super::Ctx;
use crate::engine::{self, conntrack, Engine, EngineKind};
use crate::lab::route::{route_to, Route};
use crate::lab::LoadPath;
use crate::ui;

#[derive(Debug, clap::Args)]
pub struct Args {}

/// A line of the doctor's answer.
enum Check {
    Pass(&'static str, String),
    Fail(&'static str, String),
    /// Not a failure: something that works differently here, and what to do.
    Note(&'static str, String),
}

pub async fn run(_args: Args, ctx: &Ctx) -> anyhow::Result<ExitCode> {
    let mut checks = vec![client(&ctx.settings), state_dir(&ctx.settings)];
    match ctx.lab().await {
        Ok(lab) => engine_checks(&lab, &mut checks).await,
        Err(e) => checks.push(Check::Fail("Docker Engine", e.to_string())),
    }
    let mut failed = 0;
    for c in &checks {
        let (mark, name, text) = match c {
            Check::Pass(n, t) => (style("✓").green(), n, t),
            Check::Fail(n, t) => {
                failed += 1;
                (style("✗").red(), n, t)
            }
            Check::Note(n, t) => (style("·").cyan(), n, t),
        };
        let text = text.replace('\n', &format!("\n  {:<22} ", ""));
        ui::out(&format!("{mark} {name:<22} {text}"));
    }
    let counted = checks
        .iter()
        .filter(|c| !matches!(c, Check::Note(..)))
        .count();
    if failed > 0 {
        ui::out(&format!("\n{failed} of {counted} checks failed"));
        return Ok(ExitCode::FAILURE);
    }
    ui::out(&format!(
        "\nall {counted} checks passed: `perflab up` is ready"
    ));
    Ok(ExitCode::SUCCESS)
}

async fn engine_checks(lab: &Engine, checks: &mut Vec<Check>) {
    match lab.versions().await {
        Ok((v, api)) => checks.push(Check::Pass(
            "Docker Engine",
            format!("Docker Engine {v}, API {api}"),
        )),
        Err(e) => {
            checks.push(Check::Fail("Docker Engine", e.to_string()));
            return;
        }
    }
    let kind = match (lab.facts().await, lab.kind().await) {
        (Ok(facts), Ok(kind)) => {
            checks.push(Check::Pass(
                "engine kind",
                format!(
                    "{} ({}, kernel {}, {})",
                    kind.describe(),
                    facts.os,
                    facts.kernel,
                    facts.arch
                ),
            ));
            kind
        }
        (Err(e), _) | (_, Err(e)) => {
            checks.push(Check::Fail("engine kind", e.to_string()));
            return;
        }
    };
    checks.push(load_path(lab).await);
    checks.push(base_image(lab).await);
    checks.push(host_values(lab, &kind).await);
    checks.push(perf(lab, &kind).await);
    checks.extend(notes(&kind, &lab.names().lab));
}

fn client(settings: &crate::config::Settings) -> Check {
    if !cfg!(target_os = "linux") {
        return Check::Fail(
            "perflab",
            format!(
                "this perflab is a {} program: the load it drives runs beside the lab as a Linux program; \
                 run perflab from its container image instead (`docker build -t perflab .`, see the README)",
                std::env::consts::OS
            ),
        );
    }
    let Some(program) = &settings.program else {
        return Check::Pass("perflab", "drives the load from this process".into());
    };
    match engine::Bundle::of(program) {
        Ok(b) => Check::Pass(
            "perflab",
            format!(
                "a Linux {} program on kernel {}: it copies itself beside the lab ({} files)",
                b.arch,
                crate::engine::client_kernel().unwrap_or_else(|| "?".into()),
                b.files.len()
            ),
        ),
        Err(e) => Check::Fail("perflab", e.to_string()),
    }
}

fn state_dir(settings: &crate::config::Settings) -> Check {
    let result = settings
        .ensure_state_dir()
        .and_then(|d| {
            let probe = d.join(".doctor");
            std::fs::write(&probe, b"ok")?;
            std::fs::remove_file(&probe)?;
            Ok(d)
        })
        .map(|d| d.display().to_string());
    match result {
        Ok(d) => Check::Pass("state directory", d),
        Err(e) => Check::Fail(
            "state directory",
            format!("{e}; set PERFLAB_STATE_DIR to a writable directory"),
        ),
    }
}

/// The path the load takes, and whether this machine could drive it itself.
async fn load_path(lab: &Engine) -> Check {
    let path = match LoadPath::of(lab) {
        LoadPath::Beside => {
            "beside the lab: a short-lived container on the lab's network runs this perflab's own generator"
        }
        LoadPath::Host => "from this machine, in perflab's own process (PERFLAB_LOAD_FROM=host)",
    };
    let route = match lab.find_server().await {
        Ok(Some(server)) => match route_to(server.ip).await {
            Route::Reaches => format!(
                "this machine routes to the lab's network ({} answers), so PERFLAB_LOAD_FROM=host (the load from this process) works here too",
                server.ip
            ),
            Route::None { reason } => format!(
                "this machine has no route to the lab's network ({}: {reason}), so the load can only run beside the lab",
                server.ip
            ),
            Route::Silent => format!(
                "{} did not answer from this machine within a second (no route, or a full conntrack table at stages 0 and 1 drops new connections)",
                server.ip
            ),
        },
        Ok(None) => "no lab runs, so the route from this machine to a lab is not tested (`perflab up`, then doctor again)".into(),
        Err(e) => format!("the lab could not be looked up: {e}"),
    };
    Check::Pass("load path", format!("{path}\n{route}"))
}

async fn base_image(lab: &Engine) -> Check {
    let image = engine::BASE_IMAGE;
    match lab.image_exists(image).await {
        Ok(true) => Check::Pass("base image", format!("{image} present")),
        Ok(false) => Check::Fail(
            "base image",
            format!(
                "{image} is missing: `docker pull {image}`, or without a registry `sudo bash scripts/engine.sh` (debootstrap + import)"
            ),
        ),
        Err(e) => Check::Fail("base image", e.to_string()),
    }
}

/// The host-wide conntrack limit, read in the host helper on the engine's host.
async fn host_values(lab: &Engine, kind: &EngineKind) -> Check {
    let whose = match kind {
        EngineKind::Native => "this machine's".to_string(),
        EngineKind::DesktopVm { product } => format!("the {product} VM's"),
        EngineKind::Remote { host } => format!("{host}'s"),
    };
    match lab.host_value("net.netfilter.nf_conntrack_max").await {
        Ok(max) if max > conntrack::MAX_FILL => Check::Fail(
            "host helper",
            format!(
                "{whose} nf_conntrack_max is {max}: stages 0 and 1 fill the server's table to it, which would pin over 1 GB; start at `--stage 2`"
            ),
        ),
        Ok(max) => Check::Pass(
            "host helper",
            format!("reads {whose} nf_conntrack_max: {max} (host network + NET_ADMIN)"),
        ),
        Err(e @ crate::engine::EngineError::HostValue(_)) => Check::Fail(
            "host helper",
            format!("{e}; on the engine's host: `sudo modprobe nf_conntrack`"),
        ),
        Err(e) => Check::Fail(
            "host helper",
            format!("{e}; the Docker Engine must allow host-network containers with NET_ADMIN"),
        ),
    }
}

async fn perf(lab: &Engine, kind: &EngineKind) -> Check {
    match crate::flame::perf_available(lab).await {
        Ok(()) => Check::Pass(
            "perf",
            "perf record -a works in the host helper".to_string(),
        ),
        Err(crate::flame::FlameError::PerfUnavailable { reason, facts }) => {
            let mut text = crate::flame::advice::unavailable(&reason, &facts);
            if let EngineKind::DesktopVm { product } = kind {
                text.push_str(&format!(
                    "\n(on {product} the kernel is the VM's: the settings above are the VM's, set inside it)"
                ));
            }
            Check::Fail("perf", text)
        }
        Err(e) => Check::Fail("perf", e.to_string()),
    }
}

/// What works differently on this kind of engine, each with what to do.
fn notes(kind: &EngineKind, lab: &str) -> Vec<Check> {
    let note = |text: String| Check::Note("on this engine", text);
    match kind {
        EngineKind::Native => vec![note(
            "host-wide values (nf_conntrack_max), the kernel log and perf are this machine's; `perflab down` puts back what the lab raised".into(),
        )],
        EngineKind::DesktopVm { product } => vec![
            note(format!(
                "\"host-wide\" means the {product} VM: nf_conntrack_max, `dmesg` and perf are the VM's kernel's; `perflab down` puts the VM's value back (a restart of the VM resets it too)"
            )),
            note(format!(
                "the server's address is not reachable from this machine: `perflab load` runs beside the lab, and `perflab shell -- curl -s http://127.0.0.1/` asks from inside the server; `docker logs {lab}-nginx` works as usual"
            )),
            note(
                "perf records the VM's kernel: where the flame graph shows addresses instead of kernel function names, the VM hides its symbols (kptr_restrict inside the VM) or its kernel has none; the same fault shows without perf in `perflab probe` (where TIME_WAIT sits) and in `perflab load` (connect latency)".into(),
            ),
        ],
        EngineKind::Remote { host } => vec![
            note(format!(
                "\"host-wide\" means {host}: nf_conntrack_max, `dmesg` and perf are its kernel's, shared by every lab on that engine (the engine keeps one ledger of them, so the last lab's `perflab down` puts the original back)"
            )),
            note("the first run of each lab copies this perflab (about 100 MB) to the engine: on a slow link it takes a while, once".into()),
            note("your progress, the journal of what this lab changed and the reports stay on this machine, in the state directory".into()),
        ],
    }
}
