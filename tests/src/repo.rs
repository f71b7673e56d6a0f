//! Where the repository and its trimmed spec are.

use std::path::PathBuf;

use serde_json::Value;

/// The repository root, found as `cargo xtask` finds it.
pub fn root() -> PathBuf {
    xtask::repo_root()
}

/// `spec/openapi.json`, parsed.
pub fn spec() -> Value {
    let path = root().join("spec/openapi.json");
    let text = std::fs::read_to_string(&path)
        .unwrap_or_else(|e| panic!("reading {}: {e}", path.display()));
    serde_json::from_str(&text).expect("spec/openapi.json is JSON")
}
