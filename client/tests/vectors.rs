//! Conformance: the signer must reproduce every vector computed by the official SDK's signer.
//!
//! The vectors live in `tests/data/sdk-hmac-sha256-vectors.json`, a byte-identical copy of
//! `shared/conformance/sdk-hmac-sha256-vectors.json` (the `shared` folder beside the checkout),
//! so the suite runs from the repository alone. Each vector has its own test, every field is
//! compared, and a failure lists every differing field, not just the first.

use std::collections::BTreeSet;
use std::path::PathBuf;

use changeos_client::{Credentials, Endpoint, Method, QueryValue, RequestToSign, ResourcePath, Scheme, SdkDate, sign};
use serde_json::Value;

const IN_REPO: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/data/sdk-hmac-sha256-vectors.json");
const SHARED: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/../../shared/conformance/sdk-hmac-sha256-vectors.json"
);

/// A date far from every vector's, to show that each vector's own `X-Sdk-Date` header wins.
const UNUSED_DATE: &str = "20991231T235959Z";

fn load() -> Value {
    let text = std::fs::read_to_string(IN_REPO).unwrap_or_else(|e| panic!("cannot read {IN_REPO}: {e}"));
    let file: Value = serde_json::from_str(&text).unwrap_or_else(|e| panic!("{IN_REPO} is not JSON: {e}"));
    assert_eq!(file["algorithm"], "SDK-HMAC-SHA256");
    let count = file["count"].as_u64().expect("count");
    assert_eq!(
        file["vectors"].as_array().expect("vectors").len() as u64,
        count,
        "count disagrees"
    );
    file
}

fn vector(name: &str) -> Value {
    let file = load();
    let found = file["vectors"]
        .as_array()
        .unwrap()
        .iter()
        .find(|v| v["name"] == name)
        .cloned();
    found.unwrap_or_else(|| panic!("no vector named {name} in {IN_REPO}"))
}

fn text<'a>(v: &'a Value, key: &str) -> &'a str {
    v[key]
        .as_str()
        .unwrap_or_else(|| panic!("vector field {key} is not a string"))
}

fn headers(v: &Value) -> Vec<(String, String)> {
    // serde_json is built with preserve_order, so the object keeps the file's order.
    let object = v.as_object().expect("headers object");
    object
        .iter()
        .map(|(k, v)| (k.clone(), v.as_str().expect("header value").to_owned()))
        .collect()
}

fn request(v: &Value) -> RequestToSign {
    let scheme = match text(v, "scheme") {
        "https" => Scheme::Https,
        "http" => Scheme::Http,
        other => panic!("unknown scheme {other}"),
    };
    let endpoint = Endpoint::new(scheme, text(v, "host")).expect("endpoint");
    let method: Method = text(v, "method").parse().expect("method");
    let mut request = RequestToSign::new(method, endpoint, ResourcePath::new(text(v, "path")).expect("path"));
    for pair in v["query"].as_array().expect("query list") {
        let key = pair[0].as_str().expect("query key").to_owned();
        let value = match &pair[1] {
            Value::String(s) => QueryValue::One(s.clone()),
            Value::Array(items) => QueryValue::Many(
                items
                    .iter()
                    .map(|i| i.as_str().expect("list item").to_owned())
                    .collect(),
            ),
            other => panic!("unexpected query value {other}"),
        };
        request.query.push((key, value));
    }
    request.headers = headers(&v["headers"]);
    request.body = text(v, "body").as_bytes().to_vec();
    request
}

/// Every difference between what we compute and what the SDK computed.
fn mismatches(v: &Value) -> Vec<String> {
    let name = text(v, "name");
    let expected = &v["expected"];
    let credentials = Credentials::new(text(v, "ak"), text(v, "sk")).expect("credentials");
    let request = request(v);
    let signed = match sign(&request, &credentials, SdkDate::parse(UNUSED_DATE).unwrap()) {
        Ok(signed) => signed,
        Err(e) => return vec![format!("{name}: sign failed: {e}")],
    };

    let mut out = Vec::new();
    let mut field = |field: &str, ours: &str| {
        let theirs = text(expected, field);
        if ours != theirs {
            out.push(format!(
                "{name}: {field} differs\n  expected: {theirs:?}\n  actual:   {ours:?}"
            ));
        }
    };
    field("canonical_request", signed.canonical_request());
    field("string_to_sign", signed.string_to_sign());
    field("signed_headers", signed.signed_headers());
    field("signature", signed.signature().expose_hex());
    field("authorization", signed.authorization());
    field("uri", signed.uri());
    let sent = headers(&expected["sent_headers"]);
    if signed.headers() != sent.as_slice() {
        out.push(format!(
            "{name}: sent_headers differ\n  expected: {sent:?}\n  actual:   {:?}",
            signed.headers()
        ));
    }

    // Whatever we print must not leak the SK or the signature.
    let sk = text(v, "sk");
    let signature = text(expected, "signature");
    for (what, printed) in [
        ("credentials", format!("{credentials:?}")),
        ("request", format!("{request:?}")),
        ("signed request", format!("{signed:?}")),
    ] {
        if printed.contains(sk) || printed.contains(signature) {
            out.push(format!("{name}: Debug of the {what} shows the SK or the signature"));
        }
    }
    out
}

fn check(name: &str) {
    let problems = mismatches(&vector(name));
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

macro_rules! vector_tests {
    ($($name:ident),* $(,)?) => {
        const TESTED: &[&str] = &[$(stringify!($name)),*];
        $(
            #[test]
            fn $name() {
                check(stringify!($name));
            }
        )*
    };
}

vector_tests!(
    changeos_post,
    job_get,
    changeos_post_sdk_client,
    job_get_sdk_client,
    query_params_sorting_and_encoding,
    path_segment_needs_encoding,
    path_reserved_chars_lowercase_escapes_encoded_slash,
    header_value_surrounding_whitespace,
    header_name_with_underscore_unsigned,
    security_token_temporary_credentials,
    non_json_content_type_unsigned_payload,
    non_json_content_type_empty_body,
    host_with_port,
    minimal_get,
);

/// A vector added to the file without a test above would otherwise go unchecked.
#[test]
fn every_vector_has_a_test() {
    let file = load();
    let in_file: BTreeSet<&str> = file["vectors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| text(v, "name"))
        .collect();
    let tested: BTreeSet<&str> = TESTED.iter().copied().collect();
    assert_eq!(in_file, tested);
    assert_eq!(in_file.len(), 14);
}

/// All vectors at once, every mismatch reported: one run shows the whole picture.
#[test]
fn all_vectors_report_every_mismatch() {
    let file = load();
    let problems: Vec<String> = file["vectors"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(mismatches)
        .collect();
    assert!(
        problems.is_empty(),
        "{} mismatches:\n{}",
        problems.len(),
        problems.join("\n")
    );
}

/// The in-repo copy must stay byte-identical to the shared conformance file. Where the
/// `shared` folder is not beside the checkout there is nothing to compare, and the test says so.
#[test]
fn in_repo_copy_matches_shared_vectors() {
    let shared = PathBuf::from(SHARED);
    if !shared.exists() {
        eprintln!("note: {SHARED} is absent; skipping the comparison with the in-repo copy");
        return;
    }
    let ours = std::fs::read(IN_REPO).unwrap_or_else(|e| panic!("cannot read {IN_REPO}: {e}"));
    let theirs = std::fs::read(&shared).unwrap_or_else(|e| panic!("cannot read {SHARED}: {e}"));
    assert!(
        ours == theirs,
        "{IN_REPO} differs from {SHARED}; copy the shared file over it (they must be byte-identical)"
    );
}
