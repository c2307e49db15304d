//! `perflab challenge`: the broken server with every fault of the course at
//! once, no prose and no questions, a goal in figures, a clock, and hints that
//! cost points. The learner works at a lab prompt like the course's; a typed
//! line that is one of the lessons' fixes is applied as the course applies it,
//! and `check` measures the goal. The rules (goal, score, clock, which fault a
//! hint is about, how a stopped challenge resumes) are pure and tested here;
//! the rest drives the session.
mod broken_server;
mod ending;
pub mod faults;
mod flow;
pub mod goal;
mod play;
mod prompt;
pub mod score;
mod screens;
pub mod state;
pub mod words;

pub use flow::run;
pub use play::{stop_saved_clock, Options, Outcome};
pub use state::{ChallengeProgress, Request};
