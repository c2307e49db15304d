//! Parsing and range checks of the load options, shared by the CLI (as clap value
//! parsers, so bad input is refused before anything acts) and by
//! [`LoadConfig::validate`](super::LoadConfig::validate) for library callers.
use std::ops::RangeInclusive;
use std::time::Duration;

pub const CONNECTIONS: RangeInclusive<usize> = 1..=100_000;
pub const DURATION: RangeInclusive<Duration> =
    Duration::from_millis(100)..=Duration::from_secs(3600);
pub const TIMEOUT: RangeInclusive<Duration> = Duration::from_millis(10)..=Duration::from_secs(60);
/// Requests a second of an open-loop run (`--rate`).
pub const RATE: RangeInclusive<u32> = 1..=1_000_000;

/// A load option that is not what it must be, naming the value and what is accepted.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum OptionError {
    #[error(
        "`{text}` is not a duration; write a number with an optional unit: 10, 10s, 500ms, 1m"
    )]
    NotADuration { text: String },
    #[error("`{text}` has an unknown unit `{unit}`; use ms, s, m or h (e.g. 500ms, 10s, 1m)")]
    UnknownUnit { text: String, unit: String },
    #[error("`{text}` is too large")]
    TooLarge { text: String },
    #[error("{what} {value} is out of range; accepted: {lo} to {hi}")]
    OutOfRange {
        what: String,
        value: String,
        lo: String,
        hi: String,
    },
    #[error("{n} connections is out of range; accepted: {lo} to {hi}")]
    Connections { n: usize, lo: usize, hi: usize },
    #[error("`{text}` is not a whole number; accepted: {lo} to {hi}")]
    NotAWholeNumber { text: String, lo: usize, hi: usize },
    #[error("rate {rate} requests/s is out of range; accepted: {lo} to {hi}")]
    Rate { rate: u64, lo: u32, hi: u32 },
}

/// Parses `10` (seconds), `10s`, `500ms`, `1m`, `1.5s`.
pub fn parse_duration(text: &str) -> Result<Duration, OptionError> {
    let t = text.trim();
    let split = t
        .find(|c: char| !(c.is_ascii_digit() || c == '.'))
        .unwrap_or(t.len());
    let (number, unit) = t.split_at(split);
    let value: f64 = number.parse().map_err(|_| OptionError::NotADuration {
        text: text.to_string(),
    })?;
    let scale = match unit.trim() {
        "" | "s" => 1.0,
        "ms" => 0.001,
        "m" | "min" => 60.0,
        "h" => 3600.0,
        other => {
            return Err(OptionError::UnknownUnit {
                text: text.to_string(),
                unit: other.to_string(),
            })
        }
    };
    let secs = value * scale;
    if !secs.is_finite() || secs > 1e9 {
        return Err(OptionError::TooLarge {
            text: text.to_string(),
        });
    }
    Ok(Duration::from_secs_f64(secs))
}

/// Shows a duration the way a user would type it.
pub fn show(d: Duration) -> String {
    if !d.as_millis().is_multiple_of(1000) || d.is_zero() {
        format!("{}ms", d.as_millis())
    } else if d.as_secs().is_multiple_of(3600) {
        format!("{}h", d.as_secs() / 3600)
    } else if d.as_secs().is_multiple_of(60) {
        format!("{}m", d.as_secs() / 60)
    } else {
        format!("{}s", d.as_secs())
    }
}

pub fn check_duration(
    what: &str,
    d: Duration,
    range: &RangeInclusive<Duration>,
) -> Result<Duration, OptionError> {
    if range.contains(&d) {
        Ok(d)
    } else {
        Err(OptionError::OutOfRange {
            what: what.to_string(),
            value: show(d),
            lo: show(*range.start()),
            hi: show(*range.end()),
        })
    }
}

pub fn check_connections(n: usize) -> Result<usize, OptionError> {
    if CONNECTIONS.contains(&n) {
        Ok(n)
    } else {
        Err(OptionError::Connections {
            n,
            lo: *CONNECTIONS.start(),
            hi: *CONNECTIONS.end(),
        })
    }
}

/// clap value parser for `--connections`.
pub fn connections_arg(text: &str) -> Result<usize, OptionError> {
    let n: usize = text
        .trim()
        .parse()
        .map_err(|_| OptionError::NotAWholeNumber {
            text: text.to_string(),
            lo: *CONNECTIONS.start(),
            hi: *CONNECTIONS.end(),
        })?;
    check_connections(n)
}

pub fn check_rate(rate: u32) -> Result<u32, OptionError> {
    if RATE.contains(&rate) {
        Ok(rate)
    } else {
        Err(rate_error(u64::from(rate)))
    }
}

fn rate_error(rate: u64) -> OptionError {
    OptionError::Rate {
        rate,
        lo: *RATE.start(),
        hi: *RATE.end(),
    }
}

/// clap value parser for `--rate`: whole requests a second.
pub fn rate_arg(text: &str) -> Result<u32, OptionError> {
    let n: u64 = text
        .trim()
        .parse()
        .map_err(|_| OptionError::NotAWholeNumber {
            text: text.to_string(),
            lo: *RATE.start() as usize,
            hi: *RATE.end() as usize,
        })?;
    u32::try_from(n)
        .map_err(|_| rate_error(n))
        .and_then(check_rate)
}

/// clap value parser for `--duration`.
pub fn duration_arg(text: &str) -> Result<Duration, OptionError> {
    check_duration("duration", parse_duration(text)?, &DURATION)
}

/// clap value parser for `--timeout` and `--connect-timeout`.
pub fn timeout_arg(text: &str) -> Result<Duration, OptionError> {
    check_duration("timeout", parse_duration(text)?, &TIMEOUT)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn durations_in_every_accepted_form() {
        assert_eq!(parse_duration("10"), Ok(Duration::from_secs(10)));
        assert_eq!(parse_duration("10s"), Ok(Duration::from_secs(10)));
        assert_eq!(parse_duration("500ms"), Ok(Duration::from_millis(500)));
        assert_eq!(parse_duration("1m"), Ok(Duration::from_secs(60)));
        assert_eq!(parse_duration("1.5s"), Ok(Duration::from_millis(1500)));
    }

    #[test]
    fn bad_durations_say_why() {
        assert!(parse_duration("ten")
            .unwrap_err()
            .to_string()
            .contains("not a duration"));
        assert!(parse_duration("5 weeks")
            .unwrap_err()
            .to_string()
            .contains("unknown unit"));
        assert!(parse_duration("").is_err());
    }

    #[test]
    fn ranges_name_value_and_bounds() {
        let e = duration_arg("50ms").unwrap_err().to_string();
        assert!(
            e.contains("50ms") && e.contains("100ms") && e.contains("1h"),
            "{e}"
        );
        assert!(duration_arg("2h").is_err());
        assert_eq!(duration_arg("1h"), Ok(Duration::from_secs(3600)));
        let e = timeout_arg("61s").unwrap_err().to_string();
        assert!(e.contains("61s") && e.contains("10ms"), "{e}");
        assert_eq!(timeout_arg("10ms"), Ok(Duration::from_millis(10)));
        let e = connections_arg("0").unwrap_err().to_string();
        assert!(e.contains('0') && e.contains("100000"), "{e}");
        assert!(connections_arg("100001").is_err());
        assert!(connections_arg("-3")
            .unwrap_err()
            .to_string()
            .contains("whole number"));
        assert_eq!(connections_arg("1000"), Ok(1000));
    }

    #[test]
    fn rates_name_value_and_bounds() {
        assert_eq!(rate_arg("1"), Ok(1));
        assert_eq!(rate_arg("1000000"), Ok(1_000_000));
        for (text, needle) in [
            (
                "0",
                "rate 0 requests/s is out of range; accepted: 1 to 1000000",
            ),
            ("1000001", "rate 1000001 requests/s is out of range"),
            ("99999999999", "rate 99999999999 requests/s is out of range"),
            (
                "fast",
                "`fast` is not a whole number; accepted: 1 to 1000000",
            ),
            ("2.5", "`2.5` is not a whole number"),
        ] {
            let e = rate_arg(text).unwrap_err().to_string();
            assert!(e.contains(needle), "{text}: {e}");
        }
    }
}
