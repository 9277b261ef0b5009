//! `changeos send` against the mock ECS endpoint: the lint gate, placeholders, credentials,
//! dry runs, every kind of answer and failure, and that no secret is ever printed.
//!
//! Each case asserts the exit code, the message, how many POSTs and GETs the server read (a
//! POST never twice) and, in every output format, that neither the password, the SK, the
//! tokens nor any signature the server received appears in what the command printed.

use crate::common;
use crate::mock_ecs;

use std::time::Duration;

use mock_ecs::tls::TestCa;
use mock_ecs::{
    Connection, FAST_POLL, FAST_RETRY, FORMATS, JOB, LeaksNothing, Mock, PASSWORD, PROJECT, Reply, SERVER, SK,
    UNRESOLVABLE_ENDPOINT, changeos, example, refused_endpoint,
};

/// `changeos send` of the test's server in the test's project; the rest is the caller's.
fn send_of_project() -> mock_ecs::Changeos {
    changeos(["send", "--server-id", SERVER, "--project-id", PROJECT])
}

/// `changeos send --format F` of the password example to the mock, with the test's keys.
fn send(mock: &Mock, format: &str) -> mock_ecs::Changeos {
    send_of_project()
        .args(["--endpoint", &mock.endpoint(), "--format", format])
        .args(FAST_RETRY)
        .args([example("cloudinit-password.json")])
        .keys()
}

fn send_and_wait(mock: &Mock, format: &str) -> mock_ecs::Changeos {
    send(mock, format).args(["--wait"]).args(FAST_POLL)
}

/// Every secret that a run must not print: the fixed ones plus the signatures received.
fn secrets(mock: &Mock) -> Vec<String> {
    mock.signatures()
}

// ---- accepted, and followed ---------------------------------------------------------------------

#[test]
fn accepted_prints_the_job_id_and_how_to_follow_it() {
    for format in FORMATS {
        let mock = Mock::start();
        mock.on_post(Reply::accepted());
        let ran = send(&mock, format).run();
        ran.expect_code(0).leaks_nothing(&secrets(&mock));
        assert_eq!((mock.posts(), mock.gets()), (1, 0));
        mock.assert_all_authenticated();
        if format == "json" {
            let events = ran.events();
            assert_eq!(events.len(), 1, "{}", ran.stdout);
            assert_eq!(events[0]["event"], "accepted");
            assert_eq!(events[0]["job_id"], JOB);
            assert_eq!(events[0]["http_status"], 202);
            assert_eq!(events[0]["request_id"], "mock-req-1");
        } else {
            assert_eq!(ran.stdout, format!("{JOB}\n"));
            ran.says("accepted: the change of server").says(&format!(
                "follow it with: changeos job wait {JOB} --project-id {PROJECT} --endpoint"
            ));
        }
    }
}

#[test]
fn what_the_server_receives_is_the_linted_body_with_the_password_filled_in() {
    let mock = Mock::start();
    mock.on_post(Reply::accepted());
    send(&mock, "human").run().expect_code(0);
    let requests = mock.requests();
    let post = &requests[0];
    assert_eq!(post.path, format!("/v2/{PROJECT}/cloudservers/{SERVER}/changeos"));
    let body: serde_json::Value = serde_json::from_slice(&post.body).unwrap();
    assert_eq!(body["os-change"]["adminpass"], PASSWORD);
    assert_eq!(body["os-change"]["mode"], "withStopServer");
    assert_eq!(post.header("Content-Type"), Some("application/json;charset=utf-8"));
    assert_eq!(post.header("X-Project-Id"), Some(PROJECT));
    assert!(post.header("User-Agent").unwrap().starts_with("changeos/"));
    // Nothing the SDK would not send: no Accept, no Accept-Encoding.
    assert_eq!(post.header("Accept"), None);
    assert_eq!(post.header("Accept-Encoding"), None);
}

#[test]
fn wait_follows_init_running_success() {
    for format in FORMATS {
        let mock = Mock::start();
        mock.on_post(Reply::accepted())
            .on_get(Reply::job("INIT"))
            .on_get(Reply::job("RUNNING"))
            .on_get(Reply::job("RUNNING"))
            .on_get(Reply::job("SUCCESS"));
        let ran = send_and_wait(&mock, format).run();
        ran.expect_code(0).leaks_nothing(&secrets(&mock));
        assert_eq!((mock.posts(), mock.gets()), (1, 4));
        mock.assert_all_authenticated();
        if format == "json" {
            let events = ran.events();
            let kinds: Vec<(String, String)> = events
                .iter()
                .map(|e| {
                    (
                        e["event"].as_str().unwrap().to_owned(),
                        e["status"].as_str().unwrap_or("").to_owned(),
                    )
                })
                .collect();
            assert_eq!(
                kinds,
                [
                    ("accepted".into(), "".into()),
                    ("status".into(), "INIT".into()),
                    ("status".into(), "RUNNING".into()),
                    ("status".into(), "SUCCESS".into()),
                ],
                "one line per state change"
            );
            assert_eq!(events[3]["final"], true);
            assert_eq!(events[3]["job"]["job_type"], "changeOS");
        } else {
            ran.says(&format!("job {JOB}: INIT"))
                .says(&format!("job {JOB}: RUNNING"))
                .says(&format!("job {JOB} (changeOS): SUCCESS after"));
        }
    }
}

#[test]
fn a_failed_job_exits_4_with_its_reason_and_failed_sub_jobs() {
    for format in FORMATS {
        let mock = Mock::start();
        mock.on_post(Reply::accepted())
            .on_get(Reply::job("RUNNING"))
            .on_get(Reply::job("FAIL"));
        let ran = send_and_wait(&mock, format).run();
        ran.expect_code(4)
            .says(&format!(
                "error: job {JOB} failed: Ecs.0031: Image e215580f-73ad-429d-b6f2-5433947433b0 could not be found."
            ))
            .says("sub-job ff8080828f5a1b2c018f6e5c7e8f0201 failed: Ecs.0031")
            .says("hint: the image does not exist")
            .leaks_nothing(&secrets(&mock));
        assert_eq!((mock.posts(), mock.gets()), (1, 2));
        if format == "json" {
            let events = ran.events();
            let error = events.last().unwrap();
            assert_eq!(error["event"], "error");
            assert_eq!(error["exit_code"], 4);
            assert_eq!(error["error_code"], "Ecs.0031");
            assert_eq!(error["failed_sub_jobs"][0]["error_code"], "Ecs.0031");
            assert_eq!(events[events.len() - 2]["status"], "FAIL");
        }
    }
}

#[test]
fn pending_payment_says_what_to_do_and_the_timeout_gives_the_resume_command() {
    for format in FORMATS {
        let mock = Mock::start();
        mock.on_post(Reply::accepted()).on_get(Reply::job("PENDING_PAYMENT"));
        let ran = send_and_wait(&mock, format).args(["--timeout", "300ms"]).run();
        ran.expect_code(5)
            .says("Pending payment")
            .says("isAutoPay")
            .says(&format!("job {JOB} is still PENDING_PAYMENT"))
            .says(&format!(
                "changeos job wait {JOB} --project-id {PROJECT} --endpoint {}",
                mock.endpoint()
            ))
            .leaks_nothing(&secrets(&mock));
        assert_eq!(mock.posts(), 1);
        assert!(mock.gets() >= 2, "polled until the deadline: {}", mock.gets());
        if format == "json" {
            let events = ran.events();
            assert_eq!(events[1]["status"], "PENDING_PAYMENT");
            assert!(events[1]["hint"].as_str().unwrap().contains("isAutoPay"));
            let last = events.last().unwrap();
            assert_eq!(
                (last["event"].as_str(), last["exit_code"].as_u64()),
                (Some("error"), Some(5))
            );
            assert_eq!(last["job_id"], JOB);
            assert!(last["resume"].as_str().unwrap().starts_with("changeos job wait"));
        }
    }
}

// ---- text the server controls -------------------------------------------------------------------

/// A job id that would start a GitHub workflow command and retitle the terminal, printed raw.
const INJECTED_ID: &str = "x\n::error::injected\u{1b}]0;pwned\u{7}";

/// [`INJECTED_ID`] as human output shows it.
const INJECTED_ID_SHOWN: &str = r"x\n::error::injected\u{1b}]0;pwned\u{7}";

/// A job whose every text would act on a terminal or a CI log.
fn injected_job(status: &str) -> Reply {
    let job = serde_json::json!({
        "status": status,
        "job_id": INJECTED_ID,
        "job_type": "changeOS\u{1b}[2J",
        "error_code": "Ecs.0031\n::warning::code",
        "fail_reason": "gone\r\n::error::reason\u{1b}]0;t\u{7}\u{202e}",
        "entities": {"server_id": SERVER, "sub_jobs": [
            {"status": status, "job_id": "s\n::error::sub", "fail_reason": "sub\n::error::r\u{1b}[31m"}
        ]},
    });
    Reply::json(200, &job.to_string())
}

#[test]
fn text_from_the_server_is_escaped_in_human_output() {
    let accepted = serde_json::json!({ "job_id": INJECTED_ID }).to_string();
    for format in FORMATS {
        let mock = Mock::start();
        mock.on_post(Reply::json(202, &accepted))
            .on_get(injected_job("RUNNING\u{1b}]0;status\u{7}"))
            .on_get(injected_job("FAIL"));
        let ran = send_and_wait(&mock, format).run();
        ran.expect_code(4)
            .prints_no_control_characters()
            .says(&format!(
                r"job {INJECTED_ID_SHOWN} failed: Ecs.0031\n::warning::code: gone\r\n::error::reason\u{{1b}}]0;t\u{{7}}\u{{202e}}"
            ))
            .says(r"sub-job s\n::error::sub failed: sub\n::error::r\u{1b}[31m")
            .leaks_nothing(&secrets(&mock));
        if format == "json" {
            // JSON carries the values as they are, escaped the JSON way.
            let events = ran.events();
            assert_eq!(events[0]["job_id"], INJECTED_ID);
            assert_eq!(events.last().unwrap()["job_id"], INJECTED_ID);
        } else {
            assert!(
                ran.stdout.starts_with(&format!("{INJECTED_ID_SHOWN}\n")),
                "{}",
                ran.stdout
            );
            ran.says(&format!("runs as job {INJECTED_ID_SHOWN} (HTTP 202"))
                .says(&format!(
                    r"job {INJECTED_ID_SHOWN}: RUNNING\u{{1b}}]0;status\u{{7}} (0/1 sub-jobs"
                ))
                .says(&format!(r"job {INJECTED_ID_SHOWN} (changeOS\u{{1b}}[2J): FAIL after"));
        }
    }
}

#[test]
fn the_resume_command_quotes_a_job_id_with_control_characters() {
    let accepted = serde_json::json!({ "job_id": INJECTED_ID }).to_string();
    let mock = Mock::start();
    mock.on_post(Reply::json(202, &accepted))
        .on_get(injected_job("RUNNING"));
    let ran = send_and_wait(&mock, "human").args(["--timeout", "300ms"]).run();
    // `$'...'` gives the id back byte for byte in bash and zsh, on one line.
    ran.expect_code(5).prints_no_control_characters().says(&format!(
        r"changeos job wait $'x\x0a::error::injected\x1b]0;pwned\x07' --project-id {PROJECT} --endpoint"
    ));
}

// ---- the API says no ----------------------------------------------------------------------------

#[test]
fn an_ecs_error_body_exits_3_with_code_message_request_id_and_hint() {
    let body =
        r#"{"error": {"code": "Ecs.0011", "message": "The password does not meet the complexity requirements."}}"#;
    for format in FORMATS {
        let mock = Mock::start();
        mock.on_post(Reply::json(400, body));
        let ran = send(&mock, format).run();
        ran.expect_code(3)
            .says("the API rejected the request: HTTP 400 Ecs.0011: The password does not meet the complexity requirements. (X-Request-Id mock-req-1)")
            .says("hint: the password does not meet the complexity rules")
            .leaks_nothing(&secrets(&mock));
        assert_eq!((mock.posts(), mock.gets()), (1, 0));
        if format == "json" {
            let error = &ran.events()[0];
            assert_eq!(
                (
                    error["exit_code"].as_u64(),
                    error["error_code"].as_str(),
                    error["request_id"].as_str()
                ),
                (Some(3), Some("Ecs.0011"), Some("mock-req-1"))
            );
        }
    }
}

#[test]
fn an_error_answer_with_control_characters_is_escaped() {
    let message = "bad\n::error::injected\u{1b}]0;t\u{7}";
    let body = serde_json::json!({"error": {"code": "Ecs.0005\u{1b}[2J", "message": message}}).to_string();
    for format in FORMATS {
        // A rejection (exit 3), and a gateway's 502 whose outcome is unknown (exit 6).
        for (status, code) in [(400, 3), (502, 6)] {
            let mock = Mock::start();
            mock.on_post(Reply::json(status, &body));
            let ran = send(&mock, format).run();
            ran.expect_code(code)
                .prints_no_control_characters()
                .says(&format!(
                    r"HTTP {status} Ecs.0005\u{{1b}}[2J: bad\n::error::injected\u{{1b}}]0;t\u{{7}}"
                ))
                .leaks_nothing(&secrets(&mock));
            if format == "json" {
                assert_eq!(ran.events()[0]["error_msg"], message);
            }
        }
    }
}

#[test]
fn an_api_gateway_401_hints_at_keys_and_clock() {
    for format in FORMATS {
        let mock = Mock::start();
        mock.on_post(Reply::json(401, &mock_ecs::read_data("error-api-gateway.json")));
        let ran = send(&mock, format).run();
        ran.expect_code(3)
            .says("HTTP 401 APIGW.0301: Incorrect IAM authentication information")
            .says("within 15 minutes")
            .leaks_nothing(&secrets(&mock));
        assert_eq!(mock.posts(), 1);
    }
}

#[test]
fn a_wrong_sk_is_caught_by_the_gateway_check() {
    let mock = Mock::start();
    mock.expect_keys(mock_ecs::AK, "another-secret-key");
    mock.on_post(Reply::accepted());
    let ran = send(&mock, "human").run();
    ran.expect_code(3)
        .says("APIGW.0301")
        .says("signature mismatch")
        .leaks_nothing(&secrets(&mock));
}

#[test]
fn conflict_and_other_4xx_are_rejections_never_retried() {
    for (status, code, hint) in [
        (409, "Ecs.0100", "withStopServer"),
        (409, "Other.1", "busy with another operation"),
        (404, "Ecs.0114", "no such server"),
        (400, "Ecs.0314", "key pair does not exist"),
    ] {
        let mock = Mock::start();
        mock.on_post(Reply::json(
            status,
            &format!(r#"{{"error": {{"code": "{code}", "message": "no"}}}}"#),
        ));
        let ran = send(&mock, "human").run();
        ran.expect_code(3).says(&format!("HTTP {status} {code}: no")).says(hint);
        assert_eq!(mock.posts(), 1, "{status} {code}");
    }
}

#[test]
fn the_post_is_never_retried_on_429_or_5xx() {
    for (status, exit, says) in [
        (429, 3, "the server asks to wait 7 s"),
        (500, 3, "HTTP 500 Ecs.9999: down"),
        (503, 3, "HTTP 503 Ecs.9999: down"),
        (502, 6, "outcome unknown: the gateway answered HTTP 502"),
        (504, 6, "outcome unknown: the gateway answered HTTP 504"),
    ] {
        for format in FORMATS {
            let mock = Mock::start();
            mock.on_post(
                Reply::json(status, r#"{"error": {"code": "Ecs.9999", "message": "down"}}"#)
                    .with_header("Retry-After", "7"),
            )
            .on_post(Reply::accepted());
            let ran = send(&mock, format).run();
            ran.expect_code(exit).says(says).leaks_nothing(&secrets(&mock));
            assert_eq!(mock.posts(), 1, "HTTP {status}: a POST is never sent twice");
            if exit == 6 {
                ran.says("Do NOT send it again before checking");
            }
        }
    }
}

// ---- the network fails --------------------------------------------------------------------------

#[test]
fn a_reset_after_the_request_was_read_is_outcome_unknown() {
    for format in FORMATS {
        let mock = Mock::start();
        mock.on_post(Reply::ResetAfterRead).on_post(Reply::accepted());
        let ran = send(&mock, format).run();
        ran.expect_code(6)
            .says("outcome unknown")
            .says(&format!("the change may be running on server {SERVER}"))
            .says("Cloud Trace Service")
            .leaks_nothing(&secrets(&mock));
        assert_eq!((mock.posts(), mock.connections()), (1, 1), "never sent twice");
    }
}

#[test]
fn a_reset_before_the_request_was_read_is_outcome_unknown_too() {
    // The client cannot tell whether the server read its request: it must not assume it did not.
    for format in FORMATS {
        let mock = Mock::start();
        mock.on_connection(Connection::ResetBeforeRead)
            .on_post(Reply::accepted());
        let ran = send(&mock, format).run();
        ran.expect_code(6)
            .says("outcome unknown")
            .leaks_nothing(&secrets(&mock));
        assert_eq!(
            (mock.connections(), mock.posts()),
            (1, 0),
            "one connection, never retried"
        );
    }
}

#[test]
fn an_answer_slower_than_the_read_timeout_is_outcome_unknown() {
    for format in FORMATS {
        let mock = Mock::start();
        mock.on_post(Reply::accepted().slow(Duration::from_millis(1500)));
        let ran = send(&mock, format).args(["--read-timeout", "300ms"]).run();
        ran.expect_code(6)
            .says("outcome unknown: no complete answer within 300ms")
            .leaks_nothing(&secrets(&mock));
        assert_eq!(mock.posts(), 1);
        assert!(
            ran.elapsed < Duration::from_millis(1400),
            "gave up at the timeout: {:?}",
            ran.elapsed
        );
    }
}

#[test]
fn malformed_json_in_an_acceptance_is_outcome_unknown() {
    for format in FORMATS {
        let mock = Mock::start();
        mock.on_post(Reply::json(202, r#"{"job_id": "#));
        let ran = send(&mock, format).run();
        ran.expect_code(6)
            .says("outcome unknown: the server answered HTTP 202 (X-Request-Id mock-req-1) but the answer has no readable job id")
            .leaks_nothing(&secrets(&mock));
        assert_eq!(mock.posts(), 1);
    }
}

#[test]
fn a_refused_connection_sent_nothing() {
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    for format in FORMATS {
        let ran = send_of_project()
            .args([
                "--endpoint",
                &format!("http://127.0.0.1:{port}"),
                "--format",
                format,
                &example("cloudinit-password.json"),
            ])
            .keys()
            .run();
        ran.expect_code(2)
            .says("cannot reach the endpoint: cannot connect")
            .says("nothing changed; it is safe to run the command again")
            .leaks_nothing(&[]);
    }
}

#[test]
fn a_name_that_does_not_resolve_sent_nothing() {
    // RFC 6761: no name under .invalid resolves, and resolvers say so at once.
    for format in FORMATS {
        let ran = changeos(["send", "--server-id", SERVER, "--project-id", PROJECT, "--endpoint"])
            .args(["https://ecs.changeos-test.invalid", "--format", format])
            .args([example("cloudinit-password.json")])
            .keys()
            .run();
        ran.expect_code(2)
            .says("cannot reach the endpoint: the host name does not resolve")
            .says("the request was not sent: nothing changed; it is safe to run the command again")
            .leaks_nothing(&[]);
        assert!(!ran.all().contains("Do NOT send"), "{}", ran.all());
        if format == "json" {
            assert_eq!(ran.events()[0]["exit_code"], 2);
        }
    }
}

#[test]
fn a_proxy_that_cannot_reach_the_endpoint_sent_nothing() {
    // A proxy that cannot resolve the host refuses the CONNECT: the tunnel never opened.
    let proxy = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let address = proxy.local_addr().unwrap();
    std::thread::spawn(move || {
        for stream in proxy.incoming() {
            let Ok(mut stream) = stream else { continue };
            let mut head = Vec::new();
            let mut byte = [0u8; 1];
            while !head.ends_with(b"\r\n\r\n") && std::io::Read::read(&mut stream, &mut byte).is_ok_and(|n| n == 1) {
                head.push(byte[0]);
            }
            let _ = std::io::Write::write_all(&mut stream, b"HTTP/1.1 502 Bad Gateway\r\nContent-Length: 0\r\n\r\n");
        }
    });
    let ran = changeos(["send", "--server-id", SERVER, "--project-id", PROJECT, "--endpoint"])
        .args(["https://ecs.changeos-test.invalid", &example("cloudinit-password.json")])
        .keys()
        .env("HTTPS_PROXY", &format!("http://{address}"))
        .run();
    ran.expect_code(2)
        .says("cannot reach the endpoint: the proxy did not open a tunnel to the endpoint")
        .says("nothing changed; it is safe to run the command again");
}

#[test]
fn a_redirect_is_shown_with_where_it_points_and_not_followed() {
    let elsewhere = "https://ecs.elsewhere.example/v2/proj123/cloudservers/x/changeos";
    for format in FORMATS {
        let mock = Mock::start();
        mock.on_post(Reply::json(307, "").with_header("Location", elsewhere))
            .on_post(Reply::accepted());
        let ran = send(&mock, format).run();
        ran.expect_code(3)
            .says(&format!(
                "the API rejected the request: HTTP 307 Temporary Redirect to {elsewhere}: (empty body)"
            ))
            .says("a redirect, which changeos never follows")
            .leaks_nothing(&secrets(&mock));
        assert!(!ran.all().contains("307 307"), "{}", ran.all());
        assert_eq!(mock.posts(), 1);
        if format == "json" {
            let error = &ran.events()[0];
            assert_eq!(error["location"], elsewhere);
            assert_eq!(error["http_status"], 307);
        }
    }
}

#[test]
fn an_error_answer_without_a_code_names_its_status_once() {
    let mock = Mock::start();
    mock.on_post(Reply::json(400, ""));
    let ran = send(&mock, "human").run();
    ran.expect_code(3)
        .says("the API rejected the request: HTTP 400 Bad Request: (empty body) (X-Request-Id mock-req-1)");
    assert!(!ran.all().contains("400 400"), "{}", ran.all());
}

// ---- output that cannot be written, and Ctrl-C -------------------------------------------------

#[cfg(unix)] // EPIPE from a closed pipe, ENOSPC from /dev/full
#[test]
fn an_accepted_change_whose_output_cannot_be_written_says_its_job_on_stderr() {
    for format in FORMATS {
        for (sink, stdout) in mock_ecs::unwritable_stdouts() {
            let mock = Mock::start();
            mock.on_post(Reply::accepted());
            let ran = send(&mock, format).run_observed(stdout, |_| {});
            ran.expect_code(7)
                .says("error: cannot write to standard output")
                .says(&format!(
                    "the request was accepted all the same: the change of server {SERVER} runs as job {JOB}; follow it with: \
                     changeos job wait {JOB} --project-id {PROJECT} --endpoint {}",
                    mock.endpoint()
                ))
                .leaks_nothing(&secrets(&mock));
            assert_eq!(mock.posts(), 1, "{format}, {sink}");
            if sink == "a closed pipe" {
                ran.says("standard output: it was closed (broken pipe)");
            }
        }
    }
}

#[cfg(unix)] // `kill -INT`
#[test]
fn ctrl_c_while_waiting_gives_the_resume_command_and_exit_130() {
    for format in FORMATS {
        let mock = Mock::start();
        mock.on_post(Reply::accepted()).on_get(Reply::job("RUNNING"));
        let ran = send_and_wait(&mock, format).run_interrupted_when(|| mock.gets() >= 1);
        ran.expect_code(130)
            .says(&format!("job {JOB} is still RUNNING"))
            .says(&format!(
                "resume waiting with: changeos job wait {JOB} --project-id {PROJECT} --endpoint {}",
                mock.endpoint()
            ))
            .leaks_nothing(&secrets(&mock));
        assert_eq!(mock.posts(), 1);
        if format == "json" {
            let error = ran.events().pop().unwrap();
            assert_eq!(
                (error["event"].as_str(), error["exit_code"].as_u64()),
                (Some("error"), Some(130))
            );
            assert_eq!(error["job_id"], JOB);
            assert!(error["resume"].as_str().unwrap().starts_with("changeos job wait"));
        } else {
            ran.says("interrupted after");
        }
    }
}

#[cfg(unix)] // `kill -INT`
#[test]
fn ctrl_c_with_a_job_query_in_flight_ends_at_once() {
    // The GET would hang for a minute (the read timeout): the interrupt must not wait for it.
    let mock = Mock::start();
    mock.on_post(Reply::accepted())
        .on_get(Reply::job("RUNNING").slow(Duration::from_secs(120)));
    let ran = send_and_wait(&mock, "human").run_interrupted_when(|| mock.gets() >= 1);
    ran.expect_code(130)
        .says("interrupted after")
        .says(&format!("no answer about job {JOB} yet"))
        .says(&format!("resume waiting with: changeos job wait {JOB}"));
}

#[cfg(unix)] // `kill -INT`
#[test]
fn ctrl_c_during_the_post_says_it_may_have_been_sent() {
    for format in FORMATS {
        let mock = Mock::start();
        mock.on_post(Reply::accepted().slow(Duration::from_secs(120)));
        let ran = send(&mock, format).run_interrupted_when(|| mock.posts() >= 1);
        ran.expect_code(130)
            .says("interrupted while the request was in flight: the server may have received it")
            .says("the request may have been sent, so the change may be running")
            .says("Do NOT send it again before checking")
            .leaks_nothing(&secrets(&mock));
        assert_eq!(mock.posts(), 1);
    }
}

// ---- the lint gate and placeholders -------------------------------------------------------------

#[test]
fn lint_errors_stop_before_any_traffic() {
    let mock = Mock::start();
    let dir = mock_ecs::TempDir::new("lint");
    let bad = dir.path().join("bad.json");
    std::fs::write(
        &bad,
        "{\n  \"os-change\": {\n    \"imageId\": \"e215580f-73ad-429d-b6f2-5433947433b0\",\n    \"adminpass\": \"$ADMIN_PASS\"\n  }\n}\n",
    )
    .unwrap();
    for format in FORMATS {
        let ran = changeos(["send", "--server-id", SERVER, "--project-id", PROJECT, "--endpoint"])
            .args([mock.endpoint().as_str(), "--format", format, bad.to_str().unwrap()])
            .keys()
            .run();
        ran.expect_code(1)
            .says("error[unknown-member]: unknown member `imageId`")
            .says("2 errors")
            .says("nothing was sent")
            .says("--no-verify")
            .leaks_nothing(&[]);
    }
    // The file's own errors come first, before a missing variable is even noticed.
    let ran = changeos(["send", "--server-id", SERVER, "--project-id", PROJECT, "--endpoint"])
        .args([mock.endpoint().as_str(), bad.to_str().unwrap()])
        .env("HUAWEICLOUD_SDK_AK", mock_ecs::AK)
        .env("HUAWEICLOUD_SDK_SK", SK)
        .run();
    ran.expect_code(1).says("unknown member `imageId`");
    assert_eq!(mock.connections(), 0);
}

#[test]
fn color_styles_the_lint_findings_only_when_asked() {
    let mock = Mock::start();
    let dir = mock_ecs::TempDir::new("lintcolor");
    let bad = dir.path().join("bad.json");
    std::fs::write(
        &bad,
        r#"{"os-change": {"imageId": "e215580f-73ad-429d-b6f2-5433947433b0"}}"#,
    )
    .unwrap();
    for (color, coloured) in [("always", true), ("never", false), ("auto", false)] {
        let ran = changeos(["send", "--color", color, "--server-id", SERVER, "--project-id", PROJECT])
            .args(["--endpoint", mock.endpoint().as_str(), bad.to_str().unwrap()])
            .keys()
            .run();
        ran.expect_code(1)
            .says("unknown member `imageId`")
            .says("nothing was sent");
        let styled = "\u{1b}[1m\u{1b}[31merror[unknown-member]\u{1b}[0m";
        assert_eq!(ran.stderr.contains(styled), coloured, "{color}: {}", ran.stderr);
        assert_eq!(ran.stderr.contains('\u{1b}'), coloured, "{color}: {}", ran.stderr);
    }
    assert_eq!(mock.connections(), 0);
}

#[test]
fn no_verify_sends_anyway_and_says_so() {
    let mock = Mock::start();
    mock.on_post(Reply::accepted());
    let dir = mock_ecs::TempDir::new("noverify");
    let bad = dir.path().join("bad.json");
    std::fs::write(
        &bad,
        r#"{"os-change": {"imageid": "e215580f-73ad-429d-b6f2-5433947433b0", "adminpass": "$ADMIN_PASS", "mode": "stopFirst"}}"#,
    )
    .unwrap();
    let ran = send_of_project()
        .args(["--no-verify", "--endpoint"])
        .args([mock.endpoint().as_str(), bad.to_str().unwrap()])
        .keys()
        .run();
    ran.expect_code(0)
        .says("error[mode-value]")
        .says("warning: --no-verify: sending despite 1 lint error")
        .leaks_nothing(&secrets(&mock));
    assert_eq!(mock.posts(), 1);
    mock.assert_all_authenticated();
}

#[test]
fn the_config_of_check_applies() {
    let mock = Mock::start();
    mock.on_post(Reply::accepted());
    let dir = mock_ecs::TempDir::new("config");
    let payload = dir.path().join("p.json");
    std::fs::write(
        &payload,
        r#"{"os-change": {"imageid": "e215580f-73ad-429d-b6f2-5433947433b0", "keyname": "KeyPair-350b"}}"#,
    )
    .unwrap();
    let config = dir.path().join("changeos.toml");
    std::fs::write(&config, "[rules]\nkeyname-without-userid = \"error\"\n").unwrap();
    let base = ["send", "--server-id", SERVER, "--project-id", PROJECT, "--endpoint"];
    let ran = changeos(base)
        .args([
            mock.endpoint().as_str(),
            "--config",
            config.to_str().unwrap(),
            payload.to_str().unwrap(),
        ])
        .keys()
        .run();
    ran.expect_code(1).says("error[keyname-without-userid]");
    assert_eq!(mock.connections(), 0);
    // Without the config, the same finding is a warning and the request goes.
    let ran = changeos(base)
        .args([mock.endpoint().as_str(), "--no-config", payload.to_str().unwrap()])
        .keys()
        .run();
    ran.expect_code(0).says("warning[keyname-without-userid]");
    assert_eq!(mock.posts(), 1);
}

#[test]
fn a_missing_variable_is_named_and_nothing_is_sent() {
    let mock = Mock::start();
    for format in FORMATS {
        let ran = changeos(["send", "--server-id", SERVER, "--project-id", PROJECT, "--endpoint"])
            .args([
                mock.endpoint().as_str(),
                "--format",
                format,
                &example("cloudinit-password.json"),
            ])
            .env("HUAWEICLOUD_SDK_AK", mock_ecs::AK)
            .env("HUAWEICLOUD_SDK_SK", SK)
            .run();
        ran.expect_code(2)
            .says("missing environment variable for the payload's placeholders: ADMIN_PASS (for /os-change/adminpass)")
            .leaks_nothing(&[]);
    }
    assert_eq!(mock.connections(), 0);
}

#[test]
fn a_weak_password_in_the_environment_is_caught_and_never_printed() {
    let weak = "weakpassword";
    let mock = Mock::start();
    for format in FORMATS {
        let ran = changeos(["send", "--server-id", SERVER, "--project-id", PROJECT, "--endpoint"])
            .args([
                mock.endpoint().as_str(),
                "--format",
                format,
                &example("cloudinit-password.json"),
            ])
            .keys()
            .env("ADMIN_PASS", weak)
            .run();
        ran.expect_code(1)
            .says("error[adminpass-classes]")
            .says("(the value of $ADMIN_PASS)")
            .leaks_nothing(&[weak.to_owned()]);
    }
    assert_eq!(mock.connections(), 0);
}

#[test]
fn the_payload_can_come_from_standard_input_with_braced_placeholders() {
    let mock = Mock::start();
    mock.on_post(Reply::accepted());
    let body = r#"{"os-change": {"adminpass": "${ADMIN_PASS}", "userid": "$USER_ID",
        "imageid": "e215580f-73ad-429d-b6f2-5433947433b0"}}"#;
    let ran = changeos(["send", "--server-id", SERVER, "--project-id", PROJECT, "--endpoint"])
        .args([mock.endpoint().as_str(), "-"])
        .keys()
        .env("USER_ID", "7e25b1da389f4697a79df3a0e5bd494e")
        .stdin(body)
        .run();
    ran.expect_code(0).leaks_nothing(&secrets(&mock));
    let sent: serde_json::Value = serde_json::from_slice(&mock.requests()[0].body).unwrap();
    assert_eq!(sent["os-change"]["userid"], "7e25b1da389f4697a79df3a0e5bd494e");
    assert_eq!(sent["os-change"]["adminpass"], PASSWORD);
}

// ---- credentials, regions, usage ----------------------------------------------------------------

#[test]
fn credentials_from_the_sdk_file_including_the_basiccredentials_quirk() {
    for section in ["basic", "basiccredentials"] {
        let mock = Mock::start();
        mock.on_post(Reply::accepted());
        let ran = changeos(["send", "--server-id", SERVER, "--endpoint"])
            .args([mock.endpoint().as_str(), &example("cloudinit-password.json")])
            .env("ADMIN_PASS", PASSWORD)
            .write(
                ".huaweicloud/credentials",
                &format!(
                    "[{section}]\nak = {}\nsk = {SK}\nproject_id = {PROJECT}\n",
                    mock_ecs::AK
                ),
            )
            .run();
        ran.expect_code(0).leaks_nothing(&secrets(&mock));
        mock.assert_all_authenticated();
        assert_eq!(mock.requests()[0].header("X-Project-Id"), Some(PROJECT));
    }
}

/// A dry run of the password example with the credentials of the file `file`.
fn dry_run_with_credentials_file(mock: &Mock, file: &str) -> mock_ecs::Changeos {
    send_of_project()
        .args(["--dry-run", "--endpoint"])
        .args([mock.endpoint().as_str(), &example("cloudinit-password.json")])
        .env("ADMIN_PASS", PASSWORD)
        .env("HUAWEICLOUD_SDK_CREDENTIALS_FILE", file)
}

#[test]
fn a_credentials_file_that_is_no_regular_file_or_too_large_is_refused_unread() {
    let mock = Mock::start();
    let dir = common::cli::TempDir::new("credentials");
    let padding = "# a comment to make the file large\n".repeat(32 * 1024);
    let large = dir.write("large", format!("[basic]\nak = {}\nsk = {SK}\n{padding}", mock_ecs::AK));
    let size = std::fs::metadata(&large).map(|m| m.len()).unwrap_or_default();
    let mut cases = vec![
        (dir.arg(""), "it is a directory".to_owned()),
        (
            large.display().to_string(),
            format!("it has {size} bytes, more than the 1048576 a credentials file may have"),
        ),
    ];
    if cfg!(unix) {
        cases.push(("/dev/zero".to_owned(), "it is not a regular file".to_owned()));
    }
    if common::cli::mkfifo(&dir.join("fifo")) {
        // Nobody writes to it: opening it for reading would wait forever.
        cases.push((dir.arg("fifo"), "it is not a regular file".to_owned()));
    }
    for (file, reason) in &cases {
        let ran = dry_run_with_credentials_file(&mock, file).run();
        ran.expect_code(2)
            .says(&format!("credentials file {file}: {reason}"))
            .leaks_nothing(&[]);
        assert_eq!(ran.stdout, "", "{file}");
    }
    assert_eq!((mock.posts(), mock.gets()), (0, 0));
}

#[cfg(unix)]
#[test]
fn a_credentials_file_other_users_can_read_is_used_with_a_warning() {
    use std::os::unix::fs::PermissionsExt;
    let mock = Mock::start();
    let dir = common::cli::TempDir::new("credentials-mode");
    let file = dir.write("credentials", format!("[basic]\nak = {}\nsk = {SK}\n", mock_ecs::AK));
    let shown = file.display().to_string();
    for (mode, warning) in [
        (0o644, Some("readable by other users (mode 0644)")),
        (0o640, Some("readable by other users (mode 0640)")),
        (0o620, Some("writable by other users (mode 0620)")),
        (0o600, None),
        (0o400, None),
    ] {
        std::fs::set_permissions(&file, std::fs::Permissions::from_mode(mode)).expect("chmod");
        let ran = dry_run_with_credentials_file(&mock, &shown).run();
        ran.expect_code(0).says("Signature=[redacted]").leaks_nothing(&[]);
        match warning {
            Some(warning) => {
                let expected = format!(
                    "warning: credentials file {shown} is {warning}; it holds your secret key: run `chmod 600 {shown}`\n"
                );
                assert_eq!(ran.stderr.matches(&expected).count(), 1, "{mode:o}: {}", ran.stderr);
            }
            None => assert!(
                !ran.stderr.contains("warning: credentials file"),
                "{mode:o}: {}",
                ran.stderr
            ),
        }
    }
}

#[test]
fn temporary_credentials_send_a_signed_security_token() {
    let mock = Mock::start();
    mock.on_post(Reply::accepted());
    for format in FORMATS {
        let ran = send(&mock, format)
            .env("HUAWEICLOUD_SDK_SECURITY_TOKEN", mock_ecs::SECURITY_TOKEN)
            .args(["--dry-run"])
            .run();
        ran.expect_code(0).says("X-Security-Token").leaks_nothing(&[]);
    }
    let ran = send(&mock, "human")
        .env("HUAWEICLOUD_SDK_SECURITY_TOKEN", mock_ecs::SECURITY_TOKEN)
        .run();
    ran.expect_code(0).leaks_nothing(&secrets(&mock));
    mock.assert_all_authenticated();
    let post = &mock.requests()[0];
    assert_eq!(post.header("X-Security-Token"), Some(mock_ecs::SECURITY_TOKEN));
    assert!(post.header("Authorization").unwrap().contains(";x-security-token,"));
}

#[test]
fn an_iam_token_is_the_last_resort() {
    let mock = Mock::start();
    mock.expect_token(mock_ecs::AUTH_TOKEN);
    mock.on_post(Reply::accepted())
        .on_post(Reply::accepted())
        .on_get(Reply::job("SUCCESS"));
    for format in FORMATS {
        let ran = send_of_project()
            .args(["--wait", "--endpoint"])
            .args([mock.endpoint().as_str(), "--format", format])
            .args(FAST_POLL)
            .args([example("cloudinit-password.json")])
            .env("ADMIN_PASS", PASSWORD)
            .env("HUAWEICLOUD_SDK_AUTH_TOKEN", mock_ecs::AUTH_TOKEN)
            .run();
        ran.expect_code(0).leaks_nothing(&[]);
        let dry = send_of_project()
            .args(["--dry-run", "--endpoint"])
            .args([
                mock.endpoint().as_str(),
                "--format",
                format,
                &example("cloudinit-password.json"),
            ])
            .env("ADMIN_PASS", PASSWORD)
            .env("HUAWEICLOUD_SDK_AUTH_TOKEN", mock_ecs::AUTH_TOKEN)
            .run();
        dry.expect_code(0)
            .says("X-Auth-Token")
            .says("[redacted]")
            .leaks_nothing(&[]);
    }
    mock.assert_all_authenticated();
    assert_eq!((mock.posts(), mock.gets()), (2, 2));
}

#[test]
fn no_credentials_half_credentials_and_no_project_are_usage_errors() {
    let mock = Mock::start();
    let base = ["send", "--server-id", SERVER, "--dry-run", "--endpoint"];
    let payload = example("cloudinit-password.json");
    let ran = changeos(base)
        .args([mock.endpoint().as_str(), "--project-id", PROJECT, &payload])
        .env("ADMIN_PASS", PASSWORD)
        .run();
    ran.expect_code(2)
        .says("no credentials")
        .says("never taken from the command line");
    let ran = changeos(base)
        .args([mock.endpoint().as_str(), "--project-id", PROJECT, &payload])
        .env("ADMIN_PASS", PASSWORD)
        .env("HUAWEICLOUD_SDK_AK", mock_ecs::AK)
        .run();
    ran.expect_code(2)
        .says("HUAWEICLOUD_SDK_AK is set but HUAWEICLOUD_SDK_SK is not");
    let ran = changeos(base).args([mock.endpoint().as_str(), &payload]).keys().run();
    ran.expect_code(2)
        .says("no project id")
        .says("HUAWEICLOUD_SDK_PROJECT_ID");
    let ran = changeos(base)
        .args([mock.endpoint().as_str(), &payload])
        .keys()
        .env("HUAWEICLOUD_SDK_PROJECT_ID", PROJECT)
        .run();
    ran.expect_code(0).says(&format!("X-Project-Id: {PROJECT}"));
    assert_eq!(mock.connections(), 0, "dry runs send nothing");
}

#[test]
fn regions_from_the_flag_or_the_environment_and_unknown_ones_listed() {
    let payload = example("cloudinit-password.json");
    let base = ["send", "--server-id", SERVER, "--project-id", PROJECT, "--dry-run"];
    let ran = changeos(base).args(["--region", "eu-west-101", &payload]).keys().run();
    ran.expect_code(0)
        .says("POST https://ecs.eu-west-101.myhuaweicloud.com/v2/")
        .says("Host: ecs.eu-west-101.myhuaweicloud.com");
    let ran = changeos(base)
        .args([&payload])
        .keys()
        .env("HUAWEICLOUD_SDK_REGION", "cn-north-4")
        .run();
    ran.expect_code(0)
        .says("POST https://ecs.cn-north-4.myhuaweicloud.com/v2/");
    let ran = changeos(base)
        .args(["--region", "ap-southeast1", &payload])
        .keys()
        .run();
    ran.expect_code(2)
        .says("--region: unknown region `ap-southeast1` (did you mean `ap-southeast-1`?)")
        .says("ru-moscow-1");
    let ran = changeos(base).args([&payload]).keys().run();
    ran.expect_code(2).says("no region");
    let ran = changeos(base)
        .args(["--region", "cn-north-4", "--endpoint", "http://127.0.0.1:1", &payload])
        .keys()
        .run();
    ran.expect_code(2).says("cannot be used with");
}

#[test]
fn credentials_are_never_accepted_as_arguments() {
    for flag in ["--ak", "--sk", "--token", "--security-token"] {
        let ran = changeos(["send", flag, "x", "--server-id", SERVER, "-"]).run();
        ran.expect_code(2).says("unexpected argument");
    }
}

#[test]
fn wait_flags_need_wait() {
    let ran = changeos(["send", "--server-id", SERVER, "--timeout", "5s", "-"]).run();
    ran.expect_code(2).says("only apply with --wait");
}

// ---- trusted roots ------------------------------------------------------------------------------

#[test]
fn a_certificate_of_an_unknown_issuer_is_refused_before_anything_is_sent() {
    let ca = TestCa::new("changeos test CA (not trusted)");
    for format in FORMATS {
        let mock = Mock::start_tls(&ca.valid());
        mock.on_post(Reply::accepted());
        let ran = send(&mock, format).run();
        let host = mock.endpoint().trim_start_matches("https://").to_owned();
        ran.expect_code(2)
            .says(&format!(
                "error: cannot reach the endpoint: invalid peer certificate from {host}: unknown issuer\n"
            ))
            .says("nothing was sent: the certificate was refused in the TLS handshake")
            .says("pass --ca-file PATH (a PEM file of the root) or set SSL_CERT_FILE (or SSL_CERT_DIR)")
            .says("certificate checks cannot be turned off")
            .leaks_nothing(&secrets(&mock));
        assert!(!ran.all().contains("outcome unknown"), "{}", ran.all());
        assert_eq!((mock.connections(), mock.posts()), (1, 0), "one handshake, no request");
        if format == "json" {
            let event = &ran.events()[0];
            assert_eq!(event["event"], "error");
            assert_eq!(event["exit_code"], 2);
            assert_eq!(
                event["message"],
                format!("cannot reach the endpoint: invalid peer certificate from {host}: unknown issuer")
            );
        }
    }
}

#[test]
fn a_ca_file_or_ssl_cert_file_or_ssl_cert_dir_makes_the_test_ca_trusted() {
    let ca = TestCa::new("changeos test CA");
    let other = TestCa::new("another CA");
    let mock = Mock::start_tls(&ca.valid());
    for _ in 0..4 {
        mock.on_post(Reply::accepted());
    }
    let runs = [
        (
            "--ca-file",
            send(&mock, "human")
                .write("ca.pem", ca.pem())
                .args(["--ca-file", "ca.pem"]),
        ),
        (
            "--ca-file twice",
            send(&mock, "human")
                .write("other.pem", other.pem())
                .write("ca.pem", ca.pem())
                .args(["--ca-file", "other.pem", "--ca-file", "ca.pem"]),
        ),
        (
            "SSL_CERT_FILE",
            send(&mock, "human")
                .write("ca.pem", ca.pem())
                .env("SSL_CERT_FILE", "ca.pem"),
        ),
        (
            // A list of directories; files without a certificate in them are passed over.
            "SSL_CERT_DIR",
            send(&mock, "human")
                .write("first/other.pem", other.pem())
                .write("second/README", "the company's roots\n")
                .write("second/ca.pem", ca.pem())
                .env("SSL_CERT_DIR", "first:second"),
        ),
    ];
    for (how, command) in runs {
        let ran = command.run();
        ran.expect_code(0)
            .says("accepted: the change of server")
            .leaks_nothing(&secrets(&mock));
        assert!(!ran.all().contains("warning"), "{how}: {}", ran.all());
    }
    assert_eq!(mock.posts(), 4);
    mock.assert_all_authenticated();
    // Without any of them the same server is refused.
    send(&mock, "human").run().expect_code(2).says("unknown issuer");
    assert_eq!(mock.posts(), 4);
}

#[test]
fn an_expired_certificate_or_one_for_another_name_is_refused_saying_why() {
    let ca = TestCa::new("changeos test CA");
    for (cert, why) in [
        (
            ca.expired(),
            "expired (not valid after 2021-01-01 00:00:00 UTC; this machine's clock says 20",
        ),
        (
            ca.for_name("ecs.other.example"),
            "not valid for the name 127.0.0.1 (it is for ecs.other.example)",
        ),
    ] {
        let mock = Mock::start_tls(&cert);
        mock.on_post(Reply::accepted());
        let host = mock.endpoint().trim_start_matches("https://").to_owned();
        let ran = send(&mock, "human")
            .write("ca.pem", ca.pem())
            .args(["--ca-file", "ca.pem"])
            .run();
        ran.expect_code(2)
            .says(&format!("invalid peer certificate from {host}: {why}"))
            .says("nothing was sent")
            .leaks_nothing(&secrets(&mock));
        assert_eq!((mock.connections(), mock.posts()), (1, 0));
    }
}

#[test]
fn a_bad_ca_file_or_directory_is_named_and_nothing_is_sent() {
    let ca = TestCa::new("changeos test CA");
    // Valid PEM around bytes that are no certificate.
    let not_a_certificate = "-----BEGIN CERTIFICATE-----\nAAECAwQFBgcICQ==\n-----END CERTIFICATE-----\n";
    let broken_pem = "-----BEGIN CERTIFICATE-----\nMIIB!!!not base64\n-----END CERTIFICATE-----\n";
    let big = format!("{}{}", ca.pem(), "#".repeat(4 * 1024 * 1024));
    let cases: [(&str, &str, &str, &str); 9] = [
        ("--ca-file", "missing.pem", "", "--ca-file missing.pem: no such file"),
        ("--ca-file", "dir", "", "--ca-file dir: it is a directory"),
        (
            "--ca-file",
            "notes.txt",
            "a root should be here\n",
            "--ca-file notes.txt: it holds no PEM certificate (-----BEGIN CERTIFICATE-----)",
        ),
        (
            "--ca-file",
            "broken.pem",
            broken_pem,
            "--ca-file broken.pem: it is not valid PEM",
        ),
        (
            "--ca-file",
            "junk.pem",
            not_a_certificate,
            "--ca-file junk.pem: its certificate number 1 cannot be used as a root",
        ),
        (
            "--ca-file",
            "big.pem",
            &big,
            "bytes, more than the 4194304 a certificate file may have",
        ),
        (
            "SSL_CERT_FILE",
            "missing.pem",
            "",
            "SSL_CERT_FILE missing.pem: no such file",
        ),
        (
            "SSL_CERT_DIR",
            "missing-dir",
            "",
            "SSL_CERT_DIR missing-dir: cannot list the directory: no such directory",
        ),
        (
            "SSL_CERT_DIR",
            "dir",
            "",
            "SSL_CERT_DIR dir: the directory holds no PEM certificate file",
        ),
    ];
    let mock = Mock::start_tls(&ca.valid());
    mock.on_post(Reply::accepted());
    for (how, name, content, message) in cases {
        for dry_run in [false, true] {
            let mut command = send(&mock, "human").write("dir/README", "no roots here\n");
            if !content.is_empty() {
                command = command.write(name, content);
            }
            command = match how {
                "--ca-file" => command.args(["--ca-file", name]),
                variable => command.env(variable, name),
            };
            if dry_run {
                command = command.args(["--dry-run"]);
            }
            let ran = command.run();
            ran.expect_code(2)
                .says(&format!("error: {how} {name}: "))
                .says(message)
                .leaks_nothing(&secrets(&mock));
            assert!(!ran.all().contains("dry run:"), "{}", ran.all());
        }
    }
    assert_eq!(mock.connections(), 0, "nothing was sent");
}

#[cfg(unix)]
#[test]
fn an_unreadable_ca_file_is_named() {
    use std::os::unix::fs::PermissionsExt;
    let ca = TestCa::new("changeos test CA");
    let mock = Mock::start_tls(&ca.valid());
    // The payload is copied beside the CA file: run as another user, the command may not be
    // able to read the checkout (a fresh clone in a private temporary directory, say).
    let payload = std::fs::read_to_string(example("cloudinit-password.json")).expect("the example");
    let command = send_of_project()
        .args(["--endpoint", &mock.endpoint(), "payload.json"])
        .keys()
        .write("payload.json", &payload)
        .write("ca.pem", ca.pem())
        .args(["--ca-file", "ca.pem"]);
    let file = command.home().join("ca.pem");
    std::fs::set_permissions(&file, std::fs::Permissions::from_mode(0o000)).expect("chmod");
    let Some(ran) = command.run_where_modes_apply(&file) else {
        return;
    };
    ran.expect_code(2).says("error: --ca-file ca.pem: permission denied");
    assert_eq!(mock.connections(), 0);
}

#[test]
fn a_dry_run_says_which_roots_are_trusted() {
    let ca = TestCa::new("changeos test CA");
    let other = TestCa::new("another CA");
    // SSL_CERT_FILE replaces the system store; --ca-file adds to it.
    for format in FORMATS {
        let ran = dry_run_to("https://ecs.example.test", format)
            .write("bundle.pem", &format!("{}{}", ca.pem(), other.pem()))
            .write("extra.pem", ca.pem())
            .env("SSL_CERT_FILE", "bundle.pem")
            .args(["--ca-file", "extra.pem"])
            .run();
        ran.expect_code(0);
        let trust = ran
            .stderr
            .lines()
            .find_map(|l| l.strip_prefix("trust: "))
            .unwrap_or_else(|| panic!("no trust line: {}", ran.stderr))
            .to_owned();
        let bundled = trust.split(' ').next().unwrap().parse::<usize>().expect("a count");
        assert!(bundled > 100, "{trust}");
        assert_eq!(
            trust,
            format!("{bundled} bundled Mozilla roots + 2 from SSL_CERT_FILE bundle.pem + 1 from --ca-file extra.pem")
        );
        if format == "json" {
            assert_eq!(ran.events()[0]["trust"], trust.as_str());
        }
    }
    // Without them, the system's store (whatever this machine has in it).
    let ran = dry_run_to("https://ecs.example.test", "human").run();
    ran.expect_code(0)
        .says(" bundled Mozilla roots + ")
        .says(" from the system store");
    assert!(!ran.all().contains("--ca-file"), "{}", ran.all());
}

/// A dry run of the keypair example to `endpoint`.
fn dry_run_to(endpoint: &str, format: &str) -> mock_ecs::Changeos {
    send_of_project()
        .args(["--dry-run", "--endpoint"])
        .args([endpoint, "--format", format, &example("cloudinit-keypair.json")])
        .keys()
}

// ---- dry runs -----------------------------------------------------------------------------------

fn dry_run(example_name: &str, format: &str) -> mock_ecs::Ran {
    changeos([
        "send",
        "--dry-run",
        "--server-id",
        "srv-1",
        "--project-id",
        "proj123",
        "--region",
        "ap-southeast-1",
        "--date",
        "20240101T000000Z",
        "--format",
        format,
        &example(example_name),
    ])
    .env("HUAWEICLOUD_SDK_AK", "AKEXAMPLE")
    .env("HUAWEICLOUD_SDK_SK", "SKEXAMPLE")
    .env("ADMIN_PASS", PASSWORD)
    .run()
}

fn stable(text: &str) -> String {
    text.replace(concat!("changeos/", env!("CARGO_PKG_VERSION")), "changeos/[VERSION]")
}

#[test]
fn dry_run_of_the_vendor_examples() {
    for name in [
        "cloudinit-password.json",
        "cloudinit-keypair.json",
        "cloudinit-encrypted.json",
    ] {
        let ran = dry_run(name, "human");
        ran.expect_code(0)
            .says("dry run: nothing was sent")
            .leaks_nothing(&["SKEXAMPLE".to_owned()]);
        insta::assert_snapshot!(
            format!("dry_run_{}", name.trim_end_matches(".json")),
            stable(&ran.stdout)
        );
        let json = dry_run(name, "json");
        json.expect_code(0).leaks_nothing(&["SKEXAMPLE".to_owned()]);
        let event = &json.events()[0];
        assert_eq!(event["event"], "dry-run");
        assert_eq!(event["method"], "POST");
    }
}

#[test]
fn dry_run_signs_what_the_reference_vector_signs() {
    // The keypair example's body, compact, is byte for byte the body of reference §5.2; only the
    // User-Agent differs, so the signed header list must match and the signature is hidden.
    let ran = dry_run("cloudinit-keypair.json", "human");
    ran.expect_code(0).says(
        r#"{"os-change":{"keyname":"KeyPair-350b","userid":"7e25b1da389f4697a79df3a0e5bd494e","imageid":"e215580f-73ad-429d-b6f2-5433947433b0"}}"#,
    );
    ran.says("Authorization: SDK-HMAC-SHA256 Access=AKEXAMPLE, SignedHeaders=content-type;host;user-agent;x-project-id;x-sdk-date, Signature=[redacted]");
    assert!(
        !ran.stdout
            .contains("0d7563fe13c8bcc31900e2b0fa8e47679951717385bd486a61ed651ba4b48ec3")
    );
}

#[test]
fn a_literal_password_is_warned_about_and_redacted() {
    let dir = mock_ecs::TempDir::new("literal");
    let file = dir.path().join("cloudinit-literal.json");
    std::fs::write(
        &file,
        format!(r#"{{"os-change": {{"adminpass": "{PASSWORD}", "imageid": "e215580f-73ad-429d-b6f2-5433947433b0"}}}}"#),
    )
    .unwrap();
    for format in FORMATS {
        let ran = changeos(["send", "--dry-run", "--server-id", SERVER, "--project-id", PROJECT])
            .args(["--region", "ap-southeast-1", "--format", format, file.to_str().unwrap()])
            .keys()
            .run();
        ran.expect_code(0).says("warning[literal-secret]").leaks_nothing(&[]);
        if format == "json" {
            let body = ran.events()[0]["body"].as_str().unwrap().to_owned();
            assert!(body.contains(r#""adminpass":"[redacted]""#), "{body}");
        } else {
            ran.says(r#""adminpass":"[redacted]""#);
        }
    }
}

/// Passwords under names the linter would rename to `adminpass`, of every type.
const MISSPELT: &[&str] = &["Near.Secret-31", "Arr.Secret-32", "Obj.Secret-33", "12345678934"];

fn misspelt_payload() -> String {
    format!(
        r#"{{"os-change": {{"admin_pass": "{}", "adminPas": ["{}"], "metadata": {{"ADMINPASS": {{"k": "{}"}}}}, "adminpass": [{}], "imageid": "e215580f-73ad-429d-b6f2-5433947433b0"}}}}"#,
        MISSPELT[0], MISSPELT[1], MISSPELT[2], MISSPELT[3]
    )
}

#[test]
fn a_dry_run_redacts_misspelt_secrets_of_any_type() {
    let dir = mock_ecs::TempDir::new("misspelt");
    let file = dir.path().join("misspelt.json");
    std::fs::write(&file, misspelt_payload()).unwrap();
    let config = dir.path().join("changeos.toml");
    std::fs::write(&config, "[rules]\nunknown-member = \"off\"\nwrong-type = \"off\"\n").unwrap();
    let misspelt: Vec<String> = MISSPELT.iter().map(|s| (*s).to_owned()).collect();
    // Sent anyway with --no-verify (the lint report is printed, masked), or with a config that
    // turns the findings about those members off.
    for how in [
        vec!["--no-verify", "--no-config"],
        vec!["--config", config.to_str().unwrap()],
    ] {
        for format in FORMATS {
            let ran = changeos(["send", "--dry-run", "--server-id", SERVER, "--project-id", PROJECT])
                .args(["--region", "ap-southeast-1", "--format", format])
                .args(&how)
                .args([file.to_str().unwrap()])
                .keys()
                .run();
            ran.expect_code(0).leaks_nothing(&misspelt);
            let body = if format == "json" {
                ran.events()[0]["body"].as_str().unwrap().to_owned()
            } else {
                ran.stdout.clone()
            };
            assert!(
                body.contains(r#"{"os-change":{"admin_pass":"[redacted]","adminPas":"[redacted]","metadata":{"ADMINPASS":"[redacted]"},"adminpass":"[redacted]","imageid""#),
                "{how:?} {format}: {body}"
            );
        }
    }
}

/// The forms in which a server may echo a secret: JSON-escaped, `\u`-escaped (either case),
/// percent-encoded (either case, all bytes or as a URL encoder writes it).
fn encoded_forms(secret: &str) -> Vec<String> {
    let json = serde_json::to_string(secret).unwrap();
    let u_escaped = |upper: bool| -> String {
        secret
            .encode_utf16()
            .map(|unit| {
                if upper {
                    format!("\\u{unit:04X}")
                } else {
                    format!("\\u{unit:04x}")
                }
            })
            .collect()
    };
    let percent = |upper: bool, all: bool| -> String {
        secret
            .bytes()
            .map(|b| match b {
                b' ' if !all => "+".to_owned(),
                b if !all && (b.is_ascii_alphanumeric() || b"-._~".contains(&b)) => char::from(b).to_string(),
                b if upper => format!("%{b:02X}"),
                b => format!("%{b:02x}"),
            })
            .collect()
    };
    vec![
        json[1..json.len() - 1].to_owned(),
        u_escaped(false),
        u_escaped(true),
        percent(false, true),
        percent(true, true),
        percent(true, false),
    ]
}

#[test]
fn an_error_answer_is_scrubbed_of_every_form_of_the_password() {
    // A password that JSON escapes, that percent-encoding changes, beyond ASCII.
    let password = "Pa\"ss\\wö/rd 1!";
    let forms = encoded_forms(password);
    let mut never: Vec<String> = forms.clone();
    never.push(password.to_owned());
    for form in &forms {
        // In the message of a JSON error, and in a body that is not JSON (shown as it is).
        let bodies = [
            (serde_json::json!({"error": {"code": "Ecs.0005", "message": format!("bad adminpass {form} here")}})
                .to_string()),
            format!("bad adminpass {form} here"),
        ];
        for body in bodies {
            for format in FORMATS {
                let mock = Mock::start();
                mock.on_post(Reply::json(400, &body));
                let ran = send(&mock, format)
                    .args(["--no-verify"])
                    .env("ADMIN_PASS", password)
                    .run();
                ran.expect_code(3)
                    .says("bad adminpass [redacted] here")
                    .leaks_nothing(&never);
                for shown in &never {
                    assert!(
                        !ran.all().contains(shown.as_str()),
                        "{shown} in {form} {format}:\n{}",
                        ran.all()
                    );
                }
            }
        }
    }
    // The literal password in a JSON error (the message holds it after decoding): in the JSON
    // output format it is JSON-escaped again, and scrubbed all the same.
    for format in FORMATS {
        let mock = Mock::start();
        let body = serde_json::json!({"error": {"code": "Ecs.0005", "message": format!("bad {password}")}});
        mock.on_post(Reply::json(400, &body.to_string()));
        let ran = send(&mock, format)
            .args(["--no-verify"])
            .env("ADMIN_PASS", password)
            .run();
        ran.expect_code(3).says("bad [redacted]").leaks_nothing(&never);
    }
}

#[test]
fn help_of_send_and_job() {
    // The command line's surface changes only on purpose.
    for (name, args) in [
        ("send", vec!["send", "--help"]),
        ("job", vec!["job", "--help"]),
        ("job_show", vec!["job", "show", "--help"]),
        ("job_wait", vec!["job", "wait", "--help"]),
    ] {
        let ran = changeos(args).run();
        ran.expect_code(0);
        insta::assert_snapshot!(format!("help_{name}"), ran.stdout);
    }
}

// ---- endpoints and regions ----------------------------------------------------------------------

/// `changeos send --region REGION --format F` of the password example, with the test's keys.
fn send_to_region(region: &str, format: &str) -> mock_ecs::Changeos {
    send_of_project()
        .args(["--region", region])
        .args(["--format", format])
        .args(FAST_RETRY)
        .args([example("cloudinit-password.json")])
        .keys()
}

/// The variable of a region, as the SDK names it.
const PRIVATE_REGION: &str = "my-private-1";
const PRIVATE_VARIABLE: &str = "HUAWEICLOUD_SDK_REGION_ECS_MY_PRIVATE_1";

#[test]
fn an_environment_override_serves_a_region_only_it_knows() {
    for format in FORMATS {
        let mock = Mock::start();
        mock.on_post(Reply::accepted());
        let ran = send_to_region(PRIVATE_REGION, format)
            .env(PRIVATE_VARIABLE, &mock.endpoint())
            .run();
        ran.expect_code(0).leaks_nothing(&secrets(&mock));
        assert_eq!((mock.posts(), mock.gets()), (1, 0));
        mock.assert_all_authenticated();
        // The resume command names the region, which finds the same endpoints again.
        let resume = format!("changeos job wait {JOB} --project-id {PROJECT} --region {PRIVATE_REGION}");
        if format == "json" {
            assert_eq!(ran.events()[0]["resume"], resume);
        } else {
            ran.says(&resume);
        }
    }
    // Without the override, the region is unknown, and the error says what was consulted.
    let ran = send_to_region(PRIVATE_REGION, "human").args(["--dry-run"]).run();
    ran.expect_code(2)
        .says("--region: unknown region `my-private-1`")
        .says(&format!("{PRIVATE_VARIABLE} is not set"))
        .says("/.huaweicloud/regions.yaml does not exist")
        .says("ru-moscow-1");
}

#[test]
fn an_empty_item_or_a_bad_endpoint_in_the_variable_is_an_error() {
    let mock = Mock::start();
    let good = mock.endpoint();
    for (value, says) in [
        (format!("{good},,{good}"), "item 2 of the comma-separated list is empty"),
        (format!("{good}, "), "item 2 of the comma-separated list is empty"),
        (format!(",{good}"), "item 1 of the comma-separated list is empty"),
        ("ftp://ecs.example.com".to_owned(), "the scheme must be http or https"),
        ("https://ecs.example.com/v2".to_owned(), "path"),
    ] {
        for format in FORMATS {
            let ran = send_to_region(PRIVATE_REGION, format)
                .env(PRIVATE_VARIABLE, &value)
                .run();
            ran.expect_code(2)
                .says(&format!("error: {PRIVATE_VARIABLE}: "))
                .says(says)
                .leaks_nothing(&[]);
        }
    }
    assert_eq!(mock.connections(), 0, "nothing was sent");
}

/// What a dry run says of the endpoint: the line on stderr, and the JSON event's members.
fn dry_run_endpoint(run: mock_ecs::Changeos) -> (String, serde_json::Value) {
    let ran = run.args(["--dry-run", "--format", "json"]).run();
    ran.expect_code(0);
    let line = ran
        .stderr
        .lines()
        .find(|l| l.starts_with("endpoint: "))
        .unwrap_or_else(|| panic!("no endpoint line:\n{}", ran.stderr))
        .to_owned();
    let event = ran.events()[0].clone();
    (line, event)
}

#[test]
fn endpoint_precedence_flag_then_variable_then_file_then_built_in() {
    let variable = "HUAWEICLOUD_SDK_REGION_ECS_CN_NORTH_4";
    let file = "ECS:\n  - id: cn-north-4\n    endpoints: [file-a.example.com, 'http://file-b.example.com:8080']\n";
    let region = || {
        changeos(["send", "--server-id", SERVER, "--project-id", PROJECT])
            .args([example("cloudinit-password.json")])
            .keys()
            .env("HUAWEICLOUD_SDK_REGION", "cn-north-4")
    };
    // The built-in table, when nothing overrides it.
    let (line, event) = dry_run_endpoint(region());
    assert_eq!(
        line,
        "endpoint: https://ecs.cn-north-4.myhuaweicloud.com (from the built-in region table)"
    );
    assert_eq!(event["endpoint"], "https://ecs.cn-north-4.myhuaweicloud.com");
    assert_eq!(event["endpoint_source"], "the built-in region table");
    assert_eq!(event["fallback_endpoints"], serde_json::json!([]));
    // The regions file over the table.
    let run = region().write(".huaweicloud/regions.yaml", file);
    let path = run.home().join(".huaweicloud/regions.yaml");
    let (line, event) = dry_run_endpoint(run);
    assert_eq!(
        line,
        format!(
            "endpoint: https://file-a.example.com (from the regions file {})",
            path.display()
        )
    );
    assert_eq!(
        event["url"],
        format!("https://file-a.example.com/v2/{PROJECT}/cloudservers/{SERVER}/changeos")
    );
    assert_eq!(
        event["fallback_endpoints"],
        serde_json::json!(["http://file-b.example.com:8080"])
    );
    // The variable over the file.
    let run = region()
        .write(".huaweicloud/regions.yaml", file)
        .env(variable, "var-a.example.com,var-b.example.com");
    let (line, event) = dry_run_endpoint(run);
    assert_eq!(line, format!("endpoint: https://var-a.example.com (from {variable})"));
    assert_eq!(event["endpoint_source"], variable);
    assert_eq!(
        event["fallback_endpoints"],
        serde_json::json!(["https://var-b.example.com"])
    );
    // --endpoint over everything (--region and --endpoint exclude each other; the region here
    // comes from HUAWEICLOUD_SDK_REGION).
    let run = region()
        .write(".huaweicloud/regions.yaml", file)
        .env(variable, "var-a.example.com")
        .args(["--endpoint", "https://flag.example.com"]);
    let (line, event) = dry_run_endpoint(run);
    assert_eq!(line, "endpoint: https://flag.example.com (from --endpoint)");
    assert_eq!(event["endpoint_source"], "--endpoint");
    // In the human format too, with the fallbacks on their own line.
    let ran = region()
        .env(variable, "var-a.example.com, var-b.example.com ,var-c.example.com")
        .args(["--dry-run"])
        .run();
    ran.expect_code(0)
        .says(&format!("endpoint: https://var-a.example.com (from {variable})"))
        .says("if it cannot be reached: https://var-b.example.com, https://var-c.example.com")
        .says("POST https://var-a.example.com/v2/");
}

#[test]
fn the_regions_file_in_home_and_named_by_the_variable() {
    let mock = Mock::start();
    mock.on_post(Reply::accepted()).on_post(Reply::accepted());
    let entry = |endpoint: &str| format!("ecs:\n  - id: {PRIVATE_REGION}\n    endpoint: {endpoint}\n");
    // In the home directory.
    let ran = send_to_region(PRIVATE_REGION, "human")
        .write(".huaweicloud/regions.yaml", &entry(&mock.endpoint()))
        .run();
    ran.expect_code(0).leaks_nothing(&secrets(&mock));
    assert_eq!(mock.posts(), 1);
    // Named by HUAWEICLOUD_SDK_REGIONS_FILE, which wins over the one in the home directory.
    let elsewhere = mock_ecs::TempDir::new("regions");
    let named = elsewhere.write("regions.yaml", entry(&mock.endpoint()));
    let ran = send_to_region(PRIVATE_REGION, "human")
        .write(".huaweicloud/regions.yaml", &entry(&refused_endpoint()))
        .env("HUAWEICLOUD_SDK_REGIONS_FILE", named.to_str().unwrap())
        .run();
    ran.expect_code(0).leaks_nothing(&secrets(&mock));
    assert_eq!(mock.posts(), 2);
    mock.assert_all_authenticated();
    // A file that the variable names must exist, even for a built-in region.
    let missing = elsewhere.join("missing.yaml");
    for format in FORMATS {
        let ran = send_to_region("cn-north-4", format)
            .env("HUAWEICLOUD_SDK_REGIONS_FILE", missing.to_str().unwrap())
            .args(["--dry-run"])
            .run();
        ran.expect_code(2).says(&format!(
            "cannot read the regions file {}: no such file (named by HUAWEICLOUD_SDK_REGIONS_FILE)",
            missing.display()
        ));
    }
    // One that is not a regular file is refused unread (bounded like every file).
    let ran = send_to_region("cn-north-4", "human")
        .env("HUAWEICLOUD_SDK_REGIONS_FILE", elsewhere.path().to_str().unwrap())
        .args(["--dry-run"])
        .run();
    ran.expect_code(2).says("it is a directory");
    assert_eq!(mock.posts(), 2);
}

#[test]
fn a_bad_regions_file_is_named_with_the_line() {
    for (text, says) in [
        (
            "ECS:\n  - id: cn-north-4\n    endpoint: a.example.com\n    endpoints: [b.example.com]\n",
            "line 4, column 5: both `endpoint` and `endpoints`",
        ),
        (
            "ECS:\n  - id: cn-north-4\n    endpoint: [unclosed\n",
            "line 4, column 1: not valid YAML",
        ),
        (
            "ECS:\n  - id: cn-north-4\n    endpiont: a.example.com\n",
            "line 3, column 5: unknown key `endpiont`",
        ),
    ] {
        for format in FORMATS {
            // Read for a built-in region too, as the SDK reads it: it comes before the table.
            let run = send_to_region("cn-north-4", format)
                .write(".huaweicloud/regions.yaml", text)
                .args(["--dry-run"]);
            let path = run.home().join(".huaweicloud/regions.yaml");
            let ran = run.run();
            ran.expect_code(2)
                .says(&format!("the regions file {}, {says}", path.display()));
            if format == "json" {
                assert_eq!(ran.events()[0]["exit_code"], 2);
            }
        }
    }
    // The variable answers first: the file is then not read at all.
    let ran = send_to_region("cn-north-4", "human")
        .write(".huaweicloud/regions.yaml", "ECS: [")
        .env("HUAWEICLOUD_SDK_REGION_ECS_CN_NORTH_4", "ecs.example.com")
        .args(["--dry-run"])
        .run();
    ran.expect_code(0).says("POST https://ecs.example.com/v2/");
}

#[test]
fn the_post_skips_an_endpoint_it_cannot_reach_and_is_sent_once() {
    for format in FORMATS {
        let mock = Mock::start();
        mock.on_post(Reply::accepted()).on_get(Reply::job("SUCCESS"));
        let refused = refused_endpoint();
        let ran = send_to_region(PRIVATE_REGION, format)
            .env(
                PRIVATE_VARIABLE,
                &format!("{refused},{UNRESOLVABLE_ENDPOINT},{}", mock.endpoint()),
            )
            .args(["--wait"])
            .args(FAST_POLL)
            .run();
        ran.expect_code(0)
            .says(&format!("note: nothing was sent to {refused} (cannot connect"))
            .says(&format!("trying {UNRESOLVABLE_ENDPOINT}"))
            .says(&format!(
                "note: nothing was sent to {UNRESOLVABLE_ENDPOINT} (the host name does not resolve"
            ))
            .says(&format!("trying {}", mock.endpoint()))
            .leaks_nothing(&secrets(&mock));
        assert_eq!((mock.posts(), mock.gets()), (1, 1), "sent once, then the job followed");
        mock.assert_all_authenticated();
        // The wait starts at the endpoint that took the POST: no dead endpoint is tried again.
        assert!(!ran.stderr.contains("job query moves on"), "{}", ran.stderr);
        // Each endpoint had its own signature (the Host header is signed); none is shown.
        assert!(!ran.all().contains("Signature=") || ran.all().contains("Signature=[redacted]"));
    }
}

#[test]
fn the_post_never_moves_on_once_it_may_have_left() {
    for (first, code, says) in [
        (Some(Reply::ResetAfterRead), 6, "outcome unknown"),
        (
            Some(Reply::json(502, "")),
            6,
            "outcome unknown: the gateway answered HTTP 502",
        ),
        (Some(Reply::json(503, "")), 3, "the API rejected the request: HTTP 503"),
        (
            Some(Reply::json(400, r#"{"error": {"code": "Ecs.0005", "message": "bad"}}"#)),
            3,
            "Ecs.0005",
        ),
        (None, 6, "outcome unknown"),
    ] {
        for format in FORMATS {
            let (one, two) = (Mock::start(), Mock::start());
            match &first {
                Some(reply) => {
                    one.on_post(reply.clone());
                }
                None => {
                    one.on_connection(Connection::ResetBeforeRead);
                }
            }
            two.on_post(Reply::accepted());
            let ran = send_to_region(PRIVATE_REGION, format)
                .env(PRIVATE_VARIABLE, &format!("{},{}", one.endpoint(), two.endpoint()))
                .run();
            ran.expect_code(code).says(says).leaks_nothing(&secrets(&one));
            assert_eq!(one.connections(), 1, "{says}");
            assert_eq!(two.connections(), 0, "{says}: the second endpoint must receive nothing");
            assert!(!ran.stderr.contains("trying"), "{}", ran.stderr);
        }
    }
}

#[test]
fn when_no_endpoint_can_be_reached_each_failure_is_listed() {
    let refused = refused_endpoint();
    for format in FORMATS {
        let ran = send_to_region(PRIVATE_REGION, format)
            .env(PRIVATE_VARIABLE, &format!("{refused},{UNRESOLVABLE_ENDPOINT}"))
            .run();
        ran.expect_code(2)
            .says(&format!(
                "cannot reach the endpoint: tried 2 endpoints: {refused}: cannot connect"
            ))
            .says(&format!("; {UNRESOLVABLE_ENDPOINT}: the host name does not resolve"))
            .says("the request was not sent: nothing changed; it is safe to run the command again")
            .leaks_nothing(&[]);
        assert!(!ran.all().contains("Do NOT send"), "{}", ran.all());
        if format == "json" {
            let event = &ran.events()[0];
            assert_eq!(event["exit_code"], 2);
            assert!(event["message"].as_str().unwrap().contains(UNRESOLVABLE_ENDPOINT));
        }
    }
}

// ---- the project id looked up in IAM ------------------------------------------------------------

/// `send` to `mock` without a project id, the region named by the environment and IAM at `iam`.
fn send_looking_up(mock: &Mock, iam: &Mock, format: &str) -> mock_ecs::Changeos {
    changeos([
        "send",
        "--server-id",
        SERVER,
        "--endpoint",
        &mock.endpoint(),
        "--format",
        format,
    ])
    .args(FAST_RETRY)
    .args([example("cloudinit-password.json")])
    .keys()
    .env("HUAWEICLOUD_SDK_REGION", "ap-southeast-1")
    .env("HUAWEICLOUD_SDK_IAM_ENDPOINT", &iam.endpoint())
}

/// The project lookup the server read (the first request).
fn the_lookup(mock: &Mock) -> mock_ecs::Received {
    let requests = mock.requests();
    assert_eq!(requests[0].path, mock_ecs::PROJECTS_PATH, "the lookup comes first");
    requests[0].clone()
}

#[test]
fn without_a_project_id_it_is_looked_up_in_iam_with_a_signed_query() {
    for format in FORMATS {
        let mock = Mock::start();
        mock.on_projects(Reply::projects(&[(PROJECT, "ap-southeast-1")]))
            .on_post(Reply::accepted());
        let ran = send_looking_up(&mock, &mock, format).run();
        ran.expect_code(0).leaks_nothing(&secrets(&mock));
        assert_eq!((mock.lookups(), mock.posts()), (1, 1));
        mock.assert_all_authenticated();
        let lookup = the_lookup(&mock);
        assert_eq!(
            (lookup.method.as_str(), lookup.query.as_str()),
            ("GET", "name=ap-southeast-1")
        );
        assert!(lookup.header("User-Agent").unwrap().starts_with("changeos/"));
        for absent in ["X-Project-Id", "Content-Type", "X-Security-Token", "X-Auth-Token"] {
            assert_eq!(lookup.header(absent), None, "{absent}");
        }
        assert!(
            lookup
                .header("Authorization")
                .unwrap()
                .contains("SignedHeaders=host;user-agent;x-sdk-date,")
        );
        assert_eq!(
            mock.requests()[1].path,
            format!("/v2/{PROJECT}/cloudservers/{SERVER}/changeos")
        );
        ran.says(&format!("note: project id {PROJECT} looked up at {}", mock.endpoint()));
        assert_eq!(
            ran.stderr.matches("is plain http").count(),
            1,
            "one warning for one host"
        );
        let resume = format!(
            "changeos job wait {JOB} --project-id {PROJECT} --endpoint {}",
            mock.endpoint()
        );
        if format == "json" {
            assert_eq!(ran.events()[0]["resume"], resume.as_str());
        } else {
            ran.says(&resume);
        }
    }
}

#[test]
fn temporary_credentials_send_and_sign_their_token_on_the_lookup() {
    let mock = Mock::start();
    mock.on_projects(Reply::projects(&[(PROJECT, "ap-southeast-1")]))
        .on_post(Reply::accepted());
    let ran = send_looking_up(&mock, &mock, "human")
        .env("HUAWEICLOUD_SDK_SECURITY_TOKEN", mock_ecs::SECURITY_TOKEN)
        .run();
    ran.expect_code(0).leaks_nothing(&secrets(&mock));
    mock.assert_all_authenticated();
    let lookup = the_lookup(&mock);
    assert_eq!(lookup.header("X-Security-Token"), Some(mock_ecs::SECURITY_TOKEN));
    assert!(
        lookup
            .header("Authorization")
            .unwrap()
            .contains("SignedHeaders=host;user-agent;x-sdk-date;x-security-token,")
    );
    assert_eq!(mock.posts(), 1);
}

#[test]
fn no_project_or_several_is_an_error_that_says_what_to_pass_and_sends_nothing() {
    for format in FORMATS {
        let mock = Mock::start();
        mock.on_projects(Reply::projects(&[]));
        let ran = send_looking_up(&mock, &mock, format).run();
        ran.expect_code(2)
            .says("IAM lists no project named `ap-southeast-1` for these credentials")
            .says(&format!("X-IAM-Trace-Id {}", mock_ecs::IAM_TRACE_ID))
            .says("X-Request-Id mock-req-1")
            .says("nothing was sent to ECS; pass --project-id ID")
            .leaks_nothing(&secrets(&mock));
        assert_eq!((mock.lookups(), mock.posts()), (1, 0));

        let mock = Mock::start();
        mock.on_projects(Reply::projects(&[
            ("p-one", "ap-southeast-1"),
            ("p-two", "ap-southeast-1_sub"),
        ]));
        let ran = send_looking_up(&mock, &mock, format).run();
        ran.expect_code(2)
            .says("IAM lists 2 projects named `ap-southeast-1`: p-one (ap-southeast-1), p-two (ap-southeast-1_sub)")
            .says(&format!("X-IAM-Trace-Id {}", mock_ecs::IAM_TRACE_ID))
            .says("pass --project-id with the id of the one to use");
        assert_eq!((mock.lookups(), mock.posts()), (1, 0));
        if format == "json" {
            let event = &ran.events()[0];
            assert_eq!(event["exit_code"], 2);
            assert_eq!(event["projects"][1]["id"], "p-two");
        }
    }
}

#[test]
fn an_iam_refusal_is_a_credentials_error_not_retried_and_nothing_is_sent() {
    for format in FORMATS {
        let (ecs, iam) = (Mock::start(), Mock::start());
        // IAM knows another SK: the signature does not match, and it answers 401.
        iam.expect_keys(mock_ecs::AK, "Another-Secret-Key-0");
        let ran = send_looking_up(&ecs, &iam, format).run();
        ran.expect_code(2)
            .says("IAM refused the project lookup: check the AK/SK")
            .says("signature mismatch")
            .says("nothing was sent to ECS")
            .leaks_nothing(&[secrets(&ecs), secrets(&iam)].concat());
        assert_eq!(iam.lookups(), 1, "a refusal is not retried");
        assert_eq!(ecs.connections(), 0);
        if format == "json" {
            assert_eq!(ran.events()[0]["http_status"], 401);
        }
    }
    let (ecs, iam) = (Mock::start(), Mock::start());
    iam.on_projects(Reply::json(
        403,
        r#"{"error": {"code": "IAM.0002", "message": "no permission to list projects"}}"#,
    ));
    send_looking_up(&ecs, &iam, "human")
        .run()
        .expect_code(2)
        .says("IAM refused the project lookup")
        .says("IAM.0002")
        .says(&format!(
            "warning: {} is plain http",
            iam.endpoint().trim_start_matches("http://")
        ));
    assert_eq!((iam.lookups(), ecs.connections()), (1, 0));
}

#[test]
fn an_unreachable_or_failing_iam_exits_2_after_the_get_retries() {
    let ecs = Mock::start();
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let ran = send_looking_up(&ecs, &ecs, "human")
        .env("HUAWEICLOUD_SDK_IAM_ENDPOINT", &format!("http://127.0.0.1:{port}"))
        .args(["--retries", "1"])
        .run();
    ran.expect_code(2)
        .says(&format!("cannot reach IAM at http://127.0.0.1:{port}: cannot connect"))
        .says("retry 1 of 1")
        .says("nothing was sent to ECS");
    // No certificate was refused: nothing is said of roots.
    assert!(!ran.all().contains("--ca-file"), "{}", ran.all());
    assert_eq!(ecs.connections(), 0);

    for format in FORMATS {
        let (ecs, iam) = (Mock::start(), Mock::start());
        iam.on_projects(Reply::json(503, r#"{"error_code": "IAM.0500", "error_msg": "busy"}"#));
        let ran = send_looking_up(&ecs, &iam, format).args(["--retries", "2"]).run();
        ran.expect_code(2)
            .says("the project lookup failed")
            .says("IAM.0500")
            .leaks_nothing(&secrets(&iam));
        assert_eq!(iam.lookups(), 3, "the first attempt and two retries");
        assert_eq!(ecs.connections(), 0);
    }
    // A failure after the retries, then an answer: the lookup goes on.
    let (ecs, iam) = (Mock::start(), Mock::start());
    iam.on_projects(Reply::json(500, "{}"))
        .on_projects(Reply::projects(&[(PROJECT, "ap-southeast-1")]));
    ecs.on_post(Reply::accepted());
    send_looking_up(&ecs, &iam, "human").run().expect_code(0);
    assert_eq!((iam.lookups(), ecs.posts()), (2, 1));
}

#[test]
fn the_lookup_needs_a_region_and_ak_sk() {
    let mock = Mock::start();
    let base = ["send", "--server-id", SERVER, "--endpoint"];
    let payload = example("cloudinit-password.json");
    let ran = changeos(base).args([mock.endpoint().as_str(), &payload]).keys().run();
    ran.expect_code(2)
        .says("no project id: pass --project-id ID, set HUAWEICLOUD_SDK_PROJECT_ID")
        .says(
            "to look it up in IAM, name the region: --region REGION instead of --endpoint, or HUAWEICLOUD_SDK_REGION",
        );
    let ran = changeos(base)
        .args([mock.endpoint().as_str(), &payload])
        .env("ADMIN_PASS", PASSWORD)
        .env("HUAWEICLOUD_SDK_AUTH_TOKEN", mock_ecs::AUTH_TOKEN)
        .env("HUAWEICLOUD_SDK_REGION", "ap-southeast-1")
        .env("HUAWEICLOUD_SDK_IAM_ENDPOINT", &mock.endpoint())
        .run();
    ran.expect_code(2)
        .says("no project id")
        .says("it cannot be looked up with an IAM token")
        .leaks_nothing(&[]);
    assert_eq!(mock.connections(), 0);
}

/// A dry run without a project id in `region`, with `env` set; its stderr.
fn planned_lookup(region: &str, env: &[(&str, &str)], file: Option<&str>) -> mock_ecs::Ran {
    let mut run = changeos(["send", "--dry-run", "--server-id", SERVER, "--region", region])
        .args([example("cloudinit-password.json")])
        .env("ADMIN_PASS", PASSWORD);
    for (name, value) in env {
        run = run.env(name, value);
    }
    match file {
        Some(text) => run.write(".huaweicloud/credentials", text),
        None => run.keys(),
    }
    .run()
}

#[test]
fn the_iam_endpoint_from_the_variable_the_credentials_file_the_table_or_the_default() {
    let lookup = |host: &str, region: &str| {
        format!("would look up the project id: GET {host}/v3/projects?name={region} (signed, not sent)")
    };
    planned_lookup("cn-north-12", &[], None)
        .expect_code(0)
        .says(&lookup("https://iam.cn-north-12.myhuaweicloud.com", "cn-north-12"))
        .says("IAM endpoint from the SDK's table of IAM endpoints");
    planned_lookup("eu-west-101", &[], None)
        .expect_code(0)
        .says(&lookup("https://iam.myhuaweicloud.com", "eu-west-101"))
        .says("IAM endpoint from the default (the region is not in the SDK's table)");
    let file = format!(
        "[basic]\nak = {}\nsk = {SK}\niam_endpoint = https://iam.file.test\n",
        mock_ecs::AK
    );
    planned_lookup("cn-north-4", &[], Some(&file))
        .expect_code(0)
        .says(&lookup("https://iam.file.test", "cn-north-4"))
        .says("IAM endpoint from iam_endpoint of ");
    // The variable comes before the file.
    planned_lookup(
        "cn-north-4",
        &[("HUAWEICLOUD_SDK_IAM_ENDPOINT", "https://iam.variable.test")],
        Some(&file),
    )
    .expect_code(0)
    .says(&lookup("https://iam.variable.test", "cn-north-4"))
    .says("IAM endpoint from HUAWEICLOUD_SDK_IAM_ENDPOINT");
    planned_lookup(
        "cn-north-4",
        &[("HUAWEICLOUD_SDK_IAM_ENDPOINT", "ftp://iam.test")],
        None,
    )
    .expect_code(2)
    .says("HUAWEICLOUD_SDK_IAM_ENDPOINT: ")
    .says("the scheme must be http or https");

    // And a real lookup at the file's endpoint.
    let mock = Mock::start();
    mock.on_projects(Reply::projects(&[(PROJECT, "ap-southeast-1")]))
        .on_post(Reply::accepted());
    let file = format!(
        "[basic]\nak = {}\nsk = {SK}\niam_endpoint = {}\n",
        mock_ecs::AK,
        mock.endpoint()
    );
    changeos(["send", "--server-id", SERVER, "--endpoint", &mock.endpoint()])
        .args([example("cloudinit-password.json")])
        .env("ADMIN_PASS", PASSWORD)
        .env("HUAWEICLOUD_SDK_REGION", "ap-southeast-1")
        .write(".huaweicloud/credentials", &file)
        .run()
        .expect_code(0)
        .says(&format!("note: project id {PROJECT} looked up at {}", mock.endpoint()));
    assert_eq!((mock.lookups(), mock.posts()), (1, 1));
    mock.assert_all_authenticated();
}

#[test]
fn a_dry_run_shows_the_lookup_it_would_send_and_sends_nothing() {
    let mock = Mock::start();
    let ran = send_looking_up(&mock, &mock, "human").args(["--dry-run"]).run();
    ran.expect_code(0)
        .says(&format!(
            "would look up the project id: GET {}/v3/projects?name=ap-southeast-1 (signed, not sent)",
            mock.endpoint()
        ))
        .says("the request below has PROJECT-ID-FROM-IAM for the project id")
        .says("dry run: nothing was sent");
    assert!(
        ran.stdout.starts_with(&format!(
            "POST {}/v2/PROJECT-ID-FROM-IAM/cloudservers/",
            mock.endpoint()
        )),
        "{}",
        ran.stdout
    );
    let json = send_looking_up(&mock, &mock, "json").args(["--dry-run"]).run();
    json.expect_code(0);
    let event = &json.events()[0];
    assert_eq!(event["project_id"], serde_json::Value::Null);
    let lookup = &event["project_lookup"];
    assert_eq!(lookup["method"], "GET");
    assert_eq!(
        lookup["url"],
        format!("{}/v3/projects?name=ap-southeast-1", mock.endpoint()).as_str()
    );
    assert_eq!(lookup["iam_endpoint_from"], "HUAWEICLOUD_SDK_IAM_ENDPOINT");
    let authorization = lookup["headers"]
        .as_array()
        .unwrap()
        .iter()
        .find(|h| h[0] == "Authorization")
        .unwrap()[1]
        .as_str()
        .unwrap()
        .to_owned();
    assert!(authorization.ends_with("Signature=[redacted]"), "{authorization}");
    // With a project id, the event says which.
    let given = send(&mock, "json").args(["--dry-run"]).run();
    assert_eq!(given.events()[0]["project_id"], PROJECT);
    assert!(given.events()[0].get("project_lookup").is_none());
    assert_eq!(mock.connections(), 0, "dry runs send nothing");
}

// ---- proxies ------------------------------------------------------------------------------------

/// The proxy's user and password, and how they are written in the URL.
const PROXY_USER: &str = "proxy-user";
const PROXY_PASSWORD: &str = "Pr0xy@Secret:42";
const PROXY_USERINFO: &str = "proxy-user:Pr0xy%40Secret%3A42";

/// Every form of the proxy password that must never be printed.
fn proxy_secrets() -> Vec<String> {
    use base64::Engine;
    vec![
        PROXY_PASSWORD.to_owned(),
        "Pr0xy%40Secret%3A42".to_owned(),
        base64::engine::general_purpose::STANDARD.encode(format!("{PROXY_USER}:{PROXY_PASSWORD}")),
    ]
}

#[test]
fn a_proxy_with_credentials_carries_the_request_and_its_password_is_never_shown() {
    for format in FORMATS {
        let mock = Mock::start();
        mock.on_post(Reply::accepted());
        let proxy = mock_ecs::ConnectProxy::start(Some((PROXY_USER, PROXY_PASSWORD)));
        let ran = send(&mock, format)
            .env("HTTPS_PROXY", &proxy.url(Some(PROXY_USERINFO)))
            .run();
        ran.expect_code(0)
            .leaks_nothing(&[secrets(&mock), proxy_secrets()].concat());
        assert_eq!(mock.posts(), 1);
        let tunnels = proxy.tunnels();
        assert_eq!(tunnels.len(), 1);
        assert!(tunnels[0].opened);
        assert_eq!(format!("http://{}", tunnels[0].target), mock.endpoint());
        assert_eq!(
            tunnels[0].authorization.as_deref(),
            Some(format!("Basic {}", proxy_secrets()[2]).as_str())
        );

        // Where the proxy is named (it cannot reach the endpoint), its password is masked.
        let dead = std::net::TcpListener::bind("127.0.0.1:0")
            .unwrap()
            .local_addr()
            .unwrap();
        let ran = send_of_project()
            .args(["--format", format])
            .args([
                "--endpoint",
                &format!("http://{dead}"),
                &example("cloudinit-password.json"),
            ])
            .keys()
            .env("HTTPS_PROXY", &proxy.url(Some(PROXY_USERINFO)))
            .run();
        ran.expect_code(2)
            .says("the proxy did not open a tunnel to the endpoint")
            .says(&format!(
                "through the proxy http://{PROXY_USER}:****@{}",
                proxy.url(None).trim_start_matches("http://")
            ))
            .says("of HTTPS_PROXY")
            .leaks_nothing(&proxy_secrets());
    }
}

#[test]
fn a_proxy_that_refuses_the_credentials_exits_2_and_nothing_is_sent() {
    for format in FORMATS {
        let mock = Mock::start();
        let proxy = mock_ecs::ConnectProxy::start(Some((PROXY_USER, PROXY_PASSWORD)));
        proxy.refuse_credentials();
        let ran = send(&mock, format)
            .env("https_proxy", &proxy.url(Some(PROXY_USERINFO)))
            .run();
        ran.expect_code(2)
            .says("cannot reach the endpoint: the proxy refused the credentials (HTTP 407")
            .says("check the user and password in the proxy URL")
            .says("of https_proxy")
            .says("nothing changed; it is safe to run the command again")
            .leaks_nothing(&proxy_secrets());
        assert_eq!(proxy.tunnels().len(), 1);
        assert_eq!(mock.connections(), 0);
        if format == "json" {
            assert_eq!(ran.events()[0]["exit_code"], 2);
        }

        // A proxy that hangs up on the CONNECT with a reset: nothing went through either.
        let proxy = mock_ecs::ConnectProxy::start(None);
        proxy.hang_up();
        let ran = send(&mock, format).env("HTTPS_PROXY", &proxy.url(None)).run();
        ran.expect_code(2)
            .says("cannot reach the endpoint: the connection failed before the request was sent")
            .says("nothing changed; it is safe to run the command again");
        assert_eq!((proxy.tunnels().len(), mock.connections()), (1, 0));
    }
}

#[test]
fn a_proxy_variable_that_cannot_be_used_is_an_error_naming_it() {
    let mock = Mock::start();
    for (variable, value, says) in [
        (
            "HTTPS_PROXY",
            "socks5://u:Pr0xy-Secret-7@127.0.0.1:1080",
            "socks5:// proxies are not supported",
        ),
        (
            "http_proxy",
            "http://u:Pr0xy-Secret-7@127.0.0.1:99999",
            "bad port `99999`",
        ),
        (
            "ALL_PROXY",
            "ftp://u:Pr0xy-Secret-7@127.0.0.1",
            "unsupported scheme `ftp`",
        ),
        (
            "HTTPS_PROXY",
            "http://u:Pr0xy-Secret-7@127.0.0.1:8080/path",
            "a proxy URL is scheme://[user:password@]host[:port], without a path",
        ),
    ] {
        let ran = send(&mock, "human").env(variable, value).run();
        ran.expect_code(2)
            .says(&format!("error: {variable}: {says}"))
            .says("u:****@127.0.0.1")
            .leaks_nothing(&["Pr0xy-Secret-7".to_owned()]);
    }
    assert_eq!(mock.connections(), 0);
}

#[test]
fn no_proxy_bypasses_the_proxy() {
    for (variable, list) in [("NO_PROXY", "127.0.0.1"), ("no_proxy", "localhost, 127.0.0.1")] {
        let mock = Mock::start();
        mock.on_post(Reply::accepted());
        let proxy = mock_ecs::ConnectProxy::start(None);
        send(&mock, "human")
            .env("HTTPS_PROXY", &proxy.url(None))
            .env(variable, list)
            .run()
            .expect_code(0);
        assert_eq!((proxy.tunnels().len(), mock.posts()), (0, 1), "{variable}");
    }
    // Not listed: through the proxy.
    let mock = Mock::start();
    mock.on_post(Reply::accepted());
    let proxy = mock_ecs::ConnectProxy::start(None);
    send(&mock, "human")
        .env("HTTPS_PROXY", &proxy.url(None))
        .env("NO_PROXY", "example.com")
        .run()
        .expect_code(0);
    assert_eq!((proxy.tunnels().len(), mock.posts()), (1, 1));
}

// ---- the parts together: trust with several endpoints, trust and the lookup --------------------

#[test]
fn the_post_skips_an_endpoint_whose_certificate_is_rejected_and_is_sent_once() {
    // The handshake comes before any request byte: nothing was sent, so the POST moves on.
    let ca = TestCa::new("changeos test CA (not trusted)");
    let untrusted = Mock::start_tls(&ca.valid());
    untrusted.on_post(Reply::accepted());
    let mock = Mock::start();
    mock.on_post(Reply::accepted());
    let ran = send_to_region(PRIVATE_REGION, "human")
        .env(
            PRIVATE_VARIABLE,
            &format!("{},{}", untrusted.endpoint(), mock.endpoint()),
        )
        .run();
    ran.expect_code(0)
        .says(&format!(
            "note: nothing was sent to {} (invalid peer certificate from 127.0.0.1:",
            untrusted.endpoint()
        ))
        .says(&format!("trying {}", mock.endpoint()))
        .leaks_nothing(&secrets(&mock));
    assert_eq!((untrusted.connections(), untrusted.posts(), mock.posts()), (1, 0, 1));
    // Trusted through --ca-file, the first endpoint takes it and the second hears nothing.
    let second = Mock::start();
    let ran = send_to_region(PRIVATE_REGION, "human")
        .env(
            PRIVATE_VARIABLE,
            &format!("{},{}", untrusted.endpoint(), second.endpoint()),
        )
        .write("ca.pem", ca.pem())
        .args(["--ca-file", "ca.pem"])
        .run();
    ran.expect_code(0);
    assert_eq!((untrusted.posts(), second.connections()), (1, 0));
}

/// The note that says how to trust a root, in part.
const TRUST_NOTE: &str = "to trust a private or company root CA, pass --ca-file PATH (a PEM file of the root) or set \
                          SSL_CERT_FILE (or SSL_CERT_DIR); certificate checks cannot be turned off";

#[test]
fn when_every_endpoint_refuses_its_certificate_the_post_says_how_to_trust_a_root() {
    let ca = TestCa::new("changeos test CA (not trusted)");
    for format in FORMATS {
        let (one, two) = (Mock::start_tls(&ca.valid()), Mock::start_tls(&ca.valid()));
        one.on_post(Reply::accepted());
        two.on_post(Reply::accepted());
        let ran = send_to_region(PRIVATE_REGION, format)
            .env(PRIVATE_VARIABLE, &format!("{},{}", one.endpoint(), two.endpoint()))
            .run();
        let host = |mock: &Mock| mock.endpoint().trim_start_matches("https://").to_owned();
        let message = format!(
            "cannot reach the endpoint: tried 2 endpoints: {}: invalid peer certificate from {}: unknown issuer; {}: \
             invalid peer certificate from {}: unknown issuer",
            one.endpoint(),
            host(&one),
            two.endpoint(),
            host(&two)
        );
        let each = "nothing was sent: the certificate of each endpoint was refused in the TLS handshake, before the \
                    request left this machine";
        ran.expect_code(2)
            .says(&message)
            .says(each)
            .says(TRUST_NOTE)
            .leaks_nothing(&secrets(&one));
        assert!(!ran.all().contains("outcome unknown"), "{}", ran.all());
        assert!(!ran.all().contains("safe to run the command again"), "{}", ran.all());
        assert_eq!((one.connections(), two.connections()), (1, 1), "one handshake each");
        assert_eq!((one.posts(), two.posts()), (0, 0), "no request");
        if format == "json" {
            let event = ran.events().pop().unwrap();
            assert_eq!(event["event"], "error");
            assert_eq!(event["exit_code"], 2);
            assert_eq!(event["message"], message);
            assert_eq!(event["notes"], serde_json::json!([each, TRUST_NOTE]));
        }
    }
}

#[test]
fn when_some_endpoints_refuse_their_certificate_the_post_names_them_and_says_how_to_trust_a_root() {
    let ca = TestCa::new("changeos test CA (not trusted)");
    let refused = refused_endpoint();
    for format in FORMATS {
        let untrusted = Mock::start_tls(&ca.valid());
        untrusted.on_post(Reply::accepted());
        let ran = send_to_region(PRIVATE_REGION, format)
            .env(PRIVATE_VARIABLE, &format!("{refused},{}", untrusted.endpoint()))
            .run();
        let safe = "the request was not sent: nothing changed; it is safe to run the command again";
        let whose = format!(
            "the certificate of {} was refused in the TLS handshake",
            untrusted.endpoint()
        );
        ran.expect_code(2)
            .says(&format!(
                "cannot reach the endpoint: tried 2 endpoints: {refused}: cannot connect"
            ))
            .says(&format!(
                "; {}: invalid peer certificate from 127.0.0.1:",
                untrusted.endpoint()
            ))
            .says(safe)
            .says(&whose)
            .says(TRUST_NOTE)
            .leaks_nothing(&[]);
        // Not every endpoint refused a certificate: that is not said to be why nothing was sent.
        assert!(
            !ran.all().contains("nothing was sent: the certificate"),
            "{}",
            ran.all()
        );
        assert_eq!((untrusted.connections(), untrusted.posts()), (1, 0));
        if format == "json" {
            let event = ran.events().pop().unwrap();
            assert_eq!(event["exit_code"], 2);
            assert_eq!(event["notes"], serde_json::json!([safe, whose, TRUST_NOTE]));
        }
    }
}

#[test]
fn the_project_lookup_trusts_what_the_post_trusts() {
    let ca = TestCa::new("changeos test CA");
    let iam = Mock::start_tls(&ca.valid());
    iam.on_projects(Reply::projects(&[(PROJECT, "ap-southeast-1")]));
    let mock = Mock::start();
    mock.on_post(Reply::accepted());
    // Without the root the lookup's certificate is refused: exit 2, ECS hears nothing.
    let ran = send_looking_up(&mock, &iam, "human").run();
    ran.expect_code(2)
        .says(&format!(
            "cannot reach IAM at {}: invalid peer certificate from 127.0.0.1:",
            iam.endpoint()
        ))
        .says("unknown issuer")
        .says("nothing was sent to ECS; pass --project-id ID")
        .says(TRUST_NOTE);
    assert_eq!((iam.lookups(), mock.connections()), (0, 0));
    // With it, the lookup and then the POST go through.
    let ran = send_looking_up(&mock, &iam, "human")
        .write("ca.pem", ca.pem())
        .args(["--ca-file", "ca.pem"])
        .run();
    ran.expect_code(0)
        .says(&format!("note: project id {PROJECT} looked up at {}", iam.endpoint()));
    assert_eq!((iam.lookups(), mock.posts()), (1, 1));
    iam.assert_all_authenticated();
}
