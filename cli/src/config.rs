//! What a command runs with: the global options completed from the environment, the client
//! built from them, and where to write.

use std::io::Write;

use cloudflare_tokens::{Client, Scope};

/// The account or zone a command names, owned; [`Owner::as_scope`] lends it to the client.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Owner {
    Account(String),
    Zone(String),
}

impl Owner {
    pub fn as_scope(&self) -> Scope<'_> {
        match self {
            Self::Account(id) => Scope::Account(id),
            Self::Zone(id) => Scope::Zone(id),
        }
    }
}

use crate::args::Global;
use crate::failure::Failure;

/// Looks up an environment variable.
pub type Env<'a> = &'a dyn Fn(&str) -> Option<String>;

/// Where a progress bar draws: the process's stderr (a terminal), or a terminal the caller
/// hands in (tests, which have none).
pub enum Terminal {
    Stderr,
    Given(Box<dyn indicatif::TermLike>),
}

impl Terminal {
    pub fn draw_target(self) -> indicatif::ProgressDrawTarget {
        match self {
            Self::Stderr => indicatif::ProgressDrawTarget::stderr(),
            Self::Given(term) => indicatif::ProgressDrawTarget::term_like(term),
        }
    }
}

/// What every command gets.
pub struct Context<'a> {
    global: Global,
    env: Env<'a>,
    /// Results: a table, a summary, or JSON.
    pub out: &'a mut dyn Write,
    /// Progress, warnings and errors.
    pub err: &'a mut dyn Write,
    /// Where progress bars draw, if stderr is a terminal (else progress is lines on `err`).
    terminal: Option<Terminal>,
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
            terminal: None,
        }
    }

    /// The same, for a stderr that is a terminal (or not).
    pub fn on_terminal(mut self, terminal: Option<Terminal>) -> Self {
        self.terminal = terminal;
        self
    }

    /// The terminal progress bars draw on, if there is one (a run draws one bar at most).
    pub fn take_terminal(&mut self) -> Option<Terminal> {
        self.terminal.take()
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
    pub fn scope(&self, zone_id: Option<String>) -> Result<Owner, Failure> {
        match zone_id {
            // The account may come from the environment for other commands; only an explicit
            // --account-id next to --zone-id is contradictory.
            Some(_) if self.global.account_id.is_some() => Err(Failure::usage(
                "--zone-id and --account-id name two different owners: pass only one",
            )),
            Some(zone) => Ok(Owner::Zone(zone)),
            None => self.account().map(Owner::Account),
        }
    }

    /// A client configured as `Client::from_env` would be, but from this context's variables,
    /// and with `--base-url` over `CLOUDFLARE_BASE_URL`.
    pub fn client(&self) -> Result<Client, Failure> {
        let mut builder =
            Client::builder_from_lookup(|name| self.var(name)).map_err(Failure::usage)?;
        if let Some(url) = self.global.base_url.clone() {
            builder = builder.base_url(url);
        }
        if let Some(timeout) = self.global.timeout {
            builder = builder.deadline(timeout);
        }
        builder.build().map_err(Failure::usage)
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
            verbose: 0,
            timeout: None,
        }
    }

    #[test]
    fn the_client_comes_from_the_lookup_and_the_flag() {
        with(&[("CLOUDFLARE_API_TOKEN", "  ")], global(None), |c| {
            let failure = c.client().unwrap_err();
            assert!(
                matches!(&failure, Failure::Usage(m) if m.contains("no Cloudflare credentials"))
            );
        });
        let env = [
            ("CLOUDFLARE_API_TOKEN", "t"),
            ("CLOUDFLARE_BASE_URL", "http://127.0.0.1:1/env"),
        ];
        with(&env, global(None), |c| {
            assert_eq!(c.client().unwrap().base_url(), "http://127.0.0.1:1/env");
        });
        let mut flag = global(None);
        flag.base_url = Some("http://127.0.0.1:1/flag".into());
        with(&env, flag, |c| {
            assert_eq!(c.client().unwrap().base_url(), "http://127.0.0.1:1/flag");
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
            assert_eq!(
                c.scope(Some("z".into())).unwrap().as_scope(),
                Scope::Zone("z")
            );
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
