//! Keeping secrets out of what an error (or a log line) shows.
//!
//! Two defences, both applied to every text from the server an error quotes (body excerpts,
//! Cloudflare's messages, the `cf-ray` and `Location` headers, a decoder's complaint):
//!
//! - **By structure**: a tolerant JSON scanner masks the value of every key the spec marks
//!   `x-sensitive` (the generated client hands their names to the builder) or that names a
//!   credential, at any
//!   depth. It decodes strings as JSON does (escaped quotes, `\u0075`-style escapes in key names),
//!   accepts input that is cut short or is not JSON at all, and looks inside strings that hold
//!   JSON themselves (a message quoting a body).
//! - **By value**: every secret this call sent or received (the credentials, the secret fields of
//!   the request body, the secret fields of the response) is replaced wherever it appears, in
//!   whatever format: as is, JSON-escaped (once or twice) or HTML-escaped, and also when a body
//!   ends in the middle of one.

use zeroize::Zeroizing;

/// What replaces a secret.
pub(crate) const MASK: &str = "[REDACTED]";

/// Key names masked besides the spec's `x-sensitive` fields (compared ignoring ASCII case).
const CREDENTIAL_NAMES: &[&str] = &[
    "secret",
    "api_key",
    "api_token",
    "token",
    "password",
    "authorization",
    "x-auth-key",
];

/// How many leading characters of a secret at the very end of a text are masked: a body cut
/// short in the middle of a secret shows no more than this many fewer of its characters.
const MIN_PARTIAL: usize = 4;

/// How deep the scanner looks into strings that hold JSON of their own.
const MAX_NESTING: u32 = 3;

/// The most secret values one call keeps to mask by value, and the longest: real ones are
/// under a hundred characters (tokens 40, Global API keys 37, client secrets 64). The bounds
/// keep a hostile answer (millions of secret fields, or a secret of megabytes) from making
/// masking slow; such values are still masked where they stand, by structure.
const MAX_SECRETS: usize = 64;
const MAX_SECRET_LEN: usize = 1024;

/// The secret values one call has seen, in every form they may take in a text, and the names
/// of the fields whose values are secret wherever they appear.
#[derive(Clone)]
pub(crate) struct Secrets {
    /// The spec's `x-sensitive` field names.
    names: &'static [&'static str],
    /// Longest first, so that a secret containing another is masked whole.
    forms: Vec<Zeroizing<String>>,
    /// The first bytes of the forms, to skip most positions of a text at once.
    first_bytes: [bool; 256],
}

impl Secrets {
    /// No secret values yet; `names` are the spec's `x-sensitive` field names.
    pub(crate) fn new(names: &'static [&'static str]) -> Self {
        Self {
            names,
            forms: Vec::new(),
            first_bytes: [false; 256],
        }
    }

    /// Adds a secret value (ignored when empty, beyond [`MAX_SECRETS`] or longer than
    /// [`MAX_SECRET_LEN`]).
    pub(crate) fn add(&mut self, value: &str) {
        if value.is_empty() || value.len() > MAX_SECRET_LEN || self.forms.len() >= 4 * MAX_SECRETS {
            return;
        }
        let once = json_escaped(value);
        let twice = json_escaped(&once);
        let html = html_escaped(value);
        for form in [value.to_string(), once, twice, html] {
            if !self.forms.iter().any(|known| known.as_str() == form) {
                self.first_bytes[usize::from(form.as_bytes()[0])] = true;
                self.forms.push(Zeroizing::new(form));
            }
        }
        self.forms.sort_by_key(|form| std::cmp::Reverse(form.len()));
    }

    /// Adds the values of the secret fields of a JSON body (which may be cut short).
    pub(crate) fn add_from_json(&mut self, body: &[u8]) {
        if body.is_empty() {
            return;
        }
        let text = String::from_utf8_lossy(body);
        let mut found = Vec::new();
        let _ = scan(&text, &Secrets::new(self.names), &mut found, 0);
        for value in found {
            self.add(&value);
        }
    }

    /// `text` with every secret masked, by structure and by value.
    pub(crate) fn redact(&self, text: &str) -> String {
        let mut found = Vec::new();
        let masked = scan(text, self, &mut found, 0);
        let mut replaced = if found.is_empty() {
            self.replace(&masked)
        } else {
            // A secret field of this text may be quoted elsewhere in it.
            let mut more = self.clone();
            for value in &found {
                more.add(value);
            }
            more.replace(&masked)
        };
        self.mask_partial_end(&mut replaced);
        replaced
    }

    /// Replaces every known form of every secret by [`MASK`], in one pass.
    fn replace(&self, text: &str) -> String {
        if self.forms.is_empty() {
            return text.to_string();
        }
        let mut out = String::with_capacity(text.len());
        let mut rest = text;
        'outer: while let Some(c) = rest.chars().next() {
            if !self.first_bytes[usize::from(rest.as_bytes()[0])] {
                out.push(c);
                rest = &rest[c.len_utf8()..];
                continue;
            }
            for form in &self.forms {
                if rest.starts_with(form.as_str()) {
                    out.push_str(MASK);
                    rest = &rest[form.len()..];
                    continue 'outer;
                }
            }
            out.push(c);
            rest = &rest[c.len_utf8()..];
        }
        out
    }

    /// Masks the end of `text` when it is the start of a secret (a body cut short).
    fn mask_partial_end(&self, text: &mut String) {
        for form in &self.forms {
            let mut boundaries: Vec<usize> = form
                .char_indices()
                .map(|(i, _)| i)
                .filter(|&i| i > 0)
                .collect();
            // Longest prefix first.
            boundaries.reverse();
            for end in boundaries {
                let prefix = &form[..end];
                if prefix.chars().count() < MIN_PARTIAL.min(form.chars().count()) {
                    break;
                }
                if text.ends_with(prefix) {
                    let keep = text.len() - prefix.len();
                    text.truncate(keep);
                    text.push_str(MASK);
                    return;
                }
            }
        }
    }
}

impl Secrets {
    /// Whether a key names a secret.
    fn is_sensitive_name(&self, key: &str) -> bool {
        self.names.contains(&key)
            || CREDENTIAL_NAMES
                .iter()
                .any(|name| name.eq_ignore_ascii_case(key))
    }
}

/// What a JSON string encoder writes for `value`, without the quotes.
fn json_escaped(value: &str) -> String {
    let quoted = serde_json::to_string(value).unwrap_or_default();
    quoted
        .strip_prefix('"')
        .and_then(|s| s.strip_suffix('"'))
        .unwrap_or_default()
        .to_string()
}

/// What an HTML page quoting `value` shows.
fn html_escaped(value: &str) -> String {
    let mut out = String::with_capacity(value.len());
    for c in value.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

/// A JSON string starting at the quote at `start`: where it ends (after the closing quote, or the
/// end of the text), its decoded value, and whether it was closed.
fn read_string(text: &str, start: usize) -> (usize, String, bool) {
    let mut decoded = String::new();
    let mut chars = text[start + 1..].char_indices().peekable();
    let at = |i: usize| start + 1 + i;
    while let Some((i, c)) = chars.next() {
        match c {
            '"' => return (at(i) + 1, decoded, true),
            '\\' => {
                let Some((_, escape)) = chars.next() else {
                    return (text.len(), decoded, false);
                };
                match escape {
                    'n' => decoded.push('\n'),
                    't' => decoded.push('\t'),
                    'r' => decoded.push('\r'),
                    'b' => decoded.push('\u{8}'),
                    'f' => decoded.push('\u{c}'),
                    'u' => {
                        let Some(high) = hex_unit(&mut chars) else {
                            // A cut-off or malformed escape: nothing sensible to decode.
                            continue;
                        };
                        if (0xD800..0xDC00).contains(&high) {
                            let mut lookahead = chars.clone();
                            let low = match (lookahead.next(), lookahead.next()) {
                                (Some((_, '\\')), Some((_, 'u'))) => hex_unit(&mut lookahead),
                                _ => None,
                            };
                            if let Some(low) = low.filter(|l| (0xDC00..0xE000).contains(l)) {
                                chars = lookahead;
                                let code = 0x10000 + ((high - 0xD800) << 10) + (low - 0xDC00);
                                decoded.push(char::from_u32(code).unwrap_or('\u{FFFD}'));
                                continue;
                            }
                        }
                        decoded.push(char::from_u32(high).unwrap_or('\u{FFFD}'));
                    }
                    other => decoded.push(other),
                }
            }
            c => decoded.push(c),
        }
    }
    (text.len(), decoded, false)
}

/// The four hex digits of a `\u` escape, as a UTF-16 code unit.
fn hex_unit(chars: &mut std::iter::Peekable<std::str::CharIndices<'_>>) -> Option<u32> {
    let mut code = 0u32;
    for _ in 0..4 {
        code = code * 16 + chars.next()?.1.to_digit(16)?;
    }
    Some(code)
}

/// The next byte from `from` on that is not whitespace.
fn next_significant(text: &str, from: usize) -> Option<u8> {
    text.as_bytes()[from..]
        .iter()
        .copied()
        .find(|b| !b.is_ascii_whitespace())
}

/// One pass of the structural scanner over `text`: the text with the values of secret keys
/// masked (and strings that decode to a known secret re-encoded with it masked); the values
/// masked are added to `found`.
fn scan(text: &str, known: &Secrets, found: &mut Vec<String>, depth: u32) -> String {
    let bytes = text.as_bytes();
    let mut out = String::with_capacity(text.len());
    // For each open array: whether its items are the value of a secret key.
    let mut arrays: Vec<bool> = Vec::new();
    // Whether the value being read belongs to a secret key.
    let mut secret_value = false;
    // The key just read was a secret's name (until its colon).
    let mut secret_key = false;
    let mut i = 0;
    while i < bytes.len() {
        let in_secret_array = arrays.last().copied().unwrap_or(false);
        match bytes[i] {
            b'"' => {
                let (end, decoded, closed) = read_string(text, i);
                let raw = &text[i..end];
                if closed && next_significant(text, end) == Some(b':') {
                    secret_key = known.is_sensitive_name(&decoded);
                    out.push_str(raw);
                } else if secret_value || in_secret_array {
                    out.push('"');
                    out.push_str(MASK);
                    if closed {
                        out.push('"');
                    }
                    keep(found, decoded);
                } else {
                    out.push_str(&string_masked(raw, &decoded, closed, known, found, depth));
                }
                secret_value = false;
                i = end;
            }
            b':' => {
                secret_value = secret_key;
                secret_key = false;
                out.push(':');
                i += 1;
            }
            b'[' => {
                arrays.push(secret_value);
                secret_value = false;
                out.push('[');
                i += 1;
            }
            b'{' => {
                // An object's fields are judged by their own names (a `result` object of a
                // create is not secret as a whole; its `value` is).
                arrays.push(false);
                secret_value = false;
                out.push('{');
                i += 1;
            }
            b']' | b'}' => {
                arrays.pop();
                secret_value = false;
                out.push(bytes[i] as char);
                i += 1;
            }
            b',' => {
                secret_value = false;
                out.push(',');
                i += 1;
            }
            b if b.is_ascii_whitespace() => {
                out.push(b as char);
                i += 1;
            }
            _ => {
                // A bare token: a number, a literal, or text that is not JSON.
                let end = bytes[i..]
                    .iter()
                    .position(|b| {
                        b.is_ascii_whitespace()
                            || matches!(b, b',' | b':' | b'[' | b']' | b'{' | b'}' | b'"')
                    })
                    .map_or(bytes.len(), |p| i + p);
                // `end` is at an ASCII byte or the end, so it is a char boundary; so is `i`.
                let token = &text[i..end];
                let literal = matches!(token, "true" | "false" | "null");
                if (secret_value || in_secret_array) && !literal {
                    out.push_str(MASK);
                    keep(found, token.to_string());
                } else {
                    out.push_str(token);
                }
                secret_value = false;
                i = end;
            }
        }
    }
    out
}

/// Notes a secret value found by structure, up to [`MAX_SECRETS`].
fn keep(found: &mut Vec<String>, value: String) {
    if found.len() < MAX_SECRETS {
        found.push(value);
    }
}

/// A string that is not a secret's value, as it should be shown: as it came, unless its decoded
/// value holds a secret (known, or by structure when it holds JSON itself), in which case it is
/// re-encoded with the secret masked.
fn string_masked(
    raw: &str,
    decoded: &str,
    closed: bool,
    known: &Secrets,
    found: &mut Vec<String>,
    depth: u32,
) -> String {
    let mut inner = decoded.to_string();
    if depth < MAX_NESTING && decoded.contains('"') {
        inner = scan(&inner, known, found, depth + 1);
    }
    inner = known.replace(&inner);
    if inner == decoded {
        return raw.to_string();
    }
    let mut out = format!("\"{}", json_escaped(&inner));
    if closed {
        out.push('"');
    }
    out
}

/// A short, single-line excerpt of a body for an error message, with every secret masked and
/// control characters escaped.
pub(crate) fn excerpt(body: &[u8], secrets: &Secrets) -> String {
    const LIMIT: usize = 160;
    /// How much of a long body is looked at: enough for the excerpt, and for a secret that
    /// starts inside it.
    const WINDOW: usize = 64 * 1024;
    if body.is_empty() {
        return "empty body".to_string();
    }
    let text = String::from_utf8_lossy(&body[..body.len().min(WINDOW)]);
    let masked = secrets.redact(&text);
    let single_line = one_line(&masked);
    let mut cut: String = single_line.chars().take(LIMIT).collect();
    if single_line.chars().count() > LIMIT || body.len() > WINDOW {
        cut.push('…');
    }
    format!("body: {cut}")
}

/// Whitespace runs as one space; other control characters escaped, so that a server's text
/// cannot move the cursor or recolour a terminal.
pub(crate) fn one_line(text: &str) -> String {
    let words: Vec<&str> = text.split_whitespace().collect();
    escape_controls(&words.join(" "))
}

/// Control characters written as `\u{…}` escapes.
pub(crate) fn escape_controls(text: &str) -> String {
    if !text.chars().any(char::is_control) {
        return text.to_string();
    }
    text.chars()
        .map(|c| match c {
            c if c.is_control() => c.escape_default().to_string(),
            c => c.to_string(),
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The spec's secret field names these tests use.
    const NAMES: &[&str] = &["value", "client_secret", "cf_api_key"];

    fn none() -> Secrets {
        Secrets::new(NAMES)
    }

    #[test]
    fn secret_fields_are_masked_even_in_cut_off_json() {
        let body = r#"{"result":{"id":"1","value":"abc\"def","client_secret" : "xyz"},"ok":"v"}"#;
        let masked = none().redact(body);
        assert_eq!(
            masked,
            r#"{"result":{"id":"1","value":"[REDACTED]","client_secret" : "[REDACTED]"},"ok":"v"}"#
        );
        let cut = none().redact(r#"{"result":{"value":"abcdef"#);
        assert_eq!(cut, r#"{"result":{"value":"[REDACTED]"#);
    }

    #[test]
    fn escaped_key_names_and_nested_json_are_seen_through() {
        let masked =
            none().redact(r#"{"val\u0075e":"s3cr3t-one","n":{"c\u006cient_secret":"two"}}"#);
        assert_eq!(
            masked,
            r#"{"val\u0075e":"[REDACTED]","n":{"c\u006cient_secret":"[REDACTED]"}}"#
        );
        let echoed = none().redact(r#"{"message":"bad body: {\"cf_api_key\":\"k3y\"}"}"#);
        assert!(!echoed.contains("k3y"), "{echoed}");
        assert!(echoed.contains("bad body"), "{echoed}");
    }

    #[test]
    fn arrays_and_numbers_under_secret_keys_are_masked() {
        let masked = none().redact(r#"{"value":["a1","b2"],"secret":12345,"token":null}"#);
        assert_eq!(
            masked,
            r#"{"value":["[REDACTED]","[REDACTED]"],"secret":[REDACTED],"token":null}"#
        );
    }

    #[test]
    fn known_values_are_masked_in_any_form() {
        let mut secrets = none();
        secrets.add(r#"to"k<en"#);
        for text in [
            r#"plain to"k<en here"#,
            r#"{"message":"echo: to\"k<en"}"#,
            r#"{"message":"echo: to\u0022k\u003cen"}"#,
            r#"{"message":"{\"x\":\"to\\\"k<en\"}"}"#,
            "<p>to&quot;k&lt;en</p>",
        ] {
            let masked = secrets.redact(text);
            assert!(
                !masked.contains("k<en") && !masked.contains("k&lt;en"),
                "{text} → {masked}"
            );
            assert!(!masked.contains("k\\u003cen"), "{text} → {masked}");
            assert!(masked.contains(MASK), "{text} → {masked}");
        }
    }

    #[test]
    fn a_text_ending_inside_a_secret_hides_its_start() {
        let mut secrets = none();
        secrets.add("abcdefghijklmnop");
        assert_eq!(
            secrets.redact("the token is abcdefg"),
            "the token is [REDACTED]"
        );
        assert_eq!(secrets.redact("ends with abc"), "ends with abc");
    }

    #[test]
    fn hostile_bodies_are_masked_within_bounds() {
        // A hundred thousand secret fields: the first few are kept to mask by value, and every
        // one is masked where it stands.
        let many: String = (0..100_000)
            .map(|i| format!(r#"{{"value":"s{i:06}"}},"#))
            .collect();
        let mut secrets = none();
        secrets.add_from_json(many.as_bytes());
        assert_eq!(secrets.forms.len(), MAX_SECRETS);
        let masked = secrets.redact(&many);
        assert!(!masked.contains("\"s0"), "{}", &masked[..200]);
        assert!(
            secrets
                .redact("echo s000003 and s099999")
                .starts_with("echo [REDACTED] and s099999")
        );
        // A secret of megabytes is masked by structure only.
        let huge = format!(r#"{{"value":"{}"}}"#, "a".repeat(2_000_000));
        let mut secrets = none();
        secrets.add_from_json(huge.as_bytes());
        assert!(secrets.forms.is_empty());
        assert_eq!(secrets.redact(&huge), r#"{"value":"[REDACTED]"}"#);
    }

    #[test]
    fn excerpts_are_short_single_lines() {
        let long = format!("<html>\n<body>{}</body></html>", "x".repeat(500));
        let text = excerpt(long.as_bytes(), &none());
        assert!(!text.contains('\n') && text.chars().count() < 180, "{text}");
        assert_eq!(excerpt(b"", &none()), "empty body");
        assert_eq!(
            excerpt(b"\x1b[31mred\x1b[0m", &none()),
            "body: \\u{1b}[31mred\\u{1b}[0m"
        );
    }
}
