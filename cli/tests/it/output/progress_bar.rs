//! On a terminal, `ai-search setup --wait` shows an `indicatif` progress bar (items done of the
//! total, what runs and waits) instead of progress lines, and clears it when indexing is done.

use std::sync::{Arc, Mutex};

use test_support::ACCOUNT;
use test_support::cli::env_for;
use test_support::fake::fake;

/// A terminal that records what is drawn on it, line by line, and every clear.
#[derive(Clone, Debug, Default)]
struct RecordingTerminal(Arc<Mutex<Vec<String>>>);

impl RecordingTerminal {
    fn record(&self, what: String) {
        self.0.lock().unwrap().push(what);
    }

    fn drawn(&self) -> Vec<String> {
        self.0.lock().unwrap().clone()
    }
}

impl indicatif::TermLike for RecordingTerminal {
    fn width(&self) -> u16 {
        100
    }
    fn move_cursor_up(&self, _: usize) -> std::io::Result<()> {
        Ok(())
    }
    fn move_cursor_down(&self, _: usize) -> std::io::Result<()> {
        Ok(())
    }
    fn move_cursor_right(&self, _: usize) -> std::io::Result<()> {
        Ok(())
    }
    fn move_cursor_left(&self, _: usize) -> std::io::Result<()> {
        Ok(())
    }
    fn write_line(&self, line: &str) -> std::io::Result<()> {
        self.record(line.to_string());
        Ok(())
    }
    fn write_str(&self, text: &str) -> std::io::Result<()> {
        if !text.is_empty() {
            self.record(text.to_string());
        }
        Ok(())
    }
    fn clear_line(&self) -> std::io::Result<()> {
        self.record("<clear>".to_string());
        Ok(())
    }
    fn flush(&self) -> std::io::Result<()> {
        Ok(())
    }
}

#[tokio::test]
async fn the_wait_draws_a_bar_on_a_terminal_and_no_progress_lines() {
    let server = fake().await;
    server.set_indexing(4, 2);
    server.create_r2_bucket(ACCOUNT, "docs-bucket");
    let env = env_for(&server);
    let lookup = |name: &str| env.iter().find(|(k, _)| *k == name).map(|(_, v)| v.clone());
    let terminal = RecordingTerminal::default();
    let (mut out, mut err) = (Vec::new(), Vec::new());
    let args = [
        "cf-tokens",
        "ai-search",
        "setup",
        "--instance",
        "docs",
        "--r2-bucket",
        "docs-bucket",
        "--wait",
    ];
    let code = cf_tokens::run_on_given_terminal(
        args,
        &lookup,
        &mut out,
        &mut err,
        Box::new(terminal.clone()),
    )
    .await;
    let stderr = String::from_utf8(err).unwrap();
    assert_eq!(code, 0, "{stderr}");

    // The bar, not lines: stderr says where the wait starts and ends, nothing in between.
    assert!(!stderr.contains("  indexing: "), "{stderr}");
    assert!(
        stderr.contains("indexing done: 4 of 4 items indexed"),
        "{stderr}"
    );
    let drawn = terminal.drawn();
    let mut bars: Vec<&str> = drawn
        .iter()
        .filter(|l| l.contains("indexing ["))
        .map(|l| l.trim_end())
        .collect();
    bars.dedup();
    // One frame per reading, each consistent (never new counts beside an old bar): the first
    // reading, 0 of 4 done with 2 running and 2 queued, then the last, all 4 done.
    assert_eq!(
        bars,
        [
            format!(
                "  indexing [{}] 0/4 items (2 running, 2 queued)",
                " ".repeat(30)
            ),
            format!(
                "  indexing [{}] 4/4 items (0 running, 0 queued)",
                "=".repeat(30)
            ),
        ],
        "{drawn:#?}"
    );
    // Cleared at the end, so the summary that follows stands alone.
    assert_eq!(
        drawn.last().map(String::as_str),
        Some("<clear>"),
        "{drawn:#?}"
    );
}
