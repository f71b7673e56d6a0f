//! Which AI Search registrations use an API token.

use futures::TryStreamExt;

use cloudflare_tokens_generated::{AiSearchTokensListQuery, Client, Result, types};

/// The AI Search token registrations in `account_id` that use the API token `user_token_id`:
/// deleting that API token would stop the instances that use them.
pub async fn ai_search_registrations_of(
    client: &Client,
    account_id: &str,
    user_token_id: &str,
) -> Result<Vec<types::AiSearchToken>> {
    let tokens: Vec<types::AiSearchToken> = client
        .ai_search_tokens_list_all(account_id, AiSearchTokensListQuery::default())
        .try_collect()
        .await?;
    Ok(tokens
        .into_iter()
        .filter(|t| t.cf_api_id.as_deref() == Some(user_token_id))
        .collect())
}
