//! The one place that writes generated files (the trimmed spec, the client's source).
//!
//! Everything is rendered in memory first; only then does the sink touch the disk, so a failure
//! anywhere earlier leaves the tree as it was. Write mode and check mode share this code path:
//! check mode compares and reports instead of writing.

use std::collections::BTreeMap;
use std::io::Write;
use std::path::{Path, PathBuf};

use anyhow::{Context, Result, bail};

/// Whether to update files or only verify that they are up to date.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Mode {
    Write,
    Check,
}

/// A set of files to produce, by path relative to `root`, and optionally a directory that the
/// set owns entirely: files in it that the set does not produce are stale and get removed.
pub struct FileSet {
    pub root: PathBuf,
    pub files: BTreeMap<PathBuf, String>,
    pub owned_dir: Option<PathBuf>,
}

/// What applying a [`FileSet`] found.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct Report {
    pub changed: Vec<PathBuf>,
    pub removed: Vec<PathBuf>,
}

impl Report {
    pub fn is_clean(&self) -> bool {
        self.changed.is_empty() && self.removed.is_empty()
    }
}

impl FileSet {
    pub fn new(root: impl Into<PathBuf>) -> Self {
        Self {
            root: root.into(),
            files: BTreeMap::new(),
            owned_dir: None,
        }
    }

    pub fn add(&mut self, relative: impl Into<PathBuf>, contents: String) {
        self.files.insert(relative.into(), contents);
    }

    /// Compares the set with the disk. In write mode, writes what differs (through a temporary
    /// file and a rename, so no file is ever half-written) and removes stale files. In check mode
    /// it writes nothing and prints a diff of each difference to `out`.
    pub fn apply(&self, mode: Mode, out: &mut dyn Write) -> Result<Report> {
        let mut report = Report::default();
        for (relative, contents) in &self.files {
            let path = self.root.join(relative);
            let current = read_if_exists(&path)?;
            if current.as_deref() == Some(contents.as_str()) {
                continue;
            }
            report.changed.push(relative.clone());
            match mode {
                Mode::Check => {
                    print_diff(out, relative, current.as_deref().unwrap_or(""), contents)?
                }
                Mode::Write => write_atomically(&path, contents)?,
            }
        }
        for stale in self.stale_files()? {
            report.removed.push(stale.clone());
            match mode {
                Mode::Check => {
                    writeln!(out, "--- {} (stale: no longer generated)", stale.display())?
                }
                Mode::Write => std::fs::remove_file(self.root.join(&stale))
                    .with_context(|| format!("removing {}", stale.display()))?,
            }
        }
        Ok(report)
    }

    fn stale_files(&self) -> Result<Vec<PathBuf>> {
        let Some(dir) = &self.owned_dir else {
            return Ok(Vec::new());
        };
        let mut stale = Vec::new();
        let mut pending = vec![dir.clone()];
        while let Some(relative_dir) = pending.pop() {
            let full = self.root.join(&relative_dir);
            if !full.exists() {
                continue;
            }
            let entries =
                std::fs::read_dir(&full).with_context(|| format!("listing {}", full.display()))?;
            for entry in entries {
                let entry = entry.with_context(|| format!("listing {}", full.display()))?;
                let relative = relative_dir.join(entry.file_name());
                if entry.file_type()?.is_dir() {
                    pending.push(relative);
                } else if !self.files.contains_key(&relative) {
                    stale.push(relative);
                }
            }
        }
        stale.sort();
        Ok(stale)
    }
}

fn read_if_exists(path: &Path) -> Result<Option<String>> {
    match std::fs::read(path) {
        // Compare with Windows line endings normalised, so a checkout with `autocrlf` is not stale.
        Ok(bytes) => Ok(Some(String::from_utf8_lossy(&bytes).replace("\r\n", "\n"))),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
        Err(e) => Err(e).with_context(|| format!("reading {}", path.display())),
    }
}

fn write_atomically(path: &Path, contents: &str) -> Result<()> {
    let dir = path
        .parent()
        .context("output path has no parent directory")?;
    std::fs::create_dir_all(dir).with_context(|| format!("creating {}", dir.display()))?;
    let name = path.file_name().context("output path has no file name")?;
    let temporary = dir.join(format!(".{}.tmp", name.to_string_lossy()));
    std::fs::write(&temporary, contents)
        .with_context(|| format!("writing {}", temporary.display()))?;
    std::fs::rename(&temporary, path).with_context(|| format!("replacing {}", path.display()))?;
    Ok(())
}

/// Prints a unified diff, at most `MAX_LINES` lines of it, so a large change stays readable.
fn print_diff(out: &mut dyn Write, relative: &Path, old: &str, new: &str) -> Result<()> {
    const MAX_LINES: usize = 200;
    let name = relative.display().to_string();
    let diff = similar::TextDiff::from_lines(old, new);
    let text = diff
        .unified_diff()
        .context_radius(3)
        .header(
            &format!("{name} (committed)"),
            &format!("{name} (expected)"),
        )
        .to_string();
    let total = text.lines().count();
    for line in text.lines().take(MAX_LINES) {
        writeln!(out, "{line}")?;
    }
    if total > MAX_LINES {
        writeln!(out, "... {} more diff lines for {name}", total - MAX_LINES)?;
    }
    Ok(())
}

/// Fails with the command that brings the files up to date, when check mode found differences.
pub fn require_clean(report: &Report, what: &str, command: &str) -> Result<()> {
    if report.is_clean() {
        return Ok(());
    }
    let count = report.changed.len() + report.removed.len();
    bail!("{what} is out of date ({count} file(s) differ); run `{command}` and commit the result")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn temp_dir(name: &str) -> PathBuf {
        let dir = std::env::temp_dir().join(format!("xtask-sink-{name}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        dir
    }

    #[test]
    fn check_mode_reports_and_never_writes() {
        let root = temp_dir("check");
        std::fs::create_dir_all(root.join("gen")).unwrap();
        std::fs::write(root.join("gen/a.rs"), "old\n").unwrap();
        std::fs::write(root.join("gen/stale.rs"), "x\n").unwrap();
        let mut set = FileSet::new(&root);
        set.owned_dir = Some("gen".into());
        set.add("gen/a.rs", "new\n".into());
        set.add("gen/b.rs", "b\n".into());
        let mut out = Vec::new();
        let report = set.apply(Mode::Check, &mut out).unwrap();
        assert_eq!(
            report.changed,
            vec![PathBuf::from("gen/a.rs"), PathBuf::from("gen/b.rs")]
        );
        assert_eq!(report.removed, vec![PathBuf::from("gen/stale.rs")]);
        assert_eq!(
            std::fs::read_to_string(root.join("gen/a.rs")).unwrap(),
            "old\n"
        );
        assert!(!root.join("gen/b.rs").exists());
        let text = String::from_utf8(out).unwrap();
        assert!(text.contains("-old") && text.contains("+new"), "{text}");
        assert!(require_clean(&report, "the client", "cargo xtask generate").is_err());
    }

    #[test]
    fn write_mode_updates_only_what_differs() {
        let root = temp_dir("write");
        std::fs::create_dir_all(root.join("gen")).unwrap();
        std::fs::write(root.join("gen/same.rs"), "same\n").unwrap();
        std::fs::write(root.join("gen/stale.rs"), "x\n").unwrap();
        let mut set = FileSet::new(&root);
        set.owned_dir = Some("gen".into());
        set.add("gen/same.rs", "same\n".into());
        set.add("gen/new.rs", "new\n".into());
        let report = set.apply(Mode::Write, &mut Vec::new()).unwrap();
        assert_eq!(report.changed, vec![PathBuf::from("gen/new.rs")]);
        assert!(!root.join("gen/stale.rs").exists());
        assert_eq!(
            std::fs::read_to_string(root.join("gen/new.rs")).unwrap(),
            "new\n"
        );
        let again = set.apply(Mode::Check, &mut Vec::new()).unwrap();
        assert!(again.is_clean());
    }
}
