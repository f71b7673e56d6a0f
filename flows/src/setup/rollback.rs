//! Undoing what a failed setup run created, in dependency order: the instance, then the
//! registration, then the API token, and never a token that a registration still names.

use reqwest::StatusCode;
use uuid::Uuid;

use super::leftovers::{Blocker, Leftover, ObjectKind, RolledBack, WhyDeleted, WhyLeft};
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
    pub(super) rolled_back: Vec<RolledBack>,
    pub(super) left_behind: Vec<Leftover>,
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
        let mut done = |kind: ObjectKind, id: String, on_event: &mut dyn FnMut(&Event)| {
            let rolled_back = RolledBack::new(kind, id, WhyDeleted::Undone);
            on_event(&Event::RolledBack(rolled_back.clone()));
            undone.rolled_back.push(rolled_back);
        };
        let failed = |kind: ObjectKind, id: &str, on_event: &mut dyn FnMut(&Event)| {
            on_event(&Event::RollbackFailed {
                kind,
                id: id.to_string(),
            });
        };
        let mut left = Vec::new();
        // Each later object is kept while an earlier one that may use it could not be deleted.
        let mut blocked = None;

        if let Some(id) = self.maybe_instance {
            let kind = ObjectKind::Instance;
            match deleted(target::delete_instance(client, setup, &id).await) {
                Ok(true) => done(kind, id, on_event),
                Ok(false) => {}
                Err(e) => {
                    failed(kind, &id, on_event);
                    left.push(Leftover::new(kind, id.clone(), WhyLeft::MaybeLanded(e)));
                    blocked = Some(Blocker::Instance(id));
                }
            }
        }
        if let Some(id) = self.registration {
            let kind = ObjectKind::Registration;
            match kept_for(kind, blocked.as_ref()) {
                Some(why) => left.push(Leftover::new(kind, id.to_string(), why)),
                None => match deleted(client.ai_search_tokens_delete(account, &id).await) {
                    Ok(true) => done(kind, id.to_string(), on_event),
                    Ok(false) => {}
                    Err(e) => {
                        failed(kind, &id.to_string(), on_event);
                        left.push(Leftover::new(kind, id.to_string(), WhyLeft::NotDeleted(e)));
                        blocked = Some(Blocker::Registration(id));
                    }
                },
            }
        }
        if let Some(id) = self.user_token {
            let kind = ObjectKind::ApiToken;
            if let Some(why) = kept_for(kind, blocked.as_ref()) {
                left.push(Leftover::new(kind, id, why));
            } else {
                // Checked afresh: a registration whose answer was lost may name it after all.
                match all_registrations(client, account).await {
                    Ok(registrations) if named(&registrations, &id) => {
                        on_event(&Event::Kept { id });
                    }
                    Ok(_) => match deleted(
                        target::delete_token(client, account, setup.token_owner, &id).await,
                    ) {
                        Ok(true) => done(kind, id, on_event),
                        Ok(false) => {}
                        Err(e) => {
                            failed(kind, &id, on_event);
                            left.push(Leftover::new(kind, id, WhyLeft::NotDeleted(e)));
                        }
                    },
                    Err(e) => {
                        failed(kind, &id, on_event);
                        left.push(Leftover::new(kind, id, WhyLeft::NotChecked(e)));
                    }
                }
            }
        }
        if let Some(name) = self.namespace {
            let kind = ObjectKind::Namespace;
            if let Some(why) = kept_for(kind, blocked.as_ref()) {
                left.push(Leftover::new(kind, name, why));
            } else {
                match deleted(client.ai_search_namespaces_delete(account, &name).await) {
                    Ok(true) => done(kind, name, on_event),
                    Ok(false) => {}
                    Err(e) => {
                        failed(kind, &name, on_event);
                        left.push(Leftover::new(kind, name, WhyLeft::NotDeleted(e)));
                    }
                }
            }
        }
        undone.left_behind = left;
        undone
    }
}

/// Whether an object of `kind` this run created is kept, rather than deleted, because an
/// earlier undo step failed (`blocked`), and why. A registration and an API token are kept
/// while anything that may use them is there; a namespace only while an instance may be in it
/// (a registration that could not be deleted is not in the namespace).
fn kept_for(kind: ObjectKind, blocked: Option<&Blocker>) -> Option<WhyLeft> {
    match (kind, blocked?) {
        (ObjectKind::Namespace, Blocker::Instance(_)) => Some(WhyLeft::InstanceMayBeInIt),
        (ObjectKind::Namespace, Blocker::Registration(_)) => None,
        (_, blocker) => Some(WhyLeft::Blocked(blocker.clone())),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn registration() -> Uuid {
        Uuid::parse_str("8d1e6a34-2f4c-4c1e-9d55-1f0b9a0e7c21").unwrap()
    }

    #[test]
    fn nothing_is_kept_when_nothing_blocked() {
        for kind in [
            ObjectKind::Registration,
            ObjectKind::ApiToken,
            ObjectKind::Namespace,
        ] {
            assert!(kept_for(kind, None).is_none(), "{kind}");
        }
    }

    #[test]
    fn an_instance_that_may_exist_keeps_the_namespace_it_may_be_in() {
        let blocker = Blocker::Instance("docs".into());
        let why = kept_for(ObjectKind::Namespace, Some(&blocker));
        assert!(matches!(why, Some(WhyLeft::InstanceMayBeInIt)), "{why:?}");
        let leftover = Leftover::new(ObjectKind::Namespace, "docs", why.unwrap());
        assert_eq!(
            leftover.to_string(),
            "AI Search namespace docs (an instance may be in it)"
        );
    }

    #[test]
    fn an_instance_that_may_exist_keeps_the_registration_and_the_token() {
        let blocker = Blocker::Instance("docs".into());
        for kind in [ObjectKind::Registration, ObjectKind::ApiToken] {
            let why = kept_for(kind, Some(&blocker));
            assert!(
                matches!(&why, Some(WhyLeft::Blocked(b)) if *b == blocker),
                "{kind}: {why:?}"
            );
        }
    }

    #[test]
    fn a_registration_that_could_not_be_deleted_keeps_its_token_but_not_the_namespace() {
        let blocker = Blocker::Registration(registration());
        let why = kept_for(ObjectKind::ApiToken, Some(&blocker));
        assert!(
            matches!(&why, Some(WhyLeft::Blocked(b)) if *b == blocker),
            "{why:?}"
        );
        assert!(kept_for(ObjectKind::Namespace, Some(&blocker)).is_none());
    }
}
