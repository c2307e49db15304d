//! The host journal: every change to a host-wide kernel value is written here
//! (and synced) before it is made, so that `perflab down` can put it back, also
//! after a crash or `kill -9`. A journal that does not parse, or whose format is
//! unknown, is reported and never applied.
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

const FORMAT: u32 = 1;
const FILE: &str = "host-journal.json";

/// The only host values perflab may change, and where they live.
pub const ALLOWED: &[(&str, &str)] = &[(
    "net.netfilter.nf_conntrack_max",
    "/proc/sys/net/netfilter/nf_conntrack_max",
)];

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Entry {
    /// The sysctl name, one of [`ALLOWED`].
    pub key: String,
    /// The value before perflab's first change: what `down` restores.
    pub original: String,
    /// The value perflab set.
    pub applied: String,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Journal {
    format: u32,
    pub entries: Vec<Entry>,
}

#[derive(Debug, thiserror::Error)]
pub enum JournalError {
    #[error("reading the host journal {path}: {source}")]
    Read {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("the host journal {path} is corrupt ({reason}); it was not applied. Check the values it names by hand, then remove the file")]
    Corrupt {
        path: PathBuf,
        #[source]
        reason: Unsound,
    },
    #[error("writing the host journal {path}: {source}; nothing was changed on the host")]
    Write {
        path: PathBuf,
        source: std::io::Error,
    },
}

/// Why a journal on disk is not one perflab may apply.
#[derive(Debug, thiserror::Error)]
pub enum Unsound {
    #[error(transparent)]
    Json(#[from] serde_json::Error),
    #[error("format {0} is not {FORMAT}")]
    Format(u32),
    #[error("it names {key:?}, which perflab never changes")]
    Foreign { key: String },
    #[error("value {value:?} of {key} is not a number")]
    NotANumber { key: String, value: String },
}

impl Journal {
    pub fn path(dir: &Path) -> PathBuf {
        dir.join(FILE)
    }

    /// Loads the journal; a missing file is an empty journal.
    pub fn load(dir: &Path) -> Result<Journal, JournalError> {
        let path = Self::path(dir);
        match crate::files::read_if_there(&path) {
            Ok(Some(text)) => {
                Self::parse(&text).map_err(|reason| JournalError::Corrupt { path, reason })
            }
            Ok(None) => Ok(Journal::empty()),
            Err(source) => Err(JournalError::Read { path, source }),
        }
    }

    pub fn empty() -> Journal {
        Journal {
            format: FORMAT,
            entries: Vec::new(),
        }
    }

    fn parse(text: &str) -> Result<Journal, Unsound> {
        let j: Journal = serde_json::from_str(text)?;
        if j.format != FORMAT {
            return Err(Unsound::Format(j.format));
        }
        for e in &j.entries {
            if !ALLOWED.iter().any(|(k, _)| *k == e.key) {
                return Err(Unsound::Foreign { key: e.key.clone() });
            }
            for v in [&e.original, &e.applied] {
                if v.is_empty()
                    || !v
                        .chars()
                        .all(|c| c.is_ascii_digit() || c == ' ' || c == '\t')
                {
                    return Err(Unsound::NotANumber {
                        key: e.key.clone(),
                        value: v.clone(),
                    });
                }
            }
        }
        Ok(j)
    }

    /// Records a change before it is made: keeps the first original of a key.
    pub fn record(&mut self, key: &str, original: &str, applied: &str) {
        match self.entries.iter_mut().find(|e| e.key == key) {
            Some(e) => e.applied = applied.to_string(),
            None => self.entries.push(Entry {
                key: key.to_string(),
                original: original.to_string(),
                applied: applied.to_string(),
            }),
        }
    }

    pub fn remove(&mut self, key: &str) {
        self.entries.retain(|e| e.key != key);
    }

    /// Writes atomically (temp file, fsync, rename), or removes the file when empty.
    pub fn save(&self, dir: &Path) -> Result<(), JournalError> {
        let path = Self::path(dir);
        let err = |source| JournalError::Write {
            path: path.clone(),
            source,
        };
        if self.entries.is_empty() {
            return match std::fs::remove_file(&path) {
                Err(e) if e.kind() != std::io::ErrorKind::NotFound => Err(err(e)),
                _ => Ok(()),
            };
        }
        let text = serde_json::to_string_pretty(self).expect("a journal serializes");
        crate::files::write_atomic(&path, text.as_bytes()).map_err(err)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trip_and_first_original_kept() {
        let dir = std::env::temp_dir().join(format!("perflab-journal-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        let mut j = Journal::load(&dir).unwrap();
        assert!(j.entries.is_empty());
        j.record("net.netfilter.nf_conntrack_max", "262144", "1048576");
        j.record("net.netfilter.nf_conntrack_max", "1048576", "2097152");
        j.save(&dir).unwrap();
        let back = Journal::load(&dir).unwrap();
        assert_eq!(back.entries.len(), 1);
        assert_eq!(back.entries[0].original, "262144");
        assert_eq!(back.entries[0].applied, "2097152");
        let mut back = back;
        back.remove("net.netfilter.nf_conntrack_max");
        back.save(&dir).unwrap();
        assert!(!Journal::path(&dir).exists());
        std::fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn corrupt_and_foreign_journals_are_refused() {
        assert!(Journal::parse("{not json").is_err());
        assert!(Journal::parse(r#"{"format":2,"entries":[]}"#).is_err());
        let foreign =
            r#"{"format":1,"entries":[{"key":"kernel.panic","original":"0","applied":"1"}]}"#;
        assert!(matches!(
            Journal::parse(foreign),
            Err(Unsound::Foreign { key }) if key == "kernel.panic"
        ));
        let shell = r#"{"format":1,"entries":[{"key":"net.netfilter.nf_conntrack_max","original":"1; rm -rf /","applied":"2"}]}"#;
        assert!(Journal::parse(shell).is_err());
    }
}
