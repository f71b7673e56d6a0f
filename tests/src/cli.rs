//! Shared pieces of the `cli_*` tests: a fake Cloudflare per test, and `cf-tokens` run
//! in-process against it with an environment of the test's choosing.

use fake_cloudflare::FakeCloudflare;
use serde_json::Value;

/// The account the tests work in.
pub const ACCOUNT: &str = "023e105f4ecef8ad9ca31a8372d0c353";
/// A zone, for the Access operations Cloudflare offers on zones too.
pub const ZONE: &str = "9a7806061c88ada191ed06f989cc3dac";

/// What a run of the CLI left behind.
#[derive(Debug)]
pub struct Run {
    pub code: u8,
    pub stdout: String,
    pub stderr: String,
}

impl Run {
    /// stdout as JSON; panics with both streams when it is not.
    pub fn json(&self) -> Value {
        serde_json::from_str(&self.stdout)
            .unwrap_or_else(|e| panic!("stdout is not JSON ({e}):\n{self}"))
    }

    /// Asserts the exit code, showing both streams when it differs.
    #[track_caller]
    pub fn expect(&self, code: u8) -> &Self {
        assert_eq!(self.code, code, "unexpected exit code:\n{self}");
        self
    }

    /// Asserts that neither stream contains `secret`.
    #[track_caller]
    pub fn assert_hides(&self, secret: &str) {
        assert!(!secret.is_empty());
        assert!(
            !self.stdout.contains(secret),
            "stdout shows a secret:\n{self}"
        );
        assert!(
            !self.stderr.contains(secret),
            "stderr shows a secret:\n{self}"
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

/// Runs `cf-tokens ARGS` against `server` with [`env_for`].
pub async fn cf(server: &FakeCloudflare, args: &[&str]) -> Run {
    run_with(&env_for(server), args).await
}

/// Runs `cf-tokens ARGS` with exactly these environment variables.
pub async fn run_with(env: &[(&str, String)], args: &[&str]) -> Run {
    let lookup = |name: &str| env.iter().find(|(k, _)| *k == name).map(|(_, v)| v.clone());
    let (mut out, mut err) = (Vec::new(), Vec::new());
    let argv = std::iter::once("cf-tokens").chain(args.iter().copied());
    let code = cf_tokens::run(argv, &lookup, &mut out, &mut err).await;
    Run {
        code,
        stdout: String::from_utf8(out).expect("stdout is UTF-8"),
        stderr: String::from_utf8(err).expect("stderr is UTF-8"),
    }
}

/// The methods of every request the fake received, in order.
pub fn methods(server: &FakeCloudflare) -> Vec<String> {
    server.requests().into_iter().map(|r| r.method).collect()
}

/// How many requests changed something (anything but GET).
pub fn writes(server: &FakeCloudflare) -> usize {
    methods(server).iter().filter(|m| *m != "GET").count()
}

/// A string field of a JSON object, or a panic naming it.
#[track_caller]
pub fn str_field<'a>(value: &'a Value, field: &str) -> &'a str {
    value[field]
        .as_str()
        .unwrap_or_else(|| panic!("no string `{field}` in {value}"))
}
