//! The grace period a rotation promised is kept through lost answers, interrupted runs and the
//! recovery the CLI's messages advise, checked on the fake's Access-protected application.

use std::os::unix::process::ExitStatusExt;
use std::time::Duration;

use fake_cloudflare::{AccessScope, FakeCloudflare, Fault};
use test_support::cli::{Run, env_for};
use test_support::fake::{access_admits, fake};
use test_support::{ACCOUNT, str_field};

use crate::CF_TOKENS;

const ROTATE: &str = "access_service_tokens_rotate";
const GET: &str = "access_service_tokens_get";

/// A fake with one account service token, the fake's clock moved a minute on: the fake's times
/// are to the second, and a rotation in the same second as the creation would not move
/// `updated_at` (the CLI's only sign of a rotation: see the report of this change).
async fn seeded() -> (FakeCloudflare, String, String, String) {
    let server = fake().await;
    let token = server.create_service_token(AccessScope::Account, ACCOUNT, "ci");
    server.advance_clock(Duration::from_secs(60));
    let field = |name| str_field(&token, name).to_string();
    (
        server,
        field("id"),
        field("client_id"),
        field("client_secret"),
    )
}

async fn cf_tokens(server: &FakeCloudflare, args: &[&str]) -> Run {
    CF_TOKENS.run(&env_for(server), args).await
}

/// The seeded token, the account's first, as stored.
fn stored(server: &FakeCloudflare) -> serde_json::Value {
    let tokens = server.service_tokens(AccessScope::Account, ACCOUNT);
    tokens.first().cloned().expect("the seeded token is there")
}

/// The `cf-tokens …` command the message quotes with `--if-unchanged-since`, as arguments.
fn quoted_rotation(run: &Run) -> Vec<String> {
    let quoted = run
        .stderr
        .split('`')
        .find(|part| part.contains("--if-unchanged-since"))
        .unwrap_or_else(|| panic!("no rotation with --if-unchanged-since advised:\n{run}"));
    let mut words = quoted.split_whitespace().map(str::to_string);
    assert_eq!(words.next().as_deref(), Some("cf-tokens"), "{run}");
    words.collect()
}

/// Waits until the fake has carried out the rotation, so that a delayed one has landed before
/// the test goes on. Polls: waiting on the fake is no assertion about time.
async fn rotation_landed(server: &FakeCloudflare) {
    for _ in 0..500 {
        if stored(server)["client_secret_version"] != 1 {
            return;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    panic!(
        "the rotation never landed: {:#?}",
        server.requests_for(ROTATE)
    );
}

/// The original secret works until the end of the promised grace period and not after it;
/// `current`, if known, works throughout.
async fn grace_ends_on_time(
    server: &FakeCloudflare,
    client_id: &str,
    original: &str,
    current: Option<&str>,
    context: &str,
) {
    let end = stored(server)["previous_client_secret_expires_at"]
        .as_str()
        .and_then(|t| chrono::DateTime::parse_from_rfc3339(t).ok())
        .unwrap_or_else(|| panic!("{context}: no grace end"))
        .to_utc();
    let left = (end - server.now()).num_seconds();
    assert!(left > 60, "{context}: {left}s of grace left");
    server.advance_clock(Duration::from_secs((left - 30) as u64));
    assert!(
        access_admits(server, client_id, original).await,
        "{context}: refused before its grace ended"
    );
    server.advance_clock(Duration::from_secs(60));
    assert!(
        !access_admits(server, client_id, original).await,
        "{context}: admitted after its grace ended"
    );
    if let Some(current) = current {
        assert!(access_admits(server, client_id, current).await, "{context}");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_rotation_whose_answer_was_lost_keeps_the_promised_grace_through_the_recovery() {
    let faults = [
        ("drop after", Fault::drop_after(ROTATE), true),
        ("truncated", Fault::truncate(ROTATE), true),
        ("no secret", Fault::omit(ROTATE, "client_secret"), true),
        // The fake abandons a delayed request whose client hung up: it never lands.
        (
            "timeout",
            Fault::delay(ROTATE, Duration::from_secs(3)),
            false,
        ),
        ("500 before", Fault::fail(ROTATE, 500, 10001, "boom"), false),
    ];
    for (name, fault, lands) in faults {
        let (server, id, client_id, original) = seeded().await;
        server.inject(fault);
        let args = [
            "access",
            "tokens",
            "rotate",
            &id,
            "--grace",
            "1h",
            "--timeout",
            "1s",
        ];
        let run = cf_tokens(&server, &args).await;
        run.expect(1);
        run.assert_hides(&original);
        if lands {
            rotation_landed(&server).await;
        }
        let version = stored(&server)["client_secret_version"].clone();
        assert_eq!(version, if lands { 2 } else { 1 }, "{name}:\n{run}");
        assert!(
            access_admits(&server, &client_id, &original).await,
            "{name}"
        );
        assert_eq!(
            server.requests_for(ROTATE).len(),
            1,
            "{name}: never rotated twice"
        );
        // The message never advises a plain rotation; the one it quotes says what it costs.
        assert!(
            !run.stderr
                .contains(&format!("`cf-tokens access tokens rotate {id}`")),
            "{name}:\n{run}"
        );
        let advised = quoted_rotation(&run);

        if run.stderr.contains("was rotated, but") {
            assert!(lands, "{name}:\n{run}");
            assert!(run.stderr.contains("keeps working until"), "{name}:\n{run}");
            assert!(
                run.stderr.contains("stops working at once"),
                "{name}:\n{run}"
            );
            // The safe path the message gives first: another token; the original still works.
            let other = ["access", "tokens", "create", "--name", "ci-2", "--json"];
            cf_tokens(&server, &other).await.expect(0);
            assert!(
                access_admits(&server, &client_id, &original).await,
                "{name}"
            );
            // The old advice, rotating again as before, is refused now.
            let again = cf_tokens(&server, &args[..6]).await;
            again.expect(1);
            assert!(again.stderr.contains("did not rotate"), "{name}:\n{again}");
            assert_eq!(server.requests_for(ROTATE).len(), 1, "{name}");
            assert!(
                access_admits(&server, &client_id, &original).await,
                "{name}"
            );
            assert_eq!(
                server.service_tokens(AccessScope::Account, ACCOUNT).len(),
                2
            );
            grace_ends_on_time(&server, &client_id, &original, None, name).await;
        } else {
            // Read back unchanged: the advised rotation, only if nothing changed meanwhile.
            assert!(
                run.stderr.contains("most likely not rotated"),
                "{name}:\n{run}"
            );
            let advised: Vec<&str> = advised.iter().map(String::as_str).collect();
            let retry = cf_tokens(&server, &advised).await;
            // A rotation that landed must read back as one.
            assert!(!lands, "{name}:\n{run}");
            retry.expect(0);
            retry.assert_hides(&original);
            assert_eq!(stored(&server)["client_secret_version"], 2, "{name}");
            assert!(
                access_admits(&server, &client_id, &original).await,
                "{name}"
            );
            grace_ends_on_time(&server, &client_id, &original, None, name).await;
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_sigkill_at_each_request_of_a_rotation_then_the_same_command_again_keeps_the_grace() {
    for at in [GET, ROTATE] {
        let (server, id, client_id, original) = seeded().await;
        let env = env_for(&server);
        let args = ["access", "tokens", "rotate", &id, "--grace", "1h", "--json"];
        server.inject(Fault::hold(at));
        let mut child = CF_TOKENS.command(&env, &args).spawn().unwrap();
        tokio::select! {
            () = server.wait_for_held(1) => {}
            status = child.wait() => panic!("{at}: the run ended ({status:?}) first"),
        }
        // Carried out, its answer not sent: kill the CLI while it waits for it.
        child.start_kill().unwrap();
        let status = child.wait().await.unwrap();
        assert_eq!(status.signal(), Some(9), "{at}: {status:?}");
        server.release_held();
        assert!(access_admits(&server, &client_id, &original).await, "{at}");

        let rerun = CF_TOKENS.run(&env, &args).await;
        rerun.assert_hides(&original);
        assert!(access_admits(&server, &client_id, &original).await, "{at}");
        if at == GET {
            // Killed before rotating: the re-run rotates, once.
            rerun.expect(0);
            let new = str_field(&rerun.json(), "client_secret").to_string();
            assert_eq!(stored(&server)["client_secret_version"], 2, "{at}");
            grace_ends_on_time(&server, &client_id, &original, Some(&new), at).await;
        } else {
            // Killed after the rotation landed: the re-run sees the change and does not rotate.
            rerun.expect(1);
            assert!(rerun.stderr.contains("did not rotate"), "{at}:\n{rerun}");
            assert!(quoted_rotation(&rerun).contains(&"--if-unchanged-since".to_string()));
            assert_eq!(server.requests_for(ROTATE).len(), 1, "{at}");
            assert_eq!(stored(&server)["client_secret_version"], 2, "{at}");
            grace_ends_on_time(&server, &client_id, &original, None, at).await;
        }
    }
}
