//! The lab's lifecycle over the Docker API: images, the server's two containers in
//! one network namespace, the short-lived host helper, and the host journal.
//!
//! Every object created here carries the labels of [`labels`], and [`Lab::down`]
//! plus the sweep by label removes all of them and nothing else.
// mod conntrack;
mod docker;
// mod down;
mod error;
mod exec;
mod images;
pub mod journal;
pub mod labels;
mod server;
pub mod state;
mod toolbox;
// mod up;

pub use docker::Lab;
pub use error::EngineError;
pub use exec::ExecOutput;
pub use server::{Server, Side};
pub use toolbox::ToolboxMode;
// pub use up::UpOptions;

/// Container, network and volume names: fixed, so learners can use `docker logs perflab-nginx`.
pub mod names {
    pub const NGINX: &str = "perflab-nginx";
    pub const PHPFPM: &str = "perflab-phpfpm";
    pub const NETWORK: &str = "perflab-net";
    pub const ETC_VOLUME: &str = "perflab-etc";
    pub const LOG_VOLUME: &str = "perflab-log";
    pub const TOOLBOX_PREFIX: &str = "perflab-toolbox-";
}
