//! Errors of the probe: text that is not what the kernel and the services
//! print. Parse errors name the source (the file or command inside the server)
//! and the line, so a surprise can be reproduced by hand with `perflab shell`.
#[derive(Debug, thiserror::Error)]
pub enum ProbeError {
    #[error("the probe script in the server exited with code {code}: {stderr}; check the lab with `perflab status`, or restart it with `perflab down` then `perflab up`")]
    Script { code: i64, stderr: String },
    #[error("the probe's output has no section for {file}; is the server image current? rebuild it with `perflab down` then `perflab up`")]
    Missing { file: String },
    #[error(
        "reading {file} in the server failed: {reason}; see for yourself with `perflab shell`"
    )]
    Source { file: String, reason: String },
    #[error("parsing {file}, line {line}: {reason}; see the text with `perflab shell`")]
    Parse {
        file: String,
        line: usize,
        reason: String,
    },
}

impl ProbeError {
    pub fn parse(file: &str, line: usize, reason: impl Into<String>) -> ProbeError {
        ProbeError::Parse {
            file: file.to_string(),
            line,
            reason: reason.into(),
        }
    }
}
