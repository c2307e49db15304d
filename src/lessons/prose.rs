//! Checks of a stage's prose (`en.md`, `zh.md`): not empty, opens with a title,
//! fences of known kinds, and the right language. (That every lesson renders in
//! the terminal, within its width, is a test of `ui`'s renderer over the course.)
use pulldown_cmark::{CodeBlockKind, Event, HeadingLevel, Parser, Tag};

use super::problem::Report;
use super::text::{is_cjk, Lang};

/// The info strings a fenced code block may carry.
pub const FENCES: &[&str] = &["", "console", "text", "sh", "nginx", "ini", "toml"];

pub(crate) fn check(md: &str, lang: Lang, r: &mut Report<'_>) {
    if md.trim().is_empty() {
        return r.add("", "empty prose: write the stage's text");
    }
    let line_of = |offset: usize| md[..offset.min(md.len())].matches('\n').count() + 1;
    let mut first = true;
    let mut depth = 0usize;
    let mut cjk_in_text = false;
    for (event, range) in Parser::new(md).into_offset_iter() {
        if let (true, Event::Start(tag)) = (first, &event) {
            first = false;
            if !matches!(
                tag,
                Tag::Heading {
                    level: HeadingLevel::H1,
                    ..
                }
            ) {
                r.add(
                    "line 1",
                    "the prose must open with a level-1 heading (# Title)",
                );
            }
        }
        match &event {
            Event::Start(Tag::CodeBlock(CodeBlockKind::Fenced(info))) => {
                let kind = info.split_whitespace().next().unwrap_or_default();
                if !FENCES.contains(&kind) {
                    r.add(
                        format!("line {}", line_of(range.start)),
                        format!(
                            "unknown fence {kind:?}: use one of {}",
                            FENCES
                                .iter()
                                .map(|f| format!("{f:?}"))
                                .collect::<Vec<_>>()
                                .join(", ")
                        ),
                    );
                }
            }
            Event::Start(Tag::Table(_) | Tag::FootnoteDefinition(_)) => r.add(
                format!("line {}", line_of(range.start)),
                "tables and footnotes are not rendered in the terminal: use a list",
            ),
            Event::Html(_) | Event::InlineHtml(_) => r.add(
                format!("line {}", line_of(range.start)),
                "raw HTML is shown as is in the terminal: use Markdown",
            ),
            _ => {}
        }
        match &event {
            Event::Start(Tag::CodeBlock(_)) => depth += 1,
            Event::End(pulldown_cmark::TagEnd::CodeBlock) => depth = depth.saturating_sub(1),
            Event::Text(t) if depth == 0 => cjk_in_text |= t.chars().any(is_cjk),
            _ => {}
        }
    }
    match (lang, cjk_in_text) {
        (Lang::Zh, false) => r.add("", "zh.md has no Chinese text: is it the English file?"),
        (Lang::En, true) => r.add(
            "",
            "en.md has Chinese text outside code blocks: is it the Chinese file?",
        ),
        _ => {}
    }
}
