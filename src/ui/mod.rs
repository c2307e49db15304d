//! The only code that writes to the terminal, and the bottom of the house: it
//! depends on no other module of perflab. It owns the prompting trait (with its
//! terminal, plain-line and scripted answers), the Markdown renderer, tables,
//! spinners and live views; the layers above build the words and hand them here.
//! Progress bars hide themselves when stderr is not a terminal; `NO_COLOR` is
//! honoured by `console`.
mod block;
mod chain;
mod live;
mod log;
mod markdown;
mod progress;
mod prompt;
mod raw;
mod screen;
mod sparkline;
pub mod table;

pub use block::LiveBlock;
pub use chain::{chain_text, error_text};
pub use live::LiveView;
pub use log::init_log;
pub use markdown::{render_markdown, render_markdown_styled};
pub use progress::Progress;
pub use prompt::{LinePrompter, PromptError, Prompter, ScriptedPrompter, TerminalPrompter};
pub use raw::{passthrough, terminal_size, RawMode};
pub use screen::{Screen, TermScreen, Tone};
pub use sparkline::sparkline;

use console::style;

/// An error the user has already been told about: exit non-zero without printing again.
#[derive(Debug, thiserror::Error)]
#[error("{0}")]
pub struct Reported(pub String);

/// A line of information on stderr (stdout is kept for results and JSON).
pub fn info(msg: &str) {
    Progress::println_global(&format!("{} {msg}", style("·").dim()));
}

/// A step that finished.
pub fn done(msg: &str) {
    Progress::println_global(&format!("{} {msg}", style("✓").green()));
}

pub fn warn(msg: &str) {
    Progress::println_global(&format!("{} {msg}", style("warning:").yellow().bold()));
}

pub fn error(msg: &str) {
    eprintln!("{} {msg}", style("error:").red().bold());
}

/// Results go to stdout, so they can be piped.
pub fn out(text: &str) {
    println!("{text}");
}

/// Whether stdout is a terminal: live views and colours only then.
pub fn stdout_is_terminal() -> bool {
    console::Term::stdout().is_term()
}

/// A numbered menu for line-based prompting (no terminal).
pub fn prompt_menu(prompt: &str, items: &[String]) {
    eprintln!("{}", style(prompt).bold());
    for (i, item) in items.iter().enumerate() {
        eprintln!("  {}. {item}", i + 1);
    }
}

/// The prompt of a line-based question.
pub fn prompt_line(prompt: &str) {
    use std::io::Write;
    eprint!("{} ", style(format!("{prompt}>")).cyan());
    let _ = std::io::stderr().flush();
}

/// A question answered from a script, echoed so the transcript reads like a session.
pub fn prompt_answered(prompt: &str, answer: &str) {
    eprintln!("{} {answer}", style(format!("{prompt}>")).cyan());
}
