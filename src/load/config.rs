//! What one run does. [`LoadConfig::new`] applies the target guard and the run's
//! [`Shape`]; callers may change the public fields, and
//! [`run_load`](super::run_load) validates them all again.
use std::net::{Ipv4Addr, SocketAddr};
use std::time::Duration;

use super::options;
use super::target::{check_target, parse_url};
use super::LoadError;

/// How hard and how long: the part of a run a course keeps the same from stage
/// to stage (the lab layer holds the standard one).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Shape {
    pub connections: usize,
    pub duration: Duration,
    /// Per request and per connect.
    pub timeout: Duration,
    pub keepalive: bool,
}

#[derive(Debug, Clone)]
pub struct LoadConfig {
    pub url: String,
    pub addr: SocketAddr,
    pub connections: usize,
    pub duration: Duration,
    /// Per request: at this point the request is aborted and its connection closed.
    pub timeout: Duration,
    pub connect_timeout: Duration,
    /// false: `Connection: close` and a new connection for every request.
    pub keepalive: bool,
    /// OS threads, each with its own single-threaded runtime; default: one a core.
    pub threads: usize,
    /// Open loop: requests start at this many a second whatever the server does,
    /// on up to `connections` opened as needed. None: closed loop, each connection
    /// sends its next request when the last is answered.
    pub rate: Option<u32>,
    /// The Host header and the request target.
    pub host_header: String,
    pub path: String,
    /// Kept so that run_load can re-check `addr` after callers changed it.
    allowed_subnets: Vec<(Ipv4Addr, u8)>,
}

impl LoadConfig {
    /// Parses the URL and applies the guard (loopback or one of `allowed_subnets`),
    /// with the given shape. Opens no socket and looks no name up.
    pub fn new(
        url: &str,
        allowed_subnets: &[(Ipv4Addr, u8)],
        shape: &Shape,
    ) -> Result<LoadConfig, LoadError> {
        let target = parse_url(url)?;
        check_target(target.addr.ip(), allowed_subnets)?;
        Ok(LoadConfig {
            url: url.to_string(),
            addr: target.addr,
            connections: shape.connections,
            duration: shape.duration,
            timeout: shape.timeout,
            connect_timeout: shape.timeout,
            keepalive: shape.keepalive,
            threads: default_threads(),
            rate: None,
            host_header: target.authority,
            path: target.path,
            allowed_subnets: allowed_subnets.to_vec(),
        })
    }

    /// Every option in range and the address still allowed.
    pub fn validate(&self) -> Result<(), LoadError> {
        check_target(self.addr.ip(), &self.allowed_subnets)?;
        options::check_connections(self.connections)?;
        options::check_duration("duration", self.duration, &options::DURATION)?;
        options::check_duration("timeout", self.timeout, &options::TIMEOUT)?;
        options::check_duration("connect timeout", self.connect_timeout, &options::TIMEOUT)?;
        if let Some(rate) = self.rate {
            options::check_rate(rate)?;
        }
        if self.threads == 0 || self.threads > 1024 {
            return Err(LoadError::Threads {
                threads: self.threads,
            });
        }
        if !self.path.starts_with('/') || self.host_header.is_empty() {
            return Err(LoadError::Request {
                path: self.path.clone(),
                host: self.host_header.clone(),
            });
        }
        Ok(())
    }

    /// The request, built once for the whole run.
    pub fn request_bytes(&self) -> Vec<u8> {
        let connection = if self.keepalive {
            "keep-alive"
        } else {
            "close"
        };
        format!(
            "GET {} HTTP/1.1\r\nHost: {}\r\nUser-Agent: perflab/{}\r\nAccept: */*\r\nConnection: {connection}\r\n\r\n",
            self.path,
            self.host_header,
            env!("CARGO_PKG_VERSION")
        )
        .into_bytes()
    }
}

fn default_threads() -> usize {
    std::thread::available_parallelism().map_or(1, |n| n.get())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The lab's standard load (`lab::STANDARD`, which this layer cannot see).
    const SHAPE: Shape = Shape {
        connections: 1000,
        duration: Duration::from_secs(10),
        timeout: Duration::from_secs(2),
        keepalive: true,
    };

    #[test]
    fn defaults_are_the_labs_load() {
        let c = LoadConfig::new("http://127.0.0.1:8080/x", &[], &SHAPE).unwrap();
        assert_eq!((c.connections, c.keepalive), (1000, true));
        assert_eq!(
            (c.duration, c.timeout, c.connect_timeout),
            (
                Duration::from_secs(10),
                Duration::from_secs(2),
                Duration::from_secs(2)
            )
        );
        assert!(c.validate().is_ok());
        let req = String::from_utf8(c.request_bytes()).unwrap();
        assert!(
            req.starts_with("GET /x HTTP/1.1\r\nHost: 127.0.0.1:8080\r\n"),
            "{req}"
        );
        assert!(req.ends_with("Connection: keep-alive\r\n\r\n"));
    }

    #[test]
    fn validate_catches_changed_fields() {
        let mut c = LoadConfig::new("http://127.0.0.1/", &[], &SHAPE).unwrap();
        c.connections = 0;
        assert!(c
            .validate()
            .unwrap_err()
            .to_string()
            .contains("0 connections"));
        c.connections = 10;
        c.timeout = Duration::from_millis(1);
        assert!(c
            .validate()
            .unwrap_err()
            .to_string()
            .contains("timeout 1ms"));
        c.timeout = Duration::from_secs(1);
        c.rate = Some(0);
        assert!(c
            .validate()
            .unwrap_err()
            .to_string()
            .contains("rate 0 requests/s"));
        c.rate = Some(1);
        assert!(c.validate().is_ok());
        c.addr = "8.8.8.8:80".parse().unwrap();
        assert!(c
            .validate()
            .unwrap_err()
            .to_string()
            .contains("refusing to load 8.8.8.8"));
    }

    #[test]
    fn close_mode_says_so() {
        let mut c = LoadConfig::new("http://127.0.0.1/", &[], &SHAPE).unwrap();
        c.keepalive = false;
        assert!(String::from_utf8(c.request_bytes())
            .unwrap()
            .contains("Connection: close\r\n"));
    }
}
