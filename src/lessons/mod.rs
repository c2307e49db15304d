//! The guided course as data: one folder per stage under `lessons/`, each with
//! its steps (`stage.toml`, see [`schema`]) and its prose in English and Chinese
//! (`en.md`, `zh.md`), embedded in the binary.
//!
//! Data flows one way: files → [`Course::load`] (parse, then validate every rule,
//! each problem naming its file and field) → the tutor. `perflab dev check` runs
//! the same validation and prints every problem. This module is data and its
//! validation only: `ui` draws the prose.
mod agree;
pub mod check;
mod check_rules;
mod course;
mod embedded;
pub mod fields;
pub mod fix;
mod input;
mod problem;
mod prose;
pub mod schema;
mod source;
mod text;
mod validate;

pub use agree::HOST_SYSCTLS;
pub use check::{At, Check, Compare, Expect, Measure, Op, Operand, Predicate};
pub use course::{Course, Files, Lesson, STAGES};
pub use embedded::files as embedded_files;
pub use fields::{FieldInfo, FieldKind, FieldRef, KeyKind, CATALOG, KNOB_SETTINGS, SYSCTLS};
pub use fix::{Change, Fix, Need, Service, Target, ValueRule};
pub use input::Input;
pub use problem::{LessonError, Problem};
pub use prose::FENCES;
pub use schema::{
    Choice, Evidence, Hint, Investigate, Observe, Pattern, Place, Question, StageSpec, StepKind,
    Symptom, FORMAT,
};
pub use text::{Lang, Text};
