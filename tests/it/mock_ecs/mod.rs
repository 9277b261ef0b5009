//! A mock ECS endpoint for the `send` and `job` tests, and a way to run the binary against it.
//!
//! [`Mock::start`] listens on 127.0.0.1 on a free port (plain HTTP, as `--endpoint
//! http://127.0.0.1:PORT` allows) and answers each connection in its own thread;
//! [`Mock::start_tls`] does the same over HTTPS with a certificate of a [`tls::TestCa`]. Each request
//! is checked the way the API gateway would: the `SDK-HMAC-SHA256` signature is recomputed with
//! `changeos_client::sign` from the method, path, query, signed headers and body as received,
//! with the AK/SK the test knows (or the IAM token is compared), and `X-Sdk-Date` must be within
//! 15 minutes of now. A test scripts the answers: a queue for the change-OS POST, a queue for
//! job GETs (whose last answer repeats), and a queue of connection-level actions (a reset before
//! the request was read). Every request received is logged for the assertions.
//!
//! It is an IAM endpoint too: `GET /v3/projects` (the project lookup) is answered from its own
//! queue ([`Mock::on_projects`]), its signature checked without the ECS headers
//! ([`verify_signed`]). [`ConnectProxy`] is an HTTP CONNECT proxy with Basic credentials, for
//! the proxy tests: ureq sends every request through a proxy as a CONNECT tunnel, plain-http
//! endpoints included, so that is all it speaks.
//!
//! [`changeos`] runs the binary with an empty environment plus what the test sets, `HOME` and
//! the working directory in a fresh temporary directory, and a time limit: a hang fails the
//! test instead of freezing the run.

pub mod tls;

use std::collections::VecDeque;
use std::io::{Read, Write};
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::thread::JoinHandle;
use std::time::{Duration, SystemTime};

use changeos_client::{Credentials, Endpoint, Method, QueryValue, RequestToSign, ResourcePath, Scheme, sign};

/// The AK the mock accepts.
pub const AK: &str = "AKMOCK0EXAMPLE";
/// The SK the mock signs with; it must never appear in anything the command prints.
pub const SK: &str = "Sk-Mock-Secret-7f3c9a1e5b";
/// A temporary credentials' token.
pub const SECURITY_TOKEN: &str = "StsToken-Mock-4d8e2b7a19c6";
/// An IAM token.
pub const AUTH_TOKEN: &str = "IamToken-Mock-MIIZ9qYJKoZIhvcNAQcCoIIZ";
/// The password the tests put in ADMIN_PASS; it must never be printed.
pub const PASSWORD: &str = "Cloud.Pass-2024!x";
/// The project of every request.
pub const PROJECT: &str = "proj123";
/// The server of every change.
pub const SERVER: &str = "c9aa197b-a6b6-4c33-b3a6-fa0b4ec50006";
/// The `X-IAM-Trace-Id` of every project list.
pub const IAM_TRACE_ID: &str = "iam-trace-5f1e";
/// The path of the project lookup.
pub const PROJECTS_PATH: &str = "/v3/projects";
/// The job the mock hands out.
pub const JOB: &str = "ff8080828f5a1b2c018f6e3a4d5b0100";

/// One scripted answer.
#[derive(Debug, Clone)]
pub enum Reply {
    /// A status, extra headers, a body.
    Http {
        status: u16,
        headers: Vec<(String, String)>,
        body: String,
    },
    /// The answer after a pause (longer than the client's read timeout, in the timeout tests).
    Slow(Duration, Box<Reply>),
    /// Read the request, then reset the connection without answering.
    ResetAfterRead,
}

impl Reply {
    pub fn json(status: u16, body: &str) -> Reply {
        Reply::Http {
            status,
            headers: Vec::new(),
            body: body.to_owned(),
        }
    }

    pub fn with_header(self, name: &str, value: &str) -> Reply {
        match self {
            Reply::Http {
                status,
                mut headers,
                body,
            } => {
                headers.push((name.to_owned(), value.to_owned()));
                Reply::Http { status, headers, body }
            }
            other => other,
        }
    }

    /// A project list, as IAM answers `GET /v3/projects`, with an `X-IAM-Trace-Id`.
    pub fn projects(projects: &[(&str, &str)]) -> Reply {
        let items: Vec<String> = projects
            .iter()
            .map(|(id, name)| format!(r#"{{"id": "{id}", "name": "{name}", "enabled": true, "domain_id": "d1"}}"#))
            .collect();
        Reply::json(
            200,
            &format!(r#"{{"projects": [{}], "links": {{}}}}"#, items.join(", ")),
        )
        .with_header("X-IAM-Trace-Id", IAM_TRACE_ID)
    }

    /// `{"job_id": JOB}` with 202 Accepted.
    pub fn accepted() -> Reply {
        Reply::json(202, &format!(r#"{{"job_id": "{JOB}"}}"#))
    }

    /// A job in `status`; FAIL jobs carry a fail reason and a failed sub-job.
    pub fn job(status: &str) -> Reply {
        let body = if status == "FAIL" {
            read_data("job-fail.json").replace("ff8080828f5a1b2c018f6e5c7e8f0200", JOB)
        } else {
            format!(
                r#"{{"status": "{status}", "job_id": "{JOB}", "job_type": "changeOS",
                    "entities": {{"server_id": "{SERVER}", "sub_jobs": [{{"status": "{status}",
                    "job_id": "{JOB}01", "job_type": "changeOS", "entities": {{"server_id": "{SERVER}"}}}}]}},
                    "begin_time": "2024-05-13T08:21:08.744Z", "error_code": null, "fail_reason": null}}"#
            )
        };
        Reply::json(200, &body)
    }

    pub fn slow(self, pause: Duration) -> Reply {
        Reply::Slow(pause, Box::new(self))
    }
}

/// What happens to a connection before its request is read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Connection {
    /// Reset it at once, without reading.
    ResetBeforeRead,
}

/// How requests must authenticate.
#[derive(Debug, Clone)]
pub enum Auth {
    /// Signed with this AK/SK.
    AkSk { ak: String, sk: String },
    /// `X-Auth-Token` with this value.
    Token(String),
}

/// One request as the mock read it.
#[derive(Debug, Clone)]
pub struct Received {
    pub method: String,
    pub path: String,
    /// What follows the `?`, as received.
    pub query: String,
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
    /// Ok, or why the authentication check failed.
    pub auth: Result<(), String>,
    /// The signature it carried, if any.
    pub signature: Option<String>,
}

impl Received {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }
}

#[derive(Default)]
struct Script {
    posts: VecDeque<Reply>,
    gets: VecDeque<Reply>,
    projects: VecDeque<Reply>,
    connections: VecDeque<Connection>,
    log: Vec<Received>,
    accepted: usize,
}

struct Shared {
    script: Mutex<Script>,
    auth: Mutex<Auth>,
    next_request_id: AtomicUsize,
}

/// The mock server; stops when dropped.
pub struct Mock {
    listener: Listener,
    shared: Arc<Shared>,
    https: bool,
}

impl Mock {
    /// Listens on a free port of 127.0.0.1, checking AK/SK signatures with [`AK`]/[`SK`].
    pub fn start() -> Mock {
        Mock::listen(None)
    }

    /// As [`Mock::start`], over HTTPS with `cert`: a client that refuses the certificate ends
    /// the handshake, and the connection is counted but no request is read.
    pub fn start_tls(cert: &tls::ServerCert) -> Mock {
        Mock::listen(Some(cert.server_config()))
    }

    fn listen(tls: Option<Arc<rustls::ServerConfig>>) -> Mock {
        let https = tls.is_some();
        let shared = Arc::new(Shared {
            script: Mutex::new(Script::default()),
            auth: Mutex::new(Auth::AkSk {
                ak: AK.to_owned(),
                sk: SK.to_owned(),
            }),
            next_request_id: AtomicUsize::new(1),
        });
        let for_listener = Arc::clone(&shared);
        let listener = Listener::start(move |stream| accept(stream, tls.clone(), &for_listener));
        Mock {
            listener,
            shared,
            https,
        }
    }

    /// `http://127.0.0.1:PORT`, or `https://` for [`Mock::start_tls`].
    pub fn endpoint(&self) -> String {
        let scheme = if self.https { "https" } else { "http" };
        format!("{scheme}://{}", self.listener.addr)
    }

    /// Requests must carry this IAM token instead of a signature.
    pub fn expect_token(&self, token: &str) -> &Self {
        *self.shared.auth.lock().unwrap() = Auth::Token(token.to_owned());
        self
    }

    /// Requests must be signed with this AK/SK.
    pub fn expect_keys(&self, ak: &str, sk: &str) -> &Self {
        *self.shared.auth.lock().unwrap() = Auth::AkSk {
            ak: ak.to_owned(),
            sk: sk.to_owned(),
        };
        self
    }

    /// Queues the answer to the next change-OS POST.
    pub fn on_post(&self, reply: Reply) -> &Self {
        self.shared.script.lock().unwrap().posts.push_back(reply);
        self
    }

    /// Queues the answer to the next job GET; the last one queued repeats.
    pub fn on_get(&self, reply: Reply) -> &Self {
        self.shared.script.lock().unwrap().gets.push_back(reply);
        self
    }

    /// Queues the answer to the next project lookup (`GET /v3/projects`); the last one queued
    /// repeats.
    pub fn on_projects(&self, reply: Reply) -> &Self {
        self.shared.script.lock().unwrap().projects.push_back(reply);
        self
    }

    /// Queues what happens to the next connection before its request is read.
    pub fn on_connection(&self, action: Connection) -> &Self {
        self.shared.script.lock().unwrap().connections.push_back(action);
        self
    }

    /// Every request read, in order.
    pub fn requests(&self) -> Vec<Received> {
        self.shared.script.lock().unwrap().log.clone()
    }

    /// How many change-OS POSTs were read.
    pub fn posts(&self) -> usize {
        self.requests().iter().filter(|r| r.method == "POST").count()
    }

    /// How many job GETs were read.
    pub fn gets(&self) -> usize {
        self.requests()
            .iter()
            .filter(|r| r.method == "GET" && r.path != PROJECTS_PATH)
            .count()
    }

    /// How many project lookups were read.
    pub fn lookups(&self) -> usize {
        self.requests()
            .iter()
            .filter(|r| r.method == "GET" && r.path == PROJECTS_PATH)
            .count()
    }

    /// How many connections were accepted (including those reset before reading).
    pub fn connections(&self) -> usize {
        self.shared.script.lock().unwrap().accepted
    }

    /// Panics unless every request passed the authentication check.
    #[track_caller]
    pub fn assert_all_authenticated(&self) {
        for request in self.requests() {
            if let Err(why) = &request.auth {
                panic!("{} {}: {why}", request.method, request.path);
            }
        }
    }

    /// The signatures of every request received (never to be printed).
    pub fn signatures(&self) -> Vec<String> {
        self.requests().into_iter().filter_map(|r| r.signature).collect()
    }
}

/// A listener on a free port of 127.0.0.1 that hands each connection to its handler on a
/// thread of its own, until it is dropped.
struct Listener {
    addr: SocketAddr,
    stop: Arc<AtomicBool>,
    thread: Option<JoinHandle<()>>,
}

impl Listener {
    fn start(handle: impl Fn(TcpStream) + Send + Sync + 'static) -> Listener {
        let listener = TcpListener::bind("127.0.0.1:0").expect("bind 127.0.0.1:0");
        let addr = listener.local_addr().expect("local address");
        let stop = Arc::new(AtomicBool::new(false));
        let (stopped, handle) = (Arc::clone(&stop), Arc::new(handle));
        let thread = std::thread::spawn(move || {
            for stream in listener.incoming() {
                if stopped.load(Ordering::SeqCst) {
                    break;
                }
                let Ok(stream) = stream else { continue };
                let handle = Arc::clone(&handle);
                std::thread::spawn(move || handle(stream));
            }
        });
        Listener {
            addr,
            stop,
            thread: Some(thread),
        }
    }
}

impl Drop for Listener {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::SeqCst);
        // Wake the accept loop.
        let _ = TcpStream::connect(self.addr);
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}

/// A connection of either kind: what the mock reads and writes, and the TCP socket under it.
trait Conn: Read + Write {
    fn tcp(&self) -> &TcpStream;
    /// Ends what the mock sends (a TLS close_notify first).
    fn close_write(&mut self);
}

impl Conn for TcpStream {
    fn tcp(&self) -> &TcpStream {
        self
    }

    fn close_write(&mut self) {
        let _ = self.flush();
        let _ = self.shutdown(std::net::Shutdown::Write);
    }
}

impl Conn for rustls::StreamOwned<rustls::ServerConnection, TcpStream> {
    fn tcp(&self) -> &TcpStream {
        &self.sock
    }

    fn close_write(&mut self) {
        self.conn.send_close_notify();
        let _ = self.flush();
        let _ = self.sock.shutdown(std::net::Shutdown::Write);
    }
}

fn accept(stream: TcpStream, tls: Option<Arc<rustls::ServerConfig>>, shared: &Shared) {
    let action = {
        let mut script = shared.script.lock().unwrap();
        script.accepted += 1;
        script.connections.pop_front()
    };
    if action == Some(Connection::ResetBeforeRead) {
        reset(&stream);
        return;
    }
    let _ = stream.set_read_timeout(Some(Duration::from_secs(10)));
    match tls {
        None => handle(stream, shared),
        Some(config) => {
            let Ok(connection) = rustls::ServerConnection::new(config) else {
                return;
            };
            // The handshake runs in the first read; a client that refuses the certificate
            // ends it there, and no request is read.
            handle(rustls::StreamOwned::new(connection, stream), shared);
        }
    }
}

fn handle(mut stream: impl Conn, shared: &Shared) {
    let Some((method, target, headers, body)) = read_request(&mut stream) else {
        return;
    };
    let (path, query) = target.split_once('?').unwrap_or((&target, ""));
    let (path, query) = (path.to_owned(), query.to_owned());
    let auth = shared.auth.lock().unwrap().clone();
    let checked = check_auth(&auth, &method, &target, &headers, &body);
    let signature = header(&headers, "authorization")
        .and_then(|a| a.rsplit_once("Signature="))
        .map(|(_, s)| s.to_owned());
    let reply = {
        let mut script = shared.script.lock().unwrap();
        script.log.push(Received {
            method: method.clone(),
            path: path.clone(),
            query,
            headers: headers.clone(),
            body: body.clone(),
            auth: checked.clone(),
            signature,
        });
        if let Err(why) = &checked {
            Reply::json(
                401,
                &format!(
                    r#"{{"error_code": "APIGW.0301", "error_msg": "mock: {}"}}"#,
                    why.replace('"', "'")
                ),
            )
        } else {
            let expected_prefix = format!("/v1/{PROJECT}/jobs/");
            match method.as_str() {
                "POST" if path.ends_with("/changeos") => script.posts.pop_front().unwrap_or_else(|| {
                    Reply::json(
                        500,
                        r#"{"error": {"code": "Mock.0001", "message": "no POST answer scripted"}}"#,
                    )
                }),
                "GET" if path.starts_with(&expected_prefix) => next_repeating(&mut script.gets, "Mock.0002"),
                "GET" if path == PROJECTS_PATH => next_repeating(&mut script.projects, "Mock.0003"),
                _ => Reply::json(404, r#"{"error": {"code": "Mock.0404", "message": "no such route"}}"#),
            }
        }
    };
    let request_id = format!("mock-req-{}", shared.next_request_id.fetch_add(1, Ordering::SeqCst));
    answer(stream, reply, &request_id);
}

/// The next answer of a queue whose last answer repeats; a 500 when nothing is queued.
fn next_repeating(queue: &mut VecDeque<Reply>, code: &str) -> Reply {
    if queue.len() > 1 {
        return queue.pop_front().expect("non-empty");
    }
    queue.front().cloned().unwrap_or_else(|| {
        Reply::json(
            500,
            &format!(r#"{{"error": {{"code": "{code}", "message": "no answer scripted"}}}}"#),
        )
    })
}

fn answer(mut stream: impl Conn, reply: Reply, request_id: &str) {
    match reply {
        Reply::Slow(pause, inner) => {
            std::thread::sleep(pause);
            answer(stream, *inner, request_id);
        }
        Reply::ResetAfterRead => reset(stream.tcp()),
        Reply::Http { status, headers, body } => {
            let mut head = format!(
                "HTTP/1.1 {status} {}\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\nX-Request-Id: {request_id}\r\n",
                reason(status),
                body.len()
            );
            for (name, value) in headers {
                head.push_str(&format!("{name}: {value}\r\n"));
            }
            head.push_str("\r\n");
            let _ = stream.write_all(head.as_bytes());
            let _ = stream.write_all(body.as_bytes());
            stream.close_write();
            // Let the client read before the socket closes.
            let mut sink = [0u8; 256];
            let _ = stream.tcp().set_read_timeout(Some(Duration::from_millis(500)));
            while matches!(stream.read(&mut sink), Ok(n) if n > 0) {}
        }
    }
}

/// Closes with a TCP reset (SO_LINGER with a zero timeout) instead of an orderly FIN: the
/// socket is reset when its last handle (the caller's) is dropped.
fn reset(stream: &TcpStream) {
    socket2::SockRef::from(stream)
        .set_linger(Some(Duration::ZERO))
        .expect("setsockopt(SO_LINGER)");
}

fn reason(status: u16) -> &'static str {
    match status {
        200 => "OK",
        202 => "Accepted",
        400 => "Bad Request",
        401 => "Unauthorized",
        404 => "Not Found",
        409 => "Conflict",
        429 => "Too Many Requests",
        500 => "Internal Server Error",
        502 => "Bad Gateway",
        503 => "Service Unavailable",
        504 => "Gateway Timeout",
        _ => "Status",
    }
}

type Request = (String, String, Vec<(String, String)>, Vec<u8>);

/// Reads one HTTP/1.1 request (request line, headers, a Content-Length body).
fn read_request(stream: &mut impl Conn) -> Option<Request> {
    let mut buffer = Vec::new();
    let mut chunk = [0u8; 4096];
    let head_end = loop {
        if let Some(at) = buffer.windows(4).position(|w| w == b"\r\n\r\n") {
            break at;
        }
        let n = stream.read(&mut chunk).ok()?;
        if n == 0 {
            return None;
        }
        buffer.extend_from_slice(&chunk[..n]);
    };
    let head = String::from_utf8(buffer[..head_end].to_vec()).ok()?;
    let mut lines = head.split("\r\n");
    let mut request_line = lines.next()?.split(' ');
    let method = request_line.next()?.to_owned();
    let target = request_line.next()?.to_owned();
    let headers: Vec<(String, String)> = lines
        .filter_map(|line| line.split_once(':'))
        .map(|(n, v)| (n.trim().to_owned(), v.trim().to_owned()))
        .collect();
    let length: usize = header(&headers, "content-length")
        .and_then(|v| v.parse().ok())
        .unwrap_or(0);
    let mut body = buffer[head_end + 4..].to_vec();
    while body.len() < length {
        let n = stream.read(&mut chunk).ok()?;
        if n == 0 {
            return None;
        }
        body.extend_from_slice(&chunk[..n]);
    }
    body.truncate(length);
    Some((method, target, headers, body))
}

fn header<'a>(headers: &'a [(String, String)], name: &str) -> Option<&'a str> {
    headers
        .iter()
        .find(|(n, _)| n.eq_ignore_ascii_case(name))
        .map(|(_, v)| v.as_str())
}

/// The gateway's check: the token, or the signature recomputed from what was received.
fn check_auth(
    auth: &Auth,
    method: &str,
    target: &str,
    headers: &[(String, String)],
    body: &[u8],
) -> Result<(), String> {
    match auth {
        Auth::Token(token) => {
            if header(headers, "authorization").is_some() {
                return Err("a token request must not be signed".into());
            }
            match header(headers, "x-auth-token") {
                Some(t) if t == token => Ok(()),
                Some(_) => Err("wrong X-Auth-Token".into()),
                None => Err("no X-Auth-Token".into()),
            }
        }
        Auth::AkSk { ak, sk } if target.split('?').next() == Some(PROJECTS_PATH) => verify_signed(
            ak,
            sk,
            method,
            target,
            headers,
            body,
            &["host", "x-sdk-date", "user-agent"],
        ),
        Auth::AkSk { ak, sk } => verify_signature(ak, sk, method, target, headers, body),
    }
}

/// Recomputes the `SDK-HMAC-SHA256` signature of a received ECS request.
pub fn verify_signature(
    ak: &str,
    sk: &str,
    method: &str,
    target: &str,
    headers: &[(String, String)],
    body: &[u8],
) -> Result<(), String> {
    let required = ["host", "x-sdk-date", "x-project-id", "content-type"];
    verify_signed(ak, sk, method, target, headers, body, &required)
}

/// Recomputes the `SDK-HMAC-SHA256` signature of a received request, which must sign the
/// `required` headers.
pub fn verify_signed(
    ak: &str,
    sk: &str,
    method: &str,
    target: &str,
    headers: &[(String, String)],
    body: &[u8],
    required: &[&str],
) -> Result<(), String> {
    let authorization = header(headers, "authorization").ok_or("no Authorization header")?;
    let rest = authorization
        .strip_prefix("SDK-HMAC-SHA256 ")
        .ok_or("not SDK-HMAC-SHA256")?;
    let mut access = None;
    let mut signed = None;
    for part in rest.split(", ") {
        if let Some(v) = part.strip_prefix("Access=") {
            access = Some(v);
        } else if let Some(v) = part.strip_prefix("SignedHeaders=") {
            signed = Some(v);
        }
    }
    if access != Some(ak) {
        return Err(format!("unknown AK {access:?}"));
    }
    let signed: Vec<&str> = signed.ok_or("no SignedHeaders")?.split(';').collect();
    for required in required {
        if !signed.contains(required) {
            return Err(format!("{required} is not signed"));
        }
    }
    let date = header(headers, "x-sdk-date").ok_or("no X-Sdk-Date")?;
    let date = changeos_client::SdkDate::parse(date).map_err(|e| e.to_string())?;
    let now = SystemTime::now()
        .duration_since(SystemTime::UNIX_EPOCH)
        .unwrap()
        .as_secs();
    let now = changeos_client::SdkDate::from_unix_seconds(now).unwrap();
    if skew_seconds(date, now) > 15 * 60 {
        return Err("X-Sdk-Date is more than 15 minutes off".into());
    }
    let host = header(headers, "host").ok_or("no Host")?;
    let (path, query) = target.split_once('?').unwrap_or((target, ""));
    let mut request = RequestToSign::new(
        method.parse::<Method>().map_err(|e| e.to_string())?,
        Endpoint::new(Scheme::Http, host).map_err(|e| e.to_string())?,
        ResourcePath::new(path).map_err(|e| e.to_string())?,
    );
    for pair in query.split('&').filter(|p| !p.is_empty()) {
        let (k, v) = pair.split_once('=').unwrap_or((pair, ""));
        request.query.push((
            changeos_client::percent::decode(k),
            QueryValue::One(changeos_client::percent::decode(v)),
        ));
    }
    for (name, value) in headers {
        if signed.contains(&name.to_ascii_lowercase().as_str()) {
            request.headers.push((name.clone(), value.clone()));
        }
    }
    request.body = body.to_vec();
    let credentials = Credentials::new(ak, sk).map_err(|e| e.to_string())?;
    let recomputed = sign(&request, &credentials, date).map_err(|e| e.to_string())?;
    if recomputed.authorization() == authorization {
        Ok(())
    } else {
        Err("signature mismatch".into())
    }
}

fn skew_seconds(a: changeos_client::SdkDate, b: changeos_client::SdkDate) -> u64 {
    // Both are YYYYMMDDTHHMMSSZ; compare through their Unix seconds.
    let seconds = |d: changeos_client::SdkDate| -> i64 {
        let s = d.to_string();
        let n = |from: usize, to: usize| s[from..to].parse::<i64>().unwrap();
        let (y, m, day) = (n(0, 4), n(4, 6), n(6, 8));
        let (y2, m2) = if m <= 2 { (y - 1, m + 9) } else { (y, m - 3) };
        let era = y2.div_euclid(400);
        let yoe = y2 - era * 400;
        let doy = (153 * m2 + 2) / 5 + day - 1;
        let days = era * 146_097 + yoe * 365 + yoe / 4 - yoe / 100 + doy - 719_468;
        days * 86_400 + n(9, 11) * 3600 + n(11, 13) * 60 + n(13, 15)
    };
    seconds(a).abs_diff(seconds(b))
}

// ---- a CONNECT proxy ----------------------------------------------------------------------------

/// One CONNECT the proxy read.
#[derive(Debug, Clone)]
pub struct Tunnel {
    /// `host:port` asked for.
    pub target: String,
    /// The `Proxy-Authorization` header, if any.
    pub authorization: Option<String>,
    /// Whether the tunnel was opened.
    pub opened: bool,
}

struct ProxyShared {
    /// `user:password` it wants, if any.
    credentials: Option<(String, String)>,
    /// Answers every CONNECT with 407, whatever the credentials.
    refuse: AtomicBool,
    /// Resets every connection once its CONNECT is read, without an answer.
    hang_up: AtomicBool,
    tunnels: Mutex<Vec<Tunnel>>,
}

/// An HTTP CONNECT proxy on 127.0.0.1 that wants Basic credentials (if given), opens a tunnel
/// to the host asked for and copies bytes both ways; stops when dropped.
pub struct ConnectProxy {
    listener: Listener,
    shared: Arc<ProxyShared>,
}

impl ConnectProxy {
    /// A proxy that wants `user:password`, or no credentials.
    pub fn start(credentials: Option<(&str, &str)>) -> ConnectProxy {
        let shared = Arc::new(ProxyShared {
            credentials: credentials.map(|(u, p)| (u.to_owned(), p.to_owned())),
            refuse: AtomicBool::new(false),
            hang_up: AtomicBool::new(false),
            tunnels: Mutex::new(Vec::new()),
        });
        let for_listener = Arc::clone(&shared);
        let listener = Listener::start(move |stream| tunnel(stream, &for_listener));
        ConnectProxy { listener, shared }
    }

    /// From now on, every CONNECT gets 407 Proxy Authentication Required.
    pub fn refuse_credentials(&self) -> &Self {
        self.shared.refuse.store(true, Ordering::SeqCst);
        self
    }

    /// From now on, every connection is reset once its CONNECT is read, without an answer.
    pub fn hang_up(&self) -> &Self {
        self.shared.hang_up.store(true, Ordering::SeqCst);
        self
    }

    /// `http://127.0.0.1:PORT`, with `userinfo@` if given (as written, percent-encoded).
    pub fn url(&self, userinfo: Option<&str>) -> String {
        match userinfo {
            Some(userinfo) => format!("http://{userinfo}@{}", self.listener.addr),
            None => format!("http://{}", self.listener.addr),
        }
    }

    /// Every CONNECT read, in order.
    pub fn tunnels(&self) -> Vec<Tunnel> {
        self.shared.tunnels.lock().unwrap().clone()
    }
}

fn tunnel(mut client: TcpStream, shared: &ProxyShared) {
    let _ = client.set_read_timeout(Some(Duration::from_secs(10)));
    let mut head = Vec::new();
    let mut byte = [0u8; 1];
    while !head.ends_with(b"\r\n\r\n") {
        match client.read(&mut byte) {
            Ok(1) => head.push(byte[0]),
            _ => return,
        }
    }
    let head = String::from_utf8_lossy(&head).into_owned();
    let mut lines = head.split("\r\n");
    let request_line: Vec<&str> = lines.next().unwrap_or("").split(' ').collect();
    let headers: Vec<(String, String)> = lines
        .filter_map(|line| line.split_once(':'))
        .map(|(n, v)| (n.trim().to_owned(), v.trim().to_owned()))
        .collect();
    let authorization = header(&headers, "proxy-authorization").map(str::to_owned);
    let target = request_line.get(1).copied().unwrap_or("").to_owned();
    let wanted = shared.credentials.as_ref().map(|(user, password)| {
        use base64::Engine;
        format!(
            "Basic {}",
            base64::engine::general_purpose::STANDARD.encode(format!("{user}:{password}"))
        )
    });
    if shared.hang_up.load(Ordering::SeqCst) {
        shared.tunnels.lock().unwrap().push(Tunnel {
            target,
            authorization,
            opened: false,
        });
        reset(&client);
        return;
    }
    let allowed = request_line.first() == Some(&"CONNECT")
        && !shared.refuse.load(Ordering::SeqCst)
        && (wanted.is_none() || wanted == authorization);
    let upstream = if allowed {
        TcpStream::connect(&target).ok()
    } else {
        None
    };
    shared.tunnels.lock().unwrap().push(Tunnel {
        target,
        authorization,
        opened: upstream.is_some(),
    });
    let Some(upstream) = upstream else {
        let answer = if allowed {
            "HTTP/1.1 502 Bad Gateway\r\nContent-Length: 0\r\n\r\n"
        } else {
            "HTTP/1.1 407 Proxy Authentication Required\r\nProxy-Authenticate: Basic realm=\"mock\"\r\n\
             Content-Length: 0\r\n\r\n"
        };
        let _ = client.write_all(answer.as_bytes());
        return;
    };
    if client
        .write_all(b"HTTP/1.1 200 Connection established\r\n\r\n")
        .is_err()
    {
        return;
    }
    let _ = client.set_read_timeout(None);
    let (Ok(client_reader), Ok(upstream_writer)) = (client.try_clone(), upstream.try_clone()) else {
        return;
    };
    let up = std::thread::spawn(move || copy_then_close(client_reader, upstream_writer));
    copy_then_close(upstream, client);
    let _ = up.join();
}

fn copy_then_close(mut from: TcpStream, mut to: TcpStream) {
    let _ = std::io::copy(&mut from, &mut to);
    let _ = to.shutdown(std::net::Shutdown::Write);
}

// ---- running the binary ------------------------------------------------------------------------

/// How long one run may take before the test fails.
pub const TIME_LIMIT: Duration = Duration::from_secs(30);

/// Retry as fast as the tests want (the default first pause is a second).
pub const FAST_RETRY: [&str; 2] = ["--retry-delay", "10ms"];
/// An endpoint whose port refuses connections: a listener was bound there and dropped.
pub fn refused_endpoint() -> String {
    let listener = TcpListener::bind("127.0.0.1:0").expect("bind 127.0.0.1:0");
    let port = listener.local_addr().expect("local address").port();
    drop(listener);
    format!("http://127.0.0.1:{port}")
}

/// An endpoint whose name never resolves (RFC 6761: nothing under `.invalid` does, and
/// resolvers say so at once).
pub const UNRESOLVABLE_ENDPOINT: &str = "https://ecs.changeos-test.invalid";

/// Poll as fast as the tests want (the defaults are seconds).
pub const FAST_POLL: [&str; 4] = ["--poll-interval", "20ms", "--max-poll-interval", "40ms"];
/// Both output formats: every case that prints is run in each.
pub const FORMATS: [&str; 2] = ["human", "json"];

/// The workspace root.
pub fn workspace() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// `examples/<name>` as an absolute path.
pub fn example(name: &str) -> String {
    workspace()
        .join("examples")
        .join(name)
        .to_str()
        .expect("UTF-8 path")
        .to_owned()
}

/// A fixture of `tests/data/responses/`.
pub fn read_data(name: &str) -> String {
    let path = workspace().join("tests/data/responses").join(name);
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

pub use crate::common::cli::{Ran, TempDir};

/// What the send and job tests assert of every run besides its exit code.
pub trait LeaksNothing {
    /// Asserts that none of the mock's secrets, nor any of `more`, was printed.
    fn leaks_nothing(&self, more: &[String]) -> &Self;
}

impl LeaksNothing for Ran {
    #[track_caller]
    fn leaks_nothing(&self, more: &[String]) -> &Self {
        let all = self.all();
        let fixed = [SK, SECURITY_TOKEN, AUTH_TOKEN, PASSWORD];
        for secret in fixed.iter().copied().chain(more.iter().map(String::as_str)) {
            assert!(!all.contains(secret), "secret {secret:?} printed:\n{all}");
        }
        self
    }
}

/// A run of the binary being set up: an empty environment but for `HOME` (an empty
/// temporary directory, also the working directory) and what the test adds.
pub struct Changeos {
    command: Command,
    stdin: Vec<u8>,
    home: TempDir,
}

/// `changeos ARGS`.
pub fn changeos<S: AsRef<std::ffi::OsStr>>(args: impl IntoIterator<Item = S>) -> Changeos {
    let home = TempDir::new("home");
    let mut command = Command::new(env!("CARGO_BIN_EXE_changeos"));
    command
        .args(args)
        .env_clear()
        .env("HOME", home.path())
        .current_dir(home.path());
    Changeos {
        command,
        stdin: Vec::new(),
        home,
    }
}

impl Changeos {
    pub fn env(mut self, key: &str, value: &str) -> Self {
        self.command.env(key, value);
        self
    }

    /// AK/SK of the mock and the password in ADMIN_PASS.
    pub fn keys(self) -> Self {
        self.env("HUAWEICLOUD_SDK_AK", AK)
            .env("HUAWEICLOUD_SDK_SK", SK)
            .env("ADMIN_PASS", PASSWORD)
    }

    pub fn args<S: AsRef<std::ffi::OsStr>>(mut self, args: impl IntoIterator<Item = S>) -> Self {
        self.command.args(args);
        self
    }

    pub fn stdin(mut self, bytes: impl Into<Vec<u8>>) -> Self {
        self.stdin = bytes.into();
        self
    }

    /// The temporary home directory.
    pub fn home(&self) -> &Path {
        self.home.path()
    }

    /// Writes a file under the home directory.
    pub fn write(self, relative: &str, text: &str) -> Self {
        let path = self.home.path().join(relative);
        std::fs::create_dir_all(path.parent().expect("parent")).expect("mkdir");
        std::fs::write(&path, text).expect("write");
        self
    }

    #[track_caller]
    pub fn run(self) -> Ran {
        self.run_observed(Stdio::piped(), |_| {})
    }

    /// Runs it with standard output going to `stdout` (an unwritable one, in the tests of
    /// output failures), calling `watch` with its process id every few milliseconds.
    #[track_caller]
    pub fn run_observed(self, stdout: Stdio, watch: impl FnMut(u32)) -> Ran {
        // The home directory lives until the run is over.
        let Changeos { command, stdin, home } = self;
        let ran = crate::common::cli::run_observed(command, stdin, TIME_LIMIT, stdout, watch);
        drop(home);
        ran
    }

    /// Runs it where file modes apply: as it is, unless this user may read `probe` anyway
    /// (root), then as user and group 65534 through `setpriv`. `None`, with the reason on
    /// stderr, where neither can be done: the caller skips that case.
    #[cfg(unix)]
    #[track_caller]
    pub fn run_where_modes_apply(self, probe: &Path) -> Option<Ran> {
        if !crate::common::cli::can_read_despite_mode_000(probe) {
            return Some(self.run());
        }
        let found = Command::new("setpriv")
            .arg("--version")
            .output()
            .is_ok_and(|o| o.status.success());
        if !found {
            eprintln!("skipped: root, and no setpriv to run as another user");
            return None;
        }
        let Changeos { command, stdin, home } = self;
        let mut nobody = Command::new("setpriv");
        nobody
            .args(["--reuid=65534", "--regid=65534", "--clear-groups", "--"])
            .arg(command.get_program())
            .args(command.get_args())
            .env_clear();
        if let Some(dir) = command.get_current_dir() {
            nobody.current_dir(dir);
        }
        for (key, value) in command.get_envs() {
            if let Some(value) = value {
                nobody.env(key, value);
            }
        }
        let ran = Changeos {
            command: nobody,
            stdin,
            home,
        }
        .run();
        if ran.stderr.contains("setpriv: ") {
            eprintln!("skipped: user 65534 cannot run the binary here: {}", ran.stderr);
            return None;
        }
        Some(ran)
    }

    /// Runs it and sends it SIGINT (as Ctrl-C does) once `when` is true.
    #[track_caller]
    pub fn run_interrupted_when(self, when: impl Fn() -> bool) -> Ran {
        let mut sent = false;
        self.run_observed(Stdio::piped(), |pid| {
            if !sent && when() {
                sent = true;
                let status = Command::new("kill")
                    .args(["-INT", &pid.to_string()])
                    .status()
                    .expect("kill runs");
                assert!(status.success(), "kill -INT {pid}: {status}");
            }
        })
    }
}

/// Standard output that cannot be written: `/dev/full` (every write fails with ENOSPC), or a
/// pipe whose reading end is already closed (every write fails with EPIPE).
/// (`/dev/full` where the system has it.)
pub fn unwritable_stdouts() -> Vec<(&'static str, Stdio)> {
    let (reader, writer) = std::io::pipe().expect("a pipe");
    drop(reader);
    let mut sinks = vec![("a closed pipe", Stdio::from(writer))];
    if let Ok(full) = std::fs::OpenOptions::new().write(true).open("/dev/full") {
        sinks.push(("/dev/full", Stdio::from(full)));
    }
    sinks
}
