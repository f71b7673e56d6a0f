//! JSON pointers (RFC 6901), used to say *where* in a document something is wrong.

use std::fmt;

/// A JSON pointer such as `/paths/~1user~1tokens/get`, built one segment at a time.
#[derive(Clone, Debug, Default, PartialEq, Eq, PartialOrd, Ord)]
pub struct Pointer(String);

impl Pointer {
    pub fn root() -> Self {
        Self(String::new())
    }

    /// Parses the fragment of a local `$ref` (`#/components/schemas/x`).
    pub fn from_ref(reference: &str) -> Option<Self> {
        let rest = reference.strip_prefix('#')?;
        if !(rest.is_empty() || rest.starts_with('/')) {
            return None;
        }
        Some(Self(rest.to_string()))
    }

    /// This pointer extended by one (unescaped) segment.
    pub fn join(&self, segment: impl AsRef<str>) -> Self {
        let escaped = segment.as_ref().replace('~', "~0").replace('/', "~1");
        Self(format!("{}/{}", self.0, escaped))
    }

    /// The pointer one level up (the root's parent is the root).
    pub fn parent(&self) -> Self {
        match self.0.rfind('/') {
            Some(i) => Self(self.0[..i].to_string()),
            None => Self::root(),
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The value this pointer designates inside `doc`, if any.
    pub fn get<'a>(&self, doc: &'a serde_json::Value) -> Option<&'a serde_json::Value> {
        doc.pointer(&self.0)
    }
}

impl fmt::Display for Pointer {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "#{}", self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_slashes_and_tildes() {
        let p = Pointer::root()
            .join("paths")
            .join("/user/tokens")
            .join("a~b");
        assert_eq!(p.as_str(), "/paths/~1user~1tokens/a~0b");
        assert_eq!(p.to_string(), "#/paths/~1user~1tokens/a~0b");
    }

    #[test]
    fn resolves_refs() {
        let doc = serde_json::json!({"components": {"schemas": {"a/b": 1}}});
        let p = Pointer::from_ref("#/components/schemas/a~1b").unwrap();
        assert_eq!(p.get(&doc), Some(&serde_json::json!(1)));
        assert!(Pointer::from_ref("other.json#/x").is_none());
    }
}
