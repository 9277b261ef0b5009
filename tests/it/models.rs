//! The generated serde models: requests round-trip exactly and refuse what the API does not
//! define, responses parse the shapes the service sends, builders check every rule, and
//! passwords never show in `Debug`.

use crate::common;

use changeos_models::lint::Operation;
use changeos_models::models::{
    AutoPay, Byol, ChangeOsMode, ChangeServerOsMetadata, ChangeServerOsMetadataCommon, ChangeServerOsOption,
    ChangeServerOsWithCloudInitOption, ChangeServerOsWithCloudInitRequestBody, ChangeServerOsWithoutCloudInitMetadata,
    ChangeServerOsWithoutCloudInitOption, ChangeServerOsWithoutCloudInitRequestBody, ErrorBody, Job, JobIdResponse,
    JobStatus, SystemEncrypted,
};
use changeos_models::{Canonical, Violations};
use common::{CMK_ID, IMAGE_ID, KEY_NAME, USER_ID, body, read_json};
use serde_json::{Value, json};

// ---------------------------------------------------------------------------------------------
// Helpers

/// Parses a JSON value into a model type, or says why not. (Macros rather than generic
/// functions: naming the serde traits would need serde as a dev-dependency of its own.)
macro_rules! parse {
    ($ty:ty, $value:expr) => {
        serde_json::from_value::<$ty>(($value).clone()).map_err(|e| e.to_string())
    };
}

/// Parses a request body into `$ty` and serialises it back: the same members with the same
/// values, and (compared as text) in the same order, the order the SDK writes them.
macro_rules! assert_request_round_trip {
    ($ty:ty, $name:expr, $value:expr) => {{
        let value: &Value = $value;
        let model = parse!($ty, value).unwrap_or_else(|e| panic!("{}: does not parse: {e}", $name));
        let back = serde_json::to_value(&model).expect("serialises");
        assert_eq!(&back, value, "{}", $name);
        assert_eq!(
            serde_json::to_string(&back).unwrap(),
            value.to_string(),
            "{}: member order changed",
            $name
        );
        model
    }};
}

/// Parses a response body of `tests/data/responses/` and serialises it back to the same value
/// (the order of what the service sends does not matter).
macro_rules! assert_response_round_trip {
    ($ty:ty, $file:expr) => {{
        let value = read_json(&format!("tests/data/responses/{}", $file));
        let model = parse!($ty, value).unwrap_or_else(|e| panic!("{}: does not parse: {e}", $file));
        assert_eq!(serde_json::to_value(&model).expect("serialises"), value, "{}", $file);
        model
    }};
}

/// Parses a request body into the model of its operation and serialises it back.
fn assert_body_round_trip(name: &str, operation: Operation, value: &Value) {
    match operation {
        Operation::ChangeServerOsWithCloudInit => {
            assert_request_round_trip!(ChangeServerOsWithCloudInitRequestBody, name, value);
        }
        Operation::ChangeServerOsWithoutCloudInit => {
            assert_request_round_trip!(ChangeServerOsWithoutCloudInitRequestBody, name, value);
        }
    }
}

/// The key pair example with `members` set in `os-change` (replacing or adding).
fn keypair_with(members: Value) -> Value {
    let mut os_change = json!({ "keyname": KEY_NAME, "userid": USER_ID, "imageid": IMAGE_ID });
    for (key, value) in members.as_object().expect("an object") {
        os_change[key] = value.clone();
    }
    body(os_change)
}

/// The rule ids of the violations, sorted.
fn violated(violations: &Violations) -> Vec<&'static str> {
    let mut ids: Vec<&str> = violations.0.iter().map(|f| f.rule.id()).collect();
    ids.sort_unstable();
    ids
}

// ---------------------------------------------------------------------------------------------
// Requests: round trip

#[test]
fn vendor_examples_round_trip() {
    for example in common::vendor_examples() {
        assert_body_round_trip(&example.name, example.operation, &example.body);
    }
}

#[test]
fn richer_valid_payloads_round_trip() {
    for payload in common::richer_valid_payloads() {
        assert_body_round_trip(&payload.name, payload.operation, &payload.body);
    }
}

/// Every member of `os-change` and `metadata` set at once. These bodies break a cross-field
/// rule (a password and a key pair together), which the models leave to the linter: serde
/// must still carry every member through.
#[test]
fn every_member_round_trips() {
    let v2 = read_json("tests/data/every-member/cloudinit.json");
    let model = assert_request_round_trip!(ChangeServerOsWithCloudInitRequestBody, "every-member/cloudinit", &v2);
    let option = &model.os_change;
    assert_eq!(option.adminpass.as_ref().map(|p| p.expose()), Some("$ADMIN_PASS"));
    assert_eq!(option.keyname.as_deref(), Some(KEY_NAME));
    assert_eq!(option.userid.as_deref(), Some(USER_ID));
    assert_eq!(option.imageid, IMAGE_ID);
    assert_eq!(option.mode, Some(ChangeOsMode::WithStopServer));
    assert_eq!(option.is_auto_pay, Some(AutoPay::False));
    let metadata = option.metadata.as_ref().expect("metadata");
    assert_eq!(metadata.system_encrypted, Some(SystemEncrypted::Encrypted));
    assert_eq!(metadata.system_cmkid.as_deref(), Some(CMK_ID));
    assert!(metadata.user_data.is_some());
    assert_eq!(metadata.byol, Some(Byol::True));

    let v1 = read_json("tests/data/every-member/nocloudinit.json");
    let model = assert_request_round_trip!(
        ChangeServerOsWithoutCloudInitRequestBody,
        "every-member/nocloudinit",
        &v1
    );
    let metadata = model.os_change.metadata.as_ref().expect("metadata");
    assert_eq!(metadata.byol, Some(Byol::True));
    assert_eq!(model.os_change.is_auto_pay, Some(AutoPay::True));
}

// ---------------------------------------------------------------------------------------------
// Requests: what the models refuse

/// A misspelt member would otherwise be dropped without a word and the setting lost.
#[test]
fn request_models_refuse_unknown_members() {
    let cases = [
        ("imageId", keypair_with(json!({ "imageId": IMAGE_ID }))),
        ("adminPass", keypair_with(json!({ "adminPass": "$ADMIN_PASS" }))),
        ("is_auto_pay", keypair_with(json!({ "is_auto_pay": "true" }))),
        ("byol", keypair_with(json!({ "metadata": { "byol": "true" } }))),
        (
            "system__encrypted",
            keypair_with(json!({ "metadata": { "system__encrypted": "1" } })),
        ),
        (
            "os_change",
            json!({ "os-change": { "keyname": KEY_NAME, "imageid": IMAGE_ID }, "os_change": {} }),
        ),
    ];
    for (member, value) in &cases {
        for (model, result) in [
            ("v2", parse!(ChangeServerOsWithCloudInitRequestBody, value).map(drop)),
            ("v1", parse!(ChangeServerOsWithoutCloudInitRequestBody, value).map(drop)),
        ] {
            let error = result.expect_err(&format!("{model} accepted `{member}`"));
            assert!(
                error.contains(&format!("unknown field `{member}`")),
                "{model}, {member}: {error}"
            );
        }
    }
    // `user_data` exists only with cloud-init.
    let user_data = keypair_with(json!({ "metadata": { "user_data": "IyEvYmluL2Jhc2g=" } }));
    assert!(parse!(ChangeServerOsWithCloudInitRequestBody, &user_data).is_ok());
    let error = parse!(ChangeServerOsWithoutCloudInitRequestBody, &user_data).expect_err("v1 took user_data");
    assert!(error.contains("unknown field `user_data`"), "{error}");
}

/// Closed value sets refuse anything else, including the right value with the wrong type.
#[test]
fn closed_enums_refuse_other_values() {
    let cases = [
        ("mode", keypair_with(json!({ "mode": "stop" }))),
        ("mode", keypair_with(json!({ "mode": "WithStopServer" }))),
        ("isAutoPay", keypair_with(json!({ "isAutoPay": "True" }))),
        ("isAutoPay", keypair_with(json!({ "isAutoPay": true }))),
        ("BYOL", keypair_with(json!({ "metadata": { "BYOL": "false" } }))),
        (
            "__system__encrypted",
            keypair_with(json!({ "metadata": { "__system__encrypted": "true" } })),
        ),
        (
            "__system__encrypted",
            keypair_with(json!({ "metadata": { "__system__encrypted": 1 } })),
        ),
    ];
    for (member, value) in &cases {
        assert!(
            parse!(ChangeServerOsWithCloudInitRequestBody, value).is_err(),
            "v2 accepted {member}: {value}"
        );
        assert!(
            parse!(ChangeServerOsWithoutCloudInitRequestBody, value).is_err(),
            "v1 accepted {member}: {value}"
        );
    }
    // Each enum on its own names the values it takes.
    let error = parse!(ChangeOsMode, &json!("stop")).unwrap_err();
    assert!(
        error.contains("unknown variant `stop`") && error.contains("withStopServer"),
        "{error}"
    );
    assert_eq!(parse!(Byol, &json!("true")), Ok(Byol::True));
    assert!(parse!(Byol, &json!("false")).is_err());
    assert_eq!(parse!(SystemEncrypted, &json!("0")), Ok(SystemEncrypted::NotEncrypted));
    assert!(parse!(SystemEncrypted, &json!("2")).is_err());
    assert_eq!(parse!(AutoPay, &json!("false")), Ok(AutoPay::False));
    assert!(parse!(AutoPay, &json!("FALSE")).is_err());
}

#[test]
fn request_models_require_imageid_and_os_change() {
    let error = parse!(
        ChangeServerOsWithCloudInitRequestBody,
        &body(json!({ "keyname": KEY_NAME }))
    )
    .unwrap_err();
    assert!(error.contains("missing field `imageid`"), "{error}");
    let error = parse!(ChangeServerOsWithoutCloudInitRequestBody, &json!({})).unwrap_err();
    assert!(error.contains("missing field `os-change`"), "{error}");
}

// ---------------------------------------------------------------------------------------------
// Responses

#[test]
fn job_id_response_round_trips() {
    let response = assert_response_round_trip!(JobIdResponse, "job-id.json");
    assert_eq!(response.job_id.as_deref(), Some("ff8080828f5a1b2c018f6e3a4d5b0100"));
}

#[test]
fn successful_job_round_trips() {
    let job = assert_response_round_trip!(Job, "job-success.json");
    assert_eq!(job.status, Some(JobStatus::Success));
    assert_eq!(job.job_type.as_deref(), Some("changeOS"));
    assert_eq!(job.error_code, None);
    assert_eq!(job.fail_reason, None);
    let entities = job.entities.expect("entities");
    assert_eq!(
        entities.server_id.as_deref(),
        Some("c9aa197b-a6b6-4c33-b3a6-fa0b4ec50006")
    );
    assert_eq!(entities.sub_jobs_total, Some(1));
    let sub_jobs = entities.sub_jobs.expect("sub_jobs");
    assert_eq!(sub_jobs.len(), 1);
    assert_eq!(sub_jobs[0].status, Some(JobStatus::Success));
    assert_eq!(sub_jobs[0].end_time.as_deref(), Some("2024-05-13T08:24:41.980Z"));
}

#[test]
fn failed_job_round_trips() {
    let job = assert_response_round_trip!(Job, "job-fail.json");
    assert_eq!(job.status, Some(JobStatus::Fail));
    assert_eq!(job.error_code.as_deref(), Some("Ecs.0031"));
    assert!(
        job.fail_reason
            .as_deref()
            .is_some_and(|r| r.contains("could not be found"))
    );
    let sub_jobs = job.entities.and_then(|e| e.sub_jobs).expect("sub_jobs");
    let failed = &sub_jobs[0];
    assert_eq!(failed.status, Some(JobStatus::Fail));
    assert_eq!(failed.error_code.as_deref(), Some("Ecs.0031"));
    let message = failed.entities.as_ref().and_then(|e| e.errorcode_message.as_deref());
    assert!(message.is_some_and(|m| m.starts_with("Image e215580f")), "{message:?}");
}

#[test]
fn running_and_pending_payment_jobs_round_trip() {
    let running = assert_response_round_trip!(Job, "job-running.json");
    assert_eq!(running.status, Some(JobStatus::Running));
    assert_eq!(running.end_time, None);
    let pending = assert_response_round_trip!(Job, "job-pending-payment.json");
    assert_eq!(pending.status, Some(JobStatus::PendingPayment));
    assert_eq!(pending.entities.and_then(|e| e.sub_jobs), None);
}

/// A status the service adds later is kept as it is, not refused and not renamed.
#[test]
fn unknown_job_status_is_kept() {
    let job = assert_response_round_trip!(Job, "job-unknown-status.json");
    assert_eq!(job.status, Some(JobStatus::Other("ROLLING_BACK".to_owned())));
    let sub_jobs = job.entities.and_then(|e| e.sub_jobs).expect("sub_jobs");
    assert_eq!(sub_jobs[0].status, Some(JobStatus::Other("ROLLING_BACK".to_owned())));
    assert_eq!(
        serde_json::to_value(JobStatus::Other("ROLLING_BACK".to_owned())).unwrap(),
        json!("ROLLING_BACK")
    );
    // Known values never end up in `Other`, whichever way they come in.
    for value in JobStatus::VALUES {
        let status = parse!(JobStatus, json!(value)).unwrap();
        assert!(!matches!(status, JobStatus::Other(_)), "{value}");
        assert_eq!(status.as_str(), *value);
    }
}

/// When the query itself fails, ShowJob answers with `code` and `message` only. The model
/// reads that; written back, the nullable members come out as `null`.
#[test]
fn failed_job_query_parses() {
    let value = json!({ "code": "Common.0011", "message": "Invalid job ID." });
    let job = parse!(Job, value).unwrap();
    assert_eq!(job.status, None);
    assert_eq!(job.code.as_deref(), Some("Common.0011"));
    assert_eq!(job.message.as_deref(), Some("Invalid job ID."));
    assert_eq!(
        serde_json::to_value(&job).unwrap(),
        json!({ "error_code": null, "fail_reason": null, "message": "Invalid job ID.", "code": "Common.0011" })
    );
}

#[test]
fn ecs_error_body_round_trips() {
    let error = assert_response_round_trip!(ErrorBody, "error-ecs.json");
    let detail = error.error.expect("error");
    assert_eq!(detail.code.as_deref(), Some("Ecs.0005"));
    let details = detail.details.expect("details");
    assert_eq!(details.len(), 1);
    assert_eq!(details[0].code.as_deref(), Some("Ecs.0011"));
    assert_eq!(error.error_code, None);
}

#[test]
fn api_gateway_error_body_round_trips() {
    let error = assert_response_round_trip!(ErrorBody, "error-api-gateway.json");
    assert_eq!(error.error_code.as_deref(), Some("APIGW.0301"));
    assert!(error.error_msg.is_some_and(|m| m.contains("signature")));
    assert_eq!(error.request_id.as_deref(), Some("7f0c3e2a9b1d4c5e8f6a7b8c9d0e1f2a"));
    assert_eq!(error.error, None);
}

#[test]
fn code_and_message_error_body_round_trips() {
    let error = assert_response_round_trip!(ErrorBody, "error-code-message.json");
    assert_eq!(error.code.as_deref(), Some("Common.0011"));
    assert_eq!(error.message.as_deref(), Some("Invalid job ID."));
    assert_eq!((error.error, error.error_code), (None, None));
}

// ---------------------------------------------------------------------------------------------
// Builders

/// What the builders make is what the vendor's examples say, once parsed.
#[test]
fn valid_builds_equal_the_examples() {
    let password = ChangeServerOsWithCloudInitOption::builder(
        ChangeServerOsOption::builder(IMAGE_ID)
            .adminpass("$ADMIN_PASS")
            .userid(USER_ID)
            .mode(ChangeOsMode::WithStopServer),
    )
    .build()
    .expect("valid");
    let password = ChangeServerOsWithCloudInitRequestBody::builder(password)
        .build()
        .expect("valid");
    assert_eq!(
        Ok(password),
        parse!(
            ChangeServerOsWithCloudInitRequestBody,
            read_json("examples/cloudinit-password.json")
        )
    );

    let keypair = ChangeServerOsWithCloudInitOption::builder(
        ChangeServerOsOption::builder(IMAGE_ID)
            .keyname(KEY_NAME)
            .userid(USER_ID),
    )
    .build()
    .expect("valid");
    let keypair = ChangeServerOsWithCloudInitRequestBody::builder(keypair)
        .build()
        .expect("valid");
    assert_eq!(
        Ok(keypair),
        parse!(
            ChangeServerOsWithCloudInitRequestBody,
            read_json("examples/cloudinit-keypair.json")
        )
    );

    let metadata = ChangeServerOsMetadata::builder(
        ChangeServerOsMetadataCommon::builder()
            .system_encrypted(SystemEncrypted::Encrypted)
            .system_cmkid(CMK_ID),
    )
    .build()
    .expect("valid");
    let encrypted = ChangeServerOsWithCloudInitOption::builder(
        ChangeServerOsOption::builder(IMAGE_ID)
            .adminpass("$ADMIN_PASS")
            .userid(USER_ID),
    )
    .metadata(metadata)
    .build()
    .expect("valid");
    let encrypted = ChangeServerOsWithCloudInitRequestBody::builder(encrypted)
        .build()
        .expect("valid");
    assert_eq!(
        Ok(encrypted),
        parse!(
            ChangeServerOsWithCloudInitRequestBody,
            read_json("examples/cloudinit-encrypted.json")
        )
    );

    let v1 = ChangeServerOsWithoutCloudInitOption::builder(
        ChangeServerOsOption::builder(IMAGE_ID)
            .adminpass("$ADMIN_PASS")
            .mode(ChangeOsMode::WithStopServer),
    )
    .build()
    .expect("valid");
    let v1 = ChangeServerOsWithoutCloudInitRequestBody::builder(v1)
        .build()
        .expect("valid");
    assert_eq!(
        Ok(v1),
        parse!(
            ChangeServerOsWithoutCloudInitRequestBody,
            read_json("examples/nocloudinit-password.json")
        )
    );
}

/// A failed build lists every error, not the first, so that one fix round is enough.
#[test]
fn invalid_build_lists_every_error() {
    let violations = ChangeServerOsWithCloudInitOption::builder(
        ChangeServerOsOption::builder("CentOS 7.9 64bit")
            .adminpass("short")
            .keyname(KEY_NAME)
            .userid(USER_ID),
    )
    .build()
    .expect_err("four rules are broken");
    assert_eq!(
        violated(&violations),
        [
            "adminpass-classes",
            "adminpass-keyname-exclusive",
            "adminpass-length",
            "imageid-uuid"
        ]
    );
    assert!(
        violations
            .0
            .iter()
            .all(|f| f.severity == changeos_models::Severity::Error)
    );

    // The metadata builder and the v1 builder check their own rules too.
    let violations = ChangeServerOsMetadata::builder(
        ChangeServerOsMetadataCommon::builder()
            .system_encrypted(SystemEncrypted::NotEncrypted)
            .system_cmkid("alias/disk-key"),
    )
    .user_data("IyEv Ymlu")
    .build()
    .expect_err("two rules are broken");
    // A key beside "0" is a warning (no source says what the service does), and warnings
    // do not stop a build.
    assert_eq!(violated(&violations), ["cmkid-length", "user-data-base64"]);

    let violations = ChangeServerOsWithoutCloudInitOption::builder(
        ChangeServerOsOption::builder(IMAGE_ID).mode(ChangeOsMode::WithStopServer),
    )
    .build()
    .expect_err("no login method");
    assert_eq!(violated(&violations), ["adminpass-or-keyname-required"]);
}

/// Warnings are for doubtful cases: they are reported by `lint` but never stop a build.
#[test]
fn warnings_do_not_stop_a_build() {
    let option = ChangeServerOsWithCloudInitOption::builder(ChangeServerOsOption::builder(IMAGE_ID).keyname(KEY_NAME))
        .build()
        .expect("a warning only");
    let rules: Vec<&str> = option.lint().iter().map(|f| f.rule.id()).collect();
    assert_eq!(rules, ["keyname-without-userid"]);

    let both = ChangeServerOsWithoutCloudInitOption::builder(
        ChangeServerOsOption::builder(IMAGE_ID)
            .adminpass("Cloud~Pass#2024*")
            .keyname(KEY_NAME)
            .userid(USER_ID),
    )
    .build()
    .expect("warnings only");
    let mut rules: Vec<&str> = both.lint().iter().map(|f| f.rule.id()).collect();
    rules.sort_unstable();
    assert_eq!(rules, ["adminpass-doubtful-chars", "adminpass-keyname-both-v1"]);
}

// ---------------------------------------------------------------------------------------------
// Secrets

/// Logging a request with `{:?}` must not log its password.
#[test]
fn debug_never_shows_the_password() {
    const SECRET: &str = "Zq7!Wm3@Kp9$Rt";
    let option = ChangeServerOsWithCloudInitOption::builder(
        ChangeServerOsOption::builder(IMAGE_ID)
            .adminpass(SECRET)
            .userid(USER_ID),
    );
    let option_debug = format!("{option:?} {option:#?}");
    let option = option.build().expect("valid");
    let request = ChangeServerOsWithCloudInitRequestBody::builder(option.clone())
        .build()
        .expect("valid");
    let v1 = ChangeServerOsWithoutCloudInitOption::builder(ChangeServerOsOption::builder(IMAGE_ID).adminpass(SECRET))
        .build()
        .expect("valid");
    let parsed = parse!(
        ChangeServerOsWithoutCloudInitRequestBody,
        body(json!({ "adminpass": SECRET, "imageid": IMAGE_ID }))
    )
    .unwrap();

    let shown = [
        option_debug,
        format!("{option:?}"),
        format!("{option:#?}"),
        format!("{request:?}"),
        format!("{request:#?}"),
        format!("{v1:?}"),
        format!("{v1:#?}"),
        format!("{parsed:?}"),
        format!("{parsed:#?}"),
    ];
    for text in &shown {
        assert!(!text.contains(SECRET), "the password leaked: {text}");
        assert!(text.contains("[redacted]"), "the password member vanished: {text}");
    }
    // The value is still there for the request that is sent.
    assert!(serde_json::to_string(&request).unwrap().contains(SECRET));
    assert_eq!(request.os_change.adminpass.as_ref().map(|p| p.expose()), Some(SECRET));

    // A failed build reports its violations without the password either.
    let weak = "weakpassword";
    let violations =
        ChangeServerOsWithCloudInitOption::builder(ChangeServerOsOption::builder(IMAGE_ID).adminpass(weak))
            .build()
            .unwrap_err();
    for text in [
        format!("{violations}"),
        format!("{violations:?}"),
        format!("{violations:#?}"),
    ] {
        assert!(!text.contains(weak), "the password leaked: {text}");
    }
}

// ---------------------------------------------------------------------------------------------
// The canonical form (for snapshots)

/// The canonical text of a request body parsed into its model, and of the same body as JSON.
fn canonical_texts(operation: Operation, value: &Value) -> (String, String) {
    let typed = match operation {
        Operation::ChangeServerOsWithCloudInit => parse!(ChangeServerOsWithCloudInitRequestBody, value)
            .expect("parses")
            .canonical_json(),
        Operation::ChangeServerOsWithoutCloudInit => parse!(ChangeServerOsWithoutCloudInitRequestBody, value)
            .expect("parses")
            .canonical_json(),
    };
    (typed, operation.canonical_json(value))
}

/// A model and its JSON have one canonical form, in the spec's order (the order the models
/// serialise in), absent members left out.
#[test]
fn typed_requests_and_their_json_have_one_canonical_form() {
    let mut payloads = common::vendor_examples();
    payloads.extend(common::richer_valid_payloads());
    for payload in &payloads {
        let (typed, json) = canonical_texts(payload.operation, &payload.body);
        assert_eq!(typed, json, "{}", payload.name);
        assert!(
            typed.ends_with("}\n") && !typed.contains("null"),
            "{}: {typed}",
            payload.name
        );
    }
    let v2 = read_json("tests/data/every-member/cloudinit.json");
    let (typed, json) = canonical_texts(Operation::ChangeServerOsWithCloudInit, &v2);
    assert_eq!(typed, json);
    assert_eq!(
        serde_json::from_str::<Value>(&typed).unwrap(),
        v2,
        "every member is kept, the placeholder too"
    );
}

/// Every secret is `[redacted]`, in a model at every level of nesting; placeholders stay.
#[test]
fn canonical_form_redacts_passwords_and_keeps_placeholders() {
    const SECRET: &str = "Canon.Pass-2024";
    let option = ChangeServerOsWithCloudInitOption::builder(ChangeServerOsOption::builder(IMAGE_ID).adminpass(SECRET))
        .build()
        .expect("valid");
    let request = ChangeServerOsWithCloudInitRequestBody::builder(option.clone())
        .build()
        .expect("valid");
    assert_eq!(
        option.canonical(),
        json!({ "adminpass": "[redacted]", "imageid": IMAGE_ID })
    );
    assert_eq!(
        request.canonical(),
        body(json!({ "adminpass": "[redacted]", "imageid": IMAGE_ID }))
    );
    assert!(!request.canonical_json().contains(SECRET));
    // The request still sends the password: only the canonical form hides it.
    assert_eq!(request.os_change.adminpass.as_ref().map(|p| p.expose()), Some(SECRET));

    for placeholder in ["$ADMIN_PASS", "${ADMIN_PASS}"] {
        let v1 = ChangeServerOsWithoutCloudInitOption::builder(
            ChangeServerOsOption::builder(IMAGE_ID).adminpass(placeholder),
        )
        .build()
        .expect("valid");
        assert_eq!(v1.canonical()["adminpass"], json!(placeholder));
    }
}

/// The generated insta selectors of every request model and operation parse (insta panics on
/// one that does not), and reach exactly the secret members.
#[test]
fn every_request_model_has_insta_settings() {
    fn selectors<T: Canonical>() -> Vec<String> {
        let _ = T::insta_settings();
        T::redaction_selectors()
    }
    assert_eq!(
        selectors::<ChangeServerOsWithCloudInitRequestBody>(),
        [r#"["os-change"].adminpass"#]
    );
    assert_eq!(
        selectors::<ChangeServerOsWithoutCloudInitRequestBody>(),
        [r#"["os-change"].adminpass"#]
    );
    assert_eq!(selectors::<ChangeServerOsWithCloudInitOption>(), [".adminpass"]);
    assert_eq!(selectors::<ChangeServerOsWithoutCloudInitOption>(), [".adminpass"]);
    assert!(selectors::<ChangeServerOsMetadata>().is_empty());
    assert!(selectors::<ChangeServerOsWithoutCloudInitMetadata>().is_empty());
    for operation in Operation::ALL {
        let _ = operation.insta_settings();
        // The same members as the shape of its body marks (the one description of secrets).
        assert_eq!(
            operation.redaction_selectors(),
            [r#"["os-change"].adminpass"#],
            "{}",
            operation.id()
        );
    }
}

// ---------------------------------------------------------------------------------------------
// The runtime, as a user of the models sees it

/// A user of the models names what they give back through `changeos_models::runtime`, with no
/// dependency of their own on `changeos-runtime`: a finding's place is a `Pointer`, printed
/// escaped and read back unescaped.
#[test]
fn the_runtime_is_reexported_for_users_of_the_models() {
    use changeos_models::runtime::pointer::Pointer;

    let findings = Operation::ChangeServerOsWithCloudInit.lint(&json!({"os-change": {"image/id~": "x"}}));
    let places: Vec<&Pointer> = findings.iter().map(|f| &f.pointer).collect();
    let unknown = places
        .iter()
        .find(|p| p.last().as_deref() == Some("image/id~"))
        .unwrap_or_else(|| panic!("no finding at the unknown member: {findings:#?}"));
    assert_eq!(unknown.to_string(), "/os-change/image~1id~0");
    assert_eq!(**unknown, Pointer::root().member("os-change").member("image/id~"));
}

// ---------------------------------------------------------------------------------------------
// Values that parse

/// The error of parsing a JSON value into `$ty`, as text.
macro_rules! refused {
    ($ty:ty, $value:expr) => {
        parse!($ty, $value).expect_err(concat!(stringify!($ty), " accepted it"))
    };
}

/// A wrong value of each constrained type is refused when it is parsed, alone or in a body,
/// and the refusal names the rule it breaks.
#[test]
fn invalid_values_fail_at_parse_time_with_the_rules_id() {
    use changeos_models::{CmkId, ImageId, UserData};

    let cmk_35 = &CMK_ID[..35];
    let cases = [
        ("imageid-uuid", json!({ "imageid": "CentOS 7.9 64bit" })),
        ("cmkid-length", json!({ "metadata": { "__system__cmkid": cmk_35 } })),
        ("user-data-base64", json!({ "metadata": { "user_data": "IyEv Ymlu" } })),
        (
            "encrypted-value",
            json!({ "metadata": { "__system__encrypted": "yes" } }),
        ),
        ("mode-value", json!({ "mode": "stop" })),
        ("isautopay-value", json!({ "isAutoPay": "TRUE" })),
        ("adminpass-length", json!({ "adminpass": "Sh0rt!" })),
    ];
    for (rule, members) in cases {
        let value = keypair_with(members);
        let error = refused!(ChangeServerOsWithCloudInitRequestBody, &value);
        assert!(error.contains(&format!("{rule}: ")), "{rule}: {error}");
    }

    let error = ImageId::try_from("CentOS 7.9 64bit").unwrap_err();
    assert_eq!(error.rule().id(), "imageid-uuid");
    assert_eq!(
        error.to_string(),
        "imageid-uuid: `ImageId` must be an image ID in UUID form (8-4-4-4-12 hexadecimal digits)"
    );
    let error = cmk_35.parse::<CmkId>().unwrap_err();
    assert_eq!(error.rule().id(), "cmkid-length");
    assert!(error.message().contains("36"), "{error}");
    assert_eq!(UserData::new("IyEv Ymlu").unwrap_err().rule().id(), "user-data-base64");
    let error = refused!(UserData, json!("%%%"));
    assert!(error.starts_with("user-data-base64: "), "{error}");
    let error = refused!(SystemEncrypted, json!("yes"));
    assert!(
        error.contains("unknown variant `yes`") && error.contains("encrypted-value"),
        "{error}"
    );
    assert_eq!(
        "yes".parse::<SystemEncrypted>().unwrap_err().rule().id(),
        "encrypted-value"
    );
}

/// Newtypes convert every usual way, and parse only on the way in.
#[test]
fn newtypes_convert_like_strings() {
    use changeos_models::{ImageId, KeyName};

    let id: ImageId = IMAGE_ID.parse().expect("a UUID");
    assert_eq!(id, IMAGE_ID);
    assert_eq!(id.as_str(), IMAGE_ID);
    assert_eq!(AsRef::<str>::as_ref(&id), IMAGE_ID);
    assert_eq!(&*id, IMAGE_ID, "Deref to str");
    assert_eq!(id.to_string(), IMAGE_ID);
    assert_eq!(format!("{id:?}"), format!("ImageId(\"{IMAGE_ID}\")"));
    assert_eq!(ImageId::try_from(IMAGE_ID.to_owned()), Ok(id.clone()));
    assert_eq!(String::from(id.clone()), IMAGE_ID);
    assert_eq!(serde_json::to_value(&id).unwrap(), json!(IMAGE_ID));
    // A builder takes the type itself as well as text.
    let option = ChangeServerOsWithCloudInitOption::builder(
        ChangeServerOsOption::builder(id.clone())
            .keyname(KeyName::new(KEY_NAME).unwrap())
            .userid(USER_ID),
    )
    .build()
    .expect("valid");
    assert_eq!(option.imageid, id);
    // A warning does not refuse a value: an empty key name only warns (`too-short`).
    let empty = KeyName::new("").expect("a warning only");
    assert_eq!(empty.as_str(), "");
    let option = ChangeServerOsWithCloudInitOption::builder(
        ChangeServerOsOption::builder(IMAGE_ID).keyname(empty).userid(USER_ID),
    )
    .build()
    .expect("a warning only");
    let rules: Vec<&str> = option.lint().iter().map(|f| f.rule.id()).collect();
    assert_eq!(rules, ["too-short"]);
}

/// The password's type keeps placeholders, never shows the value (not in its errors either),
/// and refuses only on errors of the password policy.
#[test]
fn the_password_type_is_secret_and_takes_placeholders() {
    use changeos_models::AdminPassword;

    const SECRET: &str = "Zq7!Wm3@Kp9$Rt";
    let password = AdminPassword::new(SECRET).expect("valid");
    assert_eq!(password.expose(), SECRET);
    assert_eq!(password.as_secret().expose(), SECRET);
    assert_eq!(password.to_string(), "[redacted]");
    assert_eq!(
        format!("{password:?} {password:#?}"),
        "AdminPassword([redacted]) AdminPassword([redacted])"
    );
    assert!(!password.is_placeholder());
    for placeholder in ["$ADMIN_PASS", "${ADMIN_PASS}"] {
        let p: AdminPassword = placeholder.parse().expect("a placeholder");
        assert!(p.is_placeholder());
        assert_eq!(p.expose(), placeholder);
    }
    // `~ # *` only warn (`adminpass-doubtful-chars`): the value parses.
    assert!(AdminPassword::new("Cloud~Pass#2024*").is_ok());
    let weak = "weakpassword";
    let error = AdminPassword::new(weak).unwrap_err();
    assert_eq!(error.rule().id(), "adminpass-classes");
    let error_via_serde = refused!(AdminPassword, json!(weak));
    for text in [error.to_string(), format!("{error:?}"), error_via_serde] {
        assert!(!text.contains(weak), "the password leaked: {text}");
    }
}

/// A set the vendor extends keeps new values; closed ones refuse them with their rule, even
/// when the rule is only a warning for the linter: the type has no variant to hold it.
#[test]
fn open_and_closed_value_sets() {
    assert_eq!(
        "ROLLING_BACK".parse::<JobStatus>(),
        Ok(JobStatus::Other("ROLLING_BACK".to_owned()))
    );
    assert_eq!("RUNNING".parse::<JobStatus>(), Ok(JobStatus::Running));
    assert_eq!(JobStatus::PendingPayment.to_string(), "PENDING_PAYMENT");
    assert_eq!(
        "withStopServer".parse::<ChangeOsMode>(),
        Ok(ChangeOsMode::WithStopServer)
    );
    assert_eq!(AutoPay::try_from("true"), Ok(AutoPay::True));
    let byol = "false".parse::<Byol>().unwrap_err();
    assert_eq!(byol.rule().id(), "byol-value");
    assert_eq!(byol.rule().severity, changeos_models::Severity::Warning);
}

/// `lint()` of a model and the linter on its JSON are one: the same findings in the same
/// order on every example and on every rule's own examples from the catalog. A body the model
/// refuses breaks a rule of error severity (or the shape of the type), or holds a value a
/// closed set has no variant for.
#[test]
fn typed_lint_agrees_with_the_json_linter() {
    let mut bodies: Vec<(String, Operation, Value)> = common::vendor_examples()
        .into_iter()
        .chain(common::richer_valid_payloads())
        .map(|p| (p.name, p.operation, p.body))
        .collect();
    for rule in changeos_models::catalog::RULES {
        let operation = Operation::from_id(rule.operation).expect("the rule's operation");
        for text in [rule.bad, rule.good] {
            bodies.push((rule.id.to_owned(), operation, serde_json::from_str(text).expect("JSON")));
        }
    }
    let mut parsed = 0;
    for (name, operation, value) in &bodies {
        let json = operation.lint(value);
        let typed = match operation {
            Operation::ChangeServerOsWithCloudInit => {
                parse!(ChangeServerOsWithCloudInitRequestBody, value).map(|m| m.lint())
            }
            Operation::ChangeServerOsWithoutCloudInit => {
                parse!(ChangeServerOsWithoutCloudInitRequestBody, value).map(|m| m.lint())
            }
        };
        match typed {
            Ok(typed) => {
                parsed += 1;
                assert_eq!(typed, json, "{name}: {value}");
            }
            // A closed set whose rule is a warning (`BYOL` other than "true") has no variant
            // for the value: the refusal names that rule.
            Err(error) => assert!(
                json.iter()
                    .any(|f| f.severity == changeos_models::Severity::Error
                        || error.contains(&format!("{}: ", f.rule.id()))),
                "{name}: the model refused {value} ({error}), the linter finds no error"
            ),
        }
    }
    assert!(
        parsed > bodies.len() / 2,
        "only {parsed} of {} bodies parsed",
        bodies.len()
    );
}

/// An `os-change` object of members drawn from good and bad values (each may be absent):
/// bodies that parse, bodies that break rules across members, values that only warn.
fn os_change_members() -> impl proptest::strategy::Strategy<Value = Value> {
    use proptest::prelude::*;

    /// Absent, one of the good values, or (less often) one of the bad ones.
    fn member(
        good: &'static [&'static str],
        bad: &'static [&'static str],
    ) -> impl Strategy<Value = Option<&'static str>> {
        let value = if bad.is_empty() {
            prop::sample::select(good).boxed()
        } else {
            prop_oneof![4 => prop::sample::select(good), 1 => prop::sample::select(bad)].boxed()
        };
        prop::option::of(value)
    }
    let metadata = (
        member(&["0", "1"], &["2"]),
        member(&[CMK_ID], &["83cdb52d-9ebf-4469-9cfa-e7b5b80da84"]),
        member(&["IyEvYmluL2Jhc2gK", "IyEv\nYmlu"], &["IyEv Ymlu"]),
        member(&["true"], &["false"]),
    );
    let os_change = (
        member(
            &["$ADMIN_PASS", "Zq7!Wm3@Kp9$Rt", "Cloud~Pass#2024*", "Administrator1!"],
            &["short"],
        ),
        member(&[KEY_NAME, ""], &[]),
        member(&[USER_ID], &[]),
        member(&[IMAGE_ID], &["CentOS 7.9"]).prop_map(|id| Some(id.unwrap_or(IMAGE_ID))),
        member(&["withStopServer"], &["stop"]),
        member(&["true", "false"], &[]),
        prop::option::of(metadata),
    );
    os_change.prop_map(|(adminpass, keyname, userid, imageid, mode, auto_pay, metadata)| {
        let mut o = serde_json::Map::new();
        for (key, value) in [
            ("adminpass", adminpass),
            ("keyname", keyname),
            ("userid", userid),
            ("imageid", imageid),
            ("mode", mode),
            ("isAutoPay", auto_pay),
        ] {
            if let Some(value) = value {
                o.insert(key.to_owned(), json!(value));
            }
        }
        if let Some((encrypted, cmkid, user_data, byol)) = metadata {
            let mut m = serde_json::Map::new();
            for (key, value) in [
                ("__system__encrypted", encrypted),
                ("__system__cmkid", cmkid),
                ("user_data", user_data),
                ("BYOL", byol),
            ] {
                if let Some(value) = value {
                    m.insert(key.to_owned(), json!(value));
                }
            }
            o.insert("metadata".to_owned(), Value::Object(m));
        }
        body(Value::Object(o))
    })
}

proptest::proptest! {
    #![proptest_config(crate::common::proptest_config(256))]

    /// On any mix of members, a body that the model parses lints the same typed and as JSON,
    /// and the model refuses a body only for a rule the linter reports.
    #[test]
    fn typed_lint_agrees_with_the_json_linter_on_any_mix(value in os_change_members()) {
        let json = Operation::ChangeServerOsWithCloudInit.lint(&value);
        match parse!(ChangeServerOsWithCloudInitRequestBody, &value) {
            Ok(model) => proptest::prop_assert_eq!(model.lint(), json),
            Err(error) => proptest::prop_assert!(
                json.iter().any(|f| f.severity == changeos_models::Severity::Error
                    || error.contains(&format!("{}: ", f.rule.id()))),
                "refused ({}) though the linter finds no error: {}", error, value
            ),
        }
    }
}
