//! An example of a project's own snapshot tests of the change-OS requests it sends, written
//! as a user of `changeos-models` writes them. The project's `Cargo.toml` has:
//!
//! ```toml
//! [dependencies]
//! changeos-models = "0.1"
//!
//! [dev-dependencies]
//! changeos-models = { version = "0.1", features = ["insta"] }   # ready-made redactions
//! insta = { version = "1", features = ["json"] }
//! ```
//!
//! Requests are built with the typed builders, which refuse what the API would refuse. A
//! snapshot never stores a password: either snapshot the canonical form (`Canonical`), or
//! snapshot the request itself inside the ready-made insta settings (`insta_settings()`),
//! whose redactions are generated from the spec; no selector is written by hand. The
//! passwords below are literals on purpose: tests/it/no_secrets_in_snapshots.rs proves that
//! none of them is in tests/it/snapshots/it__example_user_snapshots__*.snap.

use changeos_models::lint::Operation;
use changeos_models::models::{
    AutoPay, ChangeOsMode, ChangeServerOsMetadata, ChangeServerOsMetadataCommon, ChangeServerOsOption,
    ChangeServerOsWithCloudInitOption, ChangeServerOsWithCloudInitRequestBody, ChangeServerOsWithoutCloudInitOption,
    ChangeServerOsWithoutCloudInitRequestBody, SystemEncrypted,
};
use changeos_models::{Canonical, Violations};

const UBUNTU_IMAGE: &str = "e215580f-73ad-429d-b6f2-5433947433b0";
const WINDOWS_IMAGE: &str = "4a7f2ad1-9b5e-4f0c-8d3e-2c1b0a9f8e7d";
const DISK_KEY: &str = "83cdb52d-9ebf-4469-9cfa-e7b5b80da846";

/// The code under test: how the project builds the request that reinstalls a web server.
fn web_server_request(adminpass: &str, encrypted: bool) -> Result<ChangeServerOsWithCloudInitRequestBody, Violations> {
    let mut option = ChangeServerOsWithCloudInitOption::builder(
        ChangeServerOsOption::builder(UBUNTU_IMAGE)
            .adminpass(adminpass)
            .mode(ChangeOsMode::WithStopServer),
    );
    if encrypted {
        let metadata = ChangeServerOsMetadata::builder(
            ChangeServerOsMetadataCommon::builder()
                .system_encrypted(SystemEncrypted::Encrypted)
                .system_cmkid(DISK_KEY),
        )
        .build()?;
        option = option.metadata(metadata);
    }
    ChangeServerOsWithCloudInitRequestBody::builder(option.build()?).build()
}

/// The canonical form needs no feature: members in spec order, the password `[redacted]`.
#[test]
fn web_server_with_a_literal_password() {
    let request = web_server_request("Web.Server-Pass24", false).expect("a valid request");
    insta::assert_json_snapshot!(request.canonical());
}

/// The request itself, inside the ready-made settings: the same redactions, nothing to write.
#[test]
fn web_server_on_an_encrypted_disk() {
    let request = web_server_request("Encrypted.Disk-Pass7", true).expect("a valid request");
    ChangeServerOsWithCloudInitRequestBody::insta_settings().bind(|| {
        insta::assert_json_snapshot!(request);
    });
}

/// A placeholder is not a secret: the snapshot shows it, so a change of variable shows too.
#[test]
fn web_server_with_a_placeholder() {
    let request = web_server_request("$WEB_ADMIN_PASS", false).expect("a valid request");
    ChangeServerOsWithCloudInitRequestBody::insta_settings().bind(|| {
        insta::assert_json_snapshot!(request);
    });
}

/// A Windows server on the v1 API: its own model, its own settings.
#[test]
fn windows_server_without_cloud_init() {
    let option = ChangeServerOsWithoutCloudInitOption::builder(
        ChangeServerOsOption::builder(WINDOWS_IMAGE)
            .adminpass("Windows.Admin-Pass9")
            .is_auto_pay(AutoPay::True),
    )
    .build()
    .expect("a valid option");
    let request = ChangeServerOsWithoutCloudInitRequestBody::builder(option)
        .build()
        .expect("a valid request");
    ChangeServerOsWithoutCloudInitRequestBody::insta_settings().bind(|| {
        insta::assert_json_snapshot!(request);
    });
    // Settings of a part of the request redact that part as well.
    ChangeServerOsWithoutCloudInitOption::insta_settings().bind(|| {
        insta::assert_json_snapshot!("windows_option", request.os_change);
    });
}

/// What the builders refuse, every rule at once; the messages never hold the password.
#[test]
fn a_request_the_api_would_refuse_is_not_built() {
    let violations = ChangeServerOsWithCloudInitOption::builder(
        ChangeServerOsOption::builder("ubuntu-22.04")
            .adminpass("short")
            .keyname("KeyPair-350b"),
    )
    .build()
    .expect_err("four rules are broken");
    insta::assert_snapshot!(violations.to_string());
}

/// Payload files the project keeps as JSON: the same form as `changeos render` prints, or the
/// file's value inside the operation's settings.
#[test]
fn a_payload_file_of_the_project() {
    let payload: serde_json::Value = serde_json::from_str(include_str!(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/data/valid/cloudinit-literal-password.json"
    )))
    .expect("JSON");
    let operation = Operation::ChangeServerOsWithCloudInit;
    insta::assert_snapshot!(operation.canonical_json(&payload));
    operation.insta_settings().bind(|| {
        insta::assert_json_snapshot!("payload_file_value", payload);
    });
}
