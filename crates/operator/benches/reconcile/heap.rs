//! Whose memory is it? The in-memory API runs in the benchmark's process, so the process's
//! RSS is mostly the API's. This allocator counts the live heap of two parties apart: code
//! running inside [`api`] (the in-memory API server and the polling that stands in for its
//! watches) and everything else (the operator). Each allocation carries its party in a small
//! header, so memory freed by the other party is credited back to the right one.

use std::alloc::{GlobalAlloc, Layout, System};
use std::cell::Cell;
use std::future::Future;
use std::pin::Pin;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::task::{Context, Poll};

const OPERATOR: u8 = 0;
const API: u8 = 1;

thread_local! {
    static PARTY: Cell<u8> = const { Cell::new(OPERATOR) };
}

static LIVE: [AtomicUsize; 2] = [AtomicUsize::new(0), AtomicUsize::new(0)];
static PEAK: [AtomicUsize; 2] = [AtomicUsize::new(0), AtomicUsize::new(0)];

pub struct CountingAllocator;

fn header(layout: Layout) -> usize {
    layout.align().max(16)
}

fn outer(layout: Layout) -> Layout {
    Layout::from_size_align(layout.size() + header(layout), layout.align().max(16))
        .expect("a valid layout")
}

unsafe impl GlobalAlloc for CountingAllocator {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        // SAFETY: `outer` is a valid non-zero layout; the header lies inside the block.
        unsafe {
            let base = System.alloc(outer(layout));
            if base.is_null() {
                return base;
            }
            let party = PARTY.with(Cell::get);
            let user = base.add(header(layout));
            *user.sub(1) = party;
            let live =
                LIVE[party as usize].fetch_add(layout.size(), Ordering::Relaxed) + layout.size();
            PEAK[party as usize].fetch_max(live, Ordering::Relaxed);
            user
        }
    }

    unsafe fn dealloc(&self, user: *mut u8, layout: Layout) {
        // SAFETY: `user` came from `alloc` with the same layout, so the header precedes it.
        unsafe {
            let party = *user.sub(1);
            LIVE[party as usize].fetch_sub(layout.size(), Ordering::Relaxed);
            System.dealloc(user.sub(header(layout)), outer(layout));
        }
    }
}

/// Live heap of the operator and of the API, in bytes.
pub fn live() -> (usize, usize) {
    (
        LIVE[OPERATOR as usize].load(Ordering::Relaxed),
        LIVE[API as usize].load(Ordering::Relaxed),
    )
}

/// Highest live heap of the operator and of the API, in bytes.
pub fn peak() -> (usize, usize) {
    (
        PEAK[OPERATOR as usize].load(Ordering::Relaxed),
        PEAK[API as usize].load(Ordering::Relaxed),
    )
}

/// Runs `f` on the API's account.
pub fn as_api<T>(f: impl FnOnce() -> T) -> T {
    let before = PARTY.with(|p| p.replace(API));
    let out = f();
    PARTY.with(|p| p.set(before));
    out
}

/// A future whose every poll runs on the API's account.
pub struct Api<F: ?Sized>(pub Pin<Box<F>>);

impl<F: Future + ?Sized> Future for Api<F> {
    type Output = F::Output;
    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<F::Output> {
        let inner = self.0.as_mut();
        as_api(|| inner.poll(cx))
    }
}

/// A stream whose every poll runs on the API's account.
pub struct ApiStream<S: ?Sized>(pub Pin<Box<S>>);

impl<S: futures::Stream + ?Sized> futures::Stream for ApiStream<S> {
    type Item = S::Item;
    fn poll_next(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<S::Item>> {
        let inner = self.0.as_mut();
        as_api(|| inner.poll_next(cx))
    }
}
