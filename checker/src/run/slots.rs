//! How many test processes run at once: at most one computing test per
//! processor slot, but a test that has fallen asleep (blocked in the
//! kernel, computing nothing) lends its slot to the next test while it
//! sleeps.
//!
//! A test that hangs in a blocking call is only stopped once it has slept
//! for the watchdog's whole stuck budget (two seconds). Holding a slot all
//! that time left a processor idle: in the fixture corpus, a handful of
//! such tests took most of the test phase's wall time. Lending changes only
//! how many processes are started, never a verdict: the watchdog judges
//! each process by its own CPU time and sleep state, which do not depend
//! on what else runs (see `watchdog`).

use std::sync::{Condvar, Mutex};

/// How many processes may run at once per slot, counting the sleepers: a
/// cap on memory and open files when many tests hang together.
pub const PER_SLOT: usize = 3;

/// Processor slots shared by the workers of one test phase.
pub struct Slots {
    /// Slots not held by a computing test; negative while tests that woke
    /// up again outnumber the slots.
    free: Mutex<isize>,
    freed: Condvar,
}

impl Slots {
    pub fn new(n: usize) -> Slots {
        Slots {
            free: Mutex::new(n.max(1) as isize),
            freed: Condvar::new(),
        }
    }

    /// Waits until a slot is free and takes it.
    pub fn take(&self) -> Held<'_> {
        let mut free = self.free.lock().unwrap_or_else(|p| p.into_inner());
        while *free <= 0 {
            free = self.freed.wait(free).unwrap_or_else(|p| p.into_inner());
        }
        *free -= 1;
        Held {
            slots: self,
            lent: false,
        }
    }

    fn add(&self, n: isize) {
        let mut free = self.free.lock().unwrap_or_else(|p| p.into_inner());
        *free += n;
        if n > 0 {
            self.freed.notify_one();
        }
    }
}

/// One test's slot, given back when dropped.
pub struct Held<'a> {
    slots: &'a Slots,
    lent: bool,
}

impl Held<'_> {
    /// Tells whether the test sleeps (`true`) or computes: a sleeping test
    /// lends its slot, and a test that wakes takes it back at once, even
    /// if another test is using it meanwhile, because stopping a running
    /// test to wait for a slot would change nothing but its wall time.
    pub fn sleeping(&mut self, asleep: bool) {
        if asleep != self.lent {
            self.lent = asleep;
            self.slots.add(if asleep { 1 } else { -1 });
        }
    }
}

impl Drop for Held<'_> {
    fn drop(&mut self) {
        if !self.lent {
            self.slots.add(1);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn free(s: &Slots) -> isize {
        *s.free.lock().unwrap()
    }

    #[test]
    fn a_sleeping_test_lends_its_slot_and_takes_it_back_when_it_wakes() {
        let slots = Slots::new(1);
        let mut first = slots.take();
        assert_eq!(free(&slots), 0);
        first.sleeping(true);
        assert_eq!(free(&slots), 1, "lent while asleep");
        let second = slots.take();
        first.sleeping(false);
        assert_eq!(free(&slots), -1, "both compute: one too many for now");
        drop(second);
        drop(first);
        assert_eq!(free(&slots), 1, "every slot is back once both end");
    }

    #[test]
    fn a_test_that_ends_asleep_gives_its_slot_back_once() {
        let slots = Slots::new(2);
        let mut held = slots.take();
        held.sleeping(true);
        held.sleeping(true);
        drop(held);
        assert_eq!(free(&slots), 2);
    }

    #[test]
    fn take_waits_until_a_slot_is_lent() {
        let slots = Slots::new(1);
        let mut first = slots.take();
        std::thread::scope(|s| {
            let waiter = s.spawn(|| drop(slots.take()));
            std::thread::sleep(std::time::Duration::from_millis(50));
            assert!(!waiter.is_finished(), "no slot is free yet");
            first.sleeping(true);
            waiter.join().unwrap();
        });
    }
}
