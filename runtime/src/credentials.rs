//! How requests authenticate: an API token, or an email with a Global API key.

use reqwest::header::{AUTHORIZATION, HeaderMap, HeaderName, HeaderValue};

use crate::{Error, Result, Secret};

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
    pub(crate) fn headers(&self) -> Result<HeaderMap> {
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

    /// The secret part: what no error or log line may show.
    pub(crate) fn secret(&self) -> &Secret {
        match self {
            Self::ApiToken(token) => token,
            Self::ApiKey { key, .. } => key,
        }
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
}
