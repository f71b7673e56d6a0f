//! The `cf-tokens` binary: [`cf_tokens::run`] with the real command line, environment and
//! standard streams.

use std::io::{IsTerminal, Write};

fn main() {
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(runtime) => runtime,
        Err(e) => {
            eprintln!("error: could not start the async runtime: {e}");
            std::process::exit(1);
        }
    };
    let env = |name: &str| std::env::var(name).ok();
    let (mut out, mut err) = (std::io::stdout(), std::io::stderr());
    let terminal = err.is_terminal();
    let code = runtime.block_on(cf_tokens::run_on_terminal(
        std::env::args_os(),
        &env,
        &mut out,
        &mut err,
        terminal,
    ));
    // `process::exit` skips destructors, so flush what stdout may still buffer.
    let _ = out.flush();
    let _ = err.flush();
    std::process::exit(code.into());
}
