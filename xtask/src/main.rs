//! `cargo xtask`: see `xtask/src/cli.rs` for the commands.

fn main() -> std::process::ExitCode {
    let args: Vec<std::ffi::OsString> = std::env::args_os().collect();
    let code = xtask::cli::run(args, &mut std::io::stdout(), &mut std::io::stderr());
    std::process::ExitCode::from(code)
}
