//! `flows::wait_for_indexing` reads the stats and the jobs: a new instance whose stats are all
//! zero before its first run starts is not "done", and a run that has not ended keeps the wait
//! going even when the stats say nothing is queued or running.

use std::time::Duration;

use cloudflare_tokens::flows::{
    Backoff, IndexingProgress, InstanceRef, Runs, WaitOutcome, wait_for_indexing,
};
use cloudflare_tokens::{Client, Credentials, Secret};
use serde_json::{Value, json};
use test_support::adversary::{self, Recorded, Script, Server};

use test_support::ACCOUNT;

fn stats(completed: u64, running: u64, queued: u64) -> Value {
    json!({"success": true, "errors": [], "messages": [], "result": {
        "completed": completed, "running": running, "queued": queued, "error": 0, "skipped": 0}})
}

fn jobs(jobs: Vec<Value>) -> Value {
    let count = jobs.len();
    json!({"success": true, "errors": [], "messages": [], "result": jobs,
        "result_info": {"page": 1, "per_page": 20, "count": count, "total_count": count}})
}

fn job(ended: bool) -> Value {
    let mut job = json!({"id": "job-1", "source": "user", "started_at": "2026-12-01T10:00:00Z"});
    if ended {
        job["ended_at"] = json!("2026-12-01T10:05:00Z");
        job["end_reason"] = json!("completed");
    }
    job
}

/// A server that answers the n-th read of the stats with `stats[n]` and of the jobs with
/// `jobs[n]` (the last one for ever after).
async fn scripted(stats: Vec<Value>, jobs: Vec<Value>) -> Server {
    let script = |answers: Vec<Value>| {
        Script::new(answers.iter().map(|a| adversary::json(200, a)).collect())
    };
    let (stats, jobs) = (script(stats), script(jobs));
    Server::start(move |request: &Recorded| {
        if request.target.ends_with("/stats") {
            stats.next()
        } else if request.target.contains("/jobs") {
            jobs.next()
        } else {
            adversary::json(
                404,
                &json!({"success": false, "errors": [{"code": 7003, "message": "no route"}]}),
            )
        }
    })
    .await
}

async fn wait(server: &Server) -> (WaitOutcome, Vec<IndexingProgress>) {
    let client = Client::builder(Credentials::ApiToken(Secret::new("wait-test-token")))
        .base_url(server.base_url())
        .build()
        .unwrap();
    let instance = InstanceRef {
        account_id: ACCOUNT,
        namespace: None,
        instance_id: "docs",
    };
    let backoff = Backoff {
        first: Duration::from_millis(1),
        max: Duration::from_millis(5),
    };
    let mut seen = Vec::new();
    let outcome = wait_for_indexing(&client, instance, Duration::from_secs(60), backoff, |p| {
        seen.push(*p)
    })
    .await
    .expect("the wait ends without error");
    (outcome, seen)
}

#[tokio::test]
async fn zero_stats_before_the_first_run_starts_are_not_done() {
    let server = scripted(
        vec![
            stats(0, 0, 0),
            stats(0, 0, 0),
            stats(1, 2, 0),
            stats(3, 0, 0),
        ],
        vec![
            jobs(vec![]),
            jobs(vec![job(false)]),
            jobs(vec![job(false)]),
            jobs(vec![job(true)]),
        ],
    )
    .await;
    let (outcome, seen) = wait(&server).await;
    let done = IndexingProgress {
        completed: 3,
        runs: Runs::Ended,
        ..Default::default()
    };
    assert_eq!(outcome, WaitOutcome::Done(done));
    let runs: Vec<Runs> = seen.iter().map(|p| p.runs).collect();
    assert_eq!(
        runs,
        [Runs::NotStarted, Runs::Running, Runs::Running, Runs::Ended]
    );
    assert_eq!(
        seen[0].to_string(),
        "0 of 0 items indexed (0 running, 0 queued, 0 failed, 0 skipped), the first run has not started"
    );
    assert_eq!(
        seen[1].to_string(),
        "0 of 0 items indexed (0 running, 0 queued, 0 failed, 0 skipped), a run is still going"
    );
    // Each reading is one read of the stats and one of the jobs, on the flat paths.
    let targets: Vec<String> = server.requests().into_iter().map(|r| r.target).collect();
    let prefix = format!("/client/v4/accounts/{ACCOUNT}/ai-search/instances/docs");
    let expected: Vec<String> = (0..4)
        .flat_map(|_| [format!("{prefix}/stats"), format!("{prefix}/jobs")])
        .collect();
    assert_eq!(targets, expected);
}

#[tokio::test]
async fn stats_with_items_dealt_with_and_no_job_listed_are_done() {
    // No job listed, but the stats count items already dealt with: a run has happened, and
    // the stats decide.
    let server = scripted(vec![stats(5, 0, 0)], vec![jobs(vec![])]).await;
    let (outcome, seen) = wait(&server).await;
    let done = IndexingProgress {
        completed: 5,
        runs: Runs::NotStarted,
        ..Default::default()
    };
    assert_eq!(outcome, WaitOutcome::Done(done));
    assert_eq!(seen.len(), 1);
    assert_eq!(
        seen[0].to_string(),
        "5 of 5 items indexed (0 running, 0 queued, 0 failed, 0 skipped)"
    );
}
