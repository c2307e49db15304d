//! Kernel-log reads: `dmesg` alone or piped into a few filters, with options
//! that only read. They run in the host helper, which has SYSLOG and the host's
//! process namespace, so anything else is kept away from it.
use super::route::Refused;

/// Filters a kernel-log line may be piped into.
const FILTERS: &[&str] = &["tail", "head", "grep", "egrep", "wc", "sort", "uniq"];

/// Characters that would let a line run more than the filters above:
/// sequencing, substitution, redirection, subshells, escapes.
const SHELL: &[char] = &[';', '&', '$', '`', '>', '<', '(', ')', '\\', '\n', '\r'];

/// Options that clear the log or change the console: never run, anywhere.
const CHANGE_LONG: &[&str] = &["--clear", "--read-clear", "--console-off", "--console-on"];
/// Short option letters of the same (`-c` read-clear, `-C` clear, `-D`/`-E`
/// console off/on, `-n` console level).
const CHANGE_SHORT: &[char] = &['c', 'C', 'D', 'E', 'n'];
/// Options that never end (follow the log).
const FOLLOW: &[&str] = &["-w", "--follow", "-W", "--follow-new"];
/// Long options that only read, without an argument.
const READ_LONG: &[&str] = &[
    "--ctime",
    "--notime",
    "--kernel",
    "--userspace",
    "--decode",
    "--human",
    "--raw",
    "--show-delta",
    "--reltime",
    "--nopager",
    "--force-prefix",
    "--syslog",
    "--color",
];
/// Long options that only read, with an argument (`--level err` or `--level=err`).
const READ_LONG_ARG: &[&str] = &["--level", "--facility", "--time-format", "--color"];
/// Short option letters that only read; `l`, `f` (level, facility) take an argument.
const READ_SHORT: &[char] = &[
    'T', 't', 'k', 'u', 'x', 'H', 'L', 'r', 'd', 'e', 'P', 'p', 'S',
];
const READ_SHORT_ARG: &[char] = &['l', 'f'];

/// What a line is, as far as the kernel log goes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum KernelLog {
    /// Not a kernel-log read the helper may run: it runs in the server.
    No,
    /// A read for the host helper.
    Read,
    /// A dmesg that would change or follow the log: refused everywhere.
    Refused(Refused),
}

/// Whether `line` is a kernel-log read that may run in the host helper.
pub fn is_kernel_log_read(line: &str) -> bool {
    classify(line) == KernelLog::Read
}

pub fn classify(line: &str) -> KernelLog {
    let mut segments = line.split('|').map(str::trim);
    let first: Vec<&str> = segments.next().unwrap_or("").split_whitespace().collect();
    if first.first() != Some(&"dmesg") {
        return KernelLog::No;
    }
    // Refused whatever else the line holds: no dmesg ever clears the log.
    for w in &first[1..] {
        let w = w.trim_matches(['\'', '"']);
        let short = w.strip_prefix('-').filter(|s| !s.starts_with('-'));
        let changes = CHANGE_LONG.contains(&w)
            || w.starts_with("--console-level")
            || short.is_some_and(|s| {
                s.chars()
                    .take_while(|c| !READ_SHORT_ARG.contains(c))
                    .any(|c| CHANGE_SHORT.contains(&c))
            });
        if changes {
            return KernelLog::Refused(Refused::KernelLogChange {
                option: w.to_string(),
            });
        }
        let follows = FOLLOW.contains(&w)
            || short.is_some_and(|s| {
                s.chars()
                    .take_while(|c| !READ_SHORT_ARG.contains(c))
                    .any(|c| c == 'w' || c == 'W')
            });
        if follows {
            return KernelLog::Refused(Refused::KernelLogFollow {
                option: w.to_string(),
            });
        }
    }
    let filters_ok = segments.all(|seg| {
        seg.split_whitespace()
            .next()
            .is_some_and(|cmd| FILTERS.contains(&cmd))
    });
    match !line.contains(SHELL) && filters_ok && options_only_read(&first[1..]) {
        true => KernelLog::Read,
        false => KernelLog::No,
    }
}

/// Every word is an option that only reads (or the argument of one).
fn options_only_read(words: &[&str]) -> bool {
    let mut i = 0;
    while i < words.len() {
        let w = words[i];
        i += 1;
        if let Some(long) = w.strip_prefix("--") {
            let (name, has_value) = match long.split_once('=') {
                Some((name, _)) => (format!("--{name}"), true),
                None => (w.to_string(), false),
            };
            match (READ_LONG_ARG.contains(&name.as_str()), has_value) {
                (true, true) => {}
                (true, false) if READ_LONG.contains(&name.as_str()) => {}
                (true, false) => i += 1,
                (false, _) if !has_value && READ_LONG.contains(&name.as_str()) => {}
                (false, _) => return false,
            }
        } else if let Some(short) = w.strip_prefix('-').filter(|s| !s.is_empty()) {
            for (j, c) in short.char_indices() {
                if READ_SHORT_ARG.contains(&c) {
                    // The rest of the word is the argument, else the next word is.
                    if j + c.len_utf8() == short.len() {
                        i += 1;
                    }
                    break;
                }
                if !READ_SHORT.contains(&c) {
                    return false;
                }
            }
        } else {
            // dmesg takes no operands.
            return false;
        }
    }
    i <= words.len()
}
