//! `perflab dev check` and `perflab dev render`, run as the real binary: on the
//! embedded lessons, and with `--dir` on temporary copies of `lessons/` that
//! have one thing broken. Each broken copy must fail with exit status 1 and a
//! line that names the file and the field.
mod common;

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};

/// The outcome of one run of the binary.
struct Run {
    code: Option<i32>,
    stdout: String,
    stderr: String,
}

impl Run {
    fn of(args: &[&str]) -> Run {
        let out = common::perflab(args).output();
        Run {
            code: out.status.code(),
            stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
            stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
        }
    }

    /// Asserts a failure (exit 1) with a stdout line holding every one of `parts`.
    fn fails_naming(&self, parts: &[&str]) {
        assert_eq!(
            self.code,
            Some(1),
            "stdout:\n{}\nstderr:\n{}",
            self.stdout,
            self.stderr
        );
        let hit = self
            .stdout
            .lines()
            .any(|l| parts.iter().all(|p| l.contains(p)));
        assert!(hit, "no line with {parts:?} in:\n{}", self.stdout);
        assert!(self.stderr.contains("problem(s)"), "{}", self.stderr);
    }
}

/// A copy of `lessons/` in a fresh temporary folder, removed on drop.
struct LessonsCopy {
    root: PathBuf,
}

impl LessonsCopy {
    fn new() -> LessonsCopy {
        static NEXT: AtomicUsize = AtomicUsize::new(0);
        let n = NEXT.fetch_add(1, Ordering::SeqCst);
        let root = std::env::temp_dir().join(format!("perflab-lessons-{}-{n}", std::process::id()));
        let _ = std::fs::remove_dir_all(&root);
        let source = Path::new(env!("CARGO_MANIFEST_DIR")).join("lessons");
        for dir in std::fs::read_dir(&source).unwrap() {
            let dir = dir.unwrap();
            let target = root.join(dir.file_name());
            std::fs::create_dir_all(&target).unwrap();
            for file in std::fs::read_dir(dir.path()).unwrap() {
                let file = file.unwrap();
                std::fs::copy(file.path(), target.join(file.file_name())).unwrap();
            }
        }
        LessonsCopy { root }
    }

    fn edit(self, path: &str, change: impl FnOnce(String) -> String) -> LessonsCopy {
        let file = self.root.join(path);
        let text = std::fs::read_to_string(&file).unwrap();
        let changed = change(text.clone());
        assert_ne!(text, changed, "the edit of {path} changed nothing");
        std::fs::write(&file, changed).unwrap();
        self
    }

    fn replace(self, path: &str, from: &str, to: &str) -> LessonsCopy {
        self.edit(path, |s| s.replacen(from, to, 1))
    }

    fn remove(self, path: &str) -> LessonsCopy {
        let p = self.root.join(path);
        match p.is_dir() {
            true => std::fs::remove_dir_all(p).unwrap(),
            false => std::fs::remove_file(p).unwrap(),
        }
        self
    }

    fn check(&self) -> Run {
        Run::of(&["dev", "check", "--dir", self.root.to_str().unwrap()])
    }

    fn file(&self, path: &str) -> String {
        format!("{}/{path}", self.root.display())
    }
}

impl Drop for LessonsCopy {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.root);
    }
}

#[test]
fn the_embedded_lessons_pass() {
    let run = Run::of(&["dev", "check"]);
    assert_eq!(
        run.code,
        Some(0),
        "stdout:\n{}\nstderr:\n{}",
        run.stdout,
        run.stderr
    );
    assert!(
        run.stderr
            .contains("lessons: 7 stages, 21 files, every rule holds"),
        "{}",
        run.stderr
    );
    assert!(run.stdout.is_empty(), "{}", run.stdout);
}

#[test]
fn an_unchanged_copy_passes() {
    let copy = LessonsCopy::new();
    let run = copy.check();
    assert_eq!(
        run.code,
        Some(0),
        "stdout:\n{}\nstderr:\n{}",
        run.stdout,
        run.stderr
    );
}

#[test]
fn a_copy_without_one_language_fails() {
    let copy = LessonsCopy::new().replace(
        "3-listen-queues/stage.toml",
        ", zh = \"监听队列：只能排十个\"",
        "",
    );
    copy.check().fails_naming(&[
        &copy.file("3-listen-queues/stage.toml"),
        "title.zh",
        "missing text",
    ]);
    let copy = LessonsCopy::new().remove("1-conntrack/zh.md");
    copy.check()
        .fails_naming(&[&copy.file("1-conntrack/zh.md"), "missing file"]);
}

#[test]
fn a_copy_with_an_unknown_field_fails() {
    let copy = LessonsCopy::new().replace(
        "2-workers/stage.toml",
        "[observe]\n",
        "[observe]\ncolour = \"red\"\n",
    );
    copy.check().fails_naming(&[
        &copy.file("2-workers/stage.toml"),
        "[observe] colour",
        "unknown field `colour`",
    ]);
}

#[test]
fn a_fix_without_its_reference_fails() {
    let copy =
        LessonsCopy::new().replace("4-ports/stage.toml", "reference = \"10000 65535\"\n", "");
    copy.check().fails_naming(&[
        &copy.file("4-ports/stage.toml"),
        "fix.change[0].reference",
        "missing",
    ]);
}

#[test]
fn a_reference_outside_its_own_range_fails() {
    let copy = LessonsCopy::new().replace(
        "5-flame-graph/stage.toml",
        "reference = \"1\"",
        "reference = \"3\"",
    );
    copy.check().fails_naming(&[
        &copy.file("5-flame-graph/stage.toml"),
        "fix.change[0].reference",
        "3 is out of range: accepted 1 to 2",
    ]);
}

#[test]
fn a_reference_that_disagrees_with_the_stage_plan_fails() {
    let copy = LessonsCopy::new()
        .replace(
            "2-workers/stage.toml",
            "reference = \"20\"",
            "reference = \"40\"",
        )
        .replace(
            "2-workers/stage.toml",
            "`pm.max_children = 20`",
            "`pm.max_children = 40`",
        );
    copy.check().fails_naming(&[
        &copy.file("2-workers/stage.toml"),
        "fix.change[0].reference",
        "pm_max_children = \"20\"",
    ]);
}

#[test]
fn unknown_probe_fields_and_knobs_fail() {
    let copy = LessonsCopy::new().replace(
        "3-listen-queues/stage.toml",
        "field = \"listen.send_q[80]\"",
        "field = \"listen.sendq[80]\"",
    );
    copy.check().fails_naming(&[
        &copy.file("3-listen-queues/stage.toml"),
        "field",
        "unknown probe field \"listen.sendq\"",
    ]);
    let copy = LessonsCopy::new().replace(
        "6-beyond/stage.toml",
        "knob = \"upstream_keepalive\"",
        "knob = \"keepalive\"",
    );
    copy.check().fails_naming(&[
        &copy.file("6-beyond/stage.toml"),
        "fix.change[0].target",
        "unknown knob \"keepalive\"",
    ]);
}

#[test]
fn a_fix_without_a_check_fails() {
    let copy = LessonsCopy::new().edit("1-conntrack/stage.toml", |s| {
        let start = s.find("[check]").unwrap();
        let end = s.find("[measure]").unwrap();
        format!("{}{}", &s[..start], &s[end..])
    });
    copy.check().fails_naming(&[
        &copy.file("1-conntrack/stage.toml"),
        "check",
        "needs a [check] too",
    ]);
}

#[test]
fn prose_problems_fail() {
    let copy = LessonsCopy::new().replace("0-baseline/zh.md", "```console", "```shell-session");
    copy.check().fails_naming(&[
        &copy.file("0-baseline/zh.md"),
        "line",
        "unknown fence \"shell-session\"",
    ]);
    let copy = LessonsCopy::new().edit("6-beyond/en.md", |_| String::new());
    copy.check()
        .fails_naming(&[&copy.file("6-beyond/en.md"), "empty prose"]);
}

#[test]
fn a_missing_stage_fails() {
    let copy = LessonsCopy::new().remove("5-flame-graph");
    copy.check().fails_naming(&["stage 5 is missing"]);
}

#[test]
fn every_problem_gets_its_own_line() {
    let copy = LessonsCopy::new()
        .replace("4-ports/stage.toml", "reference = \"10000 65535\"\n", "")
        .remove("2-workers/en.md");
    let run = copy.check();
    run.fails_naming(&["4-ports/stage.toml", "fix.change[0].reference"]);
    run.fails_naming(&["2-workers/en.md", "missing file"]);
    assert!(run.stderr.contains("2 problem(s)"), "{}", run.stderr);
}

#[test]
fn a_folder_that_does_not_exist_is_reported() {
    let run = Run::of(&["dev", "check", "--dir", "/nonexistent/perflab-lessons"]);
    assert_eq!(run.code, Some(1));
    assert!(
        run.stderr.contains("/nonexistent/perflab-lessons"),
        "{}",
        run.stderr
    );
}

#[test]
fn render_wraps_chinese_by_display_width() {
    let file = Path::new(env!("CARGO_MANIFEST_DIR")).join("lessons/1-conntrack/zh.md");
    let run = Run::of(&["dev", "render", file.to_str().unwrap(), "--width", "40"]);
    assert_eq!(run.code, Some(0), "{}", run.stderr);
    assert!(
        run.stdout.starts_with("连接跟踪：表满了就丢包\n"),
        "{}",
        run.stdout
    );
    let prose: Vec<&str> = run
        .stdout
        .lines()
        .filter(|l| !l.starts_with("    "))
        .collect();
    assert!(prose.len() > 20);
    for line in prose {
        assert!(console::measure_text_width(line) <= 40, "{line:?}");
    }
    assert!(
        !run.stdout.contains('\u{1b}'),
        "NO_COLOR must leave out the styling"
    );
}

/// The lines of a document's code blocks, which the renderer never wraps.
fn code_lines(md: &str) -> std::collections::HashSet<String> {
    use pulldown_cmark::{Event, Parser, Tag, TagEnd};
    let mut inside = false;
    let mut lines = std::collections::HashSet::new();
    for event in Parser::new(md) {
        match event {
            Event::Start(Tag::CodeBlock(_)) => inside = true,
            Event::End(TagEnd::CodeBlock) => inside = false,
            Event::Text(t) if inside => lines.extend(t.lines().map(|l| l.trim().to_string())),
            _ => {}
        }
    }
    lines
}

fn plain(md: &str, width: usize) -> String {
    perflab::ui::render_markdown_styled(md, width, Some(false))
}

#[test]
fn every_lesson_renders_within_the_width() {
    let course = perflab::lessons::Course::load().expect("the embedded lessons load");
    for lesson in &course.stages {
        for lang in perflab::lessons::Lang::ALL {
            let md = lesson.prose(lang);
            let code = code_lines(md);
            for width in [24, 60, 100] {
                for line in plain(md, width).lines() {
                    if code.contains(line.trim()) {
                        continue;
                    }
                    assert!(
                        console::measure_text_width(line) <= width,
                        "{}/{}.md at {width}: {line:?}",
                        lesson.dir,
                        lang.code()
                    );
                }
            }
        }
    }
}
