//! perflab: a hands-on lab for Linux network-performance troubleshooting.
//!
//! Data flows one way: `config` (stage data) and `lessons` → `cli` → `engine`
//! (Docker lifecycle, host journal) / `load` (the generator) / `probe` (kernel and
//! service evidence) / `flame`. Only `ui` writes to the terminal.
pub mod class;
pub mod cli;
pub mod config;
pub mod engine;
pub mod flame;
pub mod lessons;
pub mod load;
pub mod measure;
pub mod probe;
pub mod report;
pub mod tutor;
pub mod ui;
