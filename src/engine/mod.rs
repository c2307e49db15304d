//! The lab's lifecycle over the Docker API: images, the server's two containers in
//! one network namespace, the short-lived host helper, the short-lived container
//! beside the lab that runs perflab's own program ([`Beside`], [`Bundle`]), the
//! kind of engine ([`EngineKind`]), and the host journal with the engine's
//! ledger of host-wide values. Everything goes through the API: the client need
//! not be the engine's host, nor route to the lab's network.
//!
//! Every object created here carries the labels of [`labels`], and [`Engine::down`]
//! plus the sweep by label removes all of them and nothing else.
mod beside;
mod bundle;
mod configs;
pub mod conntrack;
mod docker;
mod down;
mod down_report;
mod error;
mod events;
mod exec;
mod images;
mod kind;
mod ledger;
mod ledger_store;
pub mod journal;
pub mod labels;
mod logs;
mod server;
pub mod state;
mod toolbox;
mod up;
mod upload;

pub use beside::{Beside, Ended};
pub use bundle::{Bundle, BundleError};
pub use docker::{Engine, EngineFacts};
pub use down_report::{DownReport, HostValue, KeptValue, SkippedValue};
pub use error::{EngineError, HostValueError};
pub use events::{EngineEvent, Events, Step};
pub use exec::ExecOutput;
pub use images::BASE_IMAGE;
pub use kind::{client_kernel, EngineKind};
pub use ledger::{Ledger, Raised};
pub use ledger_store::VOLUME as LEDGER_VOLUME;
pub use logs::{joined, LogChunk};
pub use server::{Server, Side};
pub use toolbox::ToolboxMode;
pub use up::{http_get_status, UpOptions};
pub use upload::LOG_DIR;

/// Container, network and volume names, derived from the lab name (default
/// `perflab`), so learners can use `docker logs perflab-nginx`.
#[derive(Debug, Clone)]
pub struct Names {
    pub lab: String,
}

impl Names {
    pub fn nginx(&self) -> String {
        format!("{}-nginx", self.lab)
    }
    pub fn phpfpm(&self) -> String {
        format!("{}-phpfpm", self.lab)
    }
    pub fn network(&self) -> String {
        format!("{}-net", self.lab)
    }
    pub fn etc_volume(&self) -> String {
        format!("{}-etc", self.lab)
    }
    pub fn log_volume(&self) -> String {
        format!("{}-log", self.lab)
    }
    pub fn toolbox_prefix(&self) -> String {
        format!("{}-toolbox-", self.lab)
    }
    /// The short-lived containers that drive the load beside the lab.
    pub fn load_prefix(&self) -> String {
        format!("{}-load-", self.lab)
    }
    /// perflab's own program, copied once per lab for the load beside it.
    pub fn load_volume(&self) -> String {
        format!("{}-load", self.lab)
    }
}
