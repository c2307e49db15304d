//! How the evidence moved between two snapshots: counters subtract, gauges give
//! the later value. Serialized with the snapshot's own field names, so the tutor
//! reads `tcp.listen_overflows` the same way in both.
use std::collections::BTreeMap;

use super::snapshot::{Conntrack, Kernel, LogMark, Nginx, PhpFpm, Snapshot, Tcp};

/// The growth between two snapshots, in a snapshot's shape (without its log
/// cursors, which belong to a moment).
pub type Deltas = Snapshot;

/// A counter's growth. A counter that went down was reset (a new namespace, a
/// new log file), so everything it holds now is growth.
fn grew(before: u64, after: u64) -> u64 {
    if after >= before {
        after - before
    } else {
        after
    }
}

/// Whether a log was replaced between the snapshots (known only for snapshots
/// collected by this process: cursors are not serialized).
fn replaced(before: &LogMark, after: &LogMark) -> bool {
    matches!((before.cursor, after.cursor), (Some(b), Some(a)) if a.inode != b.inode)
}

fn grew_log(before: u64, after: u64, replaced: bool) -> u64 {
    if replaced {
        after
    } else {
        grew(before, after)
    }
}

/// Per-key growth of a log's counts; keys that did not grow are left out.
fn grew_map(
    before: &BTreeMap<String, u64>,
    after: &BTreeMap<String, u64>,
    replaced: bool,
) -> BTreeMap<String, u64> {
    after
        .iter()
        .map(|(k, &n)| {
            (
                k.clone(),
                grew_log(before.get(k).copied().unwrap_or(0), n, replaced),
            )
        })
        .filter(|(_, d)| *d > 0)
        .collect()
}

pub fn deltas(before: &Snapshot, after: &Snapshot) -> Deltas {
    let access_new = replaced(&before.cursors.access, &after.cursors.access);
    let phpfpm_new = replaced(&before.cursors.phpfpm, &after.cursors.phpfpm);
    let status_counts = grew_map(
        &before.nginx.status_counts,
        &after.nginx.status_counts,
        access_new,
    );
    let kernel = match (
        before.kernel.conntrack_full_lines,
        after.kernel.conntrack_full_lines,
    ) {
        (Some(b), Some(a)) if before.kernel.netns == after.kernel.netns => Kernel {
            conntrack_full_lines: Some(match (&before.kernel.stamps, &after.kernel.stamps) {
                (Some(earlier), Some(later)) => later.written_since(earlier),
                // Without stamps a fall means old lines left the ring, not a reset.
                _ => a.saturating_sub(b),
            }),
            ..after.kernel.clone()
        },
        (Some(_), Some(a)) => Kernel {
            conntrack_full_lines: Some(a),
            ..after.kernel.clone()
        },
        (None, _) => Kernel {
            conntrack_full_lines: None,
            note: before.kernel.note.clone(),
            netns: after.kernel.netns,
            stamps: None,
        },
        (_, None) => Kernel {
            conntrack_full_lines: None,
            ..after.kernel.clone()
        },
    };
    Snapshot {
        conntrack: Conntrack {
            drops: grew(before.conntrack.drops, after.conntrack.drops),
            insert_failed: grew(
                before.conntrack.insert_failed,
                after.conntrack.insert_failed,
            ),
            ..after.conntrack.clone()
        },
        tcp: Tcp {
            listen_overflows: grew(before.tcp.listen_overflows, after.tcp.listen_overflows),
            listen_drops: grew(before.tcp.listen_drops, after.tcp.listen_drops),
            syn_retrans: grew(before.tcp.syn_retrans, after.tcp.syn_retrans),
            active_opens: grew(before.tcp.active_opens, after.tcp.active_opens),
            passive_opens: grew(before.tcp.passive_opens, after.tcp.passive_opens),
            ..after.tcp.clone()
        },
        listen: after.listen.clone(),
        sysctl: after.sysctl.clone(),
        nginx: Nginx {
            status_counts,
            eaddrnotavail: grew_log(
                before.nginx.eaddrnotavail,
                after.nginx.eaddrnotavail,
                replaced(&before.cursors.error, &after.cursors.error),
            ),
            unparsed_lines: grew_log(
                before.nginx.unparsed_lines,
                after.nginx.unparsed_lines,
                access_new,
            ),
        },
        phpfpm: PhpFpm {
            max_children_warnings: grew_log(
                before.phpfpm.max_children_warnings,
                after.phpfpm.max_children_warnings,
                phpfpm_new,
            ),
            by_limit: grew_map(&before.phpfpm.by_limit, &after.phpfpm.by_limit, phpfpm_new),
        },
        kernel,
        cursors: Default::default(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::probe::snapshot::Cursor;

    fn snap(drops: u64, tw: u64, c200: u64, c502: u64, errno99: u64) -> Snapshot {
        let mut s = Snapshot::default();
        s.conntrack.count = 100 + drops;
        s.conntrack.max = 262144;
        s.conntrack.drops = drops;
        s.tcp.time_wait = tw;
        s.tcp.listen_overflows = drops * 2;
        s.nginx.status_counts.insert("200".into(), c200);
        s.nginx.status_counts.insert("502".into(), c502);
        s.nginx.eaddrnotavail = errno99;
        s.sysctl
            .insert("net.core.somaxconn".into(), format!("{}", 10 + drops));
        s
    }

    #[test]
    fn counters_subtract_and_gauges_take_the_later_value() {
        let (a, b) = (snap(5, 900, 10, 3, 3), snap(12, 400, 70, 3, 3));
        let d = deltas(&a, &b);
        assert_eq!(d.conntrack.drops, 7);
        assert_eq!(d.tcp.listen_overflows, 14);
        assert_eq!(d.conntrack.count, 112);
        assert_eq!(d.conntrack.max, 262144);
        assert_eq!(d.tcp.time_wait, 400);
        assert_eq!(d.sysctl["net.core.somaxconn"], "22");
        assert_eq!(d.nginx.status_counts.get("200"), Some(&60));
        assert_eq!(
            d.nginx.status_counts.get("502"),
            None,
            "unchanged codes are left out"
        );
        assert_eq!(d.nginx.eaddrnotavail, 0);
    }

    #[test]
    fn warnings_by_limit_subtract_per_limit() {
        let (mut a, mut b) = (Snapshot::default(), Snapshot::default());
        a.phpfpm.by_limit.insert("5".into(), 3);
        b.phpfpm.by_limit.insert("5".into(), 3);
        b.phpfpm.by_limit.insert("20".into(), 1);
        (
            a.phpfpm.max_children_warnings,
            b.phpfpm.max_children_warnings,
        ) = (3, 4);
        let d = deltas(&a, &b);
        assert_eq!(d.phpfpm.max_children_warnings, 1);
        assert_eq!(d.phpfpm.by_limit.get("5"), None);
        assert_eq!(d.phpfpm.by_limit.get("20"), Some(&1));
    }

    #[test]
    fn a_reset_counter_counts_from_zero() {
        let d = deltas(&snap(50, 0, 500, 10, 9), &snap(4, 0, 20, 1, 2));
        assert_eq!(d.conntrack.drops, 4);
        assert_eq!(d.nginx.status_counts.get("200"), Some(&20));
        assert_eq!(d.nginx.eaddrnotavail, 2);
    }

    #[test]
    fn a_replaced_log_counts_all_its_lines() {
        let (mut a, mut b) = (snap(0, 0, 10, 0, 0), snap(0, 0, 30, 0, 0));
        a.cursors.access.cursor = Some(Cursor {
            inode: 1,
            offset: 800,
        });
        b.cursors.access.cursor = Some(Cursor {
            inode: 2,
            offset: 2400,
        });
        assert_eq!(deltas(&a, &b).nginx.status_counts.get("200"), Some(&30));
    }

    #[test]
    fn the_kernel_field_is_null_unless_both_snapshots_read_it() {
        let (mut a, mut b) = (snap(0, 0, 0, 0, 0), snap(0, 0, 0, 0, 0));
        a.kernel = Kernel {
            conntrack_full_lines: Some(3),
            note: "n".into(),
            netns: Some(7),
            stamps: None,
        };
        b.kernel = Kernel {
            conntrack_full_lines: Some(10),
            note: "n".into(),
            netns: Some(7),
            stamps: None,
        };
        assert_eq!(deltas(&a, &b).kernel.conntrack_full_lines, Some(7));
        // Fewer lines later: old ones left the ring; nothing new was written.
        b.kernel.conntrack_full_lines = Some(2);
        assert_eq!(deltas(&a, &b).kernel.conntrack_full_lines, Some(0));
        // With stamps, the lines written after the first read are counted.
        let line =
            |at: &str| format!("[{at}] nf_conntrack: nf_conntrack: table full in netns 7, x");
        let (l1, l2, l3) = (line("1.0"), line("2.0"), line("3.0"));
        a.kernel.stamps = crate::probe::kernel_log::stamps(&[&l1, &l2], 7);
        b.kernel.stamps = crate::probe::kernel_log::stamps(&[&l2, &l3], 7);
        assert_eq!(deltas(&a, &b).kernel.conntrack_full_lines, Some(1));
        b.kernel.conntrack_full_lines = Some(10);
        b.kernel.conntrack_full_lines = None;
        b.kernel.note = "could not be read".into();
        let d = deltas(&a, &b);
        assert_eq!(d.kernel.conntrack_full_lines, None);
        assert_eq!(d.kernel.note, "could not be read");
    }

    #[test]
    fn serializes_with_the_snapshot_s_field_names() {
        let s = snap(1, 2, 3, 4, 5);
        let d = deltas(&Snapshot::default(), &s);
        let (sv, dv) = (
            serde_json::to_value(&s).unwrap(),
            serde_json::to_value(&d).unwrap(),
        );
        let keys = |v: &serde_json::Value| -> Vec<String> {
            let mut out = Vec::new();
            for (k, inner) in v.as_object().unwrap() {
                match inner.as_object() {
                    Some(o) if k != "sysctl" => out.extend(o.keys().map(|i| format!("{k}.{i}"))),
                    _ => out.push(k.clone()),
                }
            }
            out
        };
        assert_eq!(keys(&sv), keys(&dv));
        assert_eq!(dv["conntrack"]["drops"], 1);
    }
}
