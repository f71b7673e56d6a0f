//! An advisory lock file that serialises the runs on one machine that change the same AI Search
//! instance (or registration) through the same API: two setups of one name at once can take
//! each other's fresh token for an orphan. Runs on several machines are not serialised by it;
//! the chain read back before exiting 0 covers those.
//!
//! The lock is the operating system's (`flock`): it is released when the process ends, however
//! it ends (a SIGKILL included), so a stale file never blocks a later run. A second run waits
//! for it, up to [`WAIT`], saying so once, then fails.

use std::fs::{File, OpenOptions, TryLockError};
use std::io::Write;
use std::path::PathBuf;
use std::time::{Duration, Instant};

use crate::failure::Failure;

/// How long a run waits for another one's lock: longer than a setup takes (seconds), short
/// enough that a hung run is noticed.
pub const WAIT: Duration = Duration::from_secs(120);

/// How often a waiting run tries the lock again.
const POLL: Duration = Duration::from_millis(100);

/// A held lock; released when dropped (or when the process ends).
#[derive(Debug)]
pub struct RunLock {
    _file: File,
}

/// The lock file for `what` (like `ai-search-docs`) in `account_id` through the API at
/// `base_url`, in the temporary directory (`TMPDIR`): its name says what it serialises.
pub fn path(base_url: &str, account_id: &str, what: &str) -> PathBuf {
    let name = format!(
        "cf-tokens-{}-{}-{}.lock",
        safe(base_url),
        safe(account_id),
        safe(what)
    );
    std::env::temp_dir().join(name)
}

/// Only letters, digits, `-` and `.`, at most 80 of each part: a file name on any system.
fn safe(text: &str) -> String {
    text.chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '-' || c == '.' {
                c
            } else {
                '_'
            }
        })
        .take(80)
        .collect()
}

/// Takes the lock at `path`, waiting up to [`WAIT`] for another run to finish (and saying so
/// on `err`, once).
pub async fn acquire(path: PathBuf, err: &mut dyn Write) -> Result<RunLock, Failure> {
    let file = OpenOptions::new()
        .create(true)
        .truncate(false)
        .write(true)
        .open(&path)
        .map_err(|e| {
            Failure::Refused(format!(
                "could not open the lock file {} that keeps runs on this machine apart: {e}",
                path.display()
            ))
        })?;
    let deadline = Instant::now() + WAIT;
    let mut said = false;
    loop {
        match file.try_lock() {
            Ok(()) => return Ok(RunLock { _file: file }),
            Err(TryLockError::WouldBlock) if Instant::now() < deadline => {
                if !said {
                    let _ = writeln!(
                        err,
                        "waiting for another cf-tokens run on this machine to finish (lock file \
                         {})",
                        path.display()
                    );
                    said = true;
                }
                tokio::time::sleep(POLL).await;
            }
            Err(TryLockError::WouldBlock) => {
                return Err(Failure::Refused(format!(
                    "another cf-tokens run on this machine still holds the lock file {} after \
                     {}s: let it finish, then run again",
                    path.display(),
                    WAIT.as_secs()
                )));
            }
            Err(TryLockError::Error(e)) => {
                return Err(Failure::Refused(format!(
                    "could not lock {} to keep runs on this machine apart: {e}",
                    path.display()
                )));
            }
        }
    }
}
