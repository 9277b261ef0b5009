//! The integration tests of `changeos-codegen`, as one test binary: on 2 cores, linking a
//! binary per test file was most of `cargo test`'s time. Run one module with
//! `cargo test -p changeos-codegen --test it review::`; its snapshots are
//! `snapshots/it__<module>__*.snap`. The fixture specs stay in `tests/fixtures/`.

mod add_operation;
mod compiled_fixtures;
mod compose;
mod fixtures;
mod fresh;
mod review;
