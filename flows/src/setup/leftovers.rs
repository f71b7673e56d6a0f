//! What a failed setup run deleted again and what it had to leave, each as a value: the kind of
//! object, its id, and why. Their `Display` is the sentence a person reads in
//! [`SetupError`](super::SetupError)'s.

use std::fmt;

use uuid::Uuid;

use cloudflare_tokens_generated::Error;

/// The kind of an object the setup creates (and may have to delete again).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum ObjectKind {
    /// An API token (the user's or the account's).
    ApiToken,
    /// An AI Search token registration.
    Registration,
    /// An AI Search instance.
    Instance,
    /// An AI Search namespace.
    Namespace,
    /// An R2 bucket.
    Bucket,
}

impl fmt::Display for ObjectKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Self::ApiToken => "API token",
            Self::Registration => "AI Search token registration",
            Self::Instance => "AI Search instance",
            Self::Namespace => "AI Search namespace",
            Self::Bucket => "R2 bucket",
        })
    }
}

/// Something a failed run created and deleted again. Its `Display` is what follows "deleted":
/// `API token 3f2c… (created, but its value never reached us)`.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct RolledBack {
    /// What it was.
    pub kind: ObjectKind,
    /// Its id (a namespace's: its name).
    pub id: String,
    /// Why it was deleted.
    pub why: WhyDeleted,
}

/// Why a run deleted something it created.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum WhyDeleted {
    /// A later step failed: what the run created is undone.
    Undone,
    /// An API token created although its create's answer was lost (or carried no value): its
    /// value never reached the run, so it could never be registered.
    ValueNeverSeen,
}

impl RolledBack {
    pub(super) fn new(kind: ObjectKind, id: impl Into<String>, why: WhyDeleted) -> Self {
        Self {
            kind,
            id: id.into(),
            why,
        }
    }
}

impl fmt::Display for RolledBack {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} {}", self.kind, self.id)?;
        match self.why {
            WhyDeleted::Undone => Ok(()),
            WhyDeleted::ValueNeverSeen => f.write_str(" (created, but its value never reached us)"),
        }
    }
}

/// Something a failed run created and could not delete, and what becomes of it. Its `Display`
/// is one sentence: `API token 3f2c… (registration 8d1e… still names it)`.
#[derive(Debug)]
#[non_exhaustive]
pub struct Leftover {
    /// What it is.
    pub kind: ObjectKind,
    /// Its id (a namespace's: its name); `None` when the run never learnt it
    /// ([`WhyLeft::NotLookedFor`]).
    pub id: Option<String>,
    /// Why it is still there, and what the next run does about it.
    pub why: WhyLeft,
}

impl Leftover {
    pub(super) fn new(kind: ObjectKind, id: impl Into<String>, why: WhyLeft) -> Self {
        Self {
            kind,
            id: Some(id.into()),
            why,
        }
    }
}

/// Why something a failed run created is still there.
#[derive(Debug)]
#[non_exhaustive]
pub enum WhyLeft {
    /// An API token's create lost its answer, and the tokens could not be listed to find it:
    /// one named `name` may exist, of unknown id. The next run deletes it.
    NotLookedFor {
        /// The name it would have (the setup's token name).
        name: String,
        /// Why the tokens could not be listed.
        error: Error,
    },
    /// An API token created although its value never reached the run could not be deleted.
    /// The next run deletes it.
    ValueNeverSeen(Error),
    /// An instance whose create lost its answer, and that could not be looked up, could not be
    /// deleted either: it exists if its create landed.
    MaybeLanded(Error),
    /// Kept because an object that may use it could not be deleted.
    Blocked(Blocker),
    /// A namespace kept because an instance (whose create may have landed) may be in it.
    InstanceMayBeInIt,
    /// Its delete failed. What the next run does depends on the kind: it reuses a registration
    /// while its API token is active, deletes an API token no registration names, and uses a
    /// namespace (or anything else) as it finds it.
    NotDeleted(Error),
    /// An API token not deleted because whether a registration names it could not be checked.
    /// The next run deletes it unless one does.
    NotChecked(Error),
}

/// The undo step that failed, which keeps the objects created before it: they may be used by
/// what it could not delete.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum Blocker {
    /// This AI Search instance, whose create may have landed, could not be deleted: it may use
    /// the registration and its API token, and be in the namespace.
    Instance(String),
    /// This AI Search token registration could not be deleted: it names the API token.
    Registration(Uuid),
}

impl fmt::Display for Blocker {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Instance(id) => write!(f, "instance {id} may use it"),
            Self::Registration(id) => write!(f, "registration {id} still names it"),
        }
    }
}

impl fmt::Display for Leftover {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let kind = self.kind;
        if let WhyLeft::NotLookedFor { name, error } = &self.why {
            return write!(
                f,
                "possibly an {kind} named \"{name}\" whose create lost its answer (could not list \
                 the tokens: {error}); the next run deletes it"
            );
        }
        match &self.id {
            Some(id) => write!(f, "{kind} {id}")?,
            None => write!(f, "{kind}")?,
        }
        match &self.why {
            WhyLeft::NotLookedFor { .. } => Ok(()),
            WhyLeft::ValueNeverSeen(e) => write!(
                f,
                ", created but its value never reached us ({e}); the next run deletes it"
            ),
            WhyLeft::MaybeLanded(e) => write!(f, ", if its create landed ({e})"),
            WhyLeft::Blocked(blocker) => write!(f, " ({blocker})"),
            WhyLeft::InstanceMayBeInIt => f.write_str(" (an instance may be in it)"),
            WhyLeft::NotDeleted(e) => {
                let next = match kind {
                    ObjectKind::Registration => {
                        "a later run reuses it while its API token is active"
                    }
                    ObjectKind::ApiToken => "no registration names it, so the next run deletes it",
                    ObjectKind::Instance | ObjectKind::Namespace | ObjectKind::Bucket => {
                        "the next run uses it"
                    }
                };
                write!(f, " ({e}); {next}")
            }
            WhyLeft::NotChecked(e) => write!(
                f,
                " (could not check whether a registration names it: {e}); the next run deletes \
                 it unless one does"
            ),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use cloudflare_tokens_generated::ErrorKind;

    fn error() -> Error {
        Error::new(ErrorKind::Api, None).with_detail("refused")
    }

    const REGISTRATION: &str = "8d1e6a34-2f4c-4c1e-9d55-1f0b9a0e7c21";

    fn registration() -> Uuid {
        Uuid::parse_str(REGISTRATION).unwrap()
    }

    #[test]
    fn kinds_are_named_as_the_messages_name_them() {
        let names = [
            (ObjectKind::ApiToken, "API token"),
            (ObjectKind::Registration, "AI Search token registration"),
            (ObjectKind::Instance, "AI Search instance"),
            (ObjectKind::Namespace, "AI Search namespace"),
            (ObjectKind::Bucket, "R2 bucket"),
        ];
        for (kind, name) in names {
            assert_eq!(kind.to_string(), name);
        }
    }

    #[test]
    fn a_rolled_back_object_is_its_kind_and_id_and_an_unseen_token_says_so() {
        let undone = RolledBack::new(ObjectKind::Registration, REGISTRATION, WhyDeleted::Undone);
        assert_eq!(
            undone.to_string(),
            format!("AI Search token registration {REGISTRATION}")
        );
        let unseen = RolledBack::new(ObjectKind::ApiToken, "t1", WhyDeleted::ValueNeverSeen);
        assert_eq!(
            unseen.to_string(),
            "API token t1 (created, but its value never reached us)"
        );
    }

    #[test]
    fn blockers_say_what_may_use_what_they_keep() {
        assert_eq!(
            Blocker::Instance("docs".into()).to_string(),
            "instance docs may use it"
        );
        assert_eq!(
            Blocker::Registration(registration()).to_string(),
            format!("registration {REGISTRATION} still names it")
        );
    }

    #[test]
    fn each_leftover_says_why_it_is_there_and_what_the_next_run_does() {
        let e = error().to_string();
        let cases = [
            (
                Leftover {
                    kind: ObjectKind::ApiToken,
                    id: None,
                    why: WhyLeft::NotLookedFor {
                        name: "ai-search-docs".into(),
                        error: error(),
                    },
                },
                format!(
                    "possibly an API token named \"ai-search-docs\" whose create lost its answer \
                     (could not list the tokens: {e}); the next run deletes it"
                ),
            ),
            (
                Leftover::new(ObjectKind::ApiToken, "t1", WhyLeft::ValueNeverSeen(error())),
                format!(
                    "API token t1, created but its value never reached us ({e}); the next run \
                     deletes it"
                ),
            ),
            (
                Leftover::new(ObjectKind::Instance, "docs", WhyLeft::MaybeLanded(error())),
                format!("AI Search instance docs, if its create landed ({e})"),
            ),
            (
                Leftover::new(
                    ObjectKind::Registration,
                    REGISTRATION,
                    WhyLeft::Blocked(Blocker::Instance("docs".into())),
                ),
                format!("AI Search token registration {REGISTRATION} (instance docs may use it)"),
            ),
            (
                Leftover::new(
                    ObjectKind::ApiToken,
                    "t1",
                    WhyLeft::Blocked(Blocker::Registration(registration())),
                ),
                format!("API token t1 (registration {REGISTRATION} still names it)"),
            ),
            (
                Leftover::new(ObjectKind::Namespace, "docs", WhyLeft::InstanceMayBeInIt),
                "AI Search namespace docs (an instance may be in it)".to_string(),
            ),
            (
                Leftover::new(
                    ObjectKind::Registration,
                    REGISTRATION,
                    WhyLeft::NotDeleted(error()),
                ),
                format!(
                    "AI Search token registration {REGISTRATION} ({e}); a later run reuses it \
                     while its API token is active"
                ),
            ),
            (
                Leftover::new(ObjectKind::ApiToken, "t1", WhyLeft::NotDeleted(error())),
                format!("API token t1 ({e}); no registration names it, so the next run deletes it"),
            ),
            (
                Leftover::new(ObjectKind::Namespace, "docs", WhyLeft::NotDeleted(error())),
                format!("AI Search namespace docs ({e}); the next run uses it"),
            ),
            (
                Leftover::new(ObjectKind::ApiToken, "t1", WhyLeft::NotChecked(error())),
                format!(
                    "API token t1 (could not check whether a registration names it: {e}); the \
                     next run deletes it unless one does"
                ),
            ),
        ];
        for (leftover, sentence) in cases {
            assert_eq!(leftover.to_string(), sentence, "{leftover:?}");
        }
    }
}
