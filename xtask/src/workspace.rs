//! Where things are: the repository (found at run time, from the current directory, never from
//! where xtask was compiled: two clones sharing one target directory must not write into each
//! other) and Cloudflare's published specs.

use std::path::{Path, PathBuf};

/// The environment variable naming the directory of Cloudflare's published specs.
pub const UPSTREAM_DIR_VAR: &str = "CLOUDFLARE_UPSTREAM_DIR";

/// The current spec, by file name inside the upstream directory.
pub const CURRENT_UPSTREAM: &str = "cloudflare-openapi-2026-08-17.json.gz";
/// An older spec, for the change report's real-update tests.
pub const OLDER_UPSTREAM: &str = "cloudflare-openapi-2024-08-07.json.gz";

/// The repository root: the nearest directory, from the current one up, that holds this
/// workspace (`Cargo.toml` beside `xtask/` and `spec/`). `cargo xtask` runs in the directory it
/// was called from, and `cargo test` runs a package's tests in the package's directory, so both
/// find their own clone.
pub fn repo_root() -> PathBuf {
    let start = std::env::current_dir().unwrap_or_else(|_| PathBuf::from("."));
    find_root(&start).unwrap_or(start)
}

fn find_root(start: &Path) -> Option<PathBuf> {
    start
        .ancestors()
        .find(|dir| {
            dir.join("Cargo.toml").is_file()
                && dir.join("xtask/Cargo.toml").is_file()
                && dir.join("spec").is_dir()
        })
        .map(Path::to_path_buf)
}

/// The directory of Cloudflare's published specs: `$CLOUDFLARE_UPSTREAM_DIR`, else
/// `../shared/upstream` beside the repository.
pub fn upstream_dir() -> PathBuf {
    match std::env::var_os(UPSTREAM_DIR_VAR) {
        Some(dir) if !dir.is_empty() => PathBuf::from(dir),
        _ => repo_root().join("../shared/upstream"),
    }
}

/// One of Cloudflare's published specs, for tests that need it. When it is absent, a test is
/// skipped with a notice on stderr (`None`), except under `CI=true`, where its absence is a
/// failure: CI must not pass by skipping.
pub fn upstream_for_tests(name: &str) -> Option<PathBuf> {
    let path = upstream_dir().join(name);
    if path.is_file() {
        return Some(path);
    }
    let message = format!(
        "Cloudflare's published spec {name} is not at {}: set {UPSTREAM_DIR_VAR} to its directory \
         (see the README, \"Set up and test\")",
        path.display()
    );
    if std::env::var("CI").is_ok_and(|v| v == "true") {
        panic!("{message}");
    }
    // Written to stderr directly, not with `eprintln!`, which the test harness captures: the
    // notice must be seen in a passing run.
    use std::io::Write;
    let _ = writeln!(std::io::stderr(), "skipped: {message}");
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_root_is_found_from_any_directory_inside_it() {
        let root = find_root(Path::new(env!("CARGO_MANIFEST_DIR"))).unwrap();
        assert!(root.join("spec/overlay.toml").is_file());
        assert_eq!(find_root(&root.join("generated/src")), Some(root.clone()));
        let elsewhere = tempfile_dir();
        assert_eq!(find_root(&elsewhere), None);
    }

    fn tempfile_dir() -> PathBuf {
        let dir = std::env::temp_dir().join(format!("xtask-root-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        dir
    }
}
