//! Following an AI Search instance's indexing until nothing is queued or running.

use std::time::Duration;

use cloudflare_tokens_generated::{Client, Result, types};

/// Where an instance's indexing stands, from its stats (and its jobs, when they were read).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct IndexingProgress {
    /// Items indexed.
    pub completed: u64,
    /// Items being indexed now.
    pub running: u64,
    /// Items waiting to be indexed.
    pub queued: u64,
    /// Items that failed.
    pub errors: u64,
    /// Items skipped (unsupported or unchanged).
    pub skipped: u64,
    /// Where the instance's indexing runs stand, when its jobs were read.
    pub runs: Runs,
}

/// Where an instance's indexing runs (its jobs) stand.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Runs {
    /// The jobs were not read.
    #[default]
    Unknown,
    /// No run has started yet: a new instance's first one is about to.
    NotStarted,
    /// A run has not ended.
    Running,
    /// Every run listed has ended.
    Ended,
}

impl Runs {
    /// From the first page of an instance's jobs: a job without `ended_at` is still running.
    pub fn from_jobs(jobs: &[types::AiSearchJob]) -> Self {
        if jobs.is_empty() {
            Self::NotStarted
        } else if jobs.iter().any(|job| job.ended_at.is_none()) {
            Self::Running
        } else {
            Self::Ended
        }
    }
}

impl IndexingProgress {
    /// From an answer of the stats operation; a count left out is zero, a negative one too.
    pub fn from_stats(stats: &types::AiSearchStats) -> Self {
        let count = |n: Option<i64>| n.and_then(|n| u64::try_from(n).ok()).unwrap_or(0);
        Self {
            completed: count(stats.completed),
            running: count(stats.running),
            queued: count(stats.queued),
            errors: count(stats.error),
            skipped: count(stats.skipped),
            runs: Runs::Unknown,
        }
    }

    /// The same progress, with where the runs stand.
    pub fn with_runs(self, runs: Runs) -> Self {
        Self { runs, ..self }
    }

    /// Whether indexing has ended: nothing queued or running, and, when the jobs were read, no
    /// run still going and one at least begun (right after a create the stats are all zero
    /// before the first run starts, which is not "done").
    pub fn is_done(&self) -> bool {
        let runs_done = match self.runs {
            Runs::Unknown | Runs::Ended => true,
            Runs::Running => false,
            // No job listed: done only if the stats show items already dealt with.
            Runs::NotStarted => self.finished() > 0,
        };
        self.queued == 0 && self.running == 0 && runs_done
    }

    /// Every item seen, in whatever state (saturating).
    pub fn total(&self) -> u64 {
        [self.running, self.queued, self.errors, self.skipped]
            .into_iter()
            .fold(self.completed, u64::saturating_add)
    }

    /// Items that are no longer waiting: indexed, failed or skipped (saturating).
    pub fn finished(&self) -> u64 {
        self.completed
            .saturating_add(self.errors)
            .saturating_add(self.skipped)
    }
}

impl std::fmt::Display for IndexingProgress {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "{} of {} items indexed ({} running, {} queued, {} failed, {} skipped)",
            self.completed,
            self.total(),
            self.running,
            self.queued,
            self.errors,
            self.skipped
        )?;
        match self.runs {
            Runs::NotStarted if self.finished() == 0 => {
                write!(f, ", the first run has not started")
            }
            Runs::Running if self.queued == 0 && self.running == 0 => {
                write!(f, ", a run is still going")
            }
            _ => Ok(()),
        }
    }
}

/// Which instance to follow: flat, or in a namespace.
#[derive(Clone, Copy, Debug)]
pub struct InstanceRef<'a> {
    pub account_id: &'a str,
    pub namespace: Option<&'a str>,
    pub instance_id: &'a str,
}

impl InstanceRef<'_> {
    /// The instance's stats.
    pub async fn stats(&self, client: &Client) -> Result<types::AiSearchStats> {
        let (account, id) = (self.account_id, self.instance_id);
        Ok(match self.namespace {
            None => client.ai_search_stats(account, id).await?,
            Some(ns) => client.ai_search_namespace_stats(account, ns, id).await?,
        }
        .into_result())
    }

    /// The first page of the instance's indexing jobs.
    pub async fn jobs(&self, client: &Client) -> Result<Vec<types::AiSearchJob>> {
        let (account, id) = (self.account_id, self.instance_id);
        Ok(match self.namespace {
            None => {
                client
                    .ai_search_jobs_list(account, id, &Default::default())
                    .await?
            }
            Some(ns) => {
                client
                    .ai_search_namespace_jobs_list(account, ns, id, &Default::default())
                    .await?
            }
        }
        .into_items())
    }

    /// Searches the instance.
    pub async fn search(
        &self,
        client: &Client,
        query: &types::AiSearchQuery,
    ) -> Result<types::AiSearchResults> {
        let (account, id) = (self.account_id, self.instance_id);
        Ok(match self.namespace {
            None => client.ai_search_search(account, id, query).await?,
            Some(ns) => {
                client
                    .ai_search_namespace_search(account, ns, id, query)
                    .await?
            }
        }
        .into_result())
    }
}

/// How [`wait_for_indexing`] ended without error.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum WaitOutcome {
    /// Nothing is queued or running any more.
    Done(IndexingProgress),
    /// The time allowed ran out first: where indexing got to (`None` if no stats arrived).
    TimedOut(Option<IndexingProgress>),
}

/// The wait between two reads of the stats: it starts at `first` and doubles up to `max`.
#[derive(Clone, Copy, Debug)]
pub struct Backoff {
    pub first: Duration,
    pub max: Duration,
}

impl Default for Backoff {
    fn default() -> Self {
        Self {
            first: Duration::from_millis(250),
            max: Duration::from_secs(10),
        }
    }
}

/// Reads the instance's stats and jobs, then again after each wait of `backoff`, reporting each
/// reading to `on_progress`, until nothing is queued or running and a run has begun and ended
/// (see [`IndexingProgress::is_done`]), or `timeout` has passed (the instance is left as it is
/// either way). A failed read ends the wait with its error; the client's own retries apply to
/// each read.
pub async fn wait_for_indexing(
    client: &Client,
    instance: InstanceRef<'_>,
    timeout: Duration,
    backoff: Backoff,
    mut on_progress: impl FnMut(&IndexingProgress),
) -> Result<WaitOutcome> {
    let deadline = tokio::time::Instant::now() + timeout;
    let mut wait = backoff.first;
    let mut last = None;
    loop {
        let read = async {
            let stats = instance.stats(client).await?;
            let jobs = instance.jobs(client).await?;
            Ok::<_, cloudflare_tokens_generated::Error>(
                IndexingProgress::from_stats(&stats).with_runs(Runs::from_jobs(&jobs)),
            )
        };
        let Ok(progress) = tokio::time::timeout_at(deadline, read).await else {
            return Ok(WaitOutcome::TimedOut(last));
        };
        let progress = progress?;
        on_progress(&progress);
        if progress.is_done() {
            return Ok(WaitOutcome::Done(progress));
        }
        last = Some(progress);
        if tokio::time::Instant::now() + wait >= deadline {
            tokio::time::sleep_until(deadline).await;
            return Ok(WaitOutcome::TimedOut(last));
        }
        tokio::time::sleep(wait).await;
        wait = wait.saturating_mul(2).min(backoff.max);
    }
}
