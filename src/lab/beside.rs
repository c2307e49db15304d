//! The load beside the lab: perflab's own generator in a short-lived container
//! on the lab network (`engine::Beside`), for every client, including those
//! with no route to that network (Docker Desktop, colima, OrbStack, a remote
//! engine, perflab in its own image). The container runs `perflab load
//! --beside-lab` with the run's options ([`command_line`], the one place that
//! turns a [`LoadConfig`] into options), and its live ticks and result come back
//! as JSON [`Line`]s over the Docker API. Inside, the target guard allows only
//! the networks the container itself sits on ([`own_subnets`]): the lab's.
use std::net::Ipv4Addr;
use std::time::Duration;

use serde::{Deserialize, Serialize};
use tokio_util::sync::CancellationToken;

use crate::engine::{Bundle, Server};
use crate::load::{LiveTick, LoadConfig, LoadReport};

use super::LabError;

/// Beyond the run's own length (duration + timeout), how long the container
/// may take to start and end before it is killed.
const GRACE: Duration = Duration::from_secs(60);
/// After an interrupt, how long the program may take to hand its partial result back.
const AFTER_INTERRUPT: Duration = Duration::from_secs(15);

/// One line the program beside the lab writes on stdout.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Line {
    /// The load began.
    Started,
    /// About four times a second.
    Tick(LiveTick),
    /// The result, last.
    Report(Box<LoadReport>),
}

/// The options of `perflab load` that run `cfg` beside the lab. Every option of
/// a run is forwarded here, and only here: an option added to the generator
/// is added to this function (and its test in `cli::load`).
pub fn command_line(cfg: &LoadConfig) -> Vec<String> {
    let time = |d: Duration| format!("{}ms", d.as_millis());
    let mut args = vec![
        "load".to_string(),
        "--beside-lab".to_string(),
        "--url".to_string(),
        cfg.url.clone(),
        "--connections".to_string(),
        cfg.connections.to_string(),
        "--duration".to_string(),
        time(cfg.duration),
        "--timeout".to_string(),
        time(cfg.timeout),
        "--connect-timeout".to_string(),
        time(cfg.connect_timeout),
        "--threads".to_string(),
        cfg.threads.to_string(),
    ];
    if !cfg.keepalive {
        args.push("--close".to_string());
    }
    if let Some(rate) = cfg.rate {
        args.extend(["--rate".to_string(), rate.to_string()]);
    }
    args
}

/// The IPv4 networks this machine's own interfaces are on (loopback aside):
/// inside the container beside the lab, the lab network and nothing else.
pub fn own_subnets() -> Vec<(Ipv4Addr, u8)> {
    let mut found = Vec::new();
    let mut head: *mut libc::ifaddrs = std::ptr::null_mut();
    // SAFETY: getifaddrs allocates a list we walk read-only and free once.
    unsafe {
        if libc::getifaddrs(&mut head) != 0 {
            return found;
        }
        let mut cur = head;
        while !cur.is_null() {
            let ifa = &*cur;
            cur = ifa.ifa_next;
            if ifa.ifa_addr.is_null()
                || ifa.ifa_netmask.is_null()
                || i32::from((*ifa.ifa_addr).sa_family) != libc::AF_INET
            {
                continue;
            }
            let addr = &*(ifa.ifa_addr as *const libc::sockaddr_in);
            let mask = &*(ifa.ifa_netmask as *const libc::sockaddr_in);
            let ip = Ipv4Addr::from(u32::from_be(addr.sin_addr.s_addr));
            let prefix = u32::from_be(mask.sin_addr.s_addr).count_ones() as u8;
            if !ip.is_loopback() && prefix > 0 {
                let net = u32::from(ip) & (u32::MAX << (32 - u32::from(prefix)));
                found.push((Ipv4Addr::from(net), prefix));
            }
        }
        libc::freeifaddrs(head);
    }
    found
}

/// Runs `cfg` from a container beside `server` with `program` (perflab's own)
/// in it: `started` is cancelled when the load begins, `each` gets its live
/// ticks; `stop` interrupts it (the partial result comes back, as from a run in
/// this process).
pub async fn run_beside(
    server: &Server,
    program: &std::path::Path,
    cfg: &LoadConfig,
    stop: &CancellationToken,
    started: &CancellationToken,
    mut each: impl FnMut(LiveTick),
) -> Result<LoadReport, LabError> {
    cfg.validate()?;
    let bundle = Bundle::read(program)
        .await
        .map_err(crate::engine::EngineError::from)?;
    let open_files = cfg.connections as u64 + 1024;
    let mut beside = server
        .lab()
        .start_beside(&bundle, &command_line(cfg), open_files)
        .await?;
    let allowed = cfg.duration + cfg.timeout + GRACE;
    let mut deadline = tokio::time::Instant::now() + allowed;
    // The program's Ctrl-C handler is surely there once it says it started:
    // an interrupt that comes earlier waits for that line.
    let (mut running, mut asked, mut signalled) = (false, false, false);
    let mut report = None;
    let mut bad: Option<LabError> = None;
    loop {
        if asked && running && !signalled {
            signalled = true;
            beside.signal("SIGINT").await?;
        }
        tokio::select! {
            line = beside.next_line() => {
                let Some(line) = line else { break };
                match parse(&line?) {
                    Ok(Some(Line::Started)) => {
                        running = true;
                        started.cancel();
                    }
                    Ok(Some(Line::Tick(t))) => each(t),
                    Ok(Some(Line::Report(r))) => report = Some(*r),
                    Ok(None) => {}
                    Err(e) => {
                        bad.get_or_insert(e);
                    }
                }
            }
            _ = stop.cancelled(), if !asked => {
                asked = true;
                deadline = deadline.min(tokio::time::Instant::now() + AFTER_INTERRUPT);
            }
            _ = tokio::time::sleep_until(deadline) => {
                beside.signal("SIGKILL").await?;
                let ended = beside.finish().await?;
                return Err(LabError::BesideStuck {
                    after: allowed,
                    stderr: ended.stderr,
                });
            }
        }
    }
    started.cancel();
    let ended = beside.finish().await?;
    match (report, bad) {
        (Some(r), _) => Ok(r),
        (None, Some(e)) => Err(e),
        (None, None) => Err(LabError::BesideNoResult {
            code: ended.code,
            stderr: ended.stderr,
        }),
    }
}

/// A line of the program's stdout: a [`Line`], or nothing for a blank one.
fn parse(text: &str) -> Result<Option<Line>, LabError> {
    let text = text.trim();
    if text.is_empty() {
        return Ok(None);
    }
    serde_json::from_str(text)
        .map(Some)
        .map_err(|source| LabError::BesideLine {
            line: text.chars().take(200).collect(),
            source,
        })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::load::Shape;

    #[test]
    fn lines_round_trip_and_a_tick_keeps_its_rates() {
        let tick = LiveTick {
            elapsed: Duration::from_millis(1250),
            planned: Duration::from_secs(10),
            target: Some(1000),
            rates: crate::load::Rates {
                ok: 812.5,
                responses: 900.0,
                server_errors: 87.5,
                errors: 3.0,
                late: 12.0,
            },
        };
        let line = Line::Tick(tick);
        let text = serde_json::to_string(&line).unwrap();
        assert!(!text.contains('\n'));
        match parse(&text).unwrap() {
            Some(Line::Tick(t)) => assert_eq!(t, tick),
            other => panic!("{other:?}"),
        }
        assert!(parse("  ").unwrap().is_none());
        let e = parse("Segmentation fault").unwrap_err().to_string();
        assert!(e.contains("Segmentation fault"), "{e}");
    }

    #[test]
    fn the_command_line_carries_every_option() {
        let shape = Shape {
            connections: 250,
            duration: Duration::from_millis(1500),
            timeout: Duration::from_secs(2),
            keepalive: false,
        };
        let mut cfg = LoadConfig::new(
            "http://172.18.0.2/",
            &[(Ipv4Addr::new(172, 18, 0, 0), 16)],
            &shape,
        )
        .unwrap();
        cfg.connect_timeout = Duration::from_millis(700);
        cfg.threads = 3;
        let args = command_line(&cfg);
        assert_eq!(
            args.join(" "),
            "load --beside-lab --url http://172.18.0.2/ --connections 250 --duration 1500ms \
             --timeout 2000ms --connect-timeout 700ms --threads 3 --close"
        );
        cfg.rate = Some(5000);
        assert!(command_line(&cfg)
            .join(" ")
            .ends_with("--close --rate 5000"));
    }

    #[test]
    fn this_machine_s_own_networks_exclude_loopback() {
        for (net, prefix) in own_subnets() {
            assert!(
                !net.is_loopback() && (1..=32).contains(&prefix),
                "{net}/{prefix}"
            );
        }
    }
}
