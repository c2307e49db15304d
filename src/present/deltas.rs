//! The server's evidence over a run, in a few aligned lines. The names are the
//! probe's field names, which the tutor's reveal matches by prefix: only the
//! words after a name are translated.
use crate::lessons::{phrases, Lang};
use crate::probe::Deltas;
use crate::ui::table::pad;

phrases! {
    TIME_WAIT_SIDES = "tcp.time_wait (nginx side / :9000)", "tcp.time_wait（nginx 侧 / :9000）";
}

/// The deltas of a run: every counter that moved, and the gauges as they were
/// at the end; of those, the ones `shows` lets through (by name).
pub fn deltas(d: &Deltas, lang: Lang, shows: impl Fn(&str) -> bool) -> String {
    let mut moved: Vec<(String, String)> = Vec::new();
    let mut counter = |name: &str, v: u64| {
        if v > 0 {
            moved.push((name.to_string(), format!("+{v}")));
        }
    };
    counter("conntrack.drops", d.conntrack.drops);
    counter("conntrack.insert_failed", d.conntrack.insert_failed);
    counter("tcp.listen_overflows", d.tcp.listen_overflows);
    counter("tcp.listen_drops", d.tcp.listen_drops);
    counter("tcp.syn_retrans", d.tcp.syn_retrans);
    counter("tcp.active_opens", d.tcp.active_opens);
    for (code, n) in &d.nginx.status_counts {
        counter(&format!("nginx.status_counts[{code}]"), *n);
    }
    counter("nginx.eaddrnotavail", d.nginx.eaddrnotavail);
    counter(
        "phpfpm.max_children_warnings",
        d.phpfpm.max_children_warnings,
    );
    if let Some(n) = d.kernel.conntrack_full_lines {
        counter("kernel.conntrack_full_lines", n);
    }
    moved.push((
        "conntrack.count / max".into(),
        format!("{} / {}", d.conntrack.count, d.conntrack.max),
    ));
    moved.push((
        TIME_WAIT_SIDES.get(lang).into(),
        format!(
            "{} ({} / {})",
            d.tcp.time_wait, d.tcp.time_wait_ephemeral, d.tcp.time_wait_9000
        ),
    ));
    moved.retain(|(k, _)| shows(k));
    let width = moved
        .iter()
        .map(|(k, _)| console::measure_text_width(k))
        .max()
        .unwrap_or(0);
    moved
        .iter()
        .map(|(k, v)| format!("  {}  {v}", pad(k, width, false)))
        .collect::<Vec<_>>()
        .join("\n")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_names_keep_their_prefix_in_each_language() {
        let mut d = Deltas::default();
        d.conntrack.drops = 860;
        d.tcp.time_wait = 31_000;
        for lang in [Lang::En, Lang::Zh] {
            let text = deltas(&d, lang, |_| true);
            assert!(
                text.contains("conntrack.drops") && text.contains("+860"),
                "{text}"
            );
            let tw = text
                .lines()
                .find(|l| l.contains("31000"))
                .unwrap_or_default();
            assert!(tw.trim_start().starts_with("tcp.time_wait"), "{text}");
        }
        let en = deltas(&d, Lang::En, |name| name.starts_with("tcp.time_wait"));
        assert_eq!(en, "  tcp.time_wait (nginx side / :9000)  31000 (0 / 0)");
    }
}
