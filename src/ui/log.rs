//! Debug lines of the lower layers (`log::debug!`): best-effort steps that failed
//! and why. Shown on stderr only when `PERFLAB_DEBUG` is set.
struct StderrLog;

impl log::Log for StderrLog {
    fn enabled(&self, meta: &log::Metadata) -> bool {
        meta.level() <= log::max_level()
    }

    fn log(&self, record: &log::Record) {
        if self.enabled(record.metadata()) {
            super::Progress::println_global(&format!(
                "{} {}: {}",
                console::style("debug").dim(),
                record.target(),
                record.args()
            ));
        }
    }

    fn flush(&self) {}
}

static LOGGER: StderrLog = StderrLog;

/// Installs the logger: debug lines with `PERFLAB_DEBUG` set, warnings otherwise.
pub fn init_log() {
    let level = match std::env::var_os("PERFLAB_DEBUG").is_some_and(|v| !v.is_empty()) {
        true => log::LevelFilter::Debug,
        false => log::LevelFilter::Warn,
    };
    // A second call (tests) finds the logger already set: nothing to do.
    if log::set_logger(&LOGGER).is_ok() {
        log::set_max_level(level);
    }
}
