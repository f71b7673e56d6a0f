//! What a call returns: its result ([`Response`]) or a page of a list ([`Page`]), each with the
//! rest of what Cloudflare said (messages, HTTP status, `cf-ray`).
//!
//! Both deref to what they hold, so their own accessors are named so that no model field can
//! share a name with them: `verified.status` is the token's status, `verified.http_status()`
//! the HTTP status; `cf_ray()` and `cf_messages()` are Cloudflare's request id and messages.

use std::ops::Deref;

use reqwest::StatusCode;

use crate::{Message, ResultInfo};

/// What Cloudflare said besides the result: its messages and the request's id.
#[derive(Clone, Debug)]
pub struct Meta {
    pub(crate) status: StatusCode,
    /// The `cf-ray` header, kept as it came (read as text only when asked for).
    pub(crate) request_id: Option<reqwest::header::HeaderValue>,
    pub(crate) messages: Vec<Message>,
}

/// The accessors of [`Meta`] on each type that carries one, written once.
macro_rules! meta_accessors {
    ($wrapper:ident, $what:literal) => {
        impl<T> $wrapper<T> {
            #[doc = concat!("Informational messages Cloudflare sent with the ", $what, " (the envelope's `messages`).")]
            pub fn cf_messages(&self) -> &[Message] {
                &self.meta.messages
            }

            /// The HTTP status of the answer.
            pub fn http_status(&self) -> StatusCode {
                self.meta.status
            }

            /// Cloudflare's id for the request (the `cf-ray` header): quote it to Cloudflare
            /// support.
            pub fn cf_ray(&self) -> Option<&str> {
                self.meta.request_id.as_ref().and_then(|v| v.to_str().ok())
            }
        }
    };
}

/// The result of a call, with the rest of what Cloudflare said. Derefs to the result.
#[derive(Clone, Debug)]
pub struct Response<T> {
    result: T,
    meta: Meta,
}

impl<T> Response<T> {
    pub(crate) fn new(result: T, meta: Meta) -> Self {
        Self { result, meta }
    }

    /// The result.
    pub fn result(&self) -> &T {
        &self.result
    }

    /// The result, without the rest.
    pub fn into_result(self) -> T {
        self.result
    }
}

meta_accessors!(Response, "result");

impl<T> Deref for Response<T> {
    type Target = T;

    fn deref(&self) -> &T {
        &self.result
    }
}

/// One page of a list: its items, where it sits in the list, and the rest of what Cloudflare said.
#[derive(Clone, Debug)]
pub struct Page<T> {
    items: Vec<T>,
    info: ResultInfo,
    requested_per_page: Option<u64>,
    meta: Meta,
}

impl<T> Page<T> {
    pub(crate) fn new(
        items: Vec<T>,
        info: ResultInfo,
        requested_per_page: Option<u64>,
        meta: Meta,
    ) -> Self {
        Self {
            items,
            info,
            requested_per_page,
            meta,
        }
    }

    /// The items of this page.
    pub fn items(&self) -> &[T] {
        &self.items
    }

    /// The items of this page, without the rest.
    pub fn into_items(self) -> Vec<T> {
        self.items
    }

    /// Where this page sits in the list, as Cloudflare reported it.
    pub fn result_info(&self) -> &ResultInfo {
        &self.info
    }

    /// The page size: as reported, else as requested. `None` for a list that does not page
    /// (the whole list came in one answer).
    fn per_page(&self) -> Option<u64> {
        self.info
            .per_page
            .or(self.requested_per_page)
            .map(|p| p.max(1))
    }

    /// The number of pages in the list, reported or computed from the total count.
    pub fn total_pages(&self) -> Option<u64> {
        let per_page = self.per_page().unwrap_or(self.items.len().max(1) as u64);
        self.info.pages(per_page)
    }

    /// Whether a next page exists. When Cloudflare reports no totals, a full page means there
    /// may be more; a list without a page size has no next page.
    pub fn has_next(&self) -> bool {
        let page = self.info.page.unwrap_or(1);
        match (self.total_pages(), self.per_page()) {
            (Some(pages), _) => page < pages,
            (None, Some(per_page)) => !self.items.is_empty() && self.items.len() as u64 >= per_page,
            (None, None) => false,
        }
    }
}

meta_accessors!(Page, "page");

impl<T> IntoIterator for Page<T> {
    type Item = T;
    type IntoIter = std::vec::IntoIter<T>;

    fn into_iter(self) -> Self::IntoIter {
        self.items.into_iter()
    }
}
