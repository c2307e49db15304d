//! The lab's server configuration as data: the knobs of every stage
//! (`containers/stages.toml`), the config files rendered from them, and the
//! settings of this perflab (lab name, state directory, image set).
mod knobs;
mod render;
mod settings;
mod stages;

pub use knobs::{Backlog, KnobValue, Knobs, KnobsError, KnobsPatch};
pub use render::{render_nginx, render_phpfpm, PhpFpmConfig};
pub use settings::{Settings, SettingsError, DEFAULT_LAB_NAME};
pub use stages::{Stage, StageError, StagePlan, StagesError};
