//! What a command runs with: the global options completed from the environment, the client
//! built from them, and where to write.

use std::io::Write;

use cloudflare_tokens::{Client, Credentials, Scope, Secret};

use crate::args::Global;
use crate::failure::Failure;

/// Looks up an environment variable.
pub type Env<'a> = &'a dyn Fn(&str) -> Option<String>;

/// What every command gets.
pub struct Context<'a> {
    global: Global,
    env: Env<'a>,
    /// Results: a table, a summary, or JSON.
    pub out: &'a mut dyn Write,
    /// Progress, warnings and errors.
    pub err: &'a mut dyn Write,
}

impl<'a> Context<'a> {
    pub fn new(
        global: Global,
        env: Env<'a>,
        out: &'a mut dyn Write,
        err: &'a mut dyn Write,
    ) -> Self {
        Self {
            global,
            env,
            out,
            err,
        }
    }

    /// Whether the results go out as JSON.
    pub fn json(&self) -> bool {
        self.global.json
    }

    /// A variable, unless it is unset or blank (an exported empty variable means "not set").
    fn var(&self, name: &str) -> Option<String> {
        (self.env)(name)
            .map(|v| v.trim().to_string())
            .filter(|v| !v.is_empty())
    }

    /// The account from `--account-id` or `CLOUDFLARE_ACCOUNT_ID`, if either is given.
    pub fn account_if_given(&self) -> Option<String> {
        self.global
            .account_id
            .clone()
            .or_else(|| self.var("CLOUDFLARE_ACCOUNT_ID"))
    }

    /// The account, which this command cannot do without.
    pub fn account(&self) -> Result<String, Failure> {
        self.account_if_given().ok_or_else(|| {
            Failure::usage(
                "this command needs an account: pass --account-id or set CLOUDFLARE_ACCOUNT_ID",
            )
        })
    }

    /// The zone when `--zone-id` is given, else the account.
    pub fn scope(&self, zone_id: Option<String>) -> Result<Scope, Failure> {
        match zone_id {
            // The account may come from the environment for other commands; only an explicit
            // --account-id next to --zone-id is contradictory.
            Some(_) if self.global.account_id.is_some() => Err(Failure::usage(
                "--zone-id and --account-id name two different owners: pass only one",
            )),
            Some(zone) => Ok(Scope::Zone(zone)),
            None => self.account().map(Scope::Account),
        }
    }

    /// A client configured as `Client::from_env` would be, but from this context's variables
    /// and `--base-url`.
    pub fn client(&self) -> Result<Client, Failure> {
        let mut builder = Client::builder(self.credentials()?);
        if let Some(url) = self
            .global
            .base_url
            .clone()
            .or_else(|| self.var("CLOUDFLARE_BASE_URL"))
        {
            builder = builder.base_url(url);
        }
        builder.build().map_err(Failure::usage)
    }

    /// `CLOUDFLARE_API_TOKEN`, or else `CLOUDFLARE_EMAIL` with `CLOUDFLARE_API_KEY`: the rules
    /// of `Credentials::from_env`, which cannot be pointed at another lookup from outside the
    /// library.
    fn credentials(&self) -> Result<Credentials, Failure> {
        if let Some(token) = self.var("CLOUDFLARE_API_TOKEN") {
            return Ok(Credentials::ApiToken(Secret::new(token)));
        }
        match (self.var("CLOUDFLARE_EMAIL"), self.var("CLOUDFLARE_API_KEY")) {
            (Some(email), Some(key)) => Ok(Credentials::ApiKey {
                email,
                key: Secret::new(key),
            }),
            (Some(_), None) => Err(Failure::usage(
                "CLOUDFLARE_EMAIL is set but CLOUDFLARE_API_KEY is not",
            )),
            (None, Some(_)) => Err(Failure::usage(
                "CLOUDFLARE_API_KEY is set but CLOUDFLARE_EMAIL is not",
            )),
            (None, None) => Err(Failure::usage(
                "no Cloudflare credentials: set CLOUDFLARE_API_TOKEN, or CLOUDFLARE_EMAIL and CLOUDFLARE_API_KEY",
            )),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn with<'a>(vars: &'a [(&'a str, &'a str)], global: Global, run: impl FnOnce(&Context<'_>)) {
        let lookup = |name: &str| {
            vars.iter()
                .find(|(k, _)| *k == name)
                .map(|(_, v)| v.to_string())
        };
        let (mut out, mut err) = (Vec::new(), Vec::new());
        let context = Context::new(global, &lookup, &mut out, &mut err);
        run(&context);
    }

    fn global(account_id: Option<&str>) -> Global {
        Global {
            base_url: None,
            account_id: account_id.map(str::to_string),
            json: false,
        }
    }

    #[test]
    fn credentials_follow_the_library_rules() {
        with(&[("CLOUDFLARE_API_TOKEN", " t ")], global(None), |c| {
            assert!(
                matches!(c.credentials(), Ok(Credentials::ApiToken(t)) if t.expose_secret() == "t")
            );
        });
        let key = [("CLOUDFLARE_EMAIL", "a@b.c"), ("CLOUDFLARE_API_KEY", "k")];
        with(&key, global(None), |c| {
            assert!(
                matches!(c.credentials(), Ok(Credentials::ApiKey { email, .. }) if email == "a@b.c")
            );
        });
        with(&[("CLOUDFLARE_EMAIL", "a@b.c")], global(None), |c| {
            assert!(
                matches!(c.credentials(), Err(Failure::Usage(m)) if m.contains("CLOUDFLARE_API_KEY"))
            );
        });
        with(&[("CLOUDFLARE_API_TOKEN", "  ")], global(None), |c| {
            assert!(
                matches!(c.credentials(), Err(Failure::Usage(m)) if m.contains("no Cloudflare credentials"))
            );
        });
    }

    #[test]
    fn the_account_comes_from_the_flag_then_the_environment() {
        let env = [("CLOUDFLARE_ACCOUNT_ID", "from-env")];
        with(&env, global(Some("from-flag")), |c| {
            assert_eq!(c.account().unwrap(), "from-flag");
        });
        with(&env, global(None), |c| {
            assert_eq!(c.account().unwrap(), "from-env");
            // An account from the environment does not clash with an explicit zone.
            assert_eq!(c.scope(Some("z".into())).unwrap(), Scope::Zone("z".into()));
        });
        with(&[], global(None), |c| {
            assert!(matches!(c.account(), Err(Failure::Usage(m)) if m.contains("--account-id")));
        });
        with(&[], global(Some("a")), |c| {
            assert!(matches!(c.scope(Some("z".into())), Err(Failure::Usage(_))));
        });
    }

    #[test]
    fn a_bad_base_url_is_a_usage_error() {
        let env = [
            ("CLOUDFLARE_API_TOKEN", "t"),
            ("CLOUDFLARE_BASE_URL", "ftp://example.com"),
        ];
        with(&env, global(None), |c| {
            assert!(matches!(c.client(), Err(Failure::Usage(m)) if m.contains("ftp://")));
        });
    }
}
