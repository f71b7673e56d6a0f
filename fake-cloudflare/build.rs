//! Reads each operation's `x-api-token-group` from `spec/openapi.json` into a table the fake
//! compiles in (`token_groups.rs` in `OUT_DIR`), so the permission groups it enforces are the
//! spec's and cannot drift from it.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use serde_json::Value;

const METHODS: &[&str] = &["get", "put", "post", "delete", "patch", "head", "options"];

fn main() {
    if let Err(e) = run() {
        eprintln!("error: {e}");
        std::process::exit(1);
    }
}

fn run() -> Result<(), String> {
    let manifest = std::env::var("CARGO_MANIFEST_DIR").map_err(|e| e.to_string())?;
    let spec = Path::new(&manifest).join("../spec/openapi.json");
    println!("cargo::rerun-if-changed={}", spec.display());
    let text = std::fs::read_to_string(&spec)
        .map_err(|e| format!("cannot read {}: {e}", spec.display()))?;
    let json: Value =
        serde_json::from_str(&text).map_err(|e| format!("{} is not JSON: {e}", spec.display()))?;
    let table = token_groups(&json).map_err(|e| format!("{}: {e}", spec.display()))?;

    let mut out = String::from(
        "// Written by build.rs from spec/openapi.json: each operation's x-api-token-group.\n\
         /// The token groups the spec lists for each operation, by operation id.\n\
         pub(crate) const SPEC_TOKEN_GROUPS: &[(&str, &[&str])] = &[\n",
    );
    for (id, groups) in &table {
        let groups: Vec<String> = groups.iter().map(|g| format!("{g:?}")).collect();
        writeln!(out, "    ({id:?}, &[{}]),", groups.join(", ")).map_err(|e| e.to_string())?;
    }
    out.push_str("];\n");
    let dir = PathBuf::from(std::env::var("OUT_DIR").map_err(|e| e.to_string())?);
    std::fs::write(dir.join("token_groups.rs"), out).map_err(|e| e.to_string())
}

/// Every operation's id and token groups (none when the spec lists none), sorted by id.
fn token_groups(spec: &Value) -> Result<Vec<(String, Vec<String>)>, String> {
    let paths = spec
        .get("paths")
        .and_then(Value::as_object)
        .ok_or("no `paths` object")?;
    let mut table = Vec::new();
    for (path, item) in paths {
        let item = item
            .as_object()
            .ok_or_else(|| format!("/paths/{path} is not an object"))?;
        for (method, operation) in item {
            if !METHODS.contains(&method.as_str()) {
                continue;
            }
            let at = format!("/paths/{path}/{method}");
            let id = operation
                .get("operationId")
                .and_then(Value::as_str)
                .ok_or_else(|| format!("{at} has no operationId"))?;
            let groups = match operation.get("x-api-token-group") {
                None => Vec::new(),
                Some(Value::Array(list)) => list
                    .iter()
                    .map(|g| {
                        g.as_str().map(str::to_owned).ok_or_else(|| {
                            format!("{at}/x-api-token-group holds something not a string")
                        })
                    })
                    .collect::<Result<_, _>>()?,
                Some(_) => return Err(format!("{at}/x-api-token-group is not a list")),
            };
            table.push((id.to_owned(), groups));
        }
    }
    table.sort();
    Ok(table)
}
