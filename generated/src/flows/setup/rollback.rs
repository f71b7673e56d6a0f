//! Undoing what a failed setup run created.

use super::{AiSearchSetup, Event, SetupError, Step};
use crate::{Client, Error, Result};

/// What a setup run has created so far, to delete again if a later step fails.
#[derive(Default)]
pub(super) struct Created {
    pub(super) user_token: Option<String>,
    pub(super) registration: Option<uuid::Uuid>,
}

impl Created {
    pub(super) async fn undo(
        self,
        client: &Client,
        setup: &AiSearchSetup,
        step: Step,
        error: Error,
        on_event: &mut impl FnMut(&Event),
    ) -> SetupError {
        on_event(&Event::RollingBack(step));
        let mut rolled_back = Vec::new();
        let mut left_behind = Vec::new();
        let mut report = |what: String, result: Result<()>| match result {
            Ok(()) => {
                on_event(&Event::RolledBack(what.clone()));
                rolled_back.push(what);
            }
            Err(e) => {
                on_event(&Event::RollbackFailed(what.clone()));
                left_behind.push(format!("{what} ({e})"));
            }
        };
        if let Some(id) = self.registration {
            let result = client
                .ai_search_tokens_delete(&setup.account_id, &id)
                .await
                .map(drop);
            report(format!("AI Search token registration {id}"), result);
        }
        if let Some(id) = self.user_token {
            let result = client.user_tokens_delete(&id).await.map(drop);
            report(format!("API token {id}"), result);
        }
        if error.is_outcome_unknown() && step == Step::RegisterToken {
            // The registration may exist although its answer was lost; with its API token
            // deleted it can do nothing, but it should not linger unnoticed.
            left_behind.push(format!(
                "possibly an AI Search token registration named \"{}\" (the answer was lost)",
                setup.token_name
            ));
        }
        SetupError {
            step,
            error,
            rolled_back,
            left_behind,
        }
    }
}
