//! Reporters: each renders the engine's results in one format. None of
//! them runs anything or decides a verdict.

pub mod json;
pub mod terminal;
