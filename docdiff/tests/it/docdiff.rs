//! `doc-diff` end to end on our own fixture pages: the same differences from all three formats,
//! the human and JSON reports (snapshots), exit codes and clear refusals, and `--write` on a
//! copy of the workspace followed by regeneration and a passing `--check`.

use std::path::{Path, PathBuf};

use changeos_docdiff::{self as docdiff, DocDiffError, OutputFormat, Report, compare, read_page, report};
use serde_json::{Value, json};

pub(crate) fn manifest_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

pub(crate) fn fixture_page(name: &str) -> PathBuf {
    manifest_dir().join("tests/fixtures/docs").join(name)
}

/// codegen's small fixture spec, whose `PaintThing` the paint pages document: doc-diff's
/// `--write` must leave a spec codegen accepts, so it follows codegen's own fixture.
pub(crate) fn small_spec_path() -> PathBuf {
    manifest_dir().join("../codegen/tests/fixtures/small.json")
}

fn small_spec() -> changeos_codegen::ir::Api {
    let text = std::fs::read_to_string(small_spec_path()).expect("small.json");
    changeos_codegen::read_api(&text, "small.json").expect("small.json reads")
}

/// Compares a fixture page with `PaintThing` of the small fixture spec; the page is named by
/// its path relative to the crate, so that reports are the same on every machine.
fn paint_report(page: &str) -> Report {
    let text = std::fs::read_to_string(fixture_page(page)).expect("fixture page");
    let name = format!("tests/fixtures/docs/{page}");
    compare(&small_spec(), "PaintThing", &read_page(&text), &name).unwrap_or_else(|e| panic!("{page}: {e}"))
}

fn kinds_and_pointers(report: &Report) -> Vec<(String, String)> {
    report
        .differences
        .iter()
        .map(|d| (d.kind.as_str().to_owned(), d.pointer.clone()))
        .collect()
}

/// A directory of its own under the system's temporary directory, removed when dropped.
pub(crate) struct TempDir(pub(crate) PathBuf);

impl TempDir {
    pub(crate) fn new(name: &str) -> TempDir {
        let dir = std::env::temp_dir().join(format!("changeos-docdiff-{name}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).expect("temporary directory");
        TempDir(dir)
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// A workspace root whose spec is the small fixture spec.
pub(crate) fn small_root(name: &str) -> TempDir {
    let root = TempDir::new(name);
    std::fs::create_dir_all(root.0.join("spec")).expect("spec dir");
    std::fs::copy(small_spec_path(), root.0.join(changeos_codegen::SPEC_PATH)).expect("copy the spec");
    root
}

#[test]
fn the_three_formats_report_the_same_differences() {
    let expected: Vec<(String, String)> = [
        ("mandatory", "/paint/owner"),
        ("only-in-doc", "/paint/brush"),
        ("type", "/paint/extras/layers"),
        ("only-in-spec", "/paint/secret"),
        ("only-in-doc", "/response/eta"),
        ("only-in-spec", "/response/reason"),
    ]
    .iter()
    .map(|(k, p)| (k.to_string(), p.to_string()))
    .collect();
    let reports: Vec<Report> = ["paint.zh.md", "paint.html", "paint.txt", "paint.pipe.md"]
        .map(paint_report)
        .into();
    for r in &reports {
        assert_eq!(kinds_and_pointers(r), expected, "{}", r.page);
        assert!(r.notes.is_empty(), "{}: {:?}", r.page, r.notes);
        assert!(r.compared.endpoint);
        assert_eq!(
            (r.compared.path, r.compared.body, r.compared.response),
            (1, 9, 5),
            "{}",
            r.page
        );
    }
    // The formats differ in wording only: the same flags and types.
    let values = |r: &Report| -> Vec<(Value, Value)> {
        r.differences
            .iter()
            .filter(|d| d.kind.as_str() != "only-in-doc")
            .map(|d| (d.doc.clone(), d.spec.clone()))
            .collect()
    };
    assert_eq!(values(&reports[0]), values(&reports[1]));
    assert_eq!(values(&reports[0]), values(&reports[2]));
    assert_eq!(values(&reports[0]), values(&reports[3]));
}

#[test]
fn human_report_markdown() {
    insta::assert_snapshot!(report::human(&paint_report("paint.zh.md")));
}

#[test]
fn human_report_html() {
    insta::assert_snapshot!(report::human(&paint_report("paint.html")));
}

#[test]
fn human_report_text() {
    insta::assert_snapshot!(report::human(&paint_report("paint.txt")));
}

#[test]
fn json_report() {
    let text = report::json(&paint_report("paint.zh.md"));
    let value: Value = serde_json::from_str(&text).expect("the report is JSON");
    assert_eq!(value["operation"], "PaintThing");
    assert_eq!(value["page"], "tests/fixtures/docs/paint.zh.md");
    for d in value["differences"].as_array().expect("differences") {
        let keys: Vec<&str> = d.as_object().expect("object").keys().map(String::as_str).collect();
        assert_eq!(keys, ["kind", "pointer", "doc", "spec"]);
    }
    insta::assert_snapshot!(text);
}

#[test]
fn a_page_that_agrees_reports_nothing() {
    let r = paint_report("paint-agrees.txt");
    assert!(r.differences.is_empty(), "{:#?}", r.differences);
    assert!(r.notes.is_empty(), "{:?}", r.notes);
    insta::assert_snapshot!(report::human(&r), @r"
    doc-diff PaintThing against tests/fixtures/docs/paint-agrees.txt (plain text)
    compared: the endpoint, 1 path parameter, 8 request members, 4 response fields

    no differences: the page and the spec agree
    ");
    assert_eq!(
        report::json(&r),
        "{\n  \"operation\": \"PaintThing\",\n  \"page\": \"tests/fixtures/docs/paint-agrees.txt\",\n  \"differences\": []\n}\n"
    );
}

#[test]
fn endpoint_and_path_parameter_differences() {
    let text = std::fs::read_to_string(fixture_page("paint.txt"))
        .expect("fixture")
        .replace(
            "POST /v1/things/{thing_id}/paint\nParameter",
            "PUT /v2/things/{id}/paint\nParameter",
        )
        .replace("thing_id |\nYes |", "id |\nNo |");
    let r = compare(&small_spec(), "PaintThing", &read_page(&text), "edited.txt").expect("comparable");
    let found = kinds_and_pointers(&r);
    assert_eq!(found[0], ("endpoint".to_owned(), String::new()));
    assert_eq!(r.differences[0].doc, json!("PUT /v2/things/{id}/paint"));
    assert_eq!(r.differences[0].spec, json!("POST /v1/things/{thing_id}/paint"));
    assert!(
        found.contains(&("only-in-doc".to_owned(), "/path/id".to_owned())),
        "{found:?}"
    );
    assert!(
        found.contains(&("only-in-spec".to_owned(), "/path/thing_id".to_owned())),
        "{found:?}"
    );
}

fn refusal(page_text: &str, operation: &str) -> String {
    match compare(&small_spec(), operation, &read_page(page_text), "page") {
        Err(e) => e.to_string(),
        Ok(r) => panic!("compared a page it should refuse: {r:#?}"),
    }
}

#[test]
fn pages_without_parameter_tables_are_refused_naming_what_is_missing() {
    let index = "# 查询Job状态\n\n-   **[查询任务的执行状态](查询任务的执行状态.md)**\n";
    assert_eq!(
        refusal(index, "PaintThing"),
        "page (Markdown with HTML tables) has no parameter table: it holds no table at all; it looks like an index page that only links to other pages (查询任务的执行状态.md): give doc-diff the page of the operation itself"
    );
    let no_names = "<html><body><table><tr><th>Status code</th><th>Meaning</th></tr><tr><td>200</td><td>OK</td></tr></table></body></html>";
    assert_eq!(
        refusal(no_names, "PaintThing"),
        "page (HTML) has no parameter table: none of its 1 table(s) has a column of parameter names (参数 / Parameter / Name)"
    );
    let only_uri = "URI\nPOST /v1/things/{thing_id}/paint\nParameter |\nMandatory |\n---|---|\nthing_id |\nYes |\n";
    assert_eq!(
        refusal(only_uri, "PaintThing"),
        "page (plain text) has no request parameter table: PaintThing takes a request body, but no parameter table follows a heading such as 请求消息 / 请求参数 / Request"
    );
    let message = refusal(only_uri, "NoSuchOperation");
    assert_eq!(
        message,
        "the spec has no operation `NoSuchOperation`; it has: PaintThing"
    );
}

fn copy_dir_files(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).expect("mkdir");
    for entry in std::fs::read_dir(from).expect("readable").flatten() {
        if entry.path().is_file() {
            std::fs::copy(entry.path(), to.join(entry.file_name())).expect("copy");
        }
    }
}

/// A copy of what `changeos-codegen` reads and writes: the spec and the generated files.
fn workspace_copy(name: &str) -> TempDir {
    let root = TempDir::new(name);
    let workspace = manifest_dir().join("..");
    copy_dir_files(&workspace.join("spec"), &root.0.join("spec"));
    copy_dir_files(&workspace.join("generated/src"), &root.0.join("generated/src"));
    copy_dir_files(&workspace.join("generated/schema"), &root.0.join("generated/schema"));
    root
}

/// docs/regenerating.md's flow on a copy of the workspace: doc-diff --write, review the spec's diff,
/// regenerate, and `--check` is satisfied.
#[test]
fn write_then_regenerate_then_check_passes() {
    let root = workspace_copy("write");
    let spec_path = root.0.join(changeos_codegen::SPEC_PATH);
    let before = std::fs::read_to_string(&spec_path).expect("spec");
    assert!(
        changeos_codegen::run(&root.0, true).expect("check").is_empty(),
        "the copy starts fresh"
    );
    let options = docdiff::Options {
        root: root.0.clone(),
        operation: "ChangeServerOsWithCloudInit".to_owned(),
        page: fixture_page("changeos-new-members.zh.md"),
        format: OutputFormat::Human,
        write: true,
    };
    let outcome = docdiff::run(&options).expect("doc-diff --write");
    assert_eq!(outcome.exit, 1);
    assert!(
        outcome
            .stdout
            .contains("--write: updated spec/ecs-changeos.openapi.json"),
        "{}",
        outcome.stdout
    );
    let after = std::fs::read_to_string(&spec_path).expect("spec");

    // The spec's own layout is kept: only the new lines differ.
    assert!(after.ends_with("}\n") && !after.ends_with("\n\n"));
    let diff = similar::TextDiff::from_lines(&before, &after);
    let removed: Vec<String> = diff
        .iter_all_changes()
        .filter(|c| c.tag() == similar::ChangeTag::Delete)
        .map(|c| c.to_string())
        .collect();
    assert_eq!(
        removed,
        ["          \"imageid\"\n"],
        "only the old last line of `required` changes"
    );
    insta::assert_snapshot!("write_spec_diff", diff.unified_diff().context_radius(2).to_string());

    let spec: Value = serde_json::from_str(&after).expect("JSON");
    let schemas = &spec["components"]["schemas"];
    let names: Vec<&str> = schemas
        .as_object()
        .expect("schemas")
        .keys()
        .map(String::as_str)
        .collect();
    let at = names
        .iter()
        .position(|n| *n == "ChangeServerOsWithCloudInitOption")
        .expect("option");
    assert_eq!(names[at + 1], "ChangeServerOsWithCloudInitOptionSchedule");
    assert_eq!(
        schemas["ChangeServerOsWithCloudInitOption"]["properties"]["schedule"],
        json!({
            "$ref": "#/components/schemas/ChangeServerOsWithCloudInitOptionSchedule",
            "description": "何时切换，详情请参见表5。",
            "x-review": true
        })
    );
    // `userid` is a member of the base both operations compose: the flag goes where it is defined.
    assert_eq!(
        schemas["ChangeServerOsOption"]["required"],
        json!(["imageid", "userid"])
    );
    assert_eq!(
        schemas["ChangeServerOsMetadata"]["properties"]["__system__disktier"],
        json!({ "type": "string", "description": "系统盘的性能档位。", "x-review": true })
    );
    assert_eq!(
        schemas["ChangeServerOsWithCloudInitOptionSchedule"]["required"],
        json!(["at"])
    );
    assert_eq!(
        schemas["ChangeServerOsWithCloudInitOptionSchedule"]["additionalProperties"],
        json!(false)
    );

    // A second run finds only what --write leaves to people, and writes nothing more.
    let again = docdiff::run(&options).expect("doc-diff again");
    assert_eq!(again.exit, 0, "{}", again.stdout);
    assert_eq!(std::fs::read_to_string(&spec_path).expect("spec"), after);

    // Regenerate, then --check passes.
    let drift = changeos_codegen::run(&root.0, true).expect("check");
    assert!(!drift.stale.is_empty(), "the new spec changes generated/");
    changeos_codegen::run(&root.0, false).expect("regenerate");
    let drift = changeos_codegen::run(&root.0, true).expect("check");
    assert!(drift.is_empty(), "{drift:?}");

    // The reviewed members lint and generate as usual, with a warning rule in the catalog.
    let read = |p: &str| std::fs::read_to_string(root.0.join(p)).expect("generated file");
    let catalog = read("generated/src/catalog.rs");
    assert!(catalog.contains("pub static UNREVIEWED_MEMBER: RuleInfo"), "{catalog}");
    assert!(catalog.contains("`ChangeServerOsWithCloudInitOptionSchedule.at`"));
    let lint = read("generated/src/lint.rs");
    assert!(lint.contains("fn check_change_server_os_with_cloud_init_option_schedule("));
    assert!(lint.contains("&catalog::UNREVIEWED_MEMBER"));
    let models = read("generated/src/models.rs");
    assert!(models.contains("pub struct ChangeServerOsWithCloudInitOptionSchedule"));
    assert!(models.contains("Not reviewed yet: added from a vendor doc page"));
    let notes = changeos_codegen::review_notes(&root.0);
    assert_eq!(notes.len(), 4, "{notes:#?}");
}

#[test]
fn write_applies_no_judgment_calls() {
    let root = small_root("judgment");
    let options = docdiff::Options {
        root: root.0.clone(),
        operation: "PaintThing".to_owned(),
        page: fixture_page("paint.txt"),
        format: OutputFormat::Json,
        write: true,
    };
    let outcome = docdiff::run(&options).expect("doc-diff --write");
    assert_eq!(outcome.exit, 1);
    // The JSON report stays alone on stdout; the summary goes to stderr.
    let _: Value = serde_json::from_str(&outcome.stdout).expect("JSON");
    insta::assert_snapshot!(outcome.stderr);
    let spec: Value =
        serde_json::from_str(&std::fs::read_to_string(root.0.join(changeos_codegen::SPEC_PATH)).expect("spec"))
            .expect("JSON");
    let paint = &spec["components"]["schemas"]["Paint"];
    // Not deleted, not retyped.
    assert!(paint["properties"]["secret"].is_object());
    assert_eq!(
        spec["components"]["schemas"]["PaintExtras"]["properties"]["layers"]["type"],
        "integer"
    );
    assert_eq!(paint["required"], json!(["colorId", "owner"]));
    assert_eq!(paint["properties"]["brush"]["x-review"], json!(true));
    assert_eq!(
        spec["components"]["schemas"]["PaintJob"]["properties"]["eta"]["type"],
        "integer"
    );
    changeos_codegen::generate(&serde_json::to_string_pretty(&spec).expect("text"), "written.json")
        .expect("codegen accepts the written spec");
}

/// doc-diff reads the spec as codegen does: a spec codegen refuses is refused here too (exit 2),
/// with codegen's located problems, rather than compared half-understood.
#[test]
fn a_spec_codegen_refuses_is_not_compared() {
    let root = small_root("refused-spec");
    let path = root.0.join(changeos_codegen::SPEC_PATH);
    let mut spec: Value = serde_json::from_str(&std::fs::read_to_string(&path).expect("spec")).expect("JSON");
    spec["components"]["schemas"]["Paint"]["x-colour"] = json!(true);
    std::fs::write(&path, serde_json::to_string_pretty(&spec).expect("text")).expect("write");
    let options = docdiff::Options {
        root: root.0.clone(),
        operation: "PaintThing".to_owned(),
        page: fixture_page("paint-agrees.txt"),
        format: OutputFormat::Human,
        write: false,
    };
    match docdiff::run(&options) {
        Err(e @ DocDiffError::Spec(_)) => {
            let message = e.to_string();
            assert!(message.contains("not a spec codegen accepts"), "{message}");
            assert!(message.contains("/components/schemas/Paint/x-colour"), "{message}");
        }
        other => panic!("expected the spec to be refused, got {other:?}"),
    }
}

#[test]
fn write_refuses_to_leave_a_spec_codegen_rejects() {
    let root = small_root("refused");
    // Without a default rule for `required`, a new mandatory member cannot be checked.
    let path = root.0.join(changeos_codegen::SPEC_PATH);
    let mut spec: Value = serde_json::from_str(&std::fs::read_to_string(&path).expect("spec")).expect("JSON");
    let rules = spec["x-changeos-rules"].as_object_mut().expect("rules");
    let missing = rules
        .get_mut("missing-member")
        .and_then(Value::as_object_mut)
        .expect("rule");
    missing.remove("default-for");
    // The spec reads before the write (every object that has `required` names its rule) and
    // does not after it (the write makes `PaintExtras.note` required, and nothing reports that).
    spec["components"]["schemas"]["PaintRequest"]["x-rules"] = json!({ "required": "missing-member" });
    spec["components"]["schemas"]["Paint"]["x-rules"] = json!({ "required": "missing-member" });
    let text = serde_json::to_string_pretty(&spec).expect("text") + "\n";
    std::fs::write(&path, &text).expect("write");
    let page = root.0.join("page.txt");
    std::fs::write(
        &page,
        std::fs::read_to_string(fixture_page("paint-agrees.txt"))
            .expect("fixture")
            .replace("note |\nNo |", "note |\nYes |"),
    )
    .expect("write");
    let options = docdiff::Options {
        root: root.0.clone(),
        operation: "PaintThing".to_owned(),
        page,
        format: OutputFormat::Human,
        write: true,
    };
    match docdiff::run(&options) {
        Err(DocDiffError::Refused(message)) => assert!(message.contains("no rule reports `required`"), "{message}"),
        other => panic!("expected a refusal, got {other:?}"),
    }
    assert_eq!(std::fs::read_to_string(&path).expect("spec"), text, "nothing written");
}
