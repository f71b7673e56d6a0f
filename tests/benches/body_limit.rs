//! Peak memory of the client against oversized answers, next to bare `reqwest`.
//!
//! `cargo bench -p cloudflare-tokens-tests --bench body_limit` serves, on loopback, a 100 MB
//! answer (with its `Content-Length`), the same without one (chunked), and a chunked answer
//! that never ends; the client (default limit) reads each, and the process's peak resident
//! memory (`VmHWM`, Linux) is printed after each case. Last, a bare `reqwest::Client` reads the
//! 100 MB answer whole, to show what an unbounded read costs. Each case runs in its own process
//! (the binary re-runs itself with `BODY_LIMIT_CASE`), so that one case's peak does not hide the
//! next one's.

use std::convert::Infallible;
use std::net::SocketAddr;

use bytes::Bytes;
use cloudflare_tokens::{Client, Credentials, Secret};
use futures::stream;
use http_body_util::StreamBody;
use hyper::body::Frame;
use hyper::{Request, Response};

const HUNDRED_MB: usize = 100 * 1000 * 1000;
const CHUNK: usize = 64 * 1024;

/// Serves `/declared` (100 MB with a Content-Length), `/chunked` (100 MB, chunked) and
/// `/endless` (chunked, without end), each made of spaces generated as they are sent.
async fn serve() -> SocketAddr {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move {
        loop {
            let Ok((stream, _)) = listener.accept().await else {
                continue;
            };
            tokio::spawn(async move {
                let service = hyper::service::service_fn(
                    |request: Request<hyper::body::Incoming>| async move {
                        let path = request.uri().path().to_string();
                        let chunk = Bytes::from(vec![b' '; CHUNK]);
                        let count = match path.as_str() {
                            p if p.ends_with("/endless") => usize::MAX,
                            _ => HUNDRED_MB / CHUNK,
                        };
                        let body = StreamBody::new(stream::iter(
                            (0..count)
                                .map(move |_| Ok::<_, Infallible>(Frame::data(chunk.clone()))),
                        ));
                        let mut response = Response::builder()
                            .header("content-type", "application/json")
                            .header("cf-ray", "8d1f2a3b4c5d6e7f-SJC");
                        if path.ends_with("/declared") {
                            response =
                                response.header("content-length", (count * CHUNK).to_string());
                        }
                        Ok::<_, Infallible>(response.body(body).unwrap())
                    },
                );
                let io = hyper_util::rt::TokioIo::new(stream);
                let _ = hyper::server::conn::http1::Builder::new()
                    .serve_connection(io, service)
                    .await;
            });
        }
    });
    addr
}

/// The process's peak resident memory in MiB, from `/proc/self/status` (Linux).
fn peak_mib() -> Option<f64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    let kib: f64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kib / 1024.0)
}

fn show(peak: Option<f64>) -> String {
    peak.map_or("unknown (no /proc/self/status)".to_string(), |p| {
        format!("{p:.1} MiB")
    })
}

async fn run_case(case: &str) {
    let addr = serve().await;
    let base = format!("http://{addr}/client/v4");
    let before = peak_mib();
    let outcome = match case {
        "reqwest" => {
            let bytes = reqwest::get(format!("{base}/declared"))
                .await
                .unwrap()
                .bytes()
                .await
                .unwrap();
            format!("read {} bytes", bytes.len())
        }
        path => {
            // `access_service_tokens_get` lands on `/accounts/a/access/service_tokens/<path>`.
            let client = Client::builder(Credentials::ApiToken(Secret::new("bench")))
                .base_url(&base)
                .build()
                .unwrap();
            let scope = cloudflare_tokens::Scope::Account("a");
            match client.access_service_tokens_get(scope, path).await {
                Ok(_) => "a result (unexpected)".to_string(),
                Err(error) => format!("{:?}: limit {:?}", error.kind(), error.body_limit()),
            }
        }
    };
    println!(
        "{case:>10}: {outcome}; peak memory {} (at start {})",
        show(peak_mib()),
        show(before)
    );
}

fn main() {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    if let Ok(case) = std::env::var("BODY_LIMIT_CASE") {
        runtime.block_on(run_case(&case));
        return;
    }
    // `cargo bench` passes `--bench`; run each case in a fresh process.
    let me = std::env::current_exe().unwrap();
    for case in ["declared", "chunked", "endless", "reqwest"] {
        let status = std::process::Command::new(&me)
            .env("BODY_LIMIT_CASE", case)
            .status()
            .unwrap();
        assert!(status.success(), "{case}: {status}");
    }
}
