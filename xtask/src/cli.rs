//! The `cargo xtask` command line. `run` is `main` minus the process: it takes the arguments and
//! the output streams and returns the exit code (0 success, 1 failure, 2 usage), so tests can
//! drive it directly.

use std::io::Write;
use std::path::{Path, PathBuf};

use anyhow::{Context, Result};
use clap::{Args, Parser, Subcommand};

use crate::load;
use crate::overlay::Overlay;
use crate::sink::{FileSet, Mode, require_clean};
use crate::trim;

#[derive(Parser)]
#[command(
    name = "cargo xtask",
    about = "Trim Cloudflare's API description, generate the client, report API changes."
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Trim Cloudflare's full OpenAPI description to our operations (writes spec/openapi.json).
    Trim(TrimArgs),
    /// Generate the client's modules (generated/src/) from spec/openapi.json.
    Generate(GenerateArgs),
    /// Report what changed between two trimmed specs, and whether it breaks callers.
    Changes(ChangesArgs),
    /// Time trim and generate, and measure the generated crate (see xtask/src/bench.rs).
    Bench(BenchArgs),
    /// Cut Cloudflare's spec down to our operations, schemas verbatim, for the conformance referees.
    UpstreamSubset(UpstreamSubsetArgs),
    /// Add N random upstream operations to a copy of the overlay, trim, generate and check them
    /// in a throwaway workspace under target/, and say which fail and why.
    Sample(SampleArgs),
}

#[derive(Args)]
struct SampleArgs {
    /// How many upstream operations to add.
    #[arg(long, default_value_t = 100)]
    count: usize,
    /// Which ones (the same seed always picks the same operations of the same spec).
    #[arg(long, default_value_t = 1)]
    seed: u64,
    /// Cloudflare's published spec [default: $CLOUDFLARE_UPSTREAM_DIR/cloudflare-openapi-2026-08-17.json.gz,
    /// else ../shared/upstream]
    #[arg(long, value_name = "FILE")]
    upstream: Option<PathBuf>,
    /// How many failures that are not documented limitations to tolerate: a ratchet for CI,
    /// where a fixed seed's known failures are counted and any new one fails the run.
    #[arg(long, default_value_t = 0, value_name = "N")]
    max_failures: usize,
    /// Only this upstream operation, like "PUT /accounts/{account_id}/workers/…", instead of
    /// random ones (repeatable): to reproduce one failure.
    #[arg(long = "operation", value_name = "METHOD /PATH")]
    only: Vec<String>,
    /// Stop after generating: skip `cargo check`.
    #[arg(long)]
    no_check: bool,
}

#[derive(Args)]
struct UpstreamSubsetArgs {
    /// Directory to write upstream-subset.json to (somewhere under target/: it is never committed).
    #[arg(long, value_name = "DIR")]
    out: PathBuf,
    /// Cloudflare's published spec [default: $CLOUDFLARE_UPSTREAM_DIR/cloudflare-openapi-2026-08-17.json.gz,
    /// else ../shared/upstream]
    #[arg(long, value_name = "FILE")]
    upstream: Option<PathBuf>,
    /// Our trimmed spec, whose operations the subset keeps.
    #[arg(long, value_name = "FILE", default_value = "spec/openapi.json")]
    spec: PathBuf,
    /// The overlay that names each operation's upstream path and method.
    #[arg(long, value_name = "FILE", default_value = "spec/overlay.toml")]
    overlay: PathBuf,
}

#[derive(Args)]
struct BenchArgs {
    /// Cloudflare's published spec to trim [default: the current one in $CLOUDFLARE_UPSTREAM_DIR,
    /// else ../shared/upstream]
    #[arg(long, value_name = "FILE")]
    upstream: Option<PathBuf>,
    /// Timed runs of each step (after one warm-up run).
    #[arg(long, default_value_t = 5)]
    runs: usize,
    /// Also measure build times of the generated crate and of progenitor's two styles (slow).
    #[arg(long)]
    builds: bool,
}

#[derive(Args)]
struct ChangesArgs {
    /// The trimmed spec before the change.
    old: PathBuf,
    /// The trimmed spec after the change.
    new: PathBuf,
    /// Print the report as JSON.
    #[arg(long)]
    json: bool,
}

#[derive(Args)]
struct GenerateArgs {
    /// Compare with the committed modules instead of writing; fail with a diff if they differ.
    #[arg(long)]
    check: bool,
}

#[derive(Args)]
struct TrimArgs {
    /// Cloudflare's published spec: .json, .json.gz or .yaml.
    #[arg(long, value_name = "FILE")]
    upstream: PathBuf,
    /// Directory to write the trimmed spec to.
    #[arg(long, value_name = "DIR", default_value = "spec")]
    out: PathBuf,
    /// The overlay that says what to keep and how to fix it.
    #[arg(long, value_name = "FILE", default_value = "spec/overlay.toml")]
    overlay: PathBuf,
    /// Compare with the committed spec instead of writing; fail with a diff if it differs.
    #[arg(long)]
    check: bool,
    /// Skip allowlisted operations the upstream file lacks (for older specs).
    #[arg(long)]
    allow_missing: bool,
    /// The most MiB the upstream spec may hold: as a file, decompressed, and (YAML) with its
    /// aliases expanded.
    #[arg(long, value_name = "MIB", default_value_t = load::DEFAULT_MAX_INPUT_BYTES >> 20)]
    max_input_mib: u64,
}

/// Runs `cargo xtask` with `args` (the first is the program name).
pub fn run<I, T>(args: I, out: &mut dyn Write, err: &mut dyn Write) -> u8
where
    I: IntoIterator<Item = T>,
    T: Into<std::ffi::OsString> + Clone,
{
    let cli = match Cli::try_parse_from(args) {
        Ok(cli) => cli,
        Err(e) => {
            let text = e.render().to_string();
            let _ = if e.use_stderr() {
                write!(err, "{text}")
            } else {
                write!(out, "{text}")
            };
            return if e.use_stderr() { 2 } else { 0 };
        }
    };
    let result = match cli.command {
        Command::Trim(args) => run_trim(&args, out, err),
        Command::Generate(args) => run_generate(&args, out),
        Command::Changes(args) => run_changes(&args, out),
        Command::Bench(args) => {
            let options = crate::bench::Options {
                upstream: match &args.upstream {
                    Some(path) => resolve(path),
                    None => {
                        crate::workspace::upstream_dir().join(crate::workspace::CURRENT_UPSTREAM)
                    }
                },
                runs: args.runs,
                builds: args.builds,
            };
            crate::bench::run(&crate::repo_root(), &options, out)
        }
        Command::UpstreamSubset(args) => run_upstream_subset(&args, out),
        Command::Sample(args) => run_sample(&args, out),
    };
    match result {
        Ok(()) => 0,
        Err(e) => {
            let _ = writeln!(err, "xtask: error: {e:#}");
            1
        }
    }
}

/// Paths given relative to the repository work from any directory (cargo runs us from it).
fn resolve(path: &Path) -> PathBuf {
    if path.is_absolute() || path.exists() {
        path.to_path_buf()
    } else {
        crate::repo_root().join(path)
    }
}

fn run_trim(args: &TrimArgs, out: &mut dyn Write, err: &mut dyn Write) -> Result<()> {
    let overlay = Overlay::load(&resolve(&args.overlay))?;
    let limits = load::Limits {
        max_input_bytes: args.max_input_mib.saturating_mul(1 << 20),
    };
    let upstream = load::load_with(&args.upstream, limits)?;
    let options = trim::Options {
        allow_missing: args.allow_missing,
        ..Default::default()
    };
    let trimmed = trim::trim(&upstream, &overlay, options)?;
    for warning in &trimmed.warnings {
        writeln!(err, "xtask: warning: {warning}")?;
    }
    let out_dir = resolve(&args.out);
    let spec_path = out_dir.join(trim::SPEC_FILE);
    // What the new spec changes, against the one it replaces (read before it is replaced).
    let replaced = match spec_path.exists() {
        true => Some(load::load(&spec_path)?.root),
        false => None,
    };
    let mut files = FileSet::new(&out_dir);
    files.add(trim::SPEC_FILE, trim::render(&trimmed.spec));
    let mode = if args.check { Mode::Check } else { Mode::Write };
    let report = files
        .apply(mode, out)
        .context("updating the trimmed spec")?;
    if args.check {
        let command = format!("cargo xtask trim --upstream {}", args.upstream.display());
        return require_clean(&report, "the trimmed spec", &command);
    }
    let state = if report.is_clean() {
        "unchanged"
    } else {
        "written"
    };
    writeln!(out, "{}: {state}", spec_path.display())?;
    if let Some(replaced) = replaced {
        write!(
            out,
            "{}",
            crate::changes::compare(&replaced, &trimmed.spec).render_text()
        )?;
    }
    Ok(())
}

fn run_upstream_subset(args: &UpstreamSubsetArgs, out: &mut dyn Write) -> Result<()> {
    let overlay = Overlay::load(&resolve(&args.overlay))?;
    let ours = load::load(&resolve(&args.spec))?;
    let upstream = match &args.upstream {
        Some(path) => resolve(path),
        None => crate::workspace::upstream_dir().join(crate::workspace::CURRENT_UPSTREAM),
    };
    let upstream = load::load(&upstream)?;
    let subset = crate::upstream_subset::build(&ours.root, &overlay, &upstream)?;
    let dir = resolve(&args.out);
    std::fs::create_dir_all(&dir).with_context(|| format!("creating {}", dir.display()))?;
    let file = dir.join(crate::upstream_subset::FILE);
    std::fs::write(&file, crate::upstream_subset::render(&subset))
        .with_context(|| format!("writing {}", file.display()))?;
    writeln!(out, "{}: written", file.display())?;
    Ok(())
}

fn run_sample(args: &SampleArgs, out: &mut dyn Write) -> Result<()> {
    let options = crate::sample::Options {
        upstream: match &args.upstream {
            Some(path) => resolve(path),
            None => crate::workspace::upstream_dir().join(crate::workspace::CURRENT_UPSTREAM),
        },
        count: args.count,
        seed: args.seed,
        only: args.only.clone(),
        check: !args.no_check,
    };
    let outcome = crate::sample::run(&crate::repo_root(), &options, out)?;
    write!(out, "{}", outcome.render())?;
    outcome.check(args.max_failures)
}

fn run_changes(args: &ChangesArgs, out: &mut dyn Write) -> Result<()> {
    let old = load::load(&args.old)?;
    let new = load::load(&args.new)?;
    let report = crate::changes::compare(&old.root, &new.root);
    let text = if args.json {
        report.render_json()
    } else {
        report.render_text()
    };
    write!(out, "{text}")?;
    Ok(())
}

fn run_generate(args: &GenerateArgs, out: &mut dyn Write) -> Result<()> {
    let mode = if args.check { Mode::Check } else { Mode::Write };
    let report = crate::generate::run(&crate::repo_root(), mode, out)?;
    if args.check {
        return require_clean(&report, "the generated client", crate::generate::COMMAND);
    }
    if report.is_clean() {
        writeln!(out, "{}: unchanged", crate::generate::OUTPUT_DIR)?;
    } else {
        for path in &report.changed {
            writeln!(out, "written: {}", path.display())?;
        }
        for path in &report.removed {
            writeln!(out, "removed: {}", path.display())?;
        }
    }
    Ok(())
}
