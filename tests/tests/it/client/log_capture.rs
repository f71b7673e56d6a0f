//! Captures every `tracing` event (all crates, trace level) emitted on the current thread while
//! the guard lives, for tests that check what the client logs.

use std::io::Write;
use std::sync::{Arc, Mutex, OnceLock};

use tracing::Dispatch;
use tracing::subscriber::{DefaultGuard, NoSubscriber};

/// What the capturing subscriber wrote, shared with its writer.
#[derive(Clone, Default)]
pub struct Captured(Arc<Mutex<Vec<u8>>>);

impl Write for Captured {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(buf);
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

impl Captured {
    pub fn text(&self) -> String {
        String::from_utf8(self.0.lock().unwrap().clone()).unwrap()
    }
}

/// Installs a trace-level subscriber for the current thread (tests use tokio's current-thread
/// runtime, so the client's tasks run here too).
///
/// `tracing` caches, per call site, whether any subscriber wants its events, and while exactly
/// one scoped subscriber exists it asks only the *registering thread's* subscriber. So another
/// test thread, with no subscriber, that reached one of the client's call sites first while
/// ours was the only one cached "nobody is interested", and this test saw none of the client's
/// lines (about one run in five on two cores). A second subscriber that lives for the whole
/// process keeps `tracing` asking every subscriber; the rebuild then re-asks call sites
/// registered while ours was being installed.
pub fn capture() -> (Captured, DefaultGuard) {
    static ANOTHER_SUBSCRIBER: OnceLock<Dispatch> = OnceLock::new();
    ANOTHER_SUBSCRIBER.get_or_init(|| Dispatch::new(NoSubscriber::default()));

    let captured = Captured::default();
    let writer = captured.clone();
    let subscriber = tracing_subscriber::fmt()
        .with_max_level(tracing::Level::TRACE)
        .with_ansi(false)
        .with_writer(move || writer.clone())
        .finish();
    let guard = tracing::subscriber::set_default(subscriber);
    tracing::callsite::rebuild_interest_cache();
    (captured, guard)
}
