//! The engine's ledger of host-wide values: one record for every lab on the
//! engine, kept on the engine's side (see `ledger_store`), since "host-wide"
//! means the engine's host and two labs may keep their state in different
//! directories, even on different clients. For each value perflab raised it
//! holds the true original, the value perflab set last, and the labs that
//! raised it and are not removed yet; the last of them to go puts the original
//! back, whichever order they go in. Each lab's own journal (`journal`) still
//! says what that lab changed, for `status` and for a crash of that lab.
use serde::{Deserialize, Serialize};

use super::journal::ALLOWED;

const FORMAT: u32 = 1;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Ledger {
    format: u32,
    pub values: Vec<Raised>,
}

/// One host-wide value perflab raised.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Raised {
    /// The sysctl name, one of the journal's allowed keys.
    pub key: String,
    /// The value before any lab raised it (or before someone else changed it
    /// since): what the last lab's removal puts back.
    pub original: u64,
    /// The value perflab set last, whichever lab set it.
    pub applied: u64,
    /// The labs that raised it and are not removed yet.
    pub labs: Vec<String>,
}

/// What a lab's removal does to a value it may have raised.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Release {
    /// Other labs raised it too and are still there: the value stays.
    Kept { labs: Vec<String>, original: u64 },
    /// This lab was the last: put `original` back if the value is still `applied`.
    Last { original: u64, applied: u64 },
    /// The ledger has no claim of this lab on it.
    NotHeld,
}

impl Default for Ledger {
    fn default() -> Ledger {
        Ledger {
            format: FORMAT,
            values: Vec::new(),
        }
    }
}

impl Ledger {
    /// Parses and checks a ledger: a format perflab knows, only the keys it
    /// may change, and some lab behind every value.
    pub fn parse(text: &str) -> Result<Ledger, String> {
        let l: Ledger = serde_json::from_str(text).map_err(|e| e.to_string())?;
        if l.format != FORMAT {
            return Err(format!("format {} is not {FORMAT}", l.format));
        }
        for v in &l.values {
            if !ALLOWED.iter().any(|(k, _)| *k == v.key) {
                return Err(format!("it names {:?}, which perflab never changes", v.key));
            }
            if v.labs.is_empty() {
                return Err(format!("no lab holds {}", v.key));
            }
        }
        Ok(l)
    }

    pub fn to_text(&self) -> String {
        serde_json::to_string_pretty(self).expect("a ledger serializes")
    }

    pub fn is_empty(&self) -> bool {
        self.values.is_empty()
    }

    pub fn get(&self, key: &str) -> Option<&Raised> {
        self.values.iter().find(|v| v.key == key)
    }

    /// Records that `lab` raises `key`, now `current`, to `value`. The first
    /// raise keeps `current` as the original; a value someone else changed
    /// since perflab set it is the new original (perflab never undoes their change).
    pub fn raise(&mut self, key: &str, lab: &str, current: u64, value: u64) {
        match self.values.iter_mut().find(|v| v.key == key) {
            Some(v) => {
                if current != v.applied {
                    v.original = current;
                }
                v.applied = value;
                if !v.labs.iter().any(|l| l == lab) {
                    v.labs.push(lab.to_string());
                }
            }
            None => self.values.push(Raised {
                key: key.to_string(),
                original: current,
                applied: value,
                labs: vec![lab.to_string()],
            }),
        }
    }

    /// Removes `lab`'s claim on `key`; the last claim removes the value's record.
    pub fn release(&mut self, key: &str, lab: &str) -> Release {
        let Some(i) = self.values.iter().position(|v| v.key == key) else {
            return Release::NotHeld;
        };
        let v = &mut self.values[i];
        let before = v.labs.len();
        v.labs.retain(|l| l != lab);
        if v.labs.len() == before {
            return Release::NotHeld;
        }
        if !v.labs.is_empty() {
            return Release::Kept {
                labs: v.labs.clone(),
                original: v.original,
            };
        }
        let v = self.values.remove(i);
        Release::Last {
            original: v.original,
            applied: v.applied,
        }
    }

    /// The keys `lab` holds a claim on.
    pub fn held_by(&self, lab: &str) -> Vec<String> {
        self.values
            .iter()
            .filter(|v| v.labs.iter().any(|l| l == lab))
            .map(|v| v.key.clone())
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const KEY: &str = "net.netfilter.nf_conntrack_max";

    /// scenario.md's two labs: a raises 262144 to 1048576, b to 2097152.
    fn two_labs() -> Ledger {
        let mut l = Ledger::default();
        l.raise(KEY, "a", 262_144, 1_048_576);
        l.raise(KEY, "b", 1_048_576, 2_097_152);
        l
    }

    #[test]
    fn the_last_lab_to_go_puts_the_true_original_back_in_either_order() {
        for order in [["a", "b"], ["b", "a"]] {
            let mut l = two_labs();
            assert_eq!(
                l.release(KEY, order[0]),
                Release::Kept {
                    labs: vec![order[1].to_string()],
                    original: 262_144
                },
                "{order:?}"
            );
            assert_eq!(
                l.release(KEY, order[1]),
                Release::Last {
                    original: 262_144,
                    applied: 2_097_152
                },
                "{order:?}"
            );
            assert!(l.is_empty());
            assert_eq!(l.release(KEY, order[1]), Release::NotHeld);
        }
    }

    #[test]
    fn a_lab_raising_again_holds_one_claim() {
        let mut l = Ledger::default();
        l.raise(KEY, "a", 262_144, 300_000);
        l.raise(KEY, "a", 300_000, 400_000);
        assert_eq!(l.get(KEY).unwrap().labs, ["a"]);
        assert_eq!(l.held_by("a"), [KEY]);
        assert!(l.held_by("b").is_empty());
        assert_eq!(
            l.release(KEY, "a"),
            Release::Last {
                original: 262_144,
                applied: 400_000
            }
        );
    }

    #[test]
    fn a_change_made_by_someone_else_becomes_the_original() {
        let mut l = Ledger::default();
        l.raise(KEY, "a", 262_144, 1_048_576);
        // An administrator set 1500000 by hand; then b raised it further.
        l.raise(KEY, "b", 1_500_000, 2_097_152);
        l.release(KEY, "a");
        assert_eq!(
            l.release(KEY, "b"),
            Release::Last {
                original: 1_500_000,
                applied: 2_097_152
            }
        );
    }

    #[test]
    fn round_trip_and_bad_ledgers_are_refused() {
        let l = two_labs();
        assert_eq!(Ledger::parse(&l.to_text()).unwrap(), l);
        assert!(Ledger::parse("{not json").is_err());
        assert!(Ledger::parse(r#"{"format":2,"values":[]}"#).is_err());
        let foreign = r#"{"format":1,"values":[{"key":"kernel.panic","original":0,"applied":1,"labs":["a"]}]}"#;
        assert!(Ledger::parse(foreign).unwrap_err().contains("kernel.panic"));
        let orphan = format!(
            r#"{{"format":1,"values":[{{"key":"{KEY}","original":1,"applied":2,"labs":[]}}]}}"#
        );
        assert!(Ledger::parse(&orphan).unwrap_err().contains("no lab"));
        let text = r#"{"format":1,"values":[{"key":"net.netfilter.nf_conntrack_max","original":"1; reboot","applied":2,"labs":["a"]}]}"#;
        assert!(Ledger::parse(text).is_err());
    }
}
