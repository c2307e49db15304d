//! perflab's entry point: build the runtime, parse arguments, run, exit.
use std::process::ExitCode;

use clap::Parser;

fn main() -> ExitCode {
    let cli = perflab::cli::Cli::parse();
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
    {
        Ok(rt) => rt,
        Err(err) => {
            perflab::ui::error(&format!("cannot start the async runtime: {err}"));
            return ExitCode::FAILURE;
        }
    };
    let code = runtime.block_on(perflab::cli::main(cli));
    // Docker streams may still hold tasks; do not wait on them past our own deadlines.
    runtime.shutdown_timeout(std::time::Duration::from_secs(2));
    code
}
