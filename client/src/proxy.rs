//! The proxy of the environment, read strictly: where ureq would skip a proxy URL it cannot
//! use (and send the request directly, around a proxy the user meant to go through), a bad
//! URL, port or scheme here is an error that names the variable.
//!
//! The variables are those ureq reads, in its order: `ALL_PROXY`, `all_proxy`, `HTTPS_PROXY`,
//! `https_proxy`, `HTTP_PROXY`, `http_proxy`; the first one set (an empty value counts as
//! unset) carries every request, `http://` endpoints included. That is ureq's order, which
//! this tool has always had; curl differs (the scheme's own variable before `ALL_PROXY`, and
//! only the lower-case `http_proxy`). `NO_PROXY` (else `no_proxy`) lists hosts that bypass it,
//! comma-separated: `*` (everything), `.example.com` or `*.example.com` (the subdomains), or a
//! host name or address, which, as curl reads it, also covers its subdomains.
//!
//! The proxy speaks HTTP CONNECT (`http://` or `https://` proxies); SOCKS is not built in. A
//! `user:password@` in the URL is sent as `Proxy-Authorization: Basic`. The password is shown
//! nowhere: messages show the URL with `****` for it, `Debug` too, and [`Proxy::secrets`]
//! gives every form in which output could echo it, for scrubbing.

use std::fmt;

use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use changeos_models::SecretString;

use crate::percent;

/// The proxy variables, first found wins.
pub const PROXY_VARIABLES: [&str; 6] = [
    "ALL_PROXY",
    "all_proxy",
    "HTTPS_PROXY",
    "https_proxy",
    "HTTP_PROXY",
    "http_proxy",
];

/// The bypass list variables, first found wins.
pub const NO_PROXY_VARIABLES: [&str; 2] = ["NO_PROXY", "no_proxy"];

/// A proxy URL that cannot be used. Shows the URL with its password masked.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{variable}: {reason} (the value is {shown})")]
pub struct ProxyError {
    /// The variable that holds it.
    pub variable: &'static str,
    /// The value with its password as `****`.
    pub shown: String,
    /// What is wrong.
    pub reason: String,
}

/// The proxy every request goes through, unless [`NO_PROXY_VARIABLES`] lists its host.
#[derive(Clone)]
pub struct Proxy {
    variable: &'static str,
    shown: String,
    inner: ureq::Proxy,
    secrets: Vec<SecretString>,
}

impl fmt::Debug for Proxy {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Proxy")
            .field("variable", &self.variable)
            .field("url", &self.shown)
            .finish_non_exhaustive()
    }
}

impl Proxy {
    /// The proxy of the environment, if any; `env` reads one variable.
    pub fn from_env(env: &dyn Fn(&str) -> Option<String>) -> Result<Option<Proxy>, ProxyError> {
        let var = |name: &str| env(name).filter(|v| !v.is_empty());
        let Some((variable, value)) = PROXY_VARIABLES
            .iter()
            .find_map(|name| var(name).map(|value| (*name, value)))
        else {
            return Ok(None);
        };
        let no_proxy = NO_PROXY_VARIABLES.iter().find_map(|name| var(name));
        Proxy::parse(variable, &value, no_proxy.as_deref()).map(Some)
    }

    /// Parses `[scheme://][user[:password]@]host[:port][/]` as read from `variable`, with the
    /// bypass list `no_proxy`.
    pub fn parse(variable: &'static str, value: &str, no_proxy: Option<&str>) -> Result<Proxy, ProxyError> {
        let shown = mask(value);
        let fail = |reason: String| ProxyError {
            variable,
            shown: shown.clone(),
            reason,
        };
        let parts = Parts::of(value).map_err(&fail)?;
        let mut builder = ureq::Proxy::builder(parts.protocol).host(parts.host).port(parts.port);
        let mut secrets = Vec::new();
        if let Some(raw_user) = parts.user {
            let decode = |raw: &str, what: &str| {
                String::from_utf8(percent::decode_to_bytes(raw))
                    .map_err(|_| fail(format!("the {what} is not UTF-8 once percent-decoded")))
            };
            let user = decode(raw_user, "user name")?;
            builder = builder.username(&user);
            if let Some(raw_password) = parts.password {
                let password = decode(raw_password, "password")?;
                secrets.push(SecretString::new(raw_password));
                secrets.push(SecretString::new(password.as_str()));
                secrets.push(SecretString::new(STANDARD.encode(format!("{user}:{password}"))));
                builder = builder.password(&password);
            }
        }
        for entry in no_proxy.unwrap_or_default().split(',').map(str::trim) {
            builder = match entry {
                "" => builder,
                "*" => builder.no_proxy("*"),
                suffix if suffix.starts_with('.') || suffix.starts_with("*.") => builder.no_proxy(suffix),
                // As curl reads it: the host, and every name under it.
                host => builder.no_proxy(host).no_proxy(&format!(".{host}")),
            };
        }
        let inner = builder
            .build()
            .map_err(|e| fail(format!("not a usable proxy URL ({e})")))?;
        Ok(Proxy {
            variable,
            shown,
            inner,
            secrets,
        })
    }

    /// The variable it came from.
    pub fn variable(&self) -> &'static str {
        self.variable
    }

    /// The URL with its password as `****`.
    pub fn shown(&self) -> &str {
        &self.shown
    }

    /// Every form of the password that output could echo: as written in the URL, decoded, and
    /// the `Proxy-Authorization` credentials (base64 of `user:password`). Never to be printed.
    pub fn secrets(&self) -> &[SecretString] {
        &self.secrets
    }

    /// Whether a request to `url` goes around the proxy (its host is in the bypass list).
    pub fn bypasses(&self, url: &str) -> bool {
        url.parse::<ureq::http::Uri>()
            .is_ok_and(|uri| self.inner.is_no_proxy(&uri))
    }

    /// For the transport.
    pub(crate) fn ureq(&self) -> &ureq::Proxy {
        &self.inner
    }
}

/// The pieces of a proxy URL, checked.
struct Parts<'a> {
    protocol: ureq::ProxyProtocol,
    user: Option<&'a str>,
    password: Option<&'a str>,
    host: &'a str,
    port: u16,
}

impl<'a> Parts<'a> {
    fn of(value: &'a str) -> Result<Parts<'a>, String> {
        if let Some(bad) = value.chars().find(|c| c.is_whitespace() || c.is_control()) {
            return Err(format!("a proxy URL has no {:?} character", bad));
        }
        let (protocol, rest) = match value.split_once("://") {
            None => (ureq::ProxyProtocol::Http, value),
            Some((scheme, rest)) => (protocol(scheme)?, rest),
        };
        let end = rest.find(['/', '?', '#']).unwrap_or(rest.len());
        let (authority, tail) = rest.split_at(end);
        if !tail.is_empty() && tail != "/" {
            return Err(
                "a proxy URL is scheme://[user:password@]host[:port], without a path, query or fragment".into(),
            );
        }
        let (userinfo, host_port) = match authority.rsplit_once('@') {
            Some((userinfo, host_port)) => (Some(userinfo), host_port),
            None => (None, authority),
        };
        let (user, password) = match userinfo.map(|u| u.split_once(':').map_or((u, None), |(u, p)| (u, Some(p)))) {
            Some((user, password)) => (Some(user), password),
            None => (None, None),
        };
        let (host, port) = split_port(host_port)?;
        if host.is_empty() || host == "[]" {
            return Err("the proxy URL has no host".into());
        }
        let port = match port {
            None => default_port(protocol),
            Some(text) => match text.parse::<u16>() {
                Ok(port) if port > 0 && text.bytes().all(|b| b.is_ascii_digit()) => port,
                _ => return Err(format!("bad port `{text}`: a port is a number from 1 to 65535")),
            },
        };
        Ok(Parts {
            protocol,
            user,
            password,
            host,
            port,
        })
    }
}

fn protocol(scheme: &str) -> Result<ureq::ProxyProtocol, String> {
    match scheme.to_ascii_lowercase().as_str() {
        "http" => Ok(ureq::ProxyProtocol::Http),
        "https" => Ok(ureq::ProxyProtocol::Https),
        socks if socks.starts_with("socks") => Err(format!(
            "{scheme}:// proxies are not supported (this build speaks HTTP CONNECT only): use an http:// or https:// proxy"
        )),
        _ => Err(format!(
            "unsupported scheme `{scheme}`: a proxy URL starts with http:// or https://"
        )),
    }
}

fn default_port(protocol: ureq::ProxyProtocol) -> u16 {
    match protocol {
        ureq::ProxyProtocol::Https => 443,
        // curl's default for http proxies, not 80.
        _ => 1080,
    }
}

/// `host` and the text after its `:`, an IPv6 address in brackets kept whole.
fn split_port(host_port: &str) -> Result<(&str, Option<&str>), String> {
    if host_port.starts_with('[') {
        let close = host_port
            .find(']')
            .ok_or("an IPv6 address in a proxy URL ends with `]`")?;
        let (host, rest) = host_port.split_at(close + 1);
        return match rest {
            "" => Ok((host, None)),
            port => match port.strip_prefix(':') {
                Some(port) => Ok((host, Some(port))),
                None => Err("only `:port` may follow an IPv6 address".into()),
            },
        };
    }
    Ok(match host_port.rsplit_once(':') {
        Some((host, port)) => (host, Some(port)),
        None => (host_port, None),
    })
}

/// `value` with the password of its user-info replaced by `****`, whatever else is wrong with
/// it: everything from the first `:` after the scheme to the last `@`. That may hide more than
/// the password of a URL that has an `@` in its path, never less.
pub fn mask(value: &str) -> String {
    let start = value.find("://").map_or(0, |at| at + 3);
    let Some(at) = value.rfind('@').filter(|&at| at >= start) else {
        return value.to_owned();
    };
    let Some(colon) = value[start..at].find(':') else {
        return value.to_owned();
    };
    format!("{}****{}", &value[..start + colon + 1], &value[at..])
}

#[cfg(test)]
mod tests {
    use super::*;

    fn env<'a>(pairs: &'a [(&'a str, &'a str)]) -> impl Fn(&str) -> Option<String> + 'a {
        move |name| pairs.iter().find(|(n, _)| *n == name).map(|(_, v)| (*v).to_owned())
    }

    #[test]
    fn the_first_variable_set_in_ureqs_order_wins() {
        let found = |pairs: &[(&str, &str)]| {
            Proxy::from_env(&env(pairs))
                .unwrap()
                .map(|p| (p.variable(), p.shown().to_owned()))
        };
        assert_eq!(found(&[]), None);
        assert_eq!(found(&[("HTTPS_PROXY", "")]), None, "empty counts as unset");
        assert_eq!(
            found(&[("http_proxy", "http://h:1"), ("HTTPS_PROXY", "http://s:2")]),
            Some(("HTTPS_PROXY", "http://s:2".to_owned()))
        );
        assert_eq!(
            found(&[("https_proxy", "http://s:2"), ("all_proxy", "a:3")]),
            Some(("all_proxy", "a:3".to_owned()))
        );
        assert_eq!(
            found(&[("ALL_PROXY", "http://A:4"), ("all_proxy", "a:3")]),
            Some(("ALL_PROXY", "http://A:4".to_owned()))
        );
    }

    #[test]
    fn a_proxy_that_cannot_be_used_is_an_error_naming_the_variable() {
        for (value, reason) in [
            ("socks5://u:Secret-1@h:1080", "socks5:// proxies are not supported"),
            ("ftp://h:21", "unsupported scheme `ftp`"),
            ("http://u:Secret-1@h:80800", "bad port `80800`"),
            ("http://h:x", "bad port `x`"),
            ("http://h:0", "bad port `0`"),
            ("http://u:Secret-1@:8080", "the proxy URL has no host"),
            ("http://h:8080/path", "without a path"),
            ("http://h 1:8080", "no ' ' character"),
            ("http://u:%ff@h:1", "the password is not UTF-8"),
        ] {
            let err = Proxy::parse("HTTPS_PROXY", value, None).unwrap_err();
            let text = err.to_string();
            assert!(text.starts_with("HTTPS_PROXY: "), "{text}");
            assert!(text.contains(reason), "{value}: {text}");
            assert!(!text.contains("Secret-1"), "{text}");
        }
    }

    #[test]
    fn the_password_is_masked_and_every_form_of_it_is_a_secret() {
        let proxy = Proxy::parse("HTTPS_PROXY", "http://us%65r:p%40ss:w0rd@proxy.test:3128/", None).unwrap();
        assert_eq!(proxy.shown(), "http://us%65r:****@proxy.test:3128/");
        let secrets: Vec<&str> = proxy.secrets().iter().map(SecretString::expose).collect();
        assert_eq!(
            secrets,
            ["p%40ss:w0rd", "p@ss:w0rd", STANDARD.encode("user:p@ss:w0rd").as_str()]
        );
        assert_eq!(proxy.ureq().username(), Some("user"));
        assert_eq!(proxy.ureq().password(), Some("p@ss:w0rd"));
        assert_eq!(proxy.ureq().port(), 3128);
        let debug = format!("{proxy:?}");
        assert!(!debug.contains("w0rd"), "{debug}");
        assert_eq!(mask("u:pw@h"), "u:****@h");
        assert_eq!(mask("http://user@h:1"), "http://user@h:1");
        assert_eq!(mask("http://a:b@c@h:1"), "http://a:****@h:1");
        assert_eq!(mask("u:pa/ss@h:1"), "u:****@h:1", "a `/` in the password is masked too");
        assert_eq!(mask("http://h:1/x@y"), "http://h:****@y", "more rather than less");
        assert_eq!(Proxy::parse("P", "proxy.test", None).unwrap().ureq().port(), 1080);
        assert_eq!(Proxy::parse("P", "https://[::1]", None).unwrap().ureq().port(), 443);
    }

    #[test]
    fn no_proxy_lists_hosts_their_subdomains_suffixes_and_everything() {
        let proxy = Proxy::parse(
            "HTTPS_PROXY",
            "http://p:1",
            Some(" example.com, .suffix.test,*.star.test,127.0.0.1,,"),
        )
        .unwrap();
        for url in [
            "https://example.com/x",
            "https://iam.example.com",
            "https://a.suffix.test",
            "https://b.star.test",
            "http://127.0.0.1:8080/v1",
        ] {
            assert!(proxy.bypasses(url), "{url}");
        }
        for url in [
            "https://notexample.com",
            "https://suffix.test",
            "https://ecs.other.test",
        ] {
            assert!(!proxy.bypasses(url), "{url}");
        }
        let all = Proxy::parse("HTTPS_PROXY", "http://p:1", Some("*")).unwrap();
        assert!(all.bypasses("https://anything.test"));
        let found = Proxy::from_env(&env(&[("HTTPS_PROXY", "http://p:1"), ("no_proxy", "x.test")]))
            .unwrap()
            .unwrap();
        assert!(found.bypasses("https://x.test"));
    }
}
