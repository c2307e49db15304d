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
    // Every teardown was awaited inside block_on; what is left (a blocked stdin
    // read of `perflab shell`) must not delay the exit.
    runtime.shutdown_background();
    code
}
