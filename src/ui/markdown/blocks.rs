//! How the renderer opens and closes Markdown's blocks and inline styles.
use pulldown_cmark::{HeadingLevel, Tag, TagEnd};

use super::wrap::{Piece, Span};
use super::{Container, Renderer};

impl Renderer {
    pub(super) fn start(&mut self, tag: Tag<'_>) {
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

    pub(super) fn end(&mut self, tag: TagEnd) {
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
}
