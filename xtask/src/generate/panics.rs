//! progenitor and typify `panic!`, `unwrap()` and `todo!()` on inputs they don't handle. The
//! generator turns those into errors, and keeps their messages off stderr (the error says it).

use std::cell::Cell;
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::sync::Once;

use anyhow::{Result, anyhow};

thread_local! {
    static QUIET: Cell<bool> = const { Cell::new(false) };
}

/// Runs `f`; a panic inside becomes an error naming `what`.
pub fn caught<T>(what: &str, f: impl FnOnce() -> T) -> Result<T> {
    static INSTALL: Once = Once::new();
    INSTALL.call_once(|| {
        let default = std::panic::take_hook();
        // Only panics on a thread inside `caught` are silenced; others print as usual.
        std::panic::set_hook(Box::new(move |info| {
            if !QUIET.with(Cell::get) {
                default(info);
            }
        }));
    });
    QUIET.with(|q| q.set(true));
    let result = catch_unwind(AssertUnwindSafe(f));
    QUIET.with(|q| q.set(false));
    result.map_err(|payload| {
        let message = payload
            .downcast_ref::<&str>()
            .map(|s| s.to_string())
            .or_else(|| payload.downcast_ref::<String>().cloned())
            .unwrap_or_else(|| "no message".to_string());
        anyhow!("{what} failed on this spec: {message}")
    })
}
