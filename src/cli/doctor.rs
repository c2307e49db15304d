//! `perflab doctor`: every prerequisite, each failure with the command that
//! fixes it; the kind of engine, the path the load takes, and what will not
//! work on that kind of engine, each with what to do. Everything about the
//! engine's host is asked of the engine (its facts, the host helper), never read
//! from this machine: the client need not be the engine's host.
use std::process::ExitCode;

use console::style;

use super::words as w;
use super::Ctx;
use crate::engine::{self, conntrack, Engine, EngineKind};
use crate::lab::route::{route_to, Route};
use crate::lab::LoadPath;
use crate::lessons::Lang;
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

/// The width of the checks' names, in terminal columns (a Chinese character takes two).
const NAME_WIDTH: usize = 22;

pub async fn run(_args: Args, ctx: &Ctx) -> anyhow::Result<ExitCode> {
    let lang = ctx.lang();
    let mut checks = vec![client(&ctx.settings, lang), state_dir(&ctx.settings, lang)];
    match ctx.lab().await {
        Ok(lab) => engine_checks(&lab, &mut checks, lang).await,
        Err(e) => checks.push(Check::Fail(w::CHECK_ENGINE.get(lang), e.to_string())),
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
        let text = text.replace('\n', &format!("\n  {:<NAME_WIDTH$} ", ""));
        let pad = NAME_WIDTH.saturating_sub(console::measure_text_width(name));
        ui::out(&format!("{mark} {name}{:pad$} {text}", ""));
    }
    let counted = checks
        .iter()
        .filter(|c| !matches!(c, Check::Note(..)))
        .count()
        .to_string();
    if failed > 0 {
        let line = w::CHECKS_FAILED.fill(
            lang,
            &[("failed", &failed.to_string()), ("counted", &counted)],
        );
        ui::out(&format!("\n{line}"));
        return Ok(ExitCode::FAILURE);
    }
    let line = w::CHECKS_PASSED.fill(lang, &[("counted", &counted)]);
    ui::out(&format!("\n{line}"));
    Ok(ExitCode::SUCCESS)
}

async fn engine_checks(lab: &Engine, checks: &mut Vec<Check>, lang: Lang) {
    let engine = w::CHECK_ENGINE.get(lang);
    match lab.versions().await {
        Ok((v, api)) => checks.push(Check::Pass(engine, format!("Docker Engine {v}, API {api}"))),
        Err(e) => {
            checks.push(Check::Fail(engine, e.to_string()));
            return;
        }
    }
    let name = w::CHECK_KIND.get(lang);
    let kind = match (lab.facts().await, lab.kind().await) {
        (Ok(facts), Ok(kind)) => {
            let text = w::KIND_FACTS.fill(
                lang,
                &[
                    ("kind", &describe(&kind, lang)),
                    ("os", &facts.os),
                    ("kernel", &facts.kernel),
                    ("arch", &facts.arch),
                ],
            );
            checks.push(Check::Pass(name, text));
            kind
        }
        (Err(e), _) | (_, Err(e)) => {
            checks.push(Check::Fail(name, e.to_string()));
            return;
        }
    };
    checks.push(load_path(lab, lang).await);
    checks.push(base_image(lab, lang).await);
    checks.push(host_values(lab, &kind, lang).await);
    checks.push(perf(lab, &kind, lang).await);
    checks.extend(notes(&kind, &lab.names().lab, lang));
}

/// The kind of engine in the learner's words.
fn describe(kind: &EngineKind, lang: Lang) -> String {
    match kind {
        EngineKind::Native => w::KIND_NATIVE.get(lang).into(),
        EngineKind::DesktopVm { product } => w::KIND_VM.fill(lang, &[("product", product)]),
        EngineKind::Remote { host } => w::KIND_REMOTE.fill(lang, &[("host", host)]),
    }
}

fn client(settings: &crate::config::Settings, lang: Lang) -> Check {
    let name = w::CHECK_CLIENT.get(lang);
    if !cfg!(target_os = "linux") {
        return Check::Fail(
            name,
            w::NOT_LINUX.fill(lang, &[("os", std::env::consts::OS)]),
        );
    }
    let Some(program) = &settings.program else {
        return Check::Pass(name, w::IN_PROCESS.get(lang).into());
    };
    match engine::Bundle::of(program) {
        Ok(b) => Check::Pass(
            name,
            w::BUNDLE.fill(
                lang,
                &[
                    ("arch", b.arch),
                    (
                        "kernel",
                        &crate::engine::client_kernel().unwrap_or_else(|| "?".into()),
                    ),
                    ("files", &b.files.len().to_string()),
                ],
            ),
        ),
        Err(e) => Check::Fail(name, e.to_string()),
    }
}

fn state_dir(settings: &crate::config::Settings, lang: Lang) -> Check {
    let result = settings
        .ensure_state_dir()
        .and_then(|d| {
            let probe = d.join(".doctor");
            std::fs::write(&probe, b"ok")?;
            std::fs::remove_file(&probe)?;
            Ok(d)
        })
        .map(|d| d.display().to_string());
    let name = w::CHECK_STATE_DIR.get(lang);
    match result {
        Ok(d) => Check::Pass(name, d),
        Err(e) => Check::Fail(
            name,
            w::STATE_DIR_FIX.fill(lang, &[("error", &e.to_string())]),
        ),
    }
}

/// The path the load takes, and whether this machine could drive it itself.
async fn load_path(lab: &Engine, lang: Lang) -> Check {
    let path = match LoadPath::of(lab) {
        LoadPath::Beside => w::PATH_BESIDE,
        LoadPath::Host => w::PATH_HOST,
    };
    let route = match lab.find_server().await {
        Ok(Some(server)) => {
            let ip = server.ip.to_string();
            match route_to(server.ip).await {
                Route::Reaches => w::ROUTE_REACHES.fill(lang, &[("ip", &ip)]),
                Route::None { reason } => {
                    w::ROUTE_NONE.fill(lang, &[("ip", &ip), ("reason", &reason)])
                }
                Route::Silent => w::ROUTE_SILENT.fill(lang, &[("ip", &ip)]),
            }
        }
        Ok(None) => w::ROUTE_NO_LAB.get(lang).into(),
        Err(e) => w::ROUTE_LOOKUP_FAILED.fill(lang, &[("error", &e.to_string())]),
    };
    Check::Pass(
        w::CHECK_LOAD_PATH.get(lang),
        format!("{}\n{route}", path.get(lang)),
    )
}

async fn base_image(lab: &Engine, lang: Lang) -> Check {
    let image = engine::BASE_IMAGE;
    let name = w::CHECK_BASE_IMAGE.get(lang);
    match lab.image_exists(image).await {
        Ok(true) => Check::Pass(name, w::IMAGE_PRESENT.fill(lang, &[("image", image)])),
        Ok(false) => Check::Fail(name, w::IMAGE_MISSING.fill(lang, &[("image", image)])),
        Err(e) => Check::Fail(name, e.to_string()),
    }
}

/// The host-wide conntrack limit, read in the host helper on the engine's host.
async fn host_values(lab: &Engine, kind: &EngineKind, lang: Lang) -> Check {
    let whose = match kind {
        EngineKind::Native => w::WHOSE_NATIVE.get(lang).to_string(),
        EngineKind::DesktopVm { product } => w::WHOSE_VM.fill(lang, &[("product", product)]),
        EngineKind::Remote { host } => w::WHOSE_REMOTE.fill(lang, &[("host", host)]),
    };
    let name = w::CHECK_HOST_HELPER.get(lang);
    match lab.host_value("net.netfilter.nf_conntrack_max").await {
        Ok(max) if max > conntrack::MAX_FILL => Check::Fail(
            name,
            w::CONNTRACK_TOO_BIG.fill(lang, &[("whose", &whose), ("max", &max.to_string())]),
        ),
        Ok(max) => Check::Pass(
            name,
            w::CONNTRACK_READ.fill(lang, &[("whose", &whose), ("max", &max.to_string())]),
        ),
        Err(e @ crate::engine::EngineError::HostValue(_)) => Check::Fail(
            name,
            w::NEEDS_MODPROBE.fill(lang, &[("error", &e.to_string())]),
        ),
        Err(e) => Check::Fail(
            name,
            w::NEEDS_NET_ADMIN.fill(lang, &[("error", &e.to_string())]),
        ),
    }
}

async fn perf(lab: &Engine, kind: &EngineKind, lang: Lang) -> Check {
    let name = w::CHECK_PERF.get(lang);
    match crate::flame::perf_available(lab).await {
        Ok(()) => Check::Pass(name, w::PERF_WORKS.get(lang).to_string()),
        Err(crate::flame::FlameError::PerfUnavailable { reason, facts }) => {
            let mut text = crate::flame::advice::unavailable(&reason, &facts);
            if let EngineKind::DesktopVm { product } = kind {
                text.push('\n');
                text.push_str(&w::PERF_IN_VM.fill(lang, &[("product", product)]));
            }
            Check::Fail(name, text)
        }
        Err(e) => Check::Fail(name, e.to_string()),
    }
}

/// What works differently on this kind of engine, each with what to do.
fn notes(kind: &EngineKind, lab: &str, lang: Lang) -> Vec<Check> {
    let note = |text: String| Check::Note(w::CHECK_NOTE.get(lang), text);
    let say = |p: crate::lessons::Phrase| note(p.get(lang).to_string());
    match kind {
        EngineKind::Native => vec![say(w::NOTE_NATIVE)],
        EngineKind::DesktopVm { product } => vec![
            note(w::NOTE_VM_HOST.fill(lang, &[("product", product)])),
            note(w::NOTE_VM_ADDRESS.fill(lang, &[("lab", lab)])),
            say(w::NOTE_VM_PERF),
        ],
        EngineKind::Remote { host } => vec![
            note(w::NOTE_REMOTE_HOST.fill(lang, &[("host", host)])),
            say(w::NOTE_REMOTE_COPY),
            say(w::NOTE_REMOTE_STATE),
        ],
    }
}
