//! `changeos job show` and `changeos job wait` against the mock ECS endpoint: retries of the
//! GET (429 with Retry-After, 500 and 503, resets, slow answers), what is not retried (404,
//! malformed JSON), the wait's end states, and that no secret is ever printed.

use crate::mock_ecs;

use std::time::Duration;

use mock_ecs::tls::TestCa;
use mock_ecs::{
    Connection, FAST_POLL, FAST_RETRY, FORMATS, JOB, LeaksNothing, Mock, PROJECT, Reply, UNRESOLVABLE_ENDPOINT,
    changeos, refused_endpoint,
};

fn job(mock: &Mock, action: &str, format: &str) -> mock_ecs::Changeos {
    changeos(["job", action, JOB, "--project-id", PROJECT, "--endpoint"])
        .args([mock.endpoint().as_str(), "--format", format])
        .args(FAST_RETRY)
        .keys()
}

fn wait(mock: &Mock, format: &str) -> mock_ecs::Changeos {
    job(mock, "wait", format).args(FAST_POLL)
}

#[test]
fn show_prints_the_job_once() {
    for format in FORMATS {
        let mock = Mock::start();
        mock.on_get(Reply::job("RUNNING"));
        let ran = job(&mock, "show", format).run();
        ran.expect_code(0).leaks_nothing(&mock.signatures());
        assert_eq!((mock.posts(), mock.gets()), (0, 1));
        mock.assert_all_authenticated();
        let get = &mock.requests()[0];
        assert_eq!(get.path, format!("/v1/{PROJECT}/jobs/{JOB}"));
        assert!(get.body.is_empty());
        if format == "json" {
            let events = ran.events();
            assert_eq!(events.len(), 1);
            assert_eq!(events[0]["status"], "RUNNING");
            assert_eq!(events[0]["final"], false);
            assert_eq!(events[0]["job"]["entities"]["sub_jobs"][0]["status"], "RUNNING");
        } else {
            ran.says(&format!("job {JOB} (changeOS): RUNNING"))
                .says("server:  c9aa197b")
                .says(&format!("to wait for the end: changeos job wait {JOB}"));
        }
    }
}

#[test]
fn show_of_a_failed_job_exits_4() {
    for format in FORMATS {
        let mock = Mock::start();
        mock.on_get(Reply::job("FAIL"));
        let ran = job(&mock, "show", format).run();
        ran.expect_code(4)
            .says("failed: Ecs.0031")
            .says("sub-job ff8080828f5a1b2c018f6e5c7e8f0201 failed")
            .leaks_nothing(&mock.signatures());
    }
}

#[test]
fn text_from_the_server_is_escaped_in_human_output() {
    let injected = serde_json::json!({
        "status": "RUNNING\u{1b}]0;status\u{7}",
        "job_id": "x\n::error::injected\u{1b}]0;pwned\u{7}",
        "job_type": "changeOS",
        "begin_time": "2024\r\n::warning::time",
        "entities": {"server_id": "srv\u{202e}", "sub_jobs": [{"status": "RUNNING", "job_id": "s\n::error::sub"}]},
    });
    let retried = r#"{"error": {"code": "Ecs.9999\n::error::retry\u001b]0;t\u0007", "message": "m"}}"#;
    for format in FORMATS {
        let mock = Mock::start();
        mock.on_get(Reply::json(500, retried))
            .on_get(Reply::json(200, &injected.to_string()));
        let ran = job(&mock, "show", format).run();
        ran.expect_code(0)
            .prints_no_control_characters()
            .says(r"(HTTP 500 Ecs.9999\n::error::retry\u{1b}]0;t\u{7}; retry 1 of 4)")
            .leaks_nothing(&mock.signatures());
        if format == "human" {
            ran.says(r"job x\n::error::injected\u{1b}]0;pwned\u{7} (changeOS): RUNNING\u{1b}]0;status\u{7}")
                .says(r"begun:   2024\r\n::warning::time")
                .says(r"server:  srv\u{202e}")
                .says(r"s\n::error::sub: RUNNING");
        }
    }
    // An error answer, and the job id given on the command line.
    let mock = Mock::start();
    mock.on_get(Reply::json(
        404,
        r#"{"code": "Common.0011\u001b[2J", "message": "Invalid\n::error::x"}"#,
    ));
    let ran = changeos(["job", "show", "j\u{1b}]0;t\u{7}", "--project-id", PROJECT, "--endpoint"])
        .args([mock.endpoint().as_str()])
        .args(FAST_RETRY)
        .keys()
        .run();
    ran.expect_code(3)
        .prints_no_control_characters()
        .says(r"HTTP 404 Common.0011\u{1b}[2J: Invalid\n::error::x");
}

#[test]
fn a_404_job_may_have_expired_and_is_not_retried() {
    for format in FORMATS {
        let mock = Mock::start();
        mock.on_get(Reply::json(404, &mock_ecs::read_data("error-code-message.json")));
        let ran = job(&mock, "show", format).run();
        ran.expect_code(3)
            .says("the job query failed: HTTP 404 Common.0011: Invalid job ID.")
            .says("it may have expired")
            .leaks_nothing(&mock.signatures());
        assert_eq!(mock.gets(), 1);
        let ran = wait(&mock, format).run();
        ran.expect_code(3).says("it may have expired");
        assert_eq!(mock.gets(), 2);
    }
}

#[test]
fn get_is_retried_on_500_and_503_then_succeeds() {
    for format in FORMATS {
        let mock = Mock::start();
        mock.on_get(Reply::json(
            500,
            r#"{"error": {"code": "Ecs.9999", "message": "oops"}}"#,
        ))
        .on_get(Reply::json(503, "<html>Service Unavailable</html>"))
        .on_get(Reply::job("SUCCESS"));
        let ran = job(&mock, "show", format).run();
        ran.expect_code(0)
            .says("retrying the job query in")
            .says("HTTP 500 Ecs.9999; retry 1 of 4")
            .says("HTTP 503 Service Unavailable; retry 2 of 4")
            .leaks_nothing(&mock.signatures());
        assert_eq!(mock.gets(), 3);
        mock.assert_all_authenticated();
        // Each attempt is signed afresh: three requests, three valid signatures.
        assert_eq!(mock.signatures().len(), 3);
    }
}

#[test]
fn get_retries_run_out() {
    let mock = Mock::start();
    mock.on_get(Reply::json(503, ""));
    let ran = job(&mock, "show", "human").args(["--retries", "2"]).run();
    ran.expect_code(3).says("HTTP 503 Service Unavailable: (empty body)");
    assert_eq!(mock.gets(), 3);
}

#[test]
fn a_429_retry_after_is_honoured() {
    let mock = Mock::start();
    mock.on_get(
        Reply::json(429, r#"{"error_code": "APIGW.0308", "error_msg": "throttled"}"#).with_header("Retry-After", "1"),
    )
    .on_get(Reply::job("SUCCESS"));
    let ran = job(&mock, "show", "human").run();
    ran.expect_code(0)
        .says("retrying the job query in 1s (HTTP 429 APIGW.0308");
    assert_eq!(mock.gets(), 2);
    assert!(
        ran.elapsed >= Duration::from_secs(1),
        "waited as asked: {:?}",
        ran.elapsed
    );
}

#[test]
fn get_is_retried_after_resets_and_slow_answers() {
    for format in FORMATS {
        let mock = Mock::start();
        mock.on_connection(Connection::ResetBeforeRead)
            .on_get(Reply::ResetAfterRead)
            .on_get(Reply::job("RUNNING").slow(Duration::from_millis(1500)))
            .on_get(Reply::job("SUCCESS"));
        let ran = job(&mock, "show", format).args(["--read-timeout", "300ms"]).run();
        ran.expect_code(0)
            .says("the connection was reset")
            .says("no complete answer within 300ms")
            .leaks_nothing(&mock.signatures());
        assert_eq!((mock.connections(), mock.gets()), (4, 3));
        if format == "json" {
            assert_eq!(ran.events()[0]["status"], "SUCCESS");
        }
    }
}

#[test]
fn a_get_that_never_answers_is_outcome_unknown_with_the_resume_command() {
    for format in FORMATS {
        let mock = Mock::start();
        mock.on_get(Reply::ResetAfterRead);
        let ran = wait(&mock, format).args(["--retries", "1"]).run();
        ran.expect_code(6)
            .says("outcome unknown: the connection was reset")
            .says(&format!(
                "the job {JOB} itself is not affected; follow it again with: changeos job wait {JOB}"
            ))
            .leaks_nothing(&mock.signatures());
        assert_eq!(mock.gets(), 2);
        if format == "json" {
            let error = ran.events().pop().unwrap();
            assert_eq!(error["exit_code"], 6);
            assert!(error["resume"].as_str().unwrap().starts_with("changeos job wait"));
        }
    }
}

#[test]
fn malformed_json_is_not_retried() {
    for format in FORMATS {
        let mock = Mock::start();
        mock.on_get(Reply::json(200, r#"{"status": "RUNN"#));
        let ran = job(&mock, "show", format).run();
        ran.expect_code(6)
            .says("the job query answered HTTP 200 (X-Request-Id mock-req-1) with malformed JSON")
            .leaks_nothing(&mock.signatures());
        assert_eq!(mock.gets(), 1);
    }
}

#[test]
fn wait_ends_at_success_with_one_line_per_change() {
    for format in FORMATS {
        let mock = Mock::start();
        for status in ["INIT", "INIT", "RUNNING", "RUNNING", "RUNNING", "SUCCESS"] {
            mock.on_get(Reply::job(status));
        }
        let ran = wait(&mock, format).run();
        ran.expect_code(0).leaks_nothing(&mock.signatures());
        assert_eq!(mock.gets(), 6);
        if format == "json" {
            let statuses: Vec<String> = ran
                .events()
                .iter()
                .map(|e| e["status"].as_str().unwrap().to_owned())
                .collect();
            assert_eq!(statuses, ["INIT", "RUNNING", "SUCCESS"]);
        } else {
            assert_eq!(ran.stderr.matches(": RUNNING").count(), 1, "{}", ran.stderr);
            ran.says(&format!("job {JOB} (changeOS): SUCCESS after"));
        }
    }
}

#[test]
fn wait_times_out_with_exit_5_and_the_resume_command() {
    for format in FORMATS {
        let mock = Mock::start();
        mock.on_get(Reply::job("RUNNING"));
        let ran = wait(&mock, format).args(["--timeout", "250ms"]).run();
        ran.expect_code(5)
            .says(&format!("job {JOB} is still RUNNING"))
            .says(&format!(
                "resume waiting with: changeos job wait {JOB} --project-id {PROJECT} --endpoint {}",
                mock.endpoint()
            ))
            .leaks_nothing(&mock.signatures());
        assert!(ran.elapsed < Duration::from_secs(5), "{:?}", ran.elapsed);
    }
}

#[test]
fn a_stalled_query_is_cut_at_the_timeout_which_ends_the_wait_with_exit_5() {
    // The read timeout would let the GET hang for 20 s; --timeout says 1 s.
    for format in FORMATS {
        let mock = Mock::start();
        mock.on_get(Reply::job("RUNNING").slow(Duration::from_secs(25)));
        let ran = wait(&mock, format)
            .args(["--timeout", "1s", "--read-timeout", "20s"])
            .run();
        ran.expect_code(5)
            .says(&format!("no answer about job {JOB} yet"))
            .says("the last job query got no usable answer")
            .says(&format!(
                "resume waiting with: changeos job wait {JOB} --project-id {PROJECT} --endpoint {}",
                mock.endpoint()
            ))
            .leaks_nothing(&mock.signatures());
        assert_eq!(mock.gets(), 1);
        if format == "json" {
            let error = ran.events().pop().unwrap();
            assert_eq!(
                (error["exit_code"].as_u64(), error["status"].as_str()),
                (Some(5), Some("unknown"))
            );
        }
    }
}

#[test]
fn a_read_timeout_in_a_wait_is_retried_within_the_timeout() {
    // Retried: the next answer ends the wait.
    let mock = Mock::start();
    mock.on_get(Reply::job("RUNNING").slow(Duration::from_millis(1500)))
        .on_get(Reply::job("SUCCESS"));
    let ran = wait(&mock, "human")
        .args(["--timeout", "20s", "--read-timeout", "300ms"])
        .run();
    ran.expect_code(0)
        .says("retrying the job query in")
        .says("no complete answer within 300ms")
        .says(&format!("job {JOB} (changeOS): SUCCESS after"));
    assert_eq!(mock.gets(), 2);
    // Retried until the timeout, which ends the wait as one (exit 5), not as an unknown outcome.
    let mock = Mock::start();
    mock.on_get(Reply::job("RUNNING").slow(Duration::from_secs(5)));
    let ran = wait(&mock, "human")
        .args(["--timeout", "1s", "--read-timeout", "800ms"])
        .run();
    ran.expect_code(5)
        .says("no complete answer within 800ms")
        .says(&format!("resume waiting with: changeos job wait {JOB}"));
    assert!(!ran.all().contains("outcome unknown"), "{}", ran.all());
}

#[test]
fn a_retry_after_beyond_the_timeout_ends_the_wait_as_a_timeout() {
    for format in FORMATS {
        let mock = Mock::start();
        mock.on_get(Reply::job("RUNNING")).on_get(
            Reply::json(429, r#"{"error_code": "APIGW.0308", "error_msg": "throttled"}"#)
                .with_header("Retry-After", "100"),
        );
        let ran = wait(&mock, format).args(["--timeout", "2s"]).run();
        ran.expect_code(5)
            .says(&format!("job {JOB} is still RUNNING"))
            .says("HTTP 429 APIGW.0308; the server asks to wait 100s")
            .says(&format!("resume waiting with: changeos job wait {JOB}"))
            .leaks_nothing(&mock.signatures());
        assert_eq!(mock.gets(), 2, "not asked again against the server's wish");
    }
}

#[cfg(unix)] // EPIPE from a closed pipe, ENOSPC from /dev/full
#[test]
fn a_job_whose_output_cannot_be_written_fails() {
    for (action, format) in [("show", "human"), ("show", "json"), ("wait", "human"), ("wait", "json")] {
        for (sink, stdout) in mock_ecs::unwritable_stdouts() {
            let mock = Mock::start();
            mock.on_get(Reply::job("SUCCESS"));
            let command = if action == "wait" {
                wait(&mock, format)
            } else {
                job(&mock, action, format)
            };
            let ran = command.run_observed(stdout, |_| {});
            ran.expect_code(7)
                .says("error: cannot write to standard output")
                .leaks_nothing(&mock.signatures());
            if action == "wait" {
                ran.says(&format!("job {JOB} goes on; follow it with: changeos job wait {JOB}"));
            }
            assert_eq!(mock.gets(), 1, "{action} {format} {sink}");
        }
    }
}

#[cfg(unix)] // EPIPE from a closed pipe, ENOSPC from /dev/full
#[test]
fn a_wait_stops_at_once_when_its_output_cannot_be_written() {
    // A closed pipe: waiting on for the job would only print into nothing.
    for (sink, stdout) in mock_ecs::unwritable_stdouts() {
        let mock = Mock::start();
        mock.on_get(Reply::job("RUNNING"));
        let ran = wait(&mock, "json")
            .args(["--timeout", "1h"])
            .run_observed(stdout, |_| {});
        ran.expect_code(7).says(&format!(
            "job {JOB} goes on; follow it with: changeos job wait {JOB} --project-id {PROJECT}"
        ));
        assert_eq!(mock.gets(), 1, "{sink}");
    }
}

#[cfg(unix)] // `kill -INT`
#[test]
fn ctrl_c_during_job_wait_gives_the_resume_command() {
    let mock = Mock::start();
    mock.on_get(Reply::job("RUNNING"));
    let ran = wait(&mock, "human")
        .args(["--timeout", "1h"])
        .run_interrupted_when(|| mock.gets() >= 2);
    ran.expect_code(130)
        .says(&format!("job {JOB} is still RUNNING"))
        .says(&format!("resume waiting with: changeos job wait {JOB}"));
}

#[test]
fn a_name_that_does_not_resolve_is_not_reached() {
    let ran = changeos(["job", "show", JOB, "--project-id", PROJECT, "--endpoint"])
        .args(["https://ecs.changeos-test.invalid"])
        .args(FAST_RETRY)
        .keys()
        .run();
    ran.expect_code(2)
        .says("cannot reach the endpoint: the host name does not resolve")
        .says("check the endpoint");
    assert!(!ran.all().contains("outcome unknown"), "{}", ran.all());
}

#[test]
fn a_rejected_certificate_is_not_retried() {
    let ca = TestCa::new("changeos test CA (not trusted)");
    for action in ["show", "wait"] {
        let mock = Mock::start_tls(&ca.valid());
        mock.on_get(Reply::job("SUCCESS"));
        let mut command = changeos([
            "job",
            action,
            JOB,
            "--project-id",
            PROJECT,
            "--endpoint",
            &mock.endpoint(),
        ])
        .args(FAST_RETRY)
        .keys();
        if action == "wait" {
            command = command.args(FAST_POLL);
        }
        let ran = command.run();
        ran.expect_code(2)
            .says("cannot reach the endpoint: invalid peer certificate from 127.0.0.1:")
            .says(": unknown issuer")
            .says("--ca-file PATH")
            .says("the job ff8080828f5a1b2c018f6e3a4d5b0100 itself is not affected");
        assert!(!ran.all().contains("retrying"), "{}", ran.all());
        assert_eq!(
            mock.connections(),
            1,
            "{action}: a certificate does not change on a retry"
        );
        assert_eq!(mock.gets(), 0, "{action}: nothing was sent");
    }
}

#[test]
fn job_show_over_tls_trusts_the_ca_file_it_is_given() {
    let ca = TestCa::new("changeos test CA");
    let mock = Mock::start_tls(&ca.valid());
    mock.on_get(Reply::job("SUCCESS"));
    for action in ["show", "wait"] {
        let command = job(&mock, action, "human")
            .write("ca.pem", ca.pem())
            .args(["--ca-file", "ca.pem"]);
        let command = if action == "wait" {
            command.args(FAST_POLL)
        } else {
            command
        };
        command
            .run()
            .expect_code(0)
            .says("SUCCESS")
            .leaks_nothing(&mock.signatures());
    }
    assert_eq!(mock.gets(), 2);
    mock.assert_all_authenticated();
}

#[test]
fn an_unknown_status_is_followed_as_in_progress() {
    let mock = Mock::start();
    mock.on_get(Reply::json(200, &mock_ecs::read_data("job-unknown-status.json")))
        .on_get(Reply::job("SUCCESS"));
    let ran = wait(&mock, "human").run();
    ran.expect_code(0).says(": ROLLING_BACK");
}

#[test]
fn token_authentication_for_jobs() {
    let mock = Mock::start();
    mock.expect_token(mock_ecs::AUTH_TOKEN);
    mock.on_get(Reply::job("SUCCESS"));
    for format in FORMATS {
        let ran = changeos(["job", "show", JOB, "--project-id", PROJECT, "--endpoint"])
            .args([mock.endpoint().as_str(), "--format", format])
            .env("HUAWEICLOUD_SDK_AUTH_TOKEN", mock_ecs::AUTH_TOKEN)
            .run();
        ran.expect_code(0).leaks_nothing(&[]);
    }
    mock.assert_all_authenticated();
}

#[test]
fn a_job_id_is_required_and_bad_intervals_are_refused() {
    changeos(["job", "wait"]).run().expect_code(2).says("JOB_ID");
    let ran = changeos(["job", "wait", JOB, "--poll-interval", "0s"]).run();
    ran.expect_code(2).says("must be longer than zero");
    let ran = changeos([
        "job",
        "wait",
        JOB,
        "--project-id",
        PROJECT,
        "--region",
        "ap-southeast-1",
        "--poll-interval",
        "10s",
        "--max-poll-interval",
        "1s",
    ])
    .keys()
    .run();
    ran.expect_code(2)
        .says("--max-poll-interval (1s) is shorter than --poll-interval (10s)");
}

// ---- several endpoints --------------------------------------------------------------------------

const REGION: &str = "my-private-1";
const VARIABLE: &str = "HUAWEICLOUD_SDK_REGION_ECS_MY_PRIVATE_1";

/// `changeos job ACTION JOB --region REGION`, the region's endpoints `endpoints` (in its
/// variable).
fn job_at(action: &str, endpoints: &[String], format: &str) -> mock_ecs::Changeos {
    changeos(["job", action, JOB, "--project-id", PROJECT, "--region", REGION])
        .args(["--format", format])
        .args(FAST_RETRY)
        .env(VARIABLE, &endpoints.join(","))
        .keys()
}

#[test]
fn a_job_query_moves_on_to_the_next_endpoint_after_any_failure() {
    for format in FORMATS {
        // An error answer worth a retry: the retry goes to the next endpoint.
        let (one, two) = (Mock::start(), Mock::start());
        one.on_get(Reply::json(503, ""));
        two.on_get(Reply::job("SUCCESS"));
        let ran = job_at("show", &[one.endpoint(), two.endpoint()], format).run();
        ran.expect_code(0)
            .says(&format!(
                "({}: HTTP 503 Service Unavailable; retry 1 of 4)",
                one.endpoint()
            ))
            .says(&format!(
                "the job query moves on from {} to {} (HTTP 503 Service Unavailable)",
                one.endpoint(),
                two.endpoint()
            ))
            .leaks_nothing(&[one.signatures(), two.signatures()].concat());
        assert_eq!((one.gets(), two.gets()), (1, 1));
        one.assert_all_authenticated();
        two.assert_all_authenticated();
        // A reset after the request was read: a GET may be sent again, elsewhere.
        let (one, two) = (Mock::start(), Mock::start());
        one.on_get(Reply::ResetAfterRead);
        two.on_get(Reply::job("SUCCESS"));
        let ran = job_at("show", &[one.endpoint(), two.endpoint()], format).run();
        ran.expect_code(0).says("the connection was reset");
        assert_eq!((one.gets(), two.gets()), (1, 1));
    }
    // Endpoints that cannot be reached are skipped without spending a retry: with none to
    // spend, the third endpoint still answers.
    let mock = Mock::start();
    mock.on_get(Reply::job("RUNNING"));
    let refused = refused_endpoint();
    let ran = job_at(
        "show",
        &[refused.clone(), UNRESOLVABLE_ENDPOINT.to_owned(), mock.endpoint()],
        "human",
    )
    .args(["--retries", "0"])
    .run();
    ran.expect_code(0)
        .says(&format!(
            "the job query moves on from {refused} to {UNRESOLVABLE_ENDPOINT} (cannot connect"
        ))
        .says(&format!(
            "the job query moves on from {UNRESOLVABLE_ENDPOINT} to {} (the host name does not resolve",
            mock.endpoint()
        ));
    assert!(!ran.stderr.contains("retrying"), "{}", ran.stderr);
    assert_eq!(mock.gets(), 1);
}

#[test]
fn the_endpoint_that_answered_stays_the_one_polled() {
    for format in FORMATS {
        let (one, two) = (Mock::start(), Mock::start());
        one.on_get(Reply::json(503, ""));
        two.on_get(Reply::job("INIT"))
            .on_get(Reply::job("RUNNING"))
            .on_get(Reply::job("RUNNING"))
            .on_get(Reply::job("SUCCESS"));
        let ran = job_at("wait", &[one.endpoint(), two.endpoint()], format)
            .args(FAST_POLL)
            .run();
        ran.expect_code(0)
            .leaks_nothing(&[one.signatures(), two.signatures()].concat());
        assert_eq!(one.gets(), 1, "the failing endpoint is not asked again");
        assert_eq!(two.gets(), 4);
        two.assert_all_authenticated();
    }
}

#[test]
fn a_job_query_that_reaches_no_endpoint_lists_each_and_resumes_with_the_region() {
    let refused = refused_endpoint();
    for format in FORMATS {
        let ran = job_at("wait", &[refused.clone(), UNRESOLVABLE_ENDPOINT.to_owned()], format)
            .args(FAST_POLL)
            .args(["--retries", "1"])
            .run();
        let resume = format!("changeos job wait {JOB} --project-id {PROJECT} --region {REGION}");
        ran.expect_code(2)
            .says(&format!(
                "cannot reach the endpoint: tried 2 endpoints: {refused}: cannot connect"
            ))
            .says(&format!("; {UNRESOLVABLE_ENDPOINT}: the host name does not resolve"))
            .says(&format!("follow it again with: {resume}"))
            .leaks_nothing(&[]);
        // The whole round failed once and was retried once: one retry line, which lists both.
        assert_eq!(
            ran.stderr.matches("retrying the job query").count(),
            1,
            "{}",
            ran.stderr
        );
        if format == "json" {
            let event = ran.events().pop().unwrap();
            assert_eq!(event["event"], "error");
            assert_eq!(event["resume"], resume);
        }
    }
}

#[test]
fn a_failed_tls_handshake_is_skipped_like_an_endpoint_that_cannot_be_reached() {
    // Nothing was sent: the next endpoint is tried at once, without spending a retry.
    let ca = TestCa::new("changeos test CA (not trusted)");
    let untrusted = Mock::start_tls(&ca.valid());
    untrusted.on_get(Reply::job("SUCCESS"));
    let mock = Mock::start();
    mock.on_get(Reply::job("SUCCESS"));
    let ran = job_at("show", &[untrusted.endpoint(), mock.endpoint()], "human")
        .args(["--retries", "0"])
        .run();
    ran.expect_code(0).says(&format!(
        "the job query moves on from {} to {} (invalid peer certificate from 127.0.0.1:",
        untrusted.endpoint(),
        mock.endpoint()
    ));
    assert_eq!((untrusted.connections(), untrusted.gets(), mock.gets()), (1, 0, 1));
    // When every endpoint rejects its certificate, a retry cannot help: none is made.
    let (one, two) = (Mock::start_tls(&ca.valid()), Mock::start_tls(&ca.valid()));
    let ran = job_at("show", &[one.endpoint(), two.endpoint()], "human").run();
    ran.expect_code(2).says("tried 2 endpoints");
    assert!(!ran.all().contains("retrying"), "{}", ran.all());
    assert_eq!((one.connections(), two.connections()), (1, 1));
    assert_eq!((one.gets(), two.gets()), (0, 0));
}

/// The note that says how to trust a root.
const TRUST_NOTE: &str = "to trust a private or company root CA, pass --ca-file PATH (a PEM file of the root) or set \
                          SSL_CERT_FILE (or SSL_CERT_DIR); certificate checks cannot be turned off";

#[test]
fn when_every_endpoint_refuses_its_certificate_the_job_query_says_how_to_trust_a_root() {
    let ca = TestCa::new("changeos test CA (not trusted)");
    for format in FORMATS {
        let (one, two) = (Mock::start_tls(&ca.valid()), Mock::start_tls(&ca.valid()));
        one.on_get(Reply::job("SUCCESS"));
        two.on_get(Reply::job("SUCCESS"));
        let ran = job_at("show", &[one.endpoint(), two.endpoint()], format).run();
        let each = "nothing was sent: the certificate of each endpoint was refused in the TLS handshake, before the \
                    request left this machine";
        let resume = format!("changeos job wait {JOB} --project-id {PROJECT} --region {REGION}");
        ran.expect_code(2)
            .says(&format!(
                "cannot reach the endpoint: tried 2 endpoints: {}: invalid peer certificate from 127.0.0.1:",
                one.endpoint()
            ))
            .says(&format!(
                "; {}: invalid peer certificate from 127.0.0.1:",
                two.endpoint()
            ))
            .says(each)
            .says(TRUST_NOTE)
            .says(&format!("follow it again with: {resume}"))
            .leaks_nothing(&[]);
        assert!(!ran.all().contains("check the endpoint"), "{}", ran.all());
        assert!(!ran.all().contains("retrying"), "{}", ran.all());
        assert_eq!((one.connections(), two.connections()), (1, 1));
        assert_eq!((one.gets(), two.gets()), (0, 0));
        if format == "json" {
            let event = ran.events().pop().unwrap();
            assert_eq!(event["event"], "error");
            assert_eq!(event["notes"][0], each);
            assert_eq!(event["notes"][1], TRUST_NOTE);
            assert_eq!(event["resume"], resume);
        }
    }
}

#[test]
fn when_some_endpoints_refuse_their_certificate_the_job_query_names_them_and_says_how_to_trust_a_root() {
    let ca = TestCa::new("changeos test CA (not trusted)");
    let refused = refused_endpoint();
    for format in FORMATS {
        let untrusted = Mock::start_tls(&ca.valid());
        untrusted.on_get(Reply::job("SUCCESS"));
        let ran = job_at("show", &[untrusted.endpoint(), refused.clone()], format)
            .args(["--retries", "0"])
            .run();
        let check = "check the endpoint (--region/--endpoint) and the network";
        let whose = format!(
            "the certificate of {} was refused in the TLS handshake",
            untrusted.endpoint()
        );
        ran.expect_code(2)
            .says(&format!(
                "cannot reach the endpoint: tried 2 endpoints: {}: invalid peer certificate from 127.0.0.1:",
                untrusted.endpoint()
            ))
            .says(&format!("; {refused}: cannot connect"))
            .says(check)
            .says(&whose)
            .says(TRUST_NOTE)
            .leaks_nothing(&[]);
        assert!(
            !ran.all().contains("nothing was sent: the certificate"),
            "{}",
            ran.all()
        );
        assert_eq!((untrusted.connections(), untrusted.gets()), (1, 0));
        if format == "json" {
            let event = ran.events().pop().unwrap();
            assert_eq!(event["notes"][0], check);
            assert_eq!(event["notes"][1], whose.as_str());
            assert_eq!(event["notes"][2], TRUST_NOTE);
        }
    }
}

// ---- the project id looked up, proxies ----------------------------------------------------------

/// `job ACTION` without a project id: the region from the environment, IAM at the mock.
fn job_looking_up(mock: &Mock, action: &str, format: &str) -> mock_ecs::Changeos {
    changeos(["job", action, JOB, "--endpoint"])
        .args([mock.endpoint().as_str(), "--format", format])
        .args(FAST_RETRY)
        .keys()
        .env("HUAWEICLOUD_SDK_REGION", "ap-southeast-1")
        .env("HUAWEICLOUD_SDK_IAM_ENDPOINT", &mock.endpoint())
}

#[test]
fn show_and_wait_look_the_project_id_up_once() {
    for format in FORMATS {
        let mock = Mock::start();
        mock.on_projects(Reply::projects(&[(PROJECT, "ap-southeast-1")]))
            .on_get(Reply::job("RUNNING"));
        let ran = job_looking_up(&mock, "show", format).run();
        ran.expect_code(0)
            .says(&format!("note: project id {PROJECT} looked up at {}", mock.endpoint()))
            .leaks_nothing(&mock.signatures());
        assert_eq!((mock.lookups(), mock.gets()), (1, 1));
        mock.assert_all_authenticated();
        assert_eq!(mock.requests()[1].path, format!("/v1/{PROJECT}/jobs/{JOB}"));
        if format == "human" {
            ran.says(&format!(
                "to wait for the end: changeos job wait {JOB} --project-id {PROJECT} --endpoint {}",
                mock.endpoint()
            ));
        }

        let mock = Mock::start();
        mock.on_projects(Reply::projects(&[(PROJECT, "ap-southeast-1")]))
            .on_get(Reply::job("RUNNING"))
            .on_get(Reply::job("RUNNING"))
            .on_get(Reply::job("SUCCESS"));
        job_looking_up(&mock, "wait", format)
            .args(FAST_POLL)
            .run()
            .expect_code(0)
            .leaks_nothing(&mock.signatures());
        assert_eq!((mock.lookups(), mock.gets()), (1, 3), "one lookup for the whole wait");
        mock.assert_all_authenticated();
    }
}

#[test]
fn a_failed_lookup_exits_2_before_any_job_query() {
    for action in ["show", "wait"] {
        let mock = Mock::start();
        mock.on_projects(Reply::projects(&[])).on_get(Reply::job("SUCCESS"));
        job_looking_up(&mock, action, "human")
            .run()
            .expect_code(2)
            .says("IAM lists no project named `ap-southeast-1`")
            .says("pass --project-id ID");
        assert_eq!((mock.lookups(), mock.gets()), (1, 0), "{action}");
    }
}

#[test]
fn the_job_query_goes_through_a_proxy_with_credentials_and_a_407_is_not_retried() {
    for format in FORMATS {
        let mock = Mock::start();
        mock.on_get(Reply::job("SUCCESS"));
        let proxy = mock_ecs::ConnectProxy::start(Some(("user", "Job-Proxy-Secret-3")));
        job(&mock, "show", format)
            .env("HTTPS_PROXY", &proxy.url(Some("user:Job-Proxy-Secret-3")))
            .run()
            .expect_code(0)
            .leaks_nothing(&["Job-Proxy-Secret-3".to_owned()]);
        assert_eq!((proxy.tunnels().len(), mock.gets()), (1, 1));

        proxy.refuse_credentials();
        let ran = job(&mock, "wait", format)
            .args(FAST_POLL)
            .env("HTTPS_PROXY", &proxy.url(Some("user:Job-Proxy-Secret-3")))
            .run();
        ran.expect_code(2)
            .says("the proxy refused the credentials (HTTP 407")
            .says("through the proxy http://user:****@127.0.0.1:")
            .leaks_nothing(&["Job-Proxy-Secret-3".to_owned()]);
        assert_eq!(proxy.tunnels().len(), 2, "the 407 is not retried");
        assert_eq!(mock.gets(), 1);
    }
}
