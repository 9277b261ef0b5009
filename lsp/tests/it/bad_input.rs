//! Every kind of bad input of `changeos check` that a client can send as text (not UTF-8,
//! unreadable files and the like cannot be): the server publishes exactly `check`'s findings,
//! placed inside the text, and answers hover, completion, code actions and formatting anywhere
//! in it, never crashing and never silent.

use changeos_validator::{Operation, check_source};
use lsp_server::ErrorCode;
use serde_json::{Value, json};

use crate::client::{Client, TempDir};

/// The bad inputs of `tests/it/check_bad_input.rs` that are text, by name.
fn bad_inputs() -> Vec<(&'static str, String)> {
    let image = "e215580f-73ad-429d-b6f2-5433947433b0";
    let deep = format!("{{\"os-change\": {}{}}}", "[".repeat(100_000), "]".repeat(100_000));
    let unknown: String = (0..3000).map(|i| format!("\"m{i}\": 1, ")).collect();
    let repeated: String = (0..3000).map(|_| "\"imageid\": \"x\", ").collect();
    let folded: String = (0..300).map(|i| format!("\"{}\": 1, ", fold_of_imageid(i))).collect();
    vec![
        ("empty", String::new()),
        ("a NUL second, as in UTF-16 text", "{\u{0}\"os-change\": {}}".to_owned()),
        ("whitespace only", " \n\t\r\n  ".to_owned()),
        ("a byte-order mark only", "\u{feff}".to_owned()),
        (
            "a byte-order mark",
            format!("\u{feff}{{\"os-change\": {{\"imageid\": \"{image}\"}}}}"),
        ),
        (
            "a lone surrogate",
            format!("{{\"os-change\": {{\"imageid\": \"{image}\", \"keyname\": \"\\ud800\"}}}}"),
        ),
        (
            "a number out of range",
            "{\"os-change\": {\"imageid\": 1e400}}".to_owned(),
        ),
        (
            "truncated",
            format!("{{\"os-change\": {{\"imageid\": \"{image}\", \"mode\": \"with"),
        ),
        ("one brace", "{".to_owned()),
        (
            "a trailing comma",
            format!("{{\"os-change\": {{\"imageid\": \"{image}\",}}}}"),
        ),
        (
            "trailing garbage",
            format!("{{\"os-change\": {{\"imageid\": \"{image}\"}}}} garbage"),
        ),
        ("NaN", "{\"os-change\": {\"imageid\": NaN}}".to_owned()),
        ("Infinity", "{\"os-change\": {\"isAutoPay\": -Infinity}}".to_owned()),
        ("an array at the top", "[{\"os-change\": {}}]".to_owned()),
        ("a hundred thousand levels of nesting", deep),
        (
            "a one-megabyte string",
            format!("{{\"os-change\": {{\"imageid\": \"{}\"}}}}", "x".repeat(1_000_000)),
        ),
        (
            "a number with ten thousand digits",
            format!("{{\"os-change\": {{\"imageid\": {}}}}}", "9".repeat(10_000)),
        ),
        (
            "control characters",
            "{\"os-change\": {\"imageid\": \"a\u{0}\u{7}b\u{1b}[31m\"}}".to_owned(),
        ),
        (
            "thousands of unknown members",
            format!("{{\"os-change\": {{{unknown}\"imageid\": \"{image}\"}}}}"),
        ),
        (
            "thousands of repetitions of a key",
            format!("{{\"os-change\": {{{repeated}\"mode\": 1}}}}"),
        ),
        (
            "hundreds of names that fold to one spec name",
            format!("{{\"os-change\": {{{folded}\"imageid\": \"{image}\"}}}}"),
        ),
        ("random printable text", random_text(200_000)),
    ]
}

/// The `i`-th spelling of `imageid` that differs from it only in case, `-` or `_`.
fn fold_of_imageid(i: usize) -> String {
    "imageid"
        .chars()
        .enumerate()
        .map(|(at, c)| {
            if i >> (at % 7) & 1 == 1 {
                c.to_ascii_uppercase()
            } else {
                c
            }
        })
        .collect::<String>()
        + &"_".repeat(i / 128)
}

/// Printable ASCII, braces and quotes included, from a fixed seed, behind `{"os-change":` so
/// that some of it is read as members.
fn random_text(len: usize) -> String {
    let mut state: u64 = 0x9e37_79b9_7f4a_7c15;
    let mut text = String::from("{\"os-change\": ");
    while text.len() < len {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        let byte = b' ' + u8::try_from(state % 95).expect("below 95");
        text.push(char::from(byte));
    }
    text
}

fn codes(published: &Value) -> Vec<String> {
    published["diagnostics"]
        .as_array()
        .expect("diagnostics")
        .iter()
        .map(|d| d["code"].as_str().expect("a rule id").to_owned())
        .collect()
}

/// Where a position of the text may be: (line, UTF-16 length of that line), for each line.
fn line_lengths(text: &str) -> Vec<usize> {
    text.split('\n').map(|line| line.encode_utf16().count()).collect()
}

#[track_caller]
fn assert_inside(lengths: &[usize], position: &Value, name: &str) {
    let line = usize::try_from(position["line"].as_u64().expect("a line")).expect("small");
    let character = usize::try_from(position["character"].as_u64().expect("a character")).expect("small");
    assert!(
        line < lengths.len() && character <= lengths[line],
        "{name}: {position} is outside the text"
    );
}

#[test]
fn every_bad_input_gets_the_findings_of_check_placed_inside_the_text() {
    // Every `*.json` is mapped, so that even a document with no `os-change` member (empty,
    // an array) is a payload.
    let dir = TempDir::new("bad");
    std::fs::write(
        dir.0.join("changeos.toml"),
        "[[files]]\nfiles = [\"*.json\"]\nop = \"nocloudinit\"\n",
    )
    .expect("write the config");
    let uri = dir.uri("payload.json");
    let (mut client, _) = Client::start(json!({}));
    let mut version = 1;
    client.open_other(&uri, "{}");
    client.diagnostics();
    for (name, text) in bad_inputs() {
        version += 1;
        client.change_other(&uri, version, &text);
        let published = client.diagnostics();
        assert_eq!(published["version"], version, "{name}");
        let expected: Vec<String> = check_source(Operation::ChangeServerOsWithoutCloudInit, text.as_bytes())
            .diagnostics
            .iter()
            .map(|d| d.rule.id().to_owned())
            .collect();
        assert!(!expected.is_empty(), "{name} is no bad input");
        assert_eq!(codes(&published), expected, "{name}");
        let lengths = line_lengths(&text);
        for diagnostic in published["diagnostics"].as_array().expect("diagnostics") {
            assert_inside(&lengths, &diagnostic["range"]["start"], name);
            assert_inside(&lengths, &diagnostic["range"]["end"], name);
        }
        answers_everywhere(&mut client, &uri, &lengths, name);
    }
    client.stop();
}

/// Hover, completion, code actions and formatting at the start, the middle and the end of the
/// text: each answers (formatting may refuse, with the reason).
fn answers_everywhere(client: &mut Client, uri: &str, lengths: &[usize], name: &str) {
    let last = lengths.len() - 1;
    let middle = lengths.len() / 2;
    let positions = [
        json!({ "line": 0, "character": 0 }),
        json!({ "line": middle, "character": lengths[middle] / 2 }),
        json!({ "line": last, "character": lengths[last] }),
    ];
    for position in &positions {
        let at = json!({ "textDocument": { "uri": uri }, "position": position });
        client.request("textDocument/hover", at.clone());
        client.request("textDocument/completion", at);
    }
    let everything = json!({ "start": positions[0], "end": positions[2] });
    let actions = client.request(
        "textDocument/codeAction",
        json!({ "textDocument": { "uri": uri }, "range": everything, "context": { "diagnostics": [] } }),
    );
    assert!(actions.is_array() || actions.is_null(), "{name}: {actions}");
    let formatted = client.request_response(
        "textDocument/formatting",
        json!({ "textDocument": { "uri": uri }, "options": { "tabSize": 2, "insertSpaces": true } }),
    );
    if let Err(refused) = formatted.response_result {
        assert_eq!(refused.code, ErrorCode::RequestFailed as i32, "{name}");
        assert!(!refused.message.is_empty(), "{name}: a refusal says why");
        assert!(refused.message.len() < 1000, "{name}: a refusal is short");
    }
}
