//! The terminal report of a flame recording: the counts, the function's share,
//! the top stacks, and where the SVG is.
use crate::flame::{self, FlameReport};

/// Widest stack line in the terminal; longer stacks lose root-side frames.
const STACK_WIDTH: usize = 100;

/// The terminal report: the counts, the function's share, the top stacks, the SVG.
pub fn report(r: &FlameReport) -> String {
    let mut out = vec![
        format!(
            "{} of {} samples were the server's ({} s, {} at {} Hz); goodput {:.0} 2xx/s under {} {} connections",
            r.server_samples,
            r.samples,
            r.seconds,
            flame::EVENT,
            flame::FREQUENCY,
            r.goodput_rps,
            r.connections,
            if r.keepalive { "keep-alive" } else { "one-request" }
        ),
        String::new(),
        format!(
            "{}: in {:.1} % of the server's samples",
            r.function,
            r.function_share * 100.0
        ),
        String::new(),
        format!(
            "hottest stacks of the server (process, then the {} leaf-most frames):",
            flame::TOP_DEPTH
        ),
    ];
    for t in &r.top {
        out.push(format!(
            "{:>6.1} %  {}",
            t.share * 100.0,
            display_stack(&t.stack, STACK_WIDTH)
        ));
    }
    out.push(String::new());
    out.push(format!(
        "flame graph: {} (open it in a browser: hover for counts, click to zoom, Ctrl-F to search)",
        r.svg.display()
    ));
    out.join("\n")
}

/// `nginx;…;a;b;c` → `nginx: … a → b → c`, dropping root-side frames until it
/// fits in `width` characters (the leaf is where the time is spent).
fn display_stack(stack: &str, width: usize) -> String {
    let mut parts = stack.split(';');
    let comm = parts.next().unwrap_or("");
    let mut frames: Vec<&str> = parts.collect();
    let mut cut = frames.first() == Some(&"…");
    if cut {
        frames.remove(0);
    }
    if frames.is_empty() {
        return comm.to_string();
    }
    loop {
        let line = format!(
            "{comm}: {}{}",
            if cut { "… " } else { "" },
            frames.join(" → ")
        );
        if line.chars().count() <= width || frames.len() <= 1 {
            return line;
        }
        frames.remove(0);
        cut = true;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stacks_lose_root_side_frames_to_fit() {
        assert_eq!(display_stack("nginx;a;b", 100), "nginx: a → b");
        assert_eq!(display_stack("nginx;…;a;b", 100), "nginx: … a → b");
        assert_eq!(
            display_stack("nginx;aaaa;bbbb;cccc", 20),
            "nginx: … bbbb → cccc"
        );
        assert_eq!(
            display_stack("nginx;a_very_long_leaf_frame", 5),
            "nginx: a_very_long_leaf_frame"
        );
        assert_eq!(display_stack("swapper", 50), "swapper");
    }
}
