//! Inputs that graded runs vary: counts, sizes, names and payloads that
//! the published hidden tests fix.
//!
//! The hidden tests are public in every student copy, so a submission
//! could return memorised outputs for the inputs it has seen there. Under
//! `grade` the checker hands every test process a seed (per batch,
//! recorded in the report so a grading can be replayed), and a test draws
//! its inputs from it through these functions; under `check` and `verify`
//! there is no seed and every function returns the test's published
//! default, so the learner's verdicts and the snapshots stay as they are.
//!
//! Draws depend on the seed, the test's name and their order within the
//! test, so one test sees the same inputs in every run of a batch. The
//! seed lives only in this process's memory, never in its arguments or
//! environment (see `run::take_header`).

use std::cell::Cell;
use std::ops::RangeInclusive;
use std::sync::OnceLock;

/// The test's own stream: `None` under `check`.
static BASE: OnceLock<Option<u64>> = OnceLock::new();

thread_local! {
    static DRAWS: Cell<u64> = const { Cell::new(0) };
}

/// Fixes the stream for this process: `seed` from the checker (none under
/// `check`), mixed with the test's name so that tests differ.
pub(crate) fn start(seed: Option<u64>, test: &str) {
    let base = seed.map(|s| {
        let mut h: u64 = 0xcbf2_9ce4_8422_2325;
        for b in test.bytes() {
            h ^= u64::from(b);
            h = h.wrapping_mul(0x0100_0000_01b3);
        }
        s ^ h
    });
    let _ = BASE.set(base);
}

/// Whether this run varies its inputs (a graded run).
pub fn seeded() -> bool {
    matches!(BASE.get(), Some(Some(_)))
}

/// The next number of the stream (splitmix64), `None` without a seed.
fn draw() -> Option<u64> {
    let base = (*BASE.get()?)?;
    let n = DRAWS.with(|d| {
        let n = d.get();
        d.set(n + 1);
        n
    });
    let mut z = base.wrapping_add((n + 1).wrapping_mul(0x9e37_79b9_7f4a_7c15));
    z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    Some(z ^ (z >> 31))
}

/// A whole number the tests vary: `u32`, `u64` or `usize`.
pub trait Whole: Copy {
    fn to_u64(self) -> u64;
    fn from_u64(n: u64) -> Self;
}

macro_rules! whole {
    ($($t:ty),*) => {$(
        impl Whole for $t {
            fn to_u64(self) -> u64 {
                self as u64
            }
            fn from_u64(n: u64) -> Self {
                n as $t
            }
        }
    )*};
}
whole!(u32, u64, usize);

/// `default` under `check`; under `grade` another number from `range`
/// (never the default when the range holds another: a graded run never
/// repeats the published input).
pub fn count<T: Whole>(default: T, range: RangeInclusive<T>) -> T {
    count_from(draw(), default, range)
}

fn count_from<T: Whole>(z: Option<u64>, default: T, range: RangeInclusive<T>) -> T {
    let (lo, hi) = (range.start().to_u64(), range.end().to_u64());
    let d = default.to_u64();
    let Some(z) = z else {
        return default;
    };
    if hi < lo {
        return default;
    }
    let span = hi - lo + 1;
    let others = if (lo..=hi).contains(&d) {
        span - 1
    } else {
        span
    };
    if others == 0 {
        return default;
    }
    let mut n = lo + z % others;
    if (lo..=hi).contains(&d) && n >= d {
        n += 1;
    }
    T::from_u64(n)
}

/// The first of `options` under `check`; another one under `grade`.
pub fn pick<T: Clone>(options: &[T]) -> T {
    pick_from(draw(), options)
}

fn pick_from<T: Clone>(z: Option<u64>, options: &[T]) -> T {
    let i = match z {
        Some(z) if options.len() > 1 => 1 + (z % (options.len() as u64 - 1)) as usize,
        _ => 0,
    };
    options[i].clone()
}

/// `default` under `check`; under `grade` the same name with a suffix
/// drawn from the seed (`soup` becomes `soup-k3`), so a name the code
/// under test echoes cannot be memorised.
pub fn name(default: &str) -> String {
    name_from(draw(), default)
}

fn name_from(z: Option<u64>, default: &str) -> String {
    match z {
        Some(z) => {
            const LETTERS: &[u8] = b"abcdefghjkmnpqrstuvwxyz";
            let letter = LETTERS[(z % LETTERS.len() as u64) as usize] as char;
            format!("{default}-{letter}{}", (z >> 8) % 10)
        }
        None => default.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unseeded_draws_are_the_defaults() {
        assert_eq!(count_from(None, 8u32, 5..=12), 8);
        assert_eq!(pick_from(None, &["a", "b"]), "a");
        assert_eq!(name_from(None, "soup"), "soup");
    }

    #[test]
    fn seeded_draws_stay_in_range_and_skip_the_default() {
        let mut seen = std::collections::BTreeSet::new();
        for z in 0..500u64 {
            let z = Some(z.wrapping_mul(0x9e37_79b9_7f4a_7c15));
            let n = count_from(z, 8u32, 5..=12);
            assert!((5..=12).contains(&n) && n != 8, "{n}");
            seen.insert(n);
            assert_eq!(count_from(z, 3usize, 3..=3), 3);
            assert_ne!(pick_from(z, &["a", "b", "c"]), "a");
            assert_ne!(name_from(z, "soup"), "soup");
        }
        assert_eq!(seen.len(), 7, "every other value of the range is drawn");
    }
}
