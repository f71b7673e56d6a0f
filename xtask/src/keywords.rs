//! OpenAPI schema keywords the trimmer, the generator and the change report agree on.

/// Keywords that limit a value (its range, length, pattern or count) without changing its kind:
/// kept as facts by the trimmer, left out of the Rust types by the generator (progenitor would
/// make validating newtypes of them), and reported as compatible changes.
pub const LIMITS: &[&str] = &[
    "minimum",
    "maximum",
    "exclusiveMinimum",
    "exclusiveMaximum",
    "multipleOf",
    "minLength",
    "maxLength",
    "pattern",
    "minItems",
    "maxItems",
    "uniqueItems",
];

/// Our extension marking the models of Cloudflare's envelope in the trimmed spec: the trimmer
/// writes it, the generator (which replaces these models by the hand-written envelope types), the
/// change report and the tests key on it, never on a model's name.
pub const ENVELOPE: &str = "x-envelope";

/// What an [`ENVELOPE`]-marked model is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum EnvelopePart {
    /// The envelope of a successful answer, around its `result` (`crate::Envelope<Result>`).
    Success,
    /// The one envelope of every failed answer (`crate::Envelope<serde_json::Value>`).
    Error,
    /// One message of `errors` or `messages` (`crate::Message`).
    Message,
    /// Where a page sits in a list (`crate::ResultInfo`).
    ResultInfo,
}

impl EnvelopePart {
    pub const ALL: [Self; 4] = [Self::Success, Self::Error, Self::Message, Self::ResultInfo];

    /// The value of [`ENVELOPE`] for this part.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Success => "success",
            Self::Error => "error",
            Self::Message => "message",
            Self::ResultInfo => "result-info",
        }
    }

    /// The part a model of the trimmed spec is marked as, if any.
    pub fn of(schema: &serde_json::Value) -> Option<Self> {
        let mark = schema.get(ENVELOPE)?.as_str()?;
        Self::ALL.into_iter().find(|part| part.as_str() == mark)
    }

    /// Whether the model wraps a result (a success or an error envelope).
    pub fn is_envelope(self) -> bool {
        matches!(self, Self::Success | Self::Error)
    }
}
