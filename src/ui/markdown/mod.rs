//! Markdown to terminal text: headings, emphasis, inline code, code blocks
//! (indented, styled, never wrapped), nested lists, block quotes and links,
//! wrapped to a width measured in display columns. Styling goes through
//! `console`, which leaves it out when NO_COLOR is set or stdout is no terminal.
use pulldown_cmark::{Event, HeadingLevel, Parser};

use wrap::{wrap, Piece, Span};

mod blocks;
mod wrap;

/// Renders Markdown for a terminal `width` columns wide.
pub fn render_markdown(md: &str, width: usize) -> String {
    render_markdown_styled(md, width, None)
}

/// As [`render_markdown`]; `styled` forces styling on or off (`None`: console decides).
pub fn render_markdown_styled(md: &str, width: usize, styled: Option<bool>) -> String {
    let mut r = Renderer {
        width: width.max(16),
        styled,
        ..Renderer::default()
    };
    for event in Parser::new(md) {
        r.event(event);
    }
    r.flush();
    let mut text = r.lines.join("\n");
    text.push('\n');
    text
}

/// A block that prefixes the lines inside it: a quote bar, or a list bullet
/// on an item's first line and its width in spaces after.
#[derive(Debug)]
struct Container {
    first: String,
    rest: String,
    used: bool,
}

#[derive(Default)]
struct Renderer {
    width: usize,
    styled: Option<bool>,
    lines: Vec<String>,
    containers: Vec<Container>,
    /// Ordered lists' next number; `None` for a bullet list.
    lists: Vec<Option<u64>>,
    inline: Vec<Piece>,
    spans: Vec<Span>,
    links: Vec<String>,
    heading: Option<HeadingLevel>,
    code: Option<String>,
    blank: bool,
}

impl Renderer {
    fn span(&self) -> Span {
        self.spans.last().copied().unwrap_or_default()
    }

    fn push_span(&mut self, change: impl FnOnce(&mut Span)) {
        let mut s = self.span();
        change(&mut s);
        self.spans.push(s);
    }

    fn text(&mut self, t: &str, span: Span) {
        self.inline.push(Piece::Text(t.to_string(), span));
    }

    fn event(&mut self, event: Event<'_>) {
        match event {
            Event::Start(tag) => self.start(tag),
            Event::End(tag) => self.end(tag),
            Event::Text(t) => match &mut self.code {
                Some(code) => code.push_str(&t),
                None => self.text(&t, self.span()),
            },
            // Without colours the backticks stay, so a command still stands out.
            Event::Code(t) => match self.styled.unwrap_or_else(console::colors_enabled) {
                true => self.text(
                    &t,
                    Span {
                        code: true,
                        ..self.span()
                    },
                ),
                false => self.text(
                    &format!("`{t}`"),
                    Span {
                        code: true,
                        ..self.span()
                    },
                ),
            },
            Event::Html(t)
            | Event::InlineHtml(t)
            | Event::InlineMath(t)
            | Event::DisplayMath(t) => self.text(&t, self.span()),
            Event::FootnoteReference(t) => self.text(&format!("[{t}]"), self.span()),
            Event::SoftBreak => self.inline.push(Piece::Soft),
            Event::HardBreak => self.inline.push(Piece::Hard),
            Event::Rule => {
                self.begin_block();
                let bar = "─".repeat(self.avail().min(40));
                self.emit(vec![Span {
                    dim: true,
                    ..Span::default()
                }
                .paint(&bar, self.styled)]);
                self.blank = true;
            }
            Event::TaskListMarker(done) => {
                self.text(if done { "[x] " } else { "[ ] " }, self.span())
            }
        }
    }

    fn in_item(&self) -> bool {
        !self.lists.is_empty()
    }

    fn prefix_width(&self) -> usize {
        self.containers
            .iter()
            .map(|c| console::measure_text_width(&c.rest))
            .sum()
    }

    fn avail(&self) -> usize {
        self.width.saturating_sub(self.prefix_width()).max(8)
    }

    /// A blank line between blocks, carrying the quote bars around it.
    fn begin_block(&mut self) {
        if self.blank && !self.lines.is_empty() {
            let prefix: String = self.containers.iter().map(|c| c.rest.as_str()).collect();
            self.lines.push(prefix.trim_end().to_string());
        }
        self.blank = false;
    }

    fn take_lines(&mut self) -> Vec<String> {
        let pieces = std::mem::take(&mut self.inline);
        if pieces.is_empty() {
            return Vec::new();
        }
        wrap(&pieces, self.avail(), self.styled)
    }

    fn flush(&mut self) {
        let lines = self.take_lines();
        self.emit(lines);
    }

    /// Writes lines under the current containers' prefixes.
    fn emit(&mut self, lines: Vec<String>) {
        for line in lines {
            let prefix: String = self
                .containers
                .iter()
                .map(|c| {
                    if c.used {
                        c.rest.as_str()
                    } else {
                        c.first.as_str()
                    }
                })
                .collect();
            self.lines
                .push(format!("{prefix}{line}").trim_end().to_string());
            self.containers.iter_mut().for_each(|c| c.used = true);
        }
    }
}

#[cfg(test)]
mod tests;
