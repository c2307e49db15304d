//! What the terminal shows of a folded profile: the share of the server's samples
//! whose stack passes through a function, and the hottest stacks by their
//! leaf-most frames (the roots — syscall entry, libc, main loops — say little).
use serde::Serialize;

use super::fold::Folded;

/// Frames kept of each stack in [`top`]: enough to see
/// connect → tcp_v4_connect → __inet_hash_connect → __inet_check_established.
pub const TOP_DEPTH: usize = 6;

/// One line of the top list.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct TopStack {
    /// `comm;…;frame;...;leaf`: the process name, then the leaf-most frames,
    /// with `…` where root-side frames were left out.
    pub stack: String,
    /// Of the server's samples, 0.0 to 1.0.
    pub share: f64,
    pub samples: u64,
}

/// The share (0.0 to 1.0) of the server's samples whose stack has a frame
/// containing `function`, so `inet_hash_connect` counts `__inet_hash_connect`.
/// Zero when there are no samples.
pub fn function_share(folded: &Folded, function: &str) -> f64 {
    if folded.server_samples == 0 {
        return 0.0;
    }
    let hits: u64 = folded
        .stacks
        .iter()
        .filter(|(stack, _)| frames(stack).any(|f| f.contains(function)))
        .map(|(_, n)| n)
        .sum();
    hits as f64 / folded.server_samples as f64
}

/// The `n` hottest stacks of the server, each cut to its process and `depth`
/// leaf-most frames; stacks that agree on those are counted together.
pub fn top(folded: &Folded, n: usize, depth: usize) -> Vec<TopStack> {
    let mut grouped: std::collections::BTreeMap<String, u64> = Default::default();
    for (stack, count) in &folded.stacks {
        *grouped.entry(shorten(stack, depth)).or_insert(0) += count;
    }
    let mut list: Vec<(String, u64)> = grouped.into_iter().collect();
    // Most samples first; ties by name so the order is stable between runs.
    list.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
    let total = folded.server_samples.max(1) as f64;
    list.into_iter()
        .take(n)
        .map(|(stack, samples)| TopStack {
            stack,
            share: samples as f64 / total,
            samples,
        })
        .collect()
}

/// `comm;a;b;c;d` cut to 2 frames → `comm;…;c;d`.
pub fn shorten(stack: &str, depth: usize) -> String {
    let (comm, rest) = stack.split_once(';').unwrap_or((stack, ""));
    let frames: Vec<&str> = if rest.is_empty() {
        Vec::new()
    } else {
        rest.split(';').collect()
    };
    if frames.len() <= depth {
        return stack.to_string();
    }
    let mut out = format!("{comm};…");
    for f in &frames[frames.len() - depth..] {
        out.push(';');
        out.push_str(f);
    }
    out
}

/// The frames of a folded stack, without the process name at its root.
fn frames(stack: &str) -> impl Iterator<Item = &str> {
    stack.split(';').skip(1)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn folded(stacks: &[(&str, u64)]) -> Folded {
        Folded {
            samples: stacks.iter().map(|s| s.1).sum::<u64>() + 5,
            server_samples: stacks.iter().map(|s| s.1).sum(),
            stacks: stacks.iter().map(|(s, n)| (s.to_string(), *n)).collect(),
            ..Default::default()
        }
    }

    #[test]
    fn share_matches_a_substring_of_a_frame_but_not_the_process_name() {
        let f = folded(&[
            ("nginx;connect;tcp_v4_connect;__inet_hash_connect", 3),
            ("nginx;epoll_wait", 1),
            ("inet_hash_connect;read", 4),
        ]);
        assert_eq!(function_share(&f, "inet_hash_connect"), 3.0 / 8.0);
        assert_eq!(function_share(&f, "epoll"), 1.0 / 8.0);
        assert_eq!(function_share(&f, "nothing"), 0.0);
        assert_eq!(function_share(&Folded::default(), "x"), 0.0);
    }

    #[test]
    fn shorten_keeps_the_leaf_most_frames() {
        assert_eq!(shorten("nginx;a;b;c;d", 2), "nginx;…;c;d");
        assert_eq!(shorten("nginx;a;b", 2), "nginx;a;b");
        assert_eq!(shorten("nginx", 2), "nginx");
    }

    #[test]
    fn top_groups_by_leaf_frames_and_orders_by_samples_then_name() {
        let f = folded(&[
            ("nginx;x;a;b", 2),
            ("nginx;y;a;b", 3),
            ("php;z", 5),
            ("nginx;q", 1),
        ]);
        let t = top(&f, 2, 2);
        assert_eq!(t.len(), 2);
        assert_eq!((t[0].stack.as_str(), t[0].samples), ("nginx;…;a;b", 5));
        assert_eq!((t[1].stack.as_str(), t[1].samples), ("php;z", 5));
        assert_eq!(t[0].share, 5.0 / 11.0);
    }
}
