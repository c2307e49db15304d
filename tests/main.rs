//! The integration tests: one binary (as casey/just has), a module per file,
//! all run through one harness ([`harness`]). Cargo.toml turns off the
//! discovery of one binary per file (`autotests = false`); `layers.rs` checks
//! that every file here is a module below.
//!
//! The tests of pure logic (`layers`, `lessons`, `tutor`, the fixtures of
//! `flame`, `class`) run beside each other; those that use Docker, change the
//! host or measure a load take the machine in turn ([`harness::serial`]).
mod harness;

mod auto;
mod bad_input;
mod beside;
mod challenge;
mod class;
mod class_browser;
mod class_course;
mod class_support;
mod daemon_restart;
mod flame;
mod image;
mod interrupt;
mod interrupt_build;
mod interrupt_fix;
mod interrupt_runs;
mod lab;
mod layers;
mod lessons;
mod load;
mod no_route;
mod probe;
mod safety;
mod security;
mod seed;
mod tutor;
mod tutor_tmux;
mod two_labs;
