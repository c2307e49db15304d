//! Stage 1 taken as a learner would, in a real terminal (tmux) on the real lab:
//! the brief under a neutral title, the load observed, commands typed at the
//! lab prompt (one decisive piece of evidence does not end the investigation;
//! the learner types `next` after two independent ones), a wrong and a right
//! diagnosis picked with the arrow keys, a refused value, the typed fix
//! applied, the check passing, the before/after table, then the debrief and
//! the solved title. Nothing before the diagnosis names conntrack.
//! Needs Docker and tmux, and FAILS (never skips) without them.
use std::process::Command;
use std::time::{Duration, Instant};

use crate::harness::{LabFixture, Ran};

/// A tmux server of this test's own (its own socket), one 120x40 pane.
struct Pane {
    socket: String,
}

impl Pane {
    fn start(command: &str) -> Pane {
        let pane = Pane {
            socket: format!("perflab-test-{}", std::process::id()),
        };
        pane.tmux(&[
            "-f",
            "/dev/null",
            "new-session",
            "-d",
            "-x",
            "120",
            "-y",
            "40",
            command,
        ]);
        pane
    }

    fn tmux(&self, args: &[&str]) -> String {
        let out = Ran::from(
            Command::new("tmux")
                .arg("-L")
                .arg(&self.socket)
                .args(args)
                .output()
                .expect("running tmux: is it installed?"),
        );
        assert!(out.success(), "tmux {}: {}", args.join(" "), out.stderr);
        out.stdout
    }

    /// Everything shown so far, history included.
    fn text(&self) -> String {
        self.tmux(&["capture-pane", "-p", "-J", "-S", "-"])
    }

    fn keys(&self, keys: &[&str]) {
        let mut args = vec!["send-keys"];
        args.extend(keys);
        self.tmux(&args);
    }

    fn type_line(&self, line: &str) {
        self.tmux(&["send-keys", "-l", line]);
        self.keys(&["Enter"]);
    }

    /// Polls until `done` holds for the pane's text, or fails showing the pane.
    fn wait(&self, what: &str, secs: u64, done: impl Fn(&str) -> bool) -> String {
        let deadline = Instant::now() + Duration::from_secs(secs);
        loop {
            let text = self.text();
            if done(&text) {
                return text;
            }
            assert!(
                Instant::now() < deadline,
                "waited {secs} s for {what}; the pane:\n{text}"
            );
            std::thread::sleep(Duration::from_millis(200));
        }
    }

    /// A second window running `command`, as a learner's second terminal.
    fn window(&self, name: &str, command: &str) {
        self.tmux(&["new-window", "-d", "-n", name, command]);
    }

    /// Everything window `name` has shown so far.
    fn text_of(&self, name: &str) -> String {
        self.tmux(&["capture-pane", "-p", "-J", "-S", "-", "-t", name])
    }

    /// Polls window `name` until `needle` shows, or fails showing it.
    fn wait_in(&self, name: &str, needle: &str, secs: u64) -> String {
        let deadline = Instant::now() + Duration::from_secs(secs);
        loop {
            let text = self.text_of(name);
            if text.contains(needle) {
                return text;
            }
            assert!(
                Instant::now() < deadline,
                "waited {secs} s for {needle:?} in window {name}; it shows:\n{text}"
            );
            std::thread::sleep(Duration::from_millis(300));
        }
    }

    fn wait_for(&self, needle: &str, secs: u64) -> String {
        self.wait(needle, secs, |t| t.contains(needle))
    }

    /// The question dialoguer is asking now (`? question ›`), if any: a
    /// finished one (`✔ question · answer`) below it means none.
    fn active(text: &str) -> Option<&str> {
        for l in text.lines().rev().filter(|l| !l.trim().is_empty()).take(12) {
            if l.starts_with("? ") {
                return Some(l);
            }
            if l.starts_with("✔ ") {
                return None;
            }
        }
        None
    }

    fn answered(text: &str, prompt: &str) -> usize {
        let done = format!("{prompt} ·");
        text.lines()
            .filter(|l| l.starts_with("✔ ") && l.contains(&done))
            .count()
    }

    /// Waits for `prompt`, sends `keys`, and waits until it is answered.
    fn answer(&self, prompt: &str, secs: u64, keys: impl FnOnce(&Pane, &str)) {
        let asked = format!("{prompt} ›");
        let text = self.wait(prompt, secs, |t| {
            Pane::active(t).is_some_and(|a| a.contains(&asked))
        });
        let before = Pane::answered(&text, prompt);
        keys(self, &text);
        self.wait(&format!("the answer to {prompt:?}"), 30, |t| {
            Pane::answered(t, prompt) > before
        });
    }

    /// Picks the menu item that starts with `item` with the arrow keys.
    fn choose(&self, prompt: &str, item: &str) {
        self.answer(prompt, 120, |pane, text| {
            let lines: Vec<&str> = text.lines().collect();
            let at = lines
                .iter()
                .rposition(|l| l.starts_with("? ") && l.contains(prompt))
                .unwrap();
            let menu: Vec<&str> = lines[at + 1..]
                .iter()
                .take_while(|l| !l.trim().is_empty())
                .copied()
                .collect();
            let cursor = menu
                .iter()
                .position(|l| l.starts_with('❯'))
                .expect("a cursor");
            let target = menu
                .iter()
                .position(|l| l.chars().skip(2).collect::<String>().starts_with(item))
                .unwrap_or_else(|| panic!("no item {item:?} in {menu:?}"));
            let key = if target > cursor { "Down" } else { "Up" };
            for _ in 0..target.abs_diff(cursor) {
                pane.keys(&[key]);
            }
            pane.keys(&["Enter"]);
        });
    }
}

/// The environment of a course in a pane: the fixture's lab and state, short
/// load runs, no colour.
fn course_env(lab: &LabFixture) -> String {
    format!(
        "env PERFLAB_LAB={} PERFLAB_STATE_DIR={} PERFLAB_LOAD_DURATION=3s NO_COLOR=1",
        lab.name,
        lab.state.display(),
    )
}

/// Waits up to `secs` for the brief, and pages through it to its last screen.
fn page_brief(pane: &Pane, secs: u64) {
    pane.wait("the brief", secs, |t| {
        Pane::active(t)
            .is_some_and(|a| a.contains("Enter for more") || a.contains("Enter to continue"))
    });
    while Pane::active(&pane.text()).is_some_and(|a| a.contains("Enter for more")) {
        pane.answer("Enter for more", 10, |p, _| p.keys(&["Enter"]));
    }
}

/// Presses Enter at a pager or pause prompt.
fn p_enter(pane: &Pane) {
    let text = pane.text();
    let active = Pane::active(&text).unwrap_or_default().to_string();
    for prompt in ["Enter for more", "Enter to continue"] {
        if active.contains(prompt) {
            pane.answer(prompt, 10, |p, _| p.keys(&["Enter"]));
            return;
        }
    }
    std::thread::sleep(Duration::from_millis(200));
}

impl Drop for Pane {
    fn drop(&mut self) {
        let _ = Command::new("tmux")
            .args(["-L", &self.socket, "kill-server"])
            .output();
    }
}

#[test]
fn stage_one_in_a_terminal_on_the_real_lab() {
    let lab = LabFixture::new("tmux");
    let command = format!(
        "{} {} --stage 1 --lang en; echo EXIT=$?; sleep 3600",
        course_env(&lab),
        env!("CARGO_BIN_EXE_perflab"),
    );
    let pane = Pane::start(&command);

    // Brief: under the neutral title, a screenful at a time, then on.
    page_brief(&pane, 180);
    assert!(pane
        .text()
        .contains("Stage 1: Most connections never get an answer"));
    pane.answer("Enter to continue", 10, |p, _| p.keys(&["Enter"]));

    // Observe: the load run and its figures, nothing that names the cause.
    pane.answer("Enter to continue", 120, |p, _| p.keys(&["Enter"]));
    let text = pane.text();
    assert!(text.contains("goodput (2xx/s)"), "{text}");

    // Investigate: a typed command runs inside the server and shows the value;
    // the kernel log is decisive on its own, and still the step goes on.
    pane.answer("lab", 30, |p, _| p.type_line("dmesg | tail"));
    let text = pane.wait_for("Evidence: kernel-log", 60);
    let before_evidence = &text[..text.find("Evidence: kernel-log").unwrap()];
    let typed = before_evidence.rfind("dmesg | tail").unwrap();
    assert!(
        !before_evidence[..typed]
            .to_lowercase()
            .contains("conntrack"),
        "nothing before the investigation names conntrack: {text}"
    );
    pane.answer("lab", 30, |p, _| {
        p.type_line("sysctl net.netfilter.nf_conntrack_count")
    });
    let text = pane.wait_for("two independent pieces of evidence", 60);
    assert!(
        regex::Regex::new(r"(?m)^net\.netfilter\.nf_conntrack_count = \d+$")
            .unwrap()
            .is_match(&text),
        "{text}"
    );
    assert!(text.contains("Evidence: count-max"));
    pane.answer("lab", 30, |p, _| p.type_line("next"));

    // Diagnose: a wrong answer gets its explanation, the right one is accepted.
    let question = "Why does the server answer so few connections?";
    pane.choose(question, "nginx has too few worker processes");
    pane.wait_for("nginx is mostly idle, and TCP accepts few", 10);
    pane.choose(question, "A full connection-tracking table");
    pane.wait_for("Right: the count equals the limit", 10);

    // Predict, then fix: a value out of range is refused, the typed fix applied.
    pane.choose(
        "What happens to goodput?",
        "More pages, yet far fewer than it could serve",
    );
    pane.answer("Enter to continue", 10, |p, _| p.keys(&["Enter"]));
    pane.answer("fix", 10, |p, _| {
        p.type_line("sysctl -w net.netfilter.nf_conntrack_max=100")
    });
    pane.wait_for("100 is out of range: accepted 524288 to 4194304", 10);
    pane.answer("fix", 10, |p, _| p.type_line("conntrack -F"));
    pane.wait_for("ran `conntrack -F` in the server", 60);

    // Check and measure on the real lab.
    let text = pane.wait_for("The check passes.", 120);
    assert!(!text.contains("The check fails."), "{text}");
    // A headline within the noise of two runs offers a rerun: decline it.
    let rerun = "Run the load again?";
    let text = loop {
        let text = pane.wait("the chart or a rerun offer", 30, |t| {
            t.contains("Goodput across the course")
                || Pane::active(t).is_some_and(|a| a.contains(rerun))
        });
        if text.contains("Goodput across the course") {
            break text;
        }
        pane.choose(rerun, "no");
    };
    let table = regex::Regex::new(r"(?m)^\s+before\s+after\s+change$").unwrap();
    assert!(table.is_match(&text), "{text}");
    assert!(text.contains("conntrack.drops"), "{text}");

    // Debrief: after the check and the measurement, paged, then the solved title.
    let text = loop {
        let text = pane.wait("the debrief", 60, |t| {
            Pane::active(t).is_some_and(|a| {
                a.contains("Enter for more")
                    || a.contains("Enter to continue")
                    || a.contains("What now?")
            })
        });
        if text.contains("Solved: A full connection-tracking table drops new connections") {
            break text;
        }
        p_enter(&pane);
    };
    assert!(text.contains("Connection tracking"), "{text}");
    while !Pane::active(&pane.text()).is_some_and(|a| a.contains("What now?")) {
        p_enter(&pane);
    }

    pane.choose("What now?", "stop here for now");
    let text = pane.wait_for("EXIT=", 30);
    assert!(text.contains("EXIT=0"), "{text}");
    assert!(text.contains("resumes at the start of stage 2"), "{text}");
    // Flushing the table leaves the host as it was: the fixture checks it.
}

/// The words that would give a stage's cause away before its diagnosis.
fn names_any<'a>(text: &str, words: &[&'a str]) -> Option<&'a str> {
    let lower = text.to_lowercase();
    words
        .iter()
        .copied()
        .find(|w| lower.contains(&w.to_lowercase()))
}

const CONNTRACK_WORDS: &[&str] = &["conntrack", "table full", "connection tracking"];
const PORT_WORDS: &[&str] = &[
    "port range",
    "ip_local_port_range",
    "ephemeral",
    "eaddrnotavail",
    "cannot assign",
    "errno 99",
    "time_wait",
];

/// The course at the start of stages 0, 1 and 2 in one window, and the
/// second terminal the course asks for in another: at stage 0 the checklist
/// has `dmesg | tail` and the right answer names a software resource; at the
/// start of stages 1 and 2, `perflab load -d 20s` (no `probe`) shows goodput
/// and names neither conntrack nor the port range, and neither does the course.
#[test]
fn the_second_terminal_gives_nothing_away() {
    let lab = LabFixture::new("tmux2");
    let env = course_env(&lab);
    let bin = env!("CARGO_BIN_EXE_perflab");
    let pane = Pane::start(&format!(
        "{env} {bin} --stage 0 --lang en; echo EXIT=$?; sleep 3600"
    ));

    // Stage 0: the checklist in the brief, then the USE diagnosis.
    page_brief(&pane, 240);
    assert!(pane.text().contains("`dmesg | tail`"), "{}", pane.text());
    pane.answer("Enter to continue", 10, |p, _| p.keys(&["Enter"]));
    pane.answer("Enter to continue", 120, |p, _| p.keys(&["Enter"]));
    pane.answer("lab", 30, |p, _| p.type_line("hint"));
    pane.answer("lab", 30, |p, _| p.type_line("next"));
    let question = "Which resource is this server short of?";
    pane.choose(question, "A kernel table: it is full and drops packets");
    let text = pane.wait_for("Right. The hardware has room", 30);
    assert!(
        text.contains("a software resource used to its limit"),
        "{text}"
    );
    pane.keys(&["C-c"]);
    pane.wait_for("EXIT=", 60);

    for (stage, words) in [
        (1, CONNTRACK_WORDS),
        (2, &[CONNTRACK_WORDS, PORT_WORDS].concat()[..]),
    ] {
        let course = format!("course{stage}");
        pane.window(
            &course,
            &format!("{env} {bin} --stage {stage} --lang en --yes; echo EXIT=$?; sleep 3600"),
        );
        // With --yes the course pauses nowhere: it reads its brief, runs its
        // observe load and stops at the lab prompt, before any diagnosis.
        pane.wait_in(&course, "lab ›", 300);
        let load = format!("load{stage}");
        pane.window(
            &load,
            &format!("{env} {bin} load -d 20s; echo LOADEXIT=$?; sleep 3600"),
        );
        let shown = pane.wait_in(&load, "LOADEXIT=", 120);
        assert!(shown.contains("LOADEXIT=0"), "{shown}");
        assert!(shown.contains("goodput"), "{shown}");
        if let Some(w) = names_any(&shown, words) {
            panic!("perflab load at stage {stage}'s start names {w:?}:\n{shown}");
        }
        let course_text = pane.text_of(&course);
        if let Some(w) = names_any(&course_text, words) {
            panic!("the course at stage {stage}'s start names {w:?}:\n{course_text}");
        }
        pane.tmux(&["send-keys", "-t", &course, "C-c"]);
        pane.wait_in(&course, "EXIT=", 60);
    }
}
