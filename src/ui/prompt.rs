//! Every question the tutor asks goes through [`Prompter`], so that it can be
//! answered without a terminal: dialoguer on a terminal, plain lines from a
//! pipe, or a script (tests and `--answers FILE`).
use std::collections::VecDeque;
use std::io::BufRead;

#[derive(Debug, thiserror::Error)]
pub enum PromptError {
    /// Ctrl-C at a prompt: the same path as Ctrl-C anywhere else.
    #[error("interrupted")]
    Interrupted,
    /// No more answers (end of input or of the answers file).
    #[error("no more answers (end of input)")]
    Eof,
    #[error("reading an answer: {0}")]
    Io(#[source] std::io::Error),
    /// An answer given in advance that is none of a menu's items.
    #[error("reading an answer: scripted answer {answer:?} is not one of {items:?}")]
    NotAChoice { answer: String, items: Vec<String> },
}

pub trait Prompter {
    /// One of `items`, by index.
    fn select(&mut self, prompt: &str, items: &[String]) -> Result<usize, PromptError>;
    /// A line of text: a command at the lab prompt, a fix, a value.
    fn input(&mut self, prompt: &str) -> Result<String, PromptError>;
}

/// On a terminal: arrow-key menus and line editing.
pub struct TerminalPrompter;

impl Prompter for TerminalPrompter {
    fn select(&mut self, prompt: &str, items: &[String]) -> Result<usize, PromptError> {
        let r = dialoguer::Select::with_theme(&dialoguer::theme::ColorfulTheme::default())
            .with_prompt(prompt)
            .items(items)
            .default(0)
            .interact_opt();
        match r {
            Ok(Some(i)) => Ok(i),
            Ok(None) => Err(PromptError::Interrupted),
            Err(e) => Err(from_dialoguer(e)),
        }
    }

    fn input(&mut self, prompt: &str) -> Result<String, PromptError> {
        dialoguer::Input::<String>::with_theme(&dialoguer::theme::ColorfulTheme::default())
            .with_prompt(prompt)
            .allow_empty(true)
            .interact_text()
            .map_err(from_dialoguer)
    }
}

fn from_dialoguer(e: dialoguer::Error) -> PromptError {
    // dialoguer hides the cursor while it draws; put it back whatever happened.
    let _ = console::Term::stderr().show_cursor();
    let dialoguer::Error::IO(io) = e;
    if io.kind() == std::io::ErrorKind::Interrupted {
        PromptError::Interrupted
    } else {
        PromptError::Io(io)
    }
}

/// Without a terminal: the prompt on stderr, the answer a line of stdin. A menu
/// is answered by its number or by the start of an item's text.
pub struct LinePrompter<R: BufRead> {
    input: R,
}

impl<R: BufRead> LinePrompter<R> {
    pub fn new(input: R) -> Self {
        LinePrompter { input }
    }
}

impl<R: BufRead> Prompter for LinePrompter<R> {
    fn select(&mut self, prompt: &str, items: &[String]) -> Result<usize, PromptError> {
        super::prompt_menu(prompt, items);
        loop {
            let line = self.input("choose by number")?;
            match pick(&line, items) {
                Some(i) => return Ok(i),
                None => super::warn(&format!(
                    "{line:?} is not a choice: type a number from 1 to {}",
                    items.len()
                )),
            }
        }
    }

    fn input(&mut self, prompt: &str) -> Result<String, PromptError> {
        super::prompt_line(prompt);
        let mut line = String::new();
        match self.input.read_line(&mut line) {
            Ok(0) => Err(PromptError::Eof),
            Ok(_) => Ok(line.trim_end_matches(['\n', '\r']).to_string()),
            Err(e) => Err(PromptError::Io(e)),
        }
    }
}

/// Answers given in advance, one per question, in order (tests, `--answers FILE`).
/// A line `^C` stands for Ctrl-C at that prompt.
pub struct ScriptedPrompter {
    answers: VecDeque<String>,
    /// Every prompt asked, for tests.
    pub asked: Vec<String>,
}

impl ScriptedPrompter {
    pub fn new<I: IntoIterator<Item = S>, S: Into<String>>(answers: I) -> Self {
        ScriptedPrompter {
            answers: answers.into_iter().map(Into::into).collect(),
            asked: Vec::new(),
        }
    }

    /// An answers file: one answer per line; blank lines and `#` comments skipped.
    pub fn from_file_text(text: &str) -> Self {
        Self::new(
            text.lines()
                .map(str::trim)
                .filter(|l| !l.is_empty() && !l.starts_with('#')),
        )
    }

    fn next(&mut self, prompt: &str) -> Result<String, PromptError> {
        self.asked.push(prompt.to_string());
        match self.answers.pop_front() {
            Some(a) if a == "^C" => Err(PromptError::Interrupted),
            Some(a) => {
                super::prompt_answered(prompt, &a);
                Ok(a)
            }
            None => Err(PromptError::Eof),
        }
    }

    pub fn remaining(&self) -> usize {
        self.answers.len()
    }
}

impl Prompter for ScriptedPrompter {
    fn select(&mut self, prompt: &str, items: &[String]) -> Result<usize, PromptError> {
        let a = self.next(prompt)?;
        pick(&a, items).ok_or_else(|| PromptError::NotAChoice {
            answer: a.clone(),
            items: items.to_vec(),
        })
    }

    fn input(&mut self, prompt: &str) -> Result<String, PromptError> {
        self.next(prompt)
    }
}

/// A menu answer: `2` (1-based) or the start of an item's text.
fn pick(answer: &str, items: &[String]) -> Option<usize> {
    let a = answer.trim();
    if let Ok(n) = a.parse::<usize>() {
        return (1..=items.len()).contains(&n).then(|| n - 1);
    }
    if a.is_empty() {
        return None;
    }
    let lower = a.to_lowercase();
    items
        .iter()
        .position(|i| i.to_lowercase().starts_with(&lower))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn menus_take_numbers_or_text_starts() {
        let items = vec![
            "conntrack table full".to_string(),
            "too few workers".to_string(),
        ];
        assert_eq!(pick("2", &items), Some(1));
        assert_eq!(pick("Too few", &items), Some(1));
        assert_eq!(pick("0", &items), None);
        assert_eq!(pick("3", &items), None);
        assert_eq!(pick("", &items), None);
    }

    #[test]
    fn line_prompter_reprompts_and_ends_at_eof() {
        let mut p = LinePrompter::new(std::io::Cursor::new("9\n1\nsysctl -a\n"));
        let items = vec!["a".to_string(), "b".to_string()];
        assert_eq!(p.select("pick", &items).unwrap(), 0);
        assert_eq!(p.input("cmd").unwrap(), "sysctl -a");
        assert!(matches!(p.input("cmd"), Err(PromptError::Eof)));
    }

    #[test]
    fn scripted_answers_and_ctrl_c() {
        let mut p = ScriptedPrompter::from_file_text("# stage 1\n2\n\n^C\n");
        assert_eq!(p.select("q", &["x".into(), "y".into()]).unwrap(), 1);
        assert!(matches!(p.input("cmd"), Err(PromptError::Interrupted)));
        assert!(matches!(p.input("cmd"), Err(PromptError::Eof)));
        assert_eq!(p.asked.len(), 3);
    }
}
