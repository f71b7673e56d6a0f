//! The one place that writes generated files (the trimmed spec, the client's source).
//!
//! Everything is rendered in memory first; only then does the sink touch the disk, so a failure
//! anywhere earlier leaves the tree as it was; and the sink replaces its files all or nothing
//! (stage every file, then rename them all, undoing on failure: see `Transaction`). Write mode
//! and check mode share this code path: check mode compares and reports instead of writing.

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
    /// A failure to inject, for the tests of the all-or-nothing promise.
    #[cfg(test)]
    fail: Option<Fail>,
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
            #[cfg(test)]
            fail: None,
        }
    }

    pub fn add(&mut self, relative: impl Into<PathBuf>, contents: String) {
        self.files.insert(relative.into(), contents);
    }

    /// Compares the set with the disk. In write mode, replaces what differs and removes stale
    /// files as one transaction (see `Transaction`): either every file is updated, or, when
    /// any step fails, every file is left as it was. In check mode it writes nothing and prints
    /// a diff of each difference to `out`.
    pub fn apply(&self, mode: Mode, out: &mut dyn Write) -> Result<Report> {
        let mut report = Report::default();
        let mut changed = Vec::new();
        // Everything is read and compared before anything is written.
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
                Mode::Write => changed.push((path, contents.as_str())),
            }
        }
        report.removed = self.stale_files()?;
        match mode {
            Mode::Check => {
                for stale in &report.removed {
                    writeln!(out, "--- {} (stale: no longer generated)", stale.display())?;
                }
            }
            Mode::Write => {
                let stale: Vec<PathBuf> =
                    report.removed.iter().map(|s| self.root.join(s)).collect();
                let mut transaction = Transaction::default();
                #[cfg(test)]
                {
                    transaction.fail = self.fail;
                }
                transaction.run(&changed, &stale)?;
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

/// A step of a [`Transaction`] at which a test makes it fail.
#[cfg(test)]
#[derive(Clone, Copy, Debug)]
enum Fail {
    /// Writing the staged copy of the n-th changed file.
    Stage(usize),
    /// The n-th rename of the commit (changed files first, then stale ones).
    Commit(usize),
}

/// Replaces a set of files and removes stale ones, all or nothing.
///
/// 1. Stage: each new content is written to a temporary file beside its target (same
///    directory, so the rename below cannot cross file systems), and each file about to be
///    replaced gets a backup beside it (a hard link, else a copy). Missing directories are
///    created. If anything fails, the staged files, backups and created directories are
///    removed and no target has been touched.
/// 2. Commit: each staged file is renamed onto its target, then each stale file is moved aside
///    (renamed to its backup). If a rename fails, the renames done so far are undone from the
///    backups: every target is as it was. Stale files go only once every new file is in place.
/// 3. Clean up: the backups are removed (a failure here leaves a hidden `.orig` file beside
///    its target, and is only a warning's worth: the targets are already right).
///
/// The one window left is the process being killed during the commit, between two renames.
#[derive(Default)]
struct Transaction {
    /// Temporary files written so far.
    staged: Vec<PathBuf>,
    /// Backups made so far: (target, backup).
    backups: Vec<(PathBuf, PathBuf)>,
    /// Directories created, outermost first.
    created_dirs: Vec<PathBuf>,
    #[cfg(test)]
    fail: Option<Fail>,
}

/// A hidden name beside `path`: `.NAME.PID.SUFFIX`.
fn beside(path: &Path, suffix: &str) -> Result<PathBuf> {
    let dir = path
        .parent()
        .context("output path has no parent directory")?;
    let name = path.file_name().context("output path has no file name")?;
    Ok(dir.join(format!(
        ".{}.{}.{suffix}",
        name.to_string_lossy(),
        std::process::id()
    )))
}

impl Transaction {
    fn run(&mut self, changed: &[(PathBuf, &str)], stale: &[PathBuf]) -> Result<()> {
        if let Err(e) = self.stage(changed) {
            self.abandon();
            return Err(e);
        }
        // On failure the commit has undone itself and cleaned up.
        self.commit(changed, stale)?;
        for (_, backup) in std::mem::take(&mut self.backups) {
            let _ = std::fs::remove_file(backup);
        }
        Ok(())
    }

    /// Writes the staged copies and the backups of the files they replace. Stale files need no
    /// copy: the commit moves them aside, and that is their backup.
    fn stage(&mut self, changed: &[(PathBuf, &str)]) -> Result<()> {
        for (i, (path, contents)) in changed.iter().enumerate() {
            let dir = path
                .parent()
                .context("output path has no parent directory")?;
            self.create_dir_all(dir)?;
            let temporary = beside(path, "tmp")?;
            self.write_new(i, &temporary, contents)
                .with_context(|| format!("writing {}", temporary.display()))?;
            if path.exists() {
                self.back_up(path)?;
            }
        }
        Ok(())
    }

    /// Writes `contents` to a file that must not exist yet, remembering it once created: the
    /// staged copy of the `i`-th changed file.
    fn write_new(&mut self, _i: usize, path: &Path, contents: &str) -> std::io::Result<()> {
        let mut file = std::fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .open(path)?;
        self.staged.push(path.to_path_buf());
        #[cfg(test)]
        if matches!(self.fail, Some(Fail::Stage(n)) if n == _i) {
            return Err(std::io::Error::other("injected failure"));
        }
        file.write_all(contents.as_bytes())?;
        file.sync_all()
    }

    fn back_up(&mut self, path: &Path) -> Result<()> {
        let backup = beside(path, "orig")?;
        if std::fs::hard_link(path, &backup).is_err() {
            std::fs::copy(path, &backup).with_context(|| {
                format!("backing up {} to {}", path.display(), backup.display())
            })?;
        }
        self.backups.push((path.to_path_buf(), backup));
        Ok(())
    }

    /// `create_dir_all`, remembering which directories did not exist.
    fn create_dir_all(&mut self, dir: &Path) -> Result<()> {
        let mut missing = Vec::new();
        let mut current = Some(dir);
        while let Some(d) = current {
            if d.as_os_str().is_empty() || d.exists() {
                break;
            }
            missing.push(d.to_path_buf());
            current = d.parent();
        }
        for d in missing.into_iter().rev() {
            std::fs::create_dir(&d).with_context(|| format!("creating {}", d.display()))?;
            self.created_dirs.push(d);
        }
        Ok(())
    }

    fn commit(&mut self, changed: &[(PathBuf, &str)], stale: &[PathBuf]) -> Result<()> {
        let steps = changed
            .iter()
            .map(|(path, _)| Ok((beside(path, "tmp")?, path.clone())))
            .chain(
                stale
                    .iter()
                    .map(|path| Ok((path.clone(), beside(path, "orig")?))),
            )
            .collect::<Result<Vec<_>>>()?;
        let changed_count = changed.len();
        let mut done = Vec::new();
        for (i, (from, to)) in steps.into_iter().enumerate() {
            let renamed = self.rename(i, &from, &to);
            if renamed.is_ok() && i >= changed_count {
                // A stale file moved aside: that is its backup now.
                self.backups.push((from.clone(), to.clone()));
            }
            if let Err(e) = renamed {
                let error = anyhow::Error::new(e).context(format!(
                    "renaming {} to {}",
                    from.display(),
                    to.display()
                ));
                return match self.undo(&done) {
                    Ok(()) => {
                        self.abandon();
                        Err(error.context("no file was changed"))
                    }
                    Err(undo) => {
                        // Keep the backups: they hold what could not be put back.
                        for path in self.staged.drain(..) {
                            let _ = std::fs::remove_file(path);
                        }
                        let kept: Vec<String> = self
                            .backups
                            .iter()
                            .map(|(_, b)| b.display().to_string())
                            .collect();
                        Err(error.context(format!(
                            "undoing the renames already done failed ({undo:#}); the originals are kept in {}",
                            kept.join(", ")
                        )))
                    }
                };
            }
            done.push((from, to));
        }
        Ok(())
    }

    /// One rename of the commit, the `i`-th.
    fn rename(&self, _i: usize, from: &Path, to: &Path) -> std::io::Result<()> {
        #[cfg(test)]
        if matches!(self.fail, Some(Fail::Commit(n)) if n == _i) {
            return Err(std::io::Error::other("injected failure"));
        }
        std::fs::rename(from, to)
    }

    /// Puts back what the commit's first renames replaced.
    fn undo(&mut self, done: &[(PathBuf, PathBuf)]) -> Result<()> {
        let mut first_error = None;
        for (from, to) in done.iter().rev() {
            // A replaced file gets its backup back in place, a stale file moves back from its
            // backup, a new file is removed.
            let backup = self.backups.iter().find(|(t, b)| t == to || b == to);
            let result = match backup {
                Some((original, backup)) => std::fs::rename(backup, original),
                None => std::fs::remove_file(to),
            };
            match result {
                Ok(()) => {
                    self.backups.retain(|(t, _)| t != to && t != from);
                    // A restored temporary file is gone: nothing of it to clean up.
                    self.staged.retain(|s| s != from);
                }
                Err(e) => {
                    first_error.get_or_insert(
                        anyhow::Error::new(e).context(format!("restoring {}", to.display())),
                    );
                }
            }
        }
        match first_error {
            Some(e) => Err(e),
            None => Ok(()),
        }
    }

    /// Removes what staging left: temporary files, backups, created directories.
    fn abandon(&mut self) {
        for path in self.staged.drain(..) {
            let _ = std::fs::remove_file(path);
        }
        for (_, backup) in self.backups.drain(..) {
            let _ = std::fs::remove_file(backup);
        }
        for dir in self.created_dirs.drain(..).rev() {
            let _ = std::fs::remove_dir(dir);
        }
    }
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
    /// Every entry under `dir`: files with their bytes, directories with `None`.
    fn tree(dir: &Path) -> BTreeMap<PathBuf, Option<Vec<u8>>> {
        let mut out = BTreeMap::new();
        let mut pending = vec![dir.to_path_buf()];
        while let Some(current) = pending.pop() {
            for entry in std::fs::read_dir(&current).unwrap() {
                let path = entry.unwrap().path();
                let relative = path.strip_prefix(dir).unwrap().to_path_buf();
                if path.is_dir() {
                    out.insert(relative, None);
                    pending.push(path);
                } else {
                    out.insert(relative, Some(std::fs::read(&path).unwrap()));
                }
            }
        }
        out
    }

    /// A directory with committed files, and a set that changes two of them, adds two (one in a
    /// new directory), keeps one and makes two stale: 4 files to stage, 6 renames to commit.
    fn scenario(name: &str) -> (PathBuf, FileSet) {
        let root = temp_dir(name);
        std::fs::create_dir_all(root.join("gen")).unwrap();
        for (file, text) in [
            ("gen/a.rs", "old a\n"),
            ("gen/b.rs", "old b\n"),
            ("gen/same.rs", "same\n"),
            ("gen/stale1.rs", "stale 1\n"),
            ("gen/stale2.rs", "stale 2\n"),
        ] {
            std::fs::write(root.join(file), text).unwrap();
        }
        let mut set = FileSet::new(&root);
        set.owned_dir = Some("gen".into());
        set.add("gen/a.rs", "new a\n".into());
        set.add("gen/b.rs", "new b\n".into());
        set.add("gen/c.rs", "new c\n".into());
        set.add("gen/same.rs", "same\n".into());
        set.add("gen/sub/d.rs", "new d\n".into());
        (root, set)
    }

    #[test]
    fn a_failure_at_any_step_leaves_every_file_as_it_was() {
        let failures = (0..4).map(Fail::Stage).chain((0..6).map(Fail::Commit));
        for fail in failures {
            let (root, mut set) = scenario("fail");
            let before = tree(&root);
            set.fail = Some(fail);
            let error = set.apply(Mode::Write, &mut Vec::new()).unwrap_err();
            assert!(
                format!("{error:#}").contains("injected failure"),
                "{fail:?}: {error:#}"
            );
            assert_eq!(tree(&root), before, "{fail:?} changed the tree");
            std::fs::remove_dir_all(&root).unwrap();
        }

        // Without a failure, all of it happens, and nothing is left behind.
        let (root, set) = scenario("fail");
        let report = set.apply(Mode::Write, &mut Vec::new()).unwrap();
        assert_eq!(report.changed.len(), 4);
        assert_eq!(report.removed.len(), 2);
        let text = |file: &str| Some(file.as_bytes().to_vec());
        let expected: BTreeMap<PathBuf, Option<Vec<u8>>> = [
            ("gen", None),
            ("gen/a.rs", text("new a\n")),
            ("gen/b.rs", text("new b\n")),
            ("gen/c.rs", text("new c\n")),
            ("gen/same.rs", text("same\n")),
            ("gen/sub", None),
            ("gen/sub/d.rs", text("new d\n")),
        ]
        .into_iter()
        .map(|(p, c)| (PathBuf::from(p), c))
        .collect();
        assert_eq!(tree(&root), expected);
        std::fs::remove_dir_all(&root).unwrap();
    }

    #[test]
    fn real_failures_leave_every_file_as_it_was() {
        // The staged copy of the third file cannot be created: its name is taken by a directory.
        let (root, set) = scenario("blocked");
        std::fs::create_dir(beside(&root.join("gen/c.rs"), "tmp").unwrap()).unwrap();
        let before = tree(&root);
        let error = set.apply(Mode::Write, &mut Vec::new()).unwrap_err();
        assert!(format!("{error:#}").contains("c.rs"), "{error:#}");
        assert_eq!(tree(&root), before);
        std::fs::remove_dir_all(&root).unwrap();

        // A target that is a directory.
        let (root, set) = scenario("directory");
        std::fs::create_dir(root.join("gen/c.rs")).unwrap();
        let before = tree(&root);
        let error = set.apply(Mode::Write, &mut Vec::new()).unwrap_err();
        assert!(format!("{error:#}").contains("c.rs"), "{error:#}");
        assert_eq!(tree(&root), before);
        std::fs::remove_dir_all(&root).unwrap();
    }
}
