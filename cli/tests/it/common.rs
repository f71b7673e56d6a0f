//! What the tests share: a fake Cloudflare per test, `cf-tokens` run in-process or as the real
//! binary against it, and the fake's state read back.

use std::process::Stdio;

use fake_cloudflare::FakeCloudflare;
use serde_json::Value;
use tokio::process::Command;

/// The account the tests work in.
pub const ACCOUNT: &str = "023e105f4ecef8ad9ca31a8372d0c353";

pub const BINARY: &str = env!("CARGO_BIN_EXE_cf-tokens");

/// What a run of the CLI left behind.
#[derive(Debug)]
pub struct Run {
    pub code: i32,
    pub stdout: String,
    pub stderr: String,
}

impl Run {
    /// stdout as JSON; panics with both streams when it is not.
    #[track_caller]
    pub fn json(&self) -> Value {
        serde_json::from_str(&self.stdout)
            .unwrap_or_else(|e| panic!("stdout is not JSON ({e}):\n{self}"))
    }

    /// Asserts the exit code, showing both streams when it differs.
    #[track_caller]
    pub fn expect(&self, code: i32) -> &Self {
        assert_eq!(self.code, code, "unexpected exit code:\n{self}");
        self
    }

    /// Asserts that neither stream contains `text`.
    #[track_caller]
    pub fn assert_hides(&self, text: &str) {
        assert!(!text.is_empty());
        assert!(
            !self.stdout.contains(text),
            "stdout shows {text:?}:\n{self}"
        );
        assert!(
            !self.stderr.contains(text),
            "stderr shows {text:?}:\n{self}"
        );
    }
}

impl std::fmt::Display for Run {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "exit {}\n--- stdout\n{}--- stderr\n{}",
            self.code, self.stdout, self.stderr
        )
    }
}

/// A fake Cloudflare on a free port, with its default credentials.
pub async fn fake() -> FakeCloudflare {
    let server = FakeCloudflare::start().await.expect("the fake starts");
    // The buckets the tests' setups index: the setup checks that its bucket exists.
    for bucket in ["docs-bucket", "more-docs", "b"] {
        server.create_r2_bucket(ACCOUNT, bucket);
    }
    server
}

/// The environment a user of the fake would have: its bootstrap token, its base URL and the
/// test account.
pub fn env_for(server: &FakeCloudflare) -> Vec<(&'static str, String)> {
    vec![
        ("CLOUDFLARE_API_TOKEN", server.bootstrap_token().to_string()),
        ("CLOUDFLARE_BASE_URL", server.base_url()),
        ("CLOUDFLARE_ACCOUNT_ID", ACCOUNT.to_string()),
    ]
}

/// Runs `cf-tokens ARGS` in-process against `server`.
pub async fn cf(server: &FakeCloudflare, args: &[&str]) -> Run {
    run_with(&env_for(server), args).await
}

/// Runs `cf-tokens ARGS` in-process with exactly these environment variables.
pub async fn run_with(env: &[(&str, String)], args: &[&str]) -> Run {
    let lookup = |name: &str| env.iter().find(|(k, _)| *k == name).map(|(_, v)| v.clone());
    let (mut out, mut err) = (Vec::new(), Vec::new());
    let argv = std::iter::once("cf-tokens").chain(args.iter().copied());
    let code = cf_tokens::run(argv, &lookup, &mut out, &mut err).await;
    Run {
        code: code.into(),
        stdout: String::from_utf8(out).expect("stdout is UTF-8"),
        stderr: String::from_utf8(err).expect("stderr is UTF-8"),
    }
}

/// The real binary with only these variables, so the test's own environment cannot leak in,
/// its streams piped.
pub fn binary(env: &[(&str, String)], args: &[&str]) -> Command {
    let mut command = Command::new(BINARY);
    command
        .env_clear()
        .envs(env.iter().map(|(k, v)| (k, v)))
        .args(args)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .kill_on_drop(true);
    command
}

/// Runs the real binary to its end.
pub async fn run_binary(env: &[(&str, String)], args: &[&str]) -> Run {
    let output = binary(env, args).output().await.expect("the binary runs");
    Run {
        code: output.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&output.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&output.stderr).into_owned(),
    }
}

/// A string field of a JSON object, or a panic naming it.
#[track_caller]
pub fn str_field<'a>(value: &'a Value, field: &str) -> &'a str {
    value[field]
        .as_str()
        .unwrap_or_else(|| panic!("no string `{field}` in {value}"))
}
