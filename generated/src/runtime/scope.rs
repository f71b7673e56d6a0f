//! The owner of an Access service token: an account or a zone.

use crate::types;

/// Whether an Access service token belongs to an account or a zone.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum Scope {
    /// An account, by id.
    Account(String),
    /// A zone, by id.
    Zone(String),
}

impl Scope {
    /// The path segment (`accounts` or `zones`).
    pub fn kind(&self) -> types::AccountsOrZones {
        match self {
            Self::Account(_) => types::AccountsOrZones::Accounts,
            Self::Zone(_) => types::AccountsOrZones::Zones,
        }
    }

    /// The account or zone id.
    pub fn id(&self) -> &str {
        match self {
            Self::Account(id) | Self::Zone(id) => id,
        }
    }

    /// The id's name in errors about it (`account_id` or `zone_id`).
    pub(crate) fn id_parameter(&self) -> &'static str {
        match self {
            Self::Account(_) => "account_id",
            Self::Zone(_) => "zone_id",
        }
    }
}
