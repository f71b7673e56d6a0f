//! Lists as streams of items: pages are fetched as the stream is read, one at a time.
//!
//! When the stream stops, whatever the server says about its pages (servers that do not echo
//! `page`, or keep promising more, exist; Prism's mock does both):
//!
//! - the next page asked for is the one just asked for plus one;
//! - it stops after an empty page, a short page (fewer items than a page holds), the page
//!   `total_pages` names, or once it has seen `total_count` items;
//! - a page with exactly the items of the page before it ends the stream with an error (the
//!   server is not paging, and asking on would never end);
//! - it never asks for a page past the largest the API accepts (the spec's `maximum` of
//!   `page`): when items remain beyond it, the stream ends with an error saying so.

use std::collections::VecDeque;
use std::future::Future;
use std::hash::{Hash, Hasher};

use futures::Stream;
use serde::Serialize;

use crate::{Error, ErrorKind, Operation, Page, Result};

/// Where a stream starts and how far it may go.
#[derive(Clone, Copy, Debug)]
pub struct Pages {
    pub operation: &'static Operation,
    pub first_page: u32,
    pub per_page: u32,
    /// The largest page number the API accepts, where the spec sets one.
    pub max_page: Option<u32>,
}

/// What the stream does once the buffered items are handed out.
enum Next {
    Page(u32),
    Fail(Error),
    Done,
}

/// A fingerprint of a page's items, to notice a page that repeats the one before.
fn fingerprint<T: Serialize>(items: &[T]) -> u64 {
    let mut hasher = std::collections::hash_map::DefaultHasher::new();
    match serde_json::to_string(items) {
        Ok(text) => text.hash(&mut hasher),
        // Not serializable: no fingerprint can match, so no page counts as a repeat.
        Err(_) => items.len().hash(&mut hasher),
    }
    hasher.finish()
}

/// Streams the items of the pages `fetch(page, per_page)` returns. The stream is `Send` and
/// lives as long as `fetch` does: the generated `…_all` methods give it one that owns a clone of
/// the client and of the arguments, so that it can be spawned.
pub fn items<'a, T, F, Fut>(pages: Pages, fetch: F) -> impl Stream<Item = Result<T>> + Send + 'a
where
    T: Serialize + Send + 'a,
    F: FnMut(u32, u32) -> Fut + Send + 'a,
    Fut: Future<Output = Result<Page<T>>> + Send + 'a,
{
    struct State<F, T> {
        fetch: F,
        pages: Pages,
        next: Next,
        buffered: VecDeque<T>,
        seen: u64,
        previous: Option<u64>,
    }
    let state = State {
        fetch,
        pages,
        next: Next::Page(pages.first_page.max(1)),
        buffered: VecDeque::new(),
        seen: 0,
        previous: None,
    };
    futures::stream::unfold(state, move |mut state| async move {
        loop {
            if let Some(item) = state.buffered.pop_front() {
                return Some((Ok(item), state));
            }
            let number = match std::mem::replace(&mut state.next, Next::Done) {
                Next::Page(number) => number,
                Next::Fail(error) => return Some((Err(error), state)),
                Next::Done => return None,
            };
            let page = match (state.fetch)(number, state.pages.per_page).await {
                Ok(page) => page,
                // One error ends the stream: the caller decides whether to start over.
                Err(error) => return Some((Err(error), state)),
            };
            let info = *page.result_info();
            let items = page.into_items();
            if items.is_empty() {
                return None;
            }
            let print = fingerprint(&items);
            if state.previous == Some(print) {
                let error = Error::new(ErrorKind::Pagination, Some(state.pages.operation))
                    .with_detail(format!(
                        "page {number} has the same items as page {}: the server is not paging",
                        number - 1
                    ));
                return Some((Err(error), state));
            }
            state.previous = Some(print);
            state.seen += items.len() as u64;
            let size = info
                .per_page
                .filter(|p| *p > 0)
                .unwrap_or(u64::from(state.pages.per_page));
            let full = items.len() as u64 >= size;
            let more = full
                && info
                    .pages(size)
                    .is_none_or(|pages| u64::from(number) < pages)
                && info.total_count.is_none_or(|total| state.seen < total);
            state.next = match (more, state.pages.max_page) {
                (false, _) => Next::Done,
                (true, Some(max)) if number >= max => Next::Fail(
                    Error::new(ErrorKind::Pagination, Some(state.pages.operation)).with_detail(
                        format!(
                            "items remain after page {max}, the last page the API serves: \
                             narrow the list with its filters"
                        ),
                    ),
                ),
                (true, _) => Next::Page(number + 1),
            };
            state.buffered = items.into();
        }
    })
}
