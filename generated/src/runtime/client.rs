//! The client and its builder: credentials, base URL, timeouts and retry policy.

use std::sync::Arc;
use std::time::Duration;

use crate::{Credentials, Error, Result, RetryPolicy};

/// Cloudflare's API.
pub const DEFAULT_BASE_URL: &str = "https://api.cloudflare.com/client/v4";

/// What every call of a client shares.
pub(crate) struct Shared {
    pub(crate) http: reqwest::Client,
    pub(crate) base_url: String,
    pub(crate) retry: RetryPolicy,
}

/// A Cloudflare API client for API tokens, AI Search and Access service tokens.
///
/// Cheap to clone (the connection pool is shared). Each operation of the API is a method: see
/// the list below. Results come back as [`Response`](crate::Response) or
/// [`Page`](crate::Page); every failure is an [`Error`].
#[derive(Clone)]
pub struct Client {
    pub(crate) shared: Arc<Shared>,
}

impl std::fmt::Debug for Client {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Client")
            .field("base_url", &self.shared.base_url)
            .field("retry", &self.shared.retry)
            .finish_non_exhaustive()
    }
}

impl Client {
    /// A client configured from the environment: credentials as in [`Credentials::from_env`],
    /// and `CLOUDFLARE_BASE_URL` instead of Cloudflare's API if it is set.
    pub fn from_env() -> Result<Self> {
        Self::builder_from_env()?.build()
    }

    /// A builder configured from the environment, to adjust further.
    pub fn builder_from_env() -> Result<ClientBuilder> {
        Self::builder_from_lookup(|name| std::env::var(name).ok())
    }

    /// A builder configured as [`builder_from_env`](Self::builder_from_env) is, from `var`
    /// instead of the process environment.
    pub fn builder_from_lookup(var: impl Fn(&str) -> Option<String>) -> Result<ClientBuilder> {
        let mut builder = ClientBuilder::new(Credentials::from_lookup(&var)?);
        if let Some(url) = var("CLOUDFLARE_BASE_URL").filter(|u| !u.trim().is_empty()) {
            builder = builder.base_url(url);
        }
        Ok(builder)
    }

    /// A builder for a client with these credentials.
    pub fn builder(credentials: Credentials) -> ClientBuilder {
        ClientBuilder::new(credentials)
    }

    /// The base URL requests go to.
    pub fn base_url(&self) -> &str {
        &self.shared.base_url
    }
}

/// Configures a [`Client`].
#[derive(Debug)]
pub struct ClientBuilder {
    credentials: Credentials,
    base_url: String,
    timeout: Duration,
    connect_timeout: Duration,
    retry: RetryPolicy,
    user_agent: String,
}

impl ClientBuilder {
    /// Defaults: Cloudflare's API, a 60 s timeout per request (10 s to connect), two retries,
    /// and `cloudflare-tokens/<version>` as the user agent.
    pub fn new(credentials: Credentials) -> Self {
        Self {
            credentials,
            base_url: DEFAULT_BASE_URL.to_string(),
            timeout: Duration::from_secs(60),
            connect_timeout: Duration::from_secs(10),
            retry: RetryPolicy::default(),
            user_agent: concat!("cloudflare-tokens/", env!("CARGO_PKG_VERSION")).to_string(),
        }
    }

    /// Where to send requests (a local stand-in, a proxy). Operation paths are appended to it.
    pub fn base_url(mut self, url: impl Into<String>) -> Self {
        self.base_url = url.into();
        self
    }

    /// The longest a request may take, from connecting to the end of the response.
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.timeout = timeout;
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
    pub fn build(self) -> Result<Client> {
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
            .build()
            .map_err(|e| Error::config("the HTTP client could not be built").with_source(e))?;
        Ok(Client {
            shared: Arc::new(Shared {
                http,
                base_url,
                retry: self.retry,
            }),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Secret;

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
