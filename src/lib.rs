//! perflab: a hands-on lab for Linux network-performance troubleshooting.
//!
//! The modules are listed in their layer order, top to bottom. Data flows one
//! way: a module uses only the modules listed after it, never one before it
//! (`tests/layers.rs` checks this, and that no two files use each other).
//!
//! - `cli` parses, builds the context once ([`config::Settings`], the
//!   cancellation), and calls the library; it is the only place that knows every
//!   layer, and it plugs the presenters into the layers' event sinks.
//! - `report` writes the learner's course as Markdown and HTML.
//! - `tutor` is the course: the state machine, grading and progress.
//! - `class` is the classroom: the instructor's server and page, and the
//!   learner's queue of course events sent in the background.
//! - `present` holds the presenters: the words for what the layers below
//!   measure and report, and the terminal's sink for their events.
//! - `lab` is the seam to the machines: one way to open a lab session, the
//!   standard load, the measured run.
//! - `flame`, `engine`, `probe`, `load` are the machines: perf and flame graphs,
//!   the Docker lifecycle and the host journal, the kernel and service evidence,
//!   the load generator. They report through sinks they are given and never
//!   write to the terminal.
//! - `lessons` is the course as data, and its validation.
//! - `config` is the stage plan, the config templates and the settings.
//! - `files` writes files that survive a crash.
//! - `ui` is the only code that writes to the terminal; it depends on nothing
//!   else here. Only `cli`, `tutor` and the presenters (`present`, `report`)
//!   use it.
pub mod cli;
pub mod report;
pub mod tutor;
pub mod class;
pub mod present;
pub mod lab;
pub mod flame;
pub mod engine;
pub mod probe;
pub mod load;
pub mod lessons;
pub mod config;
pub mod files;
pub mod ui;
