#!/usr/bin/env bash
# Gradescope autograder for the tokio channels course: image setup.
#
# Gradescope runs this once, as root, when it builds the autograder image
# (Ubuntu), from /autograder/source: the unpacked autograder zip, which
# holds this file, `run_autograder` and the grading copy of the course in
# `course/` (see checker/README.md, "Gradescope"). Network access is
# available here; it may not be while submissions are graded, so every
# crate is fetched and compiled now.
set -euo pipefail

apt-get update
apt-get install -y --no-install-recommends ca-certificates curl build-essential python3

# Rust, system-wide and read-only for the grading user. The course needs
# Rust 1.89 or newer.
export RUSTUP_HOME=/usr/local/rustup CARGO_HOME=/usr/local/cargo
curl --proto '=https' --tlsv1.2 -sSf https://sh.rustup.rs |
  sh -s -- -y --profile minimal --default-toolchain stable --no-modify-path
chmod -R a+rX /usr/local/rustup /usr/local/cargo

# The code under test runs as this user, never as root: it cannot write
# /autograder/results (root's), where run_autograder puts results.json.
id grader >/dev/null 2>&1 || useradd --create-home --shell /usr/sbin/nologin grader

course=/autograder/source/course
chown -R grader: "$course"
as_grader() {
  runuser -u grader -- env -i PATH=/usr/local/cargo/bin:/usr/bin:/bin \
    HOME=/home/grader CARGO_HOME=/home/grader/.cargo RUSTUP_HOME=/usr/local/rustup \
    CARGO_TERM_COLOR=never "$@"
}

# Fetch and build once: the checker, then tokio and the test harness in the
# checker's shadow workspace (by grading the untouched stubs).
cd "$course"
as_grader cargo fetch --locked
as_grader cargo build -q --locked --offline -p checker
warm=$(mktemp -d)
mkdir -p "$warm/stubs/exercises"
for ex in checker/stubs/*/; do
  mkdir -p "$warm/stubs/exercises/$(basename "$ex")"
  cp -r "$ex/src" "$warm/stubs/exercises/$(basename "$ex")/"
done
chown -R grader: "$warm"
as_grader cargo run -q --locked --offline -p checker -- grade "$warm/stubs" >/dev/null
rm -rf "$warm"
