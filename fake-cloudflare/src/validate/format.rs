//! The string formats the spec's request schemas use: `date-time`, `uuid` and `uri`.

/// The formats [`holds`] checks; a unit test fails if a request schema uses another.
#[cfg(test)]
pub(crate) const FORMATS: &[&str] = &["date-time", "uuid", "uri"];

/// Whether `text` is of format `name`. An unknown format holds (the unit test keeps the spec
/// from using one).
pub(crate) fn holds(name: &str, text: &str) -> bool {
    match name {
        "date-time" => date_time(text),
        "uuid" => uuid::Uuid::try_parse(text).is_ok() && text.len() == 36,
        "uri" => uri(text),
        _ => true,
    }
}

/// RFC 3339's `date-time`: a full date, `T`, a time with seconds, and a zone (`Z` or an
/// offset). chrono's RFC 3339 parser also takes a space or a lowercase `t` for the `T`, as RFC
/// 3339 allows; it refuses the zone-less form the fake itself answers for AI Search.
fn date_time(text: &str) -> bool {
    chrono::DateTime::parse_from_rfc3339(text).is_ok()
}

/// An absolute URI (RFC 3986): a scheme (a letter, then letters, digits, `+`, `-`, `.`), a
/// colon, and no whitespace or control characters anywhere.
fn uri(text: &str) -> bool {
    let Some((scheme, _)) = text.split_once(':') else {
        return false;
    };
    let mut chars = scheme.chars();
    chars.next().is_some_and(|c| c.is_ascii_alphabetic())
        && chars.all(|c| c.is_ascii_alphanumeric() || "+-.".contains(c))
        && !text.chars().any(|c| c.is_whitespace() || c.is_control())
}
