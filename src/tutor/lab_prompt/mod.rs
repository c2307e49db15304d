//! The lab prompt and its fixes, as the course's steps (investigate, fix) and
//! the challenge both use them: a typed line run and its evidence noticed, an
//! accepted change applied, the services restarted.
mod apply;
mod line;

pub use apply::{announce_host, apply_accepted, live_value, restart, Applied};
pub use line::run_line;
