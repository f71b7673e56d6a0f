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
