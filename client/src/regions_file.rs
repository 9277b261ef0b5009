//! The SDK's regions file (`HUAWEICLOUD_SDK_REGIONS_FILE`, else `~/.huaweicloud/regions.yaml`):
//! a YAML map from a service name (any case) to a list of `{id, endpoint}` or
//! `{id, endpoints: [...]}`.
//!
//! It is read like every other file ([`crate::files::read_bounded`]) and parsed with `saphyr`, a
//! maintained pure-Rust YAML 1.2 parser that keeps each node's position, so that every error
//! names the file, the line and the column. It is stricter than the SDK, which skips what it
//! cannot use: an entry with both `endpoint` and `endpoints`, without an `id`, with a key it
//! does not know (a misspelt `endpiont` would otherwise be silently ignored), a region listed
//! twice for one service, or an endpoint that is no URL, is an error rather than a request sent
//! somewhere unexpected. An empty file has no entries.

use std::path::{Path, PathBuf};

use saphyr::{LoadableYamlNode, MarkedYaml, Marker, Scalar, YamlData};

use crate::files::{self, FileError};
use crate::signer::Endpoint;

/// The variable that names the regions file.
pub const ENV_REGIONS_FILE: &str = "HUAWEICLOUD_SDK_REGIONS_FILE";

/// A regions file is a few kilobytes; a larger one is refused unread.
pub const MAX_REGIONS_FILE_BYTES: u64 = 1024 * 1024;

/// One region of one service.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Entry {
    /// The service name, upper-cased (`ECS`).
    pub service: String,
    /// The region id, as written.
    pub id: String,
    /// Its endpoints, in order; never empty.
    pub endpoints: Vec<Endpoint>,
    /// The line of the entry (1-based).
    pub line: usize,
}

/// Where in the file something is wrong, and what.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Located {
    /// 1-based.
    pub line: usize,
    /// 1-based, in characters.
    pub column: usize,
    /// What is wrong.
    pub reason: String,
}

/// A regions file that cannot be used.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum RegionsFileError {
    /// It could not be read (missing, unreadable, not a regular file, too large).
    #[error("cannot read the regions file {}: {reason}", .path.display())]
    Read {
        /// The file.
        path: PathBuf,
        /// Why.
        reason: String,
    },
    /// It was read, but is not a valid regions file.
    #[error("the regions file {}, line {}, column {}: {}", .path.display(), .at.line, .at.column, .at.reason)]
    Invalid {
        /// The file.
        path: PathBuf,
        /// Where and why.
        at: Located,
    },
}

/// A regions file, read and checked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RegionsFile {
    path: PathBuf,
    entries: Vec<Entry>,
}

impl RegionsFile {
    /// Reads and checks the file at `path`; `Ok(None)` when it does not exist.
    pub fn load(path: &Path) -> Result<Option<RegionsFile>, RegionsFileError> {
        let read_error = |reason: String| RegionsFileError::Read {
            path: path.to_path_buf(),
            reason,
        };
        let bytes = match files::read_bounded(path, MAX_REGIONS_FILE_BYTES) {
            Ok((bytes, _)) => bytes,
            Err(FileError::Io(e)) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
            Err(e) => return Err(read_error(e.describe("a regions file"))),
        };
        let text = std::str::from_utf8(&bytes).map_err(|_| read_error("it is not UTF-8 text".to_owned()))?;
        let entries = parse(text).map_err(|at| RegionsFileError::Invalid {
            path: path.to_path_buf(),
            at,
        })?;
        Ok(Some(RegionsFile {
            path: path.to_path_buf(),
            entries,
        }))
    }

    /// The file's path.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Every entry, in the file's order.
    pub fn entries(&self) -> &[Entry] {
        &self.entries
    }

    /// The entry of `region` for `service` (any case), if the file has one.
    pub fn find(&self, service: &str, region: &str) -> Option<&Entry> {
        self.entries
            .iter()
            .find(|e| e.service.eq_ignore_ascii_case(service) && e.id == region)
    }
}

/// The entries of a regions file's text.
pub fn parse(text: &str) -> Result<Vec<Entry>, Located> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let documents = MarkedYaml::load_from_str(text).map_err(|e| Located {
        line: e.marker().line(),
        column: e.marker().col() + 1,
        reason: format!("not valid YAML: {}", e.info()),
    })?;
    let root = match documents.as_slice() {
        [] => return Ok(Vec::new()),
        [root] => root,
        [_, second, ..] => {
            return Err(at(
                second.span.start,
                "it holds several YAML documents; it must hold one",
            ));
        }
    };
    let services = match &root.data {
        YamlData::Value(Scalar::Null) => return Ok(Vec::new()),
        YamlData::Mapping(services) => services,
        _ => {
            return Err(at(
                root.span.start,
                format!(
                    "it must be a map from service names to lists of regions, not {}",
                    kind(root)
                ),
            ));
        }
    };
    let mut entries: Vec<Entry> = Vec::new();
    for (name, regions) in services {
        let service = text_of(name, "a service name")?.to_ascii_uppercase();
        let YamlData::Sequence(regions) = &regions.data else {
            return Err(at(
                regions.span.start,
                format!(
                    "the regions of {service} must be a list of {{id, endpoint}} maps, not {}",
                    kind(regions)
                ),
            ));
        };
        for region in regions {
            let entry = read_entry(&service, region)?;
            if let Some(earlier) = entries.iter().find(|e| e.service == service && e.id == entry.id) {
                return Err(at(
                    region.span.start,
                    format!(
                        "region `{}` of {service} is listed twice (first on line {})",
                        entry.id, earlier.line
                    ),
                ));
            }
            entries.push(entry);
        }
    }
    Ok(entries)
}

fn read_entry(service: &str, node: &MarkedYaml<'_>) -> Result<Entry, Located> {
    let YamlData::Mapping(fields) = &node.data else {
        return Err(at(
            node.span.start,
            format!(
                "a region of {service} must be a map with `id` and `endpoint` or `endpoints`, not {}",
                kind(node)
            ),
        ));
    };
    let (mut id, mut endpoint, mut endpoints) = (None, None, None);
    for (key, value) in fields {
        match text_of(key, "a key")? {
            "id" => id = Some(text_of(value, "`id`")?.to_owned()),
            "endpoint" => endpoint = Some((key, vec![read_endpoint(value)?])),
            "endpoints" => endpoints = Some((key, read_endpoint_list(value)?)),
            other => {
                return Err(at(
                    key.span.start,
                    format!("unknown key `{other}`: a region has `id` and `endpoint` or `endpoints`"),
                ));
            }
        }
    }
    let endpoints = match (endpoint, endpoints) {
        (Some(_), Some((second, _))) => {
            return Err(at(
                second.span.start,
                "both `endpoint` and `endpoints`: give one endpoint, or a list of them",
            ));
        }
        (Some((_, list)), None) | (None, Some((_, list))) => list,
        (None, None) => {
            return Err(at(node.span.start, "this region has no `endpoint` (or `endpoints`)"));
        }
    };
    let Some(id) = id.filter(|id| !id.is_empty()) else {
        return Err(at(node.span.start, "this region has no `id`"));
    };
    Ok(Entry {
        service: service.to_owned(),
        id,
        endpoints,
        line: node.span.start.line(),
    })
}

fn read_endpoint_list(node: &MarkedYaml<'_>) -> Result<Vec<Endpoint>, Located> {
    let YamlData::Sequence(items) = &node.data else {
        return Err(at(
            node.span.start,
            format!("`endpoints` must be a list of URLs, not {}", kind(node)),
        ));
    };
    if items.is_empty() {
        return Err(at(node.span.start, "`endpoints` is an empty list"));
    }
    items.iter().map(read_endpoint).collect()
}

fn read_endpoint(node: &MarkedYaml<'_>) -> Result<Endpoint, Located> {
    let url = text_of(node, "an endpoint")?;
    Endpoint::parse(url.trim()).map_err(|e| at(node.span.start, e.to_string()))
}

/// A string scalar's text; anything else is an error that says what `what` must be.
fn text_of<'a>(node: &'a MarkedYaml<'_>, what: &str) -> Result<&'a str, Located> {
    match &node.data {
        YamlData::Value(Scalar::String(text)) => Ok(text),
        _ => Err(at(node.span.start, format!("{what} must be text, not {}", kind(node)))),
    }
}

fn kind(node: &MarkedYaml<'_>) -> &'static str {
    match &node.data {
        YamlData::Value(Scalar::Null) => "empty",
        YamlData::Value(Scalar::Boolean(_)) => "a boolean",
        YamlData::Value(Scalar::Integer(_) | Scalar::FloatingPoint(_)) => "a number",
        YamlData::Value(Scalar::String(_)) | YamlData::Representation(..) => "text",
        YamlData::Sequence(_) => "a list",
        YamlData::Mapping(_) => "a map",
        YamlData::Tagged(..) => "a tagged value",
        YamlData::Alias(_) | YamlData::BadValue => "an unusable value",
    }
}

fn at(marker: Marker, reason: impl Into<String>) -> Located {
    Located {
        line: marker.line(),
        column: marker.col() + 1,
        reason: reason.into(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn error(text: &str) -> Located {
        parse(text).expect_err("an error")
    }

    fn urls(entry: &Entry) -> Vec<String> {
        entry.endpoints.iter().map(ToString::to_string).collect()
    }

    #[test]
    fn both_shapes_any_case_and_bare_hosts() {
        let entries = parse(
            "\u{feff}ECS:\n  - id: my-region-1\n    endpoint: https://ecs.example.com\n\
             ecs:\n  - id: my-region-2\n    endpoints:\n      - ecs-a.example.com\n      - http://127.0.0.1:8080/\n\
             IAM:\n  - id: my-region-1\n    endpoint: iam.example.com\n",
        )
        .unwrap();
        assert_eq!(entries.len(), 3);
        assert_eq!(
            (entries[0].service.as_str(), entries[0].id.as_str()),
            ("ECS", "my-region-1")
        );
        assert_eq!(urls(&entries[0]), ["https://ecs.example.com"]);
        assert_eq!(entries[0].line, 2);
        assert_eq!(entries[1].service, "ECS");
        assert_eq!(
            urls(&entries[1]),
            ["https://ecs-a.example.com", "http://127.0.0.1:8080"]
        );
        assert_eq!(entries[2].service, "IAM");
    }

    #[test]
    fn an_empty_file_has_no_entries() {
        for text in ["", "\n", "# only a comment\n", "~\n", "---\n"] {
            assert_eq!(parse(text), Ok(Vec::new()), "{text:?}");
        }
    }

    #[test]
    fn broken_yaml_is_named_with_its_line_and_column() {
        let e = error("ECS:\n  - id: a\n    endpoint: [unclosed\n");
        assert_eq!(e.line, 4, "{e:?}");
        assert!(e.reason.starts_with("not valid YAML: "), "{e:?}");
        let e = error("ECS:\n  - id: a\n   bad indentation: here\n");
        assert!(e.reason.starts_with("not valid YAML"), "{e:?}");
        assert_eq!(e.line, 3, "{e:?}");
    }

    #[test]
    fn the_shape_is_checked_where_it_goes_wrong() {
        let cases: [(&str, usize, usize, &str); 12] = [
            (
                "- a\n- b\n",
                1,
                1,
                "must be a map from service names to lists of regions, not a list",
            ),
            (
                "ECS: 3\n",
                1,
                6,
                "the regions of ECS must be a list of {id, endpoint} maps, not a number",
            ),
            ("ECS:\n  - just-a-host\n", 2, 5, "a region of ECS must be a map"),
            ("ECS:\n  - endpoint: a.example\n", 2, 5, "this region has no `id`"),
            (
                "ECS:\n  - id: r\n",
                2,
                5,
                "this region has no `endpoint` (or `endpoints`)",
            ),
            (
                "ECS:\n  - id: r\n    endpoint: a.example\n    endpoints: [b.example]\n",
                4,
                5,
                "both `endpoint` and `endpoints`",
            ),
            (
                "ECS:\n  - id: r\n    endpiont: a.example\n",
                3,
                5,
                "unknown key `endpiont`",
            ),
            (
                "ECS:\n  - id: r\n    endpoints: []\n",
                3,
                16,
                "`endpoints` is an empty list",
            ),
            (
                "ECS:\n  - id: r\n    endpoints: a.example\n",
                3,
                16,
                "`endpoints` must be a list of URLs, not text",
            ),
            (
                "ECS:\n  - id: 12\n    endpoint: a.example\n",
                2,
                9,
                "`id` must be text, not a number",
            ),
            (
                "ECS:\n  - id: r\n    endpoint: ftp://a.example\n",
                3,
                15,
                "the scheme must be http or https",
            ),
            (
                "ECS:\n  - id: r\n    endpoint: a.example\necs:\n  - id: r\n    endpoint: b.example\n",
                5,
                5,
                "region `r` of ECS is listed twice (first on line 2)",
            ),
        ];
        for (text, line, column, reason) in cases {
            let e = error(text);
            assert_eq!((e.line, e.column), (line, column), "{text:?}: {e:?}");
            assert!(e.reason.contains(reason), "{text:?}: {e:?}");
        }
        let e = error("ECS: []\n---\nIAM: []\n");
        assert_eq!(e.line, 3, "{e:?}");
        assert!(e.reason.contains("several YAML documents"), "{e:?}");
    }

    #[test]
    fn a_file_is_read_bounded_and_named_in_its_errors() {
        let dir = std::env::temp_dir().join(format!("changeos-regions-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let missing = dir.join("missing.yaml");
        assert_eq!(RegionsFile::load(&missing), Ok(None));
        let good = dir.join("good.yaml");
        std::fs::write(&good, "ECS:\n  - id: r\n    endpoint: a.example\n").unwrap();
        let file = RegionsFile::load(&good).unwrap().unwrap();
        assert_eq!(file.path(), good.as_path());
        assert_eq!(file.find("ecs", "r").map(|e| e.line), Some(2));
        assert_eq!(file.find("ECS", "other"), None);
        let bad = dir.join("bad.yaml");
        std::fs::write(&bad, "ECS:\n  - id: r\n").unwrap();
        let shown = RegionsFile::load(&bad).unwrap_err().to_string();
        assert_eq!(
            shown,
            format!(
                "the regions file {}, line 2, column 5: this region has no `endpoint` (or `endpoints`)",
                bad.display()
            )
        );
        let big = dir.join("big.yaml");
        std::fs::write(&big, vec![b'#'; MAX_REGIONS_FILE_BYTES as usize + 1]).unwrap();
        let shown = RegionsFile::load(&big).unwrap_err().to_string();
        assert!(
            shown.starts_with(&format!("cannot read the regions file {}: it has", big.display())),
            "{shown}"
        );
        let binary = dir.join("binary.yaml");
        std::fs::write(&binary, b"ECS: \xff\n").unwrap();
        assert!(
            RegionsFile::load(&binary)
                .unwrap_err()
                .to_string()
                .ends_with("it is not UTF-8 text")
        );
        let shown = RegionsFile::load(&dir).unwrap_err().to_string();
        assert!(shown.ends_with("it is a directory"), "{shown}");
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
