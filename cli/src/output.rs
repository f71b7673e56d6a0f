//! How results look: aligned tables and `name  value` summaries for people, JSON for programs.

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

    pub fn row(&mut self, cells: Vec<String>) {
        self.rows.push(cells);
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
        writeln!(out, "{name:<width$}  {value}")?;
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
    fn missing_values_show_as_dashes() {
        assert_eq!(text(None), "-");
        assert_eq!(shown(None::<bool>), "-");
        assert_eq!(time(None), "-");
        let t = DateTime::parse_from_rfc3339("2030-01-02T03:04:05.678Z").unwrap();
        assert_eq!(time(Some(t.to_utc())), "2030-01-02T03:04:05Z");
    }
}
