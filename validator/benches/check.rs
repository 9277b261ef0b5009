//! In-process throughput of `changeos check`'s engine against its baselines.
//!
//! Three batches of payloads (small files without any finding, small files with findings, errors
//! or warnings, and one clean file with ~40 KB of user data), each measured four ways, per batch,
//! in bytes per second:
//!
//! - `serde_json-parse`: `serde_json::from_slice::<Value>` alone, the floor;
//! - `changeos-check_source`: the whole in-process path of `changeos check` (UTF-8 decode,
//!   parse, lint, and locating findings in the source when there are some);
//! - `jsonschema-is_valid`: parse, then the `jsonschema` crate's `is_valid` against the exported
//!   JSON Schema (compiled once, outside the loop, with format validation on);
//! - `jsonschema-iter_errors`: the same, collecting every error, as our linter reports all.
//!
//! Two more rows split the small clean batch into its parts: `changeos-lint-only` and
//! `jsonschema-is_valid-only` on values parsed beforehand.
//!
//! The group `worst-shapes` times the shapes that were once quadratic or worse (the members of
//! one object, at any depth, and findings by the hundred thousand: unknown members in
//! `os-change`, in `metadata` and at the root, on separate lines and on one line; one key
//! repeated; keys repeated in pairs; repetitions 120 levels down; names that all fold to one
//! spec name; members of an object the spec does not describe; array elements for comparison),
//! each about `CHANGEOS_BENCH_WORST_BYTES` bytes (1 MiB unless set; 12582912 gives files of
//! the size limit), against `serde_json-parse` of the same bytes. `changeos-check_json_report`
//! adds writing the `--format json` report, `changeos-check_human_report` the human one.
//!
//! Run: `cargo bench -p changeos-validator --bench check -- --warm-up-time 1 --measurement-time 3`.
//! `bench/compare.sh` runs it too and writes the figures into `bench/RESULTS.md`.

use std::hint::black_box;
use std::path::{Path, PathBuf};

use changeos_validator::render::{Format, render_all};
use changeos_validator::{Operation, check_source};
use criterion::{BenchmarkGroup, Criterion, Throughput, criterion_group, criterion_main, measurement::WallTime};
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

fn pretty(value: &Value) -> Vec<u8> {
    let mut bytes = serde_json::to_vec_pretty(value).expect("serializable");
    bytes.push(b'\n');
    bytes
}

/// Standard base64 with padding (no dependency for one use).
fn base64(data: &[u8]) -> String {
    const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = String::with_capacity(data.len().div_ceil(3) * 4);
    for chunk in data.chunks(3) {
        let n = chunk
            .iter()
            .enumerate()
            .fold(0u32, |n, (i, &b)| n | (u32::from(b) << (16 - 8 * i)));
        for i in 0..4 {
            if i <= chunk.len() {
                out.push(char::from(ALPHABET[(n >> (18 - 6 * i)) as usize & 63]));
            } else {
                out.push('=');
            }
        }
    }
    out
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

fn bench_batch(group: &mut BenchmarkGroup<'_, WallTime>, batch: &[&Payload], validator: &jsonschema::Validator) {
    group.throughput(Throughput::Bytes(total_bytes(batch)));
    group.bench_function("serde_json-parse", |b| {
        b.iter(|| {
            for p in batch {
                let value: Value = serde_json::from_slice(black_box(&p.bytes)).expect("JSON");
                black_box(value);
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

    for (name, batch) in [
        ("small-clean", &clean),
        ("small-findings", &findings),
        ("user-data-40k", &vec![large]),
    ] {
        let mut group = c.benchmark_group(name);
        bench_batch(&mut group, batch, &validator);
        group.finish();
    }

    // Where the time goes on clean files: the same batch parsed beforehand.
    let values: Vec<Value> = clean
        .iter()
        .map(|p| serde_json::from_slice(&p.bytes).expect("JSON"))
        .collect();
    let mut group = c.benchmark_group("small-clean");
    group.throughput(Throughput::Bytes(total_bytes(&clean)));
    group.bench_function("changeos-lint-only", |b| {
        b.iter(|| {
            for v in &values {
                black_box(OP.lint(black_box(v)));
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

fn worst(c: &mut Criterion) {
    let size = std::env::var("CHANGEOS_BENCH_WORST_BYTES")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(1024 * 1024);
    let mut group = c.benchmark_group("worst-shapes");
    group.sample_size(10);
    for (name, bytes) in worst_shapes(size) {
        let report = check_source(OP, &bytes);
        eprintln!(
            "{name:<32} {:>9} bytes {:>8} diagnostics",
            bytes.len(),
            report.diagnostics.len()
        );
        group.throughput(Throughput::Bytes(bytes.len() as u64));
        group.bench_function(format!("{name}/serde_json-parse"), |b| {
            b.iter(|| black_box(serde_json::from_slice::<Value>(black_box(&bytes)).expect("JSON")))
        });
        group.bench_function(format!("{name}/changeos-check_source"), |b| {
            b.iter(|| black_box(check_source(OP, black_box(&bytes))))
        });
        for (format, id) in [(Format::Json, "json"), (Format::Human, "human")] {
            group.bench_function(format!("{name}/changeos-check_{id}_report"), |b| {
                b.iter(|| {
                    let report = check_source(OP, black_box(&bytes));
                    black_box(render_all(format, false, &[("payload.json".to_owned(), report)]))
                })
            });
        }
    }
    group.finish();
}

criterion_group!(check, benches, worst);
criterion_main!(check);
