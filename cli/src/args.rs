//! The command line as clap sees it: the global options, the commands and their flags.
//!
//! Nothing here reads the environment: clap's `env` support would consult the real process
//! environment, while [`run`](crate::run) must take its variables from the lookup it is given
//! (tests run many CLIs in one process). The variables are resolved in [`crate::config`].

use std::path::PathBuf;
use std::time::Duration;

use chrono::{DateTime, Utc};
use clap::{ArgAction, Args, Parser, Subcommand};
use uuid::Uuid;

/// Manage Cloudflare API tokens, AI Search tokens and instances, and Access service tokens.
///
/// Credentials come from the environment: CLOUDFLARE_API_TOKEN, or CLOUDFLARE_EMAIL with
/// CLOUDFLARE_API_KEY.
#[derive(Debug, Parser)]
#[command(
    name = "cf-tokens",
    version,
    color = clap::ColorChoice::Never,
    subcommand_required = true,
    arg_required_else_help = true
)]
pub struct Cli {
    #[command(flatten)]
    pub global: Global,
    #[command(subcommand)]
    pub command: Command,
}

/// The heading the global options are listed under in every command's help.
const GLOBAL: &str = "Global options";

/// Options every command accepts, before or after its name.
#[derive(Debug, Args)]
pub struct Global {
    /// The API's base URL [env: CLOUDFLARE_BASE_URL] [default: https://api.cloudflare.com/client/v4]
    #[arg(long, global = true, value_name = "URL", help_heading = GLOBAL)]
    pub base_url: Option<String>,
    /// The account to act on [env: CLOUDFLARE_ACCOUNT_ID]
    #[arg(long, global = true, value_name = "ID", help_heading = GLOBAL)]
    pub account_id: Option<String>,
    /// Print the results as JSON on stdout
    #[arg(long, global = true, help_heading = GLOBAL)]
    pub json: bool,
    /// Log to stderr: -v info, -vv debug (each request), -vvv trace [env: RUST_LOG overrides]
    #[arg(short, long, global = true, action = ArgAction::Count, help_heading = GLOBAL)]
    pub verbose: u8,

    /// The longest each call to Cloudflare may take, retries and their waits included, like 30s
    /// or 2m [default: 120s]
    #[arg(long, global = true, value_name = "DURATION", value_parser = parse_timeout, help_heading = GLOBAL)]
    pub timeout: Option<Duration>,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// AI Search: set up an instance; list, show and delete registered tokens and instances
    #[command(subcommand)]
    AiSearch(AiSearchCommand),
    /// Zero Trust Access service tokens
    #[command(subcommand)]
    Access(AccessCommand),
    /// User API tokens and the permission groups their policies grant
    #[command(subcommand)]
    User(UserCommand),
    /// Account-owned API tokens and the permission groups their policies grant
    #[command(subcommand)]
    Account(AccountCommand),
}

#[derive(Debug, Subcommand)]
pub enum AiSearchCommand {
    /// Mint an API token for AI Search, register it and create the instance (safe to run again)
    Setup(SetupArgs),
    /// The API tokens registered with AI Search in the account
    #[command(subcommand)]
    Tokens(AiSearchTokensCommand),
    /// The AI Search instances of the account
    #[command(subcommand)]
    Instances(InstancesCommand),
    /// The AI Search namespaces of the account: named groups of instances
    #[command(subcommand)]
    Namespaces(NamespacesCommand),
    /// Query an instance's index and print the best matching chunks
    Search(SearchArgs),
    /// The indexing runs of an instance
    #[command(subcommand)]
    Jobs(JobsCommand),
    /// How many of an instance's items are indexed, queued, running, failed or skipped
    Stats {
        /// The instance's id
        id: String,
        #[command(flatten)]
        namespace: NamespaceArg,
    },
}

/// `--namespace`, for the instance commands.
#[derive(Debug, Args)]
pub struct NamespaceArg {
    /// The instance's namespace (without it: the flat paths of Cloudflare's guide)
    #[arg(long, value_name = "NS")]
    pub namespace: Option<String>,
}

#[derive(Debug, Args)]
pub struct SearchArgs {
    /// The instance's id
    pub id: String,
    /// What to look for
    pub query: String,
    #[command(flatten)]
    pub namespace: NamespaceArg,
    /// At most this many chunks, 1 to 50 [Cloudflare's default: 10]
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u32).range(1..=50))]
    pub max_results: Option<u32>,
}

#[derive(Debug, Subcommand)]
pub enum JobsCommand {
    /// List an instance's indexing runs
    List {
        /// The instance's id
        id: String,
        #[command(flatten)]
        namespace: NamespaceArg,
    },
}

#[derive(Debug, Subcommand)]
pub enum NamespacesCommand {
    /// List every namespace
    List,
    /// Show one namespace
    Get {
        /// The namespace's name
        name: String,
    },
    /// Create a namespace
    Create {
        /// The namespace's name
        name: String,
        /// What it is for
        #[arg(long)]
        description: Option<String>,
    },
    /// Delete a namespace (it must hold no instances)
    Delete {
        /// The namespace's name
        name: String,
    },
}

/// Who owns the API token the setup mints.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum TokenOwnerArg {
    /// The user the credentials belong to
    User,
    /// The account: the token outlives any one user
    Account,
}

#[derive(Debug, Args)]
pub struct SetupArgs {
    /// The instance's id
    #[arg(long, value_name = "ID")]
    pub instance: String,
    #[command(flatten)]
    pub source: SourceArgs,
    /// The name of the API token and of its AI Search registration [default: ai-search-<instance>]
    ///
    /// A registered, enabled token of this name is reused, so keep it the same across runs.
    #[arg(long, value_name = "NAME")]
    pub token_name: Option<String>,
    /// Look everything up and print the plan, but change nothing
    #[arg(long)]
    pub dry_run: bool,
    /// Print the minted API token's value (it cannot be read again later)
    #[arg(long, conflicts_with = "secret_file")]
    pub show_secret: bool,
    /// Write the minted API token's value to this new file (mode 0600) instead of printing it
    #[arg(long, value_name = "PATH")]
    pub secret_file: Option<PathBuf>,
    /// Put the instance in this namespace, creating it if missing
    #[arg(long, value_name = "NS")]
    pub namespace: Option<String>,
    /// Who owns the minted API token
    #[arg(long, value_enum, value_name = "OWNER", default_value = "user")]
    pub token_owner: TokenOwnerArg,
    /// Create the R2 bucket if it does not exist (otherwise a missing bucket stops the setup
    /// before anything is changed)
    #[arg(long, requires = "r2_bucket")]
    pub create_bucket: bool,
    /// Follow the first indexing run until nothing is queued or running
    #[arg(long)]
    pub wait: bool,
    /// How long --wait waits before giving up, like 10m (the instance stays) [default: 30m]
    #[arg(long, value_name = "DURATION", requires = "wait", value_parser = parse_timeout)]
    pub wait_timeout: Option<Duration>,
    /// Leave orphaned API tokens issued less than this long ago, like 5m: a concurrent run may be
    /// about to register them [default: 5m]
    #[arg(long, value_name = "DURATION", value_parser = parse_grace)]
    pub orphan_grace: Option<Duration>,
}

/// Where the instance's content comes from: exactly one of the two.
#[derive(Debug, Args)]
#[group(required = true, multiple = false)]
pub struct SourceArgs {
    /// Index this R2 bucket
    #[arg(long, value_name = "NAME")]
    pub r2_bucket: Option<String>,
    /// Crawl and index this website
    #[arg(long, value_name = "DOMAIN")]
    pub website: Option<String>,
}

#[derive(Debug, Subcommand)]
pub enum AiSearchTokensCommand {
    /// List every registered token
    List,
    /// Renew the API token behind a registration without downtime: mint a new one with the same
    /// policies, point the registration at it, then delete the old one
    Rotate {
        /// The registration's id (a UUID)
        #[arg(value_parser = parse_uuid)]
        id: Uuid,
        /// Print the new API token's value (it cannot be read again later)
        #[arg(long)]
        show_secret: bool,
        /// Leave leftovers of interrupted rotations issued less than this long ago, like 5m: a
        /// concurrent run may be about to register them [default: 5m]
        #[arg(long, value_name = "DURATION", value_parser = parse_grace)]
        orphan_grace: Option<Duration>,
    },
    /// Show one registered token
    Get {
        /// The registration's id (a UUID)
        #[arg(value_parser = parse_uuid)]
        id: Uuid,
    },
    /// Remove a token from AI Search (instances using it stop working)
    Delete {
        /// The registration's id (a UUID)
        #[arg(value_parser = parse_uuid)]
        id: Uuid,
    },
}

#[derive(Debug, Subcommand)]
pub enum InstancesCommand {
    /// List every instance
    List {
        #[command(flatten)]
        namespace: NamespaceArg,
    },
    /// Show one instance
    Get {
        /// The instance's id
        id: String,
        #[command(flatten)]
        namespace: NamespaceArg,
    },
    /// Delete an instance and its index
    Delete {
        /// The instance's id
        id: String,
        #[command(flatten)]
        namespace: NamespaceArg,
    },
}

#[derive(Debug, Subcommand)]
pub enum AccessCommand {
    /// Service tokens: client credentials that let automated systems through Access policies
    #[command(subcommand)]
    Tokens(AccessTokensCommand),
}

/// `--zone-id`, for the operations Cloudflare offers on zones as well as accounts.
#[derive(Debug, Args)]
pub struct ZoneArg {
    /// Act on this zone's service tokens instead of the account's
    #[arg(long, value_name = "ID")]
    pub zone_id: Option<String>,
}

/// `--zone-id` on the operations Cloudflare offers only on accounts. It is accepted by the
/// parser so that using it gets a message saying why, instead of "unexpected argument".
#[derive(Debug, Args)]
pub struct AccountOnly {
    #[arg(long, value_name = "ID", hide = true)]
    pub zone_id: Option<String>,
}

#[derive(Debug, Subcommand)]
pub enum AccessTokensCommand {
    /// List every service token
    List {
        #[command(flatten)]
        zone: ZoneArg,
    },
    /// Show one service token (never its client secret)
    Get {
        /// The service token's id
        id: String,
        #[command(flatten)]
        zone: ZoneArg,
    },
    /// Create a service token and print its client secret, once
    Create {
        /// Its name
        #[arg(long)]
        name: String,
        /// How long it is valid, like 8760h or forever [Cloudflare's default: 8760h]
        #[arg(long, value_name = "D")]
        duration: Option<String>,
        /// Write the client secret to this new file (mode 0600) instead of printing it
        #[arg(long, value_name = "PATH")]
        secret_file: Option<PathBuf>,
        #[command(flatten)]
        zone: ZoneArg,
    },
    /// Change a service token's name, duration or state
    Update {
        /// The service token's id
        id: String,
        /// A new name
        #[arg(long)]
        name: Option<String>,
        /// A new duration, like 8760h or forever, counted from now
        #[arg(long, value_name = "D")]
        duration: Option<String>,
        /// Enable or disable it
        #[arg(long, value_name = "true|false", action = ArgAction::Set)]
        enabled: Option<bool>,
        #[command(flatten)]
        zone: ZoneArg,
    },
    /// Delete a service token (clients using it are locked out)
    Delete {
        /// The service token's id
        id: String,
        #[command(flatten)]
        zone: ZoneArg,
    },
    /// Extend a service token's expiry by its duration, keeping its credentials (accounts only)
    Refresh {
        /// The service token's id
        id: String,
        #[command(flatten)]
        zone: AccountOnly,
    },
    /// Issue a new client secret and print it, once (accounts only)
    Rotate {
        /// The service token's id
        id: String,
        /// How long the previous secret keeps working, like 1h or 30m [default: it stops at once]
        #[arg(long, value_name = "DURATION", value_parser = parse_grace)]
        grace: Option<Duration>,
        /// Write the new client secret to this new file (mode 0600) instead of printing it
        #[arg(long, value_name = "PATH")]
        secret_file: Option<PathBuf>,
        /// Rotate only if the token's updated time is still this one (RFC 3339), even if that
        /// change was recent: a token changed within the last day is otherwise not rotated,
        /// since rotating again ends the grace period of the secret before the last rotation
        #[arg(long, value_name = "TIME", value_parser = parse_time)]
        if_unchanged_since: Option<DateTime<Utc>>,
        #[command(flatten)]
        zone: AccountOnly,
    },
}

#[derive(Debug, Subcommand)]
pub enum UserCommand {
    /// The user's API tokens
    #[command(subcommand)]
    Tokens(UserTokensCommand),
    /// List the permission groups a token policy can grant
    PermissionGroups {
        /// Only the group of this name
        #[arg(long)]
        name: Option<String>,
    },
}

#[derive(Debug, Subcommand)]
pub enum UserTokensCommand {
    /// Check the token the CLI authenticates with
    Verify,
    /// List every API token of the user
    List,
    /// Delete an API token, unless AI Search in the account still uses it
    Delete {
        /// The API token's id
        id: String,
        /// Delete it even if it is registered with AI Search (skips the check)
        #[arg(long)]
        force: bool,
    },
}

#[derive(Debug, Subcommand)]
pub enum AccountCommand {
    /// The API tokens the account owns (they outlive any one user)
    #[command(subcommand)]
    Tokens(AccountTokensCommand),
    /// List the permission groups an account token's policy can grant
    PermissionGroups {
        /// Only the group of this name
        #[arg(long)]
        name: Option<String>,
    },
}

#[derive(Debug, Subcommand)]
pub enum AccountTokensCommand {
    /// Check the token the CLI authenticates with, as an account token of the account
    Verify,
    /// List every API token of the account
    List,
    /// Show one API token of the account (never its value)
    Get {
        /// The API token's id
        id: String,
    },
    /// Delete an API token of the account, unless AI Search in the account still uses it
    Delete {
        /// The API token's id
        id: String,
        /// Delete it even if it is registered with AI Search (skips the check)
        #[arg(long)]
        force: bool,
    },
    /// Give an API token of the account a new value and print it, once (the old value stops
    /// working); refused while AI Search uses the token
    Roll {
        /// The API token's id
        id: String,
        /// Roll it even if it is registered with AI Search (skips the check)
        #[arg(long)]
        force: bool,
        /// Write the new value to this new file (mode 0600) instead of printing it
        #[arg(long, value_name = "PATH")]
        secret_file: Option<PathBuf>,
    },
}

/// Reads an AI Search token id, saying what is expected: the API would only answer 400.
fn parse_uuid(text: &str) -> Result<Uuid, String> {
    text.parse().map_err(|_| {
        "AI Search token ids are UUIDs, like 123e4567-e89b-12d3-a456-426614174000".to_string()
    })
}

/// Reads a deadline such as `30s`, `2m` or `1m 30s`; zero would fail every call.
fn parse_time(text: &str) -> Result<DateTime<Utc>, String> {
    DateTime::parse_from_rfc3339(text)
        .map(|t| t.to_utc())
        .map_err(|e| format!("expected a time like 2026-01-31T12:00:00Z: {e}"))
}

fn parse_timeout(text: &str) -> Result<Duration, String> {
    let timeout = humantime::parse_duration(text)
        .map_err(|e| format!("{e} (expected something like 30s or 2m)"))?;
    if timeout.is_zero() {
        return Err(
            "a timeout of zero would fail every call (expected something like 30s or 2m)".into(),
        );
    }
    Ok(timeout)
}

/// Reads a grace period such as `1h`, `90m` or `1h 30m`: one whose end, counted from now, is a
/// date (the previous secret's expiry is sent as one).
fn parse_grace(text: &str) -> Result<Duration, String> {
    let grace = humantime::parse_duration(text)
        .map_err(|e| format!("{e} (expected something like 1h or 30m)"))?;
    chrono::TimeDelta::from_std(grace)
        .ok()
        .and_then(|grace| chrono::Utc::now().checked_add_signed(grace))
        .ok_or_else(|| "a grace period that long ends after the last date there is".to_string())?;
    Ok(grace)
}

#[cfg(test)]
mod tests {
    use clap::CommandFactory;

    use super::*;

    #[test]
    fn the_definitions_are_consistent() {
        Cli::command().debug_assert();
    }

    #[test]
    fn global_options_go_before_or_after_the_command() {
        let before = Cli::try_parse_from([
            "cf-tokens",
            "--json",
            "--account-id",
            "a",
            "ai-search",
            "tokens",
            "list",
        ])
        .unwrap();
        let after = Cli::try_parse_from([
            "cf-tokens",
            "ai-search",
            "tokens",
            "list",
            "--account-id",
            "a",
            "--json",
        ])
        .unwrap();
        for cli in [before, after] {
            assert!(cli.global.json);
            assert_eq!(cli.global.account_id.as_deref(), Some("a"));
        }
    }

    #[test]
    fn timeouts_are_durations_above_zero() {
        // `--timeout=VALUE`, so that `-5s` reaches the parser instead of reading as a flag.
        let parse = |value: &str| {
            let option = format!("--timeout={value}");
            Cli::try_parse_from(["cf-tokens", option.as_str(), "user", "tokens", "verify"])
        };
        assert_eq!(
            parse("1m 30s").unwrap().global.timeout,
            Some(Duration::from_secs(90))
        );
        for bad in ["0s", "soon", "-5s", ""] {
            let error = parse(bad).unwrap_err().to_string();
            assert!(error.contains("--timeout <DURATION>"), "{bad}: {error}");
        }
    }

    #[test]
    fn grace_periods_read_like_people_write_them() {
        assert_eq!(parse_grace("1h"), Ok(Duration::from_secs(3600)));
        assert_eq!(parse_grace("1h 30m"), Ok(Duration::from_secs(5400)));
        assert!(parse_grace("soon").is_err());
        // Durations, but too long to end on a date: errors, not panics.
        for huge in ["300000years", "9999999999999999s"] {
            let error = parse_grace(huge).unwrap_err();
            assert!(error.contains("last date"), "{huge}: {error}");
        }
        assert!(parse_grace("99999999999999999999999s").is_err());
    }

    #[test]
    fn verbosity_counts_and_secret_files_exclude_printing() {
        let cli = Cli::try_parse_from(["cf-tokens", "-vv", "user", "tokens", "list"]).unwrap();
        assert_eq!(cli.global.verbose, 2);
        let cli = Cli::try_parse_from(["cf-tokens", "user", "tokens", "list", "-vvv"]).unwrap();
        assert_eq!(cli.global.verbose, 3);
        let cli = Cli::try_parse_from(["cf-tokens", "user", "tokens", "list"]).unwrap();
        assert_eq!(cli.global.verbose, 0);
        let both = Cli::try_parse_from([
            "cf-tokens",
            "ai-search",
            "setup",
            "--instance",
            "i",
            "--r2-bucket",
            "b",
            "--show-secret",
            "--secret-file",
            "s",
        ]);
        assert!(both.is_err());
    }

    #[test]
    fn setup_needs_exactly_one_source() {
        let parse = |extra: &[&str]| {
            let mut args = vec!["cf-tokens", "ai-search", "setup", "--instance", "i"];
            args.extend_from_slice(extra);
            Cli::try_parse_from(args)
        };
        assert!(parse(&["--r2-bucket", "b"]).is_ok());
        assert!(parse(&["--website", "example.com"]).is_ok());
        assert!(parse(&[]).is_err());
        assert!(parse(&["--r2-bucket", "b", "--website", "example.com"]).is_err());
    }
}
