//! The client and its builder: credentials, base URL, timeouts, limits and retry policy.

use std::marker::PhantomData;
use std::sync::Arc;
use std::time::Duration;

use crate::redact::Secrets;
use crate::{Credentials, Error, Result, RetryPolicy};

/// Cloudflare's API.
pub const DEFAULT_BASE_URL: &str = "https://api.cloudflare.com/client/v4";

/// The default of [`ClientBuilder::deadline`]: how long one call may take, retries included.
pub const DEFAULT_DEADLINE: Duration = Duration::from_secs(120);

/// The default of [`ClientBuilder::max_response_body`]: 8 MiB. The largest answer of the API is
/// a page of 1000 Access service tokens, under 1 MiB even with every field at its longest.
pub const DEFAULT_MAX_RESPONSE_BODY: u64 = 8 * 1024 * 1024;

/// What every call of a client shares.
pub(crate) struct Shared {
    pub(crate) http: reqwest::Client,
    pub(crate) base_url: String,
    pub(crate) retry: RetryPolicy,
    /// The longest one call may take, retries and waits included.
    pub(crate) deadline: Duration,
    /// The largest response body read, in bytes.
    pub(crate) max_body: u64,
    /// The credentials' secret, to mask wherever it shows up.
    pub(crate) credentials: Secrets,
}

/// What the generated client is to the runtime: a wrapper around a [`ClientCore`], and the
/// names of the spec's secret fields, which every call masks in what errors quote.
#[doc(hidden)]
pub trait Generated: From<ClientCore> {
    /// The properties the spec marks `x-sensitive`.
    const SENSITIVE_FIELDS: &'static [&'static str];
}

/// The generated `Client`'s state: what every call shares. Cheap to clone (the connection pool
/// is shared). Not for direct use: the generated crate wraps it.
#[doc(hidden)]
#[derive(Clone)]
pub struct ClientCore {
    pub(crate) shared: Arc<Shared>,
}

impl std::fmt::Debug for ClientCore {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Client")
            .field("base_url", &self.shared.base_url)
            .field("retry", &self.shared.retry)
            .field("deadline", &self.shared.deadline)
            .field("max_response_body", &self.shared.max_body)
            .finish_non_exhaustive()
    }
}

impl ClientCore {
    /// The base URL requests go to.
    pub fn base_url(&self) -> &str {
        &self.shared.base_url
    }
}

/// Only this crate's own tests build a bare core.
#[cfg(test)]
impl Generated for ClientCore {
    const SENSITIVE_FIELDS: &'static [&'static str] = &[];
}

/// Configures a client: `ClientBuilder::new(credentials)…build()`, or `Client::builder`.
///
/// The type parameter is the client it builds (`cloudflare_tokens::Client`); users name it
/// through that crate's `ClientBuilder`, which fixes it.
#[derive(Debug)]
pub struct ClientBuilder<C> {
    credentials: Credentials,
    base_url: String,
    timeout: Duration,
    connect_timeout: Duration,
    deadline: Duration,
    max_body: u64,
    retry: RetryPolicy,
    user_agent: String,
    client: PhantomData<fn() -> C>,
}

impl<C: Generated> ClientBuilder<C> {
    /// Defaults: Cloudflare's API, a 60 s timeout per attempt (10 s to connect), two retries, a
    /// deadline of [`DEFAULT_DEADLINE`] per call, response bodies up to
    /// [`DEFAULT_MAX_RESPONSE_BODY`], and `cloudflare-tokens/<version>` as the user agent.
    pub fn new(credentials: Credentials) -> Self {
        Self {
            credentials,
            base_url: DEFAULT_BASE_URL.to_string(),
            timeout: Duration::from_secs(60),
            connect_timeout: Duration::from_secs(10),
            deadline: DEFAULT_DEADLINE,
            max_body: DEFAULT_MAX_RESPONSE_BODY,
            retry: RetryPolicy::default(),
            user_agent: concat!("cloudflare-tokens/", env!("CARGO_PKG_VERSION")).to_string(),
            client: PhantomData,
        }
    }

    /// A builder configured from the environment: credentials as in [`Credentials::from_env`],
    /// and `CLOUDFLARE_BASE_URL` instead of Cloudflare's API if it is set.
    pub fn from_env() -> Result<Self> {
        Self::from_lookup(|name| std::env::var(name).ok())
    }

    /// A builder configured as [`from_env`](Self::from_env) does, from `var` instead of the
    /// process environment.
    pub fn from_lookup(var: impl Fn(&str) -> Option<String>) -> Result<Self> {
        let mut builder = Self::new(Credentials::from_lookup(&var)?);
        if let Some(url) = var("CLOUDFLARE_BASE_URL").filter(|u| !u.trim().is_empty()) {
            builder = builder.base_url(url);
        }
        Ok(builder)
    }

    /// Where to send requests (a local stand-in, a proxy). Operation paths are appended to it.
    pub fn base_url(mut self, url: impl Into<String>) -> Self {
        self.base_url = url.into();
        self
    }

    /// The longest one attempt may take, from connecting to the end of the response. A GET,
    /// PUT or DELETE that times out is retried (within the [`deadline`](Self::deadline)).
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.timeout = timeout;
        self
    }

    /// The longest one call may take, from its first attempt to its answer: every attempt, the
    /// waits between them (backoff, `Retry-After`) and reading the body. When it passes, the
    /// call fails with [`ErrorKind::Timeout`](crate::ErrorKind::Timeout); a retry whose wait
    /// would end after it is not attempted (the call fails with the last answer). A create
    /// whose deadline passed after it was sent is [outcome
    /// unknown](crate::Error::is_outcome_unknown). Each page of a `…_all` stream and each step of
    /// a flow is a call of its own. Default: [`DEFAULT_DEADLINE`].
    pub fn deadline(mut self, deadline: Duration) -> Self {
        self.deadline = deadline;
        self
    }

    /// The largest response body the client reads, in bytes. A body that says it is larger
    /// (`Content-Length`) is not read at all, and one that turns out larger is read no further
    /// than the limit; either fails with
    /// [`ErrorKind::ResponseTooLarge`](crate::ErrorKind::ResponseTooLarge). Default:
    /// [`DEFAULT_MAX_RESPONSE_BODY`].
    pub fn max_response_body(mut self, bytes: u64) -> Self {
        self.max_body = bytes;
        self
    }

    /// The longest connecting may take. A request that times out connecting never left, so
    /// even a create is retried.
    pub fn connect_timeout(mut self, timeout: Duration) -> Self {
        self.connect_timeout = timeout;
        self
    }

    /// When to retry (see [`RetryPolicy`]).
    pub fn retry_policy(mut self, retry: RetryPolicy) -> Self {
        self.retry = retry;
        self
    }

    /// The `User-Agent` header.
    pub fn user_agent(mut self, user_agent: impl Into<String>) -> Self {
        self.user_agent = user_agent.into();
        self
    }

    /// Builds the client.
    pub fn build(self) -> Result<C> {
        let base_url = self.base_url.trim().trim_end_matches('/').to_string();
        let parsed = reqwest::Url::parse(&base_url)
            .map_err(|e| Error::config(format!("the base URL `{base_url}` is not a URL: {e}")))?;
        if !matches!(parsed.scheme(), "http" | "https") {
            return Err(Error::config(format!(
                "the base URL `{base_url}` is not http(s)"
            )));
        }
        let http = reqwest::Client::builder()
            .default_headers(self.credentials.headers()?)
            .user_agent(self.user_agent)
            .timeout(self.timeout)
            .connect_timeout(self.connect_timeout)
            // Cloudflare's API does not redirect. Following one would send the credentials (and
            // a create's body, which may carry a secret) to wherever `Location` says.
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .map_err(|e| Error::config("the HTTP client could not be built").with_source(e))?;
        let mut credentials = Secrets::new(C::SENSITIVE_FIELDS);
        credentials.add(self.credentials.secret().expose_secret());
        Ok(C::from(ClientCore {
            shared: Arc::new(Shared {
                http,
                base_url,
                retry: self.retry,
                deadline: self.deadline,
                max_body: self.max_body,
                credentials,
            }),
        }))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Secret;

    type Client = ClientCore;

    impl ClientCore {
        fn builder(credentials: Credentials) -> ClientBuilder<Self> {
            ClientBuilder::new(credentials)
        }
    }

    #[test]
    fn credentials_never_print() {
        let credentials = Credentials::ApiKey {
            email: "a@b.c".into(),
            key: Secret::new("global-key-value"),
        };
        let client = Client::builder(credentials.clone()).build().unwrap();
        for text in [
            format!("{credentials:?}"),
            format!("{client:?}"),
            format!("{:?}", credentials.headers().unwrap()),
        ] {
            assert!(!text.contains("global-key-value"), "{text}");
        }
        let bad = Credentials::ApiToken(Secret::new("line\nbreak-secret"));
        let error = Client::builder(bad).build().unwrap_err();
        assert!(!format!("{error} {error:?}").contains("break-secret"));
    }

    #[test]
    fn base_urls_are_checked_and_trimmed() {
        let credentials = Credentials::ApiToken(Secret::new("t"));
        let client = Client::builder(credentials.clone())
            .base_url("http://127.0.0.1:1/v4/")
            .build()
            .unwrap();
        assert_eq!(client.base_url(), "http://127.0.0.1:1/v4");
        assert!(
            Client::builder(credentials.clone())
                .base_url("not a url")
                .build()
                .is_err()
        );
        assert!(
            Client::builder(credentials)
                .base_url("ftp://x")
                .build()
                .is_err()
        );
    }
}
