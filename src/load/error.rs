//! Errors at the load generator's seam. A refused target names the address and what
//! is accepted; nothing has been sent when one of these is returned.
use std::net::IpAddr;

#[derive(Debug, thiserror::Error)]
pub enum LoadError {
    #[error("cannot use url `{url}`: {reason}")]
    BadUrl { url: String, reason: String },
    #[error("refusing to load {addr}: {reason}; perflab only sends load to loopback (127.0.0.0/8, ::1) or the lab network{}", allowed_text(.allowed))]
    Refused {
        addr: IpAddr,
        reason: String,
        allowed: Vec<String>,
    },
    #[error("refusing host name `{host}`: perflab does not look names up; give a literal IP address (the lab's is in `perflab status`) or `localhost`")]
    HostName { host: String },
    #[error("invalid load option: {0}")]
    Option(#[from] super::options::OptionError),
    #[error("invalid load option: {threads} threads is out of range; accepted: 1 to 1024")]
    Threads { threads: usize },
    #[error("invalid load option: request target `{path}` for host `{host}` must start with `/` and name a host")]
    Request { path: String, host: String },
    #[error("{connections} connections need about {needed} open files but the limit is {limit}; raise it with `ulimit -n {needed}` or use fewer --connections")]
    FileLimit {
        connections: usize,
        needed: u64,
        limit: u64,
    },
    #[error("starting the load threads: {0}")]
    Runtime(String),
}

fn allowed_text(allowed: &[String]) -> String {
    if allowed.is_empty() {
        String::new()
    } else {
        format!(" ({})", allowed.join(", "))
    }
}
