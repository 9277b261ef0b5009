//! Adding an operation needs the spec and nothing else: a copy of the workspace gets the
//! sibling "reinstall OS" call (POST .../reinstallos with an `os-reinstall` body) in its spec,
//! the generator rewrites the copy's generated/, the copy's `changeos` is built, and that binary
//! checks and dry-runs payloads of the new operation.
//!
//! It builds a binary, so it is `#[ignore]`d in `cargo test` and run by its own step of
//! `.ci/run` once `cargo test` is done (`cargo test -p changeos-codegen --test it --
//! --ignored add_operation`). The copy lives at a fixed place, `target/add-operation/`, and
//! builds with the workspace's own build directory (`CARGO_BUILD_BUILD_DIR`), so that the
//! registry crates already built are reused and only the workspace's crates are compiled
//! again; its binary goes to a target directory of its own, so the workspace's
//! `target/debug/changeos` is never replaced.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use serde_json::{Value, json};

const PATH: &str = "/v2/{project_id}/cloudservers/{server_id}/reinstallos";
const NIC_PATH: &str = "/v2/{project_id}/cloudservers/{server_id}/nics/{nic_id}/reinstallos";
const CHANGE_OS: &str = "/v2/{project_id}/cloudservers/{server_id}/changeos";
const PASSWORD: &str = "Reinstall-Pass-42";
const SK: &str = "SecretKeyOfTheAddOperationTest";

#[test]
#[ignore = "builds a copy of the workspace; .ci/run runs it after cargo test"]
fn an_operation_added_to_the_spec_is_checked_and_sent_by_the_binary() {
    let workspace = Path::new(env!("CARGO_MANIFEST_DIR")).parent().expect("the workspace");
    let build_dir = build_dir();
    let place = build_dir.join("add-operation");
    let copy = place.join("workspace");
    if copy.exists() {
        std::fs::remove_dir_all(&copy).expect("the old copy goes");
    }
    copy_sources(workspace, &copy);
    add_reinstall(&copy.join("spec/ecs-changeos.openapi.json"));

    let generated =
        run(Command::new(env!("CARGO_BIN_EXE_changeos-codegen")).args(["--root".as_ref(), copy.as_os_str()]));
    expect(&generated, 0);
    assert!(
        copy.join("generated/schema/ReinstallServerWithCloudInit.request.json")
            .is_file(),
        "no schema of the new operation"
    );

    let bin = build(&copy, &build_dir, &place.join("out"));
    let changeos = |args: &[&str]| -> Output {
        run(Command::new(&bin)
            .args(args)
            .current_dir(&place)
            .env_clear()
            .env("HOME", &place)
            .env("HUAWEICLOUD_SDK_AK", "AKADDOPERATION")
            .env("HUAWEICLOUD_SDK_SK", SK)
            .env("ADMIN_PASS", PASSWORD))
    };

    // The new operation is one of the choices, explained by its method, path and summary.
    let help = changeos(&["check", "--help"]);
    expect(&help, 0);
    let help = stdout(&help);
    assert!(
        help.lines().any(|line| line.trim_start().starts_with("- reinstall:")
            && line.ends_with(&format!(" POST {PATH}: Reinstall the OS of an ECS from its own image"))),
        "{help}"
    );

    let good = place.join("reinstall-good.json");
    let good_body = json!({ "os-reinstall": { "adminpass": "$ADMIN_PASS", "mode": "withStopServer" } });
    write_json(&good, &good_body);
    let ran = changeos(&["check", "--op", "reinstall", "--format", "json", path(&good)]);
    expect(&ran, 0);

    // The new body's own rules: no image (a reinstall keeps it), a closed object, the shared
    // password and key pair rules.
    let bad = place.join("reinstall-bad.json");
    write_json(
        &bad,
        &json!({ "os-reinstall": {
            "adminpass": "short",
            "keyname": "KeyPair-350b",
            "imageid": "e215580f-73ad-429d-b6f2-5433947433b0"
        } }),
    );
    let ran = changeos(&["check", "--op", "reinstall", "--format", "json", path(&bad)]);
    expect(&ran, 1);
    let report: Value = serde_json::from_slice(&ran.stdout).expect("a JSON report");
    let found: Vec<(String, String)> = report["files"][0]["diagnostics"]
        .as_array()
        .expect("diagnostics")
        .iter()
        .map(|d| {
            (
                d["rule"].as_str().unwrap_or_default().to_owned(),
                d["pointer"].as_str().unwrap_or_default().to_owned(),
            )
        })
        .collect();
    for expected in [
        ("unknown-member", "/os-reinstall/imageid"),
        ("adminpass-length", "/os-reinstall/adminpass"),
        ("adminpass-keyname-exclusive", "/os-reinstall"),
    ] {
        assert!(
            found
                .iter()
                .any(|(rule, pointer)| (rule.as_str(), pointer.as_str()) == expected),
            "{expected:?} not in {found:?}"
        );
    }
    // The same file is fine as a change-OS body's `os-change`? No: there it lacks its member.
    let ran = changeos(&["check", "--format", "json", path(&good)]);
    expect(&ran, 1);

    let ran = changeos(&["schema", "--op", "reinstall"]);
    expect(&ran, 0);
    assert!(stdout(&ran).contains("\"os-reinstall\""), "{}", stdout(&ran));

    // The request is built from the new path template; secrets stay out of the output.
    let ran = changeos(&[
        "send",
        "--op",
        "reinstall",
        "--dry-run",
        "--server-id",
        "srv-1",
        "--project-id",
        "proj-1",
        "--endpoint",
        "https://ecs.example.com",
        "--date",
        "20240101T000000Z",
        path(&good),
    ]);
    expect(&ran, 0);
    let printed = format!("{}{}", stdout(&ran), String::from_utf8_lossy(&ran.stderr));
    assert!(
        printed.contains("POST https://ecs.example.com/v2/proj-1/cloudservers/srv-1/reinstallos"),
        "{printed}"
    );
    assert!(printed.contains("\"os-reinstall\""), "{printed}");
    assert!(printed.contains("[redacted]"), "{printed}");
    for secret in [PASSWORD, SK] {
        assert!(!printed.contains(secret), "{secret} printed: {printed}");
    }

    // An operation with a path parameter nothing fills: checked like any other, but `send`
    // refuses it with the reason, before it reads the payload or looks anything up.
    expect(&changeos(&["check", "--op", "reinstall-nic", path(&good)]), 0);
    let ran = changeos(&[
        "send",
        "--op",
        "reinstall-nic",
        "--dry-run",
        "--server-id",
        "srv-1",
        "--project-id",
        "proj-1",
        "--endpoint",
        "https://ecs.example.com",
        path(&good),
    ]);
    expect(&ran, 2);
    let said = String::from_utf8_lossy(&ran.stderr);
    assert!(
        said.contains(&format!(
            "cannot send --op reinstall-nic: the path \"{NIC_PATH}\" has the parameter {{nic_id}}, which changeos cannot fill (it fills project_id and server_id)"
        )),
        "{said}"
    );

    let ran = changeos(&["check", "--op", "reinstal", path(&good)]);
    expect(&ran, 2);
    let said = String::from_utf8_lossy(&ran.stderr);
    assert!(
        said.contains("[possible values: cloudinit, nocloudinit, reinstall, reinstall-nic]"),
        "{said}"
    );
}

/// The directory cargo builds in: the one this test binary was built in (`<dir>/debug/deps/it-…`).
fn build_dir() -> PathBuf {
    let exe = std::env::current_exe().expect("the test binary's path");
    exe.ancestors()
        .nth(3)
        .expect("the test binary is in <build dir>/<profile>/deps")
        .to_path_buf()
}

/// Everything but build output and git's files.
fn copy_sources(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).expect("a directory for the copy");
    for entry in std::fs::read_dir(from).expect("a readable directory").flatten() {
        let name = entry.file_name();
        if name == "target" || name == ".git" {
            continue;
        }
        let (source, dest) = (entry.path(), to.join(&name));
        if entry.file_type().expect("a file type").is_dir() {
            copy_sources(&source, &dest);
        } else {
            std::fs::copy(&source, &dest).unwrap_or_else(|e| panic!("{}: {e}", source.display()));
        }
    }
}

/// The reinstall call and its body, reusing the change-OS call's parameters, answers and the
/// component schemas of the password, key pair, user, mode and metadata.
fn add_reinstall(spec_path: &Path) {
    let mut spec: Value = serde_json::from_str(&std::fs::read_to_string(spec_path).expect("the spec")).expect("JSON");
    let change_os = spec["paths"][CHANGE_OS]["post"].clone();
    spec["paths"][PATH] = json!({ "post": {
        "operationId": "ReinstallServerWithCloudInit",
        "x-changeos-cli-name": "reinstall",
        "summary": "Reinstall the OS of an ECS from its own image",
        "description": "Rebuilds the system disk from the image the server already runs.",
        "parameters": change_os["parameters"],
        "requestBody": {
            "required": true,
            "content": { "application/json": { "schema": { "$ref": "#/components/schemas/ReinstallServerWithCloudInitRequestBody" } } }
        },
        "responses": change_os["responses"]
    } });
    // A second one whose path has a parameter that `send` has no option for.
    let mut nic = spec["paths"][PATH].clone();
    nic["post"]["operationId"] = json!("ReinstallServerNic");
    nic["post"]["x-changeos-cli-name"] = json!("reinstall-nic");
    nic["post"]["parameters"]
        .as_array_mut()
        .expect("parameters")
        .push(json!({ "name": "nic_id", "in": "path", "required": true, "schema": { "type": "string" } }));
    spec["paths"][NIC_PATH] = nic;
    let schemas = &mut spec["components"]["schemas"];
    schemas["ReinstallServerWithCloudInitRequestBody"] = json!({
        "type": "object",
        "description": "Request body of ReinstallServerWithCloudInit: a single `os-reinstall` member.",
        "properties": {
            "os-reinstall": { "$ref": "#/components/schemas/ReinstallServerWithCloudInitOption", "description": "How to log in after the reinstall." }
        },
        "required": ["os-reinstall"],
        "additionalProperties": false
    });
    let member = |name: &str, description: &str| json!({ "$ref": format!("#/components/schemas/{name}"), "description": description });
    schemas["ReinstallServerWithCloudInitOption"] = json!({
        "type": "object",
        "description": "The `os-reinstall` object: no image, the reinstall keeps the server's.",
        "properties": {
            "adminpass": member("AdminPassword", "Password of the administrator account."),
            "keyname": member("KeyName", "SSH key pair to inject."),
            "userid": member("UserId", "Owner of the key pair."),
            "metadata": member("ChangeServerOsMetadata", "Encryption, user data and licence."),
            "mode": member("ChangeOsMode", "`withStopServer` stops a running server first.")
        },
        "additionalProperties": false,
        "allOf": [{
            "description": "A password and a key pair cannot both be given.",
            "not": { "required": ["adminpass", "keyname"] },
            "x-rule": "adminpass-keyname-exclusive"
        }]
    });
    std::fs::write(spec_path, serde_json::to_string_pretty(&spec).expect("text")).expect("the spec is written");
}

/// `cargo build` of the copy's binary: the workspace's build directory (its registry crates
/// are reused), the copy's own target directory for the binary.
fn build(copy: &Path, build_dir: &Path, out: &Path) -> PathBuf {
    let cargo = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
    let mut command = Command::new(cargo);
    command
        .args(["build", "--locked", "-q", "-p", "changeos", "--bin", "changeos"])
        .current_dir(copy)
        .env("CARGO_BUILD_BUILD_DIR", build_dir)
        .env("CARGO_TARGET_DIR", out);
    // What `cargo test` sets for this test is not the copy's: build scripts that watch such a
    // variable (ring's watches CARGO_MANIFEST_DIR) would run again, and the crates after them
    // would be rebuilt here and then once more by the workspace's next `cargo test`.
    for (key, _) in std::env::vars_os() {
        if key.to_str().is_some_and(is_set_by_cargo_test) {
            command.env_remove(key);
        }
    }
    let built = run(&mut command);
    expect(&built, 0);
    out.join("debug")
        .join(format!("changeos{}", std::env::consts::EXE_SUFFIX))
}

/// The variables `cargo test` gives a test process (the Cargo book's "Environment variables
/// Cargo sets for crates").
fn is_set_by_cargo_test(key: &str) -> bool {
    key.starts_with("CARGO_PKG_")
        || key.starts_with("CARGO_BIN_EXE_")
        || [
            "CARGO_MANIFEST_DIR",
            "CARGO_MANIFEST_PATH",
            "CARGO_CRATE_NAME",
            "CARGO_BIN_NAME",
            "CARGO_PRIMARY_PACKAGE",
            "CARGO_TARGET_TMPDIR",
            "OUT_DIR",
        ]
        .contains(&key)
}

fn run(command: &mut Command) -> Output {
    command
        .output()
        .unwrap_or_else(|e| panic!("cannot run {:?}: {e}", command.get_program()))
}

#[track_caller]
fn expect(output: &Output, code: i32) {
    assert_eq!(
        output.status.code(),
        Some(code),
        "stdout:\n{}\nstderr:\n{}",
        stdout(output),
        String::from_utf8_lossy(&output.stderr)
    );
}

fn stdout(output: &Output) -> String {
    String::from_utf8_lossy(&output.stdout).into_owned()
}

fn path(p: &Path) -> &str {
    p.to_str().expect("a UTF-8 path")
}

fn write_json(path: &Path, value: &Value) {
    std::fs::write(path, serde_json::to_string_pretty(value).expect("text")).expect("written");
}
