//! A block of text redrawn in place once a second (`perflab probe --watch`), or,
//! when stdout is not a terminal, one line a second so a log or a pipe gets a
//! readable record.
use console::Term;

pub struct LiveBlock {
    term: Term,
    drawn: usize,
    in_place: bool,
}

impl LiveBlock {
    pub fn new() -> LiveBlock {
        let term = Term::stdout();
        let in_place = term.is_term();
        LiveBlock {
            term,
            drawn: 0,
            in_place,
        }
    }

    /// Whether the block is redrawn in place (stdout is a terminal).
    pub fn in_place(&self) -> bool {
        self.in_place
    }

    /// Replaces the block shown last with `block`; without a terminal, prints
    /// `line` instead.
    pub fn show(&mut self, block: &str, line: &str) {
        if !self.in_place {
            super::out(line);
            return;
        }
        // A failed clear only leaves an extra copy on screen: nothing to report.
        let _ = self.term.clear_last_lines(self.drawn);
        let _ = self.term.write_line(block);
        self.drawn = rows(block, self.term.size().1);
    }
}

/// Screen rows `block` takes on a terminal `cols` wide: long lines wrap, and a
/// wrapped line left uncleared would tear the next frame.
fn rows(block: &str, cols: u16) -> usize {
    let cols = usize::from(cols.max(1));
    block
        .lines()
        .map(|l| console::measure_text_width(l).max(1).div_ceil(cols))
        .sum()
}

impl Default for LiveBlock {
    fn default() -> Self {
        Self::new()
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn wrapped_lines_count_as_several_rows() {
        assert_eq!(super::rows("ab\n\ncdef", 80), 3);
        assert_eq!(super::rows(&"x".repeat(81), 80), 2);
        assert_eq!(super::rows(&"x".repeat(160), 80), 2);
    }
}
