//! The answers `hold` faults keep back until the test releases them.

use tokio::sync::watch;

/// How many answers are held now, and the signal that releases them.
pub(crate) struct Holds {
    held: watch::Sender<usize>,
    releases: watch::Sender<u64>,
}

impl Holds {
    pub fn new() -> Self {
        Self {
            held: watch::Sender::new(0),
            releases: watch::Sender::new(0),
        }
    }

    /// How many requests have been carried out and wait for their answer to be released.
    pub fn held(&self) -> usize {
        *self.held.borrow()
    }

    /// Resolves once at least `n` requests are held.
    pub async fn wait_for(&self, n: usize) {
        let mut held = self.held.subscribe();
        // The guard `wait_for` returns must not live across an await: it is not `Send`.
        let _ = held.wait_for(|held| *held >= n).await;
    }

    /// Lets every request held now send its answer.
    pub fn release(&self) {
        self.releases.send_modify(|generation| *generation += 1);
    }

    /// The releases from now on. Taken before a request is carried out, so that a release
    /// that comes while it is carried out is not missed.
    pub fn releases(&self) -> watch::Receiver<u64> {
        self.releases.subscribe()
    }

    /// Waits, counted as held, for the first of `releases` after it was taken.
    pub async fn hold(&self, mut releases: watch::Receiver<u64>) {
        let _held = Held::start(self);
        // An error means the server is going away: the answer goes nowhere either way.
        let _ = releases.changed().await;
    }
}

/// One held request: counted while it waits, uncounted however its wait ends (a release, or the
/// connection or the server going away).
struct Held<'a>(&'a Holds);

impl<'a> Held<'a> {
    fn start(holds: &'a Holds) -> Self {
        holds.held.send_modify(|held| *held += 1);
        Self(holds)
    }
}

impl Drop for Held<'_> {
    fn drop(&mut self) {
        self.0.held.send_modify(|held| *held -= 1);
    }
}
