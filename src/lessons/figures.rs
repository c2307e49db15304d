//! The measured table (`bench/results/course-repeat.json`, written by
//! `bash bench/course-repeat.sh N`) and the placeholders through which lessons
//! quote it: `{{1.before.goodput.median}}`, `{{1.gain}}`, `{{runs}}`; and the
//! other measured tables a lesson may quote by name (`{{pool:keepalive_8.p99_ms}}`),
//! each a bench script's result whose `figures` object maps a key to a number.
//!
//! No lesson writes a measured figure as a number; it names the figure, and
//! the course shows the table's value. A figure the table does not hold (null,
//! or a stage it lacks) is shown as "–" and `perflab dev check` reports it.
use std::fmt;
use std::path::{Path, PathBuf};

use serde::Deserialize;

use super::source::Files;

/// The table's path in the repository.
pub const FILE: &str = "bench/results/course-repeat.json";

/// The command that writes the table.
pub const REGENERATE: &str = "bash bench/course-repeat.sh 5";

/// The table's format this build reads.
pub const FORMAT: u32 = 1;

/// What a figure the table does not hold is shown as.
pub const MISSING: &str = "–";

static EMBEDDED: &str = include_str!("../../bench/results/course-repeat.json");

/// The other measured tables, by the name a placeholder gives them: their file,
/// the command that writes it, and its text.
pub const QUOTED: &[(&str, &str, &str, &str)] = &[
    (
        "conntrack",
        "bench/results/conntrack.json",
        "bash bench/conntrack.sh",
        include_str!("../../bench/results/conntrack.json"),
    ),
    (
        "pool",
        "bench/results/pool.json",
        "bash bench/pool.sh 5",
        include_str!("../../bench/results/pool.json"),
    ),
    (
        "storm_rate",
        "bench/results/storm-rate.json",
        "bash bench/storm-rate.sh 5",
        include_str!("../../bench/results/storm-rate.json"),
    ),
];

/// One quoted table: its `figures`, key to value.
#[derive(Debug, Clone, Default, Deserialize)]
struct Quoted {
    #[serde(default)]
    figures: std::collections::BTreeMap<String, Option<f64>>,
}

/// The measured table: per stage and side, the median, min and max of every run.
/// Keys beyond these are ignored, so that the bench script may add some; a
/// missing optional key is none.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct Figures {
    pub format: u32,
    pub command: Option<String>,
    /// How many runs each figure summarises.
    pub runs: Option<u32>,
    pub date: Option<String>,
    pub machine: Option<String>,
    /// Not measured yet: the placeholders are in place, the figures are not.
    #[serde(default)]
    pub provisional: bool,
    #[serde(default)]
    pub stages: Vec<StageFigures>,
    /// The quoted tables ([`QUOTED`]) by name; not part of this file.
    #[serde(skip)]
    quoted: std::collections::BTreeMap<&'static str, Result<Quoted, String>>,
}

#[derive(Debug, Clone, Default, Deserialize)]
pub struct StageFigures {
    pub stage: u8,
    pub name: Option<String>,
    pub symptom_field: Option<String>,
    pub before: Option<Side>,
    /// None for a stage without a fix (stage 0).
    pub after: Option<Side>,
    #[serde(default)]
    pub verdicts: Vec<Option<String>>,
}

/// The figures of one side (before or after the fix) of a stage.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct Side {
    pub goodput: Option<Stat>,
    pub p99_ms: Option<Stat>,
    /// The growth of the stage's symptom counter over one run.
    pub symptom: Option<Stat>,
    /// Percent of the server's samples through the stage's flame function.
    pub flame_share: Option<Stat>,
    /// Requests the client abandoned at its timeout, one run.
    pub request_timeouts: Option<Stat>,
    /// Percent of the requests that got no 2xx.
    pub error_pct: Option<Stat>,
}

impl Side {
    /// The statistics of one figure of this side.
    pub fn metric(&self, m: Metric) -> Option<Stat> {
        match m {
            Metric::Goodput => self.goodput,
            Metric::P99Ms => self.p99_ms,
            Metric::Symptom => self.symptom,
            Metric::FlameShare => self.flame_share,
            Metric::RequestTimeouts => self.request_timeouts,
            Metric::ErrorPct => self.error_pct,
        }
    }
}

#[derive(Debug, Clone, Copy, Default, Deserialize)]
pub struct Stat {
    pub median: Option<f64>,
    pub min: Option<f64>,
    pub max: Option<f64>,
}

#[derive(Debug, thiserror::Error)]
pub enum FiguresError {
    #[error("reading the measured table {path}: {source}; check the path")]
    Read {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error(
        "the measured table {path} is not valid: {reason}; write it again with `{REGENERATE}`"
    )]
    Invalid { path: String, reason: String },
}

/// Why the table does not hold the figure a placeholder names.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum NotInTable {
    #[error("the table has no stage {0}")]
    NoStage(u8),
    #[error("the table's runs is null")]
    NoRuns,
    #[error("stage {stage}'s {side}.goodput.median is null")]
    NoMedian { stage: u8, side: &'static str },
    #[error("the table holds null for {0}")]
    Null(String),
    #[error("stage {stage}'s gain is undefined: its median goodput before is {before}")]
    NoGain { stage: u8, before: f64 },
    #[error("{file} has no figure {key:?} (write it again with `{command}`)")]
    NoQuote {
        file: &'static str,
        key: String,
        command: &'static str,
    },
    #[error("{file} is not valid: {reason} (write it again with `{command}`)")]
    BadQuoted {
        file: &'static str,
        reason: String,
        command: &'static str,
    },
}

impl Figures {
    /// The table built into perflab.
    pub fn embedded() -> Result<Figures, FiguresError> {
        Figures::parse(EMBEDDED, FILE)
    }

    /// A table in a file (`perflab dev check --figures FILE`).
    pub fn read(path: &Path) -> Result<Figures, FiguresError> {
        let text = std::fs::read_to_string(path).map_err(|source| FiguresError::Read {
            path: path.to_path_buf(),
            source,
        })?;
        Figures::parse(&text, &path.display().to_string())
    }

    /// `name` is the table's file, for the error.
    pub fn parse(text: &str, name: &str) -> Result<Figures, FiguresError> {
        let invalid = |reason: String| FiguresError::Invalid {
            path: name.to_string(),
            reason,
        };
        let mut t: Figures = serde_json::from_str(text).map_err(|e| invalid(e.to_string()))?;
        if t.format != FORMAT {
            return Err(invalid(format!(
                "format {} is not {FORMAT}, the one this perflab reads",
                t.format
            )));
        }
        t.quoted = QUOTED
            .iter()
            .map(|(name, _, _, text)| {
                (
                    *name,
                    serde_json::from_str::<Quoted>(text).map_err(|e| e.to_string()),
                )
            })
            .collect();
        Ok(t)
    }

    /// A figure of a quoted table, formatted as the lessons show it.
    fn quoted(&self, table: QuotedTable, key: &str) -> Result<String, NotInTable> {
        let (name, file, command, _) = QUOTED[table.0];
        let quoted = self
            .quoted
            .get(name)
            .ok_or_else(|| NotInTable::BadQuoted {
                file,
                reason: "not loaded".into(),
                command,
            })?
            .as_ref()
            .map_err(|reason| NotInTable::BadQuoted {
                file,
                reason: reason.clone(),
                command,
            })?;
        let v = quoted
            .figures
            .get(key)
            .copied()
            .flatten()
            .ok_or_else(|| NotInTable::NoQuote {
                file,
                key: key.to_string(),
                command,
            })?;
        Ok(match v.abs() >= 10.0 || v.fract() == 0.0 {
            true => format!("{}", v.round() as i64),
            false => format!("{v:.1}"),
        })
    }

    /// The figure a placeholder names, formatted as the lessons show it, or
    /// why the table does not hold it.
    pub fn value(&self, p: &Placeholder) -> Result<String, NotInTable> {
        let stage = |n: u8| {
            self.stages
                .iter()
                .find(|s| s.stage == n)
                .ok_or(NotInTable::NoStage(n))
        };
        match *p {
            Placeholder::Quoted { table, ref key } => self.quoted(table, key),
            Placeholder::Runs => self.runs.map(|r| r.to_string()).ok_or(NotInTable::NoRuns),
            Placeholder::Gain(n) => {
                let s = stage(n)?;
                let median = |side: Option<&Side>, which: &'static str| {
                    side.and_then(|x| x.goodput).and_then(|g| g.median).ok_or(
                        NotInTable::NoMedian {
                            stage: n,
                            side: which,
                        },
                    )
                };
                let before = median(s.before.as_ref(), "before")?;
                let after = median(s.after.as_ref(), "after")?;
                if before <= 0.0 {
                    return Err(NotInTable::NoGain { stage: n, before });
                }
                Ok(format!("{:.1}", after / before))
            }
            Placeholder::Stat {
                stage: n,
                side,
                metric,
                stat,
            } => {
                let s = stage(n)?;
                let v = match side {
                    SideName::Before => s.before.as_ref(),
                    SideName::After => s.after.as_ref(),
                }
                .and_then(|x| x.metric(metric))
                .and_then(|st| match stat {
                    StatName::Median => st.median,
                    StatName::Min => st.min,
                    StatName::Max => st.max,
                })
                .ok_or_else(|| NotInTable::Null(p.to_string()))?;
                Ok(match metric {
                    Metric::FlameShare | Metric::ErrorPct => format!("{v:.1}"),
                    _ => format!("{}", v.round() as i64),
                })
            }
        }
    }

    /// `text` with every well-formed placeholder replaced by its figure ("–"
    /// when the table does not hold it); anything else is left as written.
    pub fn resolve(&self, text: &str) -> String {
        let mut out = String::with_capacity(text.len());
        let mut last = 0;
        for found in scan(text) {
            if let Found::Ok { at, placeholder } = &found {
                out.push_str(&text[last..at.start]);
                out.push_str(&self.value(placeholder).unwrap_or_else(|_| MISSING.into()));
                last = at.end;
            }
        }
        out.push_str(&text[last..]);
        out
    }

    /// Every file of a lessons folder with its placeholders resolved.
    pub fn resolve_files(&self, files: &Files) -> Files {
        files
            .iter()
            .map(|(path, text)| {
                (
                    path.clone(),
                    text.as_ref().map(|t| self.resolve(t)).map_err(Clone::clone),
                )
            })
            .collect()
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SideName {
    Before,
    After,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Metric {
    Goodput,
    P99Ms,
    Symptom,
    FlameShare,
    RequestTimeouts,
    ErrorPct,
}

impl Metric {
    const ALL: [(Metric, &'static str); 6] = [
        (Metric::Goodput, "goodput"),
        (Metric::P99Ms, "p99_ms"),
        (Metric::Symptom, "symptom"),
        (Metric::FlameShare, "flame_share"),
        (Metric::RequestTimeouts, "request_timeouts"),
        (Metric::ErrorPct, "error_pct"),
    ];

    pub fn name(self) -> &'static str {
        Self::ALL
            .iter()
            .find(|(m, _)| *m == self)
            .map(|(_, n)| *n)
            .unwrap_or_default()
    }

    fn parse(name: &str) -> Option<Metric> {
        Self::ALL.iter().find(|(_, n)| *n == name).map(|(m, _)| *m)
    }

    /// The figure of the table that measures a load run's field, if one does.
    pub fn of_load_field(field: &str) -> Option<Metric> {
        match field {
            "load.goodput_rps" => Some(Metric::Goodput),
            "load.latency_p99_ms" => Some(Metric::P99Ms),
            "load.errors.request_timeout" => Some(Metric::RequestTimeouts),
            "load.error_pct" => Some(Metric::ErrorPct),
            _ => None,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StatName {
    Median,
    Min,
    Max,
}

/// A table of [`QUOTED`], by its index.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct QuotedTable(usize);

/// A figure of the measured table, as a lesson names it between `{{` and `}}`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Placeholder {
    /// `{{TABLE:key}}`: a figure of another measured table ([`QUOTED`]).
    Quoted { table: QuotedTable, key: String },
    /// `{{runs}}`
    Runs,
    /// `{{N.gain}}`: median goodput after / median before.
    Gain(u8),
    /// `{{N.side.metric.stat}}`
    Stat {
        stage: u8,
        side: SideName,
        metric: Metric,
        stat: StatName,
    },
}

/// The placeholders lessons may write, for messages; the tables are [`QUOTED`]'s.
pub fn syntax() -> String {
    let names: Vec<&str> = QUOTED.iter().map(|(n, ..)| *n).collect();
    let tables = match names.split_last() {
        Some((last, [])) => last.to_string(),
        Some((last, rest)) => format!("{} or {last}", rest.join(", ")),
        None => String::new(),
    };
    format!("{{{{runs}}}}, {{{{N.gain}}}}, {{{{N.before|after.goodput|p99_ms|symptom|flame_share|request_timeouts|error_pct.median|min|max}}}} with N from 0 to 6, or {{{{TABLE:key}}}} with TABLE {tables}")
}

impl Placeholder {
    /// The text between the braces: `1.before.goodput.median`.
    fn parse(inner: &str) -> Result<Placeholder, String> {
        let inner = inner.trim();
        if inner == "runs" {
            return Ok(Placeholder::Runs);
        }
        if let Some((name, key)) = inner.split_once(':') {
            let table = QUOTED
                .iter()
                .position(|(n, ..)| *n == name)
                .ok_or_else(|| {
                    let names: Vec<&str> = QUOTED.iter().map(|(n, ..)| *n).collect();
                    format!("{name:?} is not a measured table: {}", names.join(", "))
                })?;
            if key.is_empty()
                || !key
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || "._-".contains(c))
            {
                return Err(format!(
                    "{key:?} is not a key: letters, digits, `.`, `_` and `-`"
                ));
            }
            return Ok(Placeholder::Quoted {
                table: QuotedTable(table),
                key: key.to_string(),
            });
        }
        let parts: Vec<&str> = inner.split('.').collect();
        let stage = parts
            .first()
            .and_then(|n| n.parse::<u8>().ok())
            .filter(|n| super::lesson::STAGES.contains(n))
            .ok_or_else(|| format!("{:?} is not a stage from 0 to 6", parts[0]))?;
        match parts[1..] {
            ["gain"] => Ok(Placeholder::Gain(stage)),
            [side, metric, stat] => Ok(Placeholder::Stat {
                stage,
                side: match side {
                    "before" => SideName::Before,
                    "after" => SideName::After,
                    other => return Err(format!("{other:?} is not a side: before or after")),
                },
                metric: Metric::parse(metric).ok_or_else(|| {
                    format!(
                        "{metric:?} is not a metric: {}",
                        Metric::ALL.map(|(_, n)| n).join(", ")
                    )
                })?,
                stat: match stat {
                    "median" => StatName::Median,
                    "min" => StatName::Min,
                    "max" => StatName::Max,
                    other => {
                        return Err(format!("{other:?} is not a statistic: median, min or max"))
                    }
                },
            }),
            _ => Err(format!("{inner:?} has the wrong shape")),
        }
    }
}

impl fmt::Display for Placeholder {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Placeholder::Quoted { table, key } => write!(f, "{{{{{}:{key}}}}}", QUOTED[table.0].0),
            Placeholder::Runs => write!(f, "{{{{runs}}}}"),
            Placeholder::Gain(n) => write!(f, "{{{{{n}.gain}}}}"),
            Placeholder::Stat {
                stage,
                side,
                metric,
                stat,
            } => {
                let side = match side {
                    SideName::Before => "before",
                    SideName::After => "after",
                };
                let metric = metric.name();
                let stat = match stat {
                    StatName::Median => "median",
                    StatName::Min => "min",
                    StatName::Max => "max",
                };
                write!(f, "{{{{{stage}.{side}.{metric}.{stat}}}}}")
            }
        }
    }
}

/// One `{{...}}` in a text: well formed, or not (with the reason).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Found {
    Ok {
        at: std::ops::Range<usize>,
        placeholder: Placeholder,
    },
    Malformed {
        at: std::ops::Range<usize>,
        reason: String,
    },
}

/// Every `{{...}}` in `text`, in order; a `{{` without its `}}` is malformed.
pub fn scan(text: &str) -> Vec<Found> {
    let mut out = Vec::new();
    let mut from = 0;
    while let Some(i) = text[from..].find("{{") {
        let start = from + i;
        let Some(j) = text[start + 2..].find("}}") else {
            out.push(Found::Malformed {
                at: start..text.len(),
                reason: "a {{ without its }}".into(),
            });
            break;
        };
        let end = start + 2 + j + 2;
        let inner = &text[start + 2..end - 2];
        out.push(match inner.contains("{{") {
            true => Found::Malformed {
                at: start..end,
                reason: "a {{ inside another".into(),
            },
            false => match Placeholder::parse(inner) {
                Ok(placeholder) => Found::Ok {
                    at: start..end,
                    placeholder,
                },
                Err(reason) => Found::Malformed {
                    at: start..end,
                    reason,
                },
            },
        });
        from = end;
    }
    out
}

#[cfg(test)]
#[path = "figures_tests.rs"]
mod tests;
