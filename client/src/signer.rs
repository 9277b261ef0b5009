//! `SDK-HMAC-SHA256` request signing, byte for byte as `huaweicloudsdkcore.signer.Signer` does it.
//!
//! [`sign`] takes a [`RequestToSign`], [`Credentials`] and an [`SdkDate`] and returns a
//! [`SignedRequest`]: the canonical request, the string to sign, the signature, the
//! `Authorization` value, the URI to request and the headers to send, in sending order. It reads
//! no clock and does no I/O, so the same inputs always give the same output.
//!
//! The steps, in the SDK's order (the order decides where added headers land):
//!
//! 1. A header keyed exactly `Content-Type` whose value does not start with `application/json`
//!    or `application/bson` adds `X-Sdk-Content-Sha256: UNSIGNED-PAYLOAD`.
//! 2. An `X-Sdk-Date` header (any case) is parsed and used; without one, `X-Sdk-Date` is added
//!    from the `date` argument.
//! 3. Without a `Host` header (any case), `Host` is added from the endpoint (port included).
//! 4. Every header value is trimmed of surrounding whitespace (Python's `str.strip`), for the
//!    canonical form and on the wire.
//! 5. Every header whose name has no `_` is signed: names lower-cased and sorted.
//! 6. The canonical URI, canonical query, payload hash, canonical request, string to sign and
//!    signature follow; see [`canonical_uri`], [`canonical_query`] and the reference's §5.
//!
//! Where the SDK would produce a request that cannot be right (two headers whose names differ
//! only in case, a header value with a line break, an `Authorization` header already present),
//! [`sign`] returns an error instead.

use std::borrow::Cow;
use std::fmt;
use std::str::FromStr;

use hmac::{Hmac, KeyInit, Mac};
use sha2::{Digest, Sha256};

use crate::date::{DateError, SdkDate};
use crate::percent;

/// The algorithm name that opens the string to sign and the `Authorization` value.
pub const ALGORITHM: &str = "SDK-HMAC-SHA256";
/// Lower-case hex SHA-256 of the empty string: the payload hash of a request without a body.
pub const EMPTY_BODY_SHA256: &str = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";
/// The value of `X-Sdk-Content-Sha256` for non-JSON bodies, used as their payload hash.
pub const UNSIGNED_PAYLOAD: &str = "UNSIGNED-PAYLOAD";
/// The header that carries the signing time.
pub const HEADER_SDK_DATE: &str = "X-Sdk-Date";
/// The header that, when present, replaces the body hash in the canonical request.
pub const HEADER_CONTENT_SHA256: &str = "X-Sdk-Content-Sha256";

const REDACTED: &str = "[redacted]";

/// Everything that can make a request unsignable.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SignError {
    /// The access key is empty (the SDK's message).
    #[error("ak is required")]
    MissingAk,
    /// The secret key is empty (the SDK's message).
    #[error("sk is required")]
    MissingSk,
    /// The access key would break the `Authorization` header.
    #[error("ak must be printable ASCII without spaces or commas")]
    InvalidAk,
    /// The `date` argument or an `X-Sdk-Date` header is not `YYYYMMDDTHHMMSSZ`.
    #[error(transparent)]
    Date(#[from] DateError),
    /// Not one of the HTTP methods [`Method`] knows.
    #[error("unsupported HTTP method {0:?}")]
    Method(String),
    /// The endpoint is not `[http[s]://]host[:port]`.
    #[error("invalid endpoint {endpoint:?}: {reason}")]
    Endpoint {
        /// The endpoint as given.
        endpoint: String,
        /// What is wrong with it.
        reason: &'static str,
    },
    /// The resource path cannot be sent as it is.
    #[error("invalid resource path {path:?}: {reason}")]
    Path {
        /// The path as given.
        path: String,
        /// What is wrong with it.
        reason: &'static str,
    },
    /// The operation's path template has a parameter that no option fills.
    #[error(
        "the path {path:?} has the parameter {{{name}}}, which changeos cannot fill (it fills {})",
        crate::request::FILLED_PATH_PARAMS.join(" and ")
    )]
    PathParameter {
        /// The path template.
        path: String,
        /// The parameter's name.
        name: String,
    },
    /// A header name is empty or has a character that HTTP does not allow in names.
    #[error("invalid header name {0:?}")]
    HeaderName(String),
    /// A header value (after trimming) has a control character other than a tab. The value is
    /// not repeated here: it may be a credential.
    #[error("header {0:?} has a control character in its value")]
    HeaderValue(String),
    /// Two headers whose names are equal ignoring case.
    #[error("header {first:?} is given twice (also as {second:?}); header names are case-insensitive")]
    DuplicateHeader {
        /// The first spelling.
        first: String,
        /// The second spelling.
        second: String,
    },
    /// The request already carries an `Authorization` header.
    #[error("the request already has an Authorization header")]
    AlreadySigned,
}

/// An HTTP method. The SDK signs the upper-case name.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Method {
    /// `GET`
    Get,
    /// `POST`
    Post,
    /// `PUT`
    Put,
    /// `PATCH`
    Patch,
    /// `DELETE`
    Delete,
    /// `HEAD`
    Head,
    /// `OPTIONS`
    Options,
}

impl Method {
    /// The upper-case name, as signed and sent.
    pub fn as_str(self) -> &'static str {
        match self {
            Method::Get => "GET",
            Method::Post => "POST",
            Method::Put => "PUT",
            Method::Patch => "PATCH",
            Method::Delete => "DELETE",
            Method::Head => "HEAD",
            Method::Options => "OPTIONS",
        }
    }
}

impl FromStr for Method {
    type Err = SignError;

    /// Accepts any case, as the SDK upper-cases the method before signing.
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        const ALL: [Method; 7] = [
            Method::Get,
            Method::Post,
            Method::Put,
            Method::Patch,
            Method::Delete,
            Method::Head,
            Method::Options,
        ];
        ALL.into_iter()
            .find(|m| m.as_str().eq_ignore_ascii_case(s))
            .ok_or_else(|| SignError::Method(s.to_owned()))
    }
}

impl fmt::Display for Method {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// `http` or `https`. Not signed; it only completes [`SignedRequest::url`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Scheme {
    /// `http`
    Http,
    /// `https`
    Https,
}

impl Scheme {
    /// `"http"` or `"https"`.
    pub fn as_str(self) -> &'static str {
        match self {
            Scheme::Http => "http",
            Scheme::Https => "https",
        }
    }
}

/// Where the request goes: a scheme and a host with an optional port (`127.0.0.1:8080`).
///
/// The host becomes the `Host` header when the request has none, so it is checked to be
/// printable ASCII with no path, query, fragment or user info.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Endpoint {
    scheme: Scheme,
    host: String,
}

impl Endpoint {
    /// An endpoint from its parts; `host` may carry a port.
    pub fn new(scheme: Scheme, host: &str) -> Result<Endpoint, SignError> {
        let error = |reason| SignError::Endpoint {
            endpoint: host.to_owned(),
            reason,
        };
        if host.is_empty() {
            return Err(error("the host is empty"));
        }
        if let Some(bad) = host.chars().find(|&c| !c.is_ascii_graphic() || "/?#@\\".contains(c)) {
            return Err(error(if bad.is_ascii_graphic() {
                "the host has a path, query, fragment or user-info character"
            } else {
                "the host must be printable ASCII (use the punycode form of a non-ASCII name)"
            }));
        }
        Ok(Endpoint {
            scheme,
            host: host.to_owned(),
        })
    }

    /// Parses `https://host[:port]`, `http://host[:port]` or a bare `host[:port]` (which, as in
    /// the SDK, means https). One trailing `/` is allowed.
    pub fn parse(endpoint: &str) -> Result<Endpoint, SignError> {
        let (scheme, rest) = if let Some(rest) = strip_prefix_ignore_case(endpoint, "https://") {
            (Scheme::Https, rest)
        } else if let Some(rest) = strip_prefix_ignore_case(endpoint, "http://") {
            (Scheme::Http, rest)
        } else if endpoint.contains("://") {
            return Err(SignError::Endpoint {
                endpoint: endpoint.to_owned(),
                reason: "the scheme must be http or https",
            });
        } else {
            (Scheme::Https, endpoint)
        };
        let host = rest.strip_suffix('/').unwrap_or(rest);
        Endpoint::new(scheme, host).map_err(|err| match err {
            SignError::Endpoint { reason, .. } => SignError::Endpoint {
                endpoint: endpoint.to_owned(),
                reason,
            },
            other => other,
        })
    }

    /// The scheme.
    pub fn scheme(&self) -> Scheme {
        self.scheme
    }

    /// The host, with its port if it has one.
    pub fn host(&self) -> &str {
        &self.host
    }
}

impl std::fmt::Display for Endpoint {
    /// `https://host[:port]`.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}://{}", self.scheme.as_str(), self.host)
    }
}

fn strip_prefix_ignore_case<'a>(s: &'a str, prefix: &str) -> Option<&'a str> {
    let head = s.get(..prefix.len())?;
    head.eq_ignore_ascii_case(prefix).then(|| &s[prefix.len()..])
}

/// The resource path exactly as it goes on the request line: path parameters substituted and
/// already percent-encoded (the SDK quotes each one with no safe characters).
///
/// It starts with `/` and holds only printable ASCII other than `?` and `#`: the query goes in
/// [`RequestToSign::query`], and a space or non-ASCII character would mean it was not encoded.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct ResourcePath(String);

impl ResourcePath {
    /// Checks and wraps a path.
    pub fn new(path: impl Into<String>) -> Result<ResourcePath, SignError> {
        let path = path.into();
        let reason = if !path.starts_with('/') {
            Some("it must start with '/'")
        } else if path.contains(['?', '#']) {
            Some("it must not contain '?' or '#' (pass query parameters separately)")
        } else if path.chars().any(|c| !c.is_ascii_graphic()) {
            Some("it must be percent-encoded (no spaces, control or non-ASCII characters)")
        } else {
            None
        };
        match reason {
            Some(reason) => Err(SignError::Path { path, reason }),
            None => Ok(ResourcePath(path)),
        }
    }

    /// The path as given.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// The access key ID (AK). Not secret: it travels in clear in every `Authorization` header.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct AccessKey(String);

impl AccessKey {
    /// A non-empty AK of printable ASCII without commas (it goes inside `Authorization`).
    pub fn new(ak: impl Into<String>) -> Result<AccessKey, SignError> {
        let ak = ak.into();
        if ak.is_empty() {
            return Err(SignError::MissingAk);
        }
        if ak.chars().any(|c| !c.is_ascii_graphic() || c == ',') {
            return Err(SignError::InvalidAk);
        }
        Ok(AccessKey(ak))
    }

    /// The AK.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// The secret access key (SK). Its `Debug` and `Display` print `[redacted]`, and the crate
/// never hands it back: it is only used as the HMAC key.
#[derive(Clone)]
pub struct SecretKey(String);

impl SecretKey {
    /// A non-empty SK. Its UTF-8 bytes are the HMAC key, with no derivation.
    pub fn new(sk: impl Into<String>) -> Result<SecretKey, SignError> {
        let sk = sk.into();
        if sk.is_empty() {
            return Err(SignError::MissingSk);
        }
        Ok(SecretKey(sk))
    }
}

impl fmt::Debug for SecretKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "SecretKey({REDACTED})")
    }
}

impl fmt::Display for SecretKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(REDACTED)
    }
}

/// An AK/SK pair. Temporary credentials also need an `X-Security-Token` header, which the
/// caller adds to the request so that it is signed.
#[derive(Debug, Clone)]
pub struct Credentials {
    ak: AccessKey,
    sk: SecretKey,
}

impl Credentials {
    /// Checks both keys: an empty AK is "ak is required", an empty SK "sk is required".
    pub fn new(ak: impl Into<String>, sk: impl Into<String>) -> Result<Credentials, SignError> {
        Ok(Credentials {
            ak: AccessKey::new(ak)?,
            sk: SecretKey::new(sk)?,
        })
    }

    /// The access key.
    pub fn access_key(&self) -> &AccessKey {
        &self.ak
    }
}

/// A query parameter value: one string, or a list sent as the key repeated once per item.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum QueryValue {
    /// `k=v`
    One(String),
    /// `k=v1&k=v2…`, in sorted order; an empty list sends nothing.
    Many(Vec<String>),
}

impl From<&str> for QueryValue {
    fn from(value: &str) -> Self {
        QueryValue::One(value.to_owned())
    }
}

impl From<String> for QueryValue {
    fn from(value: String) -> Self {
        QueryValue::One(value)
    }
}

impl From<bool> for QueryValue {
    /// `true`/`false`, as the SDK writes Python booleans.
    fn from(value: bool) -> Self {
        QueryValue::One(value.to_string())
    }
}

impl From<Vec<String>> for QueryValue {
    fn from(values: Vec<String>) -> Self {
        QueryValue::Many(values)
    }
}

impl From<Vec<&str>> for QueryValue {
    fn from(values: Vec<&str>) -> Self {
        QueryValue::Many(values.into_iter().map(str::to_owned).collect())
    }
}

/// What [`sign`] signs. Build it with [`RequestToSign::new`] and the `with_*` methods, or fill
/// the public fields directly.
///
/// Headers are a list in sending order; names must be unique ignoring case. Its `Debug` shows
/// the body's length only, and redacts credential headers.
#[derive(Clone)]
pub struct RequestToSign {
    /// The HTTP method.
    pub method: Method,
    /// Scheme and host (the host becomes `Host` when no such header is given).
    pub endpoint: Endpoint,
    /// The path as sent, already percent-encoded.
    pub path: ResourcePath,
    /// Query parameters, unencoded, in any order.
    pub query: Vec<(String, QueryValue)>,
    /// Headers in sending order, before signing. An `X-Sdk-Date` here wins over the date
    /// passed to [`sign`].
    pub headers: Vec<(String, String)>,
    /// The body bytes; empty for none.
    pub body: Vec<u8>,
}

impl RequestToSign {
    /// A request with no query, no headers and no body.
    pub fn new(method: Method, endpoint: Endpoint, path: ResourcePath) -> RequestToSign {
        RequestToSign {
            method,
            endpoint,
            path,
            query: Vec::new(),
            headers: Vec::new(),
            body: Vec::new(),
        }
    }

    /// Adds a query parameter.
    pub fn with_query(mut self, key: impl Into<String>, value: impl Into<QueryValue>) -> Self {
        self.query.push((key.into(), value.into()));
        self
    }

    /// Adds a header at the end.
    pub fn with_header(mut self, name: impl Into<String>, value: impl Into<String>) -> Self {
        self.headers.push((name.into(), value.into()));
        self
    }

    /// Sets the body.
    pub fn with_body(mut self, body: impl Into<Vec<u8>>) -> Self {
        self.body = body.into();
        self
    }
}

impl fmt::Debug for RequestToSign {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("RequestToSign")
            .field("method", &self.method)
            .field("endpoint", &self.endpoint)
            .field("path", &self.path.as_str())
            .field("query", &self.query)
            .field("headers", &RedactedHeaders(&self.headers))
            .field("body", &format_args!("<{} bytes>", self.body.len()))
            .finish()
    }
}

/// A lower-case hex HMAC-SHA256 signature. Its `Debug` prints `[redacted]`; read it with
/// [`Signature::expose_hex`].
#[derive(Clone, PartialEq, Eq)]
pub struct Signature(String);

impl Signature {
    /// The 64 lower-case hex digits.
    pub fn expose_hex(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for Signature {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Signature({REDACTED})")
    }
}

/// The result of [`sign`]: what to send, and the intermediate strings for debugging a
/// signature mismatch. Its `Debug` redacts the signature and credential headers.
#[derive(Clone)]
pub struct SignedRequest {
    method: Method,
    endpoint: Endpoint,
    date: SdkDate,
    canonical_request: String,
    string_to_sign: String,
    signed_headers: String,
    signature: Signature,
    authorization: String,
    uri: String,
    headers: Vec<(String, String)>,
}

impl SignedRequest {
    /// The HTTP method.
    pub fn method(&self) -> Method {
        self.method
    }

    /// The endpoint the request goes to.
    pub fn endpoint(&self) -> &Endpoint {
        &self.endpoint
    }

    /// The signing time (from the `X-Sdk-Date` header if the request had one).
    pub fn date(&self) -> SdkDate {
        self.date
    }

    /// `METHOD\nURI\nQUERY\nHEADERS\n\nSIGNED_HEADERS\nPAYLOAD_HASH`.
    pub fn canonical_request(&self) -> &str {
        &self.canonical_request
    }

    /// `SDK-HMAC-SHA256\nDATE\nhex(sha256(canonical request))`.
    pub fn string_to_sign(&self) -> &str {
        &self.string_to_sign
    }

    /// The signed header names, lower-case, sorted, `;`-joined.
    pub fn signed_headers(&self) -> &str {
        &self.signed_headers
    }

    /// The signature.
    pub fn signature(&self) -> &Signature {
        &self.signature
    }

    /// The full `Authorization` value, signature included (see [`redact_authorization`]).
    pub fn authorization(&self) -> &str {
        &self.authorization
    }

    /// The request target: the path as given, then `?` and the canonical query if there is one.
    pub fn uri(&self) -> &str {
        &self.uri
    }

    /// `scheme://host` followed by [`SignedRequest::uri`].
    pub fn url(&self) -> String {
        format!("{}{}", self.endpoint, self.uri)
    }

    /// The headers to send, in order: the given ones (values trimmed), then any of
    /// `X-Sdk-Content-Sha256`, `X-Sdk-Date`, `Host` that were added, then `Authorization`.
    pub fn headers(&self) -> &[(String, String)] {
        &self.headers
    }

    /// The headers with credential values replaced by [`redact_header_value`], for display.
    pub fn redacted_headers(&self) -> Vec<(String, String)> {
        self.headers
            .iter()
            .map(|(name, value)| (name.clone(), redact_header_value(name, value).into_owned()))
            .collect()
    }

    /// Gives up the header list.
    pub fn into_headers(self) -> Vec<(String, String)> {
        self.headers
    }
}

impl fmt::Debug for SignedRequest {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SignedRequest")
            .field("method", &self.method)
            .field("endpoint", &self.endpoint)
            .field("date", &format_args!("{}", self.date))
            .field("canonical_request", &redact_canonical_request(&self.canonical_request))
            .field("string_to_sign", &self.string_to_sign)
            .field("signed_headers", &self.signed_headers)
            .field("signature", &self.signature)
            .field("authorization", &redact_authorization(&self.authorization))
            .field("uri", &self.uri)
            .field("headers", &RedactedHeaders(&self.headers))
            .finish()
    }
}

struct RedactedHeaders<'a>(&'a [(String, String)]);

impl fmt::Debug for RedactedHeaders<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_list()
            .entries(
                self.0
                    .iter()
                    .map(|(name, value)| (name, redact_header_value(name, value))),
            )
            .finish()
    }
}

/// Replaces the signature in an `SDK-HMAC-SHA256 Access=…, SignedHeaders=…, Signature=<hex>`
/// value with `[redacted]`, keeping everything up to `Signature=`. A value without
/// `Signature=` is replaced whole.
pub fn redact_authorization(value: &str) -> String {
    const MARK: &str = "Signature=";
    match value.rfind(MARK) {
        Some(at) => format!("{}{REDACTED}", &value[..at + MARK.len()]),
        None => REDACTED.to_owned(),
    }
}

/// The value of a header as it may be printed: `Authorization` through
/// [`redact_authorization`], `X-Security-Token` and `X-Auth-Token` as `[redacted]`, anything
/// else unchanged. Names match ignoring case.
pub fn redact_header_value<'a>(name: &str, value: &'a str) -> Cow<'a, str> {
    if name.eq_ignore_ascii_case("authorization") {
        Cow::Owned(redact_authorization(value))
    } else if is_token_header(name) {
        Cow::Borrowed(REDACTED)
    } else {
        Cow::Borrowed(value)
    }
}

fn is_token_header(name: &str) -> bool {
    name.eq_ignore_ascii_case("x-security-token") || name.eq_ignore_ascii_case("x-auth-token")
}

fn redact_canonical_request(canonical: &str) -> String {
    canonical
        .split('\n')
        .map(|line| match line.split_once(':') {
            Some((name, _)) if is_token_header(name) => format!("{name}:{REDACTED}"),
            _ => line.to_owned(),
        })
        .collect::<Vec<_>>()
        .join("\n")
}

/// The canonical URI: percent-decode the whole path (so `%2F` becomes a separator), split on
/// `/`, encode each segment with [`percent::encode`], join with `/`, and end with `/`.
///
/// `canonical_uri("/v1/proj 123/x")` is `"/v1/proj%20123/x/"`.
pub fn canonical_uri(path: &str) -> String {
    let mut uri = percent::decode(path)
        .split('/')
        .map(percent::encode)
        .collect::<Vec<_>>()
        .join("/");
    if !uri.ends_with('/') {
        uri.push('/');
    }
    uri
}

/// The canonical query string, which is also the query that is sent: every (key, value) pair
/// with list values expanded, sorted by raw key then raw value (code point order), each part
/// encoded with [`percent::encode`], joined as `k=v` with `&`. Empty without parameters.
pub fn canonical_query(query: &[(String, QueryValue)]) -> String {
    let mut pairs: Vec<(&str, &str)> = Vec::new();
    for (key, value) in query {
        match value {
            QueryValue::One(v) => pairs.push((key, v)),
            QueryValue::Many(vs) => pairs.extend(vs.iter().map(|v| (key.as_str(), v.as_str()))),
        }
    }
    // Rust orders `str` by UTF-8 bytes, which is the same as code point order.
    pairs.sort_unstable();
    pairs
        .iter()
        .map(|(k, v)| format!("{}={}", percent::encode(k), percent::encode(v)))
        .collect::<Vec<_>>()
        .join("&")
}

/// Signs `request` with `credentials`. `date` is the signing time unless the request already
/// has an `X-Sdk-Date` header (any case), whose value is then parsed and used, as the SDK does.
pub fn sign(request: &RequestToSign, credentials: &Credentials, date: SdkDate) -> Result<SignedRequest, SignError> {
    let mut headers = checked_headers(&request.headers)?;

    // The SDK looks up exactly "Content-Type" and tests its untrimmed value.
    let non_json = headers.iter().any(|(name, value)| {
        name == "Content-Type"
            && !value.is_empty()
            && !value.starts_with("application/json")
            && !value.starts_with("application/bson")
    });
    if non_json {
        match position_ignore_case(&headers, HEADER_CONTENT_SHA256) {
            Some(at) => headers[at].1 = UNSIGNED_PAYLOAD.to_owned(),
            None => headers.push((HEADER_CONTENT_SHA256.to_owned(), UNSIGNED_PAYLOAD.to_owned())),
        }
    }

    let date = match position_ignore_case(&headers, HEADER_SDK_DATE) {
        // Parsed untrimmed, as the SDK's strptime does; a strict parse formats back to the same text.
        Some(at) => SdkDate::parse(&headers[at].1)?,
        None => {
            headers.push((HEADER_SDK_DATE.to_owned(), date.to_string()));
            date
        }
    };

    if position_ignore_case(&headers, "Host").is_none() {
        headers.push(("Host".to_owned(), request.endpoint.host.clone()));
    }

    for (name, value) in &mut headers {
        let trimmed = python_strip(value);
        if trimmed.chars().any(|c| c.is_ascii_control() && c != '\t') {
            return Err(SignError::HeaderValue(name.clone()));
        }
        if trimmed.len() != value.len() {
            *value = trimmed.to_owned();
        }
    }

    let mut signed: Vec<(String, &str)> = headers
        .iter()
        .filter(|(name, _)| !name.contains('_'))
        .map(|(name, value)| (name.to_ascii_lowercase(), value.as_str()))
        .collect();
    signed.sort_unstable();
    let signed_headers = signed
        .iter()
        .map(|(name, _)| name.as_str())
        .collect::<Vec<_>>()
        .join(";");
    let canonical_headers: String = signed.iter().map(|(name, value)| format!("{name}:{value}\n")).collect();

    let payload_hash = if request.body.is_empty() {
        EMPTY_BODY_SHA256.to_owned()
    } else {
        match position_ignore_case(&headers, HEADER_CONTENT_SHA256).map(|at| headers[at].1.as_str()) {
            Some(declared) if !declared.is_empty() => declared.to_owned(),
            _ => hex(&Sha256::digest(&request.body)),
        }
    };

    let query = canonical_query(&request.query);
    let canonical_request = format!(
        "{}\n{}\n{}\n{}\n{}\n{}",
        request.method.as_str(),
        canonical_uri(request.path.as_str()),
        query,
        canonical_headers,
        signed_headers,
        payload_hash
    );
    let string_to_sign = format!(
        "{ALGORITHM}\n{date}\n{}",
        hex(&Sha256::digest(canonical_request.as_bytes()))
    );
    let signature = Signature(hex(&hmac_sha256(
        credentials.sk.0.as_bytes(),
        string_to_sign.as_bytes(),
    )));
    let authorization = format!(
        "{ALGORITHM} Access={}, SignedHeaders={signed_headers}, Signature={}",
        credentials.ak.as_str(),
        signature.expose_hex()
    );
    headers.push(("Authorization".to_owned(), authorization.clone()));

    let uri = if query.is_empty() {
        request.path.as_str().to_owned()
    } else {
        format!("{}?{query}", request.path.as_str())
    };

    Ok(SignedRequest {
        method: request.method,
        endpoint: request.endpoint.clone(),
        date,
        canonical_request,
        string_to_sign,
        signed_headers,
        signature,
        authorization,
        uri,
        headers,
    })
}

/// Copies the caller's headers after checking names, uniqueness and the absence of
/// `Authorization`.
fn checked_headers(given: &[(String, String)]) -> Result<Vec<(String, String)>, SignError> {
    let mut headers: Vec<(String, String)> = Vec::with_capacity(given.len() + 4);
    for (name, value) in given {
        if name.is_empty() || !name.bytes().all(is_token_byte) {
            return Err(SignError::HeaderName(name.clone()));
        }
        if name.eq_ignore_ascii_case("authorization") {
            return Err(SignError::AlreadySigned);
        }
        if let Some(at) = position_ignore_case(&headers, name) {
            return Err(SignError::DuplicateHeader {
                first: headers[at].0.clone(),
                second: name.clone(),
            });
        }
        headers.push((name.clone(), value.clone()));
    }
    Ok(headers)
}

/// RFC 9110 `tchar`.
fn is_token_byte(byte: u8) -> bool {
    byte.is_ascii_alphanumeric() || b"!#$%&'*+-.^_`|~".contains(&byte)
}

fn position_ignore_case(headers: &[(String, String)], name: &str) -> Option<usize> {
    headers.iter().position(|(n, _)| n.eq_ignore_ascii_case(name))
}

/// Python's `str.strip()`: Unicode `White_Space` plus U+001C..U+001F, which Python also counts
/// as whitespace and Rust's `char::is_whitespace` does not.
fn python_strip(value: &str) -> &str {
    value.trim_matches(|c: char| c.is_whitespace() || ('\u{1c}'..='\u{1f}').contains(&c))
}

fn hmac_sha256(key: &[u8], data: &[u8]) -> [u8; 32] {
    // HMAC takes keys of any length (long ones are hashed), so this cannot fail.
    let mut mac = <Hmac<Sha256> as KeyInit>::new_from_slice(key).expect("HMAC accepts any key length");
    mac.update(data);
    mac.finalize().into_bytes().into()
}

fn hex(bytes: &[u8]) -> String {
    const DIGITS: &[u8; 16] = b"0123456789abcdef";
    let mut out = String::with_capacity(bytes.len() * 2);
    for &byte in bytes {
        out.push(char::from(DIGITS[usize::from(byte >> 4)]));
        out.push(char::from(DIGITS[usize::from(byte & 0x0f)]));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn date(s: &str) -> SdkDate {
        SdkDate::parse(s).unwrap()
    }

    fn example_credentials() -> Credentials {
        Credentials::new("AKEXAMPLE", "SKEXAMPLE").unwrap()
    }

    fn example_request(method: Method, path: &str) -> RequestToSign {
        let endpoint = Endpoint::parse("https://ecs.ap-southeast-1.myhuaweicloud.com").unwrap();
        RequestToSign::new(method, endpoint, ResourcePath::new(path).unwrap())
    }

    // ---- reference §5.2 worked example -------------------------------------------------------

    const EXAMPLE_BODY: &str = r#"{"os-change":{"keyname":"KeyPair-350b","userid":"7e25b1da389f4697a79df3a0e5bd494e","imageid":"e215580f-73ad-429d-b6f2-5433947433b0"}}"#;

    #[test]
    fn reference_example_post() {
        let request = example_request(Method::Post, "/v2/proj123/cloudservers/srv-1/changeos")
            .with_header("Content-Type", "application/json;charset=utf-8")
            .with_header("User-Agent", "test-agent")
            .with_header("X-Project-Id", "proj123")
            .with_header("X-Sdk-Date", "20240101T000000Z")
            .with_body(EXAMPLE_BODY);
        let signed = sign(&request, &example_credentials(), date("20991231T000000Z")).unwrap();
        let body_hash = "bc420b2bc85e3bbd2128960f7207ca47cdc037a9ff83801fdc0c3297254989be";
        assert_eq!(hex(&Sha256::digest(EXAMPLE_BODY)), body_hash);
        assert_eq!(
            signed.canonical_request(),
            format!(
                "POST\n/v2/proj123/cloudservers/srv-1/changeos/\n\ncontent-type:application/json;charset=utf-8\n\
                 host:ecs.ap-southeast-1.myhuaweicloud.com\nuser-agent:test-agent\nx-project-id:proj123\n\
                 x-sdk-date:20240101T000000Z\n\ncontent-type;host;user-agent;x-project-id;x-sdk-date\n{body_hash}"
            )
        );
        assert_eq!(
            signed.string_to_sign(),
            "SDK-HMAC-SHA256\n20240101T000000Z\n087bfb2edb2d2a2a64c41ac07f33219a93b01837ffeecf6422f12f61b4f64f3d"
        );
        assert_eq!(
            signed.authorization(),
            "SDK-HMAC-SHA256 Access=AKEXAMPLE, SignedHeaders=content-type;host;user-agent;x-project-id;x-sdk-date, \
             Signature=0d7563fe13c8bcc31900e2b0fa8e47679951717385bd486a61ed651ba4b48ec3"
        );
        // The header's date wins over the argument.
        assert_eq!(signed.date().to_string(), "20240101T000000Z");
        assert_eq!(signed.uri(), "/v2/proj123/cloudservers/srv-1/changeos");
        assert_eq!(
            signed.url(),
            "https://ecs.ap-southeast-1.myhuaweicloud.com/v2/proj123/cloudservers/srv-1/changeos"
        );
    }

    #[test]
    fn reference_example_get() {
        let request = example_request(Method::Get, "/v1/proj123/jobs/ff80808288d41e1b018990260955686a")
            .with_header("Content-Type", "application/json")
            .with_header("User-Agent", "test-agent")
            .with_header("X-Project-Id", "proj123")
            .with_header("X-Sdk-Date", "20240101T000000Z");
        let signed = sign(&request, &example_credentials(), date("20991231T000000Z")).unwrap();
        assert_eq!(
            signed.signature().expose_hex(),
            "7d62c4847d2465050e2a11acc6e1a69d368d3423b55b35f13424f154da7fc4e2"
        );
        assert!(signed.canonical_request().ends_with(EMPTY_BODY_SHA256));
    }

    #[test]
    fn date_argument_is_used_and_added_without_a_date_header() {
        let request = example_request(Method::Get, "/v1/p/jobs/j").with_header("Content-Type", "text/plain");
        let signed = sign(&request, &example_credentials(), date("20240101T000000Z")).unwrap();
        let names: Vec<&str> = signed.headers().iter().map(|(n, _)| n.as_str()).collect();
        // Same order as the SDK: content hash, then date, then host, then Authorization.
        assert_eq!(
            names,
            [
                "Content-Type",
                "X-Sdk-Content-Sha256",
                "X-Sdk-Date",
                "Host",
                "Authorization"
            ]
        );
        assert_eq!(signed.headers()[2].1, "20240101T000000Z");
        assert!(
            signed
                .string_to_sign()
                .starts_with("SDK-HMAC-SHA256\n20240101T000000Z\n")
        );
    }

    // ---- canonical URI and query ----------------------------------------------------------------

    #[test]
    fn canonical_uri_decodes_then_encodes_each_segment_and_adds_a_trailing_slash() {
        assert_eq!(canonical_uri("/v1/proj 123/x"), "/v1/proj%20123/x/");
        assert_eq!(canonical_uri("/v1/proj%20123/x/"), "/v1/proj%20123/x/");
        assert_eq!(
            canonical_uri("/v2/p/cloudservers/s/changeos"),
            "/v2/p/cloudservers/s/changeos/"
        );
        assert_eq!(canonical_uri("/"), "/");
        assert_eq!(canonical_uri("/a:b@c!d/caf%c3%a9"), "/a%3Ab%40c%21d/caf%C3%A9/");
        // An encoded slash is a separator once decoded, as in the SDK.
        assert_eq!(canonical_uri("/x%2Fy"), "/x/y/");
        assert_eq!(canonical_uri("/a%2B+b~"), "/a%2B%2Bb~/");
    }

    #[test]
    fn canonical_query_sorts_by_raw_key_then_value_and_expands_lists() {
        let query: Vec<(String, QueryValue)> = vec![
            ("b".into(), "2".into()),
            ("a".into(), "x y".into()),
            ("a".into(), "1".into()),
            ("c".into(), true.into()),
            ("l".into(), vec!["z", "a"].into()),
        ];
        assert_eq!(canonical_query(&query), "a=1&a=x%20y&b=2&c=true&l=a&l=z");
        assert_eq!(canonical_query(&[]), "");
        let raw_order: Vec<(String, QueryValue)> = vec![
            ("a/b".into(), "2".into()),
            ("a.b".into(), "1".into()),
            ("a-b".into(), "3".into()),
        ];
        assert_eq!(canonical_query(&raw_order), "a-b=3&a.b=1&a%2Fb=2");
        let empty_list: Vec<(String, QueryValue)> = vec![("x".into(), QueryValue::Many(vec![]))];
        assert_eq!(canonical_query(&empty_list), "");
    }

    #[test]
    fn query_goes_into_the_uri_in_canonical_form() {
        let request = example_request(Method::Get, "/v2/p/cloudservers/detail")
            .with_query("name", "web 01")
            .with_query("limit", "25");
        let signed = sign(&request, &example_credentials(), date("20240101T000000Z")).unwrap();
        assert_eq!(signed.uri(), "/v2/p/cloudservers/detail?limit=25&name=web%2001");
        assert!(
            signed
                .canonical_request()
                .starts_with("GET\n/v2/p/cloudservers/detail/\nlimit=25&name=web%2001\n")
        );
    }

    // ---- headers ---------------------------------------------------------------------------------

    #[test]
    fn header_values_are_trimmed_and_underscore_names_are_sent_but_not_signed() {
        let request = example_request(Method::Get, "/v1/p/jobs/j")
            .with_header("X-Note", "\t  two  inner  spaces \u{1f}\u{3000} ")
            .with_header("X_Trace", "  t-1 ")
            .with_header("X-Sdk-Date", "20240101T000000Z");
        let signed = sign(&request, &example_credentials(), date("20240101T000000Z")).unwrap();
        assert_eq!(signed.signed_headers(), "host;x-note;x-sdk-date");
        assert!(signed.canonical_request().contains("\nx-note:two  inner  spaces\n"));
        assert!(!signed.canonical_request().contains("x_trace"));
        let headers = signed.headers();
        assert_eq!(headers[0], ("X-Note".to_owned(), "two  inner  spaces".to_owned()));
        assert_eq!(headers[1], ("X_Trace".to_owned(), "t-1".to_owned()));
    }

    #[test]
    fn given_host_header_is_kept_and_signed() {
        let request = example_request(Method::Get, "/v1/p/jobs/j").with_header("host", " other.example:8443 ");
        let signed = sign(&request, &example_credentials(), date("20240101T000000Z")).unwrap();
        assert!(signed.canonical_request().contains("\nhost:other.example:8443\n"));
        assert_eq!(
            signed
                .headers()
                .iter()
                .filter(|(n, _)| n.eq_ignore_ascii_case("host"))
                .count(),
            1
        );
    }

    #[test]
    fn content_type_check_follows_the_sdk() {
        let sign_with = |name: &str, value: &str, body: &str| {
            let request = example_request(Method::Put, "/x")
                .with_header(name, value)
                .with_body(body);
            sign(&request, &example_credentials(), date("20240101T000000Z")).unwrap()
        };
        let plain = sign_with("Content-Type", "text/plain", "hello");
        assert!(plain.canonical_request().ends_with("\nUNSIGNED-PAYLOAD"));
        let bson = sign_with("Content-Type", "application/bson", "hello");
        assert!(!bson.signed_headers().contains("x-sdk-content-sha256"));
        // Only the exact key "Content-Type" counts, as in the SDK.
        let lower = sign_with("content-type", "text/plain", "hello");
        assert!(!lower.signed_headers().contains("x-sdk-content-sha256"));
        assert!(lower.canonical_request().ends_with(&hex(&Sha256::digest("hello"))));
        // An empty body hashes as empty even with UNSIGNED-PAYLOAD.
        let empty = sign_with("Content-Type", "text/plain", "");
        assert!(empty.signed_headers().contains("x-sdk-content-sha256"));
        assert!(empty.canonical_request().ends_with(EMPTY_BODY_SHA256));
    }

    #[test]
    fn bad_headers_are_errors() {
        let credentials = example_credentials();
        let now = date("20240101T000000Z");
        let try_sign = |name: &str, value: &str| {
            sign(
                &example_request(Method::Get, "/x").with_header(name, value),
                &credentials,
                now,
            )
        };
        assert_eq!(try_sign("", "v").unwrap_err(), SignError::HeaderName(String::new()));
        assert_eq!(
            try_sign("X Bad", "v").unwrap_err(),
            SignError::HeaderName("X Bad".into())
        );
        assert_eq!(
            try_sign("X-Bad:", "v").unwrap_err(),
            SignError::HeaderName("X-Bad:".into())
        );
        assert_eq!(
            try_sign("X-A", "a\r\nX-B: b").unwrap_err(),
            SignError::HeaderValue("X-A".into())
        );
        assert_eq!(
            try_sign("X-A", "a\0").unwrap_err(),
            SignError::HeaderValue("X-A".into())
        );
        assert!(try_sign("X-A", "a\tb é").is_ok());
        assert_eq!(try_sign("authorization", "x").unwrap_err(), SignError::AlreadySigned);
        let twice = example_request(Method::Get, "/x")
            .with_header("X-A", "1")
            .with_header("x-a", "2");
        assert_eq!(
            sign(&twice, &credentials, now).unwrap_err(),
            SignError::DuplicateHeader {
                first: "X-A".into(),
                second: "x-a".into()
            }
        );
    }

    #[test]
    fn bad_date_header_is_an_error() {
        for bad in ["2024-01-01", "20240230T000000Z", " 20240101T000000Z", ""] {
            let request = example_request(Method::Get, "/x").with_header("x-sdk-date", bad);
            let err = sign(&request, &example_credentials(), date("20240101T000000Z")).unwrap_err();
            assert!(matches!(err, SignError::Date(_)), "{bad:?}: {err}");
        }
    }

    // ---- credentials and redaction ---------------------------------------------------------------

    #[test]
    fn empty_ak_or_sk_is_an_error_with_the_sdk_message() {
        assert_eq!(Credentials::new("", "sk").unwrap_err().to_string(), "ak is required");
        assert_eq!(Credentials::new("ak", "").unwrap_err().to_string(), "sk is required");
        assert_eq!(Credentials::new("", "").unwrap_err(), SignError::MissingAk);
        assert_eq!(Credentials::new("a k", "sk").unwrap_err(), SignError::InvalidAk);
        assert_eq!(Credentials::new("a,k", "sk").unwrap_err(), SignError::InvalidAk);
    }

    #[test]
    fn debug_never_shows_the_sk_the_signature_or_tokens() {
        let sk = "VerySecretSkValue1234";
        let credentials = Credentials::new("AKEXAMPLE", sk).unwrap();
        let request = example_request(Method::Post, "/v2/p/cloudservers/s/changeos")
            .with_header("Content-Type", "application/json")
            .with_header("X-Security-Token", "TokenSecret987")
            .with_body(r#"{"os-change":{"adminpass":"Pa55word!"}}"#);
        let signed = sign(&request, &credentials, date("20240101T000000Z")).unwrap();
        let signature = signed.signature().expose_hex().to_owned();
        let printed = [
            format!("{credentials:?}"),
            format!("{:?}", SecretKey::new(sk).unwrap()),
            format!("{}", SecretKey::new(sk).unwrap()),
            format!("{request:?}"),
            format!("{request:#?}"),
            format!("{signed:?}"),
            format!("{signed:#?}"),
            format!("{:?}", signed.signature()),
            format!("{:?}", signed.redacted_headers()),
        ];
        for text in &printed {
            for secret in [sk, signature.as_str(), "TokenSecret987", "Pa55word!"] {
                assert!(!text.contains(secret), "{secret} leaked in {text}");
            }
        }
        assert!(printed[5].contains("Signature=[redacted]"));
        assert!(printed[5].contains("AKEXAMPLE"));
    }

    #[test]
    fn redact_authorization_keeps_everything_but_the_signature() {
        assert_eq!(
            redact_authorization("SDK-HMAC-SHA256 Access=AK, SignedHeaders=host;x-sdk-date, Signature=0d75ff"),
            "SDK-HMAC-SHA256 Access=AK, SignedHeaders=host;x-sdk-date, Signature=[redacted]"
        );
        assert_eq!(redact_authorization("Bearer abc"), "[redacted]");
        assert_eq!(redact_header_value("AUTHORIZATION", "x"), "[redacted]");
        assert_eq!(redact_header_value("x-security-token", "t"), "[redacted]");
        assert_eq!(redact_header_value("X-Project-Id", "p"), "p");
    }

    // ---- input types -----------------------------------------------------------------------------

    #[test]
    fn methods_parse_in_any_case() {
        assert_eq!("post".parse::<Method>().unwrap(), Method::Post);
        assert_eq!("GET".parse::<Method>().unwrap().to_string(), "GET");
        assert_eq!(
            "FETCH".parse::<Method>().unwrap_err(),
            SignError::Method("FETCH".into())
        );
    }

    #[test]
    fn endpoints() {
        let e = Endpoint::parse("https://ecs.cn-north-4.myhuaweicloud.com/").unwrap();
        assert_eq!(
            (e.scheme(), e.host()),
            (Scheme::Https, "ecs.cn-north-4.myhuaweicloud.com")
        );
        let e = Endpoint::parse("HTTP://127.0.0.1:8080").unwrap();
        assert_eq!((e.scheme(), e.host()), (Scheme::Http, "127.0.0.1:8080"));
        assert_eq!(Endpoint::parse("ecs.example").unwrap().scheme(), Scheme::Https);
        assert!(Endpoint::parse("[::1]:8080").is_ok());
        for bad in [
            "",
            "https://",
            "ftp://h",
            "https://h/path",
            "https://u@h",
            "h?x",
            "h x",
            "hé",
        ] {
            assert!(
                matches!(Endpoint::parse(bad), Err(SignError::Endpoint { .. })),
                "{bad:?}"
            );
        }
    }

    #[test]
    fn resource_paths() {
        assert!(ResourcePath::new("/v1/p/objects/a:b@c!d/x%2Fy").is_ok());
        for bad in ["", "v1/p", "/a?b=1", "/a#f", "/a b", "/é", "/a\n"] {
            assert!(matches!(ResourcePath::new(bad), Err(SignError::Path { .. })), "{bad:?}");
        }
    }

    // ---- HMAC-SHA256: RFC 4231 test cases --------------------------------------------------------

    #[test]
    fn hmac_sha256_rfc4231() {
        let cases: [(Vec<u8>, &[u8], &str); 6] = [
            (
                vec![0x0b; 20],
                b"Hi There",
                "b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7",
            ),
            (
                b"Jefe".to_vec(),
                b"what do ya want for nothing?",
                "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843",
            ),
            (
                vec![0xaa; 20],
                &[0xdd; 50],
                "773ea91e36800e46854db8ebd09181a72959098b3ef8c122d9635514ced565fe",
            ),
            (
                (1..=25).collect(),
                &[0xcd; 50],
                "82558a389a443c0ea4cc819899f2083a85f0faa3e578f8077a2e3ff46729665b",
            ),
            (
                vec![0xaa; 131],
                b"Test Using Larger Than Block-Size Key - Hash Key First",
                "60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54",
            ),
            (
                vec![0xaa; 131],
                b"This is a test using a larger than block-size key and a larger than block-size data. \
                  The key needs to be hashed before being used by the HMAC algorithm.",
                "9b09ffa71b942fcb27635fbcd5b0e944bfdc63644f0713938a7f51535c3a35e2",
            ),
        ];
        for (key, data, expected) in cases {
            assert_eq!(hex(&hmac_sha256(&key, data)), expected);
        }
        // Test case 5: output truncated to 128 bits.
        let truncated = hex(&hmac_sha256(&[0x0c; 20], b"Test With Truncation"));
        assert_eq!(&truncated[..32], "a3b6167473100ee06e0c796c2955552b");
    }
}
