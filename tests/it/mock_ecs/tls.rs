//! A certificate authority made inside the test with `rcgen` (no key or certificate is kept in
//! the repository, none expires under the tests), and the leaf certificates it issues for the
//! mock's HTTPS side ([`super::Mock::start_tls`]): valid for 127.0.0.1, expired, or for another
//! name.

use std::sync::Arc;

use rcgen::{
    BasicConstraints, CertificateParams, DnType, ExtendedKeyUsagePurpose, IsCa, Issuer, KeyPair, KeyUsagePurpose,
};
use rustls::pki_types::{CertificateDer, PrivateKeyDer, PrivatePkcs8KeyDer};

/// A root CA that only this test trusts.
pub struct TestCa {
    issuer: Issuer<'static, KeyPair>,
    pem: String,
}

/// A certificate and its key, for the server side.
pub struct ServerCert {
    cert: CertificateDer<'static>,
    key: PrivatePkcs8KeyDer<'static>,
}

impl TestCa {
    /// A new CA named `name`.
    pub fn new(name: &str) -> TestCa {
        let key = KeyPair::generate().expect("a CA key");
        let mut params = CertificateParams::new(Vec::<String>::new()).expect("CA parameters");
        params.distinguished_name.push(DnType::CommonName, name);
        params.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
        params.key_usages = vec![KeyUsagePurpose::KeyCertSign, KeyUsagePurpose::CrlSign];
        let cert = params.self_signed(&key).expect("the CA certificate");
        TestCa {
            pem: cert.pem(),
            issuer: Issuer::new(params, key),
        }
    }

    /// The CA certificate, PEM (what `--ca-file` is given).
    pub fn pem(&self) -> &str {
        &self.pem
    }

    /// A certificate for 127.0.0.1 and localhost, valid now.
    pub fn valid(&self) -> ServerCert {
        self.issue(&["127.0.0.1", "localhost"], None)
    }

    /// A certificate for 127.0.0.1 that expired on 1 January 2021.
    pub fn expired(&self) -> ServerCert {
        self.issue(&["127.0.0.1", "localhost"], Some((2020, 2021)))
    }

    /// A certificate valid now, but for `name` only.
    pub fn for_name(&self, name: &str) -> ServerCert {
        self.issue(&[name], None)
    }

    /// A leaf for `names`; `years` the first of January of its first and last year, else
    /// rcgen's default span around now.
    fn issue(&self, names: &[&str], years: Option<(i32, i32)>) -> ServerCert {
        let key = KeyPair::generate().expect("a server key");
        let names: Vec<String> = names.iter().map(|n| (*n).to_owned()).collect();
        let mut params = CertificateParams::new(names).expect("server parameters");
        params.distinguished_name.push(DnType::CommonName, "changeos mock ECS");
        params.extended_key_usages = vec![ExtendedKeyUsagePurpose::ServerAuth];
        if let Some((from, to)) = years {
            params.not_before = rcgen::date_time_ymd(from, 1, 1);
            params.not_after = rcgen::date_time_ymd(to, 1, 1);
        }
        let cert = params.signed_by(&key, &self.issuer).expect("the server certificate");
        ServerCert {
            cert: cert.der().clone(),
            key: PrivatePkcs8KeyDer::from(key.serialize_der()),
        }
    }
}

impl ServerCert {
    /// A rustls server configuration that presents this certificate.
    pub fn server_config(&self) -> Arc<rustls::ServerConfig> {
        let config = rustls::ServerConfig::builder_with_provider(Arc::new(rustls::crypto::ring::default_provider()))
            .with_safe_default_protocol_versions()
            .expect("protocol versions")
            .with_no_client_auth()
            .with_single_cert(vec![self.cert.clone()], PrivateKeyDer::Pkcs8(self.key.clone_key()))
            .expect("the certificate and its key");
        Arc::new(config)
    }
}
