//! Error answers of the API, read the way the official SDK reads them (reference §4.3), with a
//! hint for the codes people meet most.
//!
//! The request id comes from the `X-Request-Id` response header, never from the body. In a JSON
//! object the code and message are the first pair present of `error_code`+`error_msg`,
//! `errorCode`+`errorMsg`, `code`+`message` (both keys of a pair must be there); when none is,
//! every nested object is searched in turn, so the ECS shape `{"error": {"code", "message"}}`
//! is found. Without a code the HTTP status stands in; without a message, the body's text.
//! A redirect (3xx, never followed: the signature covers the host) is shown with where it
//! points.

use std::fmt;

use changeos_runtime::escape::escape_controls;
use serde_json::{Map, Value};

/// How much of a non-JSON body is kept as the message.
const MAX_RAW_MESSAGE: usize = 300;

/// An HTTP error answer (status 400 or above, or an unexpected status).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ApiError {
    /// The HTTP status.
    pub status: u16,
    /// `Ecs.0005`, `APIGW.0301`, ...; the status as text when the body has none.
    pub code: String,
    /// The message; the body's text when it has none.
    pub message: String,
    /// The `X-Request-Id` response header.
    pub request_id: Option<String>,
    /// IAM's encoded denial details, when present beside the code.
    pub encoded_authorization_message: Option<String>,
    /// The ECS shape's `error.details`, as (code, message).
    pub details: Vec<(String, String)>,
    /// Seconds from a `Retry-After` header, if any (for 429 and 503).
    pub retry_after: Option<u64>,
    /// The `Location` header of a redirect, control characters escaped.
    pub location: Option<String>,
}

/// Which call an error answers, for the hints.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Call {
    /// The change-OS POST.
    ChangeOs,
    /// ShowJob.
    ShowJob,
}

impl ApiError {
    /// Reads an error answer: `status`, the `X-Request-Id` header's value, the body.
    pub fn parse(status: u16, request_id: Option<&str>, body: &[u8]) -> ApiError {
        let mut error = ApiError {
            status,
            code: String::new(),
            message: String::new(),
            request_id: request_id.map(str::to_owned),
            encoded_authorization_message: None,
            details: Vec::new(),
            retry_after: None,
            location: None,
        };
        if let Ok(Value::Object(object)) = serde_json::from_slice::<Value>(body) {
            if let Some((code, message, encoded)) = find_pair(&object) {
                error.code = code;
                error.message = message;
                error.encoded_authorization_message = encoded;
            }
            if let Some(details) = object
                .get("error")
                .and_then(|e| e.get("details"))
                .and_then(Value::as_array)
            {
                error.details = details
                    .iter()
                    .map(|d| (text(d.get("code")), text(d.get("message"))))
                    .filter(|(c, m)| !c.is_empty() || !m.is_empty())
                    .collect();
            }
        }
        if error.code.is_empty() {
            error.code = status.to_string();
        }
        if error.message.is_empty() {
            error.message = raw_message(body);
        }
        error
    }

    /// Records where a redirect points (the answer's `Location` header).
    pub fn with_location(mut self, location: Option<&str>) -> ApiError {
        self.location = location.map(|l| escape_controls(l).into_owned());
        self
    }

    /// Whether the body gave an error code (else [`ApiError::code`] is the status).
    fn has_code(&self) -> bool {
        self.code != self.status.to_string()
    }

    /// `HTTP 400 Ecs.0005`, or with no error code in the body, the status and its reason
    /// phrase: `HTTP 503 Service Unavailable`.
    pub fn headline(&self) -> String {
        if self.has_code() {
            return format!("HTTP {} {}", self.status, self.code);
        }
        match ureq::http::StatusCode::from_u16(self.status)
            .ok()
            .and_then(|s| s.canonical_reason())
        {
            Some(reason) => format!("HTTP {} {reason}", self.status),
            None => format!("HTTP {}", self.status),
        }
    }

    /// What to do about it, for the codes and statuses that have a usual cause.
    pub fn hint(&self, call: Call) -> Option<String> {
        code_hint(&self.code, call).or_else(|| match (self.status, call) {
            (300..=399, _) => Some(
                "the endpoint answered with a redirect, which changeos never follows (the signature is only valid \
                 for the host it was made for): check --region or --endpoint"
                    .to_owned(),
            ),
            (404, Call::ShowJob) => Some(job_gone_hint()),
            (404, Call::ChangeOs) => Some(
                "no such server in this project and region: check --server-id, --project-id and the endpoint"
                    .to_owned(),
            ),
            (401, _) => {
                Some("authentication failed: check the credentials, the project id and this machine's clock".to_owned())
            }
            (409, _) => Some(
                "the server is busy with another operation: wait until it has finished, then send again".to_owned(),
            ),
            (429, _) => Some(format!(
                "too many requests{}: nothing was changed; try again later",
                self.retry_after
                    .map(|s| format!(" (the server asks to wait {s} s)"))
                    .unwrap_or_default()
            )),
            _ => None,
        })
    }
}

/// The hint for an error code (of an error answer, or of a failed job), if the code has a
/// usual cause.
pub fn code_hint(code: &str, call: Call) -> Option<String> {
    match code {
        "APIGW.0301" | "APIGW.0101" => Some(
            "authentication failed: check the AK/SK (or token) and where they came from, that the project \
             id belongs to that account and region, and this machine's clock: X-Sdk-Date must be within \
             15 minutes of the server's time"
                .to_owned(),
        ),
        "Ecs.0011" => Some(
            "the password does not meet the complexity rules: 8 to 26 characters with at least 3 of upper \
             case, lower case, digits and the specials !@$%^-_=+[{}]:,./? and not containing the user name \
             (root/Administrator) or its reverse; `changeos check` shows what the linter knows"
                .to_owned(),
        ),
        "Ecs.0100" => Some(
            "the server's state does not allow this: stop it first or add \"mode\": \"withStopServer\" to \
             `os-change`, and let any other operation on it finish"
                .to_owned(),
        ),
        "Ecs.0314" => Some(
            "the key pair does not exist in this region and project: check `keyname` (names are \
             case-sensitive) against the key pairs listed in this region"
                .to_owned(),
        ),
        "Ecs.0003" => Some(
            "no permission (the IAM action is ecs:cloudServers:changeOS), not enough balance, or a frozen account"
                .to_owned(),
        ),
        "Ecs.0031" | "Ecs.0032" => {
            Some("the image does not exist in this region or is not active: check `imageid`".to_owned())
        }
        "Common.0011" if call == Call::ShowJob => Some(job_gone_hint()),
        _ => None,
    }
}

fn job_gone_hint() -> String {
    "no such job: it may have expired (finished jobs are removed after 1 day, unpaid PENDING_PAYMENT jobs \
     after 14 days), or the job id or project id is wrong"
        .to_owned()
}

impl fmt::Display for ApiError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.headline())?;
        if let Some(location) = &self.location {
            write!(f, " to {location}")?;
        }
        write!(f, ": {}", self.message)?;
        for (code, message) in &self.details {
            write!(f, "; {code}: {message}")?;
        }
        if let Some(id) = &self.request_id {
            write!(f, " (X-Request-Id {id})")?;
        }
        Ok(())
    }
}

const PAIRS: [(&str, &str); 3] = [
    ("error_code", "error_msg"),
    ("errorCode", "errorMsg"),
    ("code", "message"),
];

/// The SDK's search: the first complete pair at this level, else in nested objects, depth
/// first in document order.
fn find_pair(object: &Map<String, Value>) -> Option<(String, String, Option<String>)> {
    for (code_key, message_key) in PAIRS {
        if let (Some(code), Some(message)) = (object.get(code_key), object.get(message_key)) {
            let encoded = object.get("encoded_authorization_message").map(|v| text(Some(v)));
            return Some((text(Some(code)), text(Some(message)), encoded));
        }
    }
    object.values().find_map(|value| match value {
        Value::Object(inner) => find_pair(inner),
        _ => None,
    })
}

/// A JSON value as text: strings as they are, null as empty, anything else as JSON.
fn text(value: Option<&Value>) -> String {
    match value {
        None | Some(Value::Null) => String::new(),
        Some(Value::String(s)) => s.clone(),
        Some(other) => other.to_string(),
    }
}

/// The body as a one-line message: control characters escaped, cut at a few hundred characters.
pub fn raw_message(body: &[u8]) -> String {
    let text = String::from_utf8_lossy(body);
    let text = text.trim();
    if text.is_empty() {
        return "(empty body)".to_owned();
    }
    let kept = text
        .char_indices()
        .nth(MAX_RAW_MESSAGE)
        .map_or(text, |(end, _)| &text[..end]);
    let mut out = escape_controls(kept).into_owned();
    if kept.len() < text.len() {
        out.push_str("...");
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn data(name: &str) -> Vec<u8> {
        let path = format!("{}/../tests/data/responses/{name}", env!("CARGO_MANIFEST_DIR"));
        std::fs::read(&path).unwrap_or_else(|e| panic!("{path}: {e}"))
    }

    #[test]
    fn every_shape_of_reference_4_2() {
        let ecs = ApiError::parse(400, Some("req-1"), &data("error-ecs.json"));
        assert_eq!(
            (ecs.code.as_str(), ecs.message.as_str()),
            ("Ecs.0005", "Invalid parameter values in the request body.")
        );
        assert_eq!(
            ecs.details,
            [(
                "Ecs.0011".to_owned(),
                "The password does not meet the complexity requirements.".to_owned()
            )]
        );
        assert_eq!(ecs.request_id.as_deref(), Some("req-1"));
        assert_eq!(
            ecs.to_string(),
            "HTTP 400 Ecs.0005: Invalid parameter values in the request body.; Ecs.0011: The password does not \
             meet the complexity requirements. (X-Request-Id req-1)"
        );

        let gateway = ApiError::parse(401, None, &data("error-api-gateway.json"));
        assert_eq!(gateway.code, "APIGW.0301");
        assert!(gateway.message.starts_with("Incorrect IAM authentication information"));
        // The body's request_id is not the header's: the SDK ignores it, so do we.
        assert_eq!(gateway.request_id, None);
        assert!(gateway.hint(Call::ChangeOs).unwrap().contains("15 minutes"));

        let flat = ApiError::parse(404, None, &data("error-code-message.json"));
        assert_eq!(
            (flat.code.as_str(), flat.message.as_str()),
            ("Common.0011", "Invalid job ID.")
        );
        assert!(flat.hint(Call::ShowJob).unwrap().contains("expired"));

        let camel = ApiError::parse(400, None, br#"{"errorCode": "X.1", "errorMsg": "camel", "code": "no"}"#);
        assert_eq!((camel.code.as_str(), camel.message.as_str()), ("X.1", "camel"));
    }

    #[test]
    fn pairs_need_both_keys_and_the_search_recurses() {
        let e = ApiError::parse(
            400,
            None,
            br#"{"error_code": "half", "outer": {"inner": {"code": "Deep.1", "message": "deep"}},
                 "encoded_authorization_message": "not-at-this-level"}"#,
        );
        assert_eq!((e.code.as_str(), e.message.as_str()), ("Deep.1", "deep"));
        assert_eq!(e.encoded_authorization_message, None);
        let e = ApiError::parse(
            403,
            None,
            br#"{"error_code": "IAM.1", "error_msg": "denied", "encoded_authorization_message": "enc"}"#,
        );
        assert_eq!(e.encoded_authorization_message.as_deref(), Some("enc"));
        let numbers = ApiError::parse(400, None, br#"{"code": 12, "message": null}"#);
        assert_eq!(
            (numbers.code.as_str(), numbers.message.as_str()),
            ("12", "{\"code\": 12, \"message\": null}")
        );
    }

    #[test]
    fn fallbacks_are_the_status_and_the_raw_body() {
        let html = ApiError::parse(502, None, b"<html>\r\n<b>Bad Gateway</b></html>");
        assert_eq!(html.code, "502");
        assert_eq!(html.message, "<html>\\r\\n<b>Bad Gateway</b></html>");
        let bidi = ApiError::parse(502, None, "a\u{202e}b\u{1b}".as_bytes());
        assert_eq!(bidi.message, r"a\u{202e}b\u{1b}");
        assert_eq!(ApiError::parse(500, None, b"").message, "(empty body)");
        let long = ApiError::parse(500, None, &[b'x'; 5000]);
        assert_eq!(long.message.len(), MAX_RAW_MESSAGE + 3);
        let array = ApiError::parse(400, None, b"[1,2]");
        assert_eq!((array.code.as_str(), array.message.as_str()), ("400", "[1,2]"));
    }

    #[test]
    fn without_an_error_code_the_status_is_named_once() {
        let plain = ApiError::parse(400, Some("r"), b"");
        assert_eq!(plain.headline(), "HTTP 400 Bad Request");
        assert_eq!(plain.to_string(), "HTTP 400 Bad Request: (empty body) (X-Request-Id r)");
        assert_eq!(
            ApiError::parse(503, None, b"<html>down</html>").to_string(),
            "HTTP 503 Service Unavailable: <html>down</html>"
        );
        // No reason phrase for a status outside the registry.
        assert_eq!(ApiError::parse(599, None, b"x").to_string(), "HTTP 599: x");
        // The JSON field keeps the status as the code.
        assert_eq!(plain.code, "400");
        let coded = ApiError::parse(400, None, br#"{"error_code": "X.1", "error_msg": "m"}"#);
        assert_eq!(coded.to_string(), "HTTP 400 X.1: m");
    }

    #[test]
    fn a_redirect_says_where_it_points() {
        let redirect = ApiError::parse(307, None, b"").with_location(Some("https://elsewhere.example/v2\u{1b}]0;x"));
        assert_eq!(
            redirect.to_string(),
            "HTTP 307 Temporary Redirect to https://elsewhere.example/v2\\u{1b}]0;x: (empty body)"
        );
        assert!(redirect.hint(Call::ChangeOs).unwrap().contains("never follows"));
    }

    #[test]
    fn hints_for_the_common_codes() {
        let hint = |code: &str, status: u16, call: Call| {
            let body = format!(r#"{{"error": {{"code": "{code}", "message": "m"}}}}"#);
            ApiError::parse(status, None, body.as_bytes()).hint(call)
        };
        assert!(hint("Ecs.0011", 400, Call::ChangeOs).unwrap().contains("8 to 26"));
        assert!(
            hint("Ecs.0100", 400, Call::ChangeOs)
                .unwrap()
                .contains("withStopServer")
        );
        assert!(hint("Ecs.0314", 400, Call::ChangeOs).unwrap().contains("key pair"));
        assert!(hint("Other.1", 404, Call::ShowJob).unwrap().contains("expired"));
        assert!(hint("Other.1", 404, Call::ChangeOs).unwrap().contains("no such server"));
        assert!(hint("Other.1", 409, Call::ChangeOs).unwrap().contains("busy"));
        assert_eq!(hint("Other.1", 400, Call::ChangeOs), None);
        let mut limited = ApiError::parse(429, None, b"");
        limited.retry_after = Some(7);
        assert!(limited.hint(Call::ChangeOs).unwrap().contains("wait 7 s"));
    }
}
