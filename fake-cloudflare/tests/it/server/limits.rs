//! The fake's limits: a bounded request log, a request body limit (413), and timeouts for
//! connections that stall in a request head, in a body, or between requests.

use std::io::{ErrorKind, Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::process::{Command, Stdio};
use std::time::Duration;

use fake_cloudflare::{FakeCloudflare, Fault, Limits};
use serde_json::json;

use test_support::fake::http::*;
use test_support::process::KillOnDrop;

/// How long a raw read waits before the test fails: the server kept a connection open that it
/// should have closed long before (the timeouts under test are a fraction of a second).
const GUARD: Duration = Duration::from_secs(20);

/// A short timeout for the tests, and a long one for the timeout not under test.
const SHORT: Duration = Duration::from_millis(300);
const LONG: Duration = Duration::from_secs(600);

async fn start(builder: fake_cloudflare::FakeCloudflareBuilder) -> FakeCloudflare {
    builder
        .bootstrap_token(TOKEN)
        .email_key(EMAIL, KEY)
        .start()
        .await
        .expect("fake starts")
}

/// Runs blocking socket code on a thread of its own, so the server keeps running.
async fn blocking<T: Send + 'static>(f: impl FnOnce() -> T + Send + 'static) -> T {
    tokio::task::spawn_blocking(f).await.expect("no panic")
}

fn connect(addr: SocketAddr) -> TcpStream {
    let stream = TcpStream::connect(addr).unwrap();
    stream.set_read_timeout(Some(GUARD)).unwrap();
    stream
}

/// Reads until the server closes the connection (an end of stream or a reset) and returns what
/// it sent. Fails the test if the server keeps it open for [`GUARD`].
fn until_closed(stream: &mut TcpStream) -> Vec<u8> {
    let mut got = Vec::new();
    let mut buffer = [0; 4096];
    loop {
        match stream.read(&mut buffer) {
            Ok(0) => return got,
            Ok(n) => got.extend_from_slice(&buffer[..n]),
            Err(e) if matches!(e.kind(), ErrorKind::WouldBlock | ErrorKind::TimedOut) => {
                panic!("the server kept the connection open for {GUARD:?}")
            }
            Err(_) => return got,
        }
    }
}

/// Reads one answer: its head and a `Content-Length` body.
fn read_answer(stream: &mut TcpStream) -> String {
    let mut got = Vec::new();
    let mut byte = [0; 1];
    while !got.ends_with(b"\r\n\r\n") {
        assert_eq!(stream.read(&mut byte).unwrap(), 1, "answer cut short");
        got.push(byte[0]);
    }
    let head = String::from_utf8(got).unwrap();
    let length: usize = head
        .lines()
        .find_map(|l| {
            l.to_ascii_lowercase()
                .strip_prefix("content-length: ")
                .map(str::to_owned)
        })
        .expect("a content-length")
        .trim()
        .parse()
        .unwrap();
    let mut body = vec![0; length];
    stream.read_exact(&mut body).unwrap();
    head + &String::from_utf8(body).unwrap()
}

// ---------------------------------------------------------------------------------------------
// The request log

#[tokio::test]
async fn twenty_bodies_of_10_mb_leave_the_log_bounded() {
    let server = start(
        FakeCloudflare::builder()
            .max_body_size(16 << 20)
            .max_logged_requests(5)
            .log_body_excerpt(1024),
    )
    .await;
    let http = reqwest::Client::new();
    let url = format!("{}/user/tokens", server.base_url());
    let secret = "s3cret-value-never-logged";
    let name = "n".repeat(10 << 20);
    let body = json!({ "cf_api_key": secret, "name": name, "policies": policy() }).to_string();
    let size = body.len() as u64;
    assert!(size > 10 << 20);
    for _ in 0..20 {
        let answer = Api::send(
            http.post(&url)
                .bearer_auth(TOKEN)
                .header("content-type", "application/json")
                .body(body.clone()),
        )
        .await;
        assert_error(&answer, 400, 1001); // the name is too long; the body was read whole
    }

    let log = server.requests();
    assert_eq!(log.len(), 5);
    assert_eq!(
        log.iter().map(|r| r.seq).collect::<Vec<_>>(),
        [16, 17, 18, 19, 20]
    );
    assert_eq!(server.requests_dropped(), 15);
    for request in &log {
        assert_eq!(request.body_size, size);
        assert!(request.body_truncated);
        let excerpt = request.body.as_ref().unwrap().as_str().unwrap();
        assert_eq!(excerpt.len(), 1024);
        // The excerpt is of the redacted JSON, keys in order.
        assert!(
            excerpt.starts_with(r#"{"cf_api_key":"[redacted]","name":"nnnn"#),
            "{excerpt}"
        );
    }
    let text = serde_json::to_string(&log).unwrap();
    assert!(!text.contains(secret));
    assert!(text.len() < 5 * 4096, "{} bytes of log", text.len());

    // A small body is still logged whole, as JSON with its secrets redacted.
    let small = json!({ "name": "small", "policies": policy(), "cf_api_key": secret });
    Api::send(http.post(&url).bearer_auth(TOKEN).json(&small)).await;
    let last = server.requests().pop().unwrap();
    assert!(!last.body_truncated);
    assert_eq!(last.body.as_ref().unwrap()["name"], "small");
    assert_eq!(last.body.as_ref().unwrap()["cf_api_key"], "[redacted]");
    assert_eq!(server.requests().len(), 5);
    assert_eq!(server.requests_dropped(), 16);

    server.clear_requests();
    assert!(server.requests().is_empty());
    assert_eq!(server.requests_dropped(), 0);
}

#[tokio::test]
async fn the_defaults_are_documented_ones() {
    let server = FakeCloudflare::start().await.unwrap();
    assert_eq!(
        server.limits(),
        Limits {
            max_logged_requests: 1000,
            log_body_excerpt: 16 * 1024,
            max_body_size: 1024 * 1024,
            header_read_timeout: Duration::from_secs(30),
            idle_timeout: Duration::from_secs(30),
        }
    );
}

// ---------------------------------------------------------------------------------------------
// Request bodies

/// Sends `request` on a connection of its own and reads until the server closes it.
async fn exchange(addr: SocketAddr, request: Vec<u8>) -> String {
    blocking(move || {
        let mut stream = connect(addr);
        stream.write_all(&request).unwrap();
        String::from_utf8(until_closed(&mut stream)).unwrap()
    })
    .await
}

/// The JSON body of an answer read off the wire.
fn json_of(answer: &str) -> serde_json::Value {
    let (_, body) = answer.split_once("\r\n\r\n").expect("a head and a body");
    serde_json::from_str(body).unwrap_or_else(|e| panic!("{e}: {answer}"))
}

#[tokio::test]
async fn a_body_over_the_limit_gets_413_with_an_envelope() {
    // The default limit, 1 MiB: a body declared 10 MiB is refused (and never sent here).
    let api = Api::start().await;
    let request = format!(
        "POST /client/v4/user/tokens HTTP/1.1\r\nhost: x\r\nauthorization: Bearer {TOKEN}\r\n\
         content-type: application/json\r\ncontent-length: {}\r\n\r\n",
        10 << 20
    );
    let answer = exchange(api.server.addr(), request.into_bytes()).await;
    assert!(
        answer.starts_with("HTTP/1.1 413 Payload Too Large\r\n"),
        "{answer}"
    );
    assert!(answer.contains("\r\nconnection: close\r\n"), "{answer}");
    assert_eq!(
        json_of(&answer),
        json!({
            "success": false,
            "errors": [{
                "code": 6008,
                "message": "Request body too large: 10485760 bytes, at most 1048576 are accepted",
            }],
            "messages": [],
            "result": null,
        })
    );
    let logged = &api.server.requests_for("user_tokens_create")[0];
    assert_eq!(logged.status, Some(413));
    assert_eq!(logged.body, None);
    assert_eq!(logged.body_size, 10 << 20);
    assert!(api.server.user_tokens().is_empty(), "nothing was created");

    // A limit of 100 bytes: one more is refused, exactly 100 are read.
    let server = start(FakeCloudflare::builder().max_body_size(100)).await;
    let http = reqwest::Client::new();
    let url = format!("{}/user/tokens", server.base_url());
    let padded = format!("{{\"name\":\"{}\"}}", "n".repeat(100 - 11));
    assert_eq!(padded.len(), 100);
    let answer = Api::send(
        http.post(&url)
            .bearer_auth(TOKEN)
            .header("content-type", "application/json")
            .body(padded.clone() + " "),
    )
    .await;
    assert_error(&answer, 413, 6008);
    assert_eq!(answer.headers["connection"], "close");
    let answer = Api::send(
        http.post(&url)
            .bearer_auth(TOKEN)
            .header("content-type", "application/json")
            .body(padded),
    )
    .await;
    assert_error(&answer, 400, 1001); // read, and missing its policies
}

#[tokio::test]
async fn a_body_over_the_limit_is_refused_without_reading_it() {
    let server = start(FakeCloudflare::builder().max_body_size(1000)).await;
    let addr = server.addr();
    // It declares 10 GB and sends none of it: the answer comes at once.
    let request = b"POST /client/v4/user/tokens HTTP/1.1\r\nhost: x\r\n\
                    authorization: Bearer test-bootstrap\r\ncontent-length: 10000000000\r\n\r\n";
    let answer = exchange(addr, request.to_vec()).await;
    assert!(answer.starts_with("HTTP/1.1 413 "), "{answer}");
    assert_eq!(
        json_of(&answer)["errors"][0]["message"],
        "Request body too large: 10000000000 bytes, at most 1000 are accepted"
    );

    // Chunked, so nothing is declared: refused once more than the limit has come, without
    // waiting for the end (which never comes).
    let mut request = b"POST /client/v4/user/tokens HTTP/1.1\r\nhost: x\r\n\
                        authorization: Bearer test-bootstrap\r\ntransfer-encoding: chunked\r\n\r\n"
        .to_vec();
    for _ in 0..3 {
        request.extend(b"1F4\r\n"); // 500 bytes
        request.extend([b' '; 500]);
        request.extend(b"\r\n");
    }
    let answer = exchange(addr, request).await;
    assert!(answer.starts_with("HTTP/1.1 413 "), "{answer}");
    assert_eq!(json_of(&answer)["errors"][0]["code"], 6008);
    let logged = server.requests_for("user_tokens_create");
    assert_eq!(logged.len(), 2);
    assert!(logged.iter().all(|r| r.status == Some(413)));
    assert_eq!(logged[0].body_size, 10_000_000_000);
    assert!(
        (1001..=1500).contains(&logged[1].body_size),
        "{}",
        logged[1].body_size
    );
}

// ---------------------------------------------------------------------------------------------
// Timeouts

#[tokio::test]
async fn half_a_request_head_then_a_stall_is_closed_after_the_header_read_timeout() {
    let server = start(
        FakeCloudflare::builder()
            .header_read_timeout(SHORT)
            .idle_timeout(LONG),
    )
    .await;
    let addr = server.addr();
    let sent = blocking(move || {
        let mut stream = connect(addr);
        stream
            .write_all(b"GET /client/v4/user/tokens/verify HTTP/1.1\r\nhost: x\r\n")
            .unwrap();
        until_closed(&mut stream)
    })
    .await;
    assert!(!String::from_utf8_lossy(&sent).contains("200 OK"));
    assert!(server.requests().is_empty(), "no request arrived");

    // A head sent a byte at a time keeps bytes moving, but never ends: the header timeout
    // still closes it (the idle timeout, long here, would not).
    blocking(move || {
        let mut stream = connect(addr);
        stream
            .write_all(b"GET /client/v4/user/tokens/verify HTTP/1.1\r\nx-slow: ")
            .unwrap();
        let mut reader = stream.try_clone().unwrap();
        let writer = std::thread::spawn(move || {
            while stream.write_all(b"a").is_ok() {
                std::thread::sleep(Duration::from_millis(20));
            }
        });
        until_closed(&mut reader);
        writer.join().unwrap();
    })
    .await;
}

#[tokio::test]
async fn an_idle_kept_alive_connection_is_closed() {
    const VERIFY: &[u8] = b"GET /client/v4/user/tokens/verify HTTP/1.1\r\nhost: x\r\n\
                            authorization: Bearer test-bootstrap\r\n\r\n";
    // By the idle timeout, with a long header timeout...
    let server = start(
        FakeCloudflare::builder()
            .idle_timeout(SHORT)
            .header_read_timeout(LONG),
    )
    .await;
    let addr = server.addr();
    let after = blocking(move || {
        let mut stream = connect(addr);
        for _ in 0..2 {
            stream.write_all(VERIFY).unwrap();
            let answer = read_answer(&mut stream);
            assert!(answer.starts_with("HTTP/1.1 200 OK"), "{answer}");
        }
        until_closed(&mut stream)
    })
    .await;
    assert!(after.is_empty(), "{}", String::from_utf8_lossy(&after));
    assert_eq!(server.requests().len(), 2, "both on one connection");

    // ...and by the header timeout, with a long idle timeout.
    let server = start(
        FakeCloudflare::builder()
            .idle_timeout(LONG)
            .header_read_timeout(SHORT),
    )
    .await;
    let addr = server.addr();
    blocking(move || {
        let mut stream = connect(addr);
        stream.write_all(VERIFY).unwrap();
        read_answer(&mut stream);
        until_closed(&mut stream)
    })
    .await;
}

#[tokio::test]
async fn a_body_that_stalls_is_closed_after_the_idle_timeout() {
    let server = start(
        FakeCloudflare::builder()
            .idle_timeout(SHORT)
            .header_read_timeout(LONG),
    )
    .await;
    let addr = server.addr();
    let sent = blocking(move || {
        let mut stream = connect(addr);
        stream
            .write_all(
                b"POST /client/v4/user/tokens HTTP/1.1\r\nhost: x\r\n\
                  authorization: Bearer test-bootstrap\r\ncontent-length: 100\r\n\r\n{\"name\":",
            )
            .unwrap();
        until_closed(&mut stream)
    })
    .await;
    assert!(sent.is_empty(), "{}", String::from_utf8_lossy(&sent));
    assert!(server.user_tokens().is_empty());
}

#[tokio::test]
async fn an_answer_the_fake_delays_is_not_idleness() {
    let server = start(FakeCloudflare::builder().idle_timeout(SHORT)).await;
    server.inject(Fault::delay("user_tokens_verify", 3 * SHORT));
    let answer = Api::send(
        reqwest::Client::new()
            .get(format!("{}/user/tokens/verify", server.base_url()))
            .bearer_auth(TOKEN),
    )
    .await;
    assert_eq!(answer.status, 200, "{}", answer.text);
}

// ---------------------------------------------------------------------------------------------
// The binary's flags

#[tokio::test]
async fn the_binary_takes_the_limits_as_flags() {
    let child = Command::new(env!("CARGO_BIN_EXE_fake-cloudflare"))
        .args(["--bootstrap-token", "cli-token", "--max-body-size", "100"])
        .args(["--max-logged-requests", "1", "--idle-timeout", "300ms"])
        .args(["--header-read-timeout", "2m", "--log-body-excerpt", "10"])
        .stdout(Stdio::piped())
        .spawn()
        .expect("binary starts");
    let mut child = KillOnDrop(child);
    // Kept open to the end: the binary goes on printing.
    let mut stdout = std::io::BufReader::new(child.0.stdout.take().unwrap());
    let mut line = String::new();
    std::io::BufRead::read_line(&mut stdout, &mut line).unwrap();
    let base_url = line.trim().strip_prefix("base_url=").unwrap().to_owned();

    let http = reqwest::Client::new();
    let url = format!("{base_url}/user/tokens");
    let answer = Api::send(
        http.post(&url)
            .bearer_auth("cli-token")
            .header("content-type", "application/json")
            .body(" ".repeat(101)),
    )
    .await;
    assert_error(&answer, 413, 6008);
    let answer = Api::send(
        http.post(&url)
            .bearer_auth("cli-token")
            .json(&json!({ "name": "0123456789abcdef" })),
    )
    .await;
    assert_error(&answer, 400, 1001);
    let admin = base_url.replace("/client/v4", "/__fake");
    let log: serde_json::Value = http
        .get(format!("{admin}/requests"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(log.as_array().unwrap().len(), 1, "{log}");
    assert_eq!(log[0]["body"], r#"{"name":"0"#);
    assert_eq!(log[0]["body_truncated"], true);

    let output = Command::new(env!("CARGO_BIN_EXE_fake-cloudflare"))
        .args(["--idle-timeout", "5parsecs"])
        .output()
        .expect("binary runs");
    assert!(!output.status.success());
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.contains("expected a duration such as 500ms, 30s or 2m, not `5parsecs`"),
        "{stderr}"
    );
}
