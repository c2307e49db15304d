//! Folding `perf script` text into stacks, keeping only the samples of a set of
//! processes (the server's). Our own parser rather than `inferno::collapse`,
//! because the restriction to pids must happen per sample, before folding.
//!
//! The text is a series of samples separated by blank lines: a header line
//! (`comm tid [cpu] time: period event:` by default, `comm pid/tid ...` when the
//! pid field is asked for) followed by its call chain, leaf first, one
//! `ip symbol[+off] [(dso)]` line per frame.
use std::collections::{BTreeMap, HashSet};

use super::error::FoldError;

/// Kernel text lives in the top half of the address space on x86-64 and arm64.
const KERNEL_SPACE: u64 = 0xffff_8000_0000_0000;

/// The server's stacks, folded: `comm;root;...;leaf` → samples.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Folded {
    /// Every sample in the text, of any process.
    pub samples: u64,
    /// The samples of the processes asked for.
    pub server_samples: u64,
    /// Lines that were neither a sample header nor a frame, and frames
    /// without a header; skipped.
    pub malformed_lines: u64,
    /// Kernel frames in the server's samples, and how many had no symbol:
    /// all unresolved means the host hides kernel addresses (kptr_restrict).
    pub kernel_frames: u64,
    pub kernel_unresolved: u64,
    pub stacks: BTreeMap<String, u64>,
}

impl Folded {
    /// The folded lines `stack count` that `inferno::flamegraph` reads.
    pub fn lines(&self) -> Vec<String> {
        self.stacks
            .iter()
            .map(|(s, n)| format!("{s} {n}"))
            .collect()
    }

    /// Whether the kernel frames carry names (false when the host hides them).
    pub fn kernel_symbols(&self) -> bool {
        self.kernel_frames == 0 || self.kernel_unresolved * 10 < self.kernel_frames * 9
    }
}

/// A sample being read: its process and frames, leaf first.
struct Sample {
    comm: String,
    keep: bool,
    frames: Vec<String>,
}

/// Folds `perf script` output, keeping the samples whose pid (or, when perf
/// printed only the thread id, whose tid) is in `pids`.
pub fn fold(perf_script: &str, pids: &HashSet<u32>) -> Result<Folded, FoldError> {
    let mut out = Folded::default();
    let mut current: Option<Sample> = None;
    let mut first_bad: Option<(usize, String)> = None;
    let mut good_lines = 0u64;
    for (no, line) in perf_script.lines().enumerate() {
        if line.trim().is_empty() {
            finish(&mut out, current.take());
            continue;
        }
        if line.starts_with('#') {
            continue;
        }
        let is_frame = line.starts_with([' ', '\t']);
        let parsed = if is_frame {
            match (current.as_mut(), parse_frame(line)) {
                (Some(sample), Some(frame)) => {
                    if sample.keep {
                        out.kernel_frames += u64::from(frame.kernel);
                        out.kernel_unresolved += u64::from(frame.kernel && frame.unresolved);
                        sample.frames.push(frame.name);
                    }
                    true
                }
                _ => false,
            }
        } else {
            finish(&mut out, current.take());
            current = parse_header(line).map(|(comm, pid)| Sample {
                comm,
                keep: pids.contains(&pid),
                frames: Vec::new(),
            });
            current.is_some()
        };
        if parsed {
            good_lines += 1;
        } else {
            out.malformed_lines += 1;
            first_bad.get_or_insert((no + 1, line.chars().take(120).collect()));
        }
    }
    finish(&mut out, current.take());
    if out.samples == 0 {
        return Err(match first_bad {
            Some((line_no, line)) => FoldError::NotPerfScript { line_no, line },
            None => FoldError::NoSamples,
        });
    }
    // A few odd lines are perf's business; mostly odd lines mean this is not its output.
    if out.malformed_lines > good_lines {
        let (line_no, line) = first_bad.unwrap_or_default();
        return Err(FoldError::NotPerfScript { line_no, line });
    }
    Ok(out)
}

fn finish(out: &mut Folded, sample: Option<Sample>) {
    let Some(sample) = sample else { return };
    out.samples += 1;
    if !sample.keep {
        return;
    }
    out.server_samples += 1;
    let mut stack = sample.comm;
    for frame in sample.frames.iter().rev() {
        stack.push(';');
        stack.push_str(frame);
    }
    *out.stacks.entry(stack).or_insert(0) += 1;
}

/// `comm pid/tid ...` or `comm tid ...` → (comm, pid or tid). The comm may hold
/// spaces, so the id is the first all-digit field followed by the end of the
/// line, a `[cpu]`, a `time:` or a number.
fn parse_header(line: &str) -> Option<(String, u32)> {
    let fields: Vec<&str> = line.split_whitespace().collect();
    (1..fields.len()).find_map(|i| {
        let id = parse_id(fields[i])?;
        let next_fits = match fields.get(i + 1) {
            None => true,
            Some(next) => {
                next.starts_with('[')
                    || next.trim_end_matches(':').parse::<f64>().is_ok()
                    || next.chars().all(|c| c.is_ascii_digit())
            }
        };
        next_fits.then(|| (sanitize(&fields[..i].join(" ")), id))
    })
}

/// `1234` or `1234/1237` → 1234.
fn parse_id(field: &str) -> Option<u32> {
    let (pid, tid) = field.split_once('/').unwrap_or((field, "0"));
    let digits = |s: &str| !s.is_empty() && s.chars().all(|c| c.is_ascii_digit());
    if digits(pid) && digits(tid) {
        pid.parse().ok()
    } else {
        None
    }
}

struct Frame {
    name: String,
    kernel: bool,
    unresolved: bool,
}

/// `\tffffffff82007c5c __inet_hash_connect+0x1c ([kernel.kallsyms])` → the name.
fn parse_frame(line: &str) -> Option<Frame> {
    let line = line.trim();
    let (addr, rest) = line.split_once(char::is_whitespace).unwrap_or((line, ""));
    let ip = u64::from_str_radix(addr, 16).ok()?;
    let mut rest = rest.trim();
    let mut dso = "";
    if rest.ends_with(')') {
        if let Some(open) = rest.rfind(" (").or(rest.starts_with('(').then_some(0)) {
            dso = rest[open..]
                .trim()
                .trim_start_matches('(')
                .trim_end_matches(')');
            rest = rest[..open].trim();
        }
    }
    let symbol = strip_offset(rest);
    let kernel = ip >= KERNEL_SPACE || dso.starts_with("[kernel");
    let unresolved = symbol.is_empty() || symbol == "[unknown]";
    let name = match (unresolved, dso.rsplit('/').next()) {
        (false, _) => sanitize(symbol),
        (true, Some(d)) if !d.is_empty() && d != "[unknown]" => {
            format!("[{}]", d.trim_matches(['[', ']']))
        }
        (true, _) => "[unknown]".to_string(),
    };
    Some(Frame {
        name,
        kernel,
        unresolved,
    })
}

/// `tcp_v4_connect+0x1f4` → `tcp_v4_connect`.
fn strip_offset(symbol: &str) -> &str {
    match symbol.rsplit_once("+0x") {
        Some((name, off)) if !off.is_empty() && off.chars().all(|c| c.is_ascii_hexdigit()) => name,
        _ => symbol,
    }
}

/// `;` separates frames in the folded format, so it cannot appear inside one.
fn sanitize(name: &str) -> String {
    name.trim().replace(';', ":")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn headers_of_both_forms_and_comms_with_spaces() {
        let h = parse_header("swapper     0 [000]   606.074344:    1001001 cpu-clock:ppp: ");
        assert_eq!(h, Some(("swapper".into(), 0)));
        assert_eq!(
            parse_header("python3 23924/23925 "),
            Some(("python3".into(), 23924))
        );
        assert_eq!(
            parse_header("php-fpm: pool www 812/812 [001] 1.5: 1 cpu-clock:"),
            Some(("php-fpm: pool www".into(), 812))
        );
        assert_eq!(
            parse_header("kworker/0:1 33 [000] 1.0:"),
            Some(("kworker/0:1".into(), 33))
        );
        assert_eq!(parse_header("no id here at all"), None);
        assert_eq!(parse_header("1234"), None);
    }

    #[test]
    fn frames_lose_offsets_and_keep_dso_names_when_unresolved() {
        let f =
            parse_frame("\tffffffff82007c5c __inet_hash_connect+0x1c ([kernel.kallsyms])").unwrap();
        assert_eq!(
            (f.name.as_str(), f.kernel, f.unresolved),
            ("__inet_hash_connect", true, false)
        );
        let f = parse_frame("\t          10a7c0 __libc_connect").unwrap();
        assert_eq!((f.name.as_str(), f.kernel), ("__libc_connect", false));
        let f = parse_frame("\t7f00aa [unknown] (/usr/lib/x86_64-linux-gnu/libc.so.6)").unwrap();
        assert_eq!(f.name, "[libc.so.6]");
        let f = parse_frame("\tffffffff82007c5c [unknown] ([kernel.kallsyms])").unwrap();
        assert!(f.kernel && f.unresolved);
        assert_eq!(f.name, "[kernel.kallsyms]");
        let f = parse_frame("\t0 [unknown]").unwrap();
        assert_eq!(f.name, "[unknown]");
        assert!(parse_frame("\tnot-an-address foo").is_none());
    }

    #[test]
    fn a_sample_without_frames_folds_to_its_comm() {
        let text = "sleep 7 [001] 1.0: 1 cpu-clock:\n\nsleep 7 [001] 1.1: 1 cpu-clock:\n";
        let f = fold(text, &HashSet::from([7])).unwrap();
        assert_eq!(f.stacks.get("sleep"), Some(&2));
    }
}
