//! What the client knows about each operation of the API, generated from the spec.

/// A description of an API operation, generated from the spec.
#[derive(Debug, PartialEq, Eq)]
pub struct Operation {
    /// The operation id, which is also the method name on the client (`cloudflare_tokens::Client`).
    pub id: &'static str,
    /// The HTTP method.
    pub method: &'static str,
    /// The path template, as in the API description.
    pub path: &'static str,
    /// The permissions the operation needs (`x-cfPermissionsRequired`).
    pub permissions: &'static [&'static str],
    /// The API token permission groups that grant them (`x-api-token-group`).
    pub token_groups: &'static [&'static str],
}

impl Operation {
    /// Whether repeating the request cannot do anything twice (GET, PUT, DELETE).
    pub fn is_idempotent(&self) -> bool {
        !matches!(self.method, "POST" | "PATCH")
    }
}
