//! Quoting response bodies in error messages without quoting secrets.

/// A short, single-line excerpt of a body for an error message, with the values of secret
/// fields masked (a truncated create response may carry the token it created).
pub(crate) fn excerpt(body: &[u8]) -> String {
    const LIMIT: usize = 160;
    if body.is_empty() {
        return "empty body".to_string();
    }
    let text = String::from_utf8_lossy(body);
    let masked = mask_secret_fields(&text);
    let single_line: String = masked.split_whitespace().collect::<Vec<_>>().join(" ");
    let mut cut: String = single_line.chars().take(LIMIT).collect();
    if single_line.chars().count() > LIMIT {
        cut.push('…');
    }
    format!("body: {cut}")
}

/// Replaces the string value of every field named in [`crate::codegen::SENSITIVE_FIELDS`] (and
/// obvious credential names) by `[REDACTED]`, in JSON that may be cut short. A small scanner,
/// because the text need not parse as JSON.
pub(crate) fn mask_secret_fields(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    'scan: while let Some(start) = rest.find('"') {
        out.push_str(&rest[..=start]);
        rest = &rest[start + 1..];
        let Some(end) = rest.find('"') else {
            out.push_str(rest);
            return out;
        };
        let key = &rest[..end];
        out.push_str(&rest[..=end]);
        rest = &rest[end + 1..];
        let is_secret = crate::codegen::SENSITIVE_FIELDS.contains(&key)
            || matches!(key, "secret" | "api_key" | "token");
        if !is_secret {
            continue;
        }
        let after_colon = rest.trim_start();
        let Some(value) = after_colon.strip_prefix(':').map(str::trim_start) else {
            continue;
        };
        if let Some(string) = value.strip_prefix('"') {
            out.push_str(&rest[..rest.len() - value.len()]);
            out.push_str("\"[REDACTED]");
            // Skip the value up to its closing quote (or to the end of a cut-off body).
            let mut escaped = false;
            for (i, c) in string.char_indices() {
                match (escaped, c) {
                    (true, _) => escaped = false,
                    (false, '\\') => escaped = true,
                    (false, '"') => {
                        out.push('"');
                        rest = &string[i + 1..];
                        continue 'scan;
                    }
                    _ => {}
                }
            }
            return out;
        }
    }
    out.push_str(rest);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn secret_fields_are_masked_even_in_cut_off_json() {
        let body = r#"{"result":{"id":"1","value":"abc\"def","client_secret" : "xyz"},"ok":"v"}"#;
        let masked = mask_secret_fields(body);
        assert!(
            !masked.contains("abc") && !masked.contains("xyz"),
            "{masked}"
        );
        assert!(
            masked.contains(r#""id":"1""#) && masked.contains(r#""ok":"v""#),
            "{masked}"
        );
        let cut = mask_secret_fields(r#"{"result":{"value":"abcdef"#);
        assert!(!cut.contains("abcdef"), "{cut}");
    }

    #[test]
    fn excerpts_are_short_single_lines() {
        let long = format!("<html>\n<body>{}</body></html>", "x".repeat(500));
        let text = excerpt(long.as_bytes());
        assert!(!text.contains('\n') && text.chars().count() < 180, "{text}");
        assert_eq!(excerpt(b""), "empty body");
    }
}
