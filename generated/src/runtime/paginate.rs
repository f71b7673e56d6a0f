//! Lists as streams of items: pages are fetched as the stream is read, one at a time, and the
//! stream stops after the last page without asking for an empty one.

use std::collections::VecDeque;
use std::future::Future;

use futures::Stream;

use crate::{Page, Result};

/// Streams the items of the pages `fetch(page, per_page)` returns, from `first_page` on.
pub(crate) fn items<'a, T, F, Fut>(
    first_page: u32,
    per_page: u32,
    fetch: F,
) -> impl Stream<Item = Result<T>> + 'a
where
    T: 'a,
    F: FnMut(u32, u32) -> Fut + 'a,
    Fut: Future<Output = Result<Page<T>>> + 'a,
{
    struct State<F, T> {
        fetch: F,
        next_page: Option<u32>,
        buffered: VecDeque<T>,
    }
    let state = State {
        fetch,
        next_page: Some(first_page.max(1)),
        buffered: VecDeque::new(),
    };
    futures::stream::unfold(state, move |mut state| async move {
        loop {
            if let Some(item) = state.buffered.pop_front() {
                return Some((Ok(item), state));
            }
            let page_number = state.next_page?;
            match (state.fetch)(page_number, per_page).await {
                Ok(page) => {
                    state.next_page = page.has_next().then(|| page_number + 1);
                    state.buffered = page.into_items().into();
                    if state.buffered.is_empty() {
                        state.next_page = None;
                    }
                }
                Err(error) => {
                    // One error ends the stream: the caller decides whether to start over.
                    state.next_page = None;
                    return Some((Err(error), state));
                }
            }
        }
    })
}
