//! The integration tests of the `changeos` command line, as one test binary.
//!
//! One binary rather than one per file: on 2 cores, linking a binary per test file was most of
//! `cargo test`'s time, and every binary linked the whole validator again. A module per
//! subject; run one with `cargo test --test it send::` (a filter on the module path).
//!
//! insta names a snapshot after the module path, so the snapshots of `send` are
//! `snapshots/it__send__*.snap`. The proptest modules keep their regression files beside them
//! (see `common::proptest_config`).

mod common;
mod mock_ecs;

mod check_bad_input;
mod check_cli;
mod check_fix;
mod check_formats;
mod check_properties;
mod cli;
mod differential;
// The examples run in `sh`.
#[cfg(unix)]
mod docs_examples;
mod example_user_snapshots;
mod files_config;
mod fix_properties;
mod fmt;
mod fmt_properties;
mod job;
mod linter;
mod lsp;
mod models;
mod models_guide;
mod neovim;
mod no_secrets_in_snapshots;
mod pre_commit;
mod render;
mod send;
// The suite is a shell script.
#[cfg(unix)]
mod shell_snapshots;
