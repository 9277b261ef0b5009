//! `doc-diff` on every version of the vendor's pages in `../shared/doc-history` (kept out of this
//! repository; CI has it), against the current spec. Skipped, saying so, where it is missing.
//!
//! Each older cloud-init page must report exactly the members added since its date (the table
//! of that directory's README) and nothing else; the English seed page must report nothing.
//! The pages of the other operations are checked against the expectations written below, each
//! with the reason it holds.

use std::collections::BTreeSet;
use std::path::PathBuf;

use changeos_docdiff::{self as docdiff, DocDiffError, OutputFormat, Report};

fn shared() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../shared")
}

fn history() -> Option<PathBuf> {
    let dir = shared().join("doc-history");
    if dir.is_dir() {
        Some(dir)
    } else {
        eprintln!("skipped: {} does not exist", dir.display());
        None
    }
}

fn workspace() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("..")
}

/// Compares a page through the same code path as the command line.
fn run(operation: &str, page: PathBuf) -> Result<(docdiff::Outcome, Report), DocDiffError> {
    let options = docdiff::Options {
        root: workspace(),
        operation: operation.to_owned(),
        page: page.clone(),
        format: OutputFormat::Json,
        write: false,
    };
    let outcome = docdiff::run(&options)?;
    let text = std::fs::read_to_string(&page).expect("readable page");
    let spec = std::fs::read_to_string(workspace().join(changeos_codegen::SPEC_PATH)).expect("spec");
    let api = changeos_codegen::read_api(&spec, changeos_codegen::SPEC_PATH).expect("the spec reads");
    let report = docdiff::compare(&api, operation, &docdiff::read_page(&text), "page")?;
    Ok((outcome, report))
}

fn differences(report: &Report) -> BTreeSet<(String, String)> {
    report
        .differences
        .iter()
        .map(|d| (d.kind.as_str().to_owned(), d.pointer.clone()))
        .collect()
}

fn set(items: &[(&str, &str)]) -> BTreeSet<(String, String)> {
    items.iter().map(|(k, p)| (k.to_string(), p.to_string())).collect()
}

/// The only note these pages may cause: they refer to a shared page for the response.
const RESPONSE_NOTE: &str =
    "the page lists no response fields (it may refer to a shared page): the response was not compared";

const MODE: (&str, &str) = ("only-in-spec", "/os-change/mode");
const ENCRYPTED: (&str, &str) = ("only-in-spec", "/os-change/metadata/__system__encrypted");
const CMKID: (&str, &str) = ("only-in-spec", "/os-change/metadata/__system__cmkid");
const AUTO_PAY: (&str, &str) = ("only-in-spec", "/os-change/isAutoPay");
const BYOL: (&str, &str) = ("only-in-spec", "/os-change/metadata/BYOL");

/// The history README's table, turned round: what each version lacks of today's body. Pages
/// of 2018-12-19 … 2020-03-14 lack mode, metadata's encryption members, isAutoPay and BYOL;
/// those of 2020-08-04 … 2022-10-27 all but mode; 2023-06-21 isAutoPay and BYOL; 2024-04-18
/// BYOL only.
fn cloudinit_expectations() -> Vec<(&'static str, BTreeSet<(String, String)>)> {
    let before_mode = set(&[MODE, ENCRYPTED, CMKID, AUTO_PAY, BYOL]);
    let before_encryption = set(&[ENCRYPTED, CMKID, AUTO_PAY, BYOL]);
    vec![
        ("2018-12-19", before_mode.clone()),
        ("2019-12-10", before_mode.clone()),
        ("2019-12-11", before_mode.clone()),
        ("2020-03-14", before_mode),
        ("2020-08-04", before_encryption.clone()),
        ("2021-09-08", before_encryption.clone()),
        ("2021-10-30", before_encryption.clone()),
        ("2022-10-27", before_encryption),
        ("2023-06-21", set(&[AUTO_PAY, BYOL])),
        ("2024-04-18", set(&[BYOL])),
    ]
}

#[test]
fn every_cloudinit_page_reports_the_members_added_since() {
    let Some(dir) = history() else { return };
    let expectations = cloudinit_expectations();
    let mut pages: Vec<String> = std::fs::read_dir(&dir)
        .expect("readable")
        .flatten()
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|n| n.ends_with("-changeos-cloudinit.zh.md"))
        .collect();
    pages.sort();
    let dates: Vec<&str> = pages.iter().map(|p| &p[..10]).collect();
    let expected_dates: Vec<&str> = expectations.iter().map(|(d, _)| *d).collect();
    assert_eq!(
        dates, expected_dates,
        "every version in the directory has its expectation"
    );
    for (date, expected) in expectations {
        let page = dir.join(format!("{date}-changeos-cloudinit.zh.md"));
        let (outcome, report) = run("ChangeServerOsWithCloudInit", page).unwrap_or_else(|e| panic!("{date}: {e}"));
        assert_eq!(differences(&report), expected, "{date}");
        assert_eq!(report.notes, [RESPONSE_NOTE], "{date}: nothing else may be doubtful");
        assert!(report.compared.endpoint, "{date}: the endpoint is compared");
        assert_eq!(report.compared.path, 2, "{date}: project_id and server_id");
        assert_eq!(outcome.exit, 1, "{date}");
    }
}

#[test]
fn the_2024_04_18_page_lacks_only_byol() {
    let Some(dir) = history() else { return };
    let (_, report) = run(
        "ChangeServerOsWithCloudInit",
        dir.join("2024-04-18-changeos-cloudinit.zh.md"),
    )
    .expect("comparable");
    assert_eq!(differences(&report), set(&[BYOL]));
    assert_eq!(
        report.differences[0].spec,
        serde_json::json!({ "type": "string", "mandatory": false })
    );
}

#[test]
fn the_english_seed_page_reports_no_difference() {
    let page = shared().join("seed/changeos-cloudinit-doc.txt");
    if !page.is_file() {
        eprintln!("skipped: {} does not exist", page.display());
        return;
    }
    let (outcome, report) = run("ChangeServerOsWithCloudInit", page).expect("comparable");
    assert_eq!(report.format, docdiff::Format::Text);
    assert!(report.differences.is_empty(), "{:#?}", report.differences);
    assert_eq!(report.notes, [RESPONSE_NOTE]);
    // Everything was compared: the endpoint, both path parameters, and os-change with its
    // seven members and metadata's four.
    assert_eq!((report.compared.path, report.compared.body), (2, 12));
    assert_eq!(outcome.exit, 0);
}

/// The v1 operation (images without Cloud-Init), against the spec's v1 body: adminpass,
/// keyname, userid, imageid, mode, metadata{__system__encrypted, __system__cmkid, BYOL},
/// isAutoPay. What each page reports, and why:
/// - 2018-12-19: before mode, encryption, isAutoPay and BYOL; besides, that page made `userid`
///   mandatory (later pages made it optional again) and listed a `user_data` in metadata
///   (described as a salted root password) that the v1 operation does not take: the spec
///   leaves it out on purpose, since nothing in an image without Cloud-Init could run it.
/// - 2019-12-10 … 2020-03-14: the pages dropped metadata altogether (no table 4), so
///   `metadata` itself is only in the spec, with mode and isAutoPay.
/// - 2020-08-04 … 2022-10-27: mode arrived; still no metadata and no isAutoPay.
/// - 2023-06-21: metadata is back with the encryption members; isAutoPay and BYOL still later.
/// - 2024-04-18: only BYOL, as for the cloud-init page of that date.
fn nocloudinit_expectations() -> Vec<(&'static str, BTreeSet<(String, String)>)> {
    let metadata = ("only-in-spec", "/os-change/metadata");
    let no_metadata = set(&[metadata, AUTO_PAY]);
    vec![
        (
            "2018-12-19",
            set(&[
                MODE,
                ENCRYPTED,
                CMKID,
                AUTO_PAY,
                BYOL,
                ("only-in-doc", "/os-change/metadata/user_data"),
                ("mandatory", "/os-change/userid"),
            ]),
        ),
        ("2019-12-10", set(&[MODE, metadata, AUTO_PAY])),
        ("2019-12-11", set(&[MODE, metadata, AUTO_PAY])),
        ("2020-03-14", set(&[MODE, metadata, AUTO_PAY])),
        ("2020-08-04", no_metadata.clone()),
        ("2021-09-08", no_metadata.clone()),
        ("2021-10-30", no_metadata.clone()),
        ("2022-10-27", no_metadata),
        ("2023-06-21", set(&[AUTO_PAY, BYOL])),
        ("2024-04-18", set(&[BYOL])),
    ]
}

#[test]
fn every_nocloudinit_page_reports_what_its_history_explains() {
    let Some(dir) = history() else { return };
    for (date, expected) in nocloudinit_expectations() {
        let page = dir.join(format!("{date}-changeos-nocloudinit.zh.md"));
        let (_, report) = run("ChangeServerOsWithoutCloudInit", page).unwrap_or_else(|e| panic!("{date}: {e}"));
        assert_eq!(differences(&report), expected, "{date}");
        assert_eq!(report.notes, [RESPONSE_NOTE], "{date}");
    }
    // The one mandatory flag: the 2018 page's userid.
    let (_, report) = run(
        "ChangeServerOsWithoutCloudInit",
        dir.join("2018-12-19-changeos-nocloudinit.zh.md"),
    )
    .expect("comparable");
    let userid = report
        .differences
        .iter()
        .find(|d| d.pointer == "/os-change/userid")
        .expect("userid");
    assert_eq!(
        (&userid.doc, &userid.spec),
        (&serde_json::json!(true), &serde_json::json!(false))
    );
}

/// The "job" pages of the history are the index page 查询Job状态, which only links to the page
/// of the operation (查询任务的执行状态): no table at all, so doc-diff refuses them (exit 2)
/// and says that it looks like an index page.
#[test]
fn the_job_pages_are_index_pages_and_are_refused() {
    let Some(dir) = history() else { return };
    let mut seen = 0;
    for entry in std::fs::read_dir(&dir).expect("readable").flatten() {
        let name = entry.file_name().to_string_lossy().into_owned();
        if !name.ends_with("-job.zh.md") {
            continue;
        }
        seen += 1;
        match run("ShowJob", entry.path()) {
            Err(e @ DocDiffError::NoParameterTable { .. }) => {
                let message = e.to_string();
                assert!(message.contains("it holds no table at all"), "{name}: {message}");
                assert!(message.contains("查询任务的执行状态.md"), "{name}: {message}");
            }
            Err(other) => panic!("{name}: unexpected error {other}"),
            Ok((_, report)) => panic!("{name}: compared a page without tables: {report:#?}"),
        }
    }
    assert_eq!(seen, 6, "six versions of the job page");
}
