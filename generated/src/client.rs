//! The client: credentials, base URL, timeouts and retry policy, and the scope of Access calls.

use std::sync::Arc;
use std::time::Duration;

use reqwest::header::{AUTHORIZATION, HeaderMap, HeaderName, HeaderValue};

use crate::{Error, Result, RetryPolicy, Secret, types};

/// Cloudflare's API.
pub const DEFAULT_BASE_URL: &str = "https://api.cloudflare.com/client/v4";

/// How requests authenticate.
#[derive(Clone, Debug)]
#[non_exhaustive]
pub enum Credentials {
    /// An API token, sent as `Authorization: Bearer …` (what Cloudflare recommends).
    ApiToken(Secret),
    /// An account email and Global API key, sent as `X-Auth-Email` and `X-Auth-Key`.
    ApiKey {
        /// The account's email address.
        email: String,
        /// The Global API key.
        key: Secret,
    },
}

impl Credentials {
    /// Credentials from the environment: `CLOUDFLARE_API_TOKEN`, or `CLOUDFLARE_EMAIL` with
    /// `CLOUDFLARE_API_KEY`.
    pub fn from_env() -> Result<Self> {
        Self::from_lookup(|name| std::env::var(name).ok())
    }

    /// The same, from `var` instead of the process environment (a command line's own lookup,
    /// a test's map). Unset and blank variables count as missing.
    pub fn from_lookup(var: impl Fn(&str) -> Option<String>) -> Result<Self> {
        let present = |name: &str| {
            var(name)
                .map(|v| v.trim().to_string())
                .filter(|v| !v.is_empty())
        };
        if let Some(token) = present("CLOUDFLARE_API_TOKEN") {
            return Ok(Self::ApiToken(Secret::new(token)));
        }
        match (present("CLOUDFLARE_EMAIL"), present("CLOUDFLARE_API_KEY")) {
            (Some(email), Some(key)) => Ok(Self::ApiKey {
                email,
                key: Secret::new(key),
            }),
            (Some(_), None) => Err(Error::config(
                "CLOUDFLARE_EMAIL is set but CLOUDFLARE_API_KEY is not",
            )),
            (None, Some(_)) => Err(Error::config(
                "CLOUDFLARE_API_KEY is set but CLOUDFLARE_EMAIL is not",
            )),
            (None, None) => Err(Error::config(
                "no Cloudflare credentials: set CLOUDFLARE_API_TOKEN, or CLOUDFLARE_EMAIL and CLOUDFLARE_API_KEY",
            )),
        }
    }

    /// The headers that carry these credentials, marked sensitive so that reqwest and any
    /// middleware keep them out of `Debug` output.
    fn headers(&self) -> Result<HeaderMap> {
        // The error must not quote the value: it is the credential itself.
        let sensitive = |value: String, what: &str| {
            let mut header = HeaderValue::try_from(value).map_err(|_| {
                Error::config(format!(
                    "the {what} contains characters a header cannot carry"
                ))
            })?;
            header.set_sensitive(true);
            Ok::<_, Error>(header)
        };
        let mut headers = HeaderMap::new();
        match self {
            Self::ApiToken(token) => {
                headers.insert(
                    AUTHORIZATION,
                    sensitive(format!("Bearer {}", token.expose_secret()), "API token")?,
                );
            }
            Self::ApiKey { email, key } => {
                headers.insert(
                    HeaderName::from_static("x-auth-email"),
                    sensitive(email.clone(), "email")?,
                );
                headers.insert(
                    HeaderName::from_static("x-auth-key"),
                    sensitive(key.expose_secret().to_string(), "API key")?,
                );
            }
        }
        Ok(headers)
    }
}

/// Whether an Access service token belongs to an account or a zone.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum Scope {
    /// An account, by id.
    Account(String),
    /// A zone, by id.
    Zone(String),
}

impl Scope {
    /// The path segment (`accounts` or `zones`).
    pub fn kind(&self) -> types::AccountsOrZones {
        match self {
            Self::Account(_) => types::AccountsOrZones::Accounts,
            Self::Zone(_) => types::AccountsOrZones::Zones,
        }
    }

    /// The account or zone id.
    pub fn id(&self) -> &str {
        match self {
            Self::Account(id) | Self::Zone(id) => id,
        }
    }
}

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

    fn lookup<'a>(vars: &'a [(&'a str, &'a str)]) -> impl Fn(&str) -> Option<String> + 'a {
        move |name| {
            vars.iter()
                .find(|(k, _)| *k == name)
                .map(|(_, v)| v.to_string())
        }
    }

    #[test]
    fn environment_credentials() {
        let token = Credentials::from_lookup(lookup(&[("CLOUDFLARE_API_TOKEN", "t0k3n")])).unwrap();
        assert!(matches!(token, Credentials::ApiToken(t) if t.expose_secret() == "t0k3n"));
        let key = Credentials::from_lookup(lookup(&[
            ("CLOUDFLARE_EMAIL", "a@b.c"),
            ("CLOUDFLARE_API_KEY", "k3y"),
        ]))
        .unwrap();
        assert!(matches!(key, Credentials::ApiKey { ref email, .. } if email == "a@b.c"));
        let none = Credentials::from_lookup(lookup(&[])).unwrap_err();
        assert!(none.to_string().contains("CLOUDFLARE_API_TOKEN"), "{none}");
        let half = Credentials::from_lookup(lookup(&[("CLOUDFLARE_EMAIL", "a@b.c")])).unwrap_err();
        assert!(half.to_string().contains("CLOUDFLARE_API_KEY"), "{half}");
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
