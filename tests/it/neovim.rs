//! A real client, not only our own: Neovim's built-in LSP client (the Debian package, 0.7)
//! drives `changeos lsp` on a payload with known findings (`tests/neovim/client.lua`): the
//! diagnostics it receives, the text after it applies a quick fix, then the fix-all action,
//! and after it formats.
//! `.ci/run` installs Neovim and runs this test by name; it is ignored in a plain `cargo test`,
//! which cannot count on Neovim being installed.

use std::process::Command;

use serde_json::Value;

#[test]
#[ignore = "needs Neovim: .ci/run installs it and runs this test"]
fn neovim_gets_the_findings_applies_the_fixes_and_formats() {
    let dir = std::env::temp_dir().join(format!("changeos-neovim-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("a directory");
    let payload = dir.join("payload.json");
    std::fs::write(
        &payload,
        "{\"os-change\": {\"imageId\": \"e215580f-73ad-429d-b6f2-5433947433b0\", \"keyname\": \"KeyPair-350b\", \"userid\": \"7e25b1da389f4697a79df3a0e5bd494e\", \"isAutoPay\": true}}\n",
    )
    .expect("write the payload");
    let out = dir.join("result.json");
    let script = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/neovim/client.lua");
    let status = Command::new("nvim")
        .args(["--headless", "-u", "NONE", "-c", &format!("luafile {script}")])
        .env("CHANGEOS", env!("CARGO_BIN_EXE_changeos"))
        // The set-up of docs/lsp.md runs `changeos` from PATH: this build's comes first.
        .env("PATH", search_path())
        .env("PAYLOAD", &payload)
        .env("OUT", &out)
        .status()
        .expect("nvim runs (is Neovim installed?)");
    assert!(status.success(), "nvim: {status}");
    let result: Value =
        serde_json::from_str(&std::fs::read_to_string(&out).expect("the client's result")).expect("JSON");
    let _ = std::fs::remove_dir_all(&dir);
    assert_eq!(result["errors"], serde_json::json!([]), "{result:#}");
    let mut codes: Vec<&str> = result["diagnostics"]
        .as_array()
        .expect("diagnostics")
        .iter()
        .map(|d| d["code"].as_str().expect("a code"))
        .collect();
    codes.sort_unstable();
    assert_eq!(codes, ["missing-member", "unknown-member", "wrong-type"], "{result:#}");
    // Neovim counts columns in UTF-16 units from 0: `"imageId"` starts at the 16th character.
    let unknown = result["diagnostics"]
        .as_array()
        .expect("diagnostics")
        .iter()
        .find(|d| d["code"] == "unknown-member")
        .expect("the unknown member");
    assert_eq!((unknown["lnum"].as_u64(), unknown["col"].as_u64()), (Some(0), Some(15)));
    assert_eq!(result["quickfix"], "replace `imageId` with `imageid`", "{result:#}");
    assert_eq!(
        result["after_quickfix"],
        "{\"os-change\": {\"imageid\": \"e215580f-73ad-429d-b6f2-5433947433b0\", \"keyname\": \"KeyPair-350b\", \"userid\": \"7e25b1da389f4697a79df3a0e5bd494e\", \"isAutoPay\": true}}"
    );
    assert_eq!(
        result["after_fix"],
        "{\"os-change\": {\"imageid\": \"e215580f-73ad-429d-b6f2-5433947433b0\", \"keyname\": \"KeyPair-350b\", \"userid\": \"7e25b1da389f4697a79df3a0e5bd494e\", \"isAutoPay\": \"true\"}}"
    );
    assert_eq!(
        result["after_format"],
        "{\n  \"os-change\": {\n    \"keyname\": \"KeyPair-350b\",\n    \"userid\": \"7e25b1da389f4697a79df3a0e5bd494e\",\n    \"imageid\": \"e215580f-73ad-429d-b6f2-5433947433b0\",\n    \"isAutoPay\": \"true\"\n  }\n}"
    );
}

/// PATH with this build's `changeos` first.
fn search_path() -> String {
    let binary = std::path::Path::new(env!("CARGO_BIN_EXE_changeos"));
    let dir = binary.parent().expect("the binary's directory");
    format!("{}:{}", dir.display(), std::env::var("PATH").unwrap_or_default())
}
