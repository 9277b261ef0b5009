//! The transport: one HTTP exchange at a time over `ureq` (blocking, rustls, TLS always
//! verified against the [`Roots`] it is given: there is no way to turn verification off),
//! through the proxy of the environment read strictly by [`crate::proxy`], and the retry
//! arithmetic.
//!
//! The agent is set up so that what [`crate::request::prepare`] built is what is sent: no
//! automatic `Accept`, `Accept-Encoding` or `User-Agent`, no redirects followed, no
//! connection pool (a pooled connection that the server has closed could fail a POST in a way
//! that looks like a lost answer), HTTP error statuses returned as answers.
//!
//! Failures are sorted by what they mean for a request that changes something:
//! [`TransportError::NotSent`] when the request certainly did not leave (name resolution,
//! connect, a refused connection, a proxy that would not open the tunnel or failed while
//! setting it up, a certificate the TLS handshake rejected, a bad URL, a proxy that refused the
//! credentials: all before the request is written), with its typed [`NotSentCause`], which also
//! says whether trying again may help; and [`TransportError::Unknown`] for
//! everything after the connection was made (a reset, a timeout while sending or waiting for
//! the answer, a garbled answer): the server may have received the request and acted on it.
//!
//! [`Transport::send_within`] also takes a limit for the whole exchange (a wait's deadline caps
//! the request in flight) and an [`Interrupt`] that abandons it at once (Ctrl-C).

use std::hash::{BuildHasher, Hasher};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc::{self, RecvTimeoutError};
use std::time::{Duration, SystemTime};

use ureq::Timeout;
use ureq::unversioned::resolver::{DefaultResolver, ResolvedSocketAddrs, Resolver};
use ureq::unversioned::transport::{ConnectionDetails, Connector, DefaultConnector, NextTimeout};

use crate::not_sent::{CertificateRejection, NotSent, NotSentCause, ProxyShown};
use crate::proxy::Proxy;
use crate::request::PreparedRequest;
use crate::signer::Method;
use crate::trust::Roots;

/// Answers larger than this are cut off (job and error bodies are a few kilobytes).
pub const MAX_RESPONSE_BYTES: u64 = 4 * 1024 * 1024;

/// Connect and read timeouts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TransportConfig {
    /// Name resolution plus TCP connect plus TLS handshake.
    pub connect_timeout: Duration,
    /// Sending the request and receiving the whole answer, each.
    pub read_timeout: Duration,
}

impl Default for TransportConfig {
    /// 10 s to connect, 60 s to send and to read.
    fn default() -> Self {
        TransportConfig {
            connect_timeout: Duration::from_secs(10),
            read_timeout: Duration::from_secs(60),
        }
    }
}

/// An HTTP answer, whatever its status.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Response {
    /// The status code.
    pub status: u16,
    /// The headers, names lower-case.
    pub headers: Vec<(String, String)>,
    /// The body.
    pub body: Vec<u8>,
}

impl Response {
    /// The first value of a header (any case).
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }

    /// The `X-Request-Id` header.
    pub fn request_id(&self) -> Option<&str> {
        self.header("x-request-id")
    }
}

/// A failed exchange, by whether the request may have reached the server.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum TransportError {
    /// The request certainly was not sent; [`NotSent::may_pass_later`] says whether sending it
    /// again may help (not after a certificate the TLS handshake rejected, a bad URL or proxy
    /// setting).
    #[error("{0} (nothing was sent)")]
    NotSent(NotSent),
    /// The connection was made, then something failed: the server may have received it.
    #[error("{0}")]
    Unknown(String),
    /// The limit given to [`Transport::send_within`] passed first; the request may have been
    /// sent.
    #[error("no answer within the time left")]
    OutOfTime,
    /// The [`Interrupt`] was set while the exchange was in flight; the request may have been
    /// sent.
    #[error("interrupted while the request was in flight")]
    Interrupted,
}

/// A flag that abandons an exchange in flight when set (from a signal handler: it is only an
/// atomic store). Clones share the flag.
#[derive(Debug, Clone, Default)]
pub struct Interrupt(Arc<AtomicBool>);

impl Interrupt {
    /// Not set.
    pub fn new() -> Interrupt {
        Interrupt::default()
    }

    /// The flag itself, for whatever sets it (`signal_hook::flag::register`).
    pub fn flag(&self) -> Arc<AtomicBool> {
        Arc::clone(&self.0)
    }

    /// Sets it.
    pub fn set(&self) {
        self.0.store(true, Ordering::SeqCst);
    }

    /// Whether it is set.
    pub fn is_set(&self) -> bool {
        self.0.load(Ordering::SeqCst)
    }
}

/// How often an interruptible exchange looks at its [`Interrupt`]: short enough that Ctrl-C
/// feels immediate.
pub const INTERRUPT_CHECK: Duration = Duration::from_millis(50);

/// Sends requests.
#[derive(Debug, Clone)]
pub struct Transport {
    agent: ureq::Agent,
    config: TransportConfig,
    proxy: Option<Proxy>,
}

impl Transport {
    /// An agent with the timeouts of `config` that trusts `roots`, going through `proxy` (none:
    /// every request goes directly, whatever the environment says; [`Proxy::from_env`] reads it).
    pub fn new(config: TransportConfig, roots: &Roots, proxy: Option<&Proxy>) -> Transport {
        let read = Some(config.read_timeout);
        let certs: Vec<ureq::tls::Certificate<'static>> = roots
            .certificates()
            .iter()
            .map(|der| ureq::tls::Certificate::from_der(der.as_ref()).to_owned())
            .collect();
        let tls = ureq::tls::TlsConfig::builder()
            .root_certs(ureq::tls::RootCerts::new_with_certs(&certs))
            .build();
        let agent_config = ureq::Agent::config_builder()
            .http_status_as_error(false)
            .max_redirects(0)
            .max_idle_connections(0)
            .max_idle_connections_per_host(0)
            .user_agent(ureq::config::AutoHeaderValue::None)
            .accept(ureq::config::AutoHeaderValue::None)
            .accept_encoding(ureq::config::AutoHeaderValue::None)
            .timeout_resolve(Some(config.connect_timeout))
            .timeout_connect(Some(config.connect_timeout))
            .timeout_send_request(read)
            .timeout_send_body(read)
            .timeout_recv_response(read)
            .timeout_recv_body(read)
            .proxy(proxy.map(|p| p.ureq().clone()))
            .tls_config(tls)
            .build();
        Transport {
            agent: ureq::Agent::with_parts(agent_config, TaggingConnector::default(), TaggingResolver::default()),
            config,
            proxy: proxy.cloned(),
        }
    }

    /// A failure with the proxy named (its password masked) when the request went through it,
    /// so that a proxy's refusal is not taken for the endpoint's.
    fn name_proxy(&self, url: &str, error: TransportError) -> TransportError {
        let Some(proxy) = self.proxy.as_ref().filter(|p| !p.bypasses(url)) else {
            return error;
        };
        let shown = ProxyShown {
            url: proxy.shown().to_owned(),
            variable: proxy.variable().to_owned(),
        };
        match error {
            TransportError::NotSent(not_sent) => TransportError::NotSent(NotSent {
                through: Some(shown),
                ..not_sent
            }),
            TransportError::Unknown(reason) => TransportError::Unknown(format!("{reason} {shown}")),
            other => other,
        }
    }

    /// The timeouts in force.
    pub fn config(&self) -> TransportConfig {
        self.config
    }

    /// One exchange, never repeated.
    pub fn send(&self, request: &PreparedRequest) -> Result<Response, TransportError> {
        exchange(&self.agent, self.config, request, None).map_err(|e| self.name_proxy(&request.url, e))
    }

    /// One exchange, never repeated, that ends with [`TransportError::OutOfTime`] when `limit`
    /// passes first (whatever the connect and read timeouts would allow) and with
    /// [`TransportError::Interrupted`] soon after `interrupt` is set.
    pub fn send_within(
        &self,
        request: &PreparedRequest,
        limit: Option<Duration>,
        interrupt: Option<&Interrupt>,
    ) -> Result<Response, TransportError> {
        let Some(interrupt) = interrupt else {
            return exchange(&self.agent, self.config, request, limit).map_err(|e| self.name_proxy(&request.url, e));
        };
        // A blocking exchange cannot be cancelled: it runs on its own thread, which is left
        // behind on an interrupt (the process is about to exit).
        let (agent, config, owned) = (self.agent.clone(), self.config, request.clone());
        let (tx, rx) = mpsc::channel();
        std::thread::spawn(move || {
            let _ = tx.send(exchange(&agent, config, &owned, limit));
        });
        loop {
            match rx.recv_timeout(INTERRUPT_CHECK) {
                Ok(result) => return result.map_err(|e| self.name_proxy(&request.url, e)),
                Err(RecvTimeoutError::Timeout) if interrupt.is_set() => return Err(TransportError::Interrupted),
                Err(RecvTimeoutError::Timeout) => {}
                Err(RecvTimeoutError::Disconnected) => {
                    return Err(TransportError::Unknown(
                        "the exchange ended without a result".to_owned(),
                    ));
                }
            }
        }
    }
}

/// One exchange on `agent`; `limit` caps the whole of it.
fn exchange(
    agent: &ureq::Agent,
    config: TransportConfig,
    request: &PreparedRequest,
    limit: Option<Duration>,
) -> Result<Response, TransportError> {
    let mut builder = ureq::http::Request::builder()
        .method(request.method.as_str())
        .uri(request.url.as_str());
    for (name, value) in &request.headers {
        builder = builder.header(name.as_str(), value.as_str());
    }
    let result = if request.body.is_empty() && matches!(request.method, Method::Get | Method::Head) {
        builder
            .body(())
            .map_err(|e| not_sent(NotSentCause::BadRequest(e.to_string())))
            .and_then(|r| {
                let r = agent.configure_request(r).timeout_global(limit).build();
                agent.run(r).map_err(|e| classify(config, &request.url, e))
            })
    } else {
        builder
            .body(request.body.clone())
            .map_err(|e| not_sent(NotSentCause::BadRequest(e.to_string())))
            .and_then(|r| {
                let r = agent.configure_request(r).timeout_global(limit).build();
                agent.run(r).map_err(|e| classify(config, &request.url, e))
            })
    };
    let mut response = result?;
    let status = response.status().as_u16();
    let headers = response
        .headers()
        .iter()
        .map(|(name, value)| {
            (
                name.as_str().to_owned(),
                String::from_utf8_lossy(value.as_bytes()).into_owned(),
            )
        })
        .collect();
    let body = response
        .body_mut()
        .with_config()
        .limit(MAX_RESPONSE_BYTES)
        .read_to_vec()
        .map_err(|e| match e {
            ureq::Error::BodyExceedsLimit(_) => {
                TransportError::Unknown(format!("the answer is larger than {MAX_RESPONSE_BYTES} bytes"))
            }
            other => classify(config, &request.url, other),
        })?;
    Ok(Response { status, headers, body })
}

/// A request that was not sent, directly (a proxy is named later, by [`Transport::name_proxy`]).
fn not_sent(cause: NotSentCause) -> TransportError {
    TransportError::NotSent(NotSent::direct(cause))
}

/// Sorts a failure of the exchange with `url` by whether the request may have been sent.
fn classify(config: TransportConfig, url: &str, error: ureq::Error) -> TransportError {
    let connect = config.connect_timeout;
    let read = config.read_timeout;
    if let ureq::Error::Io(e) = &error
        && let Some(rejected) = rejected_certificate(e)
    {
        return not_sent(NotSentCause::Certificate(CertificateRejection::new(url, rejected)));
    }
    match error {
        ureq::Error::HostNotFound => not_sent(NotSentCause::Unresolved(None)),
        ureq::Error::Timeout(Timeout::Resolve) => not_sent(NotSentCause::ResolveTimeout(connect)),
        ureq::Error::Timeout(Timeout::Connect) => not_sent(NotSentCause::ConnectTimeout(connect)),
        ureq::Error::Timeout(Timeout::SendRequest | Timeout::SendBody) => TransportError::Unknown(format!(
            "sending the request took longer than {read:?} (--read-timeout)"
        )),
        ureq::Error::Timeout(Timeout::RecvResponse | Timeout::RecvBody) => {
            TransportError::Unknown(format!("no complete answer within {read:?} (--read-timeout)"))
        }
        ureq::Error::Timeout(Timeout::Global) => TransportError::OutOfTime,
        ureq::Error::Timeout(other) => TransportError::Unknown(format!("timed out ({other})")),
        ureq::Error::Io(e) if is_resolution_error(&e) => not_sent(NotSentCause::Unresolved(Some(inner_message(&e)))),
        ureq::Error::Io(e) if is_connect_error(&e) => not_sent(NotSentCause::ConnectFailed(e.to_string())),
        ureq::Error::Rustls(e) if is_certificate_error(&e) => {
            not_sent(NotSentCause::Certificate(CertificateRejection::new(url, &e)))
        }
        ureq::Error::Io(e) if is_setup_error(&e) => not_sent(NotSentCause::SetupFailed(inner_message(&e))),
        ureq::Error::Io(e) => TransportError::Unknown(match e.kind() {
            std::io::ErrorKind::ConnectionReset => "the connection was reset".to_owned(),
            std::io::ErrorKind::BrokenPipe => "the connection was closed while sending".to_owned(),
            std::io::ErrorKind::UnexpectedEof => "the connection was closed before a complete answer".to_owned(),
            _ => format!("the connection failed: {e}"),
        }),
        // A proxy that wants other credentials answers the CONNECT with 407: the tunnel was
        // never opened, and trying again with the same credentials cannot help.
        ureq::Error::ConnectProxyFailed(why) if why.contains(" 407/") => not_sent(NotSentCause::ProxyCredentials(why)),
        // The proxy answered the CONNECT with an error (it could not resolve or reach the
        // host, say): the tunnel was never opened, so the request never left.
        ureq::Error::ConnectProxyFailed(why) => not_sent(NotSentCause::ProxyRefused(why)),
        ureq::Error::Tls(message) => not_sent(NotSentCause::Tls(message.to_owned())),
        ureq::Error::BadUri(uri) => not_sent(NotSentCause::BadUrl(uri)),
        ureq::Error::Http(e) => not_sent(NotSentCause::BadRequest(e.to_string())),
        ureq::Error::InvalidProxyUrl => not_sent(NotSentCause::BadProxyUrl),
        ureq::Error::Protocol(e) => TransportError::Unknown(format!("the answer is not valid HTTP: {e}")),
        other => TransportError::Unknown(other.to_string()),
    }
}

/// The system resolver, with its failures marked as such: `getaddrinfo`'s errors reach ureq
/// as plain I/O errors that look like any other, but nothing can have been sent before the
/// name resolved.
#[derive(Debug, Default)]
struct TaggingResolver(DefaultResolver);

impl Resolver for TaggingResolver {
    fn resolve(
        &self,
        uri: &ureq::http::Uri,
        config: &ureq::config::Config,
        timeout: NextTimeout,
    ) -> Result<ResolvedSocketAddrs, ureq::Error> {
        self.0.resolve(uri, config, timeout).map_err(|e| match e {
            ureq::Error::Io(io) => ureq::Error::Io(std::io::Error::new(io.kind(), NameNotResolved(io))),
            other => other,
        })
    }
}

/// The default connector, with its I/O failures through a proxy marked as such: a connector
/// only sets the connection up (TCP to the proxy, its CONNECT, the TLS handshake through the
/// tunnel), and the request is written after it returns. A proxy that hangs up on the CONNECT
/// with a reset thus sent nothing. Without a proxy a reset seen this early is left as it was
/// (the request's outcome unknown): the server itself reset the connection it had accepted.
#[derive(Debug, Default)]
struct TaggingConnector(DefaultConnector);

impl Connector<()> for TaggingConnector {
    type Out = <DefaultConnector as Connector<()>>::Out;

    fn connect(&self, details: &ConnectionDetails, chained: Option<()>) -> Result<Option<Self::Out>, ureq::Error> {
        let proxied = details
            .config
            .proxy()
            .is_some_and(|proxy| !proxy.is_no_proxy(details.uri));
        self.0.connect(details, chained).map_err(|e| match e {
            // Those two are recognised by their own inner errors.
            ureq::Error::Io(io) if proxied && rejected_certificate(&io).is_none() && !is_resolution_error(&io) => {
                ureq::Error::Io(std::io::Error::new(io.kind(), BeforeSending(io)))
            }
            other => other,
        })
    }
}

/// A failure while the connection was set up, wrapped so that [`classify`] can recognise it.
#[derive(Debug, thiserror::Error)]
#[error("{0}")]
struct BeforeSending(std::io::Error);

fn is_setup_error(error: &std::io::Error) -> bool {
    error
        .get_ref()
        .is_some_and(|inner| inner.downcast_ref::<BeforeSending>().is_some())
}

/// The resolver's own error, wrapped so that [`classify`] can recognise it.
#[derive(Debug, thiserror::Error)]
#[error("{0}")]
struct NameNotResolved(std::io::Error);

fn is_resolution_error(error: &std::io::Error) -> bool {
    error
        .get_ref()
        .is_some_and(|inner| inner.downcast_ref::<NameNotResolved>().is_some())
}

/// Errors of the connect phase, after which nothing can have been sent.
fn is_connect_error(error: &std::io::Error) -> bool {
    use std::io::ErrorKind;
    matches!(
        error.kind(),
        ErrorKind::ConnectionRefused
            | ErrorKind::HostUnreachable
            | ErrorKind::NetworkUnreachable
            | ErrorKind::NetworkDown
            | ErrorKind::AddrNotAvailable
    )
}

/// The certificate error inside an I/O error, if the handshake rejected the certificate: the
/// handshake comes before any request byte.
fn rejected_certificate(error: &std::io::Error) -> Option<&rustls::Error> {
    error
        .get_ref()
        .and_then(|inner| inner.downcast_ref::<rustls::Error>())
        .filter(|e| is_certificate_error(e))
}

fn is_certificate_error(error: &rustls::Error) -> bool {
    matches!(
        error,
        rustls::Error::InvalidCertificate(_)
            | rustls::Error::NoCertificatesPresented
            | rustls::Error::UnsupportedNameType
    )
}

fn inner_message(error: &std::io::Error) -> String {
    error
        .get_ref()
        .map(ToString::to_string)
        .unwrap_or_else(|| error.to_string())
}

/// How idempotent requests (the job query) are retried.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RetryPolicy {
    /// Retries after the first attempt.
    pub retries: u32,
    /// The first backoff; it doubles with each retry.
    pub base: Duration,
    /// No backoff is longer.
    pub cap: Duration,
    /// A `Retry-After` longer than this is cut to it.
    pub max_retry_after: Duration,
}

impl Default for RetryPolicy {
    /// 4 retries, 1 s doubling up to 20 s; `Retry-After` honoured up to 2 minutes.
    fn default() -> Self {
        RetryPolicy {
            retries: 4,
            base: Duration::from_secs(1),
            cap: Duration::from_secs(20),
            max_retry_after: Duration::from_secs(120),
        }
    }
}

impl RetryPolicy {
    /// The pause before retry number `retry` (0 for the first retry): the server's
    /// `Retry-After` when it gave one (up to [`RetryPolicy::max_retry_after`]), else "equal
    /// jitter" backoff: half of `min(cap, base * 2^retry)` plus a random part of the other half.
    /// `random` is any random number.
    pub fn delay(&self, retry: u32, retry_after: Option<Duration>, random: u64) -> Duration {
        if let Some(wait) = retry_after {
            return wait.min(self.max_retry_after);
        }
        let exponential = self
            .base
            .saturating_mul(1u32.checked_shl(retry.min(31)).unwrap_or(u32::MAX));
        let ceiling = exponential.min(self.cap);
        let half = ceiling / 2;
        let spread = (ceiling - half).as_nanos() as u64;
        let extra = if spread == 0 { 0 } else { random % (spread + 1) };
        half + Duration::from_nanos(extra)
    }
}

/// Whether an answer with this status is worth retrying (for idempotent requests): 429 and
/// every 5xx.
pub fn is_retryable_status(status: u16) -> bool {
    status == 429 || (500..=599).contains(&status)
}

/// The `Retry-After` of an answer: delay-seconds, or an HTTP date (IMF-fixdate) relative to
/// `now`. A date in the past means no wait.
pub fn retry_after(response: &Response, now: SystemTime) -> Option<Duration> {
    let value = response.header("retry-after")?.trim();
    if let Ok(seconds) = value.parse::<u64>() {
        return Some(Duration::from_secs(seconds));
    }
    let at = parse_http_date(value)?;
    let now = now.duration_since(SystemTime::UNIX_EPOCH).ok()?.as_secs();
    Some(Duration::from_secs(at.saturating_sub(now)))
}

/// `Sun, 06 Nov 1994 08:49:37 GMT` as Unix seconds.
fn parse_http_date(value: &str) -> Option<u64> {
    let parts: Vec<&str> = value.split_whitespace().collect();
    let [_, day, month, year, time, "GMT"] = parts[..] else {
        return None;
    };
    const MONTHS: [&str; 12] = [
        "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
    ];
    let month = MONTHS.iter().position(|m| *m == month)? as u64 + 1;
    let day: u64 = day.parse().ok()?;
    let year: u64 = year.parse().ok()?;
    let mut hms = time.split(':').map(|p| p.parse::<u64>().ok());
    let (h, m, s) = (hms.next()??, hms.next()??, hms.next()??);
    if !(1..=31).contains(&day) || h > 23 || m > 59 || s > 60 || year < 1970 {
        return None;
    }
    // Days from the civil date (Howard Hinnant's days_from_civil).
    let (y, mo) = if month <= 2 {
        (year - 1, month + 9)
    } else {
        (year, month - 3)
    };
    let era = y / 400;
    let yoe = y - era * 400;
    let doy = (153 * mo + 2) / 5 + day - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    let days = (era * 146_097 + doe).checked_sub(719_468)?;
    Some(days * 86_400 + h * 3600 + m * 60 + s)
}

/// A random number for jitter, from the standard library's randomly keyed hasher (no
/// dependency needed for numbers that only spread retries apart).
pub fn random() -> u64 {
    let mut hasher = std::collections::hash_map::RandomState::new().build_hasher();
    hasher.write_u128(
        SystemTime::now()
            .duration_since(SystemTime::UNIX_EPOCH)
            .map_or(0, |d| d.as_nanos()),
    );
    hasher.finish()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::not_sent::CertificateProblem;

    #[test]
    fn backoff_doubles_is_capped_and_jittered() {
        let policy = RetryPolicy {
            retries: 5,
            base: Duration::from_millis(100),
            cap: Duration::from_millis(1000),
            max_retry_after: Duration::from_secs(5),
        };
        for (retry, ceiling) in [(0, 100), (1, 200), (2, 400), (3, 800), (4, 1000), (40, 1000)] {
            let low = policy.delay(retry, None, 0);
            let high = policy.delay(retry, None, u64::MAX - 1);
            assert_eq!(low, Duration::from_millis(ceiling / 2), "retry {retry}");
            assert!(
                high >= low && high <= Duration::from_millis(ceiling),
                "retry {retry}: {high:?}"
            );
        }
        assert_eq!(policy.delay(0, Some(Duration::from_secs(2)), 0), Duration::from_secs(2));
        assert_eq!(
            policy.delay(0, Some(Duration::from_secs(60)), 0),
            Duration::from_secs(5)
        );
    }

    #[test]
    fn retry_after_seconds_and_dates() {
        let response = |value: &str| Response {
            status: 429,
            headers: vec![("retry-after".into(), value.into())],
            body: Vec::new(),
        };
        let now = SystemTime::UNIX_EPOCH + Duration::from_secs(784_111_777); // Sun, 06 Nov 1994 08:49:37 GMT
        assert_eq!(retry_after(&response("3"), now), Some(Duration::from_secs(3)));
        assert_eq!(
            retry_after(&response("Sun, 06 Nov 1994 08:49:47 GMT"), now),
            Some(Duration::from_secs(10))
        );
        assert_eq!(
            retry_after(&response("Sun, 06 Nov 1994 08:00:00 GMT"), now),
            Some(Duration::ZERO)
        );
        assert_eq!(retry_after(&response("soon"), now), None);
        assert_eq!(parse_http_date("Thu, 01 Jan 1970 00:00:00 GMT"), Some(0));
        assert_eq!(parse_http_date("Mon, 01 Jan 2024 00:00:00 GMT"), Some(1_704_067_200));
        assert_eq!(parse_http_date("Thu, 29 Feb 2024 23:59:59 GMT"), Some(1_709_251_199));
    }

    #[test]
    fn statuses_worth_a_retry() {
        for status in [429, 500, 502, 503, 504, 599] {
            assert!(is_retryable_status(status));
        }
        for status in [200, 400, 401, 404, 409, 600] {
            assert!(!is_retryable_status(status));
        }
    }

    #[test]
    fn random_numbers_differ() {
        let numbers: std::collections::BTreeSet<u64> = (0..8).map(|_| random()).collect();
        assert!(numbers.len() > 1);
    }

    fn get(url: &str) -> PreparedRequest {
        PreparedRequest {
            method: Method::Get,
            url: url.to_owned(),
            headers: Vec::new(),
            body: Vec::new(),
        }
    }

    fn patient() -> Transport {
        Transport::new(
            TransportConfig {
                connect_timeout: Duration::from_secs(20),
                read_timeout: Duration::from_secs(20),
            },
            &Roots::bundled(),
            None,
        )
    }

    #[test]
    fn a_rejected_certificate_was_not_sent_and_will_not_pass_later() {
        let url = "https://ecs.example.test:4443/x";
        let io = std::io::Error::other(rustls::Error::InvalidCertificate(
            rustls::CertificateError::UnknownIssuer,
        ));
        let unknown_issuer = classify(TransportConfig::default(), url, ureq::Error::Io(io));
        let TransportError::NotSent(not_sent) = &unknown_issuer else {
            panic!("{unknown_issuer:?}")
        };
        assert_eq!(
            not_sent.certificate(),
            Some(&CertificateRejection {
                host: "ecs.example.test".into(),
                port: 4443,
                problem: CertificateProblem::UnknownIssuer,
            })
        );
        assert!(!not_sent.may_pass_later());
        assert_eq!(
            unknown_issuer.to_string(),
            "invalid peer certificate from ecs.example.test:4443: unknown issuer (nothing was sent)"
        );
        let direct = ureq::Error::Rustls(rustls::Error::InvalidCertificate(rustls::CertificateError::Revoked));
        let revoked = classify(TransportConfig::default(), url, direct);
        assert!(
            matches!(&revoked, TransportError::NotSent(n) if n.certificate().is_some_and(|c| c.problem == CertificateProblem::Revoked)),
            "{revoked:?}"
        );
        // A TLS error that is no certificate's is not taken for one.
        let other = std::io::Error::other(rustls::Error::DecryptError);
        assert!(
            !matches!(classify(TransportConfig::default(), url, ureq::Error::Io(other)), TransportError::NotSent(n) if n.certificate().is_some())
        );
    }

    #[test]
    fn failures_before_the_request_left_are_classified_by_their_cause() {
        let config = TransportConfig {
            connect_timeout: Duration::from_secs(3),
            read_timeout: Duration::from_secs(7),
        };
        let cause = |error| match classify(config, "https://ecs.example.test/x", error) {
            TransportError::NotSent(not_sent) => Some(not_sent.cause),
            _ => None,
        };
        let refused = std::io::Error::from(std::io::ErrorKind::ConnectionRefused);
        let unresolved = std::io::Error::other(NameNotResolved(std::io::Error::other("no such host")));
        let setup = std::io::Error::other(BeforeSending(std::io::Error::other("reset by the proxy")));
        for (error, expected) in [
            (ureq::Error::HostNotFound, NotSentCause::Unresolved(None)),
            (
                ureq::Error::Io(unresolved),
                NotSentCause::Unresolved(Some("no such host".into())),
            ),
            (
                ureq::Error::Timeout(Timeout::Resolve),
                NotSentCause::ResolveTimeout(config.connect_timeout),
            ),
            (
                ureq::Error::Timeout(Timeout::Connect),
                NotSentCause::ConnectTimeout(config.connect_timeout),
            ),
            (
                ureq::Error::Io(refused),
                NotSentCause::ConnectFailed(std::io::Error::from(std::io::ErrorKind::ConnectionRefused).to_string()),
            ),
            (
                ureq::Error::Io(setup),
                NotSentCause::SetupFailed("reset by the proxy".into()),
            ),
            (
                ureq::Error::ConnectProxyFailed("proxy server responded 403/Forbidden".into()),
                NotSentCause::ProxyRefused("proxy server responded 403/Forbidden".into()),
            ),
            (
                ureq::Error::ConnectProxyFailed("proxy server responded 407/Proxy Authentication Required".into()),
                NotSentCause::ProxyCredentials("proxy server responded 407/Proxy Authentication Required".into()),
            ),
            (ureq::Error::Tls("no ALPN"), NotSentCause::Tls("no ALPN".into())),
            (ureq::Error::BadUri("x:y".into()), NotSentCause::BadUrl("x:y".into())),
            (ureq::Error::InvalidProxyUrl, NotSentCause::BadProxyUrl),
        ] {
            assert_eq!(cause(error), Some(expected));
        }
        // After the connection was made, the outcome is unknown.
        for error in [
            ureq::Error::Io(std::io::ErrorKind::ConnectionReset.into()),
            ureq::Error::Timeout(Timeout::RecvResponse),
        ] {
            assert_eq!(cause(error), None);
        }
    }

    #[test]
    fn a_name_that_does_not_resolve_was_not_sent() {
        // RFC 6761: no name under .invalid resolves.
        let err = patient().send(&get("https://ecs.changeos-test.invalid/x")).unwrap_err();
        assert!(
            matches!(&err, TransportError::NotSent(n) if matches!(n.cause, NotSentCause::Unresolved(_)) && n.may_pass_later()),
            "{err:?}"
        );
        assert!(err.to_string().starts_with("the host name does not resolve"), "{err}");
    }

    /// A server that accepts connections and never answers; it lives as long as the test.
    fn silent_server() -> (std::net::TcpListener, String) {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        let url = format!("http://{}/x", listener.local_addr().unwrap());
        (listener, url)
    }

    #[test]
    fn the_limit_cuts_an_exchange_short_whatever_the_read_timeout() {
        let (_listener, url) = silent_server();
        let err = patient()
            .send_within(&get(&url), Some(Duration::from_millis(200)), None)
            .unwrap_err();
        assert_eq!(err, TransportError::OutOfTime);
    }

    #[test]
    fn an_interrupt_abandons_the_exchange_in_flight() {
        let (_listener, url) = silent_server();
        let interrupt = Interrupt::new();
        let setter = interrupt.clone();
        std::thread::spawn(move || {
            std::thread::sleep(Duration::from_millis(100));
            setter.set();
        });
        let err = patient().send_within(&get(&url), None, Some(&interrupt)).unwrap_err();
        assert_eq!(err, TransportError::Interrupted);
    }

    #[test]
    fn a_refused_connection_was_not_sent() {
        // Bind then drop a listener: its port now refuses connections.
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .unwrap()
            .local_addr()
            .unwrap()
            .port();
        let transport = Transport::new(
            TransportConfig {
                connect_timeout: Duration::from_secs(2),
                read_timeout: Duration::from_secs(2),
            },
            &Roots::bundled(),
            None,
        );
        let request = PreparedRequest {
            method: Method::Post,
            url: format!("http://127.0.0.1:{port}/x"),
            headers: vec![("Host".into(), format!("127.0.0.1:{port}"))],
            body: b"{}".to_vec(),
        };
        let err = transport.send(&request).unwrap_err();
        assert!(
            matches!(&err, TransportError::NotSent(n) if matches!(n.cause, NotSentCause::ConnectFailed(_)) && n.through.is_none()),
            "{err:?}"
        );
    }

    /// A proxy that answers every CONNECT with `status`; it lives as long as the test.
    fn refusing_proxy(status: &'static str) -> std::net::SocketAddr {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        let address = listener.local_addr().unwrap();
        std::thread::spawn(move || {
            for stream in listener.incoming() {
                let Ok(mut stream) = stream else { continue };
                let mut head = Vec::new();
                let mut byte = [0u8; 1];
                while !head.ends_with(b"\r\n\r\n") && std::io::Read::read(&mut stream, &mut byte).is_ok_and(|n| n == 1)
                {
                    head.push(byte[0]);
                }
                let answer = format!("HTTP/1.1 {status}\r\nContent-Length: 0\r\n\r\n");
                let _ = std::io::Write::write_all(&mut stream, answer.as_bytes());
            }
        });
        address
    }

    #[test]
    fn a_proxy_refusal_names_the_proxy_and_a_407_is_unsendable() {
        let url = format!(
            "http://user:Proxy-Secret-1@{}",
            refusing_proxy("407 Proxy Authentication Required")
        );
        let proxy = Proxy::parse("HTTPS_PROXY", &url, None).unwrap();
        let err = Transport::new(TransportConfig::default(), &Roots::bundled(), Some(&proxy))
            .send(&get("https://ecs.example.test/x"))
            .unwrap_err();
        let TransportError::NotSent(not_sent) = &err else {
            panic!("{err:?}")
        };
        assert!(
            matches!(not_sent.cause, NotSentCause::ProxyCredentials(_)),
            "{not_sent:?}"
        );
        assert!(!not_sent.may_pass_later());
        let through = not_sent.through.as_ref().expect("the proxy is named");
        assert_eq!(through.variable, "HTTPS_PROXY");
        assert!(through.url.starts_with("http://user:****@127.0.0.1:"), "{through:?}");
        let why = err.to_string();
        assert!(why.starts_with("the proxy refused the credentials (HTTP 407"), "{why}");
        assert!(why.contains(" (through the proxy http://user:****@127.0.0.1:"), "{why}");
        assert!(!why.contains("Proxy-Secret-1"), "{why}");
        assert!(!format!("{err:?}").contains("Proxy-Secret-1"), "{err:?}");

        let url = format!("http://{}", refusing_proxy("403 Forbidden"));
        let proxy = Proxy::parse("HTTPS_PROXY", &url, None).unwrap();
        let err = Transport::new(TransportConfig::default(), &Roots::bundled(), Some(&proxy))
            .send(&get("https://ecs.example.test/x"))
            .unwrap_err();
        assert!(
            matches!(&err, TransportError::NotSent(n) if matches!(n.cause, NotSentCause::ProxyRefused(_)) && n.may_pass_later()),
            "{err:?}"
        );
        assert!(
            err.to_string()
                .starts_with("the proxy did not open a tunnel to the endpoint: proxy server responded 403"),
            "{err}"
        );
    }
}
