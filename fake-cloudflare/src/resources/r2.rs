//! R2 buckets: `/accounts/{account_id}/r2/buckets`, just enough for an AI Search source: look
//! one up by name, create one. R2's envelope carries `messages` as plain strings (none here).

use chrono::{DateTime, Utc};
use serde_json::{Value, json};

use super::Call;
use crate::envelope::{ApiError, Reply};
use crate::fields;
use crate::ids;

const LOCATIONS: &[&str] = &["apac", "eeur", "enam", "weur", "wnam", "oc"];
const STORAGE_CLASSES: &[&str] = &["Standard", "InfrequentAccess"];

#[derive(Clone, Debug)]
struct Bucket {
    account: String,
    name: String,
    location: String,
    storage_class: String,
    created: DateTime<Utc>,
}

impl Bucket {
    fn view(&self) -> Value {
        json!({
            "name": self.name,
            "creation_date": ids::timestamp(self.created),
            "location": self.location,
            "storage_class": self.storage_class,
            "jurisdiction": "default",
        })
    }
}

/// The buckets of every account, in creation order.
#[derive(Clone, Debug, Default)]
pub struct Buckets {
    buckets: Vec<Bucket>,
}

/// R2's rule for bucket names: 3 to 63 lower-case letters, digits and `-`, not starting or
/// ending with `-`.
fn check_name(name: &str) -> Result<(), ApiError> {
    let fine = (3..=63).contains(&name.len())
        && name
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
        && !name.starts_with('-')
        && !name.ends_with('-');
    if fine {
        Ok(())
    } else {
        Err(ApiError::new(
            400,
            10005,
            format!("The bucket name {name:?} is not valid"),
        ))
    }
}

fn one_of(obj: &fields::Object, name: &str, allowed: &[&str]) -> Result<Option<String>, ApiError> {
    match fields::opt_str(obj, name)? {
        Some(v) if allowed.contains(&v) => Ok(Some(v.to_owned())),
        Some(v) => Err(ApiError::invalid(format!(
            "{name} must be one of {allowed:?}, got {v:?}"
        ))),
        None => Ok(None),
    }
}

impl Buckets {
    fn find(&self, account: &str, name: &str) -> Option<&Bucket> {
        self.buckets
            .iter()
            .find(|b| b.account == account && b.name == name)
    }

    /// Creates a bucket without a request.
    pub fn seed(&mut self, account: &str, name: &str, now: DateTime<Utc>) -> Value {
        let bucket = Bucket {
            account: account.to_owned(),
            name: name.to_owned(),
            location: "enam".to_owned(),
            storage_class: "Standard".to_owned(),
            created: now,
        };
        let view = bucket.view();
        self.buckets.push(bucket);
        view
    }

    pub fn get(&self, call: &Call) -> Result<Reply, ApiError> {
        let name = call.id()?;
        let bucket = self
            .find(call.account()?, name)
            .ok_or_else(|| ApiError::new(404, 10006, "The specified bucket does not exist."))?;
        Ok(Reply::ok(bucket.view()))
    }

    pub fn create(&mut self, call: &Call) -> Result<Reply, ApiError> {
        let body = fields::object(call.body, true)?;
        let name = fields::req_str(&body, "name")?;
        check_name(name)?;
        let location = one_of(&body, "locationHint", LOCATIONS)?.unwrap_or_else(|| "enam".into());
        let storage_class =
            one_of(&body, "storageClass", STORAGE_CLASSES)?.unwrap_or_else(|| "Standard".into());
        let account = call.account()?;
        if self.find(account, name).is_some() {
            return Err(ApiError::new(
                409,
                10004,
                "The bucket you tried to create already exists, and you own it.",
            ));
        }
        let bucket = Bucket {
            account: account.to_owned(),
            name: name.to_owned(),
            location,
            storage_class,
            created: call.now,
        };
        let view = bucket.view();
        self.buckets.push(bucket);
        Ok(Reply::ok(view))
    }

    /// Every bucket, each with its `account_id`, for state dumps.
    pub fn dump(&self) -> Vec<Value> {
        self.buckets
            .iter()
            .map(|b| {
                let mut v = b.view();
                v["account_id"] = json!(b.account);
                v
            })
            .collect()
    }
}
