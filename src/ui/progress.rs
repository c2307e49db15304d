//! Spinners and bars on stderr, hidden when stderr is not a terminal. Lines printed
//! while a bar is shown go through it, so they do not tear the bar.
use std::sync::Mutex;
use std::time::Duration;

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};

static ACTIVE: Mutex<Option<ProgressBar>> = Mutex::new(None);

/// A spinner with a message, for anything slow. Dropping it clears it.
pub struct Progress {
    bar: ProgressBar,
}

impl Progress {
    pub fn spinner(msg: &str) -> Progress {
        let bar = ProgressBar::with_draw_target(None, ProgressDrawTarget::stderr());
        if !console::Term::stderr().is_term() {
            bar.set_draw_target(ProgressDrawTarget::hidden());
        }
        bar.set_style(
            ProgressStyle::with_template("{spinner:.cyan} {msg} {elapsed:.dim}")
                .expect("a valid template")
                .tick_chars("⠋⠙⠹⠸⠼⠴⠦⠧⠇⠏ "),
        );
        bar.set_message(msg.to_string());
        bar.enable_steady_tick(Duration::from_millis(100));
        *ACTIVE.lock().unwrap_or_else(|e| e.into_inner()) = Some(bar.clone());
        Progress { bar }
    }

    pub fn set_message(&self, msg: impl Into<String>) {
        self.bar.set_message(msg.into());
    }

    /// Prints above the active bar if there is one, else to stderr.
    pub fn println_global(line: &str) {
        let active = ACTIVE.lock().unwrap_or_else(|e| e.into_inner()).clone();
        match active {
            Some(bar) if !bar.is_hidden() && !bar.is_finished() => bar.println(line),
            _ => eprintln!("{line}"),
        }
    }
}

impl Drop for Progress {
    fn drop(&mut self) {
        self.bar.finish_and_clear();
        let mut active = ACTIVE.lock().unwrap_or_else(|e| e.into_inner());
        if active.as_ref().is_some_and(|b| b.is_finished()) {
            *active = None;
        }
    }
}
