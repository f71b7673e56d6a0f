//! The rotation's invariant, for API tokens owned by the user and by the account: at every
//! moment (while a request is held, after the faulted or killed run) the registration names an
//! API token that exists and is active, and at most one extra token of its name exists; after
//! one clean re-run, exactly one token of the name exists and the registration names it.
//!
//! A clean rotation gives the sequence of requests; then, for each request in turn, a fresh
//! fake with the same setup gets the rotation with that request faulted (or held, and the real
//! binary killed while it waits for the answer), and the rotation is run again without faults.

use fake_cloudflare::{FakeCloudflare, FaultAction, RecordedRequest};
use futures::StreamExt;
use serde_json::Value;

use crate::CF_TOKENS;
use crate::setup::converges::{assert_converged, server_tokens};
use crate::setup::{NAME, SETUP};
use test_support::cli::{cf, env_for};
use test_support::each_request::{faults_for, kill_at, operation, points};
use test_support::fake::fake;
use test_support::{ACCOUNT, str_field};

/// Who owns the API tokens the rotation renews.
#[derive(Clone, Copy, Debug)]
enum Owner {
    User,
    Account,
}

impl Owner {
    const BOTH: [Owner; 2] = [Owner::User, Owner::Account];

    fn setup(self) -> Vec<&'static str> {
        let mut args = SETUP.to_vec();
        if let Owner::Account = self {
            args.extend(["--token-owner", "account"]);
        }
        args
    }
}

/// The requests a clean rotation makes, per owner: the registration, the old token (for the
/// account's, the user's look-up first), the tokens listed for leftovers, the mint, the update,
/// the read-back, the registrations listed before the delete, the delete; then the chain read
/// back (the registration, its API token).
const REQUESTS: [usize; 2] = [10, 11];

/// A fake with a finished setup of `owner`; the registration's id. The requests are cleared.
async fn set_up(owner: Owner) -> (FakeCloudflare, String) {
    let server = fake().await;
    cf(&server, &owner.setup()).await.expect(0);
    let registration = str_field(&server.ai_search_tokens(ACCOUNT)[0], "id").to_string();
    server.clear_requests();
    (server, registration)
}

/// The rotation; one at a time, so leftovers are deleted however recent (no grace).
fn rotate(registration: &str) -> [&str; 6] {
    [
        "ai-search",
        "tokens",
        "rotate",
        registration,
        "--orphan-grace",
        "0s",
    ]
}

/// The API tokens of the setup's name.
fn named_tokens(state: &Value) -> Vec<Value> {
    server_tokens(state)
        .into_iter()
        .filter(|t| t["name"] == NAME)
        .cloned()
        .collect()
}

/// What holds at every moment: the registration names an existing, active API token; at most
/// one extra token of its name exists.
#[track_caller]
fn assert_working(server: &FakeCloudflare, context: &str) {
    let state = server.state();
    let tokens = named_tokens(&state);
    let registrations = server.ai_search_tokens(ACCOUNT);
    assert_eq!(registrations.len(), 1, "{context}:\n{state:#}");
    let named = &registrations[0]["cf_api_id"];
    let token = tokens.iter().find(|t| &t["id"] == named);
    let token = token.unwrap_or_else(|| {
        panic!("{context}: the registration names {named}, which does not exist:\n{state:#}")
    });
    assert_eq!(token["status"], "active", "{context}:\n{state:#}");
    assert!(
        tokens.len() <= 2,
        "{context}: more than one extra token of {NAME}:\n{state:#}"
    );
}

async fn reference(owner: Owner) -> Vec<RecordedRequest> {
    let (server, registration) = set_up(owner).await;
    let before = named_tokens(&server.state());
    cf(&server, &rotate(&registration)).await.expect(0);
    assert_converged(&server, &format!("{owner:?}, clean rotation"));
    let after = named_tokens(&server.state());
    assert_ne!(after[0]["id"], before[0]["id"], "the token was renewed");
    let requests = server.requests();
    assert!(
        requests.iter().all(|r| r.operation.is_some()),
        "{requests:#?}"
    );
    requests
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_sigkill_at_any_request_then_one_clean_rerotation_converges() {
    let mut kill_points = 0;
    for (owner, requests) in Owner::BOTH.into_iter().zip(REQUESTS) {
        let reference = reference(owner).await;
        assert_eq!(reference.len(), requests, "{owner:?}: {reference:#?}");
        for k in points(&reference) {
            let op = operation(&reference[k]);
            let context = format!("{owner:?}, killed at request {} ({op})", k + 1);
            let (server, registration) = set_up(owner).await;
            let args = rotate(&registration);
            let held =
                |server: &FakeCloudflare| assert_working(server, &format!("{context}, held"));
            let faults = faults_for(&reference, Vec::new(), k, FaultAction::Hold);
            kill_at(CF_TOKENS, &server, &args, faults, k, &context, held).await;
            assert_working(&server, &format!("{context}, killed"));
            let rerun = CF_TOKENS.run(&env_for(&server), &args).await;
            assert_eq!(rerun.code, 0, "{context}: the re-run failed:\n{rerun}");
            assert_converged(&server, &context);
            let extra = named_tokens(&server.state());
            if op.ends_with("_tokens_create") || op == "ai_search_tokens_update" {
                // The killed run's new token (or, if its update landed, the old one) was left
                // named by no registration: the re-run deletes it.
                assert!(
                    rerun.stderr.contains("left by an interrupted rotation"),
                    "{context}:\n{rerun}\n{extra:#?}"
                );
            }
            kill_points += 1;
        }
    }
    assert_eq!(kill_points, REQUESTS.iter().sum::<usize>());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_single_fault_at_every_request_then_one_clean_rerotation_converges() {
    let actions = [
        FaultAction::Drop,
        FaultAction::DropAfter,
        FaultAction::Fail {
            status: 500,
            code: 10000,
            message: "Internal error".into(),
        },
        FaultAction::Fail {
            status: 503,
            code: 10000,
            message: "Unavailable".into(),
        },
        FaultAction::Truncate,
    ];
    let mut cases = Vec::new();
    for owner in Owner::BOTH {
        let reference = reference(owner).await;
        for k in points(&reference) {
            for action in &actions {
                let faults = faults_for(&reference, Vec::new(), k, action.clone());
                let context = format!(
                    "{owner:?}, {action} at request {} ({})",
                    k + 1,
                    operation(&reference[k])
                );
                cases.push((owner, faults, context));
            }
        }
    }
    let results: Vec<i32> = futures::stream::iter(cases)
        .map(|(owner, faults, context)| async move {
            let (server, registration) = set_up(owner).await;
            for fault in faults {
                server.inject(fault);
            }
            let args = rotate(&registration);
            let first = cf(&server, &args).await;
            assert!(
                first.code == 0 || first.code == 1,
                "{context}: the faulted run:\n{first}"
            );
            assert_working(&server, &format!("{context}, the faulted run"));
            if first.code == 0 {
                // A rotation that says it worked has finished the job.
                assert_converged(&server, &format!("{context}, the faulted run itself"));
            } else {
                assert!(
                    !first.stderr.contains("is still there")
                        || named_tokens(&server.state()).len() == 2,
                    "{context}: says a token is still there, but none is extra:\n{first}"
                );
            }
            server.clear_faults();
            let rerun = cf(&server, &args).await;
            assert_eq!(rerun.code, 0, "{context}: the re-run failed:\n{rerun}");
            assert_converged(&server, &context);
            first.code
        })
        .buffer_unordered(12)
        .collect()
        .await;
    assert_eq!(
        results.len(),
        REQUESTS.iter().sum::<usize>() * actions.len()
    );
}

#[tokio::test]
async fn a_leftover_issued_minutes_ago_is_left_until_a_later_rotation() {
    let (server, registration) = set_up(Owner::User).await;
    // Kill a rotation at its update: the new token is minted and may be named; here the update
    // is refused, so the minted token is discarded. Instead, leave one like an interrupted
    // rotation would: a copy of the token, named by no registration.
    let old = named_tokens(&server.state())[0]["id"].clone();
    let leftover = crate::setup::converges::mint_like_the_setup(&server, ACCOUNT).await;
    let args = rotate(&registration);
    let run = cf(&server, &args[..4]).await;
    run.expect(0);
    assert!(
        run.stderr.contains(&format!(
            "left API token {leftover}, of an interrupted rotation: the next rotation deletes it"
        )),
        "{run}"
    );
    assert!(server.user_token(&leftover).is_some(), "{run}");
    assert!(server.user_token(old.as_str().unwrap()).is_none(), "{run}");
    let run = cf(&server, &args).await;
    run.expect(0);
    assert!(
        run.stderr.contains(&format!(
            "deleted API token {leftover}, left by an interrupted rotation"
        )),
        "{run}"
    );
    assert_converged(&server, "after the later rotation");
}
