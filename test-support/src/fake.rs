//! A fake Cloudflare for a test, and what it received read back. [`http`] speaks to it over
//! plain HTTP, for the fake's own tests.

pub mod http;

use fake_cloudflare::FakeCloudflare;

use crate::ACCOUNT;

/// The R2 buckets [`fake`] holds: the ones the tests' AI Search setups index, since a setup
/// checks that its bucket exists before it changes anything.
pub const BUCKETS: [&str; 3] = ["docs-bucket", "more-docs", "b"];

/// A fake Cloudflare on a free port, with its default credentials and [`BUCKETS`] in
/// [`ACCOUNT`].
pub async fn fake() -> FakeCloudflare {
    let server = FakeCloudflare::start().await.expect("the fake starts");
    for bucket in BUCKETS {
        server.create_r2_bucket(ACCOUNT, bucket);
    }
    server
}

/// The methods of every request the fake received, in order.
pub fn methods(server: &FakeCloudflare) -> Vec<String> {
    server.requests().into_iter().map(|r| r.method).collect()
}

/// How many requests changed something (anything but GET).
pub fn writes(server: &FakeCloudflare) -> usize {
    methods(server).iter().filter(|m| *m != "GET").count()
}

/// Whether the fake's Access-protected test application (`GET /__fake/access/protected`)
/// admits a client presenting these service-token credentials: 200 admits, 403 refuses, and
/// anything else fails the test.
pub async fn access_admits(server: &FakeCloudflare, client_id: &str, client_secret: &str) -> bool {
    let answer = reqwest::Client::new()
        .get(format!("{}/access/protected", server.admin_url()))
        .header("CF-Access-Client-Id", client_id)
        .header("CF-Access-Client-Secret", client_secret)
        .send()
        .await
        .expect("the protected application answers");
    match answer.status().as_u16() {
        200 => true,
        403 => false,
        other => panic!("the protected application answered {other}"),
    }
}
