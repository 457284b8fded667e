//! Unwinds without calling any panic hook at all.

pub fn strike() {
    std::panic::resume_unwind(Box::new(()));
}
