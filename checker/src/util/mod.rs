//! Small tools that know nothing of the course: JSON, files and folders,
//! the layout of text on a screen (wrapping, what to drop when it does
//! not fit), dates, terminal style and width, printable learner text,
//! cancellation, a closed stdout, exit
//! statuses, timings for `bench`, Linux's `/proc/PID/stat` lines.
//!
//! May use: nothing else in the checker.

pub mod cancel;
pub mod clock;
pub mod controls;
pub mod exit;
pub mod files;
pub mod json;
pub mod layout;
pub mod pipe;
pub mod procstat;
pub mod style;
pub mod termsize;
pub mod timings;
