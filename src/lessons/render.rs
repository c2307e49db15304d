//! Markdown to terminal text: headings, emphasis, inline code, code blocks
//! (indented, styled, never wrapped), nested lists, block quotes and links,
//! wrapped to a width measured in display columns. Styling goes through
//! `console`, which leaves it out when NO_COLOR is set or stdout is no terminal.
use pulldown_cmark::{Event, HeadingLevel, Parser, Tag, TagEnd};

use super::wrap::{wrap, Piece, Span};

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

    fn start(&mut self, tag: Tag<'_>) {
        match tag {
            Tag::Paragraph | Tag::HtmlBlock | Tag::Table(_) | Tag::FootnoteDefinition(_) => {
                self.begin_block()
            }
            Tag::Heading { level, .. } => {
                self.begin_block();
                self.heading = Some(level);
                self.push_span(|s| s.bold = true);
            }
            Tag::BlockQuote(_) => {
                self.begin_block();
                let bar = Span {
                    dim: true,
                    ..Span::default()
                }
                .paint("│ ", self.styled);
                self.containers.push(Container {
                    first: bar.clone(),
                    rest: bar,
                    used: false,
                });
            }
            Tag::CodeBlock(_) => {
                self.begin_block();
                self.code = Some(String::new());
            }
            Tag::List(start) => {
                self.flush();
                if !self.in_item() {
                    self.begin_block();
                }
                self.lists.push(start);
            }
            Tag::Item => {
                self.flush();
                self.begin_block();
                let depth = self.lists.len();
                let marker = match self.lists.last_mut() {
                    Some(Some(n)) => {
                        *n += 1;
                        format!("{}. ", *n - 1)
                    }
                    _ => format!("{} ", ["•", "◦", "▪"][(depth.max(1) - 1) % 3]),
                };
                let rest = " ".repeat(console::measure_text_width(&marker));
                self.containers.push(Container {
                    first: marker,
                    rest,
                    used: false,
                });
            }
            Tag::Emphasis => self.push_span(|s| s.italic = true),
            Tag::Strong => self.push_span(|s| s.bold = true),
            Tag::Strikethrough => self.push_span(|s| s.strike = true),
            Tag::Link { dest_url, .. } => {
                self.links.push(dest_url.to_string());
                self.push_span(|s| s.link = true);
            }
            Tag::Image { .. } => self.push_span(|s| s.italic = true),
            _ => {}
        }
    }

    fn end(&mut self, tag: TagEnd) {
        match tag {
            TagEnd::Paragraph | TagEnd::HtmlBlock | TagEnd::Table | TagEnd::FootnoteDefinition => {
                self.flush();
                self.blank = true;
            }
            TagEnd::Heading(_) => {
                self.spans.pop();
                let level = self.heading.take();
                let lines = self.take_lines();
                let longest = lines
                    .iter()
                    .map(|l| console::measure_text_width(l))
                    .max()
                    .unwrap_or(0);
                self.emit(lines);
                let rule = match level {
                    Some(HeadingLevel::H1) => Some("═"),
                    Some(HeadingLevel::H2) => Some("─"),
                    _ => None,
                };
                if let Some(rule) = rule {
                    self.emit(vec![rule.repeat(longest)]);
                }
                self.blank = true;
            }
            TagEnd::BlockQuote(_) => {
                self.flush();
                self.containers.pop();
                self.blank = true;
            }
            TagEnd::CodeBlock => {
                let code = self.code.take().unwrap_or_default();
                let span = Span {
                    code: true,
                    ..Span::default()
                };
                let lines = code
                    .trim_end_matches('\n')
                    .lines()
                    .map(|l| format!("    {}", span.paint(l, self.styled)));
                self.emit(lines.map(|l| l.trim_end().to_string()).collect());
                self.blank = true;
            }
            TagEnd::List(_) => {
                self.flush();
                self.lists.pop();
                // A nested list belongs to its item: no blank line after it.
                self.blank = self.lists.is_empty();
            }
            TagEnd::Item => {
                self.flush();
                if self.containers.last().is_some_and(|c| !c.used) {
                    self.emit(vec![String::new()]);
                }
                self.containers.pop();
            }
            TagEnd::Emphasis | TagEnd::Strong | TagEnd::Strikethrough | TagEnd::Image => {
                self.spans.pop();
            }
            TagEnd::Link => {
                self.spans.pop();
                let url = self.links.pop().unwrap_or_default();
                let shown: String = self
                    .inline
                    .iter()
                    .rev()
                    .map_while(|p| match p {
                        Piece::Text(t, s) if s.link => Some(t.as_str()),
                        _ => None,
                    })
                    .collect::<Vec<_>>()
                    .into_iter()
                    .rev()
                    .collect();
                if !url.is_empty() && shown != url && !url.starts_with('#') {
                    self.text(" ", self.span());
                    self.text(
                        &format!("({url})"),
                        Span {
                            dim: true,
                            ..self.span()
                        },
                    );
                }
            }
            _ => {}
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
#[path = "render_tests.rs"]
mod tests;
