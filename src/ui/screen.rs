//! Where the course's text goes. The tutor writes through [`Screen`] so that
//! tests can read what a learner would have seen; [`TermScreen`] is the real one:
//! stdout, styled when stdout is a terminal (console leaves styles out otherwise
//! and under `NO_COLOR`).
use console::style;

/// How a piece of the course's text is shown.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Tone {
    /// A stage's or step's title.
    Heading,
    /// Lesson prose, already rendered for the terminal.
    Prose,
    /// Tables, figures, lists.
    Plain,
    /// What a command printed, unchanged.
    Output,
    /// A right answer, a passed check, something done.
    Good,
    /// A wrong answer, a refused value, a failed check.
    Bad,
    /// A remark of the tutor.
    Note,
    /// Something the learner must not miss (a change to their host).
    Warn,
}

pub trait Screen {
    fn show(&mut self, tone: Tone, text: &str);
    /// Columns to wrap prose at.
    fn width(&self) -> usize;
    /// Rows the learner sees at once, when the screen is a terminal.
    fn height(&self) -> Option<usize> {
        None
    }
}

/// The terminal (or whatever stdout is).
pub struct TermScreen;

/// Prose wider than this is hard to read, whatever the terminal's width.
const MAX_WIDTH: usize = 100;

impl Screen for TermScreen {
    fn show(&mut self, tone: Tone, text: &str) {
        let text = text.trim_end_matches('\n');
        let mark = match tone {
            Tone::Heading => return println!("\n{}", style(text).bold().underlined()),
            Tone::Prose | Tone::Plain | Tone::Output => return println!("{text}"),
            Tone::Good => style("✓").green().bold(),
            Tone::Bad => style("✗").red().bold(),
            Tone::Note => style("·").dim(),
            Tone::Warn => style("!").yellow().bold(),
        };
        // The tutor's remarks and the lessons' short texts carry `code` spans:
        // rendered like the prose, wrapped under their mark.
        let body = super::render_markdown(text, self.width().saturating_sub(2));
        for (i, line) in body.trim_end().lines().enumerate() {
            match i {
                0 => println!("{mark} {line}"),
                _ => println!("  {line}"),
            }
        }
    }

    fn height(&self) -> Option<usize> {
        super::terminal_size().map(|(_, rows)| usize::from(rows))
    }

    fn width(&self) -> usize {
        super::terminal_size()
            .map(|(cols, _)| usize::from(cols).saturating_sub(2))
            .unwrap_or(80)
            .clamp(40, MAX_WIDTH)
    }
}
