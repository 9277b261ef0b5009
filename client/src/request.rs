//! The two requests of the change-OS flow, built and authenticated but not sent.
//!
//! [`change_os`] and [`show_job`] fill the path templates (each parameter percent-encoded with
//! no safe characters, as the SDK quotes them) and add the headers the SDK sends, in its order:
//! `Content-Type`, `User-Agent`, `X-Project-Id`, and `X-Security-Token` for temporary
//! credentials. [`prepare`] then signs the request ([`crate::sign`] adds `X-Sdk-Date`, `Host`
//! and `Authorization`) or, with an IAM token, adds `X-Auth-Token` and `Host`. The result, a
//! [`PreparedRequest`], is exactly what goes on the wire apart from `Content-Length`, which the
//! transport adds; [`PreparedRequest::wire_headers`] lists that one too, for a dry run.

use std::fmt;

use changeos_models::lint::Operation;

use crate::credentials::Auth;
use crate::date::SdkDate;
use crate::endpoints::Endpoints;
use crate::percent;
use crate::signer::{Endpoint, Method, RequestToSign, ResourcePath, SignError, redact_header_value, sign};

/// The `Content-Type` the SDK sends with a JSON body (lower-cased by its header helper).
pub const CONTENT_TYPE_JSON_BODY: &str = "application/json;charset=utf-8";
/// The `Content-Type` the SDK sends on a GET without a body.
pub const CONTENT_TYPE_JSON: &str = "application/json";
/// The path of ShowJob; `{project_id}` and `{job_id}` are filled in.
pub const SHOW_JOB_PATH: &str = "/v1/{project_id}/jobs/{job_id}";

/// The path parameters of an operation that a change-OS request fills: the project id from the
/// [`Target`] and the server id given with it. Any other parameter in an operation's path
/// template is an error ([`SignError::PathParameter`]), found before anything is sent.
pub const FILLED_PATH_PARAMS: [&str; 2] = ["project_id", "server_id"];

/// The first path parameter of `operation` that nothing fills, as an error.
pub fn check_path_params(operation: Operation) -> Result<(), SignError> {
    unfilled(operation.path(), operation.path_params())
}

fn unfilled(template: &str, names: &[&str]) -> Result<(), SignError> {
    match names.iter().find(|name| !FILLED_PATH_PARAMS.contains(name)) {
        Some(name) => Err(SignError::PathParameter {
            path: template.to_owned(),
            name: (*name).to_owned(),
        }),
        None => Ok(()),
    }
}

/// Where requests go and on whose behalf.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Target {
    /// Scheme and host of each endpoint, in the order they are tried.
    pub endpoints: Endpoints,
    /// The project id, in the path and in `X-Project-Id`.
    pub project_id: String,
}

/// `POST` of a change-OS body for `server_id` to `endpoint` (one of the target's), with the
/// SDK's headers, before authentication.
pub fn change_os(
    target: &Target,
    endpoint: &Endpoint,
    operation: Operation,
    server_id: &str,
    body: Vec<u8>,
    user_agent: &str,
) -> Result<RequestToSign, SignError> {
    check_path_params(operation)?;
    let path = fill(
        operation.path(),
        &[("project_id", &target.project_id), ("server_id", server_id)],
    )?;
    let method: Method = operation.method().parse()?;
    Ok(RequestToSign::new(method, endpoint.clone(), path)
        .with_header("Content-Type", CONTENT_TYPE_JSON_BODY)
        .with_header("User-Agent", user_agent)
        .with_header("X-Project-Id", target.project_id.as_str())
        .with_body(body))
}

/// `GET /v1/{project_id}/jobs/{job_id}` at `endpoint` (one of the target's), with the SDK's
/// headers, before authentication.
pub fn show_job(
    target: &Target,
    endpoint: &Endpoint,
    job_id: &str,
    user_agent: &str,
) -> Result<RequestToSign, SignError> {
    let path = fill(SHOW_JOB_PATH, &[("project_id", &target.project_id), ("job_id", job_id)])?;
    Ok(RequestToSign::new(Method::Get, endpoint.clone(), path)
        .with_header("Content-Type", CONTENT_TYPE_JSON)
        .with_header("User-Agent", user_agent)
        .with_header("X-Project-Id", target.project_id.as_str()))
}

/// Fills `{name}` parameters, each percent-encoded; an empty value is an error.
fn fill(template: &str, values: &[(&str, &str)]) -> Result<ResourcePath, SignError> {
    let mut path = template.to_owned();
    for (name, value) in values {
        if value.is_empty() {
            return Err(SignError::Path {
                path: template.to_owned(),
                reason: match *name {
                    "project_id" => "the project id is empty",
                    "server_id" => "the server id is empty",
                    "job_id" => "the job id is empty",
                    _ => "a path parameter is empty",
                },
            });
        }
        path = path.replace(&format!("{{{name}}}"), &percent::encode(value));
    }
    ResourcePath::new(path)
}

/// Authenticates `request`: signs it with AK/SK at `date` (the security token, if any, is
/// added first so that it is signed), or adds the IAM token.
pub fn prepare(mut request: RequestToSign, auth: &Auth, date: SdkDate) -> Result<PreparedRequest, SignError> {
    match auth {
        Auth::AkSk {
            credentials,
            security_token,
            ..
        } => {
            if let Some(token) = security_token {
                request
                    .headers
                    .push(("X-Security-Token".to_owned(), token.expose().to_owned()));
            }
            let signed = sign(&request, credentials, date)?;
            Ok(PreparedRequest {
                method: request.method,
                url: signed.url(),
                headers: signed.into_headers(),
                body: request.body,
            })
        }
        Auth::Token(token) => {
            request
                .headers
                .push(("X-Auth-Token".to_owned(), token.expose().to_owned()));
            request
                .headers
                .push(("Host".to_owned(), request.endpoint.host().to_owned()));
            let url = format!("{}{}", request.endpoint, request.path.as_str());
            Ok(PreparedRequest {
                method: request.method,
                url,
                headers: request.headers,
                body: request.body,
            })
        }
    }
}

/// A request ready to send: method, full URL, headers in sending order, body. Its `Debug`
/// redacts the credential headers and shows the body's length only.
#[derive(Clone)]
pub struct PreparedRequest {
    /// The method.
    pub method: Method,
    /// `scheme://host/path[?query]`.
    pub url: String,
    /// Every header the request carries, `Authorization` and tokens included.
    pub headers: Vec<(String, String)>,
    /// The body bytes (empty for none).
    pub body: Vec<u8>,
}

impl PreparedRequest {
    /// The headers as they go on the wire, in order, with credentials redacted: the given ones,
    /// then `Content-Length` when there is a body (the transport adds it; it is not signed, as
    /// the SDK does not sign it either).
    pub fn wire_headers(&self) -> Vec<(String, String)> {
        let mut headers: Vec<(String, String)> = self
            .headers
            .iter()
            .map(|(name, value)| (name.clone(), redact_header_value(name, value).into_owned()))
            .collect();
        if !self.body.is_empty() {
            headers.push(("Content-Length".to_owned(), self.body.len().to_string()));
        }
        headers
    }

    /// The value of a header (first match, any case).
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }
}

impl fmt::Debug for PreparedRequest {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("PreparedRequest")
            .field("method", &self.method)
            .field("url", &self.url)
            .field("headers", &self.wire_headers())
            .field("body", &format_args!("<{} bytes>", self.body.len()))
            .finish()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn target() -> Target {
        Target {
            endpoints: Endpoints::one(endpoint()),
            project_id: "proj123".into(),
        }
    }

    fn endpoint() -> Endpoint {
        Endpoint::parse("https://ecs.ap-southeast-1.myhuaweicloud.com").unwrap()
    }

    fn date() -> SdkDate {
        SdkDate::parse("20240101T000000Z").unwrap()
    }

    const KEYPAIR_BODY: &str = r#"{"os-change":{"keyname":"KeyPair-350b","userid":"7e25b1da389f4697a79df3a0e5bd494e","imageid":"e215580f-73ad-429d-b6f2-5433947433b0"}}"#;

    #[test]
    fn change_os_matches_the_reference_vector() {
        // Reference §5.2: the same request with User-Agent `test-agent`.
        let request = change_os(
            &target(),
            &endpoint(),
            Operation::ChangeServerOsWithCloudInit,
            "srv-1",
            KEYPAIR_BODY.into(),
            "test-agent",
        )
        .unwrap();
        let auth = Auth::ak_sk("AKEXAMPLE", "SKEXAMPLE", None).unwrap();
        let prepared = prepare(request, &auth, date()).unwrap();
        assert_eq!(
            prepared.url,
            "https://ecs.ap-southeast-1.myhuaweicloud.com/v2/proj123/cloudservers/srv-1/changeos"
        );
        assert_eq!(
            prepared.header("authorization"),
            Some(
                "SDK-HMAC-SHA256 Access=AKEXAMPLE, SignedHeaders=content-type;host;user-agent;x-project-id;x-sdk-date, \
                 Signature=0d7563fe13c8bcc31900e2b0fa8e47679951717385bd486a61ed651ba4b48ec3"
            )
        );
        let names: Vec<String> = prepared.wire_headers().into_iter().map(|(n, _)| n).collect();
        assert_eq!(
            names,
            [
                "Content-Type",
                "User-Agent",
                "X-Project-Id",
                "X-Sdk-Date",
                "Host",
                "Authorization",
                "Content-Length"
            ]
        );
    }

    #[test]
    fn show_job_matches_the_reference_vector() {
        let request = show_job(&target(), &endpoint(), "ff80808288d41e1b018990260955686a", "test-agent").unwrap();
        let auth = Auth::ak_sk("AKEXAMPLE", "SKEXAMPLE", None).unwrap();
        let prepared = prepare(request, &auth, date()).unwrap();
        assert!(
            prepared
                .header("Authorization")
                .unwrap()
                .ends_with("Signature=7d62c4847d2465050e2a11acc6e1a69d368d3423b55b35f13424f154da7fc4e2")
        );
        assert!(prepared.wire_headers().iter().all(|(n, _)| n != "Content-Length"));
    }

    #[test]
    fn path_parameters_are_encoded_and_must_not_be_empty() {
        let request = show_job(&target(), &endpoint(), "a/b c", "ua").unwrap();
        assert_eq!(request.path.as_str(), "/v1/proj123/jobs/a%2Fb%20c");
        assert!(show_job(&target(), &endpoint(), "", "ua").is_err());
        let err = change_os(
            &target(),
            &endpoint(),
            Operation::ChangeServerOsWithoutCloudInit,
            "",
            Vec::new(),
            "ua",
        )
        .unwrap_err();
        assert!(err.to_string().contains("the server id is empty"), "{err}");
    }

    #[test]
    fn every_operation_of_the_spec_has_only_path_parameters_that_are_filled() {
        for op in Operation::ALL {
            assert_eq!(check_path_params(*op), Ok(()), "{}", op.path());
            let request = change_os(&target(), &endpoint(), *op, "srv-1", Vec::new(), "ua").unwrap();
            assert!(!request.path.as_str().contains(['{', '}']), "{:?}", request.path);
        }
    }

    #[test]
    fn a_path_parameter_nothing_fills_is_a_clear_error() {
        let template = "/v1/{project_id}/cloudservers/{server_id}/nics/{nic_id}";
        let err = unfilled(template, &["project_id", "server_id", "nic_id"]).unwrap_err();
        assert_eq!(
            err.to_string(),
            "the path \"/v1/{project_id}/cloudservers/{server_id}/nics/{nic_id}\" has the parameter {nic_id}, \
             which changeos cannot fill (it fills project_id and server_id)"
        );
        assert_eq!(unfilled("/v1/{project_id}/jobs", &["project_id"]), Ok(()));
    }

    #[test]
    fn tokens_are_sent_and_never_shown() {
        let request = show_job(&target(), &endpoint(), "job", "ua").unwrap();
        let with_sts = Auth::ak_sk("AK", "SecretKeyValue", Some("StsTokenValue")).unwrap();
        let prepared = prepare(request.clone(), &with_sts, date()).unwrap();
        assert_eq!(prepared.header("X-Security-Token"), Some("StsTokenValue"));
        assert!(
            prepared
                .header("Authorization")
                .unwrap()
                .contains("SignedHeaders=content-type;host;user-agent;x-project-id;x-sdk-date;x-security-token")
        );
        let iam = Auth::Token(changeos_models::SecretString::new("IamTokenValue"));
        let prepared_iam = prepare(request, &iam, date()).unwrap();
        assert_eq!(prepared_iam.header("X-Auth-Token"), Some("IamTokenValue"));
        assert_eq!(prepared_iam.header("Authorization"), None);
        assert_eq!(
            prepared_iam.header("Host"),
            Some("ecs.ap-southeast-1.myhuaweicloud.com")
        );
        for shown in [
            format!("{prepared:?}"),
            format!("{prepared_iam:?}"),
            format!("{:?}", prepared.wire_headers()),
        ] {
            for secret in ["SecretKeyValue", "StsTokenValue", "IamTokenValue"] {
                assert!(!shown.contains(secret), "{shown}");
            }
        }
    }
}
