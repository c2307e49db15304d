//! `docker logs` and `docker exec` of the lab's two containers, as the seed
//! types them (`docker logs nginx --tail 3`, `docker exec nginx cat ... | grep
//! backlog`), under the seed's names or the lab's real ones.
use crate::engine::Side;

use super::kernel::{classify, KernelLog};
use super::route::{words, Refused, Route};

/// Shells that would wait for a terminal the lab prompt does not have.
const SHELLS: &[&str] = &["bash", "sh", "dash", "ash", "zsh"];

/// The route of a line whose first word is `docker`; `lab` is the lab's name.
pub fn route(line: &str, lab: &str) -> Route {
    let all = words(line);
    let refuse = Route::Refused;
    match all.get(1).map(|(_, w)| *w) {
        Some("logs") => logs(&all[2..], lab).unwrap_or_else(refuse),
        Some("exec") => exec(line, &all[2..], lab).unwrap_or_else(refuse),
        sub => refuse(Refused::DockerCommand {
            sub: sub.unwrap_or("").to_string(),
        }),
    }
}

/// The side a container name stands for: the seed's `nginx`/`phpfpm`, or the
/// lab's `<lab>-nginx`/`<lab>-phpfpm`.
pub fn side_of(name: &str, lab: &str) -> Option<Side> {
    match name {
        "nginx" => Some(Side::Nginx),
        "phpfpm" => Some(Side::PhpFpm),
        _ => match name.strip_prefix(lab).and_then(|r| r.strip_prefix('-')) {
            Some("nginx") => Some(Side::Nginx),
            Some("phpfpm") => Some(Side::PhpFpm),
            _ => None,
        },
    }
}

fn container(sub: &str, name: &str, lab: &str) -> Result<Side, Refused> {
    side_of(name, lab).ok_or_else(|| Refused::UnknownContainer {
        sub: sub.to_string(),
        name: name.to_string(),
        lab: lab.to_string(),
    })
}

/// `docker logs [--tail N | -n N | --tail=N] [-t | --timestamps] CONTAINER`,
/// options before or after the container.
fn logs(rest: &[(usize, &str)], lab: &str) -> Result<Route, Refused> {
    let mut side = None;
    let mut tail = None;
    let mut timestamps = false;
    let mut i = 0;
    while i < rest.len() {
        let w = rest[i].1;
        i += 1;
        let value = match w {
            "--tail" | "-n" => {
                let v = rest.get(i).map(|(_, v)| *v).unwrap_or("");
                i += 1;
                Some(v)
            }
            _ => w.strip_prefix("--tail=").or_else(|| w.strip_prefix("-n=")),
        };
        if let Some(v) = value {
            tail = match v {
                "all" => None,
                n => Some(n.parse::<u64>().map_err(|_| Refused::Tail {
                    value: n.to_string(),
                })?),
            };
            continue;
        }
        match w {
            "-t" | "--timestamps" => timestamps = true,
            "|" => return Err(Refused::LogsExtra),
            w if w.starts_with('-') => {
                return Err(Refused::LogsOption {
                    option: w.to_string(),
                })
            }
            name if side.is_none() => side = Some(container("logs", name, lab)?),
            _ => return Err(Refused::LogsExtra),
        }
    }
    match side {
        Some(side) => Ok(Route::Logs {
            side,
            tail,
            timestamps,
        }),
        None => Err(Refused::NoContainer {
            sub: "logs".into(),
            lab: lab.to_string(),
        }),
    }
}

/// `docker exec [-i] [-t] CONTAINER COMMAND...`: the rest of the line, pipes
/// and all, runs in that container.
fn exec(line: &str, rest: &[(usize, &str)], lab: &str) -> Result<Route, Refused> {
    let mut i = 0;
    while let Some((_, w)) = rest.get(i) {
        match *w {
            "-i" | "-t" | "-it" | "-ti" | "--interactive" | "--tty" => i += 1,
            w if w.starts_with('-') => {
                return Err(Refused::ExecOption {
                    option: w.to_string(),
                })
            }
            _ => break,
        }
    }
    let Some((_, name)) = rest.get(i) else {
        return Err(Refused::NoContainer {
            sub: "exec".into(),
            lab: lab.to_string(),
        });
    };
    let side = container("exec", name, lab)?;
    let Some((start, _)) = rest.get(i + 1) else {
        return Err(Refused::ExecNoCommand);
    };
    let command = line[*start..].trim().to_string();
    let argv: Vec<&str> = command.split_whitespace().collect();
    let shell_alone = argv.len() <= 2
        && SHELLS.contains(&argv[0])
        && argv
            .get(1)
            .is_none_or(|o| ["-l", "-i", "-il", "-li"].contains(o));
    if shell_alone {
        return Err(Refused::Interactive { shell: command });
    }
    Ok(match classify(&command) {
        // The kernel log is the host's, from whichever container it is asked.
        KernelLog::Read => Route::Host(command),
        KernelLog::Refused(why) => Route::Refused(why),
        KernelLog::No => Route::Server { side, command },
    })
}
