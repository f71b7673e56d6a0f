//! Reading OpenAPI documents (`.json`, `.json.gz`, `.yaml`/`.yml`) into JSON values, with errors
//! that name the file and the place in it.

use std::fmt;
use std::io::Read;
use std::path::{Path, PathBuf};

use serde_json::Value;

use crate::pointer::Pointer;

/// Where in a document a problem is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Location {
    /// A JSON pointer into the parsed document.
    Pointer(Pointer),
    /// A line and column of the source text (syntax errors, before there is a document).
    Text { line: usize, column: usize },
    /// The file as a whole (unreadable, empty, ...).
    File,
}

/// A problem with an input document: the file, the place and what is wrong there.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SpecError {
    pub file: PathBuf,
    pub location: Location,
    pub message: String,
}

impl SpecError {
    pub fn at(file: &Path, pointer: &Pointer, message: impl Into<String>) -> Self {
        Self {
            file: file.to_path_buf(),
            location: Location::Pointer(pointer.clone()),
            message: message.into(),
        }
    }
}

impl fmt::Display for SpecError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let file = self.file.display();
        match &self.location {
            Location::Pointer(p) => write!(f, "{file}{p}: {}", self.message),
            Location::Text { line, column } => {
                write!(f, "{file}:{line}:{column}: {}", self.message)
            }
            Location::File => write!(f, "{file}: {}", self.message),
        }
    }
}

impl std::error::Error for SpecError {}

/// A parsed document and the file it came from.
pub struct Document {
    pub file: PathBuf,
    pub root: Value,
}

/// Reads and parses `file`, choosing the format from its name; gzip is detected by content.
pub fn load(file: &Path) -> Result<Document, SpecError> {
    let whole_file = |message: String| SpecError {
        file: file.to_path_buf(),
        location: Location::File,
        message,
    };
    let raw = std::fs::read(file).map_err(|e| whole_file(format!("cannot read: {e}")))?;
    let bytes = if raw.starts_with(&[0x1f, 0x8b]) {
        let mut out = Vec::with_capacity(raw.len() * 8);
        flate2::read::GzDecoder::new(raw.as_slice())
            .read_to_end(&mut out)
            .map_err(|e| whole_file(format!("not valid gzip: {e}")))?;
        out
    } else {
        raw
    };
    let name = file.to_string_lossy().to_ascii_lowercase();
    let name = name.strip_suffix(".gz").unwrap_or(&name);
    let root = if name.ends_with(".yaml") || name.ends_with(".yml") {
        parse_yaml(file, &bytes)?
    } else {
        parse_json(file, &bytes)?
    };
    Ok(Document {
        file: file.to_path_buf(),
        root,
    })
}

/// Parses JSON text; a syntax error names the line and column.
pub fn parse_json(file: &Path, bytes: &[u8]) -> Result<Value, SpecError> {
    serde_json::from_slice(bytes).map_err(|e| SpecError {
        file: file.to_path_buf(),
        location: Location::Text {
            line: e.line(),
            column: e.column(),
        },
        message: format!("invalid JSON: {}", strip_position(&e.to_string())),
    })
}

fn parse_yaml(file: &Path, bytes: &[u8]) -> Result<Value, SpecError> {
    serde_yaml_ng::from_slice(bytes).map_err(|e| {
        let location = match e.location() {
            Some(l) => Location::Text {
                line: l.line(),
                column: l.column(),
            },
            None => Location::File,
        };
        SpecError {
            file: file.to_path_buf(),
            location,
            message: format!("invalid YAML: {}", strip_position(&e.to_string())),
        }
    })
}

/// serde's messages end with " at line X column Y"; the location is already shown in front.
fn strip_position(message: &str) -> String {
    match message.find(" at line ") {
        Some(i) => message[..i].to_string(),
        None => message.to_string(),
    }
}

/// Checks that `doc` is an OpenAPI 3.0.x document, the only version progenitor reads.
pub fn require_openapi_30(doc: &Document) -> Result<(), SpecError> {
    let at = Pointer::root().join("openapi");
    match doc.root.get("openapi").and_then(Value::as_str) {
        Some(v) if v.starts_with("3.0.") => Ok(()),
        Some(v) => Err(SpecError::at(
            &doc.file,
            &at,
            format!("OpenAPI {v} is not supported: only 3.0.x can be trimmed and generated"),
        )),
        None => Err(SpecError::at(
            &doc.file,
            &at,
            "not an OpenAPI document: the `openapi` version field is missing",
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn json_syntax_errors_have_line_and_column() {
        let err = parse_json(Path::new("x.json"), b"{\n  \"a\": [1,\n}").unwrap_err();
        assert!(
            matches!(err.location, Location::Text { line: 3, .. }),
            "{err:?}"
        );
        assert!(err.to_string().starts_with("x.json:3:"), "{err}");
    }

    #[test]
    fn rejects_openapi_31() {
        let doc = Document {
            file: "s.json".into(),
            root: serde_json::json!({"openapi": "3.1.0"}),
        };
        let err = require_openapi_30(&doc).unwrap_err();
        assert_eq!(
            err.to_string(),
            "s.json#/openapi: OpenAPI 3.1.0 is not supported: only 3.0.x can be trimmed and generated"
        );
    }
}
