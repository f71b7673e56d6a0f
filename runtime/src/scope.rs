//! The owner of an Access service token: an account or a zone.

/// Whether an Access service token belongs to an account or a zone, and its id. It borrows the
/// id: `Scope::Account(&account_id)`, `Scope::Zone("9a7806061c88ada191ed06f989cc3dac")`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Scope<'a> {
    /// An account, by id.
    Account(&'a str),
    /// A zone, by id.
    Zone(&'a str),
}

impl<'a> Scope<'a> {
    /// The path segment (`accounts` or `zones`), which the generated methods turn into the
    /// spec's `AccountsOrZones`.
    pub fn segment(&self) -> &'static str {
        match self {
            Self::Account(_) => "accounts",
            Self::Zone(_) => "zones",
        }
    }

    /// The account or zone id.
    pub fn id(&self) -> &'a str {
        match self {
            Self::Account(id) | Self::Zone(id) => id,
        }
    }

    /// The id's name in errors about it (`account_id` or `zone_id`), for the generated methods.
    #[doc(hidden)]
    pub fn id_parameter(&self) -> &'static str {
        match self {
            Self::Account(_) => "account_id",
            Self::Zone(_) => "zone_id",
        }
    }
}

/// A [`Scope`] that owns its id: what an `…_all` stream keeps for its life.
#[derive(Clone, Debug)]
pub struct OwnedScope {
    zone: bool,
    id: String,
}

impl From<Scope<'_>> for OwnedScope {
    fn from(scope: Scope<'_>) -> Self {
        Self {
            zone: matches!(scope, Scope::Zone(_)),
            id: scope.id().to_owned(),
        }
    }
}

impl OwnedScope {
    pub fn as_scope(&self) -> Scope<'_> {
        match self.zone {
            true => Scope::Zone(&self.id),
            false => Scope::Account(&self.id),
        }
    }
}
