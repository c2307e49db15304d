//! The lab's server configuration as data: the knobs of every stage
//! (`containers/stages.toml`) and the config files rendered from them.
mod knobs;
mod render;
mod stages;

pub use knobs::{Backlog, Knobs, KnobsPatch};
pub use render::{render_nginx, render_phpfpm};
pub use stages::{Stage, StagePlan, StagesError};
