//! Which certificate authorities the TLS handshake trusts: [`Roots`].
//!
//! Always the Mozilla roots bundled at build time (`webpki-root-certs`), so that the public
//! cloud works on a machine whose own store is empty or broken. Beside them the platform's
//! store, so that a root the operating system trusts (a company's TLS-inspecting proxy, Huawei
//! Cloud Stack's own CA installed by the administrator) works too: on Linux and the other
//! Unixes the PEM bundle and directories where OpenSSL looks (found by `openssl-probe`), read
//! like every other file through [`crate::files::read_bounded`]; on macOS and Windows the
//! keychain or certificate store through `rustls-native-certs`. As OpenSSL does, `SSL_CERT_FILE`
//! and `SSL_CERT_DIR` (a list, separated like `PATH`) replace the platform's store when either
//! is set. `--ca-file` adds files on top.
//!
//! What the user named (a `--ca-file`, `SSL_CERT_FILE`, `SSL_CERT_DIR`) must hold certificates:
//! a missing, unreadable or too large file, or one without a certificate, is a [`TrustError`]
//! that names it, because a root silently left out would only show later as an "unknown
//! issuer" far from its cause. Faults in the platform's own store are only warnings: the
//! bundled roots still work.

use std::collections::HashSet;
use std::fmt;
use std::path::{Path, PathBuf};

use rustls::pki_types::CertificateDer;
use rustls::pki_types::pem::PemObject;

use crate::files::{self, FileError};

/// The largest certificate file read (a system bundle is some 200 KiB).
pub const MAX_CERT_FILE_BYTES: u64 = 4 * 1024 * 1024;
/// A PEM file of roots that replaces the platform's store.
pub const ENV_CERT_FILE: &str = "SSL_CERT_FILE";
/// Directories of PEM roots that replace the platform's store.
pub const ENV_CERT_DIR: &str = "SSL_CERT_DIR";

/// What named a file of roots.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Named {
    /// `--ca-file PATH`.
    CaFile,
    /// The `SSL_CERT_FILE` variable.
    SslCertFile,
    /// The `SSL_CERT_DIR` variable (the path is the directory or a file in it).
    SslCertDir,
}

impl fmt::Display for Named {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Named::CaFile => "--ca-file",
            Named::SslCertFile => ENV_CERT_FILE,
            Named::SslCertDir => ENV_CERT_DIR,
        })
    }
}

/// A file or directory of roots that the user named and that cannot be used.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{named} {}: {problem}", path.display())]
pub struct TrustError {
    /// What named it.
    pub named: Named,
    /// The file or directory.
    pub path: PathBuf,
    /// What is wrong with it.
    pub problem: Problem,
}

/// What is wrong with a file or directory of roots.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Problem {
    /// It cannot be read: missing, no permission, too large, not a regular file.
    #[error("{0}")]
    Unreadable(String),
    /// It holds no `-----BEGIN CERTIFICATE-----` block.
    #[error("it holds no PEM certificate (-----BEGIN CERTIFICATE-----)")]
    NoCertificate,
    /// Its PEM is broken.
    #[error("it is not valid PEM: {0}")]
    BadPem(String),
    /// A certificate in it is not one a TLS client can trust (1 for the first).
    #[error("its certificate number {index} cannot be used as a root: {why}")]
    BadCertificate { index: usize, why: String },
    /// A directory that cannot be listed.
    #[error("cannot list the directory: {0}")]
    Unlistable(String),
    /// A directory without any certificate file.
    #[error("the directory holds no PEM certificate file")]
    EmptyDirectory,
}

/// Where roots came from, in the order they were added.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Source {
    /// The Mozilla roots of `webpki-root-certs`.
    Bundled,
    /// The platform's store: the files and directories read (Unix), or none for the
    /// keychain / certificate store (macOS, Windows).
    System(Vec<PathBuf>),
    /// `SSL_CERT_FILE`.
    CertFile(PathBuf),
    /// `SSL_CERT_DIR`.
    CertDirs(Vec<PathBuf>),
    /// One `--ca-file`.
    CaFile(PathBuf),
}

/// The roots the TLS handshake trusts, where they came from, and the warnings loading them
/// gave.
#[derive(Clone)]
pub struct Roots {
    certs: Vec<CertificateDer<'static>>,
    sources: Vec<(Source, usize)>,
    warnings: Vec<String>,
}

impl fmt::Debug for Roots {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Roots")
            .field("certificates", &self.certs.len())
            .field("trust", &self.describe())
            .finish()
    }
}

impl Roots {
    /// Only the bundled Mozilla roots: what the tool trusted before it read any store.
    pub fn bundled() -> Roots {
        let certs: Vec<CertificateDer<'static>> = webpki_root_certs::TLS_SERVER_ROOT_CERTS.to_vec();
        let count = certs.len();
        Roots {
            certs,
            sources: vec![(Source::Bundled, count)],
            warnings: Vec::new(),
        }
    }

    /// The bundled roots, the platform's store (or `SSL_CERT_FILE` / `SSL_CERT_DIR` in its
    /// place, read through `env`), and `ca_files` on top.
    pub fn load(ca_files: &[PathBuf], env: &dyn Fn(&str) -> Option<String>) -> Result<Roots, TrustError> {
        let mut roots = Roots::bundled();
        let cert_file = env(ENV_CERT_FILE).filter(|v| !v.is_empty()).map(PathBuf::from);
        let cert_dirs: Vec<PathBuf> = env(ENV_CERT_DIR)
            .map(|v| {
                std::env::split_paths(&v)
                    .filter(|p| !p.as_os_str().is_empty())
                    .collect()
            })
            .unwrap_or_default();
        if cert_file.is_none() && cert_dirs.is_empty() {
            let store = system::load();
            roots.warnings.extend(store.warnings);
            roots.add(Source::System(store.locations), store.certs);
        } else {
            if let Some(path) = cert_file {
                let certs = named_file(Named::SslCertFile, &path)?;
                roots.add(Source::CertFile(path), certs);
            }
            if !cert_dirs.is_empty() {
                let mut certs = Vec::new();
                for dir in &cert_dirs {
                    certs.extend(named_dir(dir)?);
                }
                roots.add(Source::CertDirs(cert_dirs), certs);
            }
        }
        for path in ca_files {
            let certs = named_file(Named::CaFile, path)?;
            roots.add(Source::CaFile(path.clone()), certs);
        }
        // The platform's store repeats most of the bundled roots.
        roots.certs.sort_unstable_by(|a, b| a.as_ref().cmp(b.as_ref()));
        roots.certs.dedup();
        Ok(roots)
    }

    fn add(&mut self, source: Source, mut certs: Vec<CertificateDer<'static>>) {
        // A directory often holds its bundle beside the single files.
        certs.sort_unstable_by(|a, b| a.as_ref().cmp(b.as_ref()));
        certs.dedup();
        self.sources.push((source, certs.len()));
        self.certs.extend(certs);
    }

    /// Every root, each once (DER).
    pub fn certificates(&self) -> &[CertificateDer<'static>] {
        &self.certs
    }

    /// What went wrong reading the platform's store (the roots read are used all the same).
    pub fn warnings(&self) -> &[String] {
        &self.warnings
    }

    /// One line for a dry run, e.g. `146 bundled Mozilla roots + 146 from the system store
    /// (/etc/ssl/certs/ca-certificates.crt, /etc/ssl/certs) + 1 from --ca-file ca.pem`.
    pub fn describe(&self) -> String {
        let part = |(source, count): &(Source, usize)| match source {
            Source::Bundled => format!("{count} bundled Mozilla roots"),
            Source::System(locations) if locations.is_empty() => {
                format!("{count} from the system store")
            }
            Source::System(locations) => format!("{count} from the system store ({})", list(locations)),
            Source::CertFile(path) => format!("{count} from {ENV_CERT_FILE} {}", path.display()),
            Source::CertDirs(dirs) => format!("{count} from {ENV_CERT_DIR} {}", list(dirs)),
            Source::CaFile(path) => format!("{count} from --ca-file {}", path.display()),
        };
        self.sources.iter().map(part).collect::<Vec<_>>().join(" + ")
    }
}

fn list(paths: &[PathBuf]) -> String {
    paths
        .iter()
        .map(|p| p.display().to_string())
        .collect::<Vec<_>>()
        .join(", ")
}

/// Files already read, by identity: a certificate directory links each root under two or
/// three names (its hash, its name, the bundle).
#[derive(Default)]
struct Seen(HashSet<(u64, u64)>);

impl Seen {
    /// Whether this is the first time the file is met (always, where files have no identity).
    fn first(&mut self, metadata: &std::fs::Metadata) -> bool {
        #[cfg(unix)]
        {
            use std::os::unix::fs::MetadataExt;
            self.0.insert((metadata.dev(), metadata.ino()))
        }
        #[cfg(not(unix))]
        {
            let _ = metadata;
            true
        }
    }
}

/// The certificates of a PEM file: none if it has no certificate block (a key, a README).
fn pem_certificates(bytes: &[u8]) -> Result<Vec<CertificateDer<'static>>, Problem> {
    CertificateDer::pem_slice_iter(bytes)
        .collect::<Result<Vec<_>, _>>()
        .map_err(|e| Problem::BadPem(e.to_string()))
}

/// Refuses a certificate that rustls could not use as a trust anchor (it would be dropped
/// without a word, and the handshake fail later with "unknown issuer").
fn check_usable(certs: &[CertificateDer<'static>]) -> Result<(), Problem> {
    for (index, cert) in certs.iter().enumerate() {
        rustls::RootCertStore::empty()
            .add(cert.clone())
            .map_err(|e| Problem::BadCertificate {
                index: index + 1,
                why: e.to_string(),
            })?;
    }
    Ok(())
}

fn unreadable(error: &FileError) -> Problem {
    Problem::Unreadable(error.describe("a certificate file"))
}

/// A file the user named: it must hold at least one usable certificate.
fn named_file(named: Named, path: &Path) -> Result<Vec<CertificateDer<'static>>, TrustError> {
    let fail = |problem| TrustError {
        named,
        path: path.to_owned(),
        problem,
    };
    let (bytes, _) = files::read_bounded(path, MAX_CERT_FILE_BYTES).map_err(|e| fail(unreadable(&e)))?;
    let certs = pem_certificates(&bytes).map_err(fail)?;
    if certs.is_empty() {
        return Err(fail(Problem::NoCertificate));
    }
    check_usable(&certs).map_err(fail)?;
    Ok(certs)
}

/// A directory of `SSL_CERT_DIR`: every regular file in it is read (files without a
/// certificate are passed over, a directory may hold keys or notes), and one at least must
/// hold a certificate. A file that cannot be read is an error, as a root may be in it.
fn named_dir(dir: &Path) -> Result<Vec<CertificateDer<'static>>, TrustError> {
    let mut seen = Seen::default();
    let fail = |path: &Path, problem| TrustError {
        named: Named::SslCertDir,
        path: path.to_owned(),
        problem,
    };
    let entries = std::fs::read_dir(dir).map_err(|e| fail(dir, Problem::Unlistable(describe_io(&e))))?;
    let mut paths = Vec::new();
    for entry in entries {
        let entry = entry.map_err(|e| fail(dir, Problem::Unlistable(describe_io(&e))))?;
        paths.push(entry.path());
    }
    // In name order, so that the first fault met is the same on every run.
    paths.sort();
    let mut certs = Vec::new();
    for path in paths {
        // A dangling link or a subdirectory holds no root of this directory.
        let Ok(metadata) = std::fs::metadata(&path) else {
            continue;
        };
        if !metadata.is_file() || !seen.first(&metadata) {
            continue;
        }
        let (bytes, _) = files::read_bounded(&path, MAX_CERT_FILE_BYTES).map_err(|e| fail(&path, unreadable(&e)))?;
        let found = pem_certificates(&bytes).map_err(|p| fail(&path, p))?;
        check_usable(&found).map_err(|p| fail(&path, p))?;
        certs.extend(found);
    }
    if certs.is_empty() {
        return Err(fail(dir, Problem::EmptyDirectory));
    }
    Ok(certs)
}

fn describe_io(error: &std::io::Error) -> String {
    match error.kind() {
        std::io::ErrorKind::NotFound => "no such directory".to_owned(),
        std::io::ErrorKind::PermissionDenied => "permission denied".to_owned(),
        std::io::ErrorKind::NotADirectory => "it is not a directory".to_owned(),
        _ => error.to_string(),
    }
}

/// What the platform's store gave.
struct SystemStore {
    certs: Vec<CertificateDer<'static>>,
    /// The files and directories read (empty where the store is not made of files).
    locations: Vec<PathBuf>,
    warnings: Vec<String>,
}

#[cfg(all(unix, not(target_os = "macos")))]
mod system {
    //! The OpenSSL locations: a bundle file and hashed directories.

    use super::*;

    pub(super) fn load() -> SystemStore {
        // Only called when SSL_CERT_FILE and SSL_CERT_DIR are unset (or empty, which
        // `probe` ignores too), so it finds the system's own locations.
        let probe = openssl_probe::probe();
        from_locations(probe.cert_file, probe.cert_dir)
    }

    /// The certificates of a bundle file and directories, faults as warnings.
    pub(super) fn from_locations(file: Option<PathBuf>, dirs: Vec<PathBuf>) -> SystemStore {
        let mut store = SystemStore {
            certs: Vec::new(),
            locations: Vec::new(),
            warnings: Vec::new(),
        };
        let mut seen = Seen::default();
        if let Some(file) = file {
            read_into(&mut store, &file, &mut seen);
            store.locations.push(file);
        }
        for dir in dirs {
            match std::fs::read_dir(&dir) {
                Ok(entries) => {
                    for entry in entries.flatten() {
                        read_into(&mut store, &entry.path(), &mut seen);
                    }
                }
                Err(e) => store
                    .warnings
                    .push(format!("the system certificate store {}: {e}", dir.display())),
            }
            store.locations.push(dir);
        }
        store
    }

    /// Adds the certificates of one file; a file without any is passed over in silence (the
    /// directories hold other things), one that cannot be read or parsed is warned about.
    fn read_into(store: &mut SystemStore, path: &Path, seen: &mut Seen) {
        let Ok(metadata) = std::fs::metadata(path) else {
            return;
        };
        if !metadata.is_file() || !seen.first(&metadata) {
            return;
        }
        let warn = |why: String| format!("the system certificate store {}: {why}", path.display());
        match files::read_bounded(path, MAX_CERT_FILE_BYTES) {
            Ok((bytes, _)) => match pem_certificates(&bytes) {
                Ok(certs) => store.certs.extend(certs),
                Err(problem) => store.warnings.push(warn(problem.to_string())),
            },
            Err(e) => store.warnings.push(warn(unreadable(&e).to_string())),
        }
    }
}

#[cfg(any(windows, target_os = "macos"))]
mod system {
    //! The keychain (macOS) or the certificate store (Windows).

    use super::*;

    pub(super) fn load() -> SystemStore {
        let found = rustls_native_certs::load_native_certs();
        SystemStore {
            certs: found.certs,
            locations: Vec::new(),
            warnings: found
                .errors
                .iter()
                .map(|e| format!("the system certificate store: {e}"))
                .collect(),
        }
    }
}

#[cfg(not(any(unix, windows)))]
mod system {
    //! No store known: the bundled roots and what the user names.

    use super::*;

    pub(super) fn load() -> SystemStore {
        SystemStore {
            certs: Vec::new(),
            locations: Vec::new(),
            warnings: Vec::new(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A fresh directory under the system's temporary one, removed when dropped.
    struct Scratch(PathBuf);

    impl Scratch {
        fn new(tag: &str) -> Scratch {
            use std::sync::atomic::{AtomicUsize, Ordering};
            static NEXT: AtomicUsize = AtomicUsize::new(0);
            let n = NEXT.fetch_add(1, Ordering::Relaxed);
            let path = std::env::temp_dir().join(format!("changeos-trust-{tag}-{}-{n}", std::process::id()));
            let _ = std::fs::remove_dir_all(&path);
            std::fs::create_dir_all(&path).unwrap();
            Scratch(path)
        }

        fn write(&self, relative: &str, bytes: impl AsRef<[u8]>) -> PathBuf {
            let path = self.0.join(relative);
            std::fs::create_dir_all(path.parent().unwrap()).unwrap();
            std::fs::write(&path, bytes).unwrap();
            path
        }
    }

    impl Drop for Scratch {
        fn drop(&mut self) {
            let _ = std::fs::remove_dir_all(&self.0);
        }
    }

    /// A self-signed CA certificate, PEM, and its DER.
    fn ca(name: &str) -> (String, CertificateDer<'static>) {
        let key = rcgen::KeyPair::generate().unwrap();
        let mut params = rcgen::CertificateParams::new(Vec::<String>::new()).unwrap();
        params.distinguished_name.push(rcgen::DnType::CommonName, name);
        params.is_ca = rcgen::IsCa::Ca(rcgen::BasicConstraints::Unconstrained);
        let cert = params.self_signed(&key).unwrap();
        (cert.pem(), cert.der().clone())
    }

    fn env_of(pairs: &[(&str, String)]) -> impl Fn(&str) -> Option<String> + use<> {
        let pairs: Vec<(String, String)> = pairs.iter().map(|(k, v)| ((*k).to_owned(), v.clone())).collect();
        move |name| pairs.iter().find(|(k, _)| k == name).map(|(_, v)| v.clone())
    }

    fn path_string(path: &Path) -> String {
        path.to_str().unwrap().to_owned()
    }

    #[test]
    fn the_bundled_roots_are_the_mozilla_ones() {
        let roots = Roots::bundled();
        let count = webpki_root_certs::TLS_SERVER_ROOT_CERTS.len();
        assert!(count > 100);
        assert_eq!(roots.certificates().len(), count);
        assert_eq!(roots.describe(), format!("{count} bundled Mozilla roots"));
        assert!(roots.warnings().is_empty());
        // Debug says how many, not hundreds of kilobytes of DER.
        let debug = format!("{roots:?}");
        assert!(debug.len() < 200, "{debug}");
    }

    #[test]
    fn ssl_cert_file_replaces_the_system_store_and_ca_files_add_to_it() {
        let dir = Scratch::new("file");
        let (a, a_der) = ca("A");
        let (b, b_der) = ca("B");
        let bundle = dir.write("bundle.pem", format!("{a}{b}"));
        let extra = dir.write("extra.pem", &a);
        let env = env_of(&[(ENV_CERT_FILE, path_string(&bundle))]);
        let roots = Roots::load(std::slice::from_ref(&extra), &env).unwrap();
        let bundled = Roots::bundled().certificates().len();
        assert_eq!(
            roots.describe(),
            format!(
                "{bundled} bundled Mozilla roots + 2 from SSL_CERT_FILE {} + 1 from --ca-file {}",
                bundle.display(),
                extra.display()
            )
        );
        // Each root once, though A came twice.
        assert_eq!(roots.certificates().len(), bundled + 2);
        assert!(roots.certificates().contains(&a_der));
        assert!(roots.certificates().contains(&b_der));
    }

    #[test]
    fn ssl_cert_dir_is_a_list_of_directories_whose_other_files_are_passed_over() {
        let dir = Scratch::new("dirs");
        let (a, a_der) = ca("A");
        let (b, b_der) = ca("B");
        dir.write("one/a.pem", &a);
        // The same root under its hash name and in a bundle, as a system directory has it.
        dir.write("one/3513523f.0", &a);
        dir.write("one/README", "roots of the company\n");
        dir.write(
            "one/key.pem",
            "-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n",
        );
        dir.write("two/b.crt", &b);
        std::fs::create_dir_all(dir.0.join("two/subdirectory")).unwrap();
        let list = std::env::join_paths([dir.0.join("one"), dir.0.join("two")]).unwrap();
        let env = env_of(&[(ENV_CERT_DIR, list.into_string().unwrap())]);
        let roots = Roots::load(&[], &env).unwrap();
        assert!(roots.certificates().contains(&a_der));
        assert!(roots.certificates().contains(&b_der));
        let describe = roots.describe();
        assert!(
            describe.ends_with(&format!(
                " + 2 from SSL_CERT_DIR {}, {}",
                dir.0.join("one").display(),
                dir.0.join("two").display()
            )),
            "{describe}"
        );
        assert!(!describe.contains("system store"), "{describe}");
    }

    #[test]
    fn what_the_user_names_must_hold_a_usable_certificate() {
        let dir = Scratch::new("bad");
        let (a, _) = ca("A");
        let good = dir.write("good.pem", &a);
        let cases: Vec<(PathBuf, Problem)> = vec![
            (dir.0.join("missing.pem"), Problem::Unreadable("no such file".into())),
            (dir.0.clone(), Problem::Unreadable("it is a directory".into())),
            (dir.write("notes.txt", "no root here\n"), Problem::NoCertificate),
            (dir.write("empty.pem", ""), Problem::NoCertificate),
            (
                dir.write(
                    "key.pem",
                    "-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n",
                ),
                Problem::NoCertificate,
            ),
        ];
        for (path, problem) in cases {
            let err = Roots::load(&[good.clone(), path.clone()], &env_of(&[])).unwrap_err();
            assert_eq!(
                err,
                TrustError {
                    named: Named::CaFile,
                    path: path.clone(),
                    problem
                }
            );
            assert!(err.to_string().starts_with(&format!("--ca-file {}: ", path.display())));
        }
        let junk = dir.write(
            "junk.pem",
            "-----BEGIN CERTIFICATE-----\nAAECAwQ=\n-----END CERTIFICATE-----\n",
        );
        let err = Roots::load(&[junk], &env_of(&[])).unwrap_err();
        assert!(matches!(err.problem, Problem::BadCertificate { index: 1, .. }), "{err}");
        let broken = dir.write(
            "broken.pem",
            "-----BEGIN CERTIFICATE-----\n!!!\n-----END CERTIFICATE-----\n",
        );
        let err = Roots::load(&[broken], &env_of(&[])).unwrap_err();
        assert!(matches!(err.problem, Problem::BadPem(_)), "{err}");
        let big = dir.write("big.pem", &a);
        std::fs::File::options()
            .write(true)
            .open(&big)
            .unwrap()
            .set_len(MAX_CERT_FILE_BYTES + 1)
            .unwrap();
        let err = Roots::load(&[big], &env_of(&[])).unwrap_err();
        assert!(
            matches!(err.problem, Problem::Unreadable(ref why) if why.contains("4194305 bytes")),
            "{err}"
        );
    }

    #[test]
    fn the_variables_name_their_faults_too() {
        let dir = Scratch::new("vars");
        let missing = dir.0.join("missing.pem");
        let err = Roots::load(&[], &env_of(&[(ENV_CERT_FILE, path_string(&missing))])).unwrap_err();
        assert_eq!((err.named, err.path), (Named::SslCertFile, missing.clone()));
        let err = Roots::load(&[], &env_of(&[(ENV_CERT_DIR, path_string(&missing))])).unwrap_err();
        assert_eq!(
            err.to_string(),
            format!(
                "SSL_CERT_DIR {}: cannot list the directory: no such directory",
                missing.display()
            )
        );
        dir.write("empty/README", "nothing\n");
        let empty = dir.0.join("empty");
        let err = Roots::load(&[], &env_of(&[(ENV_CERT_DIR, path_string(&empty))])).unwrap_err();
        assert_eq!(
            (err.named, err.path, err.problem),
            (Named::SslCertDir, empty, Problem::EmptyDirectory)
        );
        // A file of the directory that is broken is named itself.
        let broken = dir.write(
            "bad/x.pem",
            "-----BEGIN CERTIFICATE-----\n!!!\n-----END CERTIFICATE-----\n",
        );
        let err = Roots::load(&[], &env_of(&[(ENV_CERT_DIR, path_string(&dir.0.join("bad")))])).unwrap_err();
        assert_eq!((err.named, err.path), (Named::SslCertDir, broken));
        // Empty values are unset, as for every variable.
        let roots = Roots::load(
            &[],
            &env_of(&[(ENV_CERT_FILE, String::new()), (ENV_CERT_DIR, String::new())]),
        )
        .unwrap();
        assert!(
            roots.describe().contains("from the system store"),
            "{}",
            roots.describe()
        );
    }

    #[cfg(all(unix, not(target_os = "macos")))]
    #[test]
    fn faults_of_the_system_store_are_warnings() {
        let dir = Scratch::new("system");
        let (a, a_der) = ca("A");
        let (b, b_der) = ca("B");
        let bundle = dir.write("bundle.crt", &a);
        dir.write("certs/b.pem", &b);
        dir.write("certs/README", "not a certificate\n");
        let broken = dir.write(
            "certs/broken.pem",
            "-----BEGIN CERTIFICATE-----\n!!!\n-----END CERTIFICATE-----\n",
        );
        let missing = dir.0.join("no-such-dir");
        let store = system::from_locations(Some(bundle.clone()), vec![dir.0.join("certs"), missing.clone()]);
        assert_eq!(store.certs.len(), 2);
        assert!(store.certs.contains(&a_der) && store.certs.contains(&b_der));
        assert_eq!(store.locations, vec![bundle, dir.0.join("certs"), missing.clone()]);
        assert_eq!(store.warnings.len(), 2, "{:?}", store.warnings);
        assert!(
            store.warnings[0].contains(&broken.display().to_string()),
            "{:?}",
            store.warnings
        );
        assert!(
            store.warnings[1].contains(&missing.display().to_string()),
            "{:?}",
            store.warnings
        );
    }
}
