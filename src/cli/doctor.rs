//! `perflab doctor`: every prerequisite, each failure with the command that fixes it.
use std::process::ExitCode;
use std::time::Duration;

use console::style;

use super::Ctx;
use crate::engine::{self, conntrack, Engine, ToolboxMode};
use crate::ui;

#[derive(Debug, clap::Args)]
pub struct Args {}

struct Check {
    name: &'static str,
    result: Result<String, String>,
}

pub async fn run(_args: Args, ctx: &Ctx) -> anyhow::Result<ExitCode> {
    let mut checks = vec![linux(), state_dir(&ctx.settings)];
    let lab = match ctx.lab().await {
        Ok(lab) => {
            checks.push(engine_version(&lab).await);
            Some(lab)
        }
        Err(e) => {
            checks.push(Check {
                name: "Docker Engine",
                result: Err(e.to_string()),
            });
            None
        }
    };
    checks.push(conntrack_check());
    if let Some(lab) = &lab {
        checks.push(base_image(lab).await);
        checks.push(host_helper(lab).await);
        checks.push(perf(lab).await);
    }
    let mut failed = 0;
    for c in &checks {
        match &c.result {
            Ok(detail) => ui::out(&format!("{} {:<22} {detail}", style("✓").green(), c.name)),
            Err(fix) => {
                failed += 1;
                ui::out(&format!("{} {:<22} {fix}", style("✗").red(), c.name));
            }
        }
    }
    if failed > 0 {
        ui::out(&format!("\n{failed} of {} checks failed", checks.len()));
        return Ok(ExitCode::FAILURE);
    }
    ui::out(&format!(
        "\nall {} checks passed: `perflab up` is ready",
        checks.len()
    ));
    Ok(ExitCode::SUCCESS)
}

fn linux() -> Check {
    let result = if cfg!(target_os = "linux") {
        std::fs::read_to_string("/proc/sys/kernel/osrelease")
            .map(|r| format!("kernel {}", r.trim()))
            .map_err(|e| format!("cannot read the kernel release: {e}"))
    } else {
        Err("perflab needs a Linux host: its lessons are about the Linux kernel the containers share".into())
    };
    Check {
        name: "Linux",
        result,
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
        .map(|d| d.display().to_string())
        .map_err(|e| format!("{e}; set PERFLAB_STATE_DIR to a writable directory"));
    Check {
        name: "state directory",
        result,
    }
}

async fn engine_version(lab: &Engine) -> Check {
    let result = match lab.versions().await {
        Ok((v, api)) => {
            let desktop = lab
                .docker()
                .info()
                .await
                .ok()
                .and_then(|i| i.operating_system)
                .is_some_and(|os| os.contains("Docker Desktop"));
            if desktop {
                Err(format!(
                    "Docker Desktop {v} runs containers in its own VM: the lessons are about the host's Linux kernel; use Docker Engine on a Linux host"
                ))
            } else {
                Ok(format!("Docker Engine {v}, API {api}"))
            }
        }
        Err(e) => Err(e.to_string()),
    };
    Check {
        name: "Docker Engine",
        result,
    }
}

fn conntrack_check() -> Check {
    let result = match conntrack::read_host_value("/proc/sys/net/netfilter/nf_conntrack_max") {
        Ok(max) if max > conntrack::MAX_FILL => Err(format!(
            "nf_conntrack_max is {max}: stages 0 and 1 fill the server's table to it, which would pin over 1 GB; start at `--stage 2`"
        )),
        Ok(max) => Ok(format!("nf_conntrack_max {max}")),
        Err(_) => Err("the nf_conntrack module is not loaded: `sudo modprobe nf_conntrack`".into()),
    };
    Check {
        name: "conntrack",
        result,
    }
}

async fn base_image(lab: &Engine) -> Check {
    let image = engine::BASE_IMAGE;
    let result = match lab.image_exists(image).await {
        Ok(true) => Ok(format!("{image} present")),
        Ok(false) => Err(format!(
            "{image} is missing: `docker pull {image}`, or without a registry `sudo bash scripts/engine.sh` (debootstrap + import)"
        )),
        Err(e) => Err(e.to_string()),
    };
    Check {
        name: "base image",
        result,
    }
}

async fn host_helper(lab: &Engine) -> Check {
    let result = match lab
        .toolbox(ToolboxMode::HostNet, &["sysctl", "-n", "net.netfilter.nf_conntrack_max"], Duration::from_secs(60))
        .await
    {
        Ok(out) if out.success() => Ok("host network + NET_ADMIN helper runs".into()),
        Ok(out) => Err(format!(
            "the host helper could not read nf_conntrack_max ({}); the Docker Engine must allow NET_ADMIN",
            out.stderr.trim()
        )),
        Err(e) => Err(format!("{e}; the Docker Engine must allow host-network containers with NET_ADMIN")),
    };
    Check {
        name: "host helper",
        result,
    }
}

async fn perf(lab: &Engine) -> Check {
    let result = match crate::flame::perf_available(lab).await {
        Ok(()) => Ok("perf record -a works in the host helper".to_string()),
        Err(crate::flame::FlameError::PerfUnavailable { reason, facts }) => {
            Err(crate::flame::advice::unavailable(&reason, &facts))
        }
        Err(e) => Err(e.to_string()),
    };
    Check {
        name: "perf",
        result,
    }
}
