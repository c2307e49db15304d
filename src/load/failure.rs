//! Why a request got no answer it counts as good: the load's failure classes,
//! and the failing HTTP statuses the course counts with them. A failure is
//! named on disk by its key (`connect_timeout`, `errno_113`, `http_502`), which
//! is also its order, so that every table lists the classes as the JSON does.
use std::cmp::Ordering;
use std::fmt;
use std::io;
use std::str::FromStr;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Failure {
    ConnectTimeout,
    Refused,
    AddrNotAvail,
    Reset,
    /// Aborted at the request timeout, its connection closed (nginx logs 499).
    RequestTimeout,
    /// The server closed the connection before the response was complete.
    ClosedEarly,
    BadResponse,
    /// Anything else, by errno (0 when the error carried none).
    Other(i32),
    /// A response with a status that is not 2xx: the load counts it as a
    /// response, the course's figures as a failure.
    Status(u16),
}

/// The classes a load thread counts in fixed slots.
pub(super) const FIXED: [Failure; 7] = [
    Failure::ConnectTimeout,
    Failure::Refused,
    Failure::AddrNotAvail,
    Failure::Reset,
    Failure::RequestTimeout,
    Failure::ClosedEarly,
    Failure::BadResponse,
];

impl Failure {
    /// The error as the kernel reported it, by errno.
    pub fn from_io(err: &io::Error) -> Failure {
        match err.raw_os_error() {
            Some(libc::ECONNREFUSED) => Failure::Refused,
            Some(libc::EADDRNOTAVAIL) => Failure::AddrNotAvail,
            // EPIPE is what a write sees once the peer has reset the connection.
            Some(libc::ECONNRESET) | Some(libc::EPIPE) => Failure::Reset,
            Some(libc::ETIMEDOUT) => Failure::ConnectTimeout,
            Some(n) => Failure::Other(n),
            None if err.kind() == io::ErrorKind::UnexpectedEof => Failure::ClosedEarly,
            None => Failure::Other(0),
        }
    }

    pub(super) fn slot(self) -> Option<usize> {
        FIXED.iter().position(|&f| f == self)
    }
}

/// The key in a report's `errors` map.
impl fmt::Display for Failure {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Failure::ConnectTimeout => f.write_str("connect_timeout"),
            Failure::Refused => f.write_str("refused"),
            Failure::AddrNotAvail => f.write_str("eaddrnotavail"),
            Failure::Reset => f.write_str("reset"),
            Failure::RequestTimeout => f.write_str("request_timeout"),
            Failure::ClosedEarly => f.write_str("closed_early"),
            Failure::BadResponse => f.write_str("bad_response"),
            Failure::Other(0) => f.write_str("other"),
            Failure::Other(n) => write!(f, "errno_{n}"),
            Failure::Status(code) => write!(f, "http_{code}"),
        }
    }
}

/// A key that names no failure.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0:?} is not a failure class: connect_timeout, refused, eaddrnotavail, reset, request_timeout, closed_early, bad_response, other, errno_N or http_N")]
pub struct UnknownFailure(String);

impl FromStr for Failure {
    type Err = UnknownFailure;
    fn from_str(key: &str) -> Result<Failure, UnknownFailure> {
        Ok(match key {
            "connect_timeout" => Failure::ConnectTimeout,
            "refused" => Failure::Refused,
            "eaddrnotavail" => Failure::AddrNotAvail,
            "reset" => Failure::Reset,
            "request_timeout" => Failure::RequestTimeout,
            "closed_early" => Failure::ClosedEarly,
            "bad_response" => Failure::BadResponse,
            "other" => Failure::Other(0),
            _ => {
                let errno = key.strip_prefix("errno_").and_then(|n| n.parse().ok());
                let status = key.strip_prefix("http_").and_then(|c| c.parse().ok());
                match (errno, status) {
                    (Some(n), _) if n != 0 => Failure::Other(n),
                    (_, Some(code)) => Failure::Status(code),
                    _ => return Err(UnknownFailure(key.to_string())),
                }
            }
        })
    }
}

impl Ord for Failure {
    fn cmp(&self, other: &Self) -> Ordering {
        self.to_string().cmp(&other.to_string())
    }
}

impl PartialOrd for Failure {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl Serialize for Failure {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for Failure {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Failure, D::Error> {
        String::deserialize(d)?
            .parse()
            .map_err(serde::de::Error::custom)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::BTreeMap;

    #[test]
    fn keys_read_back_and_order_as_the_json_does() {
        let all = [
            Failure::ConnectTimeout,
            Failure::Refused,
            Failure::AddrNotAvail,
            Failure::Reset,
            Failure::RequestTimeout,
            Failure::ClosedEarly,
            Failure::BadResponse,
            Failure::Other(0),
            Failure::Other(113),
            Failure::Other(99),
            Failure::Status(502),
            Failure::Status(404),
        ];
        for f in all {
            assert_eq!(f.to_string().parse(), Ok(f));
        }
        let map: BTreeMap<Failure, u64> = all.iter().map(|f| (*f, 1)).collect();
        let json = serde_json::to_string(&map).unwrap();
        let keys: BTreeMap<String, u64> = serde_json::from_str(&json).unwrap();
        let by_key: Vec<String> = keys.into_keys().collect();
        let by_failure: Vec<String> = map.keys().map(Failure::to_string).collect();
        assert_eq!(by_failure, by_key, "the same order as the keys");
        assert_eq!(
            serde_json::from_str::<BTreeMap<Failure, u64>>(&json).unwrap(),
            map
        );
        assert!(json.contains(r#""http_502":1"#) && json.contains(r#""errno_113":1"#));
        assert!("errno_0".parse::<Failure>().is_err());
        assert!("http_5xx".parse::<Failure>().is_err());
    }
}
