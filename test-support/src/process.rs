//! A child process that cannot outlive its test.

use std::process::Child;

/// Kills the child when dropped, so a server a test started stops when the test ends, passing
/// or failing.
pub struct KillOnDrop(pub Child);

impl Drop for KillOnDrop {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}
