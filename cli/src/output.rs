//! How results look: aligned tables and `name  value` summaries for people, JSON for programs;
//! and text from the server made harmless for a terminal.
//!
//! Names, messages and ids come from the server, and a terminal acts on the control characters
//! in them: an escape sequence in a token's name could retitle the window, clear the screen or
//! hide a line behind a carriage return. Human output shows them escaped instead (`\u{1b}`,
//! `\r`, …): every table cell and summary value through [`clean`], and everything the CLI writes
//! for people through a [`Sanitizer`] as well. JSON output is left exact: JSON escapes control
//! characters itself.

use std::borrow::Cow;
use std::io::{self, Write};

use chrono::{DateTime, SecondsFormat, Utc};
use serde::Serialize;

/// Writes `value` as pretty JSON and a newline.
pub fn json(out: &mut dyn Write, value: &impl Serialize) -> io::Result<()> {
    serde_json::to_writer_pretty(&mut *out, value)?;
    writeln!(out)
}

/// Rows under a header, each column as wide as its widest cell.
pub struct Table {
    header: Vec<&'static str>,
    rows: Vec<Vec<String>>,
}

impl Table {
    pub fn new(header: &[&'static str]) -> Self {
        Self {
            header: header.to_vec(),
            rows: Vec::new(),
        }
    }

    /// Adds a row; its cells are [`clean`]ed, so that the widths are those shown.
    pub fn row(&mut self, cells: Vec<String>) {
        self.rows
            .push(cells.iter().map(|c| clean(c).into_owned()).collect());
    }

    /// Prints the table, or `none` when it has no rows (a lone header reads like an error).
    pub fn print(&self, out: &mut dyn Write, none: &str) -> io::Result<()> {
        if self.rows.is_empty() {
            return writeln!(out, "{none}");
        }
        let mut widths: Vec<usize> = self.header.iter().map(|h| h.chars().count()).collect();
        for row in &self.rows {
            for (width, cell) in widths.iter_mut().zip(row) {
                *width = (*width).max(cell.chars().count());
            }
        }
        let header: Vec<String> = self.header.iter().map(|h| h.to_uppercase()).collect();
        print_row(out, &widths, &header)?;
        for row in &self.rows {
            print_row(out, &widths, row)?;
        }
        Ok(())
    }
}

fn print_row(out: &mut dyn Write, widths: &[usize], cells: &[String]) -> io::Result<()> {
    let mut line = String::new();
    for (i, (cell, width)) in cells.iter().zip(widths).enumerate() {
        if i + 1 == cells.len() {
            // No padding after the last column: trailing blanks only get in the way of grep.
            line.push_str(cell);
        } else {
            line.push_str(&format!("{cell:<width$}  "));
        }
    }
    writeln!(out, "{}", line.trim_end())
}

/// Prints `name  value` lines with the values aligned.
pub fn fields(out: &mut dyn Write, fields: &[(&str, String)]) -> io::Result<()> {
    let width = fields.iter().map(|(n, _)| n.len()).max().unwrap_or(0);
    for (name, value) in fields {
        writeln!(out, "{name:<width$}  {}", clean(value))?;
    }
    Ok(())
}

/// A cell for a value that may be missing.
pub fn text(value: Option<&str>) -> String {
    value.unwrap_or("-").to_string()
}

/// A cell for anything displayable that may be missing.
pub fn shown(value: Option<impl std::fmt::Display>) -> String {
    value.map_or_else(|| "-".to_string(), |v| v.to_string())
}

/// A time as RFC 3339 to the second, in UTC.
pub fn time(value: Option<DateTime<Utc>>) -> String {
    value.map_or_else(
        || "-".to_string(),
        |t| t.to_rfc3339_opts(SecondsFormat::Secs, true),
    )
}

/// `text` on one line, with every control character (newlines and tabs included) and every
/// bidirectional-text control escaped, so that the terminal shows it instead of acting on it.
pub fn clean(text: &str) -> Cow<'_, str> {
    if !text.chars().any(|c| needs_escape(c, false)) {
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len() + 8);
    push_escaped(&mut out, text, false);
    Cow::Owned(out)
}

/// Control characters (C0, DEL, C1) and the invisible characters that reorder text.
fn needs_escape(c: char, keep_newlines: bool) -> bool {
    (c.is_control() && !(keep_newlines && c == '\n'))
        || matches!(c, '\u{61c}' | '\u{200e}' | '\u{200f}' | '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}')
}

fn push_escaped(out: &mut String, text: &str, keep_newlines: bool) {
    for c in text.chars() {
        if !needs_escape(c, keep_newlines) {
            out.push(c);
            continue;
        }
        match c {
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c => out.push_str(&format!("\\u{{{:x}}}", u32::from(c))),
        }
    }
}

/// A writer that escapes what [`clean`] escapes, except newlines, on its way to `inner`: for
/// everything the CLI writes for people (progress, errors, logs), whose lines are its own.
/// Bytes that are not UTF-8 become U+FFFD; a character split across writes is kept whole.
pub struct Sanitizer<W: Write> {
    inner: W,
    /// The start of a character whose remaining bytes have not been written yet.
    pending: Vec<u8>,
}

impl<W: Write> Sanitizer<W> {
    pub fn new(inner: W) -> Self {
        Self {
            inner,
            pending: Vec::new(),
        }
    }
}

impl<W: Write> Write for Sanitizer<W> {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        self.pending.extend_from_slice(buf);
        let mut text = String::with_capacity(self.pending.len());
        let mut rest: &[u8] = &self.pending;
        loop {
            match std::str::from_utf8(rest) {
                Ok(valid) => {
                    push_escaped(&mut text, valid, true);
                    rest = &[];
                    break;
                }
                Err(error) => {
                    let (valid, after) = rest.split_at(error.valid_up_to());
                    push_escaped(
                        &mut text,
                        std::str::from_utf8(valid).unwrap_or_default(),
                        true,
                    );
                    match error.error_len() {
                        Some(bad) => {
                            text.push(char::REPLACEMENT_CHARACTER);
                            rest = &after[bad..];
                        }
                        // An incomplete character at the end: the next write completes it.
                        None => {
                            rest = after;
                            break;
                        }
                    }
                }
            }
        }
        let rest = rest.to_vec();
        self.pending = rest;
        self.inner.write_all(text.as_bytes())?;
        Ok(buf.len())
    }

    fn flush(&mut self) -> io::Result<()> {
        self.inner.flush()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn printed(write: impl FnOnce(&mut dyn Write) -> io::Result<()>) -> String {
        let mut out = Vec::new();
        write(&mut out).unwrap();
        String::from_utf8(out).unwrap()
    }

    #[test]
    fn tables_align_their_columns() {
        let mut table = Table::new(&["id", "name"]);
        table.row(vec!["1".into(), "first".into()]);
        table.row(vec!["1234".into(), "second".into()]);
        let text = printed(|out| table.print(out, "none"));
        assert_eq!(text, "ID    NAME\n1     first\n1234  second\n");
        let empty = Table::new(&["id"]);
        assert_eq!(printed(|out| empty.print(out, "no tokens")), "no tokens\n");
    }

    #[test]
    fn summaries_align_their_values() {
        let text = printed(|out| fields(out, &[("id", "1".into()), ("status", "ok".into())]));
        assert_eq!(text, "id      1\nstatus  ok\n");
    }

    #[test]
    fn control_characters_are_shown_not_obeyed() {
        assert_eq!(clean("plain name"), "plain name");
        assert!(matches!(clean("plain"), Cow::Borrowed(_)));
        assert_eq!(
            clean("a\u{1b}]0;pwned\u{7}b\u{1b}[2Jc\rd\ne\tf\u{7f}g\u{9b}h"),
            "a\\u{1b}]0;pwned\\u{7}b\\u{1b}[2Jc\\rd\\ne\\tf\\u{7f}g\\u{9b}h"
        );
        assert_eq!(clean("abc\u{202e}fed"), "abc\\u{202e}fed");
        // Letters of every script stay as they are.
        assert_eq!(clean("jeton-ключ-トークン"), "jeton-ключ-トークン");
    }

    #[test]
    fn tables_and_fields_escape_their_cells() {
        let mut table = Table::new(&["id", "name"]);
        table.row(vec!["1".into(), "x\u{1b}[31my\nz".into()]);
        table.row(vec!["22".into(), "ok".into()]);
        let text = printed(|out| table.print(out, "none"));
        assert_eq!(text, "ID  NAME\n1   x\\u{1b}[31my\\nz\n22  ok\n");
        let text = printed(|out| fields(out, &[("name", "a\rb\u{7}".into())]));
        assert_eq!(text, "name  a\\rb\\u{7}\n");
    }

    #[test]
    fn the_sanitizer_keeps_newlines_and_split_characters() {
        let mut out = Vec::new();
        {
            let mut writer = Sanitizer::new(&mut out);
            writer.write_all(b"line one\x1b[2J\n").unwrap();
            // U+009B (CSI as one character) and U+00E9 split across writes.
            writer.write_all(&[b'a', 0xc2]).unwrap();
            writer.write_all(&[0x9b, b'b', 0xc3]).unwrap();
            writer.write_all(&[0xa9, b'\r', 0xff, b'\n']).unwrap();
        }
        assert_eq!(
            String::from_utf8(out).unwrap(),
            "line one\\u{1b}[2J\na\\u{9b}b\u{e9}\\r\u{fffd}\n"
        );
    }

    #[test]
    fn missing_values_show_as_dashes() {
        assert_eq!(text(None), "-");
        assert_eq!(shown(None::<bool>), "-");
        assert_eq!(time(None), "-");
        let t = DateTime::parse_from_rfc3339("2030-01-02T03:04:05.678Z").unwrap();
        assert_eq!(time(Some(t.to_utc())), "2030-01-02T03:04:05Z");
    }
}
