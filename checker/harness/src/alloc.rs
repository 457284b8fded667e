//! A counting global allocator: the test process's memory budget.
//!
//! Counting in the allocator works the same on every platform and does not
//! depend on how fast the machine is: an unbounded buffer reaches the
//! budget after the same allocations, quiet or loaded. A refused
//! allocation goes through the standard allocation-error path, which
//! prints `memory allocation of N bytes failed` and aborts; the checker
//! reads N to tell one huge allocation from slow growth.
//!
//! Because this is the process's `#[global_allocator]`, a learner crate
//! that declares its own fails to build, which is what we want.

use crate::budget::MEMORY_BYTES;
use std::alloc::{GlobalAlloc, Layout, System};
use std::sync::atomic::{AtomicUsize, Ordering};

struct Counting;

static IN_USE: AtomicUsize = AtomicUsize::new(0);

#[global_allocator]
static ALLOCATOR: Counting = Counting;

/// Reserves `size` more bytes of the budget; false when it would overflow.
fn reserve(size: usize) -> bool {
    IN_USE
        .fetch_update(Ordering::Relaxed, Ordering::Relaxed, |used| {
            used.checked_add(size)
                .filter(|total| *total <= MEMORY_BYTES)
        })
        .is_ok()
}

fn release(size: usize) {
    IN_USE.fetch_sub(size, Ordering::Relaxed);
}

/// Reserves `layout`'s size, then allocates; gives the reservation back if
/// the system allocator fails.
fn counted(layout: Layout, allocate: impl FnOnce() -> *mut u8) -> *mut u8 {
    if !reserve(layout.size()) {
        return std::ptr::null_mut();
    }
    let p = allocate();
    if p.is_null() {
        release(layout.size());
    }
    p
}

// SAFETY: every method forwards to `System` with the caller's arguments
// unchanged, and only adds bookkeeping; refusing returns null, which the
// `GlobalAlloc` contract allows.
unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        // SAFETY: forwarded from our caller, who upholds `alloc`'s contract.
        counted(layout, || unsafe { System.alloc(layout) })
    }

    unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
        // SAFETY: as in `alloc`.
        counted(layout, || unsafe { System.alloc_zeroed(layout) })
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        // SAFETY: `ptr` came from this allocator, hence from `System`.
        unsafe { System.dealloc(ptr, layout) };
        release(layout.size());
    }

    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        let old = layout.size();
        if new_size > old && !reserve(new_size - old) {
            return std::ptr::null_mut();
        }
        // SAFETY: forwarded from our caller, who upholds `realloc`'s contract.
        let p = unsafe { System.realloc(ptr, layout, new_size) };
        if p.is_null() {
            // The old block is still allocated: undo only the growth.
            if new_size > old {
                release(new_size - old);
            }
        } else if new_size < old {
            release(old - new_size);
        }
        p
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_allocation_past_the_budget_is_refused_and_the_budget_recovers() {
        let huge = Layout::from_size_align(MEMORY_BYTES + 1, 8).unwrap();
        // SAFETY: a non-zero size; a null result is checked, nothing freed.
        let p = unsafe { ALLOCATOR.alloc(huge) };
        assert!(p.is_null(), "more than the whole budget must be refused");
        let small = vec![0u8; 1 << 20];
        assert_eq!(small.len(), 1 << 20, "small allocations still succeed");
    }

    #[test]
    fn freed_memory_returns_to_the_budget() {
        for _ in 0..8 {
            // Eight times a third of the budget: only works if each block
            // is given back when dropped.
            let block = vec![1u8; MEMORY_BYTES / 3];
            assert_eq!(block[0], 1);
        }
    }
}
