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
