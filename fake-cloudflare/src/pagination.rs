//! `page`/`per_page` handling and `result_info`.
//!
//! Out-of-range values are rejected with a 400 rather than clamped: a client that asks for more
//! than an operation allows has a bug the tests should see, not a silently shorter page.

use serde_json::{Value, json};

use crate::envelope::{ApiError, Reply};
use crate::query::Query;

/// What an operation's spec allows for its page parameters.
#[derive(Clone, Copy, Debug)]
pub struct Limits {
    pub default_per_page: i64,
    pub min_per_page: i64,
    pub max_per_page: i64,
    /// The highest page number the spec allows, where it sets one.
    pub max_page: Option<i64>,
    /// Whether `result_info` reports `total_pages` (AI Search's lists do not).
    pub total_pages: bool,
}

pub const USER_TOKENS: Limits = Limits {
    default_per_page: 20,
    min_per_page: 5,
    max_per_page: 50,
    max_page: None,
    total_pages: true,
};

pub const AI_SEARCH_TOKENS: Limits = Limits {
    default_per_page: 20,
    min_per_page: 1,
    max_per_page: 100,
    max_page: Some(100),
    total_pages: false,
};

pub const AI_SEARCH_INSTANCES: Limits = Limits {
    max_page: None,
    ..AI_SEARCH_TOKENS
};

/// AI Search's jobs: at most 50 a page.
pub const AI_SEARCH_JOBS: Limits = Limits {
    max_page: None,
    min_per_page: 0,
    max_per_page: 50,
    ..AI_SEARCH_TOKENS
};

/// Accounts and zones: 5 to 50 a page, 20 unless asked, as the spec says.
pub const ACCOUNTS: Limits = USER_TOKENS;
pub const ZONES: Limits = USER_TOKENS;

pub const ACCESS: Limits = Limits {
    default_per_page: 1000,
    min_per_page: 1,
    max_per_page: 1000,
    max_page: None,
    total_pages: true,
};

/// One page of `items` (already filtered and ordered) according to the query's `page` and
/// `per_page`.
pub fn page(items: Vec<Value>, query: &Query, limits: Limits) -> Result<Reply, ApiError> {
    let page = query.integer("page")?.unwrap_or(1);
    let per_page = query
        .integer("per_page")?
        .unwrap_or(limits.default_per_page);
    let max_page = limits.max_page.unwrap_or(i64::MAX);
    if page < 1 || page > max_page {
        return Err(ApiError::invalid(match limits.max_page {
            Some(max) => format!("page must be between 1 and {max}, got {page}"),
            None => format!("page must be at least 1, got {page}"),
        }));
    }
    if per_page < limits.min_per_page || per_page > limits.max_per_page {
        return Err(ApiError::invalid(format!(
            "per_page must be between {} and {}, got {per_page}",
            limits.min_per_page, limits.max_per_page
        )));
    }
    let total = items.len() as i64;
    let skip = (page - 1).saturating_mul(per_page);
    let items: Vec<Value> = items
        .into_iter()
        .skip(usize::try_from(skip).unwrap_or(usize::MAX))
        .take(per_page as usize)
        .collect();
    let mut info = json!({
        "page": page,
        "per_page": per_page,
        "count": items.len(),
        "total_count": total,
    });
    if limits.total_pages {
        info["total_pages"] = json!((total + per_page - 1) / per_page);
    }
    Ok(Reply::list(items, info))
}

/// `result_info` for a list that is never paged: everything on page 1.
pub fn whole(items: Vec<Value>) -> Reply {
    let n = items.len();
    let info = json!({
        "page": 1,
        "per_page": n,
        "count": n,
        "total_count": n,
        "total_pages": 1,
    });
    Reply::list(items, info)
}
