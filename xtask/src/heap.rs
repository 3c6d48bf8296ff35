//! A global allocator that counts live heap bytes and their peak, so the benchmark can report
//! the memory each stage needs without an external profiler. Counting costs time (atomic
//! updates on every allocation), so it is off unless [`enable`]d, and timed runs leave it off.

use std::alloc::{GlobalAlloc, Layout};

/// What the counter forwards to: the allocator the generator's command line uses.
#[cfg(feature = "fast-alloc")]
static BASE: mimalloc::MiMalloc = mimalloc::MiMalloc;
#[cfg(not(feature = "fast-alloc"))]
static BASE: std::alloc::System = std::alloc::System;
use std::sync::atomic::{AtomicBool, AtomicIsize, Ordering};

pub struct Counting;

static COUNTING: AtomicBool = AtomicBool::new(false);
// Signed: blocks allocated before counting began may be freed after it.
static LIVE: AtomicIsize = AtomicIsize::new(0);
static PEAK: AtomicIsize = AtomicIsize::new(0);

fn grew(bytes: usize) {
    if COUNTING.load(Ordering::Relaxed) {
        let bytes = bytes as isize;
        let live = LIVE.fetch_add(bytes, Ordering::Relaxed) + bytes;
        PEAK.fetch_max(live, Ordering::Relaxed);
    }
}

fn shrank(bytes: usize) {
    if COUNTING.load(Ordering::Relaxed) {
        LIVE.fetch_sub(bytes as isize, Ordering::Relaxed);
    }
}

/// Starts counting allocations.
pub fn enable() {
    COUNTING.store(true, Ordering::Relaxed);
}

// SAFETY: every call is forwarded to `BASE` unchanged; only the counters are extra.
unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        let pointer = unsafe { BASE.alloc(layout) };
        if !pointer.is_null() {
            grew(layout.size());
        }
        pointer
    }

    unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
        let pointer = unsafe { BASE.alloc_zeroed(layout) };
        if !pointer.is_null() {
            grew(layout.size());
        }
        pointer
    }

    unsafe fn dealloc(&self, pointer: *mut u8, layout: Layout) {
        unsafe { BASE.dealloc(pointer, layout) };
        shrank(layout.size());
    }

    unsafe fn realloc(&self, pointer: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        let moved = unsafe { BASE.realloc(pointer, layout, new_size) };
        if !moved.is_null() {
            shrank(layout.size());
            grew(new_size);
        }
        moved
    }
}

/// Starts a new measurement: the peak becomes what is live now.
pub fn reset_peak() {
    PEAK.store(LIVE.load(Ordering::Relaxed), Ordering::Relaxed);
}

/// The most heap bytes live at once since the last [`reset_peak`].
pub fn peak() -> usize {
    PEAK.load(Ordering::Relaxed).max(0) as usize
}

/// Peak resident set size of this process (Linux only: `VmHWM`).
pub fn peak_rss() -> Option<usize> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    let kilobytes: usize = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kilobytes * 1024)
}
