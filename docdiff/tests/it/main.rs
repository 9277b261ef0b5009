//! The integration tests of `changeos-docdiff`, as one test binary (on 2 cores, linking a
//! binary per test file costs more than the tests). Run one module with
//! `cargo test -p changeos-docdiff --test it readers::`; its snapshots are
//! `snapshots/it__<module>__*.snap`. The fixture pages are in `tests/fixtures/docs/`; the spec
//! they document is codegen's `tests/fixtures/small.json`.

mod cli;
mod doc_history;
mod docdiff;
mod docdiff_readers;
// The examples run in `sh`.
#[cfg(unix)]
mod docs_examples;
