//! The client's overhead over raw `reqwest`, against a local keep-alive server.
//!
//! `cargo bench -p cloudflare-tokens-tests --bench client` prints requests per second of
//! `cloudflare_tokens::Client` and of a bare `reqwest::Client` with the same settings (same
//! headers, timeouts and JSON decoding into the same types), sequentially and with 64 requests in
//! flight, as medians of alternating rounds, and their ratio; then the decode throughput of a
//! 1000-item Access service token list against decoding the same bytes into `serde_json::Value`.

use std::convert::Infallible;
use std::net::SocketAddr;
use std::time::{Duration, Instant};

use bytes::Bytes;
use cloudflare_tokens::{
    AccessServiceTokensListQuery, Client, Credentials, Envelope, RetryPolicy, Scope, Secret, types,
};
use futures::StreamExt;
use http_body_util::Full;
use hyper::{Request, Response};

const ACCOUNT: &str = "023e105f4ecef8ad9ca31a8372d0c353";
const ROUNDS: usize = 7;
const SEQUENTIAL: usize = 2_000;
const CONCURRENT: usize = 20_000;
const IN_FLIGHT: usize = 64;

fn service_token(i: usize) -> serde_json::Value {
    serde_json::json!({
        "id": format!("{:08x}-7e2b-4c41-9d2e-5f1a8c3b{:04x}", i, i % 65536),
        "client_id": format!("{:032x}.access", i),
        "name": format!("ci-runner-{i:04}"),
        "duration": "8760h",
        "enabled": true,
        "created_at": "2026-03-01T12:00:00Z",
        "updated_at": "2026-03-02T08:30:00.12345Z",
        "expires_at": "2027-03-01T12:00:00Z",
        "last_seen_at": "2026-11-20T17:45:12Z"
    })
}

fn list_body(items: usize) -> Bytes {
    let result: Vec<_> = (0..items).map(service_token).collect();
    let body = serde_json::json!({
        "success": true, "errors": [], "messages": [],
        "result": result,
        "result_info": { "page": 1, "per_page": 1000, "count": items, "total_count": items, "total_pages": 1 }
    });
    Bytes::from(serde_json::to_vec(&body).unwrap())
}

fn verify_body() -> Bytes {
    Bytes::from_static(
        br#"{"success":true,"errors":[],"messages":[],"result":{"id":"ed17574386854bf78a67040be0a770b0","status":"active","not_before":"2026-01-01T00:00:00Z","expires_on":"2027-01-01T00:00:00Z"}}"#,
    )
}

/// A keep-alive HTTP/1.1 server answering canned bodies, so the server is not what is measured.
async fn serve() -> SocketAddr {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let (verify, list) = (verify_body(), list_body(100));
    tokio::spawn(async move {
        loop {
            let Ok((stream, _)) = listener.accept().await else {
                continue;
            };
            let (verify, list) = (verify.clone(), list.clone());
            tokio::spawn(async move {
                let service =
                    hyper::service::service_fn(move |request: Request<hyper::body::Incoming>| {
                        let body = if request.uri().path().ends_with("/verify") {
                            verify.clone()
                        } else {
                            list.clone()
                        };
                        async move {
                            let response = Response::builder()
                                .header("content-type", "application/json")
                                .header("cf-ray", "8d1f2a3b4c5d6e7f-SJC")
                                .body(Full::new(body))
                                .unwrap();
                            Ok::<_, Infallible>(response)
                        }
                    });
                let io = hyper_util::rt::TokioIo::new(stream);
                let _ = hyper::server::conn::http1::Builder::new()
                    .keep_alive(true)
                    .serve_connection(io, service)
                    .await;
            });
        }
    });
    addr
}

/// A bare reqwest client with the settings `cloudflare_tokens::Client` uses.
fn raw_client() -> reqwest::Client {
    let mut headers = reqwest::header::HeaderMap::new();
    let mut auth = reqwest::header::HeaderValue::from_static("Bearer bench-token");
    auth.set_sensitive(true);
    headers.insert(reqwest::header::AUTHORIZATION, auth);
    reqwest::Client::builder()
        .default_headers(headers)
        .user_agent("cloudflare-tokens/bench")
        .timeout(Duration::from_secs(60))
        .connect_timeout(Duration::from_secs(10))
        .build()
        .unwrap()
}

async fn raw_get<T: serde::de::DeserializeOwned>(client: &reqwest::Client, url: &str) -> T {
    let response = client
        .get(url)
        .header("accept", "application/json")
        .send()
        .await
        .unwrap();
    let bytes = response.bytes().await.unwrap();
    let envelope: Envelope<T> = serde_json::from_slice(&bytes).unwrap();
    envelope.result.unwrap()
}

/// Requests per second of `ours` and `theirs`: `count` requests, `in_flight` at a time, in
/// alternating rounds after one warm-up round each (so that neither side always runs first, on
/// a colder pool or a busier machine), as the medians of `ROUNDS` rounds.
async fn rates<A, FA, B, FB>(count: usize, in_flight: usize, ours: A, theirs: B) -> (f64, f64)
where
    A: Fn() -> FA,
    FA: std::future::Future<Output = ()>,
    B: Fn() -> FB,
    FB: std::future::Future<Output = ()>,
{
    async fn round<F, Fut>(count: usize, in_flight: usize, make: &F) -> f64
    where
        F: Fn() -> Fut,
        Fut: std::future::Future<Output = ()>,
    {
        let started = Instant::now();
        futures::stream::iter((0..count).map(|_| make()))
            .buffer_unordered(in_flight)
            .for_each(|_| async {})
            .await;
        count as f64 / started.elapsed().as_secs_f64()
    }
    round(count, in_flight, &ours).await;
    round(count, in_flight, &theirs).await;
    let (mut a, mut b) = (Vec::new(), Vec::new());
    for i in 0..ROUNDS {
        if i % 2 == 0 {
            a.push(round(count, in_flight, &ours).await);
            b.push(round(count, in_flight, &theirs).await);
        } else {
            b.push(round(count, in_flight, &theirs).await);
            a.push(round(count, in_flight, &ours).await);
        }
    }
    a.sort_by(f64::total_cmp);
    b.sort_by(f64::total_cmp);
    (a[ROUNDS / 2], b[ROUNDS / 2])
}

fn report(what: &str, ours: f64, raw: f64) {
    println!(
        "{what:<44} client {ours:>9.0} req/s   reqwest {raw:>9.0} req/s   ratio {:.3}",
        ours / raw
    );
}

fn decode_throughput() {
    let body = list_body(1000);
    let median = |f: &dyn Fn()| {
        let mut times = Vec::new();
        for _ in 0..ROUNDS {
            let started = Instant::now();
            for _ in 0..20 {
                f();
            }
            times.push(started.elapsed() / 20);
        }
        times.sort();
        times[times.len() / 2]
    };
    let typed = median(&|| {
        let envelope: Envelope<Vec<types::ServiceToken>> = serde_json::from_slice(&body).unwrap();
        assert_eq!(envelope.result.unwrap().len(), 1000);
    });
    let untyped = median(&|| {
        let value: serde_json::Value = serde_json::from_slice(&body).unwrap();
        assert_eq!(value["result"].as_array().unwrap().len(), 1000);
    });
    let items_per_sec = 1000.0 / typed.as_secs_f64();
    let mb_per_sec = body.len() as f64 / typed.as_secs_f64() / 1e6;
    println!(
        "decode 1000 Access service tokens ({} KB)   typed {:>7.2} ms ({items_per_sec:.0} items/s, {mb_per_sec:.0} MB/s)   serde_json::Value {:>7.2} ms   ratio {:.3}",
        body.len() / 1024,
        typed.as_secs_f64() * 1e3,
        untyped.as_secs_f64() * 1e3,
        untyped.as_secs_f64() / typed.as_secs_f64()
    );
}

fn main() {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .unwrap();
    runtime.block_on(async {
        let addr = serve().await;
        let base = format!("http://{addr}/client/v4");
        let client = Client::builder(Credentials::ApiToken(Secret::new("bench-token")))
            .base_url(&base)
            .retry_policy(RetryPolicy::none())
            .user_agent("cloudflare-tokens/bench")
            .build()
            .unwrap();
        let raw = raw_client();
        let verify_url = format!("{base}/user/tokens/verify");
        let list_url = format!("{base}/accounts/{ACCOUNT}/access/service_tokens");
        let scope = Scope::Account(ACCOUNT);
        let query = AccessServiceTokensListQuery::default();

        // PROFILE_ONLY=client|reqwest runs only that side of the 64-in-flight verify case, for
        // looking at it under a profiler.
        if let Ok(side) = std::env::var("PROFILE_ONLY") {
            let started = Instant::now();
            let n: usize = std::env::var("PROFILE_N").ok().and_then(|n| n.parse().ok()).unwrap_or(200_000);
            futures::stream::iter(0..n)
                .map(|_| async {
                    if side == "client" {
                        client.user_tokens_verify().await.unwrap();
                    } else {
                        raw_get::<types::TokenVerification>(&raw, &verify_url).await;
                    }
                })
                .buffer_unordered(IN_FLIGHT)
                .for_each(|_| async {})
                .await;
            println!("{side}: {:.0} req/s", n as f64 / started.elapsed().as_secs_f64());
            return;
        }
        println!("command: cargo bench -p cloudflare-tokens-tests --bench client (medians of {ROUNDS} rounds)");
        for (label, count, in_flight) in [("sequential", SEQUENTIAL, 1), ("64 in flight", CONCURRENT, IN_FLIGHT)] {
            let (ours, bare) = rates(
                count,
                in_flight,
                || async {
                    client.user_tokens_verify().await.unwrap();
                },
                || async {
                    raw_get::<types::TokenVerification>(&raw, &verify_url).await;
                },
            )
            .await;
            report(&format!("GET /user/tokens/verify, {label}"), ours, bare);
            let (ours, bare) = rates(
                count / 4,
                in_flight,
                || async {
                    client.access_service_tokens_list(scope, &query).await.unwrap();
                },
                || async {
                    raw_get::<Vec<types::ServiceToken>>(&raw, &list_url).await;
                },
            )
            .await;
            report(&format!("GET 100-item service token list, {label}"), ours, bare);
        }
    });
    if std::env::var("PROFILE_ONLY").is_err() {
        decode_throughput();
    }
}
