//! The terminal report of a flame recording: the counts, the function's share,
//! the top stacks, and where the SVG is.
use crate::flame::{self, FlameReport};
use crate::lessons::{phrases, Lang};

phrases! {
    SAMPLES = "{server} of {samples} samples were the server's ({secs} s, {event} at {hz} Hz); goodput {rps} 2xx/s under {connections} {mode} connections", "{samples} 个采样中有 {server} 个属于服务器（{secs} 秒，{event}，{hz} Hz）；{connections} 个{mode}连接下，有效吞吐 {rps} 2xx/秒";
    KEEPALIVE = "keep-alive", " keep-alive ";
    ONE_REQUEST = "one-request", "单请求";
    SHARE = "{function}: in {pct} % of the server's samples", "{function}：出现在服务器 {pct}% 的采样中";
    HOTTEST = "hottest stacks of the server (process, then the {n} leaf-most frames):", "服务器最热的调用栈（进程名，然后是最靠近叶子的 {n} 层栈帧）：";
    SVG = "flame graph: {path} (open it in a browser: hover for counts, click to zoom, Ctrl-F to search)", "火焰图：{path}（用浏览器打开：悬停查看计数，点击放大，Ctrl-F 搜索）";
}

/// Widest stack line in the terminal; longer stacks lose root-side frames.
const STACK_WIDTH: usize = 100;

/// The terminal report: the counts, the function's share, the top stacks, the SVG.
pub fn report(r: &FlameReport, lang: Lang) -> String {
    let mode = match r.keepalive {
        true => KEEPALIVE,
        false => ONE_REQUEST,
    };
    let samples = SAMPLES.fill(
        lang,
        &[
            ("server", &r.server_samples.to_string()),
            ("samples", &r.samples.to_string()),
            ("secs", &r.seconds.to_string()),
            ("hz", &flame::FREQUENCY.to_string()),
            ("rps", &format!("{:.0}", r.goodput_rps)),
            ("connections", &r.connections.to_string()),
            ("mode", mode.get(lang)),
            ("event", flame::EVENT),
        ],
    );
    let pct = format!("{:.1}", r.function_share * 100.0);
    let share = SHARE.fill(lang, &[("pct", &pct), ("function", &r.function)]);
    let hottest = HOTTEST.fill(lang, &[("n", &flame::TOP_DEPTH.to_string())]);
    let mut out = vec![samples, String::new(), share, String::new(), hottest];
    for t in &r.top {
        out.push(format!(
            "{:>6.1} %  {}",
            t.share * 100.0,
            display_stack(&t.stack, STACK_WIDTH)
        ));
    }
    out.push(String::new());
    let svg = r.svg.display().to_string();
    out.push(SVG.fill(lang, &[("path", &svg)]));
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

    #[test]
    fn the_report_holds_the_figures_in_each_language() {
        let r = FlameReport {
            samples: 2000,
            server_samples: 1500,
            function: "inet_hash_connect".into(),
            function_share: 0.423,
            svg: "/tmp/flame.svg".into(),
            top: vec![crate::flame::TopStack {
                stack: "nginx;a;b".into(),
                share: 0.25,
                samples: 375,
            }],
            goodput_rps: 812.4,
            seconds: 5,
            connections: 1000,
            keepalive: false,
            kernel_symbols: true,
            warnings: Vec::new(),
            perf_report: None,
        };
        let en = report(&r, Lang::En);
        assert!(
            en.starts_with("1500 of 2000 samples were the server's (5 s,")
                && en.contains("goodput 812 2xx/s under 1000 one-request connections")
                && en.contains("inet_hash_connect: in 42.3 % of the server's samples")
                && en.contains("  25.0 %  nginx: a → b")
                && en.ends_with("flame graph: /tmp/flame.svg (open it in a browser: hover for counts, click to zoom, Ctrl-F to search)"),
            "{en}"
        );
        let zh = report(&r, Lang::Zh);
        assert!(
            zh.contains("有效吞吐 812 2xx/秒")
                && zh.contains("inet_hash_connect：出现在服务器 42.3%"),
            "{zh}"
        );
    }
}
