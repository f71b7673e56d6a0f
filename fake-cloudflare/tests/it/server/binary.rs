//! The `fake-cloudflare` binary: flags, the printed credentials, and serving until killed.

use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};

use test_support::process::KillOnDrop;

#[tokio::test]
async fn binary_prints_its_url_and_applies_flag_faults() {
    let child = Command::new(env!("CARGO_BIN_EXE_fake-cloudflare"))
        .args([
            "--port",
            "0",
            "--bootstrap-token",
            "cli-token",
            "--no-email-key",
        ])
        .args(["--fault", "user_tokens_verify=fail/503/1/down:1"])
        .stdout(Stdio::piped())
        .spawn()
        .expect("binary starts");
    let mut child = KillOnDrop(child);
    let stdout = child.0.stdout.take().unwrap();
    let mut lines = BufReader::new(stdout).lines();
    let mut printed = std::collections::BTreeMap::new();
    while printed.len() < 4 {
        let line = lines.next().expect("a line").expect("readable");
        let (key, value) = line.split_once('=').expect("key=value");
        printed.insert(key.to_owned(), value.to_owned());
    }
    let base_url = printed["base_url"].clone();
    assert!(
        base_url.starts_with("http://127.0.0.1:") && base_url.ends_with("/client/v4"),
        "{base_url}"
    );
    assert_eq!(printed["bootstrap_token"], "cli-token");
    assert_eq!(printed["fault"], "user_tokens_verify=fail/503/1/down:1");
    assert!(!printed.contains_key("email"));

    let http = reqwest::Client::new();
    let verify = format!("{base_url}/user/tokens/verify");
    let first = http
        .get(&verify)
        .bearer_auth("cli-token")
        .send()
        .await
        .unwrap();
    assert_eq!(first.status(), 503);
    let second = http
        .get(&verify)
        .bearer_auth("cli-token")
        .send()
        .await
        .unwrap();
    assert_eq!(second.status(), 200);
}

#[test]
fn binary_rejects_bad_fault_flags() {
    let output = Command::new(env!("CARGO_BIN_EXE_fake-cloudflare"))
        .args(["--fault", "user_tokens_verify=explode"])
        .output()
        .expect("binary runs");
    assert!(!output.status.success());
    assert!(String::from_utf8_lossy(&output.stderr).contains("unknown fault"));
}
