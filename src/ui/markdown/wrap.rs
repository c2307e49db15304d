//! Inline text broken into lines by display width: a CJK character counts two
//! columns, Latin words break at spaces, Chinese may break between any two
//! characters except before closing or after opening punctuation, and inline
//! code never breaks unless it is wider than the line.
use console::Style;

/// How a piece of inline text is styled.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub(crate) struct Span {
    pub bold: bool,
    pub italic: bool,
    pub code: bool,
    pub link: bool,
    pub dim: bool,
    pub strike: bool,
}

impl Span {
    fn style(self, styled: Option<bool>) -> Style {
        let mut s = Style::new();
        if let Some(force) = styled {
            s = s.force_styling(force);
        }
        if self.bold {
            s = s.bold();
        }
        if self.italic {
            s = s.italic();
        }
        if self.code {
            s = s.cyan();
        }
        if self.link {
            s = s.underlined().blue();
        }
        if self.dim {
            s = s.dim();
        }
        if self.strike {
            s = s.strikethrough();
        }
        s
    }

    pub fn paint(self, text: &str, styled: Option<bool>) -> String {
        if self == Span::default() {
            return text.to_string();
        }
        self.style(styled).apply_to(text).to_string()
    }
}

/// Inline content as it is collected from the Markdown events.
#[derive(Debug, Clone)]
pub(crate) enum Piece {
    Text(String, Span),
    /// A source line break: a space between Latin words, nothing in Chinese.
    Soft,
    /// A forced line break.
    Hard,
}

pub(crate) fn char_width(c: char) -> usize {
    let mut buf = [0u8; 4];
    console::measure_text_width(c.encode_utf8(&mut buf))
}

fn wide(c: char) -> bool {
    char_width(c) >= 2 || is_cjk(c)
}

const NO_BREAK_BEFORE: &str = "，。、；：！？）】」』》〉”’…—·,.;:!?)]}%）］｝％";
const NO_BREAK_AFTER: &str = "（【「『《〈“‘([{（［｛";

fn may_break_between(a: (char, Span), b: (char, Span)) -> bool {
    !(a.1.code && b.1.code)
        && (wide(a.0) || wide(b.0))
        && !NO_BREAK_BEFORE.contains(b.0)
        && !NO_BREAK_AFTER.contains(a.0)
}

#[derive(Debug)]
enum Token {
    Word(Vec<(char, Span)>),
    Space,
    Newline,
}

fn tokens(pieces: &[Piece]) -> Vec<Token> {
    // Flatten to styled characters; a soft break becomes a space unless wide
    // characters stand on both sides of it (Chinese runs on without spaces, but
    // keeps one between a Chinese and a Latin word) or it touches full-width
    // punctuation, which carries its own space.
    let mut cells: Vec<Option<(char, Span)>> = Vec::new();
    for (i, p) in pieces.iter().enumerate() {
        match p {
            Piece::Text(t, span) => cells.extend(t.chars().map(|c| Some((c, *span)))),
            Piece::Hard => cells.push(None),
            Piece::Soft => {
                let before = cells.iter().rev().flatten().next().map(|c| c.0);
                let after = pieces[i + 1..].iter().find_map(|p| match p {
                    Piece::Text(t, _) => t.chars().next(),
                    _ => None,
                });
                let punct = |c: Option<char>| c.is_some_and(|c| wide(c) && !is_cjk(c));
                let joined = before.is_some_and(wide) && after.is_some_and(wide);
                if !(joined || punct(before) || punct(after)) {
                    cells.push(Some((' ', Span::default())));
                }
            }
        }
    }
    let mut out = Vec::new();
    let mut word: Vec<(char, Span)> = Vec::new();
    for cell in cells {
        match cell {
            None => {
                flush(&mut word, &mut out);
                out.push(Token::Newline);
            }
            Some((c, span)) if c.is_whitespace() && !span.code => {
                flush(&mut word, &mut out);
                out.push(Token::Space);
            }
            Some(cell) => {
                if word
                    .last()
                    .is_some_and(|last| may_break_between(*last, cell))
                {
                    flush(&mut word, &mut out);
                }
                word.push(cell);
            }
        }
    }
    flush(&mut word, &mut out);
    out
}

fn flush(word: &mut Vec<(char, Span)>, out: &mut Vec<Token>) {
    if !word.is_empty() {
        out.push(Token::Word(std::mem::take(word)));
    }
}

/// Breaks the pieces into lines of at most `width` columns, each painted.
pub(crate) fn wrap(pieces: &[Piece], width: usize, styled: Option<bool>) -> Vec<String> {
    let width = width.max(1);
    let mut lines: Vec<Vec<(char, Span)>> = vec![Vec::new()];
    let mut used = 0;
    let mut space = false;
    for token in tokens(pieces) {
        match token {
            Token::Newline => {
                lines.push(Vec::new());
                (used, space) = (0, false);
            }
            Token::Space => space = used > 0,
            Token::Word(w) => {
                let ww: usize = w.iter().map(|c| char_width(c.0)).sum();
                let gap = usize::from(space);
                if used > 0 && used + gap + ww > width {
                    lines.push(Vec::new());
                    (used, space) = (0, false);
                }
                let line = lines.last_mut().expect("at least one line");
                if space && used > 0 {
                    line.push((' ', Span::default()));
                    used += 1;
                }
                space = false;
                for cell in w {
                    let cw = char_width(cell.0);
                    // A word wider than the line is cut where it reaches the edge.
                    if used > 0 && used + cw > width {
                        lines.push(Vec::new());
                        used = 0;
                    }
                    lines.last_mut().expect("at least one line").push(cell);
                    used += cw;
                }
            }
        }
    }
    lines.iter().map(|l| paint(l, styled)).collect()
}

fn paint(cells: &[(char, Span)], styled: Option<bool>) -> String {
    let mut out = String::new();
    let mut run = String::new();
    let mut current: Option<Span> = None;
    for (c, span) in cells {
        if current.is_some_and(|s| s != *span) {
            out += &current.unwrap_or_default().paint(&run, styled);
            run.clear();
        }
        current = Some(*span);
        run.push(*c);
    }
    out + &current.unwrap_or_default().paint(&run, styled)
}

/// A character of a CJK script: a line may break before or after it.
fn is_cjk(c: char) -> bool {
    matches!(c as u32,
        0x3400..=0x4DBF | 0x4E00..=0x9FFF | 0xF900..=0xFAFF | 0x20000..=0x2FA1F)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn plain(s: &str) -> Vec<Piece> {
        vec![Piece::Text(s.to_string(), Span::default())]
    }

    #[test]
    fn latin_wraps_at_spaces() {
        let lines = wrap(&plain("the quick brown fox jumps over"), 10, Some(false));
        assert_eq!(lines, ["the quick", "brown fox", "jumps over"]);
    }

    #[test]
    fn chinese_wraps_by_display_width_and_keeps_punctuation() {
        let lines = wrap(&plain("连接跟踪表满了，新的连接被丢弃。"), 10, Some(false));
        for l in &lines {
            assert!(
                console::measure_text_width(l) <= 10,
                "{l:?} is wider than 10"
            );
            assert!(
                !l.starts_with('，') && !l.starts_with('。'),
                "{l:?} starts with punctuation"
            );
        }
        assert_eq!(lines.concat(), "连接跟踪表满了，新的连接被丢弃。");
    }

    #[test]
    fn soft_breaks_join_chinese_without_a_space_but_not_latin() {
        let pieces = vec![
            Piece::Text("连接".into(), Span::default()),
            Piece::Soft,
            Piece::Text("跟踪".into(), Span::default()),
            Piece::Soft,
            Piece::Text("is full".into(), Span::default()),
        ];
        assert_eq!(wrap(&pieces, 80, Some(false)), ["连接跟踪 is full"]);
        let latin = vec![
            Piece::Text("a".into(), Span::default()),
            Piece::Soft,
            Piece::Text("b".into(), Span::default()),
        ];
        assert_eq!(wrap(&latin, 80, Some(false)), ["a b"]);
        let after_punct = vec![
            Piece::Text("画图；".into(), Span::default()),
            Piece::Soft,
            Piece::Text("perflab".into(), Span::default()),
        ];
        assert_eq!(wrap(&after_punct, 80, Some(false)), ["画图；perflab"]);
    }

    #[test]
    fn inline_code_stays_whole_and_long_words_are_cut() {
        let code = Span {
            code: true,
            ..Span::default()
        };
        let pieces = vec![
            Piece::Text("run ".into(), Span::default()),
            Piece::Text("ss -ltn".into(), code),
            Piece::Text(" now".into(), Span::default()),
        ];
        assert_eq!(wrap(&pieces, 8, Some(false)), ["run", "ss -ltn", "now"]);
        assert_eq!(
            wrap(&plain("abcdefghij"), 4, Some(false)),
            ["abcd", "efgh", "ij"]
        );
    }

    #[test]
    fn styles_are_applied_when_forced() {
        let bold = Span {
            bold: true,
            ..Span::default()
        };
        let lines = wrap(&[Piece::Text("hi".into(), bold)], 10, Some(true));
        assert!(lines[0].contains("\u{1b}["), "{:?}", lines[0]);
        assert_eq!(console::strip_ansi_codes(&lines[0]), "hi");
    }
}
