//! A few lines redrawn in place on stderr while something runs (the load view).
//! Shown only when both stdout and stderr are terminals: with output piped or
//! saved, nothing is drawn and the results stay clean.
use console::Term;

pub struct LiveView {
    term: Term,
    drawn: usize,
}

impl LiveView {
    /// A view, or None when there is no terminal to draw on.
    pub fn start() -> Option<LiveView> {
        let term = Term::stderr();
        (super::stdout_is_terminal() && term.is_term()).then(|| {
            let _ = term.hide_cursor();
            LiveView { term, drawn: 0 }
        })
    }

    /// Replaces the previously drawn lines with these.
    pub fn draw(&mut self, lines: &[&str]) {
        let _ = self.term.clear_last_lines(self.drawn);
        let width = usize::from(self.term.size().1).max(20);
        for line in lines {
            let _ = self
                .term
                .write_line(&console::truncate_str(line, width - 1, "…"));
        }
        self.drawn = lines.len();
    }
}

impl Drop for LiveView {
    fn drop(&mut self) {
        let _ = self.term.clear_last_lines(self.drawn);
        let _ = self.term.show_cursor();
    }
}
