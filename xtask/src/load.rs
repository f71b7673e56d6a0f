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
    /// Set when the input is one the generator declines on purpose (a documented limitation,
    /// README "Operations the generator does not take"), not a broken spec.
    pub limitation: Option<Limitation>,
}

/// What the generator documents that it does not take; `cargo xtask sample` reports these
/// without failing.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Limitation {
    /// A request body in a media type progenitor cannot send.
    RequestBodyMediaType,
    /// An operation that upgrades the connection to another protocol (`101`).
    ProtocolUpgrade,
}

impl fmt::Display for Limitation {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Self::RequestBodyMediaType => "request body media type",
            Self::ProtocolUpgrade => "protocol upgrade",
        })
    }
}

impl SpecError {
    pub fn at(file: &Path, pointer: &Pointer, message: impl Into<String>) -> Self {
        Self {
            file: file.to_path_buf(),
            location: Location::Pointer(pointer.clone()),
            message: message.into(),
            limitation: None,
        }
    }

    /// The whole file is at fault (unreadable, invalid, inconsistent).
    pub fn in_file(file: &Path, message: impl Into<String>) -> Self {
        Self::located(file, Location::File, message)
    }

    pub fn located(file: &Path, location: Location, message: impl Into<String>) -> Self {
        Self {
            file: file.to_path_buf(),
            location,
            message: message.into(),
            limitation: None,
        }
    }

    /// Marks this as a documented limitation rather than a broken input.
    pub fn limitation(mut self, limitation: Limitation) -> Self {
        self.limitation = Some(limitation);
        self
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
        }?;
        match self.limitation {
            Some(limitation) => write!(f, " [limitation: {limitation}]"),
            None => Ok(()),
        }
    }
}

impl std::error::Error for SpecError {}

/// A parsed document and the file it came from.
pub struct Document {
    pub file: PathBuf,
    pub root: Value,
}

/// Bounds on what reading an input may cost.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Limits {
    /// The most bytes an input may have: as a file, once decompressed, and (for YAML) once its
    /// aliases are expanded, counted as the size of the JSON it becomes.
    pub max_input_bytes: u64,
}

/// The default [`Limits::max_input_bytes`]: 128 MiB, ten times Cloudflare's full description
/// (12.5 MB of JSON, 1.1 MB gzipped, in August 2026).
pub const DEFAULT_MAX_INPUT_BYTES: u64 = 128 << 20;

impl Default for Limits {
    fn default() -> Self {
        Self {
            max_input_bytes: DEFAULT_MAX_INPUT_BYTES,
        }
    }
}

/// How many alias expansions serde_yaml_ng allows per event of a YAML document (fixed there).
const YAML_REPETITIONS_PER_EVENT: usize = 100;

/// A byte count as people write it: `128 MiB` when it is whole MiB, else `1000 bytes`.
pub fn describe_size(bytes: u64) -> String {
    const MIB: u64 = 1 << 20;
    if bytes >= MIB && bytes.is_multiple_of(MIB) {
        format!("{} MiB", bytes / MIB)
    } else {
        format!("{bytes} bytes")
    }
}

/// Reads and parses `file` within the default [`Limits`].
pub fn load(file: &Path) -> Result<Document, SpecError> {
    load_with(file, Limits::default())
}

/// Reads and parses `file`, choosing the format from its name; gzip is detected by content.
/// Input beyond `limits` is an error that says which limit, and is never read whole: a file is
/// read, and a gzip stream decompressed, only up to the limit.
pub fn load_with(file: &Path, limits: Limits) -> Result<Document, SpecError> {
    let whole_file = |message: String| SpecError::in_file(file, message);
    let limit = limits.max_input_bytes;
    let over = |what: &str| {
        whole_file(format!(
            "{what} more than the input limit of {}; a larger limit can be set with --max-input-mib",
            describe_size(limit)
        ))
    };
    let opened = std::fs::File::open(file).map_err(|e| whole_file(format!("cannot read: {e}")))?;
    let size_hint = opened.metadata().map(|m| m.len()).unwrap_or(0);
    let raw = read_at_most(&opened, limit, size_hint)
        .map_err(|e| whole_file(format!("cannot read: {e}")))?
        .ok_or_else(|| over("the file holds"))?;
    let bytes = if raw.starts_with(&[0x1f, 0x8b]) {
        let hint = (raw.len() as u64).saturating_mul(8);
        read_at_most(flate2::read::GzDecoder::new(raw.as_slice()), limit, hint)
            .map_err(|e| whole_file(format!("not valid gzip: {e}")))?
            .ok_or_else(|| over("it decompresses to"))?
    } else {
        raw
    };
    let name = file.to_string_lossy().to_ascii_lowercase();
    let name = name.strip_suffix(".gz").unwrap_or(&name);
    let root = if name.ends_with(".yaml") || name.ends_with(".yml") {
        parse_yaml(file, &bytes, limit)?
    } else {
        parse_json(file, &bytes)?
    };
    Ok(Document {
        file: file.to_path_buf(),
        root,
    })
}

/// Everything `reader` gives, or `None` as soon as that is more than `limit` bytes. Memory grows
/// with what was read (at most to `limit`), never ahead of it by more than one buffer.
fn read_at_most(
    mut reader: impl Read,
    limit: u64,
    size_hint: u64,
) -> std::io::Result<Option<Vec<u8>>> {
    let limit = usize::try_from(limit).unwrap_or(usize::MAX);
    let initial = usize::try_from(size_hint).unwrap_or(usize::MAX).min(limit);
    let mut out: Vec<u8> = Vec::with_capacity(initial);
    let mut buffer = vec![0u8; 64 * 1024];
    loop {
        let n = match reader.read(&mut buffer) {
            Ok(0) => return Ok(Some(out)),
            Ok(n) => n,
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
            Err(e) => return Err(e),
        };
        if n > limit - out.len() {
            return Ok(None);
        }
        if out.capacity() - out.len() < n {
            let wanted = out
                .capacity()
                .saturating_mul(2)
                .max(out.len() + n)
                .min(limit);
            out.reserve_exact(wanted - out.len());
        }
        out.extend_from_slice(&buffer[..n]);
    }
}

/// Parses JSON text; a syntax error names the line and column.
pub fn parse_json(file: &Path, bytes: &[u8]) -> Result<Value, SpecError> {
    serde_json::from_slice(bytes).map_err(|e| {
        let location = Location::Text {
            line: e.line(),
            column: e.column(),
        };
        let message = format!("invalid JSON: {}", strip_position(&e.to_string()));
        SpecError::located(file, location, message)
    })
}

/// Parses YAML text; a syntax error names the line and column. Aliases are expanded within
/// `limit` bytes (counted as the JSON the document becomes): a small document of aliases to
/// aliases ("billion laughs") fails instead of filling the memory.
fn parse_yaml(file: &Path, bytes: &[u8], limit: u64) -> Result<Value, SpecError> {
    let budget = yaml::Budget::new(limit);
    let deserializer = serde_yaml_ng::Deserializer::from_slice(bytes);
    serde::de::DeserializeSeed::deserialize(yaml::Budgeted(&budget), deserializer).map_err(|e| {
        let whole_file = |message: String| SpecError::in_file(file, message);
        if budget.exceeded() {
            return whole_file(format!(
                "invalid YAML: its aliases expand it to more than the input limit of {} (as JSON); \
                 a larger limit can be set with --max-input-mib",
                describe_size(limit)
            ));
        }
        if e.to_string() == "repetition limit exceeded" {
            return whole_file(format!(
                "invalid YAML: its aliases are expanded more than {YAML_REPETITIONS_PER_EVENT} times \
                 per event of the document, the most the YAML reader allows"
            ));
        }
        let location = match e.location() {
            Some(l) => Location::Text {
                line: l.line(),
                column: l.column(),
            },
            None => Location::File,
        };
        let message = format!("invalid YAML: {}", strip_position(&e.to_string()));
        SpecError::located(file, location, message)
    })
}

/// Building a JSON value from YAML as serde_json would, but counting what alias expansion
/// produces against a budget before allocating it.
mod yaml {
    use std::cell::Cell;
    use std::fmt;

    use serde::de::{self, DeserializeSeed, Deserializer, MapAccess, SeqAccess, Visitor};
    use serde_json::{Map, Value};

    /// Bytes left, as the size of the JSON built so far.
    pub struct Budget {
        left: Cell<u64>,
        exceeded: Cell<bool>,
    }

    impl Budget {
        pub fn new(limit: u64) -> Self {
            Self {
                left: Cell::new(limit),
                exceeded: Cell::new(false),
            }
        }

        pub fn exceeded(&self) -> bool {
            self.exceeded.get()
        }

        fn charge<E: de::Error>(&self, bytes: usize) -> Result<(), E> {
            let bytes = u64::try_from(bytes).unwrap_or(u64::MAX);
            match self.left.get().checked_sub(bytes) {
                Some(left) => {
                    self.left.set(left);
                    Ok(())
                }
                None => {
                    self.exceeded.set(true);
                    Err(E::custom(
                        "the YAML document expands beyond the input limit",
                    ))
                }
            }
        }
    }

    /// What a scalar other than a string costs (about its size as JSON).
    const SCALAR: usize = 4;

    /// A JSON value, charged to the budget.
    #[derive(Clone, Copy)]
    pub struct Budgeted<'b>(pub &'b Budget);

    impl<'de> DeserializeSeed<'de> for Budgeted<'_> {
        type Value = Value;

        fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<Value, D::Error> {
            deserializer.deserialize_any(self)
        }
    }

    /// Numbers become what serde_json makes of them.
    fn number<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Value, D::Error> {
        serde::Deserialize::deserialize(deserializer)
    }

    impl<'de> Visitor<'de> for Budgeted<'_> {
        type Value = Value;

        fn expecting(&self, formatter: &mut fmt::Formatter) -> fmt::Result {
            formatter.write_str("any valid JSON value")
        }

        fn visit_bool<E: de::Error>(self, v: bool) -> Result<Value, E> {
            self.0.charge(SCALAR)?;
            Ok(Value::Bool(v))
        }

        fn visit_i64<E: de::Error>(self, v: i64) -> Result<Value, E> {
            self.0.charge(SCALAR)?;
            Ok(Value::from(v))
        }

        fn visit_u64<E: de::Error>(self, v: u64) -> Result<Value, E> {
            self.0.charge(SCALAR)?;
            Ok(Value::from(v))
        }

        fn visit_i128<E: de::Error>(self, v: i128) -> Result<Value, E> {
            self.0.charge(SCALAR)?;
            number(de::value::I128Deserializer::<E>::new(v))
        }

        fn visit_u128<E: de::Error>(self, v: u128) -> Result<Value, E> {
            self.0.charge(SCALAR)?;
            number(de::value::U128Deserializer::<E>::new(v))
        }

        fn visit_f64<E: de::Error>(self, v: f64) -> Result<Value, E> {
            self.0.charge(SCALAR)?;
            number(de::value::F64Deserializer::<E>::new(v))
        }

        fn visit_str<E: de::Error>(self, v: &str) -> Result<Value, E> {
            self.0.charge(v.len() + 2)?;
            Ok(Value::String(v.to_owned()))
        }

        fn visit_string<E: de::Error>(self, v: String) -> Result<Value, E> {
            self.0.charge(v.len() + 2)?;
            Ok(Value::String(v))
        }

        fn visit_none<E: de::Error>(self) -> Result<Value, E> {
            self.0.charge(SCALAR)?;
            Ok(Value::Null)
        }

        fn visit_some<D: Deserializer<'de>>(self, deserializer: D) -> Result<Value, D::Error> {
            self.deserialize(deserializer)
        }

        fn visit_unit<E: de::Error>(self) -> Result<Value, E> {
            self.0.charge(SCALAR)?;
            Ok(Value::Null)
        }

        fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Value, A::Error> {
            self.0.charge(2)?;
            let mut items = Vec::new();
            while let Some(item) = seq.next_element_seed(self)? {
                self.0.charge(1)?;
                items.push(item);
            }
            Ok(Value::Array(items))
        }

        fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Value, A::Error> {
            self.0.charge(2)?;
            let mut entries = Map::new();
            while let Some(key) = map.next_key_seed(Key(self.0))? {
                let value = map.next_value_seed(self)?;
                entries.insert(key, value);
            }
            Ok(Value::Object(entries))
        }
    }

    /// A map key: a string, as serde_json takes it.
    struct Key<'b>(&'b Budget);

    impl<'de> DeserializeSeed<'de> for Key<'_> {
        type Value = String;

        fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<String, D::Error> {
            deserializer.deserialize_str(self)
        }
    }

    impl<'de> Visitor<'de> for Key<'_> {
        type Value = String;

        fn expecting(&self, formatter: &mut fmt::Formatter) -> fmt::Result {
            formatter.write_str("a string key")
        }

        fn visit_str<E: de::Error>(self, v: &str) -> Result<String, E> {
            self.0.charge(v.len() + 4)?;
            Ok(v.to_owned())
        }

        fn visit_string<E: de::Error>(self, v: String) -> Result<String, E> {
            self.0.charge(v.len() + 4)?;
            Ok(v)
        }
    }
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
