//! `perflab dev check` and `perflab dev render`, run as the real binary: on the
//! embedded lessons, and with `--dir` on temporary copies of `lessons/` that
//! have one thing broken. Each broken copy must fail with exit status 1 and a
//! line that names the file and the field (and, for the discovery-first rules,
//! the rule). The placeholders are checked against a fixture table
//! (`--figures`), since the real one is provisional until it is measured.
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};

use crate::harness::{perflab, Ran};

/// A measured table with plausible made-up figures, for the tests only.
fn fixture() -> String {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/figures/course-repeat.fixture.json")
        .display()
        .to_string()
}

/// Asserts a failure (exit 1) with a stdout line holding every one of `parts`.
#[track_caller]
fn fails_naming(run: &Ran, parts: &[&str]) {
    assert_eq!(run.code, Some(1), "{run}");
    let hit = run
        .stdout
        .lines()
        .any(|l| parts.iter().all(|p| l.contains(p)));
    assert!(hit, "no line with {parts:?} in:\n{}", run.stdout);
    assert!(run.stderr.contains("problem(s)"), "{}", run.stderr);
}

/// `dev check` on `copy` fails on a line that names `path` and every one of `names`.
fn fails(copy: LessonsCopy, path: &str, names: &[&str]) {
    let file = copy.file(path);
    fails_naming(&copy.check(), &[&[file.as_str()][..], names].concat());
}

/// A copy with `path` changed by `change` fails as [`fails`] says.
fn edited(path: &str, change: impl FnOnce(String) -> String, names: &[&str]) {
    fails(LessonsCopy::new().edit(path, change), path, names);
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

    fn check(&self) -> Ran {
        let dir = self.root.to_str().unwrap();
        perflab(&["dev", "check", "--dir", dir, "--figures", &fixture()]).output()
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
fn the_embedded_lessons_pass_with_a_measured_table() {
    let run = perflab(&["dev", "check", "--figures", &fixture()]).output();
    assert_eq!(
        run.code,
        Some(0),
        "stdout:\n{}\nstderr:\n{}",
        run.stdout,
        run.stderr
    );
    assert!(
        run.stderr
            .contains("lessons: 7 stages, 35 files, every rule holds"),
        "{}",
        run.stderr
    );
    assert!(run.stdout.is_empty(), "{}", run.stdout);
}

#[test]
fn a_provisional_table_fails_and_says_how_to_measure_it() {
    let table =
        std::env::temp_dir().join(format!("perflab-provisional-{}.json", std::process::id()));
    std::fs::write(
        &table,
        r#"{"format": 1, "provisional": true, "stages": []}"#,
    )
    .unwrap();
    let run = perflab(&["dev", "check", "--figures", table.to_str().unwrap()]).output();
    std::fs::remove_file(&table).unwrap();
    fails_naming(
        &run,
        &[
            table.to_str().unwrap(),
            "the measured table is provisional: run `bash bench/course-repeat.sh 5`",
        ],
    );
    assert!(
        run.stderr.contains("1 problem(s)"),
        "only the table: {}",
        run.stdout
    );
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

/// `stage.toml` with the `zh` of its first line starting with `key = {` removed.
fn drop_zh(key: &str) -> impl FnOnce(String) -> String + '_ {
    move |s| {
        let start = s.find(&format!("\n{key} = {{")).unwrap() + 1;
        let end = start + s[start..].find('\n').unwrap();
        let line = &s[start..end];
        let zh = line.find(", zh = \"").unwrap();
        format!("{}{} }}{}", &s[..start], &line[..zh], &s[end..])
    }
}

#[test]
fn a_copy_without_one_language_fails() {
    edited(
        "3-listen-queues/stage.toml",
        drop_zh("title"),
        &["title.zh", "missing text"],
    );
    let copy = LessonsCopy::new().remove("1-conntrack/debrief.zh.md");
    fails_naming(
        &copy.check(),
        &[&copy.file("1-conntrack/debrief.zh.md"), "missing file"],
    );
}

#[test]
fn a_copy_with_an_unknown_field_fails() {
    fails(
        LessonsCopy::new().replace(
            "4-workers/stage.toml",
            "[observe]\n",
            "[observe]\ncolour = \"red\"\n",
        ),
        "4-workers/stage.toml",
        &["[observe] colour", "unknown field `colour`"],
    );
}

#[test]
fn a_fix_without_its_reference_fails() {
    fails(
        LessonsCopy::new().replace("2-ports/stage.toml", "reference = \"10000 65535\"\n", ""),
        "2-ports/stage.toml",
        &["fix.change[0].reference", "missing"],
    );
}

#[test]
fn a_reference_outside_its_own_range_fails() {
    fails(
        LessonsCopy::new().replace(
            "5-flame-graph/stage.toml",
            "reference = \"1\"",
            "reference = \"3\"",
        ),
        "5-flame-graph/stage.toml",
        &[
            "fix.change[0].reference",
            "3 is out of range: accepted 1 to 2",
        ],
    );
}

#[test]
fn a_reference_that_disagrees_with_the_stage_plan_fails() {
    fails(
        LessonsCopy::new()
            .replace(
                "4-workers/stage.toml",
                "reference = \"20\"",
                "reference = \"40\"",
            )
            .replace(
                "4-workers/stage.toml",
                "`pm.max_children = 20`",
                "`pm.max_children = 40`",
            ),
        "4-workers/stage.toml",
        &["fix.change[0].reference", "pm_max_children = \"20\""],
    );
}

#[test]
fn unknown_probe_fields_and_knobs_fail() {
    fails(
        LessonsCopy::new().replace(
            "3-listen-queues/stage.toml",
            "field = \"listen.send_q[80]\"",
            "field = \"listen.sendq[80]\"",
        ),
        "3-listen-queues/stage.toml",
        &["field", "unknown probe field \"listen.sendq\""],
    );
    fails(
        LessonsCopy::new().replace(
            "6-beyond/stage.toml",
            "knob = \"upstream_keepalive\"",
            "knob = \"keepalive\"",
        ),
        "6-beyond/stage.toml",
        &["fix.change[0].target", "unknown knob \"keepalive\""],
    );
}

#[test]
fn a_fix_without_a_check_fails() {
    edited(
        "1-conntrack/stage.toml",
        |s| {
            let start = s.find("[check]").unwrap();
            let end = s.find("[measure]").unwrap();
            format!("{}{}", &s[..start], &s[end..])
        },
        &["check", "needs a [check] too"],
    );
}

#[test]
fn prose_problems_fail() {
    edited(
        "0-baseline/debrief.zh.md",
        |s| s + "\n```shell-session\n$ uptime\n```\n",
        &["line", "unknown fence \"shell-session\""],
    );
    let copy = LessonsCopy::new().edit("6-beyond/debrief.en.md", |_| String::new());
    fails_naming(
        &copy.check(),
        &[&copy.file("6-beyond/debrief.en.md"), "empty prose"],
    );
    edited(
        "1-conntrack/brief.en.md",
        |s| format!("# Stage one\n\n{s}"),
        &["line 1", "no level-1 heading"],
    );
}

/// The right choice of a question, made much longer than the others.
fn lengthen_right_choice<'a>(
    question: &'a str,
    lang: &'a str,
) -> impl FnOnce(String) -> String + 'a {
    move |s| {
        let at = s.find(&format!("[[{question}.choice]]")).unwrap();
        let right = at + s[at..].find("correct = true").unwrap();
        let key = format!("{lang} = \"");
        let quote = s[..right].rfind(&key).unwrap() + key.len();
        let padding = match lang {
            "en" => "this choice says much more than any other one, and so it gives itself away ",
            _ => "这个选项比其他选项都长得多，长到一眼就能看出它才是正确答案，根本不必思考",
        };
        format!("{}{padding}{}", &s[..quote], &s[quote..])
    }
}

/// The right choice of a question (English), padded to 1.3 times the length
/// of the longest wrong one: just past the rule's 1.2.
fn right_choice_at_1_3(question: &str) -> impl FnOnce(String) -> String + '_ {
    move |s| {
        let start = s.find(&format!("[[{question}.choice]]")).unwrap();
        let text = regex::Regex::new(r#"text = \{ en = "((?:[^"\\]|\\.)*)""#).unwrap();
        let head = format!("{question}.choice]]");
        let blocks: Vec<&str> = s[start..]
            .split("[[")
            .filter(|b| b.starts_with(&head))
            .collect();
        let mut longest_wrong = 0;
        let mut right = None;
        for b in &blocks {
            let t = text.captures(b).unwrap().get(1).unwrap().as_str();
            match b.contains("correct = true") {
                true => right = Some(t.to_string()),
                false => longest_wrong = longest_wrong.max(t.chars().count()),
            }
        }
        let right = right.unwrap();
        let target = (longest_wrong as f64 * 1.3).ceil() as usize;
        let pad = target.saturating_sub(right.chars().count());
        let padded = format!("{right}{}", " and so on".repeat(pad / 10 + 1));
        let padded: String = padded.chars().take(target).collect();
        let at = start + s[start..].find(&format!("en = \"{right}\"")).unwrap();
        format!(
            "{}en = \"{padded}\"{}",
            &s[..at],
            &s[at + right.len() + 7..]
        )
    }
}

#[test]
fn a_right_choice_1_3_times_the_longest_wrong_one_fails() {
    fails(
        LessonsCopy::new().edit("1-conntrack/stage.toml", right_choice_at_1_3("diagnose")),
        "1-conntrack/stage.toml",
        &[
            "diagnose.choice[",
            "].text.en",
            "more than 1.2 × the longest wrong one",
            "rule: balanced choices",
        ],
    );
}

#[test]
fn a_right_choice_that_is_too_long_fails() {
    fails(
        LessonsCopy::new().edit(
            "4-workers/stage.toml",
            lengthen_right_choice("diagnose", "en"),
        ),
        "4-workers/stage.toml",
        &[
            "diagnose.choice[",
            "].text.en",
            "more than 1.2 × the longest wrong one",
            "rule: balanced choices",
        ],
    );
    fails(
        LessonsCopy::new().edit(
            "3-listen-queues/stage.toml",
            lengthen_right_choice("predict", "zh"),
        ),
        "3-listen-queues/stage.toml",
        &["predict.choice[", "].text.zh", "rule: balanced choices"],
    );
}

#[test]
fn a_stage_without_the_three_hint_levels_fails() {
    edited(
        "1-conntrack/stage.toml",
        |s| s.replace("level = \"where\"", "level = \"command\""),
        &[
            "hint",
            "no where hint for the investigate step",
            "rule: three hint levels",
        ],
    );
    edited(
        "0-baseline/stage.toml",
        |s| s.replacen("level = \"nudge\"", "level = \"command\"", 1),
        &["no nudge hint", "rule: three hint levels"],
    );
}

#[test]
fn a_brief_that_names_the_fix_or_the_counter_fails() {
    edited(
        "1-conntrack/brief.en.md",
        |s| s + "\nHint from the boss: check `nf_conntrack_max`.\n",
        &[
            "names \"nf_conntrack_max\"",
            "fix.change[0]",
            "rule: neutral until the diagnosis",
        ],
    );
    edited(
        "3-listen-queues/brief.zh.md",
        |s| s + "\n看看 ListenOverflows 和 listen_overflows。\n",
        &[
            "names \"listen_overflows\"",
            "symptom.field",
            "rule: neutral until the diagnosis",
        ],
    );
    edited(
        "4-workers/stage.toml",
        |s| s.replacen("title = { en = \"", "title = { en = \"max_children: ", 1),
        &["title.en", "names \"max_children\""],
    );
}

#[test]
fn evidence_in_fewer_than_three_groups_fails() {
    edited(
        "3-listen-queues/stage.toml",
        |s| {
            s.lines()
                .filter(|l| !l.starts_with("group = "))
                .map(|l| match l {
                    "[[investigate.evidence]]" => {
                        "[[investigate.evidence]]\ngroup = \"all\"".to_string()
                    }
                    other => other.to_string(),
                })
                .collect::<Vec<_>>()
                .join("\n")
        },
        &[
            "investigate.evidence",
            "evidence in 1 group(s)",
            "rule: evidence groups",
        ],
    );
}

#[test]
fn a_literal_measured_figure_fails() {
    edited(
        "4-workers/debrief.en.md",
        |s| s + "\nOn our machine goodput went from 196 to 1146 2xx/s.\n",
        &["line", "1146 2xx/s", "no literal measured figures"],
    );
    edited(
        "1-conntrack/stage.toml",
        |s| {
            s.replacen(
                "[measure]\nsay = { en = \"",
                "[measure]\nsay = { en = \"Last time p99 was 1990 ms. ",
                1,
            )
        },
        &["measure.say.en", "1990 ms", "no literal measured figures"],
    );
    edited(
        "0-baseline/debrief.zh.md",
        |s| s + "\n有效吞吐涨了十倍。\n",
        &["十倍", "no literal measured figures"],
    );
}

#[test]
fn a_placeholder_that_is_malformed_or_not_in_the_table_fails() {
    edited(
        "1-conntrack/debrief.en.md",
        |s| s + "\nIt went to {{1.after.goodput.average}} 2xx/s.\n",
        &[
            "malformed placeholder \"{{1.after.goodput.average}}\"",
            "not a statistic",
        ],
    );
    edited(
        "0-baseline/debrief.en.md",
        |s| s + "\nAfter the fix: {{0.after.goodput.median}} 2xx/s.\n",
        &[
            "placeholder {{0.after.goodput.median}} names a figure the measured table",
            "does not hold",
        ],
    );
}

#[test]
fn a_missing_stage_fails() {
    let copy = LessonsCopy::new().remove("5-flame-graph");
    fails_naming(&copy.check(), &["stage 5 is missing"]);
}

#[test]
fn every_problem_gets_its_own_line() {
    let copy = LessonsCopy::new()
        .replace("2-ports/stage.toml", "reference = \"10000 65535\"\n", "")
        .remove("4-workers/brief.en.md");
    let run = copy.check();
    fails_naming(&run, &["2-ports/stage.toml", "fix.change[0].reference"]);
    fails_naming(&run, &["4-workers/brief.en.md", "missing file"]);
    assert!(run.stderr.contains("2 problem(s)"), "{}", run.stderr);
}

#[test]
fn a_folder_that_does_not_exist_is_reported() {
    let run = perflab(&["dev", "check", "--dir", "/nonexistent/perflab-lessons"]).output();
    assert_eq!(run.code, Some(1));
    assert!(
        run.stderr.contains("/nonexistent/perflab-lessons"),
        "{}",
        run.stderr
    );
}

#[test]
fn render_wraps_chinese_by_display_width() {
    let file = Path::new(env!("CARGO_MANIFEST_DIR")).join("lessons/1-conntrack/debrief.zh.md");
    let run = perflab(&["dev", "render", file.to_str().unwrap(), "--width", "40"]).output();
    assert_eq!(run.code, Some(0), "{}", run.stderr);
    let md = std::fs::read_to_string(&file).unwrap();
    let heading = md.lines().next().unwrap().trim_start_matches('#').trim();
    assert!(
        heading
            .chars()
            .any(|c| ('\u{4e00}'..='\u{9fff}').contains(&c)),
        "{heading}"
    );
    assert!(
        run.stdout.starts_with(&format!("{heading}\n")),
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
        for (lang, md) in perflab::lessons::Lang::ALL
            .into_iter()
            .flat_map(|l| [(l, lesson.brief(l)), (l, lesson.debrief(l))])
        {
            let code = code_lines(md);
            for width in [24, 60, 100] {
                for line in plain(md, width).lines() {
                    if code.contains(line.trim()) {
                        continue;
                    }
                    assert!(
                        console::measure_text_width(line) <= width,
                        "{}/*.{}.md at {width}: {line:?}",
                        lesson.dir,
                        lang.code()
                    );
                }
            }
        }
    }
}

#[test]
fn a_stage_that_announces_a_later_one_fails() {
    edited(
        "4-workers/debrief.en.md",
        |s| s + "\nThe queue in front of them is the next stage.\n",
        &["line", "rule: a debrief closes its own stage"],
    );
    edited(
        "3-listen-queues/stage.toml",
        |s| s.replacen("why = { en = \"", "why = { en = \"(stage 4 shows why) ", 1),
        &["rule: a stage announces nothing after it"],
    );
    edited(
        "2-ports/debrief.zh.md",
        |s| s + "\n慢在哪里，下一关见分晓。\n",
        &["line", "rule: a debrief closes its own stage"],
    );
}

#[test]
fn a_course_whose_right_choices_are_mostly_the_longest_fails() {
    let copy = [
        ("1-conntrack/stage.toml", "diagnose"),
        ("1-conntrack/stage.toml", "predict"),
        ("2-ports/stage.toml", "diagnose"),
        ("3-listen-queues/stage.toml", "diagnose"),
        ("4-workers/stage.toml", "predict"),
    ]
    .into_iter()
    .fold(LessonsCopy::new(), |copy, (path, question)| {
        copy.edit(path, lengthen_right_choice(question, "en"))
    });
    fails_naming(
        &copy.check(),
        &["choices.en", "more than a third", "rule: balanced choices"],
    );
}
