//! What the router decides for a typed line, and why it refuses one.
use crate::engine::Side;

/// Where and how one typed line runs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Route {
    /// `sh -c COMMAND` in one of the server's containers (the prompt's default:
    /// nginx, which owns the network namespace and sees both services' files).
    Server { side: Side, command: String },
    /// `sh -c COMMAND` in the host helper: a kernel-log read, or a line that is
    /// exactly a host evidence's command (the lessons are trusted).
    Host(String),
    /// `docker logs`: the container's output through the engine.
    Logs {
        side: Side,
        tail: Option<u64>,
        timestamps: bool,
    },
    /// `perf record -g`: `seconds` of perf in the host helper under the standard load.
    PerfRecord { seconds: u32 },
    /// `perf report`: the kept report, through `pipe` (run in the server) if given.
    PerfReport { pipe: Option<String> },
    /// Not run, and why, as the tool would say it.
    Refused(Refused),
}

/// A line the router will not run, with what is accepted instead.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Refused {
    #[error("dmesg {option}: that would clear or change the host's kernel log; perflab only reads it (run `dmesg` or `dmesg | tail`)")]
    KernelLogChange { option: String },
    #[error(
        "dmesg {option}: that follows the log and never ends; run `dmesg | tail` again instead"
    )]
    KernelLogFollow { option: String },
    #[error("docker {sub}: at the lab prompt perflab runs `docker logs` and `docker exec` for the lab's containers (nginx, phpfpm); run other docker commands in a terminal of your own")]
    DockerCommand { sub: String },
    #[error("docker {sub}: name one of the lab's containers: nginx or phpfpm (or {lab}-nginx, {lab}-phpfpm)")]
    NoContainer { sub: String, lab: String },
    #[error("docker {sub}: no container {name:?} in this lab; accepted: nginx, phpfpm, {lab}-nginx, {lab}-phpfpm")]
    UnknownContainer {
        sub: String,
        name: String,
        lab: String,
    },
    #[error("docker logs: option {option:?} is not accepted here; accepted: --tail N (or -n N), -t (--timestamps)")]
    LogsOption { option: String },
    #[error(
        "docker logs: --tail takes a whole number of lines (0 or more) or `all`, not {value:?}"
    )]
    Tail { value: String },
    #[error("docker logs: nothing may follow it here (no pipe); run `docker logs nginx --tail 20` alone, or read the whole logs in the server: /var/log/nginx/access.log, /var/log/nginx/error.log, /var/log/php8.2-fpm.log")]
    LogsExtra,
    #[error("docker exec: option {option:?} is not accepted here; accepted: -i, -t, -it")]
    ExecOption { option: String },
    #[error("docker exec: give the command to run after the container, e.g. `docker exec nginx cat /etc/nginx/nginx.conf`")]
    ExecNoCommand,
    #[error("{shell}: the lab prompt runs one command at a time and has no terminal for an interactive shell; run `perflab shell` in another terminal for one")]
    Interactive { shell: String },
    #[error("{line}: at the lab prompt perflab runs `perf record -g` (also -a, and `-- sleep N` for N seconds, 1 to 60) and then `perf report` (also --stdio, `| head`, `| grep ...`); `perflab flame` draws the flame graph")]
    Perf { line: String },
}

/// The words of `line` with the byte offset each starts at.
pub fn words(line: &str) -> Vec<(usize, &str)> {
    let mut out = Vec::new();
    let mut start = None;
    for (i, c) in line.char_indices() {
        match (c.is_whitespace(), start) {
            (true, Some(s)) => {
                out.push((s, &line[s..i]));
                start = None;
            }
            (false, None) => start = Some(i),
            _ => {}
        }
    }
    if let Some(s) = start {
        out.push((s, &line[s..]));
    }
    out
}
