//! Checks of a stage's prose (`brief.en.md`, `debrief.zh.md`, ...): not empty,
//! no level-1 heading (the tutor prints the stage's title), a short brief, fences
//! of known kinds, and the right language. (That every lesson renders in
//! the terminal, within its width, is a test of `ui`'s renderer over the course.)
use pulldown_cmark::{CodeBlockKind, Event, HeadingLevel, Parser, Tag};

use super::problem::Report;
use super::text::{is_cjk, Lang};

/// The info strings a fenced code block may carry.
pub const FENCES: &[&str] = &["", "console", "text", "sh", "nginx", "ini", "toml"];

/// The most non-blank lines a brief may have: it is a ticket, not a chapter.
pub const BRIEF_LINES: usize = 15;

/// Which of a stage's two prose files.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Brief,
    Debrief,
}

impl Kind {
    /// The file's name in the stage folder: `brief.en.md`.
    pub fn file(self, lang: Lang) -> String {
        let stem = match self {
            Kind::Brief => "brief",
            Kind::Debrief => "debrief",
        };
        format!("{stem}.{}.md", lang.code())
    }
}

pub(crate) fn check(md: &str, kind: Kind, lang: Lang, r: &mut Report<'_>) {
    if md.trim().is_empty() {
        return r.add("", "empty prose: write the stage's text");
    }
    let lines = md.lines().filter(|l| !l.trim().is_empty()).count();
    if kind == Kind::Brief && lines > BRIEF_LINES {
        r.add(
            "",
            format!("the brief has {lines} non-blank lines: keep it to at most {BRIEF_LINES}, and move the explanation to the debrief"),
        );
    }
    let line_of = |offset: usize| md[..offset.min(md.len())].matches('\n').count() + 1;
    let mut depth = 0usize;
    let mut cjk_in_text = false;
    for (event, range) in Parser::new(md).into_offset_iter() {
        if let Event::Start(Tag::Heading {
            level: HeadingLevel::H1,
            ..
        }) = &event
        {
            r.add(
                format!("line {}", line_of(range.start)),
                "no level-1 heading: the tutor prints the stage's title; use ## for sections",
            );
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
    let name = kind.file(lang);
    match (lang, cjk_in_text) {
        (Lang::Zh, false) => r.add(
            "",
            format!("{name} has no Chinese text: is it the English file?"),
        ),
        (Lang::En, true) => r.add(
            "",
            format!("{name} has Chinese text outside code blocks: is it the Chinese file?"),
        ),
        _ => {}
    }
}
