//! The host's kernel log, copied into the server for `dmesg` in `perflab shell`.
//! The server may not read the kernel log itself (no CAP_SYSLOG, on purpose), so
//! perflab reads it through its host helper and writes the copy into the log
//! volume, where the image's `dmesg` (containers/server/dmesg.sh) prints it.
use std::time::Duration;

use crate::engine::{Server, ToolboxMode};

use super::LabError;

/// The copy's name under [`crate::engine::LOG_DIR`]; dmesg.sh reads it.
pub const FILE: &str = "host-dmesg.log";
/// How often `perflab shell` copies it again while it is attached.
pub const REFRESH: Duration = Duration::from_secs(10);
const DMESG_DEADLINE: Duration = Duration::from_secs(30);

/// The copy's text: a status line dmesg.sh reads (`ok`, or `failed: REASON`),
/// then the kernel log.
fn copy_text(read: Result<String, String>) -> String {
    match read {
        Ok(log) => format!("ok\n{log}"),
        Err(reason) => format!("failed: {}\n", reason.replace('\n', " ")),
    }
}

/// Reads the host's kernel log in the host helper and writes the copy into the
/// server. A log that could not be read leaves the reason in the copy (for
/// dmesg.sh to say); only a copy that could not be written is an error.
pub async fn copy_kernel_log(server: &Server) -> Result<(), LabError> {
    let read = server
        .lab()
        .toolbox(ToolboxMode::HostPid, &["dmesg"], DMESG_DEADLINE)
        .await;
    let read = match read {
        Ok(out) if out.success() => Ok(out.stdout),
        Ok(out) => Err(format!(
            "dmesg in the host helper exited with code {}: {}",
            out.code,
            out.stderr.trim()
        )),
        Err(crate::engine::EngineError::Cancelled) => return Err(LabError::Interrupted),
        Err(e) => Err(e.to_string()),
    };
    server
        .put_log_file(FILE, copy_text(read).as_bytes())
        .await?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_copy_starts_with_the_status_dmesg_sh_reads() {
        assert_eq!(copy_text(Ok("[ 1.0] a\n".into())), "ok\n[ 1.0] a\n");
        assert_eq!(
            copy_text(Err("no\nhelper".into())),
            "failed: no helper\n",
            "one line, whatever the reason"
        );
    }
}
