//! `cargo xtask sample`: how much of Cloudflare's spec the pipeline takes as it is. It adds a
//! random sample of upstream operations to a copy of the overlay (one `[[operation]]` entry
//! each, placeholder docs, nothing else), trims, generates and `cargo check`s the result in a
//! throwaway workspace under `target/`, and says which operations failed and why, one line each.
//!
//! Each operation is first tried alone with the committed ones (trim and generate, in memory),
//! then the ones that pass all together (an operation whose addition breaks the others is
//! blamed), then the crate is checked by `cargo check`, whose errors are traced to operations by
//! file: every sampled operation gets an area of its own, so its methods and models are in files
//! of its own.

use std::collections::{BTreeMap, BTreeSet};
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::Command;

use anyhow::{Context, Result, bail};
use serde_json::Value;

use crate::load::{self, Document, Limitation, SpecError};
use crate::overlay::{self, Overlay};
use crate::sink::Mode;
use crate::trim;

/// HTTP methods an operation can have in a path item.
const METHODS: &[&str] = &["get", "put", "post", "patch", "delete"];

pub struct Options {
    pub upstream: PathBuf,
    pub count: usize,
    pub seed: u64,
    /// These upstream operations (`METHOD /path`) instead of random ones: to reproduce the
    /// failure of one.
    pub only: Vec<String>,
    /// Run `cargo check` on the result (else stop after generating).
    pub check: bool,
}

/// One sampled operation and what became of it.
#[derive(Debug)]
pub struct Sampled {
    pub operation: overlay::Operation,
    /// `None` when it passed; else the stage and why.
    pub failure: Option<Failure>,
}

#[derive(Debug, Clone)]
pub struct Failure {
    pub stage: &'static str,
    pub message: String,
    /// Set when the trimmer or generator declined the operation on purpose (see the README,
    /// "Operations the generator does not take"): reported, but it does not fail the sample.
    pub limitation: Option<Limitation>,
}

impl Failure {
    /// Whether this is a documented limitation rather than a bug.
    pub fn is_limitation(&self) -> bool {
        self.limitation.is_some()
    }
}

/// The documented limitation anywhere in an error's chain of causes.
fn limitation_of(error: &anyhow::Error) -> Option<Limitation> {
    error
        .chain()
        .find_map(|cause| cause.downcast_ref::<SpecError>())
        .and_then(|spec| spec.limitation)
}

/// What a sample found.
#[derive(Debug)]
pub struct Outcome {
    pub seed: u64,
    pub sampled: Vec<Sampled>,
    /// `cargo check` errors that no sampled operation could be blamed for.
    pub unattributed: Vec<String>,
}

impl Outcome {
    pub fn passed(&self) -> usize {
        self.sampled.iter().filter(|s| s.failure.is_none()).count()
    }

    /// How many operations failed for a reason that is not a documented limitation (a compiler
    /// error no operation could be blamed for counts as one).
    pub fn unexplained_failures(&self) -> usize {
        usize::from(!self.unattributed.is_empty())
            + self
                .sampled
                .iter()
                .filter(|s| s.failure.as_ref().is_some_and(|f| !f.is_limitation()))
                .count()
    }

    /// Fails when more operations fail for unexplained reasons than `tolerated` (CI's fixed
    /// seed tolerates its known failures, and fails on any new one).
    pub fn check(&self, tolerated: usize) -> anyhow::Result<()> {
        let failures = self.unexplained_failures();
        if failures > tolerated {
            anyhow::bail!(
                "{failures} sampled operation(s) fail that are not documented limitations, more \
                 than the {tolerated} tolerated (see above)"
            );
        }
        Ok(())
    }

    /// One line per failing operation, then a summary line.
    pub fn render(&self) -> String {
        let mut text = String::new();
        for sampled in &self.sampled {
            if let Some(failure) = &sampled.failure {
                let tag = if failure.is_limitation() {
                    "limitation"
                } else {
                    "FAIL"
                };
                text.push_str(&format!(
                    "{tag} {} ({}): {}: {}\n",
                    sampled.operation.id,
                    sampled.operation.upstream,
                    failure.stage,
                    one_line(&failure.message)
                ));
            }
        }
        for error in &self.unattributed {
            text.push_str(&format!(
                "FAIL (no operation to blame): {}\n",
                one_line(error)
            ));
        }
        let limitations = self
            .sampled
            .iter()
            .filter(|s| s.failure.as_ref().is_some_and(Failure::is_limitation))
            .count();
        text.push_str(&format!(
            "sample seed {}: {} of {} operations pass ({limitations} documented limitations)\n",
            self.seed,
            self.passed(),
            self.sampled.len()
        ));
        text
    }
}

fn one_line(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// Runs the sample in `root` (the repository), printing progress to `out`.
pub fn run(root: &Path, options: &Options, out: &mut dyn Write) -> Result<Outcome> {
    let overlay = Overlay::load(&root.join("spec/overlay.toml"))?;
    let upstream = load::load(&options.upstream)?;
    let progenitor = crate::generate::progenitor_version(root)?;
    let operations = if options.only.is_empty() {
        choose(&upstream, &overlay, options.count, options.seed)?
    } else {
        pick(&upstream, &overlay, &options.only)?
    };
    writeln!(
        out,
        "sample seed {}: {} operations of {}",
        options.seed,
        operations.len(),
        options.upstream.display()
    )?;
    let mut sampled: Vec<Sampled> = operations
        .into_iter()
        .map(|operation| Sampled {
            operation,
            failure: None,
        })
        .collect();

    // Alone with the committed operations.
    for s in &mut sampled {
        if let Err(failure) = pipeline(&upstream, &overlay, &[&s.operation], &progenitor) {
            s.failure = Some(failure);
        }
    }
    // All together; when that fails, one by one, blaming the one whose addition fails.
    let passing = |sampled: &[Sampled]| -> Vec<usize> {
        (0..sampled.len())
            .filter(|i| sampled[*i].failure.is_none())
            .collect()
    };
    let together: Vec<&overlay::Operation> = passing(&sampled)
        .into_iter()
        .map(|i| &sampled[i].operation)
        .collect();
    if pipeline(&upstream, &overlay, &together, &progenitor).is_err() {
        let mut accepted: Vec<usize> = Vec::new();
        for i in passing(&sampled) {
            let ops: Vec<&overlay::Operation> = accepted
                .iter()
                .chain([&i])
                .map(|i| &sampled[*i].operation)
                .collect();
            match pipeline(&upstream, &overlay, &ops, &progenitor) {
                Ok(_) => accepted.push(i),
                Err(failure) => {
                    sampled[i].failure = Some(Failure {
                        message: format!("with the other sampled operations: {}", failure.message),
                        ..failure
                    })
                }
            }
        }
    }

    let mut unattributed = Vec::new();
    if options.check {
        let workspace = root
            .join("target/sample")
            .join(format!("seed-{}", options.seed));
        let target_dir = root.join("target/sample-target");
        // Each round removes the operations `cargo check` blames; three rounds settle it.
        for _ in 0..3 {
            let ops: Vec<&overlay::Operation> = passing(&sampled)
                .into_iter()
                .map(|i| &sampled[i].operation)
                .collect();
            let spec = match pipeline(&upstream, &overlay, &ops, &progenitor) {
                Ok(spec) => spec,
                Err(failure) => bail!(
                    "the operations that passed one by one fail together: {}",
                    failure.message
                ),
            };
            write_workspace(root, &workspace, &ops, &spec)?;
            writeln!(
                out,
                "cargo check of {} operations in {}",
                ops.len() + overlay.operations.len(),
                workspace.display()
            )?;
            let errors = cargo_check(&workspace, &target_dir)?;
            if errors.is_empty() {
                break;
            }
            // By area (file names) and by the Pascal-case id (the mock helpers' names).
            let by_area: BTreeMap<String, usize> = passing(&sampled)
                .into_iter()
                .flat_map(|i| {
                    let area = sampled[i].operation.area.clone();
                    [(trim::pascal_case(&area), i), (area, i)]
                })
                .collect();
            let mut blamed: BTreeMap<usize, Vec<String>> = BTreeMap::new();
            let mut others = Vec::new();
            for error in errors {
                match error.area.as_deref().and_then(|a| by_area.get(a)) {
                    Some(i) => blamed.entry(*i).or_default().push(error.text),
                    None => others.push(error.text),
                }
            }
            for (i, texts) in &blamed {
                let unique: BTreeSet<&String> = texts.iter().collect();
                let joined: Vec<&str> = unique.into_iter().map(String::as_str).collect();
                sampled[*i].failure = Some(Failure {
                    stage: "cargo check",
                    message: joined.join("; "),
                    limitation: None,
                });
            }
            if blamed.is_empty() {
                unattributed = others;
                break;
            }
        }
    }
    Ok(Outcome {
        seed: options.seed,
        sampled,
        unattributed,
    })
}

/// The operations `wanted` (`METHOD /path`, as upstream has them), in that order, named as
/// [`choose`] names them.
pub fn pick(
    upstream: &Document,
    overlay: &Overlay,
    wanted: &[String],
) -> Result<Vec<overlay::Operation>> {
    let all = choose(upstream, overlay, usize::MAX, 0)?;
    wanted
        .iter()
        .map(|want| {
            let (method, path) = want.trim().split_once(' ').unwrap_or((want, ""));
            let key = format!("{} {}", method.to_ascii_uppercase(), path.trim());
            all.iter()
                .find(|op| op.upstream == key)
                .cloned()
                .with_context(|| format!("`{want}` is not an upstream operation the overlay lacks"))
        })
        .collect()
}

/// `count` operations of `upstream` that the overlay does not have, chosen by `seed`.
pub fn choose(
    upstream: &Document,
    overlay: &Overlay,
    count: usize,
    seed: u64,
) -> Result<Vec<overlay::Operation>> {
    let taken: BTreeSet<String> = overlay
        .operations
        .iter()
        .filter_map(|op| op.method_and_path().map(|(m, p)| format!("{m} {p}")))
        .collect();
    let paths = upstream
        .root
        .get("paths")
        .and_then(Value::as_object)
        .context("the upstream spec has no `paths`")?;
    let mut candidates: Vec<(String, String, Option<String>, bool)> = Vec::new();
    for (path, item) in paths {
        for method in METHODS {
            let Some(op) = item.get(*method) else {
                continue;
            };
            if taken.contains(&format!("{method} {path}")) {
                continue;
            }
            let id = op
                .get("operationId")
                .and_then(Value::as_str)
                .map(str::to_string);
            candidates.push((
                method.to_string(),
                path.clone(),
                id,
                op.get("requestBody").is_some(),
            ));
        }
    }
    candidates.sort();
    let mut rng = SplitMix(seed);
    // Fisher–Yates, the first `count` places only.
    let count = count.min(candidates.len());
    for i in 0..count {
        let j = i + (rng.next() % (candidates.len() - i) as u64) as usize;
        candidates.swap(i, j);
    }
    let mut used: BTreeSet<String> = overlay.operations.iter().map(|o| o.id.clone()).collect();
    let mut chosen = Vec::new();
    for (method, path, upstream_id, has_body) in candidates.into_iter().take(count) {
        let base = snake_case(upstream_id.as_deref().unwrap_or(&format!("{method}{path}")));
        let mut base: String = format!("s_{base}").chars().take(60).collect();
        while base.ends_with('_') {
            base.pop();
        }
        let mut id = base.clone();
        let mut n = 2;
        while used.contains(&id) {
            id = format!("{base}_{n}");
            n += 1;
        }
        used.insert(id.clone());
        let pascal = trim::pascal_case(&id);
        chosen.push(overlay::Operation {
            upstream: format!("{} {path}", method.to_uppercase()),
            area: id.clone(),
            doc: format!("Sampled operation `{} {path}`.", method.to_uppercase()),
            result: format!("{pascal}Result"),
            body: has_body.then(|| format!("{pascal}Body")),
            id,
        });
    }
    Ok(chosen)
}

/// `fooBar-baz` → `foo_bar_baz`.
fn snake_case(text: &str) -> String {
    let mut out = String::new();
    let mut previous_lower = false;
    for c in text.chars() {
        if c.is_ascii_uppercase() {
            if previous_lower {
                out.push('_');
            }
            out.push(c.to_ascii_lowercase());
            previous_lower = false;
        } else if c.is_ascii_alphanumeric() {
            out.push(c);
            previous_lower = c.is_ascii_lowercase() || c.is_ascii_digit();
        } else {
            if !out.ends_with('_') && !out.is_empty() {
                out.push('_');
            }
            previous_lower = false;
        }
    }
    out
}

/// The overlay with `extra` operations, each in an area of its own.
fn with_operations(overlay: &Overlay, extra: &[&overlay::Operation]) -> Overlay {
    let mut overlay = overlay.clone();
    for op in extra {
        overlay.areas.insert(op.area.clone(), op.doc.clone());
        overlay.operations.push((*op).clone());
    }
    overlay
}

/// Trims and generates with `extra` operations, in memory; the trimmed spec's bytes.
fn pipeline(
    upstream: &Document,
    overlay: &Overlay,
    extra: &[&overlay::Operation],
    progenitor: &str,
) -> std::result::Result<String, Failure> {
    let overlay = with_operations(overlay, extra);
    let options = trim::Options {
        placeholder_docs: true,
        ..Default::default()
    };
    let trimmed = trim::trim(upstream, &overlay, options).map_err(|e| Failure {
        stage: "trim",
        message: e.to_string(),
        limitation: e.limitation,
    })?;
    let spec = trim::render(&trimmed.spec);
    crate::generate::check_and_render(Path::new(trim::SPEC_FILE), spec.as_bytes(), progenitor)
        .map_err(|e| Failure {
            stage: "generate",
            message: format!("{e:#}"),
            limitation: limitation_of(&e),
        })?;
    Ok(spec)
}

/// A workspace of the generated crate and the runtime it runs on, with the sampled operations
/// added to its overlay and its code generated from `spec`.
fn write_workspace(
    root: &Path,
    dir: &Path,
    extra: &[&overlay::Operation],
    spec: &str,
) -> Result<()> {
    if dir.exists() {
        std::fs::remove_dir_all(dir).with_context(|| format!("removing {}", dir.display()))?;
    }
    std::fs::create_dir_all(dir.join("spec"))?;
    for crate_dir in SAMPLE_MEMBERS {
        copy_dir(&root.join(crate_dir), &dir.join(crate_dir))?;
    }
    std::fs::copy(root.join("Cargo.lock"), dir.join("Cargo.lock")).context("copying Cargo.lock")?;
    let manifest = std::fs::read_to_string(root.join("Cargo.toml"))?;
    let mut manifest: toml::Table = toml::from_str(&manifest).context("parsing Cargo.toml")?;
    let workspace = manifest
        .get_mut("workspace")
        .and_then(toml::Value::as_table_mut)
        .context("Cargo.toml has no [workspace]")?;
    workspace.insert(
        "members".into(),
        toml::Value::Array(SAMPLE_MEMBERS.iter().map(|&m| m.into()).collect()),
    );
    manifest.remove("profile");
    std::fs::write(dir.join("Cargo.toml"), toml::to_string(&manifest)?)?;
    std::fs::write(
        dir.join("spec/overlay.toml"),
        overlay_text(&root.join("spec/overlay.toml"), extra)?,
    )?;
    std::fs::write(dir.join("spec").join(trim::SPEC_FILE), spec)?;
    crate::generate::run(dir, Mode::Write, &mut std::io::sink())
        .with_context(|| format!("generating in {}", dir.display()))?;
    Ok(())
}

/// The overlay's text with the sampled operations and their areas added (for reading; the
/// sample trims from memory).
fn overlay_text(file: &Path, extra: &[&overlay::Operation]) -> Result<String> {
    let text = std::fs::read_to_string(file)?;
    let mut table: toml::Table = toml::from_str(&text)?;
    if let Some(areas) = table.get_mut("areas").and_then(toml::Value::as_table_mut) {
        for op in extra {
            areas.insert(op.area.clone(), op.doc.clone().into());
        }
    }
    if let Some(ops) = table
        .get_mut("operation")
        .and_then(toml::Value::as_array_mut)
    {
        for op in extra {
            let mut entry = toml::Table::new();
            entry.insert("id".into(), op.id.clone().into());
            entry.insert("upstream".into(), op.upstream.clone().into());
            entry.insert("area".into(), op.area.clone().into());
            entry.insert("result".into(), op.result.clone().into());
            if let Some(body) = &op.body {
                entry.insert("body".into(), body.clone().into());
            }
            entry.insert("doc".into(), op.doc.clone().into());
            ops.push(toml::Value::Table(entry));
        }
    }
    Ok(toml::to_string(&table)?)
}

/// The generated crate's package name, which the sample checks.
const GENERATED_PACKAGE: &str = "cloudflare-tokens-generated";

/// The crates a sample workspace holds: the generated one and the runtime it depends on.
const SAMPLE_MEMBERS: [&str; 2] = ["generated", "runtime"];

fn copy_dir(from: &Path, to: &Path) -> Result<()> {
    std::fs::create_dir_all(to)?;
    for entry in std::fs::read_dir(from).with_context(|| format!("reading {}", from.display()))? {
        let entry = entry?;
        let path = entry.path();
        let target = to.join(entry.file_name());
        if entry.file_type()?.is_dir() {
            if entry.file_name() != "target" {
                copy_dir(&path, &target)?;
            }
        } else {
            std::fs::copy(&path, &target).with_context(|| format!("copying {}", path.display()))?;
        }
    }
    Ok(())
}

/// An error of `cargo check`, and the area whose generated file it is in, if any.
struct CheckError {
    area: Option<String>,
    text: String,
}

fn cargo_check(workspace: &Path, target_dir: &Path) -> Result<Vec<CheckError>> {
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
    let output = Command::new(cargo)
        .current_dir(workspace)
        .env("CARGO_TARGET_DIR", target_dir)
        .args([
            "check",
            "-p",
            GENERATED_PACKAGE,
            "--features",
            "mock",
            "--message-format=json",
            "--quiet",
        ])
        .output()
        .context("running cargo check")?;
    let mut errors = Vec::new();
    for line in String::from_utf8_lossy(&output.stdout).lines() {
        let Ok(message) = serde_json::from_str::<Value>(line) else {
            continue;
        };
        if message["reason"] != "compiler-message" || message["message"]["level"] != "error" {
            continue;
        }
        let diagnostic = &message["message"];
        let span = diagnostic["spans"]
            .as_array()
            .into_iter()
            .flatten()
            .find(|s| s["is_primary"] == Value::Bool(true));
        let file = span.and_then(|s| s["file_name"].as_str()).unwrap_or("");
        let area = area_of(file, span, workspace);
        let text = format!(
            "{} ({file}:{})",
            diagnostic["message"].as_str().unwrap_or("error"),
            span.map(|s| s["line_start"].to_string())
                .unwrap_or_default()
        );
        errors.push(CheckError { area, text });
    }
    if errors.is_empty() && !output.status.success() {
        bail!(
            "cargo check failed without a compiler error: {}",
            String::from_utf8_lossy(&output.stderr)
        );
    }
    Ok(errors)
}

/// The area whose generated file `file` is: `…/<kind>/<area>.rs`, or in `mock.rs` the
/// Pascal-case id of the operation whose helpers the line belongs to.
fn area_of(file: &str, span: Option<&Value>, workspace: &Path) -> Option<String> {
    let path = Path::new(file);
    let parent = path.parent()?.file_name()?.to_str()?;
    if matches!(parent, "methods" | "progenitor" | "types") {
        return Some(path.file_stem()?.to_str()?.to_string());
    }
    if path.file_name()? == "mock.rs" {
        let line = span?["line_start"].as_u64()? as usize;
        let text = std::fs::read_to_string(workspace.join(file)).ok()?;
        // The helpers of operation `x` are `XWhen`/`XThen` and the `x` methods of the traits.
        for previous in text
            .lines()
            .take(line)
            .collect::<Vec<_>>()
            .into_iter()
            .rev()
        {
            if let Some(rest) = previous.trim().strip_prefix("pub struct ") {
                let name = rest.split(|c: char| !c.is_alphanumeric()).next()?;
                let name = name.strip_suffix("When").or(name.strip_suffix("Then"))?;
                return Some(name.to_string());
            }
        }
    }
    None
}

/// A small seeded generator (SplitMix64): the same seed picks the same operations everywhere.
struct SplitMix(u64);

impl SplitMix {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sampled(id: &str, failure: Option<&str>) -> Sampled {
        with_failure(id, failure, None)
    }

    fn with_failure(id: &str, failure: Option<&str>, limitation: Option<Limitation>) -> Sampled {
        Sampled {
            operation: overlay::Operation {
                id: id.into(),
                upstream: format!("GET /{id}"),
                area: "sampled".into(),
                doc: String::new(),
                result: "Thing".into(),
                body: None,
            },
            failure: failure.map(|message| Failure {
                stage: "generate",
                message: message.into(),
                limitation,
            }),
        }
    }

    fn outcome(sampled: Vec<Sampled>, unattributed: &[&str]) -> Outcome {
        Outcome {
            seed: 7,
            sampled,
            unattributed: unattributed.iter().map(|e| e.to_string()).collect(),
        }
    }

    #[test]
    fn limitations_do_not_count_as_failures_and_unblamed_errors_count_once() {
        let outcome = outcome(
            vec![
                sampled("a_get", None),
                with_failure(
                    "b_get",
                    Some("media type `text/csv`"),
                    Some(Limitation::RequestBodyMediaType),
                ),
                // The marker's words in a message do not make a limitation: only the type does.
                sampled("e_get", Some("[limitation: protocol upgrade]")),
                sampled("c_get", Some("mismatched types")),
                sampled("d_get", Some("cannot find type")),
            ],
            &["error[E0308]: one", "error[E0412]: two"],
        );
        assert_eq!(outcome.passed(), 1);
        assert_eq!(outcome.unexplained_failures(), 4);
        let rendered = outcome.render();
        assert!(
            rendered.contains("limitation b_get (GET /b_get): generate: media type"),
            "{rendered}"
        );
        assert!(
            rendered.contains("FAIL c_get (GET /c_get): generate: mismatched types"),
            "{rendered}"
        );
        assert!(
            rendered.contains("FAIL (no operation to blame): error[E0412]: two"),
            "{rendered}"
        );
        assert!(
            rendered
                .ends_with("sample seed 7: 1 of 5 operations pass (1 documented limitations)\n"),
            "{rendered}"
        );
    }

    #[test]
    fn the_check_tolerates_exactly_max_failures() {
        let outcome = outcome(
            vec![
                sampled("a_get", Some("mismatched types")),
                sampled("b_get", Some("cannot find type")),
            ],
            &[],
        );
        assert!(outcome.check(2).is_ok());
        assert!(outcome.check(3).is_ok());
        let error = outcome.check(1).unwrap_err().to_string();
        assert_eq!(
            error,
            "2 sampled operation(s) fail that are not documented limitations, more than the 1 \
             tolerated (see above)"
        );
        let clean = super::tests::outcome(vec![sampled("a_get", None)], &[]);
        assert!(clean.check(0).is_ok());
    }

    #[test]
    fn snake_case_of_upstream_ids() {
        assert_eq!(snake_case("zones-0-get"), "zones_0_get");
        assert_eq!(snake_case("listR2Buckets"), "list_r2_buckets");
        assert_eq!(snake_case("get/accounts/{id}"), "get_accounts_id_");
    }

    #[test]
    fn the_same_seed_draws_the_same_numbers() {
        let (mut a, mut b, mut c) = (SplitMix(7), SplitMix(7), SplitMix(8));
        let first: Vec<u64> = (0..4).map(|_| a.next()).collect();
        assert_eq!(first, (0..4).map(|_| b.next()).collect::<Vec<_>>());
        assert_ne!(first, (0..4).map(|_| c.next()).collect::<Vec<_>>());
    }
}
