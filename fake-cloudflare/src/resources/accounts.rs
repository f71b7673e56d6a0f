//! Accounts and zones: `GET /accounts` and `GET /zones`, read only. The fake has one account of
//! its own ([`DEFAULT_ACCOUNT_ID`]); seeding a zone in another account makes that account known
//! too. Every credential the fake accepts reaches every account it knows (as the owner's do).

use chrono::{DateTime, Utc};
use serde_json::{Value, json};

use super::Call;
use crate::envelope::{ApiError, Reply};
use crate::ids::{self, timestamp};
use crate::pagination;

/// The account the fake always has.
pub const DEFAULT_ACCOUNT_ID: &str = "023e105f4ecef8ad9ca31a8372d0c353";

#[derive(Clone, Debug)]
struct Zone {
    id: String,
    name: String,
    account: String,
    created: DateTime<Utc>,
}

/// The name the fake gives an account.
fn account_name(id: &str) -> String {
    if id == DEFAULT_ACCOUNT_ID {
        "Fake account".to_owned()
    } else {
        format!("Account {}", &id[..id.len().min(8)])
    }
}

impl Zone {
    fn view(&self) -> Value {
        json!({
            "id": self.id,
            "name": self.name,
            "status": "active",
            "type": "full",
            "paused": false,
            "development_mode": 0,
            "created_on": timestamp(self.created),
            "modified_on": timestamp(self.created),
            "activated_on": timestamp(self.created),
            "account": { "id": self.account, "name": account_name(&self.account) },
            "owner": { "id": self.account, "name": account_name(&self.account), "type": "organization" },
            "meta": { "step": 2, "phishing_detected": false },
            "plan": { "id": "0feeeeeeeeeeeeeeeeeeeeeeeeeeeeee", "name": "Free Website" },
            "name_servers": ["ns1.example.com", "ns2.example.com"],
        })
    }
}

/// The zones of every account, in creation order.
#[derive(Clone, Debug, Default)]
pub struct Directory {
    zones: Vec<Zone>,
}

impl Directory {
    /// Adds a zone to `account` without a request.
    pub fn seed_zone(&mut self, account: &str, name: &str, now: DateTime<Utc>) -> Value {
        let zone = Zone {
            id: ids::hex_id(),
            name: name.to_owned(),
            account: account.to_owned(),
            created: now,
        };
        let view = zone.view();
        self.zones.push(zone);
        view
    }

    /// The accounts known: the fake's own, then those of the zones, in the order first seen.
    fn account_ids(&self) -> Vec<&str> {
        let mut ids = vec![DEFAULT_ACCOUNT_ID];
        for zone in &self.zones {
            if !ids.contains(&zone.account.as_str()) {
                ids.push(&zone.account);
            }
        }
        ids
    }

    /// `GET /accounts`: `name` keeps the account of that name; `direction` orders by name.
    pub fn list_accounts(&self, call: &Call) -> Result<Reply, ApiError> {
        let name = call.query.get("name");
        let direction = call.query.one_of("direction", &["asc", "desc"])?;
        let mut accounts: Vec<(String, &str)> = self
            .account_ids()
            .into_iter()
            .map(|id| (account_name(id), id))
            .filter(|(n, _)| name.is_none_or(|wanted| wanted == n))
            .collect();
        match direction {
            Some("asc") => accounts.sort(),
            Some(_) => accounts.sort_by(|a, b| b.cmp(a)),
            None => {}
        }
        let items = accounts
            .into_iter()
            .map(|(name, id)| {
                json!({
                    "id": id,
                    "name": name,
                    "type": "standard",
                    "settings": { "enforce_twofactor": false },
                })
            })
            .collect();
        pagination::page(items, call.query, pagination::ACCOUNTS)
    }

    /// `GET /zones`: `account.id` keeps one account's zones, `name` the zone of that name;
    /// `direction` orders by name.
    pub fn list_zones(&self, call: &Call) -> Result<Reply, ApiError> {
        let account = call.query.get("account.id");
        let name = call.query.get("name");
        let direction = call.query.one_of("direction", &["asc", "desc"])?;
        let mut zones: Vec<&Zone> = self
            .zones
            .iter()
            .filter(|z| account.is_none_or(|a| a == z.account))
            .filter(|z| name.is_none_or(|n| n == z.name))
            .collect();
        match direction {
            Some("asc") => zones.sort_by(|a, b| a.name.cmp(&b.name)),
            Some(_) => zones.sort_by(|a, b| b.name.cmp(&a.name)),
            None => {}
        }
        let items = zones.into_iter().map(Zone::view).collect();
        pagination::page(items, call.query, pagination::ZONES)
    }

    /// Everything, as the admin API's state shows it.
    pub fn dump(&self) -> Value {
        json!(self.zones.iter().map(Zone::view).collect::<Vec<_>>())
    }
}
