//! `cargo xtask changes OLD NEW`: what an update of the trimmed spec means for the generated
//! client, change by change, each marked breaking or compatible.
//!
//! Operations are matched by operationId and models by component name. The verdicts are about
//! the Rust client progenitor generates (positional methods, typify structs and enums), not
//! about the wire: a change is breaking when code that compiled against the old client may no
//! longer compile, or may decode or send something different without being told.

mod diff;
mod models;
mod operations;
mod shape;
mod spec;

#[cfg(test)]
mod tests;
#[cfg(test)]
mod upstream_tests;

use serde::Serialize;
use serde_json::Value;

use spec::Spec;

/// What sort of change a [`Change`] is. The order here is the order of changes with the same
/// subject in a report.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Kind {
    OperationAdded,
    OperationRemoved,
    /// The operationId now names another method or path.
    OperationMoved,
    ParameterAdded,
    ParameterRemoved,
    ParameterChanged,
    RequestBodyChanged,
    ResponseChanged,
    ModelAdded,
    ModelRemoved,
    /// A model became another sort of type (struct, enum, free-form object, union...).
    ModelTypeChanged,
    FieldAdded,
    FieldRemoved,
    FieldTypeChanged,
    FieldFormatChanged,
    FieldRequiredChanged,
    FieldNullableChanged,
    EnumValuesAdded,
    EnumValuesRemoved,
    FieldSecrecyChanged,
}

impl Kind {
    /// The snake_case name, as in the JSON report.
    pub fn as_str(self) -> &'static str {
        // Kept in step with the serde names by a test.
        match self {
            Kind::OperationAdded => "operation_added",
            Kind::OperationRemoved => "operation_removed",
            Kind::OperationMoved => "operation_moved",
            Kind::ParameterAdded => "parameter_added",
            Kind::ParameterRemoved => "parameter_removed",
            Kind::ParameterChanged => "parameter_changed",
            Kind::RequestBodyChanged => "request_body_changed",
            Kind::ResponseChanged => "response_changed",
            Kind::ModelAdded => "model_added",
            Kind::ModelRemoved => "model_removed",
            Kind::ModelTypeChanged => "model_type_changed",
            Kind::FieldAdded => "field_added",
            Kind::FieldRemoved => "field_removed",
            Kind::FieldTypeChanged => "field_type_changed",
            Kind::FieldFormatChanged => "field_format_changed",
            Kind::FieldRequiredChanged => "field_required_changed",
            Kind::FieldNullableChanged => "field_nullable_changed",
            Kind::EnumValuesAdded => "enum_values_added",
            Kind::EnumValuesRemoved => "enum_values_removed",
            Kind::FieldSecrecyChanged => "field_secrecy_changed",
        }
    }
}

/// One difference between the old and the new spec.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Change {
    pub kind: Kind,
    /// What changed: `operation <id>`, `operation <id> parameter <name>`, `model <Name>` or
    /// `model <Name>.<field>`.
    pub subject: String,
    pub breaking: bool,
    /// One sentence for the reviewer.
    pub detail: String,
}

impl Change {
    pub(crate) fn new(
        kind: Kind,
        subject: impl Into<String>,
        breaking: bool,
        detail: impl Into<String>,
    ) -> Self {
        Self {
            kind,
            subject: subject.into(),
            breaking,
            detail: detail.into(),
        }
    }
}

/// All changes between two specs, sorted by subject, then kind, then detail.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Report {
    pub changes: Vec<Change>,
}

/// The JSON form: counts first, so that a script need not count.
#[derive(Serialize)]
struct JsonReport<'a> {
    breaking: usize,
    compatible: usize,
    changes: &'a [Change],
}

impl Report {
    pub fn breaking_count(&self) -> usize {
        self.changes.iter().filter(|c| c.breaking).count()
    }

    pub fn is_empty(&self) -> bool {
        self.changes.is_empty()
    }

    /// A summary line, then one line per change.
    pub fn render_text(&self) -> String {
        if self.is_empty() {
            return "API changes: none\n".to_string();
        }
        let breaking = self.breaking_count();
        let mut text = format!(
            "API changes: {breaking} breaking, {} compatible\n",
            self.changes.len() - breaking
        );
        for change in &self.changes {
            let mark = if change.breaking {
                "[breaking]  "
            } else {
                "[compatible]"
            };
            text.push_str(&format!("{mark} {}: {}\n", change.subject, change.detail));
        }
        text
    }

    pub fn render_json(&self) -> String {
        let breaking = self.breaking_count();
        let report = JsonReport {
            breaking,
            compatible: self.changes.len() - breaking,
            changes: &self.changes,
        };
        let mut text = serde_json::to_string_pretty(&report).expect("the report serializes");
        text.push('\n');
        text
    }
}

/// Compares two trimmed specs (as written by `cargo xtask trim`).
pub fn compare(old: &Value, new: &Value) -> Report {
    let old = Spec::read(old);
    let new = Spec::read(new);
    let mut changes = Vec::new();
    operations::compare(&old, &new, &mut changes);
    models::compare(&old, &new, &mut changes);
    changes.sort_by(|a, b| (&a.subject, a.kind, &a.detail).cmp(&(&b.subject, b.kind, &b.detail)));
    Report { changes }
}
