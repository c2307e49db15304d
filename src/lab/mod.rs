//! The lab layer: the seam between the course and the machines. It holds the
//! [`LabOps`] seam and the [`RealLab`] behind it, the one definition of the
//! standard load ([`STANDARD`]), the measured run ([`measured_run`], which the
//! flame recording uses too, with its load beside the lab, [`beside`]), and one way to open a lab session
//! ([`LabSession::open`]). It reports to the [`LabSink`] it is given and never
//! writes to the terminal.
pub mod beside;
mod error;
mod events;
mod evidence;
mod facts;
mod flame;
mod gauges;
pub mod kernel_copy;
pub mod mark;
mod measure;
mod ops;
pub mod prompt;
mod real;
mod reference;
pub mod route;
mod session;
mod settle;
mod shape;

pub use error::LabError;
pub use events::{engine_events, LabEvent, LabSink, Quiet};
pub use evidence::{collect, collect_since};
pub use facts::{Facts, RunFacts};
pub use flame::Recording;
pub use gauges::stream_gauges;
pub use measure::{duration_for_recording, measured_run, Extras, LoadPath, Measured};
pub use ops::{ExecTarget, LabOps};
pub use real::RealLab;
pub use reference::{apply_reference, live_value};
pub use session::{connect, LabSession};
pub use settle::{settle, Settled};
pub use shape::{defaults, LoadShape, STANDARD};
