//! The lesson's prose on the terminal, for the brief and the debrief.
use crate::ui::{render_markdown, Tone};

use crate::tutor::phrases as p;
use crate::tutor::screens;
use crate::tutor::session::{Flow, Session};

/// Markdown wrapped to the terminal, a screenful at a time when the learner
/// presses Enter between them.
pub(super) fn prose(s: &mut Session, md: &str) -> Flow<()> {
    let text = render_markdown(md, s.screen.width());
    let rows = match s.screen.height() {
        Some(h) if s.opts.pauses && !s.opts.yes => h.saturating_sub(3),
        _ => usize::MAX,
    };
    let pages = screens::pages(&text, rows);
    for (i, page) in pages.iter().enumerate() {
        s.say(Tone::Prose, page);
        if i + 1 < pages.len() {
            s.input(&p::MORE)?;
        }
    }
    Ok(())
}
