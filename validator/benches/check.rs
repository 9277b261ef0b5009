//! In-process throughput of `changeos check`'s engine against its baselines.
//!
//! Three batches of payloads (small files without any finding, small files with findings, errors
//! or warnings, and one clean file with ~40 KB of user data), each measured these ways, per
//! batch, in bytes per second:
//!
//! - `serde_json-parse`: `serde_json::from_slice::<Value>` alone, the floor;
//! - `changeos-parse`: our parser alone (`changeos_validator::parse::parse`, after the UTF-8
//!   check its `&str` needs): the one tree with spans that every consumer reads;
//! - `jsonc-parser-ast`: dprint's `jsonc-parser` building its AST (spans included, which is
//!   what we would need), set to strict JSON (no comments, trailing commas, loose property
//!   names or any other extension), after the same UTF-8 check: the crate the issue asked to
//!   measure as the alternative to a parser of our own;
//! - `changeos-check_source`: the whole in-process path of `changeos check` (UTF-8 decode,
//!   parse, lint, and placing findings in the source when there are some);
//! - `jsonschema-is_valid`: parse, then the `jsonschema` crate's `is_valid` against the exported
//!   JSON Schema (compiled once, outside the loop, with format validation on);
//! - `jsonschema-iter_errors`: the same, collecting every error, as our linter reports all.
//!
//! Two more rows split the small clean batch into its parts: `changeos-lint-only` (the linter on
//! our trees parsed beforehand) and `jsonschema-is_valid-only` (on serde_json values parsed
//! beforehand).
//!
//! The group `worst-shapes` times the shapes that were once quadratic or worse (the members of
//! one object, at any depth, and findings by the hundred thousand: unknown members in
//! `os-change`, in `metadata` and at the root, on separate lines and on one line; one key
//! repeated; keys repeated in pairs; repetitions 120 levels down; names that all fold to one
//! spec name; members of an object the spec does not describe; array elements for comparison),
//! each at every size of `CHANGEOS_BENCH_WORST_BYTES` (a comma-separated list of byte counts,
//! `1048576,8388608` unless set; `12582912` gives files of the size limit), against
//! `serde_json-parse` of the same bytes. `changeos-check_json_report` adds writing the
//! `--format json` report, `changeos-check_human_report` the human one. Linear means the cost
//! per byte stays the same from one size to the next (`bench/report.py` gives the ratio).
//!
//! The group `million-members` is the issue's object with a million members, at an eighth of
//! that and at a million (the larger text is under the 12 MiB limit): members of an object the
//! spec does not describe (one finding) and unknown members of `os-change` (a finding each).
//!
//! Run: `cargo bench -p changeos-validator --bench check -- --warm-up-time 1 --measurement-time 3`.
//! `bench/compare.sh` runs it too and writes the figures into `bench/RESULTS.md`.

use std::hint::black_box;
use std::path::{Path, PathBuf};

use base64::Engine as _;
use changeos_validator::parse::{Parsed, parse};
use changeos_validator::render::{Format, render_all};
use changeos_validator::{Operation, check_source};
use criterion::{
    BenchmarkGroup, BenchmarkId, Criterion, SamplingMode, Throughput, criterion_group, criterion_main,
    measurement::WallTime,
};
use jsonc_parser::{CollectOptions, ParseOptions, parse_to_ast};
use serde_json::{Value, json};

const OP: Operation = Operation::ChangeServerOsWithCloudInit;

/// One payload file's bytes and whether the linter has any finding (error or warning) on it.
struct Payload {
    name: String,
    bytes: Vec<u8>,
    has_findings: bool,
}

fn workspace_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("validator/ sits in the workspace")
        .to_path_buf()
}

/// The `*.json` files of a workspace folder, sorted; a missing folder gives none.
fn files_in(dir: &str) -> Vec<(String, Vec<u8>)> {
    let Ok(entries) = std::fs::read_dir(workspace_root().join(dir)) else {
        return Vec::new();
    };
    let mut paths: Vec<PathBuf> = entries
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "json"))
        .collect();
    paths.sort();
    paths
        .into_iter()
        .map(|p| {
            let bytes = std::fs::read(&p).expect("readable payload");
            (format!("{dir}/{}", p.file_name().unwrap().to_string_lossy()), bytes)
        })
        .collect()
}

/// Standard base64 with padding.
fn base64(bytes: &[u8]) -> String {
    base64::engine::general_purpose::STANDARD.encode(bytes)
}

fn pretty(value: &Value) -> Vec<u8> {
    let mut bytes = serde_json::to_vec_pretty(value).expect("serializable");
    bytes.push(b'\n');
    bytes
}

/// A cloud-init shell script of about `size` bytes.
fn user_script(size: usize) -> Vec<u8> {
    let mut script = String::from("#!/bin/bash\nset -euo pipefail\n");
    let mut i = 0;
    while script.len() < size {
        script.push_str(&format!(
            "echo 'provisioning step {i:05}: configure service and write its settings' >> /var/log/changeos-init.log\n"
        ));
        i += 1;
    }
    script.truncate(size);
    script.into_bytes()
}

/// Variants of the vendor's examples: a literal password, user data, and typical mistakes.
fn generated() -> Vec<(String, Vec<u8>)> {
    let clean_literal = json!({"os-change": {
        "adminpass": "Zq8.runway-Vale42",
        "imageid": "3f9a1c2e-5b7d-4e8f-9a0b-1c2d3e4f5a6b",
        "metadata": {"__system__encrypted": "1", "__system__cmkid": "0b6e0f37-3f0a-4d2b-8a1e-6c9d2f4b7e10"},
        "mode": "withStopServer",
        "isAutoPay": "true"
    }});
    let clean_user_data = json!({"os-change": {
        "imageid": "9c1d7e52-2a4b-4c6d-8e0f-a1b2c3d4e5f6",
        "metadata": {"user_data": base64(b"#cloud-config\nchpasswd:\n  expire: false\n")}
    }});
    let readme_mistakes = json!({"os-change": {
        "adminpass": "$ADMIN_PASS",
        "imageId": "e215580f-73ad-429d-b6f2-5433947433b0",
        "isAutoPay": true
    }});
    let login_mistakes = json!({"os-change": {
        "adminpass": "root1234",
        "keyname": "KeyPair-350b",
        "userid": "7e25b1da389f4697a79df3a0e5bd494e",
        "imageid": "not-a-uuid",
        "mode": "stop"
    }});
    let metadata_mistakes = json!({"os-change": {
        "keyname": "KeyPair-350b",
        "userid": "",
        "imageid": "e215580f-73ad-429d-b6f2-5433947433b0",
        "metadata": {"__system__encrypted": 1, "__system__cmkid": "83cdb52d-9ebf-4469-9cfa-e7b5b80da846", "byol": "true"}
    }});
    let top_level_typo = json!({"os_change": {"imageid": "e215580f-73ad-429d-b6f2-5433947433b0", "keyname": "k"}});
    vec![
        ("gen/clean-literal-password".into(), pretty(&clean_literal)),
        ("gen/clean-user-data".into(), pretty(&clean_user_data)),
        ("gen/bad-readme-mistakes".into(), pretty(&readme_mistakes)),
        ("gen/bad-login".into(), pretty(&login_mistakes)),
        ("gen/bad-metadata".into(), pretty(&metadata_mistakes)),
        ("gen/bad-top-level-typo".into(), pretty(&top_level_typo)),
    ]
}

/// ~40 KB of base64 user data (30,000 bytes decoded, under the 32 KiB limit): clean.
fn large_user_data() -> (String, Vec<u8>) {
    let payload = json!({"os-change": {
        "keyname": "KeyPair-350b",
        "userid": "7e25b1da389f4697a79df3a0e5bd494e",
        "imageid": "e215580f-73ad-429d-b6f2-5433947433b0",
        "metadata": {"user_data": base64(&user_script(30_000)), "__system__encrypted": "0"},
        "mode": "withStopServer"
    }});
    ("gen/clean-user-data-40k".into(), pretty(&payload))
}

fn classify(files: Vec<(String, Vec<u8>)>) -> Vec<Payload> {
    files
        .into_iter()
        .map(|(name, bytes)| {
            let has_findings = !check_source(OP, &bytes).diagnostics.is_empty();
            Payload {
                name,
                bytes,
                has_findings,
            }
        })
        .collect()
}

fn compile_schema() -> jsonschema::Validator {
    let schema: Value = serde_json::from_str(OP.schema()).expect("the exported schema is JSON");
    jsonschema::draft202012::options()
        .should_validate_formats(true)
        .build(&schema)
        .expect("the exported schema compiles")
}

/// Prints, once, what each payload gives in both engines, so the rows compare like with like.
fn report_payloads(payloads: &[Payload], validator: &jsonschema::Validator) {
    eprintln!(
        "{:<48} {:>7} {:>9} {:>12}",
        "payload", "bytes", "changeos", "jsonschema"
    );
    for p in payloads {
        let value: Value = serde_json::from_slice(&p.bytes).expect("payloads are JSON");
        let ours = check_source(OP, &p.bytes).diagnostics.len();
        let theirs = validator.iter_errors(&value).count();
        eprintln!(
            "{:<48} {:>7} {:>9} {:>12}",
            p.name,
            p.bytes.len(),
            format!("{ours} diag"),
            format!("{theirs} err")
        );
    }
}

fn total_bytes(batch: &[&Payload]) -> u64 {
    batch.iter().map(|p| p.bytes.len() as u64).sum()
}

/// Our parser on a file's bytes, after the UTF-8 check its `&str` needs (as `check` does).
fn parse_ours(bytes: &[u8]) -> Parsed<'_> {
    parse(std::str::from_utf8(bytes).expect("UTF-8"))
}

/// dprint's `jsonc-parser` held to strict JSON: every extension it allows by default is off.
/// A struct literal rather than `..Default::default()`, so that an option a later version adds
/// breaks the build instead of silently allowing more than JSON.
fn jsonc_strict() -> ParseOptions {
    ParseOptions {
        allow_comments: false,
        allow_loose_object_property_names: false,
        allow_trailing_commas: false,
        allow_missing_commas: false,
        allow_single_quoted_strings: false,
        allow_hexadecimal_numbers: false,
        allow_unary_plus_numbers: false,
        allow_bare_decimal_point_numbers: false,
        allow_non_finite_numbers: false,
        allow_extended_string_escapes: false,
    }
}

/// `jsonc-parser`'s AST of a file's bytes (no comments or tokens collected), after the same
/// UTF-8 check as ours; `None` when it refuses the text.
fn parse_jsonc<'a>(bytes: &'a [u8], options: &ParseOptions) -> Option<jsonc_parser::ast::Value<'a>> {
    let text = std::str::from_utf8(bytes).ok()?;
    parse_to_ast(text, &CollectOptions::default(), options).ok()?.value
}

/// Both parsers read `bytes` whole, so that their rows time a parse that succeeds.
fn assert_both_parse(name: &str, bytes: &[u8], jsonc: &ParseOptions) {
    let ours = parse_ours(bytes);
    assert!(
        ours.error.is_none() && ours.document().is_some(),
        "{name}: our parser refuses it: {:?}",
        ours.error
    );
    assert!(parse_jsonc(bytes, jsonc).is_some(), "{name}: jsonc-parser refuses it");
}

/// The strict options do refuse what JSON does not allow (so the row is a JSON parse).
fn assert_jsonc_strict(jsonc: &ParseOptions) {
    for text in [
        "[1,]",
        "{\"a\": 1,}",
        "/* c */ 1",
        "1 // c",
        "{a: 1}",
        "{'a': 1}",
        "[1 2]",
        "0x1F",
        "+1",
        ".5",
        "NaN",
        "\"\\x41\"",
    ] {
        assert!(
            parse_jsonc(text.as_bytes(), jsonc).is_none(),
            "jsonc-parser with strict options accepts {text}"
        );
    }
}

fn bench_batch(
    group: &mut BenchmarkGroup<'_, WallTime>,
    batch: &[&Payload],
    validator: &jsonschema::Validator,
    jsonc: &ParseOptions,
) {
    group.throughput(Throughput::Bytes(total_bytes(batch)));
    group.bench_function("serde_json-parse", |b| {
        b.iter(|| {
            for p in batch {
                let value: Value = serde_json::from_slice(black_box(&p.bytes)).expect("JSON");
                black_box(value);
            }
        })
    });
    group.bench_function("changeos-parse", |b| {
        b.iter(|| {
            for p in batch {
                black_box(parse_ours(black_box(&p.bytes)));
            }
        })
    });
    group.bench_function("jsonc-parser-ast", |b| {
        b.iter(|| {
            for p in batch {
                black_box(parse_jsonc(black_box(&p.bytes), jsonc));
            }
        })
    });
    group.bench_function("changeos-check_source", |b| {
        b.iter(|| {
            for p in batch {
                black_box(check_source(OP, black_box(&p.bytes)));
            }
        })
    });
    group.bench_function("jsonschema-is_valid", |b| {
        b.iter(|| {
            for p in batch {
                let value: Value = serde_json::from_slice(black_box(&p.bytes)).expect("JSON");
                black_box(validator.is_valid(&value));
            }
        })
    });
    group.bench_function("jsonschema-iter_errors", |b| {
        b.iter(|| {
            for p in batch {
                let value: Value = serde_json::from_slice(black_box(&p.bytes)).expect("JSON");
                let errors: Vec<_> = validator.iter_errors(&value).collect();
                black_box(errors);
            }
        })
    });
}

fn benches(c: &mut Criterion) {
    let mut small = files_in("examples");
    small.extend(files_in("tests/data/valid"));
    small.extend(generated());
    let mut payloads = classify(small);
    payloads.extend(classify(vec![large_user_data()]));
    let validator = compile_schema();
    report_payloads(&payloads, &validator);

    let large = payloads
        .iter()
        .find(|p| p.bytes.len() > 30_000)
        .expect("the large payload");
    assert!(!large.has_findings, "the 40 KB payload must be clean");
    let clean: Vec<&Payload> = payloads
        .iter()
        .filter(|p| !p.has_findings && p.bytes.len() < 30_000)
        .collect();
    let findings: Vec<&Payload> = payloads.iter().filter(|p| p.has_findings).collect();
    for p in &clean {
        let value: Value = serde_json::from_slice(&p.bytes).expect("JSON");
        assert!(
            validator.is_valid(&value),
            "{}: clean for changeos, not for jsonschema",
            p.name
        );
    }
    assert!(findings.len() >= 3, "some payloads must have findings");
    let jsonc = jsonc_strict();
    assert_jsonc_strict(&jsonc);
    for p in &payloads {
        assert_both_parse(&p.name, &p.bytes, &jsonc);
    }

    for (name, batch) in [
        ("small-clean", &clean),
        ("small-findings", &findings),
        ("user-data-40k", &vec![large]),
    ] {
        let mut group = c.benchmark_group(name);
        bench_batch(&mut group, batch, &validator, &jsonc);
        group.finish();
    }

    // Where the time goes on clean files: the same batch parsed beforehand, each engine into
    // the tree it lints (ours: the tree with spans that `check_source` lints).
    let values: Vec<Value> = clean
        .iter()
        .map(|p| serde_json::from_slice(&p.bytes).expect("JSON"))
        .collect();
    let trees: Vec<Parsed<'_>> = clean.iter().map(|p| parse_ours(&p.bytes)).collect();
    let mut group = c.benchmark_group("small-clean");
    group.throughput(Throughput::Bytes(total_bytes(&clean)));
    group.bench_function("changeos-lint-only", |b| {
        b.iter(|| {
            for tree in &trees {
                let root = tree.document().expect("a JSON document");
                black_box(OP.lint_json(black_box(&root.value)));
            }
        })
    });
    group.bench_function("jsonschema-is_valid-only", |b| {
        b.iter(|| {
            for v in &values {
                black_box(validator.is_valid(black_box(v)));
            }
        })
    });
    group.finish();
}

/// The worst shapes (see the module documentation), each about `size` bytes.
fn worst_shapes(size: usize) -> Vec<(&'static str, Vec<u8>)> {
    const IMAGE: &str = r#""imageid": "e215580f-73ad-429d-b6f2-5433947433b0""#;
    const LOGIN: &str = r#""keyname": "k", "userid": "u""#;
    // Members until the text reaches `size`, each from its index, joined by `sep`.
    let fill = |head: &str, member: &dyn Fn(usize) -> String, sep: &str, tail: &str| {
        let mut text = String::from(head);
        let mut i = 0;
        while text.len() + tail.len() < size {
            if i > 0 {
                text.push_str(sep);
            }
            text.push_str(&member(i));
            i += 1;
        }
        text.push_str(tail);
        text.into_bytes()
    };
    let deep = 120;
    let fold_name = |i: usize| {
        // `imageid` with its letters in either case and `_`, `-` or nothing between them:
        // every name different, all the same to the fold.
        let mut name = String::new();
        for (at, c) in "imageid".chars().enumerate() {
            name.push(if i >> at & 1 == 1 { c.to_ascii_uppercase() } else { c });
            match (i >> 7) / 3usize.pow(at as u32) % 3 {
                1 if at < 6 => name.push('_'),
                2 if at < 6 => name.push('-'),
                _ => {}
            }
        }
        format!("\"{name}{}\": 1", "-".repeat(i / (128 * 729)))
    };
    vec![
        (
            "os-change-members",
            fill(
                &format!("{{\n \"os-change\": {{\n  {IMAGE}, {LOGIN},\n"),
                &|i| format!("  \"k{i}\": {i}"),
                ",\n",
                "\n }\n}\n",
            ),
        ),
        (
            "metadata-members",
            fill(
                &format!("{{\n \"os-change\": {{\n  {IMAGE}, {LOGIN},\n  \"metadata\": {{\n"),
                &|i| format!("   \"k{i}\": {i}"),
                ",\n",
                "\n  }\n }\n}\n",
            ),
        ),
        (
            "root-members",
            fill(
                &format!("{{\"os-change\": {{{IMAGE}, {LOGIN}}},\n"),
                &|i| format!(" \"k{i}\": {i}"),
                ",\n",
                "\n}\n",
            ),
        ),
        (
            "os-change-members-one-line",
            fill(
                &format!("{{\"os-change\":{{{IMAGE},{LOGIN},"),
                &|i| format!("\"ké{i}\":{i}"),
                ",",
                "}}",
            ),
        ),
        (
            "one-key-repeated",
            fill(
                &format!("{{\"os-change\": {{{IMAGE}, {LOGIN},\n"),
                &|i| format!("\"a\": {i}"),
                ",\n",
                "}}\n",
            ),
        ),
        (
            "keys-repeated-in-pairs",
            fill(
                &format!("{{\"os-change\": {{{IMAGE}, {LOGIN},\n"),
                &|i| format!("\"a{i}\": 1,\n\"a{i}\": 2"),
                ",\n",
                "}}\n",
            ),
        ),
        (
            "repetitions-120-levels-down",
            fill(
                &format!(
                    "{{\"os-change\": {{{IMAGE}, {LOGIN}}}, \"x\": {}{{\n",
                    "{\"d\": ".repeat(deep)
                ),
                &|i| format!("\"a\": {i}"),
                ",\n",
                &format!("}}{}}}\n", "}".repeat(deep)),
            ),
        ),
        (
            "names-folding-to-imageid",
            fill(&format!("{{\"os-change\": {{{LOGIN},\n"), &fold_name, ",\n", "}}\n"),
        ),
        (
            "undescribed-object-members",
            fill(
                &format!("{{\"os-change\": {{{IMAGE}, {LOGIN}}}, \"x\": {{\n"),
                &|i| format!("\"k{i}\": {i}"),
                ",\n",
                "}}\n",
            ),
        ),
        (
            "array-elements",
            fill(
                &format!("{{\"os-change\": {{{IMAGE}, {LOGIN}}}, \"x\": [\n"),
                &|i| i.to_string(),
                ",\n",
                "]}\n",
            ),
        ),
    ]
}

/// The sizes of the worst shapes, from `CHANGEOS_BENCH_WORST_BYTES` (see the module
/// documentation). A value that is not a list of byte counts ends the run: a typo must not
/// quietly time other sizes than asked.
fn worst_sizes() -> Vec<usize> {
    const DEFAULT: [usize; 2] = [1024 * 1024, 8 * 1024 * 1024];
    let Ok(list) = std::env::var("CHANGEOS_BENCH_WORST_BYTES") else {
        return DEFAULT.to_vec();
    };
    let sizes: Option<Vec<usize>> = list
        .split(',')
        .map(|s| s.trim().parse().ok().filter(|&n: &usize| n > 0))
        .collect();
    sizes.unwrap_or_else(|| {
        eprintln!(
            "CHANGEOS_BENCH_WORST_BYTES={list:?}: expected byte counts separated by commas, such as 1048576,8388608"
        );
        std::process::exit(2)
    })
}

/// A group of large inputs: few samples of one iteration or a handful each, as one
/// iteration takes milliseconds to seconds.
fn large_group<'a>(c: &'a mut Criterion, name: &str) -> BenchmarkGroup<'a, WallTime> {
    let mut group = c.benchmark_group(name);
    group.sample_size(10);
    group.sampling_mode(SamplingMode::Flat);
    group
}

fn worst(c: &mut Criterion) {
    let sizes = worst_sizes();
    let mut group = large_group(c, "worst-shapes");
    for (at, size) in sizes.iter().enumerate() {
        for (name, bytes) in worst_shapes(*size) {
            let report = check_source(OP, &bytes);
            eprintln!(
                "{name:<32} {:>9} bytes {:>8} diagnostics",
                bytes.len(),
                report.diagnostics.len()
            );
            // The parsers are compared on the small batches; here, once, that ours reads it.
            if at == 0 {
                assert!(parse_ours(&bytes).error.is_none(), "{name}: our parser refuses it");
            }
            group.throughput(Throughput::Bytes(bytes.len() as u64));
            group.bench_with_input(
                BenchmarkId::new(format!("{name}/serde_json-parse"), size),
                &bytes,
                |b, bytes| b.iter(|| black_box(serde_json::from_slice::<Value>(black_box(bytes)).expect("JSON"))),
            );
            group.bench_with_input(
                BenchmarkId::new(format!("{name}/changeos-check_source"), size),
                &bytes,
                |b, bytes| b.iter(|| black_box(check_source(OP, black_box(bytes)))),
            );
            for (format, id) in [(Format::Json, "json"), (Format::Human, "human")] {
                group.bench_with_input(
                    BenchmarkId::new(format!("{name}/changeos-check_{id}_report"), size),
                    &bytes,
                    |b, bytes| {
                        b.iter(|| {
                            let report = check_source(OP, black_box(bytes));
                            black_box(render_all(format, false, &[("payload.json".to_owned(), report)]))
                        })
                    },
                );
            }
        }
    }
    group.finish();
}

/// The issue's object with `count` members, `{"os-change": {...}, "x": {"k0":0, ...}}`, and
/// the same members unknown in `os-change` (a finding each); without spaces, so that a million
/// fit under the 12 MiB limit.
fn million_member_shapes(count: usize) -> Vec<(&'static str, Vec<u8>)> {
    const OPTION: &str = r#""imageid":"e215580f-73ad-429d-b6f2-5433947433b0","keyname":"k","userid":"u""#;
    let members = |count: usize| {
        let mut text = String::new();
        for i in 0..count {
            if i > 0 {
                text.push(',');
            }
            text.push_str(&format!("\"k{i}\":0"));
        }
        text
    };
    vec![
        (
            "undescribed-object",
            format!("{{\"os-change\":{{{OPTION}}},\"x\":{{{}}}}}\n", members(count)).into_bytes(),
        ),
        (
            "os-change",
            format!("{{\"os-change\":{{{OPTION},{}}}}}\n", members(count)).into_bytes(),
        ),
    ]
}

fn million_members(c: &mut Criterion) {
    let jsonc = jsonc_strict();
    let mut group = large_group(c, "million-members");
    for count in [125_000, 1_000_000] {
        for (name, bytes) in million_member_shapes(count) {
            let report = check_source(OP, &bytes);
            eprintln!(
                "{name:<32} {:>9} bytes {:>8} diagnostics ({count} members)",
                bytes.len(),
                report.diagnostics.len()
            );
            assert!(
                bytes.len() as u64 <= changeos_validator::source::MAX_FILE_BYTES,
                "{name}: over the file size limit"
            );
            assert_both_parse(name, &bytes, &jsonc);
            group.throughput(Throughput::Bytes(bytes.len() as u64));
            group.bench_with_input(
                BenchmarkId::new(format!("{name}/serde_json-parse"), count),
                &bytes,
                |b, bytes| b.iter(|| black_box(serde_json::from_slice::<Value>(black_box(bytes)).expect("JSON"))),
            );
            group.bench_with_input(
                BenchmarkId::new(format!("{name}/changeos-parse"), count),
                &bytes,
                |b, bytes| b.iter(|| black_box(parse_ours(black_box(bytes)))),
            );
            group.bench_with_input(
                BenchmarkId::new(format!("{name}/jsonc-parser-ast"), count),
                &bytes,
                |b, bytes| b.iter(|| black_box(parse_jsonc(black_box(bytes), &jsonc))),
            );
            group.bench_with_input(
                BenchmarkId::new(format!("{name}/changeos-check_source"), count),
                &bytes,
                |b, bytes| b.iter(|| black_box(check_source(OP, black_box(bytes)))),
            );
        }
    }
    group.finish();
}

criterion_group!(check, benches, worst, million_members);
criterion_main!(check);
