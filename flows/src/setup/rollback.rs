//! Undoing what a failed setup run created, in dependency order: the instance, then the
//! registration, then the API token, and never a token that a registration still names.

use reqwest::StatusCode;
use uuid::Uuid;

use super::lookup::{all_registrations, named};
use super::{AiSearchSetup, Event, target};
use cloudflare_tokens_generated::{Client, Result};

/// What a setup run has created so far, to delete again if a later step fails.
#[derive(Default)]
pub(super) struct Created {
    /// An API token this run minted that no registration of an earlier run was pointed at.
    pub(super) user_token: Option<String>,
    /// A registration this run created (or found to have landed after a lost answer).
    pub(super) registration: Option<Uuid>,
    /// An instance whose create lost its answer and could not be looked up: it may exist.
    pub(super) maybe_instance: Option<String>,
    /// A namespace this run created (deleted last, once nothing of this run is in it).
    pub(super) namespace: Option<String>,
}

/// What undoing did.
#[derive(Default)]
pub(super) struct Undone {
    pub(super) rolled_back: Vec<String>,
    pub(super) left_behind: Vec<String>,
}

/// A delete's result: a 404 means there is nothing to delete, which is what undoing wants.
fn deleted<T>(result: Result<T>) -> Result<bool> {
    match result {
        Ok(_) => Ok(true),
        Err(error) if error.http_status() == Some(StatusCode::NOT_FOUND) => Ok(false),
        Err(error) => Err(error),
    }
}

impl Created {
    pub(super) fn is_empty(&self) -> bool {
        self.user_token.is_none()
            && self.registration.is_none()
            && self.maybe_instance.is_none()
            && self.namespace.is_none()
    }

    pub(super) async fn undo(
        self,
        client: &Client,
        setup: &AiSearchSetup,
        on_event: &mut impl FnMut(&Event),
    ) -> Undone {
        let account = &setup.account_id;
        let mut undone = Undone::default();
        let mut done = |what: String, on_event: &mut dyn FnMut(&Event)| {
            on_event(&Event::RolledBack(what.clone()));
            undone.rolled_back.push(what);
        };
        let mut left = Vec::new();
        // Each later object is kept while an earlier one that may use it could not be deleted.
        let mut blocked = None;

        if let Some(id) = self.maybe_instance {
            let what = format!("AI Search instance {id}");
            match deleted(target::delete_instance(client, setup, &id).await) {
                Ok(true) => done(what, on_event),
                Ok(false) => {}
                Err(e) => {
                    on_event(&Event::RollbackFailed(what.clone()));
                    left.push(format!("{what}, if its create landed ({e})"));
                    blocked = Some(format!("instance {id} may use it"));
                }
            }
        }
        if let Some(id) = self.registration {
            let what = format!("AI Search token registration {id}");
            match &blocked {
                Some(why) => left.push(format!("{what} ({why})")),
                None => match deleted(client.ai_search_tokens_delete(account, &id).await) {
                    Ok(true) => done(what, on_event),
                    Ok(false) => {}
                    Err(e) => {
                        on_event(&Event::RollbackFailed(what.clone()));
                        left.push(format!(
                            "{what} ({e}); a later run reuses it while its API token is active"
                        ));
                        blocked = Some(format!("registration {id} still names it"));
                    }
                },
            }
        }
        if let Some(id) = self.user_token {
            let what = format!("API token {id}");
            if let Some(why) = &blocked {
                left.push(format!("{what} ({why})"));
            } else {
                // Checked afresh: a registration whose answer was lost may name it after all.
                match all_registrations(client, account).await {
                    Ok(registrations) if named(&registrations, &id) => {
                        on_event(&Event::Kept(format!(
                            "{what}: an AI Search registration names it"
                        )));
                    }
                    Ok(_) => match deleted(
                        target::delete_token(client, account, setup.token_owner, &id).await,
                    ) {
                        Ok(true) => done(what, on_event),
                        Ok(false) => {}
                        Err(e) => {
                            on_event(&Event::RollbackFailed(what.clone()));
                            left.push(format!(
                                "{what} ({e}); no registration names it, so the next run deletes it"
                            ));
                        }
                    },
                    Err(e) => {
                        on_event(&Event::RollbackFailed(what.clone()));
                        left.push(format!(
                            "{what} (could not check whether a registration names it: {e}); \
                             the next run deletes it unless one does"
                        ));
                    }
                }
            }
        }
        if let Some(name) = self.namespace {
            let what = format!("AI Search namespace {name}");
            let instance_may_be_in_it = blocked
                .as_deref()
                .is_some_and(|b| b.starts_with("instance"));
            if instance_may_be_in_it {
                left.push(format!("{what} (an instance may be in it)"));
            } else {
                match deleted(client.ai_search_namespaces_delete(account, &name).await) {
                    Ok(true) => done(what, on_event),
                    Ok(false) => {}
                    Err(e) => {
                        on_event(&Event::RollbackFailed(what.clone()));
                        left.push(format!("{what} ({e}); the next run uses it"));
                    }
                }
            }
        }
        undone.left_behind = left;
        undone
    }
}
