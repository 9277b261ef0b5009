//! Why a request certainly did not leave this machine, as data: [`NotSent`] for one attempt
//! (its [`NotSentCause`], and the proxy it went through), [`Unreached`] for a call none of
//! whose endpoints could be reached. A caller decides what to add (how to trust a root, say)
//! by matching on the cause, never on the words; `Display` gives the words.
//!
//! Nothing here holds a credential: a proxy is kept as it is shown (its password masked), and
//! the causes hold what the resolver, the socket, the proxy's status line or the TLS layer said.

use std::fmt;
use std::time::Duration;

use crate::signer::Endpoint;

/// One attempt that sent nothing.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NotSent {
    /// Why.
    pub cause: NotSentCause,
    /// The proxy the attempt went through, if any: so that a proxy's refusal is not taken for
    /// the endpoint's.
    pub through: Option<ProxyShown>,
}

impl NotSent {
    /// Directly, not through a proxy.
    pub fn direct(cause: NotSentCause) -> NotSent {
        NotSent { cause, through: None }
    }

    /// Whether trying again may help: a refused connection may be accepted later; a rejected
    /// certificate, a bad URL or credentials the proxy refused will not change by themselves.
    pub fn may_pass_later(&self) -> bool {
        self.cause.may_pass_later()
    }

    /// The certificate refusal, if that is what it was.
    pub fn certificate(&self) -> Option<&CertificateRejection> {
        match &self.cause {
            NotSentCause::Certificate(rejection) => Some(rejection),
            _ => None,
        }
    }
}

impl fmt::Display for NotSent {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.cause)?;
        if let Some(proxy) = &self.through {
            write!(f, " {proxy}")?;
        }
        Ok(())
    }
}

/// A proxy as it may be shown: its URL with the password masked, and the variable it came from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProxyShown {
    /// `http://user:****@host:port`.
    pub url: String,
    /// `HTTPS_PROXY`, say.
    pub variable: String,
}

impl fmt::Display for ProxyShown {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "(through the proxy {} of {})", self.url, self.variable)
    }
}

/// Why an attempt sent nothing.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum NotSentCause {
    /// The TLS handshake refused the server's certificate.
    #[error("{0}")]
    Certificate(CertificateRejection),
    /// The host name does not resolve (with the resolver's words, when it gave some).
    #[error("the host name does not resolve{}", .0.as_deref().map(|why| format!(": {why}")).unwrap_or_default())]
    Unresolved(Option<String>),
    /// Resolving the host name took longer than the connect timeout.
    #[error("resolving the host name took longer than {0:?}")]
    ResolveTimeout(Duration),
    /// Connecting took longer than the connect timeout.
    #[error("connecting took longer than {0:?} (--connect-timeout)")]
    ConnectTimeout(Duration),
    /// The connection was refused, or the network or host is unreachable.
    #[error("cannot connect: {0}")]
    ConnectFailed(String),
    /// Setting the connection up through a proxy failed (a reset of the CONNECT, say).
    #[error("the connection failed before the request was sent: {0}")]
    SetupFailed(String),
    /// The proxy answered the CONNECT with an error: the tunnel was never opened.
    #[error("the proxy did not open a tunnel to the endpoint: {0}")]
    ProxyRefused(String),
    /// The proxy wants other credentials (HTTP 407); what it said.
    #[error(
        "the proxy refused the credentials (HTTP 407 Proxy Authentication Required; the proxy said: {0}): check \
         the user and password in the proxy URL"
    )]
    ProxyCredentials(String),
    /// The TLS layer failed otherwise.
    #[error("TLS: {0}")]
    Tls(String),
    /// The request cannot be built.
    #[error("cannot build the request: {0}")]
    BadRequest(String),
    /// The URL is not valid.
    #[error("bad URL {0}")]
    BadUrl(String),
    /// The proxy URL is not valid.
    #[error("the proxy URL is not valid")]
    BadProxyUrl,
}

impl NotSentCause {
    /// Whether trying again may help (see [`NotSent::may_pass_later`]).
    pub fn may_pass_later(&self) -> bool {
        match self {
            NotSentCause::Unresolved(_)
            | NotSentCause::ResolveTimeout(_)
            | NotSentCause::ConnectTimeout(_)
            | NotSentCause::ConnectFailed(_)
            | NotSentCause::SetupFailed(_)
            | NotSentCause::ProxyRefused(_) => true,
            NotSentCause::Certificate(_)
            | NotSentCause::ProxyCredentials(_)
            | NotSentCause::Tls(_)
            | NotSentCause::BadRequest(_)
            | NotSentCause::BadUrl(_)
            | NotSentCause::BadProxyUrl => false,
        }
    }
}

/// A certificate the TLS handshake refused: `invalid peer certificate from HOST:PORT: WHAT`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CertificateRejection {
    /// The host the request was for.
    pub host: String,
    /// Its port.
    pub port: u16,
    /// What was wrong.
    pub problem: CertificateProblem,
}

/// What was wrong with a certificate, said for people.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CertificateProblem {
    /// No trusted root issued it (a private or company CA).
    UnknownIssuer,
    /// It has expired (with the dates, when the handshake gave them).
    Expired(Option<ValidityCheck>),
    /// It is not valid yet (with the dates, when the handshake gave them).
    NotValidYet(Option<ValidityCheck>),
    /// It is not for the host (with the names it is for, when the handshake gave them).
    NotForName(Option<Vec<String>>),
    /// It has been revoked.
    Revoked,
    /// Its signature is wrong.
    BadSignature,
    /// The server presented none.
    NoCertificate,
    /// The host is not a name a certificate can be checked for.
    UnsupportedName,
    /// Anything else, as the TLS layer said it.
    Other(String),
}

/// A validity limit of a certificate and the time this machine's clock gave, in seconds since
/// 1970 (UTC).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ValidityCheck {
    /// Not valid after (expired) or before (not valid yet) this.
    pub limit: u64,
    /// What the clock said.
    pub now: u64,
}

/// How many of the names a certificate is for are listed.
const NAMES_SHOWN: usize = 5;

impl CertificateRejection {
    /// The refusal of the certificate of the server at `url` for `error`.
    pub fn new(url: &str, error: &rustls::Error) -> CertificateRejection {
        let (host, port) = host_port(url);
        CertificateRejection {
            host,
            port,
            problem: CertificateProblem::of(error),
        }
    }
}

impl fmt::Display for CertificateRejection {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let host = &self.host;
        write!(f, "invalid peer certificate from {host}:{}: ", self.port)?;
        match &self.problem {
            CertificateProblem::UnknownIssuer => write!(f, "unknown issuer"),
            CertificateProblem::Expired(None) => write!(f, "expired"),
            CertificateProblem::Expired(Some(check)) => write!(
                f,
                "expired (not valid after {}; this machine's clock says {})",
                utc(check.limit),
                utc(check.now)
            ),
            CertificateProblem::NotValidYet(None) => write!(f, "not valid yet"),
            CertificateProblem::NotValidYet(Some(check)) => write!(
                f,
                "not valid yet (not valid before {}; this machine's clock says {})",
                utc(check.limit),
                utc(check.now)
            ),
            CertificateProblem::NotForName(None) => write!(f, "not valid for the name {host}"),
            CertificateProblem::NotForName(Some(names)) if names.is_empty() => {
                write!(f, "not valid for the name {host} (it names no host)")
            }
            CertificateProblem::NotForName(Some(names)) => {
                let shown = names.iter().take(NAMES_SHOWN).map(String::as_str).collect::<Vec<_>>();
                write!(f, "not valid for the name {host} (it is for {}", shown.join(", "))?;
                if names.len() > NAMES_SHOWN {
                    write!(f, " and {} more", names.len() - NAMES_SHOWN)?;
                }
                write!(f, ")")
            }
            CertificateProblem::Revoked => write!(f, "revoked"),
            CertificateProblem::BadSignature => write!(f, "bad signature"),
            CertificateProblem::NoCertificate => write!(f, "the server presented no certificate"),
            CertificateProblem::UnsupportedName => {
                write!(f, "{host} is not a name a certificate can be checked for")
            }
            CertificateProblem::Other(what) => write!(f, "{what}"),
        }
    }
}

impl CertificateProblem {
    /// What `error` says was wrong.
    pub fn of(error: &rustls::Error) -> CertificateProblem {
        use rustls::CertificateError as E;
        let check = |limit: &rustls::pki_types::UnixTime, now: &rustls::pki_types::UnixTime| ValidityCheck {
            limit: limit.as_secs(),
            now: now.as_secs(),
        };
        let certificate = match error {
            rustls::Error::InvalidCertificate(e) => e,
            rustls::Error::NoCertificatesPresented => return CertificateProblem::NoCertificate,
            rustls::Error::UnsupportedNameType => return CertificateProblem::UnsupportedName,
            other => return CertificateProblem::Other(other.to_string()),
        };
        match certificate {
            E::UnknownIssuer => CertificateProblem::UnknownIssuer,
            E::Expired => CertificateProblem::Expired(None),
            E::ExpiredContext { time, not_after } => CertificateProblem::Expired(Some(check(not_after, time))),
            E::NotValidYet => CertificateProblem::NotValidYet(None),
            E::NotValidYetContext { time, not_before } => {
                CertificateProblem::NotValidYet(Some(check(not_before, time)))
            }
            E::NotValidForName => CertificateProblem::NotForName(None),
            E::NotValidForNameContext { presented, .. } => CertificateProblem::NotForName(Some(
                presented.iter().map(|name| presented_name(name).to_owned()).collect(),
            )),
            E::Revoked => CertificateProblem::Revoked,
            E::BadSignature => CertificateProblem::BadSignature,
            other => {
                let text = rustls::Error::InvalidCertificate(other.clone()).to_string();
                CertificateProblem::Other(
                    text.strip_prefix("invalid peer certificate: ")
                        .map(str::to_owned)
                        .unwrap_or(text),
                )
            }
        }
    }
}

/// A name of a certificate as webpki reports it (`DnsName("a.example")`, `IpAddress(10.0.0.1)`),
/// as a person writes it.
fn presented_name(reported: &str) -> &str {
    reported
        .strip_prefix("DnsName(\"")
        .and_then(|r| r.strip_suffix("\")"))
        .or_else(|| reported.strip_prefix("IpAddress(").and_then(|r| r.strip_suffix(')')))
        .unwrap_or(reported)
}

/// Unix seconds as `2024-01-31 23:59:59 UTC`.
fn utc(seconds: u64) -> String {
    match crate::date::SdkDate::from_unix_seconds(seconds) {
        Ok(date) => {
            let d = date.to_string(); // YYYYMMDDTHHMMSSZ
            format!(
                "{}-{}-{} {}:{}:{} UTC",
                &d[0..4],
                &d[4..6],
                &d[6..8],
                &d[9..11],
                &d[11..13],
                &d[13..15]
            )
        }
        Err(_) => format!("{seconds} s after 1970"),
    }
}

/// The host and port of a URL (the port the scheme implies when it has none).
fn host_port(url: &str) -> (String, u16) {
    let Ok(uri) = url.parse::<ureq::http::Uri>() else {
        return (url.to_owned(), 443);
    };
    let host = uri.host().unwrap_or_default().to_owned();
    let default = if uri.scheme_str() == Some("http") { 80 } else { 443 };
    (host, uri.port_u16().unwrap_or(default))
}

/// An endpoint that could not be reached, and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EndpointFailure {
    /// The endpoint.
    pub endpoint: Endpoint,
    /// Why nothing was sent to it.
    pub not_sent: NotSent,
}

/// The endpoints of a call, none of which could be reached, each with its failure, in the
/// order they were tried; never empty. Shown as the failure alone for one endpoint, as
/// `tried N endpoints: ENDPOINT: WHY; ...` for several.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Unreached {
    // Boxed: a call's error stays small whatever a failure holds.
    first: Box<EndpointFailure>,
    rest: Vec<EndpointFailure>,
}

impl Unreached {
    /// `endpoint` could not be reached.
    pub fn new(endpoint: Endpoint, not_sent: NotSent) -> Unreached {
        Unreached {
            first: Box::new(EndpointFailure { endpoint, not_sent }),
            rest: Vec::new(),
        }
    }

    /// Adds the next endpoint that could not be reached.
    pub fn push(&mut self, endpoint: Endpoint, not_sent: NotSent) {
        self.rest.push(EndpointFailure { endpoint, not_sent });
    }

    /// Adds the endpoints of `more`, tried after these.
    pub fn extend(&mut self, more: Unreached) {
        self.rest.push(*more.first);
        self.rest.extend(more.rest);
    }

    /// Each endpoint with its failure, in the order they were tried.
    pub fn failures(&self) -> impl Iterator<Item = &EndpointFailure> {
        std::iter::once(&*self.first).chain(&self.rest)
    }

    /// The endpoint tried last, with its failure.
    pub fn last(&self) -> &EndpointFailure {
        self.rest.last().unwrap_or(&self.first)
    }

    /// How many endpoints were tried (at least one).
    pub fn len(&self) -> usize {
        1 + self.rest.len()
    }

    /// Never: there is always one (`len` wants it beside it).
    pub fn is_empty(&self) -> bool {
        false
    }

    /// Whether trying again may help at any of them.
    pub fn may_pass_later(&self) -> bool {
        self.failures().any(|f| f.not_sent.may_pass_later())
    }

    /// The endpoints whose certificate the TLS handshake refused, in order.
    pub fn refused_certificates(&self) -> Vec<&EndpointFailure> {
        self.failures().filter(|f| f.not_sent.certificate().is_some()).collect()
    }

    /// At how many of the endpoints the certificate was refused: none, some or every one.
    pub fn certificate_refusals(&self) -> Refusals {
        match self.refused_certificates().len() {
            0 => Refusals::NoEndpoint,
            n if n == self.len() => Refusals::EveryEndpoint,
            _ => Refusals::SomeEndpoints,
        }
    }
}

/// How many of the endpoints of an [`Unreached`] had their certificate refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Refusals {
    /// At none of them.
    NoEndpoint,
    /// At some, not all.
    SomeEndpoints,
    /// At every one (the only one, or each of several).
    EveryEndpoint,
}

impl fmt::Display for Unreached {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.rest.is_empty() {
            return write!(f, "{}", self.first.not_sent);
        }
        write!(f, "tried {} endpoints: ", self.len())?;
        for (i, failure) in self.failures().enumerate() {
            let separator = if i == 0 { "" } else { "; " };
            write!(f, "{separator}{}: {}", failure.endpoint, failure.not_sent)?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use rustls::CertificateError as E;
    use rustls::pki_types::UnixTime;

    use super::*;

    fn said(error: rustls::Error) -> String {
        CertificateRejection::new("https://ecs.example.test/v2/p/cloudservers/s/changeos", &error).to_string()
    }

    fn at(seconds: u64) -> UnixTime {
        UnixTime::since_unix_epoch(Duration::from_secs(seconds))
    }

    #[test]
    fn certificate_rejections_say_the_host_and_what_was_wrong() {
        assert_eq!(
            said(E::UnknownIssuer.into()),
            "invalid peer certificate from ecs.example.test:443: unknown issuer"
        );
        assert_eq!(
            said(
                E::ExpiredContext {
                    time: at(1_704_067_200),
                    not_after: at(1_609_459_199)
                }
                .into()
            ),
            "invalid peer certificate from ecs.example.test:443: expired (not valid after 2020-12-31 23:59:59 UTC; \
             this machine's clock says 2024-01-01 00:00:00 UTC)"
        );
        assert_eq!(
            said(E::Expired.into()),
            "invalid peer certificate from ecs.example.test:443: expired"
        );
        assert_eq!(
            said(
                E::NotValidYetContext {
                    time: at(0),
                    not_before: at(86_400)
                }
                .into()
            ),
            "invalid peer certificate from ecs.example.test:443: not valid yet (not valid before 1970-01-02 00:00:00 \
             UTC; this machine's clock says 1970-01-01 00:00:00 UTC)"
        );
        assert_eq!(
            said(E::NotValidYet.into()),
            "invalid peer certificate from ecs.example.test:443: not valid yet"
        );
        assert_eq!(
            said(E::Revoked.into()),
            "invalid peer certificate from ecs.example.test:443: revoked"
        );
        assert_eq!(
            said(E::BadSignature.into()),
            "invalid peer certificate from ecs.example.test:443: bad signature"
        );
        assert_eq!(
            said(rustls::Error::NoCertificatesPresented),
            "invalid peer certificate from ecs.example.test:443: the server presented no certificate"
        );
        assert_eq!(
            said(rustls::Error::UnsupportedNameType),
            "invalid peer certificate from ecs.example.test:443: ecs.example.test is not a name a certificate can \
             be checked for"
        );
        assert_eq!(
            CertificateRejection::new("https://127.0.0.1:8443/x", &E::UnknownIssuer.into()).to_string(),
            "invalid peer certificate from 127.0.0.1:8443: unknown issuer"
        );
        assert_eq!(
            CertificateRejection::new("http://plain.example/x", &E::UnknownIssuer.into()).to_string(),
            "invalid peer certificate from plain.example:80: unknown issuer"
        );
    }

    #[test]
    fn a_certificate_for_other_names_lists_the_first_five_as_people_write_them() {
        let for_names = |names: &[&str]| {
            said(
                E::NotValidForNameContext {
                    expected: rustls::pki_types::ServerName::try_from("ecs.example.test").unwrap(),
                    presented: names.iter().map(|n| (*n).to_owned()).collect(),
                }
                .into(),
            )
        };
        assert_eq!(
            for_names(&["DnsName(\"a.example\")", "IpAddress(10.0.0.1)", "DirectoryName"]),
            "invalid peer certificate from ecs.example.test:443: not valid for the name ecs.example.test (it is for \
             a.example, 10.0.0.1, DirectoryName)"
        );
        let seven: Vec<String> = (1..=7).map(|i| format!("DnsName(\"n{i}.example\")")).collect();
        let seven: Vec<&str> = seven.iter().map(String::as_str).collect();
        assert_eq!(
            for_names(&seven),
            "invalid peer certificate from ecs.example.test:443: not valid for the name ecs.example.test (it is for \
             n1.example, n2.example, n3.example, n4.example, n5.example and 2 more)"
        );
        assert_eq!(
            for_names(&[]),
            "invalid peer certificate from ecs.example.test:443: not valid for the name ecs.example.test (it names \
             no host)"
        );
        assert_eq!(
            said(E::NotValidForName.into()),
            "invalid peer certificate from ecs.example.test:443: not valid for the name ecs.example.test"
        );
    }

    #[test]
    fn the_problem_is_typed() {
        assert_eq!(
            CertificateProblem::of(
                &E::ExpiredContext {
                    time: at(10),
                    not_after: at(5)
                }
                .into()
            ),
            CertificateProblem::Expired(Some(ValidityCheck { limit: 5, now: 10 }))
        );
        assert_eq!(
            CertificateProblem::of(&E::UnknownIssuer.into()),
            CertificateProblem::UnknownIssuer
        );
        let CertificateProblem::Other(what) = CertificateProblem::of(&E::UnhandledCriticalExtension.into()) else {
            panic!("an unhandled extension is another problem")
        };
        // rustls's words without its "invalid peer certificate: ", which the rejection says once.
        assert_eq!(what, "UnhandledCriticalExtension");
        assert_eq!(
            CertificateProblem::of(&rustls::Error::DecryptError),
            CertificateProblem::Other(rustls::Error::DecryptError.to_string())
        );
    }

    fn cause_text(cause: NotSentCause) -> String {
        NotSent::direct(cause).to_string()
    }

    #[test]
    fn each_cause_says_what_it_always_said() {
        let second = Duration::from_secs(1);
        for (cause, text) in [
            (NotSentCause::Unresolved(None), "the host name does not resolve"),
            (
                NotSentCause::Unresolved(Some("no such host".into())),
                "the host name does not resolve: no such host",
            ),
            (
                NotSentCause::ResolveTimeout(second),
                "resolving the host name took longer than 1s",
            ),
            (
                NotSentCause::ConnectTimeout(second),
                "connecting took longer than 1s (--connect-timeout)",
            ),
            (
                NotSentCause::ConnectFailed("Connection refused".into()),
                "cannot connect: Connection refused",
            ),
            (
                NotSentCause::SetupFailed("reset".into()),
                "the connection failed before the request was sent: reset",
            ),
            (
                NotSentCause::ProxyRefused("proxy server responded 403/Forbidden".into()),
                "the proxy did not open a tunnel to the endpoint: proxy server responded 403/Forbidden",
            ),
            (
                NotSentCause::ProxyCredentials("proxy server responded 407/x".into()),
                "the proxy refused the credentials (HTTP 407 Proxy Authentication Required; the proxy said: proxy \
                 server responded 407/x): check the user and password in the proxy URL",
            ),
            (NotSentCause::Tls("no ALPN".into()), "TLS: no ALPN"),
            (
                NotSentCause::BadRequest("bad header".into()),
                "cannot build the request: bad header",
            ),
            (NotSentCause::BadUrl("x:y".into()), "bad URL x:y"),
            (NotSentCause::BadProxyUrl, "the proxy URL is not valid"),
        ] {
            assert_eq!(cause_text(cause), text);
        }
    }

    #[test]
    fn only_what_can_change_by_itself_may_pass_later() {
        let certificate = NotSentCause::Certificate(CertificateRejection::new("https://a.example", &E::Revoked.into()));
        assert!(!certificate.may_pass_later());
        assert!(!NotSentCause::ProxyCredentials(String::new()).may_pass_later());
        assert!(!NotSentCause::BadProxyUrl.may_pass_later());
        assert!(NotSentCause::ConnectFailed(String::new()).may_pass_later());
        assert!(NotSentCause::Unresolved(None).may_pass_later());
        assert!(NotSentCause::ProxyRefused(String::new()).may_pass_later());
    }

    #[test]
    fn through_a_proxy_names_it_masked() {
        let not_sent = NotSent {
            cause: NotSentCause::ProxyRefused("proxy server responded 502".into()),
            through: Some(ProxyShown {
                url: "http://user:****@proxy.example:3128".into(),
                variable: "HTTPS_PROXY".into(),
            }),
        };
        assert_eq!(
            not_sent.to_string(),
            "the proxy did not open a tunnel to the endpoint: proxy server responded 502 (through the proxy \
             http://user:****@proxy.example:3128 of HTTPS_PROXY)"
        );
    }

    fn endpoint(url: &str) -> Endpoint {
        Endpoint::parse(url).unwrap()
    }

    fn refused(url: &str) -> NotSent {
        NotSent::direct(NotSentCause::Certificate(CertificateRejection::new(
            url,
            &E::UnknownIssuer.into(),
        )))
    }

    #[test]
    fn one_endpoint_is_its_failure_alone_several_are_each_listed() {
        let one = Unreached::new(endpoint("https://a.example"), refused("https://a.example"));
        assert_eq!(
            one.to_string(),
            "invalid peer certificate from a.example:443: unknown issuer"
        );
        assert_eq!((one.len(), one.is_empty()), (1, false));
        assert_eq!(one.certificate_refusals(), Refusals::EveryEndpoint);
        assert!(!one.may_pass_later());
        assert_eq!(one.last().endpoint.to_string(), "https://a.example");

        let mut both = one.clone();
        both.extend(Unreached::new(
            endpoint("https://b.example:8443"),
            refused("https://b.example:8443"),
        ));
        assert_eq!(both.len(), 2);
        assert_eq!(both.last().endpoint.to_string(), "https://b.example:8443");
        assert_eq!(
            both.to_string(),
            "tried 2 endpoints: https://a.example: invalid peer certificate from a.example:443: unknown issuer; \
             https://b.example:8443: invalid peer certificate from b.example:8443: unknown issuer"
        );
        assert_eq!(both.certificate_refusals(), Refusals::EveryEndpoint);
        assert_eq!(both.refused_certificates().len(), 2);

        let mut mixed = one;
        mixed.push(
            endpoint("http://127.0.0.1:9"),
            NotSent::direct(NotSentCause::ConnectFailed("Connection refused".into())),
        );
        assert_eq!(mixed.certificate_refusals(), Refusals::SomeEndpoints);
        assert_eq!(
            mixed.refused_certificates()[0].endpoint.to_string(),
            "https://a.example"
        );
        assert!(mixed.may_pass_later());
        assert_eq!(
            mixed.failures().map(|f| f.endpoint.to_string()).collect::<Vec<_>>(),
            ["https://a.example", "http://127.0.0.1:9"]
        );

        let none = Unreached::new(
            endpoint("http://127.0.0.1:9"),
            NotSent::direct(NotSentCause::Unresolved(None)),
        );
        assert_eq!(none.certificate_refusals(), Refusals::NoEndpoint);
        assert!(none.refused_certificates().is_empty());
    }
}
