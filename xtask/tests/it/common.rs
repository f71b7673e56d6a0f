//! What the modules of this test binary share.

use std::path::{Path, PathBuf};

/// The list path of the fixture spec's widgets.
pub const LIST: &str = "/{accounts_or_zones}/{account_or_zone_id}/widgets";

/// The repository, as `cargo xtask` finds it.
pub fn repo_root() -> PathBuf {
    xtask::repo_root()
}

/// A file of the trimmer's fixtures (`xtask/tests/fixtures/trim/`).
pub fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/trim")
        .join(name)
}

/// One of Cloudflare's published specs, or `None` to skip (see
/// `xtask::workspace::upstream_for_tests`).
pub fn upstream(name: &str) -> Option<PathBuf> {
    xtask::workspace::upstream_for_tests(name)
}
