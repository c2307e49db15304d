//! What the lab layer read in the server (the script's output) and on the host
//! (the kernel log), put together as the text [`parse_snapshot`] reads.
use super::assemble::parse_snapshot;
use super::error::ProbeError;
use super::script::DMESG;
use super::sections::{marker_line, FAILED};
use super::snapshot::Snapshot;

/// The kernel log as the host helper gave it, or why it could not.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum KernelLogRead {
    Read(String),
    Failed(String),
}

/// The snapshot of the script's output plus, when it was read, the kernel log.
pub fn assemble(
    script_output: String,
    kernel_log: Option<KernelLogRead>,
) -> Result<Snapshot, ProbeError> {
    let mut raw = script_output;
    if let Some(log) = kernel_log {
        raw.push_str(&format!("\n{}\n", marker_line(DMESG)));
        match log {
            KernelLogRead::Read(text) => raw.push_str(&text),
            KernelLogRead::Failed(why) => {
                raw.push_str(&format!("{}\n{FAILED}\n", why.replace('\n', " ")))
            }
        }
    }
    parse_snapshot(&raw)
}

/// The last line of a command's error output, for a one-line reason.
pub fn last_line(text: &str) -> String {
    text.trim()
        .lines()
        .last()
        .unwrap_or("no message")
        .trim()
        .to_string()
}
