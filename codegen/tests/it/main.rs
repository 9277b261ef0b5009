//! The integration tests of `changeos-codegen`, as one test binary: on 2 cores, linking a
//! binary per test file was most of `cargo test`'s time. Run one module with
//! `cargo test -p changeos-codegen --test it docdiff::`; its snapshots are
//! `snapshots/it__<module>__*.snap`. The fixture specs and pages stay in `tests/fixtures/`.

mod add_operation;
mod compiled_fixtures;
mod compose;
mod doc_history;
mod docdiff;
mod docdiff_readers;
// The examples run in `sh`.
#[cfg(unix)]
mod docs_examples;
mod fixtures;
mod fresh;
mod review;
