//! The presenters: the words and tables for what the lower layers measure and
//! report, and the terminal's sink for the lab's events. They build text and
//! hand it to `ui`, the only code that writes to the terminal; nothing below
//! them knows how anything looks.
pub mod deltas;
pub mod engine;
pub mod failure;
pub mod flame;
pub mod load;
pub mod load_words;
pub mod probe;
pub mod probe_words;
pub mod term;

pub use term::TermSink;
