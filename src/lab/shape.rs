//! The course's standard load: the one definition of it (design.md, Measurement).
//! Every stage is measured under the same shape; every command that measures
//! takes its defaults from [`STANDARD`], and every option can change it.
use std::time::Duration;

pub use crate::load::Shape as LoadShape;

/// 1000 keep-alive connections for 10 s, each request (and connect) aborted after 2 s.
pub const STANDARD: LoadShape = LoadShape {
    connections: 1000,
    duration: Duration::from_secs(10),
    timeout: Duration::from_secs(2),
    keepalive: true,
};

/// [`STANDARD`] as the command-line options' defaults (clap shows and parses them).
pub mod defaults {
    pub const CONNECTIONS: &str = "1000";
    pub const DURATION: &str = "10s";
    pub const TIMEOUT: &str = "2s";
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_option_defaults_are_the_standard_load() {
        use crate::load::options::{connections_arg, duration_arg, timeout_arg};
        assert_eq!(
            connections_arg(defaults::CONNECTIONS).unwrap(),
            STANDARD.connections
        );
        assert_eq!(duration_arg(defaults::DURATION).unwrap(), STANDARD.duration);
        assert_eq!(timeout_arg(defaults::TIMEOUT).unwrap(), STANDARD.timeout);
    }
}
