//! The overlay (`spec/overlay.toml`): the maintainer-edited file that says which upstream
//! operations we keep, what we call them and their models, our documentation, and the fixes we
//! apply to upstream's description. The trimmer reads nothing else besides the upstream spec.

use std::collections::BTreeMap;
use std::path::Path;

use serde::Deserialize;
use serde_json::{Map, Value};

use crate::load::{Location, SpecError};

#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Overlay {
    /// The file this overlay was read from (for messages).
    #[serde(skip)]
    pub file: std::path::PathBuf,
    pub info: Info,
    /// Module per area: id → one-line documentation. Every operation belongs to one area.
    pub areas: BTreeMap<String, String>,
    #[serde(rename = "operation")]
    pub operations: Vec<Operation>,
    /// Our documentation for each named model.
    #[serde(default)]
    pub models: BTreeMap<String, String>,
    /// Better names for models the trimmer named after their position (`ParentField`).
    #[serde(default)]
    pub rename: BTreeMap<String, String>,
    #[serde(default, rename = "fix")]
    pub fixes: Vec<Fix>,
    /// Parameters the client gives a shape of its own, by upstream name (see [`Role`]).
    #[serde(default)]
    pub parameters: BTreeMap<String, Role>,
}

/// What a parameter is to the client, beyond its type. The trimmer writes it into the trimmed
/// spec as the parameter's `x-role` ([`Role::EXTENSION`]), and the generator keys on that mark,
/// never on the parameter's name.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Deserialize, serde::Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Role {
    /// The `accounts`/`zones` path segment: with [`Role::ScopeId`], one `&Scope` argument.
    ScopeKind,
    /// The account or zone id that follows it.
    ScopeId,
    /// A page number (from 1), as `u32`: a list with a page and a page size gets a stream of
    /// every item.
    Page,
    /// A page size, as `u32`, at most the parameter's `maximum`.
    PerPage,
}

impl Role {
    /// The trimmed spec's extension that carries a parameter's role.
    pub const EXTENSION: &'static str = "x-role";

    /// The role as the trimmed spec spells it.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::ScopeKind => "scope-kind",
            Self::ScopeId => "scope-id",
            Self::Page => "page",
            Self::PerPage => "per-page",
        }
    }

    /// The role a trimmed spec's parameter carries, if any.
    pub fn of(parameter: &Value) -> Option<Self> {
        match parameter.get(Self::EXTENSION)?.as_str()? {
            "scope-kind" => Some(Self::ScopeKind),
            "scope-id" => Some(Self::ScopeId),
            "page" => Some(Self::Page),
            "per-page" => Some(Self::PerPage),
            _ => None,
        }
    }
}

#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Info {
    pub title: String,
}

#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Operation {
    /// Our `operationId` (snake_case): the client's method name.
    pub id: String,
    /// `METHOD /path` as upstream has it.
    pub upstream: String,
    pub area: String,
    pub doc: String,
    /// Name of the model in the response envelope's `result` (for lists: of one item).
    pub result: String,
    /// Name of the request body's model, for operations that take one.
    pub body: Option<String>,
}

impl Operation {
    /// The upstream method (lower case, as in a path item) and path.
    pub fn method_and_path(&self) -> Option<(String, &str)> {
        let (method, path) = self.upstream.split_once(' ')?;
        Some((method.to_ascii_lowercase(), path.trim()))
    }
}

/// A correction to upstream's description, applied while trimming. Each says why.
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Fix {
    /// A property of this model ...
    pub model: Option<String>,
    pub property: Option<String>,
    /// ... or a parameter, of one operation or (without `operation`) of every operation.
    pub operation: Option<String>,
    pub parameter: Option<String>,
    /// Keywords to set on the schema.
    #[serde(default)]
    pub set: Map<String, Value>,
    /// Keywords to remove from the schema.
    #[serde(default)]
    pub remove: Vec<String>,
    /// A schema that replaces upstream's entirely.
    pub replace: Option<Value>,
    /// The name of the model this schema becomes, instead of the positional one.
    pub name: Option<String>,
    pub why: String,
}

/// What a fix applies to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Site<'a> {
    Property {
        model: &'a str,
        property: &'a str,
    },
    Parameter {
        operation: &'a str,
        parameter: &'a str,
    },
}

impl Fix {
    pub fn matches(&self, site: &Site<'_>) -> bool {
        match site {
            Site::Property { model, property } => {
                self.model.as_deref() == Some(*model) && self.property.as_deref() == Some(*property)
            }
            Site::Parameter {
                operation,
                parameter,
            } => {
                self.parameter.as_deref() == Some(*parameter)
                    && self.operation.as_deref().is_none_or(|o| o == *operation)
            }
        }
    }

    pub fn describe(&self) -> String {
        match (
            &self.model,
            &self.property,
            &self.operation,
            &self.parameter,
        ) {
            (Some(m), Some(p), _, _) => format!("{m}.{p}"),
            (_, _, Some(o), Some(p)) => format!("parameter `{p}` of {o}"),
            (_, _, None, Some(p)) => format!("parameter `{p}`"),
            _ => "an unspecified place".to_string(),
        }
    }

    /// Applies the fix to a (flattened) schema.
    pub fn apply(&self, schema: &mut Map<String, Value>) {
        if let Some(Value::Object(replacement)) = &self.replace {
            *schema = replacement.clone();
        }
        for key in &self.remove {
            schema.remove(key);
        }
        for (key, value) in &self.set {
            schema.insert(key.clone(), value.clone());
        }
    }
}

impl Overlay {
    pub fn load(file: &Path) -> Result<Self, SpecError> {
        let text = std::fs::read_to_string(file)
            .map_err(|e| SpecError::in_file(file, format!("cannot read overlay: {e}")))?;
        let mut overlay: Overlay = toml::from_str(&text).map_err(|e| {
            let location = match e.span() {
                Some(span) => {
                    let before = &text[..span.start.min(text.len())];
                    Location::Text {
                        line: before.matches('\n').count() + 1,
                        column: before.len() - before.rfind('\n').map_or(0, |i| i + 1) + 1,
                    }
                }
                None => Location::File,
            };
            SpecError::located(file, location, format!("invalid overlay: {}", e.message()))
        })?;
        overlay.validate(file)?;
        overlay.file = file.to_path_buf();
        Ok(overlay)
    }

    fn validate(&self, file: &Path) -> Result<(), SpecError> {
        let fail = |message: String| SpecError::in_file(file, message);
        let mut seen = std::collections::BTreeSet::new();
        for op in &self.operations {
            if !seen.insert(&op.id) {
                return Err(fail(format!("operation id `{}` is used twice", op.id)));
            }
            if !self.areas.contains_key(&op.area) {
                return Err(fail(format!(
                    "operation `{}` names unknown area `{}`",
                    op.id, op.area
                )));
            }
            if op.method_and_path().is_none() {
                return Err(fail(format!(
                    "operation `{}`: upstream must read `METHOD /path`, not `{}`",
                    op.id, op.upstream
                )));
            }
            if op.id.is_empty()
                || !op
                    .id
                    .chars()
                    .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_')
            {
                return Err(fail(format!("operation id `{}` must be snake_case", op.id)));
            }
        }
        for fix in &self.fixes {
            let property = fix.model.is_some() && fix.property.is_some() && fix.parameter.is_none();
            let parameter =
                fix.parameter.is_some() && fix.model.is_none() && fix.property.is_none();
            if property == parameter {
                return Err(fail(format!(
                    "a fix must name either `model` and `property`, or `parameter` (why: {})",
                    fix.why
                )));
            }
        }
        Ok(())
    }
}
