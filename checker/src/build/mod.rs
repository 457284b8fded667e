//! Building code under test beside the pristine hidden tests: the shadow
//! workspace, screening after the build (what the compiler read; the
//! screening of tokens before it lives in `checker/instructor`), the
//! compiler's limits, a learner's missing files, and
//! compile errors told in the learner's terms, a head start for the
//! dependencies' build while the checker compiles, and a bound on what
//! the copies' builds leave behind.
//!
//! May use: `model`, `report`, `util`.

pub mod buildlimit;
pub mod compile;
pub mod depinfo;
pub mod footprint;
pub mod fresh;
pub mod integrity;
pub mod mismatch;
pub mod missing;
pub mod prewarm;
pub mod prune;
pub mod record;
pub mod shadow;
