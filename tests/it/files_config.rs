//! `[[files]]` in `changeos.toml`: which operation's body each file is, for `check` (and
//! `--fix`, `--diff`), `fmt`, `render` and `send`; `--op` on the command line wins.

use crate::common::cli::{TempDir, changeos, file_names, rules_of, summary};

const CONFIG: &str = "[[files]]\nfiles = [\"payloads/**/*.json\"]\nop = \"cloudinit\"\n\n\
                      [[files]]\nfiles = [\"payloads/v1/**/*.json\"]\nop = \"nocloudinit\"\n";

/// A password beside a key pair: an error for the v2 API, a warning for the v1 API.
const BOTH: &str = r#"{"os-change": {"adminpass": "$ADMIN_PASS", "keyname": "KeyPair-ops", "userid": "7e25b1da389f4697a79df3a0e5bd494e", "imageid": "e215580f-73ad-429d-b6f2-5433947433b0"}}"#;

/// User data: a member of the v2 API's metadata only.
const USER_DATA: &str = r#"{"os-change": {"imageid": "e215580f-73ad-429d-b6f2-5433947433b0", "keyname": "KeyPair-ops", "userid": "7e25b1da389f4697a79df3a0e5bd494e", "metadata": {"user_data": "IyEvYmluL2Jhc2gK"}}}"#;

/// In the v1 API's order (`mode` before `metadata`), which is not the v2 API's.
const V1_LAYOUT: &str = "{\n  \"os-change\": {\n    \"adminpass\": \"$ADMIN_PASS\",\n    \"imageid\": \"e215580f-73ad-429d-b6f2-5433947433b0\",\n    \"mode\": \"withStopServer\",\n    \"metadata\": {\n      \"__system__encrypted\": \"0\"\n    }\n  }\n}\n";

/// A tree with bodies of both APIs, the v1 ones under `payloads/v1/`, and a nested directory
/// to run from.
fn tree() -> TempDir {
    let dir = TempDir::new("files-config");
    dir.write("changeos.toml", CONFIG);
    dir.write("payloads/web.json", USER_DATA);
    dir.write("payloads/v1/windows.json", BOTH);
    dir.mkdir("deep/er");
    dir
}

fn rule_ids(report: &serde_json::Value, index: usize) -> Vec<String> {
    rules_of(report, index).into_iter().map(|(rule, _)| rule).collect()
}

#[test]
fn check_takes_each_files_operation_from_the_config() {
    let dir = tree();
    let ran = changeos(["check", "--format", "json", "payloads"])
        .current_dir(dir.path())
        .run();
    ran.expect_code(0);
    let report = ran.json();
    assert_eq!(file_names(&report), ["payloads/v1/windows.json", "payloads/web.json"]);
    assert_eq!(report["files"][0]["op"], "nocloudinit");
    assert_eq!(report["files"][1]["op"], "cloudinit");
    assert_eq!(
        rules_of(&report, 0),
        [("adminpass-keyname-both-v1".to_owned(), "warning".to_owned())]
    );
    assert!(rule_ids(&report, 1).is_empty(), "{report}");
    // The globs are the config's directory's, wherever changeos runs and however the path is
    // written.
    let ran = changeos(["check", "--format", "json", "../../payloads/v1/./windows.json"])
        .current_dir(dir.join("deep/er"))
        .run();
    ran.expect_code(0);
    assert_eq!(rule_ids(&ran.json(), 0), ["adminpass-keyname-both-v1"]);
}

#[test]
fn op_on_the_command_line_wins_over_the_config() {
    let dir = tree();
    let ran = changeos(["check", "--op", "cloudinit", "--format", "json", "payloads"])
        .current_dir(dir.path())
        .run();
    ran.expect_code(1);
    assert_eq!(rule_ids(&ran.json(), 0), ["adminpass-keyname-exclusive"]);
    assert_eq!(ran.json()["files"][0]["op"], "cloudinit");
    let ran = changeos(["check", "--op", "nocloudinit", "--format", "json", "payloads"])
        .current_dir(dir.path())
        .run();
    ran.expect_code(1);
    assert_eq!(rule_ids(&ran.json(), 1), ["unknown-member"]);
}

#[test]
fn without_a_mapping_a_file_is_a_body_of_the_default_operation() {
    let dir = tree();
    // No config: every file is a v2 body.
    let ran = changeos(["check", "--no-config", "--format", "json", "payloads"])
        .current_dir(dir.path())
        .run();
    ran.expect_code(1);
    assert_eq!(rule_ids(&ran.json(), 0), ["adminpass-keyname-exclusive"]);
    // A file outside every glob, and standard input, which has no path to match.
    dir.write("other/windows.json", BOTH);
    let ran = changeos(["check", "--format", "json", "other/windows.json"])
        .current_dir(dir.path())
        .run();
    ran.expect_code(1);
    assert_eq!(rule_ids(&ran.json(), 0), ["adminpass-keyname-exclusive"]);
    let ran = changeos(["check", "--format", "json", "-"])
        .current_dir(dir.path())
        .stdin(BOTH)
        .run();
    ran.expect_code(1);
    assert_eq!(rule_ids(&ran.json(), 0), ["adminpass-keyname-exclusive"]);
}

#[test]
fn fixes_and_diffs_follow_each_files_operation() {
    let dir = tree();
    // `userData` is `user_data` misspelt for the v2 API, and no member at all for the v1 API,
    // so only the v2 body gets the rename.
    let misspelt = USER_DATA.replace("user_data", "userData");
    dir.write("payloads/web.json", &misspelt);
    dir.write("payloads/v1/data.json", &misspelt);
    let ran = changeos(["check", "--diff", "payloads"]).current_dir(dir.path()).run();
    ran.expect_code(1);
    assert!(ran.stdout.contains("+++ payloads/web.json"), "{}", ran.all());
    assert!(!ran.stdout.contains("payloads/v1/data.json"), "{}", ran.all());
    let ran = changeos(["check", "--fix", "--format", "json", "payloads"])
        .current_dir(dir.path())
        .run();
    ran.expect_code(1);
    let fixed = std::fs::read_to_string(dir.join("payloads/web.json")).expect("the fixed file");
    assert!(fixed.contains("\"user_data\""), "{fixed}");
    let left = std::fs::read_to_string(dir.join("payloads/v1/data.json")).expect("the v1 file");
    assert_eq!(left, misspelt);
    let report = ran.json();
    assert_eq!(summary(&report).0, 3);
    assert_eq!(report["files"][0]["op"], "nocloudinit", "--fix says the operation too");
    assert_eq!(rule_ids(&report, 0), ["unknown-member"]);
}

#[test]
fn fmt_lays_each_file_out_in_its_operations_order() {
    let dir = tree();
    dir.write("payloads/v1/windows.json", V1_LAYOUT);
    // In the v1 order already: nothing to change.
    changeos(["fmt", "--check", "payloads/v1/windows.json"])
        .current_dir(dir.path())
        .run()
        .expect_code(0);
    // As a v2 body (the default without the config, or --op), it would move.
    for args in [["--no-config", "--check"], ["--op=cloudinit", "--check"]] {
        let ran = changeos(["fmt"])
            .args(args)
            .args(["payloads/v1/windows.json"])
            .current_dir(dir.path())
            .run();
        ran.expect_code(1).says("payloads/v1/windows.json");
    }
    // --config names the config to take the sections of.
    std::fs::rename(dir.join("changeos.toml"), dir.join("elsewhere.toml")).expect("rename");
    changeos(["fmt", "--check", "payloads/v1/windows.json"])
        .current_dir(dir.path())
        .run()
        .expect_code(1);
    changeos([
        "fmt",
        "--check",
        "--config",
        "elsewhere.toml",
        "payloads/v1/windows.json",
    ])
    .current_dir(dir.path())
    .run()
    .expect_code(0);
}

#[test]
fn render_orders_and_redacts_by_the_files_operation() {
    let dir = tree();
    dir.write("payloads/v1/windows.json", V1_LAYOUT);
    let mapped = changeos(["render", "payloads/v1/windows.json"])
        .current_dir(dir.path())
        .run();
    mapped.expect_code(0);
    assert_eq!(mapped.stdout, V1_LAYOUT);
    let given = changeos(["render", "--op", "cloudinit", "payloads/v1/windows.json"])
        .current_dir(dir.path())
        .run();
    given.expect_code(0);
    assert!(
        given.stdout.find("\"metadata\"") < given.stdout.find("\"mode\""),
        "{}",
        given.stdout
    );
    let unmapped = changeos(["render", "--no-config", "payloads/v1/windows.json"])
        .current_dir(dir.path())
        .run();
    assert_eq!(unmapped.stdout, given.stdout);
}

#[test]
fn send_calls_the_files_operation() {
    let dir = tree();
    let dry_run = |extra: &[&str]| {
        changeos([
            "send",
            "--dry-run",
            "--date",
            "20240101T000000Z",
            "--server-id",
            "s",
            "--project-id",
            "p",
            "--endpoint",
            "https://ecs.example.com",
        ])
        .args(extra)
        .args(["payloads/v1/windows.json"])
        .current_dir(dir.path())
        .env("HUAWEICLOUD_SDK_AK", "AKEXAMPLE")
        .env("HUAWEICLOUD_SDK_SK", "SKEXAMPLE")
        .env("ADMIN_PASS", "Ch4nge-0s-Example")
        .run()
    };
    let ran = dry_run(&[]);
    ran.expect_code(0)
        .says("POST https://ecs.example.com/v1/p/cloudservers/s/changeos");
    // As a v2 body the same payload breaks a rule, and nothing is built.
    let ran = dry_run(&["--op", "cloudinit"]);
    ran.expect_code(1).says("error[adminpass-keyname-exclusive]");
    assert!(!ran.stdout.contains("POST "), "{}", ran.all());
}

#[test]
fn a_broken_config_stops_fmt_and_render_too() {
    let dir = tree();
    dir.write(
        "changeos.toml",
        "[[files]]\nfiles = [\"payloads/v1/**\"]\nop = \"v1\"\n",
    );
    dir.write("payloads/v1/windows.json", V1_LAYOUT);
    // Even with --op, which leaves the config nothing to choose: a config that cannot be read
    // is said rather than passed over.
    for command in [["fmt", "--check"], ["render", "--color=never"]] {
        let ran = changeos(command)
            .args(["--op=nocloudinit", "payloads/v1/windows.json"])
            .current_dir(dir.path())
            .run();
        ran.expect_code(2)
            .says("changeos.toml: unknown op `v1` in [[files]] #1 (the ops are cloudinit, nocloudinit)");
        assert!(ran.stdout.is_empty(), "{}", ran.all());
        changeos(command)
            .args(["--no-config", "--op=nocloudinit", "payloads/v1/windows.json"])
            .current_dir(dir.path())
            .run()
            .expect_code(0);
    }
}
