//! Runs of the same name at once: 2, 4 and 8 `ai-search setup` (and `ai-search tokens rotate`)
//! processes against one fake, each with its own lock directory (as on several machines) or
//! sharing one (one machine: the lock file serialises them). No process exits 0 while the
//! chain (instance → registration → active API token) is broken, and afterwards one clean run
//! converges.
//!
//! Each process's exit is awaited as it happens, and the chain is checked then. A chain once
//! whole stays whole (no run deletes a token a registration names, nor a registration the
//! instance uses), so a break seen after an exit 0 is a bug either way: the exiting run's
//! read-back was wrong, or a later run broke a working chain.

use std::collections::BTreeMap;

use fake_cloudflare::FakeCloudflare;
use futures::StreamExt;
use futures::stream::FuturesUnordered;
use tempfile::TempDir;

use super::SETUP;
use super::converges::assert_converged;
use crate::CF_TOKENS;
use test_support::cli::{Run, cf, env_for};
use test_support::fake::fake;
use test_support::{ACCOUNT, str_field};

/// The setup as a person runs it: with the default grace for recent orphans.
fn setup_with_grace() -> Vec<&'static str> {
    let args: Vec<&str> = SETUP[..SETUP.len() - 2].to_vec();
    assert!(!args.contains(&"--orphan-grace"), "{args:?}");
    args
}

/// Whether the instance uses a registration that names an existing, active API token; what is
/// wrong if not.
fn chain(server: &FakeCloudflare) -> Result<(), String> {
    let state = server.state();
    let instances = server.ai_search_instances(ACCOUNT);
    let instance = instances
        .iter()
        .find(|i| i["id"] == "docs")
        .ok_or("no instance")?;
    let registrations = server.ai_search_tokens(ACCOUNT);
    let registration = registrations
        .iter()
        .find(|r| r["id"] == instance["token_id"])
        .ok_or_else(|| format!("the instance's registration is gone:\n{state:#}"))?;
    let tokens = super::converges::server_tokens(&state);
    let token = tokens
        .iter()
        .find(|t| t["id"] == registration["cf_api_id"])
        .ok_or_else(|| format!("the registration's API token is gone:\n{state:#}"))?;
    if token["status"] != "active" {
        return Err(format!("the API token is not active:\n{state:#}"));
    }
    Ok(())
}

/// Runs `n` copies of `args` at once against `server`, each with its own lock directory or all
/// with one; as each exits 0, the chain must hold. The exit codes.
async fn at_once(
    server: &FakeCloudflare,
    args: &[&str],
    n: usize,
    shared: bool,
    context: &str,
) -> Vec<i32> {
    let shared_dir = TempDir::new().unwrap();
    let dirs: Vec<TempDir> = (0..n).map(|_| TempDir::new().unwrap()).collect();
    let mut running = FuturesUnordered::new();
    for dir in &dirs {
        let lock_dir = if shared { &shared_dir } else { dir };
        let mut env = env_for(server);
        env.push(("TMPDIR", lock_dir.path().display().to_string()));
        let child = CF_TOKENS.command(&env, args).spawn().unwrap();
        running.push(async move { child.wait_with_output().await.unwrap() });
    }
    let mut codes = Vec::new();
    while let Some(output) = running.next().await {
        let run = Run {
            code: output.status.code().unwrap_or(-1),
            stdout: String::from_utf8_lossy(&output.stdout).into_owned(),
            stderr: String::from_utf8_lossy(&output.stderr).into_owned(),
        };
        assert!(run.code == 0 || run.code == 1, "{context}:\n{run}");
        if run.code == 0
            && let Err(broken) = chain(server)
        {
            panic!("{context}: a run exited 0, and the chain is broken: {broken}\n{run}");
        }
        codes.push(run.code);
    }
    codes
}

/// How many times each case runs: a race shows only in some interleavings.
const ROUNDS: usize = 3;

/// Each number of processes, with a lock directory each and with one for all, `ROUNDS` times.
fn cases() -> Vec<(usize, bool, usize)> {
    let mut cases = Vec::new();
    for n in [2, 4, 8] {
        for shared in [false, true] {
            for round in 1..=ROUNDS {
                cases.push((n, shared, round));
            }
        }
    }
    cases
}

fn cases_count() -> usize {
    3 * 2 * ROUNDS
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn concurrent_setups_never_exit_0_on_a_broken_chain_and_one_clean_run_converges() {
    let cases = cases();
    let figures: BTreeMap<String, Vec<i32>> = futures::stream::iter(cases)
        .map(|(n, shared, round)| async move {
            let context = format!(
                "{n} setups, {}, round {round}",
                if shared { "one lock" } else { "no shared lock" }
            );
            let server = fake().await;
            let codes = at_once(&server, &setup_with_grace(), n, shared, &context).await;
            assert!(codes.contains(&0), "{context}: none succeeded: {codes:?}");
            if shared {
                // Serialised: each run finds the one before it finished, and reuses its work.
                assert!(codes.iter().all(|&c| c == 0), "{context}: {codes:?}");
            }
            let clean = cf(&server, SETUP).await;
            assert_eq!(clean.code, 0, "{context}: the clean run:\n{clean}");
            assert_converged(&server, &context);
            (context, codes)
        })
        .buffer_unordered(6)
        .collect()
        .await;
    eprintln!("exit codes: {figures:?}");
    assert_eq!(figures.len(), cases_count());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn concurrent_rotations_never_exit_0_on_a_broken_chain_and_one_clean_rotation_converges() {
    let cases = cases();
    let figures: BTreeMap<String, Vec<i32>> = futures::stream::iter(cases)
        .map(|(n, shared, round)| async move {
            let context = format!(
                "{n} rotations, {}, round {round}",
                if shared { "one lock" } else { "no shared lock" }
            );
            let server = fake().await;
            cf(&server, SETUP).await.expect(0);
            let registration = str_field(&server.ai_search_tokens(ACCOUNT)[0], "id").to_string();
            let rotate = ["ai-search", "tokens", "rotate", registration.as_str()];
            let codes = at_once(&server, &rotate, n, shared, &context).await;
            assert!(codes.contains(&0), "{context}: none succeeded: {codes:?}");
            if shared {
                assert!(codes.iter().all(|&c| c == 0), "{context}: {codes:?}");
            }
            let mut clean_args = rotate.to_vec();
            clean_args.extend(["--orphan-grace", "0s"]);
            let clean = cf(&server, &clean_args).await;
            assert_eq!(clean.code, 0, "{context}: the clean rotation:\n{clean}");
            assert_converged(&server, &context);
            (context, codes)
        })
        .buffer_unordered(6)
        .collect()
        .await;
    eprintln!("exit codes: {figures:?}");
    assert_eq!(figures.len(), cases_count());
}

#[tokio::test]
async fn a_second_run_on_the_same_machine_waits_for_the_first_ones_lock() {
    let server = fake().await;
    let dir = TempDir::new().unwrap();
    // The lock file the setup of `ai-search-docs` takes, held here as a first run would.
    let safe = |text: &str| -> String {
        text.chars()
            .map(|c| {
                if c.is_ascii_alphanumeric() || c == '-' || c == '.' {
                    c
                } else {
                    '_'
                }
            })
            .collect()
    };
    let path = dir.path().join(format!(
        "cf-tokens-{}-{ACCOUNT}-{}.lock",
        safe(&server.base_url()),
        super::NAME
    ));
    let held = std::fs::File::create(&path).unwrap();
    held.lock().unwrap();
    let mut env = env_for(&server);
    env.push(("TMPDIR", dir.path().display().to_string()));
    let child = CF_TOKENS.command(&env, SETUP).spawn().unwrap();
    // While the lock is held the run sends nothing; it goes on once the lock is released.
    tokio::time::sleep(std::time::Duration::from_millis(500)).await;
    assert!(server.requests().is_empty(), "{:#?}", server.requests());
    held.unlock().unwrap();
    let output = child.wait_with_output().await.unwrap();
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(0), "{stderr}");
    assert!(
        stderr.contains(&format!(
            "waiting for another cf-tokens run on this machine to finish (lock file {})",
            path.display()
        )),
        "{stderr}"
    );
    assert_converged(&server, "after the wait");
}
