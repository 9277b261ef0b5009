//! Looking the project id up in IAM, as the official SDK does when AK/SK credentials come
//! without one: a signed `GET /v3/projects?name=<region>` at the IAM endpoint, whose answer must
//! list exactly one project.
//!
//! The IAM endpoint is, in this order: [`ENV_IAM_ENDPOINT`], the credentials file's
//! `iam_endpoint`, the region's entry in the SDK's table ([`IAM_REGIONS`]), and
//! [`DEFAULT_IAM_ENDPOINT`]. The SDK puts the file before the variable; here the variable comes
//! first because an environment variable is the more specific, per-invocation setting, as it is
//! for every other setting of this tool.

use std::fmt;
use std::path::{Path, PathBuf};

use serde_json::Value;

use crate::api::{CallError, Note, RetryNote, Session};
use crate::endpoints::Endpoints;
use crate::http::Response;
use crate::signer::{Endpoint, Method, RequestToSign, ResourcePath, Scheme, SignError};

/// Overrides the IAM endpoint.
pub const ENV_IAM_ENDPOINT: &str = "HUAWEICLOUD_SDK_IAM_ENDPOINT";
/// Where regions outside the table are looked up (`IamHelper.DEFAULT_ENDPOINT`).
pub const DEFAULT_IAM_ENDPOINT: &str = "https://iam.myhuaweicloud.com";
/// The path of Keystone's project list.
pub const PROJECTS_PATH: &str = "/v3/projects";

/// The regions of the SDK's IAM endpoint table (`huaweicloudsdkcore/auth/endpoint.py`, 3.1.211),
/// in its order; each has `https://iam.<region>.myhuaweicloud.com`.
pub const IAM_REGIONS: [&str; 27] = [
    "cn-north-2",
    "cn-north-4",
    "cn-north-1",
    "cn-east-2",
    "cn-east-3",
    "cn-south-1",
    "cn-south-2",
    "cn-southwest-2",
    "ap-southeast-1",
    "ap-southeast-2",
    "ap-southeast-3",
    "af-south-1",
    "sa-brazil-1",
    "la-south-2",
    "na-mexico-1",
    "la-north-2",
    "cn-north-9",
    "eu-west-0",
    "my-kualalumpur-1",
    "ru-moscow-1",
    "me-east-1",
    "ap-southeast-4",
    "ae-ad-1",
    "cn-east-4",
    "cn-east-5",
    "tr-west-1",
    "cn-north-12",
];

/// Where the IAM endpoint came from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum IamSource {
    /// [`ENV_IAM_ENDPOINT`].
    Variable,
    /// `iam_endpoint` of this credentials file.
    CredentialsFile(PathBuf),
    /// The SDK's table, for the region.
    Table,
    /// [`DEFAULT_IAM_ENDPOINT`]: the region is not in the table.
    Default,
}

impl fmt::Display for IamSource {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            IamSource::Variable => write!(f, "{ENV_IAM_ENDPOINT}"),
            IamSource::CredentialsFile(path) => write!(f, "iam_endpoint of {}", path.display()),
            IamSource::Table => write!(f, "the SDK's table of IAM endpoints"),
            IamSource::Default => write!(f, "the default (the region is not in the SDK's table)"),
        }
    }
}

/// The IAM endpoint to ask, and why that one.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IamEndpoint {
    /// Scheme and host.
    pub endpoint: Endpoint,
    /// Where it came from.
    pub source: IamSource,
}

/// An IAM endpoint setting that is not an endpoint.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{from}: {error}")]
pub struct BadIamEndpoint {
    /// Where it was set.
    pub from: IamSource,
    /// What is wrong with it.
    pub error: SignError,
}

/// The IAM endpoint for `region`: `variable` (the value of [`ENV_IAM_ENDPOINT`]), else `file`
/// (the credentials file's `iam_endpoint` and the file), else the table, else the default.
pub fn endpoint(
    variable: Option<&str>,
    file: Option<(&str, &Path)>,
    region: &str,
) -> Result<IamEndpoint, BadIamEndpoint> {
    let given = |value: &str, source: IamSource| match Endpoint::parse(value) {
        Ok(endpoint) => Ok(IamEndpoint { endpoint, source }),
        Err(error) => Err(BadIamEndpoint { from: source, error }),
    };
    if let Some(value) = variable {
        return given(value, IamSource::Variable);
    }
    if let Some((value, path)) = file {
        return given(value, IamSource::CredentialsFile(path.to_path_buf()));
    }
    let (host, source) = if IAM_REGIONS.contains(&region) {
        (format!("iam.{region}.myhuaweicloud.com"), IamSource::Table)
    } else {
        ("iam.myhuaweicloud.com".to_owned(), IamSource::Default)
    };
    let endpoint = Endpoint::new(Scheme::Https, &host).map_err(|error| BadIamEndpoint {
        from: source.clone(),
        error,
    })?;
    Ok(IamEndpoint { endpoint, source })
}

/// `GET /v3/projects?name=<region>` with the one header the SDK gives it, `User-Agent`; the
/// session adds `X-Security-Token` for temporary credentials and signs it.
pub fn list_projects(iam: &Endpoint, region: &str, user_agent: &str) -> Result<RequestToSign, SignError> {
    Ok(
        RequestToSign::new(Method::Get, iam.clone(), ResourcePath::new(PROJECTS_PATH)?)
            .with_query("name", region)
            .with_header("User-Agent", user_agent),
    )
}

/// A project of the answer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Project {
    /// Its id.
    pub id: String,
    /// Its name (the region id, for a region's main project).
    pub name: String,
}

/// The `projects` of an answer, each with a string `id`.
fn projects_of(body: &[u8]) -> Result<Vec<Project>, String> {
    let value: Value = serde_json::from_slice(body).map_err(|e| format!("malformed JSON: {e}"))?;
    let Some(Value::Array(items)) = value.get("projects") else {
        return Err("no `projects` list".to_owned());
    };
    items
        .iter()
        .map(|item| {
            let text = |key: &str| item.get(key).and_then(Value::as_str).map(str::to_owned);
            Ok(Project {
                id: text("id")
                    .filter(|id| !id.is_empty())
                    .ok_or("a project without an id")?,
                name: text("name").unwrap_or_default(),
            })
        })
        .collect()
}

/// The ids IAM gives an answer, to quote when asking for help.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Trace {
    /// `X-IAM-Trace-Id`.
    pub iam_trace_id: Option<String>,
    /// `X-Request-Id`.
    pub request_id: Option<String>,
}

impl Trace {
    fn of(response: &Response) -> Trace {
        Trace {
            iam_trace_id: response.header("x-iam-trace-id").map(str::to_owned),
            request_id: response.header("x-request-id").map(str::to_owned),
        }
    }
}

impl fmt::Display for Trace {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let parts: Vec<String> = [
            ("X-IAM-Trace-Id", &self.iam_trace_id),
            ("X-Request-Id", &self.request_id),
        ]
        .into_iter()
        .filter_map(|(name, value)| value.as_ref().map(|v| format!("{name} {v}")))
        .collect();
        if parts.is_empty() {
            write!(f, "no trace id")
        } else {
            write!(f, "{}", parts.join(", "))
        }
    }
}

/// The project id found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Found {
    /// The one project's id.
    pub project_id: String,
    /// The answer's ids.
    pub trace: Trace,
}

/// Why no project id came out of the lookup.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum LookupError {
    /// The GET failed (after its retries).
    #[error(transparent)]
    Call(#[from] CallError),
    /// A 2xx answer without a readable project list.
    #[error("IAM answered HTTP {status} without a readable project list ({why}; {trace})")]
    Unreadable {
        /// The status.
        status: u16,
        /// What is wrong with it.
        why: String,
        /// The answer's ids.
        trace: Trace,
    },
    /// No project has the region's name.
    #[error("IAM lists no project named `{region}` for these credentials ({trace})")]
    NoProject {
        /// The region asked for.
        region: String,
        /// The answer's ids.
        trace: Trace,
    },
    /// Several projects have the region's name.
    #[error("IAM lists {} projects named `{region}`: {} ({trace})", .projects.len(), list(.projects))]
    Several {
        /// The region asked for.
        region: String,
        /// Every one, in the answer's order.
        projects: Vec<Project>,
        /// The answer's ids.
        trace: Trace,
    },
}

fn list(projects: &[Project]) -> String {
    projects
        .iter()
        .map(|p| format!("{} ({})", p.id, p.name))
        .collect::<Vec<_>>()
        .join(", ")
}

/// Looks the project id of `region` up at `iam`, with the GET rules of [`Session::get`]
/// (signed afresh for each attempt, retried on 429, 5xx and transport failures).
pub fn lookup(
    session: &Session,
    iam: &Endpoint,
    region: &str,
    on_retry: &mut dyn FnMut(&RetryNote),
) -> Result<Found, LookupError> {
    // One endpoint: a retry is all a note can be.
    let response = session.get(
        &Endpoints::one(iam.clone()),
        &|endpoint| list_projects(endpoint, region, session.user_agent()),
        None,
        &mut |note| {
            if let Note::Retry(retry) = note {
                on_retry(retry);
            }
        },
    )?;
    read_projects(&response, region)
}

/// The one project of an answer.
pub fn read_projects(response: &Response, region: &str) -> Result<Found, LookupError> {
    let trace = Trace::of(response);
    let mut projects = projects_of(&response.body).map_err(|why| LookupError::Unreadable {
        status: response.status,
        why,
        trace: trace.clone(),
    })?;
    match projects.len() {
        0 => Err(LookupError::NoProject {
            region: region.to_owned(),
            trace,
        }),
        1 => Ok(Found {
            project_id: projects.remove(0).id,
            trace,
        }),
        _ => Err(LookupError::Several {
            region: region.to_owned(),
            projects,
            trace,
        }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::credentials::Auth;
    use crate::date::SdkDate;
    use crate::request;

    #[test]
    fn the_table_has_the_sdks_27_regions_all_known_to_ecs() {
        assert_eq!(IAM_REGIONS.len(), 27);
        let mut sorted = IAM_REGIONS.to_vec();
        sorted.sort_unstable();
        sorted.dedup();
        assert_eq!(sorted.len(), 27, "no duplicates");
        for region in IAM_REGIONS {
            assert!(crate::region::REGIONS.contains(&region), "{region}");
        }
    }

    #[test]
    fn the_variable_wins_then_the_file_then_the_table_then_the_default() {
        let file = Path::new("/home/u/.huaweicloud/credentials");
        let chosen = |variable, file_value: Option<&str>, region| {
            let found = endpoint(variable, file_value.map(|v| (v, file)), region).unwrap();
            (found.endpoint.to_string(), found.source)
        };
        assert_eq!(
            chosen(Some("http://127.0.0.1:9"), Some("https://iam.file.test"), "cn-north-4"),
            ("http://127.0.0.1:9".to_owned(), IamSource::Variable)
        );
        assert_eq!(
            chosen(None, Some("iam.file.test"), "cn-north-4"),
            (
                "https://iam.file.test".to_owned(),
                IamSource::CredentialsFile(file.to_path_buf())
            )
        );
        assert_eq!(
            chosen(None, None, "cn-north-12"),
            ("https://iam.cn-north-12.myhuaweicloud.com".to_owned(), IamSource::Table)
        );
        assert_eq!(
            chosen(None, None, "eu-west-101"),
            (DEFAULT_IAM_ENDPOINT.to_owned(), IamSource::Default)
        );
        let err = endpoint(Some("ftp://iam.test"), None, "cn-north-4").unwrap_err();
        assert_eq!(err.from, IamSource::Variable);
        assert!(err.to_string().starts_with(ENV_IAM_ENDPOINT), "{err}");
        let err = endpoint(None, Some(("https://iam.test/v3", file)), "cn-north-4").unwrap_err();
        assert!(err.to_string().starts_with("iam_endpoint of /home/u/"), "{err}");
    }

    #[test]
    fn the_request_is_signed_with_only_the_user_agent_and_the_token() {
        let iam = Endpoint::parse("https://iam.ap-southeast-1.myhuaweicloud.com").unwrap();
        let request = list_projects(&iam, "ap-southeast-1", "ua").unwrap();
        let auth = Auth::ak_sk("AK", "SecretKeyValue", Some("StsTokenValue")).unwrap();
        let prepared = request::prepare(request, &auth, SdkDate::parse("20240101T000000Z").unwrap()).unwrap();
        assert_eq!(
            prepared.url,
            "https://iam.ap-southeast-1.myhuaweicloud.com/v3/projects?name=ap-southeast-1"
        );
        let names: Vec<&str> = prepared.headers.iter().map(|(n, _)| n.as_str()).collect();
        assert_eq!(
            names,
            ["User-Agent", "X-Security-Token", "X-Sdk-Date", "Host", "Authorization"]
        );
        assert!(
            prepared
                .header("Authorization")
                .unwrap()
                .contains("SignedHeaders=host;user-agent;x-sdk-date;x-security-token")
        );
    }

    fn answer(body: &str) -> Response {
        Response {
            status: 200,
            headers: vec![("x-iam-trace-id".into(), "trace-1".into())],
            body: body.as_bytes().to_vec(),
        }
    }

    #[test]
    fn exactly_one_project_must_come_back() {
        let one = read_projects(
            &answer(r#"{"projects": [{"id": "p1", "name": "cn-north-4", "enabled": true}], "links": {}}"#),
            "cn-north-4",
        )
        .unwrap();
        assert_eq!(one.project_id, "p1");
        assert_eq!(one.trace.to_string(), "X-IAM-Trace-Id trace-1");
        let none = read_projects(&answer(r#"{"projects": []}"#), "cn-north-4").unwrap_err();
        assert_eq!(
            none.to_string(),
            "IAM lists no project named `cn-north-4` for these credentials (X-IAM-Trace-Id trace-1)"
        );
        let several = read_projects(
            &answer(r#"{"projects": [{"id": "p1", "name": "cn-north-4"}, {"id": "p2", "name": "cn-north-4_sub"}]}"#),
            "cn-north-4",
        )
        .unwrap_err();
        assert_eq!(
            several.to_string(),
            "IAM lists 2 projects named `cn-north-4`: p1 (cn-north-4), p2 (cn-north-4_sub) (X-IAM-Trace-Id trace-1)"
        );
        for (body, why) in [
            ("<html>", "malformed JSON"),
            (r#"{"error": "x"}"#, "no `projects` list"),
            (r#"{"projects": [{"name": "cn-north-4"}]}"#, "a project without an id"),
        ] {
            let garbled = read_projects(&answer(body), "cn-north-4").unwrap_err().to_string();
            assert!(
                garbled.starts_with(&format!("IAM answered HTTP 200 without a readable project list ({why}")),
                "{garbled}"
            );
        }
    }
}
