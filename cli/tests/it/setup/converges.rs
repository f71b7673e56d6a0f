//! The setup converges: after any single fault, or a SIGKILL of the real binary, at any request
//! of a run, one clean re-run leaves exactly one live API token of the setup's name, one
//! registration naming it, one instance using that registration, and no orphans.
//!
//! Each scenario is run once cleanly for its sequence of requests; then, for each request in
//! turn, a fresh fake gets the same scenario with that request faulted (or held, and the CLI
//! killed while it waits for the answer), and the setup is run again without faults.

use std::collections::BTreeMap;

use cloudflare_tokens::{Client, Credentials, Secret, types};
use fake_cloudflare::{FakeCloudflare, Fault, FaultAction, RecordedRequest};
use futures::StreamExt;
use serde_json::Value;

use super::{NAME, SETUP};
use crate::CF_TOKENS;
use test_support::cli::{Run, cf, env_for};
use test_support::each_request::{faults_for, kill_at, operation, points};
use test_support::fake::fake;
use test_support::{ACCOUNT, str_field};

/// The journey's setup: a bucket to create, a namespace to create, an account-owned token.
pub const JOURNEY: &[&str] = &[
    "ai-search",
    "setup",
    "--instance",
    "docs",
    "--r2-bucket",
    "journey-bucket",
    "--create-bucket",
    "--namespace",
    "docs",
    "--token-owner",
    "account",
    "--orphan-grace",
    "0s",
];

/// The requests of the scenarios' reference runs that are faulted (or killed at), in all.
const KILL_POINTS: usize = 78;

/// What the account holds, or how it answers, when the faulted run starts.
#[derive(Clone, Copy, Debug)]
enum Scenario {
    /// Nothing yet.
    Fresh,
    /// A registration of the setup's name whose API token is gone; no instance.
    DeadRegistration,
    /// A finished setup whose API token was deleted since: the instance cannot work.
    BrokenInstance,
    /// An API token of the setup's name that no registration names (an interrupted run's).
    Orphan,
    /// Creating the instance is refused: the run rolls back.
    InstanceRefused,
    /// Registering is refused: the run rolls back.
    RegistrationRefused,
    /// Nothing yet, and the journey's setup (bucket, namespace, account-owned token).
    Journey,
}

impl Scenario {
    const ALL: [Scenario; 7] = [
        Scenario::Fresh,
        Scenario::DeadRegistration,
        Scenario::BrokenInstance,
        Scenario::Orphan,
        Scenario::InstanceRefused,
        Scenario::RegistrationRefused,
        Scenario::Journey,
    ];

    /// The setup's command line.
    fn args(self) -> &'static [&'static str] {
        match self {
            Scenario::Journey => JOURNEY,
            _ => SETUP,
        }
    }

    /// The faults that make the scenario: each applies to the one request of its operation.
    fn faults(self) -> Vec<Fault> {
        match self {
            Scenario::InstanceRefused => vec![Fault::fail(
                "ai_search_instances_create",
                400,
                1001,
                "bad source",
            )],
            Scenario::RegistrationRefused => {
                vec![Fault::fail("ai_search_tokens_create", 403, 9109, "denied")]
            }
            _ => Vec::new(),
        }
    }

    /// Whether a clean run of the scenario succeeds.
    fn succeeds(self) -> bool {
        !matches!(
            self,
            Scenario::InstanceRefused | Scenario::RegistrationRefused
        )
    }

    async fn prepare(self, server: &FakeCloudflare) {
        match self {
            Scenario::Fresh
            | Scenario::InstanceRefused
            | Scenario::RegistrationRefused
            | Scenario::Journey => {}
            Scenario::DeadRegistration => {
                server.register_ai_search_token(ACCOUNT, NAME, "00000000000000000000000000dead01");
            }
            Scenario::BrokenInstance => {
                cf(server, SETUP).await.expect(0);
                let token = str_field(&server.user_tokens()[0], "id").to_string();
                cf(server, &["user", "tokens", "delete", "--force", &token])
                    .await
                    .expect(0);
            }
            Scenario::Orphan => {
                mint_like_the_setup(server, ACCOUNT).await;
            }
        }
        server.clear_requests();
    }
}

/// Creates an API token as the setup does (its name, the permission on `account` only), as an
/// interrupted run would have left it; returns its id.
pub async fn mint_like_the_setup(server: &FakeCloudflare, account: &str) -> String {
    let client = Client::builder(Credentials::ApiToken(Secret::new(server.bootstrap_token())))
        .base_url(server.base_url())
        .build()
        .unwrap();
    let policy = types::TokenPolicy::new(
        types::PolicyEffect::Allow,
        vec![types::PolicyPermissionGroup::new(
            fake_cloudflare::AI_SEARCH_INDEX_ENGINE,
        )],
        [(
            format!("com.cloudflare.api.account.{account}"),
            types::PolicyResourceValue::String("*".into()),
        )]
        .into_iter()
        .collect(),
    );
    let body = types::UserTokenCreate::new(NAME, vec![policy]);
    let created = client
        .user_tokens_create(&body)
        .await
        .unwrap()
        .into_result();
    created.id.unwrap()
}

/// The invariant: one live API token of the setup's name, the one registration, naming it, the
/// one instance, using that registration.
#[track_caller]
pub fn assert_converged(server: &FakeCloudflare, context: &str) {
    let state = server.state();
    let tokens: Vec<&Value> = server_tokens(&state)
        .into_iter()
        .filter(|t| t["name"] == NAME)
        .collect();
    assert_eq!(
        tokens.len(),
        1,
        "{context}: API tokens named {NAME}:\n{state:#}"
    );
    assert_eq!(tokens[0]["status"], "active", "{context}:\n{state:#}");
    let registrations = server.ai_search_tokens(ACCOUNT);
    assert_eq!(
        registrations.len(),
        1,
        "{context}: registrations:\n{state:#}"
    );
    assert_eq!(registrations[0]["name"], NAME, "{context}");
    assert_eq!(
        registrations[0]["cf_api_id"], tokens[0]["id"],
        "{context}: the registration names the live token:\n{state:#}"
    );
    let instances = server.ai_search_instances(ACCOUNT);
    assert_eq!(instances.len(), 1, "{context}: instances:\n{state:#}");
    assert_eq!(instances[0]["id"], "docs", "{context}");
    assert_eq!(
        instances[0]["token_id"], registrations[0]["id"],
        "{context}: the instance uses the registration:\n{state:#}"
    );
}

/// The API tokens of the user and of the accounts.
pub fn server_tokens(state: &Value) -> Vec<&Value> {
    ["user_tokens", "account_tokens"]
        .iter()
        .filter_map(|kind| state[kind].as_array())
        .flatten()
        .collect()
}

/// A clean run of the scenario: its requests, in order.
async fn reference(scenario: Scenario) -> Vec<RecordedRequest> {
    let server = fake().await;
    scenario.prepare(&server).await;
    for fault in scenario.faults() {
        server.inject(fault);
    }
    let run = cf(&server, scenario.args()).await;
    run.expect(if scenario.succeeds() { 0 } else { 1 });
    let requests = server.requests();
    assert!(
        requests.iter().all(|r| r.operation.is_some()),
        "{requests:#?}"
    );
    requests
}

/// What a re-run had to do, in a few words, for the figures.
fn what_the_rerun_did(run: &Run) -> String {
    let mut did = Vec::new();
    for (needle, word) in [
        ("repairing it", "repaired"),
        ("reusing it", "reused"),
        ("registered as AI Search token", "registered"),
        ("orphaned token", "deleted orphans"),
        ("created instance", "created instance"),
    ] {
        if run.stderr.contains(needle) {
            did.push(word);
        }
    }
    did.join(" + ")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_sigkill_at_any_request_then_one_clean_rerun_converges() {
    let mut figures = BTreeMap::new();
    let mut kill_points = 0;
    for scenario in Scenario::ALL {
        let reference = reference(scenario).await;
        for k in points(&reference) {
            let op = operation(&reference[k]);
            let context = format!("{scenario:?}, killed at request {} ({op})", k + 1);
            let server = fake().await;
            scenario.prepare(&server).await;
            let args = scenario.args();
            let faults = faults_for(&reference, scenario.faults(), k, FaultAction::Hold);
            kill_at(CF_TOKENS, &server, args, faults, k, &context, |_| {}).await;
            let env = env_for(&server);
            let rerun = CF_TOKENS.run(&env, scenario.args()).await;
            assert_eq!(rerun.code, 0, "{context}: the re-run failed:\n{rerun}");
            assert_converged(&server, &context);
            if op == "user_tokens_create" || op == "account_tokens_create" {
                // The token the killed run minted was never registered: the re-run deletes it.
                assert!(
                    rerun.stderr.contains("orphaned token"),
                    "{context}:\n{rerun}"
                );
            }
            kill_points += 1;
            *figures
                .entry(format!("{scenario:?}: {}", what_the_rerun_did(&rerun)))
                .or_insert(0) += 1;
        }
    }
    eprintln!("{kill_points} kill points, each followed by one clean re-run that converged:");
    for (what, count) in &figures {
        eprintln!("  {count:>3}  {what}");
    }
    // Fresh 8, DeadRegistration 9, BrokenInstance 8, Orphan 9, InstanceRefused 10 (the refused
    // create aside), RegistrationRefused 8 (each with the bucket's check first), Journey 11 (the
    // bucket's check and create, the namespace's look-up and create); each run that succeeds
    // (all but the two refused) 3 more: the chain read back (instance, registration, token).
    assert_eq!(kill_points, KILL_POINTS, "{figures:#?}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_single_fault_at_every_request_then_one_clean_rerun_converges() {
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
    for scenario in Scenario::ALL {
        let reference = reference(scenario).await;
        for k in points(&reference) {
            for action in &actions {
                let faults = faults_for(&reference, scenario.faults(), k, action.clone());
                let context = format!(
                    "{scenario:?}, {action} at request {} ({})",
                    k + 1,
                    operation(&reference[k])
                );
                cases.push((scenario, faults, context));
            }
        }
    }
    let results: Vec<(String, i32)> = futures::stream::iter(cases)
        .map(|(scenario, faults, context)| async move {
            let server = fake().await;
            scenario.prepare(&server).await;
            for fault in faults {
                server.inject(fault);
            }
            let first = cf(&server, scenario.args()).await;
            assert!(
                first.code == 0 || first.code == 1,
                "{context}: the faulted run:\n{first}"
            );
            if first.code == 0 {
                // A run that says it worked has finished the job.
                assert_converged(&server, &format!("{context}, the faulted run itself"));
            }
            server.clear_faults();
            let rerun = cf(&server, scenario.args()).await;
            assert_eq!(rerun.code, 0, "{context}: the re-run failed:\n{rerun}");
            assert_converged(&server, &context);
            (context, first.code)
        })
        .buffer_unordered(12)
        .collect()
        .await;
    let succeeded = results.iter().filter(|(_, code)| *code == 0).count();
    eprintln!(
        "{} fault cases ({KILL_POINTS} requests × drop, drop-after, 500, 503, truncate): the faulted run \
         finished the job in {succeeded}, failed (exit 1) in {}; every clean re-run converged",
        results.len(),
        results.len() - succeeded
    );
    assert_eq!(results.len(), KILL_POINTS * actions.len());
}
