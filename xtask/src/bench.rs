//! `cargo xtask bench`: how fast the pipeline is, and what it produces.
//!
//! - `trim` on Cloudflare's full spec and `generate` on `spec/openapi.json`, timed in this process
//!   (medians of several runs, after one warm-up);
//! - the generated crate's size in lines, and the time `cargo build` takes to compile it once its
//!   dependencies are built;
//! - progenitor's two interface styles side by side (lines and compile time of a bare crate of
//!   each), the measurement behind choosing the positional style.
//!
//! Figures print as a table; ratios are against a baseline measured in the same run.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

use anyhow::{Context, Result, bail};

use crate::generate;
use crate::load;
use crate::overlay::Overlay;
use crate::trim;

pub struct Options {
    pub upstream: PathBuf,
    pub runs: usize,
    /// Also measure compile times (slow: minutes on a small machine).
    pub builds: bool,
}

pub fn run(root: &Path, options: &Options, out: &mut dyn Write) -> Result<()> {
    let runs = options.runs.max(1);
    let overlay = Overlay::load(&root.join("spec/overlay.toml"))?;

    let load_trim = || -> Result<serde_json::Value> {
        let doc = load::load(&options.upstream)?;
        Ok(trim::trim(&doc, &overlay, trim::Options::default())?.spec)
    };
    let (trim_median, spec) = median_of(runs, load_trim)?;
    let spec_bytes = trim::render(&spec).into_bytes();
    let progenitor = "bench";
    let (generate_median, files) =
        median_of(runs, || generate::render(&spec, &spec_bytes, progenitor))?;

    writeln!(
        out,
        "pipeline ({runs} runs each, medians; command: cargo xtask bench)"
    )?;
    writeln!(
        out,
        "  trim {} (load + trim): {}",
        options.upstream.display(),
        ms(trim_median)
    )?;
    writeln!(
        out,
        "  generate spec/openapi.json:            {}",
        ms(generate_median)
    )?;
    writeln!(
        out,
        "  trim + generate:                       {}",
        ms(trim_median + generate_median)
    )?;

    let fixtures = root.join("xtask/tests/fixtures/trim");
    let fixture_overlay = Overlay::load(&fixtures.join("overlay.toml"))?;
    let fixture = load::load(&fixtures.join("upstream.json"))?;
    let diamond = load::Document {
        file: fixtures.join(format!(
            "upstream.json with a $ref diamond chain of depth {DIAMOND_DEPTH}"
        )),
        root: ref_diamond(&fixture.root, DIAMOND_DEPTH),
    };
    let (diamond_median, _) = median_of(runs, || {
        Ok(trim::trim(
            &diamond,
            &fixture_overlay,
            trim::Options::default(),
        )?)
    })?;
    writeln!(
        out,
        "  trim the test fixture with a $ref diamond chain of depth {DIAMOND_DEPTH} \
         (2^{DIAMOND_DEPTH} paths): {}",
        ms(diamond_median)
    )?;

    let generated_lines: usize = files.values().map(|text| text.lines().count()).sum();
    let handwritten_lines = rust_lines(
        &root.join("generated/src"),
        Some(&root.join(generate::OUTPUT_DIR)),
    )?;
    writeln!(out, "generated crate")?;
    writeln!(
        out,
        "  generated lines:   {generated_lines} in {} files",
        files.len()
    )?;
    writeln!(out, "  hand-written lines: {handwritten_lines}")?;

    if options.builds {
        let crate_build = rebuild_time(root, runs)?;
        writeln!(
            out,
            "  cargo build -p cloudflare-tokens, dependencies built (median of {runs}): {}",
            secs(crate_build)
        )?;
        interface_styles(root, &spec, runs, out)?;
    } else {
        writeln!(out, "(build times skipped; pass --builds to measure them)")?;
    }
    Ok(())
}

/// The depth of the `$ref` diamond chain the benchmark trims.
pub const DIAMOND_DEPTH: usize = 30;

/// `base` (the trimmer's test fixture) with a chain of `depth` `$ref` diamonds under the
/// `widget` model: its property `tree` refers to `diamond_0`, each `diamond_i` has properties
/// `left` and `right` that both refer to `diamond_{i+1}`, and the last one has a string `leaf`.
/// There are `2^depth` paths from `widget` to the leaf; converting each schema once per path
/// never finishes at depth 30.
pub fn ref_diamond(base: &serde_json::Value, depth: usize) -> serde_json::Value {
    use serde_json::json;
    let mut spec = base.clone();
    let schemas = &mut spec["components"]["schemas"];
    schemas["widget"]["properties"]["tree"] = json!({ "$ref": "#/components/schemas/diamond_0" });
    for i in 0..depth {
        let next = json!({ "$ref": format!("#/components/schemas/diamond_{}", i + 1) });
        schemas[format!("diamond_{i}")] = json!({
            "type": "object",
            "description": "upstream prose",
            "properties": { "left": next, "right": next },
        });
    }
    schemas[format!("diamond_{depth}")] = json!({
        "type": "object",
        "properties": { "leaf": { "type": "string" } },
    });
    spec
}

/// Runs `f` once to warm up, then `runs` times; returns the median time and the last result.
fn median_of<T>(runs: usize, mut f: impl FnMut() -> Result<T>) -> Result<(Duration, T)> {
    let mut value = f()?;
    let mut times = Vec::with_capacity(runs);
    for _ in 0..runs {
        let started = Instant::now();
        value = f()?;
        times.push(started.elapsed());
    }
    times.sort();
    Ok((times[times.len() / 2], value))
}

fn ms(d: Duration) -> String {
    format!("{:.1} ms", d.as_secs_f64() * 1000.0)
}

fn secs(d: Duration) -> String {
    format!("{:.2} s", d.as_secs_f64())
}

/// Lines of Rust under `dir`, leaving out `exclude`.
fn rust_lines(dir: &Path, exclude: Option<&Path>) -> Result<usize> {
    let mut total = 0;
    for entry in std::fs::read_dir(dir).with_context(|| format!("listing {}", dir.display()))? {
        let path = entry?.path();
        if Some(path.as_path()) == exclude {
            continue;
        }
        if path.is_dir() {
            total += rust_lines(&path, exclude)?;
        } else if path.extension().is_some_and(|e| e == "rs") {
            total += std::fs::read_to_string(&path)?.lines().count();
        }
    }
    Ok(total)
}

/// The median time to rebuild the generated crate after touching it.
fn rebuild_time(root: &Path, runs: usize) -> Result<Duration> {
    build_time(root, "cloudflare-tokens", None, runs)
}

/// The median time `cargo build` takes to compile `package` itself, its dependencies built:
/// each run first removes the package's own artifacts (`cargo clean -p`), so nothing
/// incremental is left to reuse.
fn build_time(dir: &Path, package: &str, target: Option<&Path>, runs: usize) -> Result<Duration> {
    cargo(dir, &["build", "-p", package], target)?;
    let mut times = Vec::new();
    for _ in 0..runs {
        cargo(dir, &["clean", "-p", package], target)?;
        let started = Instant::now();
        cargo(dir, &["build", "-p", package], target)?;
        times.push(started.elapsed());
    }
    times.sort();
    Ok(times[times.len() / 2])
}

/// Bare crates of progenitor's positional and builder output for our spec, built side by side.
fn interface_styles(
    root: &Path,
    spec: &serde_json::Value,
    runs: usize,
    out: &mut dyn Write,
) -> Result<()> {
    let dir = root.join("target/xtask-bench");
    let openapi: openapiv3::OpenAPI =
        serde_json::from_value(generate::prepare::with_rust_choices(spec))?;
    writeln!(
        out,
        "progenitor interface styles (bare crates, no post-processing)"
    )?;
    let mut baseline = None;
    for (name, style) in [
        ("positional", progenitor::InterfaceStyle::Positional),
        ("builder", progenitor::InterfaceStyle::Builder),
    ] {
        let mut settings = progenitor::GenerationSettings::new();
        settings.with_interface(style);
        // Without `with_crate`, the secret type (from our crate) is generated as a String: the
        // default policy for crates not named, right for a bare crate.
        let tokens = generate::panics::caught("progenitor", || {
            progenitor::Generator::new(&settings).generate_tokens(&openapi)
        })?
        .map_err(|e| anyhow::anyhow!("progenitor ({name}): {e}"))?;
        let file: syn::File = syn::parse2(tokens)?;
        let code = prettyplease::unparse(&file);
        let crate_dir = dir.join(name);
        std::fs::create_dir_all(crate_dir.join("src"))?;
        std::fs::write(crate_dir.join("src/lib.rs"), &code)?;
        std::fs::write(crate_dir.join("Cargo.toml"), bare_manifest(name))?;
        let target = dir.join("target");
        let build = build_time(&crate_dir, &format!("bench-{name}"), Some(&target), runs)?;
        let lines = code.lines().count();
        let (base_lines, base_build) = *baseline.get_or_insert((lines, build));
        writeln!(
            out,
            "  {name:<10} {lines:>6} lines ({:.2}x)  build {} ({:.2}x)",
            lines as f64 / base_lines as f64,
            secs(build),
            build.as_secs_f64() / base_build.as_secs_f64()
        )?;
    }
    Ok(())
}

fn bare_manifest(name: &str) -> String {
    format!(
        "[package]\nname = \"bench-{name}\"\nversion = \"0.0.0\"\nedition = \"2021\"\npublish = false\n\n\
         [workspace]\n\n[dependencies]\nprogenitor-client = \"=0.15.1\"\n\
         reqwest = {{ version = \"0.13\", default-features = false, features = [\"json\", \"query\", \"stream\"] }}\n\
         serde = {{ version = \"1\", features = [\"derive\"] }}\nserde_json = \"1\"\n\
         chrono = {{ version = \"0.4\", features = [\"serde\"] }}\nuuid = {{ version = \"1\", features = [\"serde\"] }}\n\
         regress = \"0.10\"\nfutures = \"0.3\"\n"
    )
}

fn cargo(dir: &Path, args: &[&str], target: Option<&Path>) -> Result<()> {
    let mut command = Command::new(std::env::var("CARGO").unwrap_or_else(|_| "cargo".into()));
    command.args(args).arg("--quiet").current_dir(dir);
    if let Some(target) = target {
        command.env("CARGO_TARGET_DIR", target);
    }
    let status = command
        .status()
        .with_context(|| format!("running cargo {}", args.join(" ")))?;
    if !status.success() {
        bail!("cargo {} failed in {}", args.join(" "), dir.display());
    }
    Ok(())
}
