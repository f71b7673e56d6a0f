//! What the `user` and `account` commands share: API tokens look the same whoever owns them, so
//! their tables and summaries are drawn here, and both refuse here to delete or roll a token that
//! AI Search still has registered.

use std::io::{self, Write};

use chrono::{DateTime, Utc};
use cloudflare_tokens::types::{
    AccountPermissionGroup, AccountToken, AiSearchInstance, AiSearchToken, PermissionGroup,
    PermissionGroupScope, TokenPolicy, TokenStatus, UserToken,
};
use cloudflare_tokens::{AiSearchInstancesListQuery, Client, flows};
use futures::TryStreamExt;

use crate::failure::{Doing, Failure};
use crate::output::{self, Table};

/// What an API token's row shows, from a user's token or an account's.
pub struct TokenRow<'a> {
    id: Option<&'a str>,
    name: Option<&'a str>,
    status: Option<&'a TokenStatus>,
    expires_on: Option<DateTime<Utc>>,
    last_used_on: Option<DateTime<Utc>>,
}

impl<'a> From<&'a UserToken> for TokenRow<'a> {
    fn from(token: &'a UserToken) -> Self {
        Self {
            id: token.id.as_deref(),
            name: token.name.as_deref(),
            status: token.status.as_ref(),
            expires_on: token.expires_on,
            last_used_on: token.last_used_on,
        }
    }
}

impl<'a> From<&'a AccountToken> for TokenRow<'a> {
    fn from(token: &'a AccountToken) -> Self {
        Self {
            id: token.id.as_deref(),
            name: token.name.as_deref(),
            status: token.status.as_ref(),
            expires_on: token.expires_on,
            last_used_on: token.last_used_on,
        }
    }
}

/// Prints API tokens as a table, or `none` when there are none.
pub fn print_tokens<'a>(
    out: &mut dyn Write,
    tokens: impl IntoIterator<Item = TokenRow<'a>>,
    none: &str,
) -> io::Result<()> {
    let mut table = Table::new(&["id", "name", "status", "expires", "last used"]);
    for token in tokens {
        table.row(vec![
            output::text(token.id),
            output::text(token.name),
            output::shown(token.status),
            output::time(token.expires_on),
            output::time(token.last_used_on),
        ]);
    }
    table.print(out, none)
}

/// Prints what a verify call answered about the token the CLI authenticates with.
pub fn print_verification(
    out: &mut dyn Write,
    id: Option<&str>,
    status: &TokenStatus,
    not_before: Option<DateTime<Utc>>,
    expires_on: Option<DateTime<Utc>>,
) -> io::Result<()> {
    output::fields(
        out,
        &[
            ("id", output::text(id)),
            ("status", status.to_string()),
            ("not before", output::time(not_before)),
            ("expires", output::time(expires_on)),
        ],
    )
}

/// One policy on one line: `allow AI Search Index Engine on com.cloudflare.api.account.…`.
pub fn policy_line(policy: &TokenPolicy) -> String {
    let groups: Vec<&str> = policy
        .permission_groups
        .iter()
        .map(|g| g.name.as_deref().unwrap_or(&g.id))
        .collect();
    let resources: Vec<&str> = policy.resources.keys().map(String::as_str).collect();
    format!(
        "{} {} on {}",
        policy.effect,
        groups.join(", "),
        resources.join(", ")
    )
}

/// What a permission group's row shows, from either list.
pub struct GroupRow<'a> {
    id: Option<&'a str>,
    name: Option<&'a str>,
    scopes: &'a [PermissionGroupScope],
}

impl<'a> From<&'a PermissionGroup> for GroupRow<'a> {
    fn from(group: &'a PermissionGroup) -> Self {
        Self {
            id: group.id.as_deref(),
            name: group.name.as_deref(),
            scopes: &group.scopes,
        }
    }
}

impl<'a> From<&'a AccountPermissionGroup> for GroupRow<'a> {
    fn from(group: &'a AccountPermissionGroup) -> Self {
        Self {
            id: group.id.as_deref(),
            name: group.name.as_deref(),
            scopes: &group.scopes,
        }
    }
}

/// Prints permission groups as a table.
pub fn print_groups<'a>(
    out: &mut dyn Write,
    groups: impl IntoIterator<Item = GroupRow<'a>>,
) -> io::Result<()> {
    let mut table = Table::new(&["id", "name", "scopes"]);
    for group in groups {
        let scopes: Vec<&str> = group.scopes.iter().map(|s| s.as_str()).collect();
        table.row(vec![
            output::text(group.id),
            output::text(group.name),
            scopes.join(", "),
        ]);
    }
    table.print(out, "no permission groups")
}

/// What the guard protects against: both leave AI Search holding a value that no longer works.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Change {
    Delete,
    Roll,
}

impl Change {
    fn verb(self) -> &'static str {
        match self {
            Self::Delete => "delete",
            Self::Roll => "roll",
        }
    }
}

/// Fails if AI Search in `account` has `token_id` registered: deleting or rolling the token
/// takes away the credentials its instances index and search with, and nothing would say so
/// until they fail.
pub async fn refuse_if_registered(
    client: &Client,
    account: &str,
    token_id: &str,
    change: Change,
) -> Result<(), Failure> {
    // The id goes into the delete's (or roll's) path, not the list's: a bad one is refused here,
    // before any request, as the delete itself would refuse it.
    cloudflare_tokens::check_id("token_id", token_id)
        .doing(format_args!("{} API token {token_id}", change.verb()))?;
    let registrations = flows::ai_search_registrations_of(client, account, token_id)
        .await
        .doing(format_args!(
            "check whether AI Search uses API token {token_id} (pass --force to {} it unchecked)",
            change.verb()
        ))?;
    if registrations.is_empty() {
        return Ok(());
    }
    // Naming the instances makes the consequence concrete; without them the refusal stands.
    let instances: Vec<AiSearchInstance> = client
        .ai_search_instances_list_all(account, AiSearchInstancesListQuery::default())
        .try_collect()
        .await
        .unwrap_or_default();
    Err(Failure::Refused(refusal(
        token_id,
        account,
        &registrations,
        &instances,
        change,
    )))
}

fn refusal(
    token_id: &str,
    account: &str,
    registrations: &[AiSearchToken],
    instances: &[AiSearchInstance],
    change: Change,
) -> String {
    let mut message = format!(
        "refusing to {} API token {token_id}: it is registered with AI Search in account {account}",
        change.verb()
    );
    for registration in registrations {
        let users: Vec<&str> = instances
            .iter()
            .filter(|i| {
                let uses = i
                    .token_id
                    .as_deref()
                    .and_then(|t| t.parse::<uuid::Uuid>().ok());
                uses.is_some() && uses == registration.id
            })
            .map(|i| i.id.as_str())
            .collect();
        message.push_str(&format!(
            "\n  AI Search token {} (\"{}\")",
            output::shown(registration.id),
            output::text(registration.name.as_deref()),
        ));
        if !users.is_empty() {
            message.push_str(&format!(", used by instance(s) {}", users.join(", ")));
        }
    }
    match change {
        Change::Delete => message.push_str(
            "\nAI Search instances using it would stop working. Nothing was deleted; \
             pass --force to delete it anyway.",
        ),
        Change::Roll => {
            // Rotation mints a new token and moves the registration to it before the old one
            // goes: the way to renew a registered token.
            let rotate = match registrations {
                [one] => format!(
                    "`cf-tokens ai-search tokens rotate {}`",
                    output::shown(one.id)
                ),
                _ => "`cf-tokens ai-search tokens rotate ID` for each of them".to_string(),
            };
            message.push_str(&format!(
                "\nAI Search keeps the old value, so instances using it would stop working. \
                 Nothing was rolled; to renew the token without downtime, run {rotate}, or pass \
                 --force to roll it anyway."
            ));
        }
    }
    message
}
