//! Tests of the terminal renderer: structure, styling and width.
use console::{measure_text_width, strip_ansi_codes};

use super::render_markdown_styled;

fn plain(md: &str, width: usize) -> String {
    render_markdown_styled(md, width, Some(false))
}

#[test]
fn headings_are_underlined_and_separated_from_paragraphs() {
    let out = plain("# Title\n\nSome text.\n\n## Part\n\nMore.\n", 40);
    assert_eq!(out, "Title\n═════\n\nSome text.\n\nPart\n────\n\nMore.\n");
}

#[test]
fn styles_apply_only_when_styling_is_on() {
    let md = "Plain *em* **strong** `code` [site](https://example.org)\n";
    let styled = render_markdown_styled(md, 80, Some(true));
    assert!(styled.contains("\u{1b}["), "no escape codes in {styled:?}");
    assert_eq!(
        strip_ansi_codes(&styled).trim_end(),
        "Plain em strong code site (https://example.org)"
    );
    let plain = plain(md, 80);
    assert!(!plain.contains('\u{1b}'));
    assert_eq!(
        plain.trim_end(),
        "Plain em strong `code` site (https://example.org)"
    );
}

#[test]
fn code_blocks_are_indented_and_never_wrapped() {
    let long = "x".repeat(60);
    let out = plain(
        &format!("Intro\n\n```console\n$ {long}\nline two\n```\n"),
        30,
    );
    let lines: Vec<&str> = out.lines().collect();
    assert_eq!(lines[2], format!("    $ {long}"));
    assert_eq!(lines[3], "    line two");
}

#[test]
fn nested_lists_indent_and_number() {
    let md = "- one\n  - inner with enough words to wrap\n- two\n\n1. first\n2. second\n";
    let out = plain(md, 20);
    let expected =
        "• one\n  ◦ inner with\n    enough words to\n    wrap\n• two\n\n1. first\n2. second\n";
    assert_eq!(out, expected);
}

#[test]
fn block_quotes_carry_their_bar_on_every_line() {
    let out = plain(
        "> a quoted line that is long enough to wrap\n>\n> second paragraph\n",
        20,
    );
    for line in out.lines() {
        assert!(line.starts_with('│'), "{line:?} lacks the quote bar");
    }
    assert!(out.contains("│ second paragraph"));
}

#[test]
fn links_show_text_and_address_once() {
    let out = plain(
        "See [the docs](https://docs.rs) or <https://crates.io>.\n",
        80,
    );
    assert_eq!(
        out.trim_end(),
        "See the docs (https://docs.rs) or https://crates.io."
    );
}

#[test]
fn chinese_prose_wraps_by_display_width() {
    let md = "连接跟踪表满了之后，内核会直接丢弃新连接的 SYN 包，客户端只能等待重传，\
              最终超时。`nf_conntrack_max` 是整台主机共用的。\n";
    for width in [20, 33, 50] {
        let out = plain(md, width);
        for line in out.lines() {
            assert!(
                measure_text_width(line) <= width,
                "{line:?} is wider than {width}"
            );
        }
        let joined: String = out.lines().collect::<Vec<_>>().join("");
        assert!(
            joined.contains("`nf_conntrack_max`"),
            "inline code was split: {out}"
        );
    }
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

#[test]
fn every_lesson_renders_within_the_width() {
    let course = crate::lessons::Course::load().expect("the embedded lessons load");
    for lesson in &course.stages {
        for (lang, md) in crate::lessons::Lang::ALL
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
                        measure_text_width(line) <= width,
                        "{}/*.{}.md at {width}: {line:?}",
                        lesson.dir,
                        lang.code()
                    );
                }
            }
        }
    }
}
