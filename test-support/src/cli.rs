//! `cf-tokens` run as the tests need it: in-process (fast, for the tests that need many runs)
//! or as the real binary (exit codes, signals, stderr), both with an environment of the test's
//! choosing, never the test's own.

use std::process::Stdio;

use fake_cloudflare::FakeCloudflare;
use serde_json::Value;
use tokio::process::Command;

use crate::ACCOUNT;

/// What a run of the CLI left behind.
#[derive(Debug)]
pub struct Run {
    /// The exit code; -1 when the binary was ended by a signal. (`i32`, a shell's view, so that
    /// in-process and binary runs compare alike.)
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

/// The environment a user of the fake would have: its bootstrap token, its base URL and the
/// test account.
pub fn env_for(server: &FakeCloudflare) -> Vec<(&'static str, String)> {
    vec![
        ("CLOUDFLARE_API_TOKEN", server.bootstrap_token().to_string()),
        ("CLOUDFLARE_BASE_URL", server.base_url()),
        ("CLOUDFLARE_ACCOUNT_ID", ACCOUNT.to_string()),
    ]
}

/// Runs `cf-tokens ARGS` in-process against `server`, with [`env_for`].
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

/// The real `cf-tokens` executable. Only the CLI's own tests know where Cargo built it
/// (`env!("CARGO_BIN_EXE_cf-tokens")` is set for them alone), so they name it:
/// `Binary(env!("CARGO_BIN_EXE_cf-tokens"))`.
#[derive(Clone, Copy, Debug)]
pub struct Binary(pub &'static str);

impl Binary {
    /// The binary with only these variables, so the test's own environment cannot leak in, no
    /// stdin, its streams piped, killed if the test drops it.
    pub fn command(self, env: &[(&str, String)], args: &[&str]) -> Command {
        let mut command = Command::new(self.0);
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

    /// Runs the binary to its end.
    pub async fn run(self, env: &[(&str, String)], args: &[&str]) -> Run {
        let output = self
            .command(env, args)
            .output()
            .await
            .expect("the binary runs");
        Run {
            code: output.status.code().unwrap_or(-1),
            stdout: String::from_utf8_lossy(&output.stdout).into_owned(),
            stderr: String::from_utf8_lossy(&output.stderr).into_owned(),
        }
    }
}
