//! Where the ECS requests go: `--endpoint`, else the region's endpoints from, in the SDK's
//! order, the variable `HUAWEICLOUD_SDK_REGION_ECS_<REGION>`, the regions file
//! ([`crate::regions_file`]), the built-in table ([`crate::region`]).
//!
//! A region may have several endpoints; [`Endpoints`] holds them in order and cannot be empty.
//! How they are used is [`crate::api`]'s business: a POST moves to the next one only when
//! nothing was sent, a GET after any failure.

use std::fmt;
use std::path::PathBuf;

use changeos_runtime::checks::suggest;

use crate::region::{self, REGIONS};
use crate::regions_file::{ENV_REGIONS_FILE, RegionsFile, RegionsFileError};
use crate::signer::Endpoint;

/// The service name in the variable and in the regions file.
pub const SERVICE: &str = "ECS";

/// One endpoint or more, in the order they are tried.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Endpoints {
    first: Endpoint,
    rest: Vec<Endpoint>,
}

impl Endpoints {
    /// Just this one.
    pub fn one(endpoint: Endpoint) -> Endpoints {
        Endpoints {
            first: endpoint,
            rest: Vec::new(),
        }
    }

    /// `first`, then `rest`.
    pub fn new(first: Endpoint, rest: Vec<Endpoint>) -> Endpoints {
        Endpoints { first, rest }
    }

    /// These, if there is at least one.
    pub fn from_vec(mut endpoints: Vec<Endpoint>) -> Option<Endpoints> {
        if endpoints.is_empty() {
            return None;
        }
        let first = endpoints.remove(0);
        Some(Endpoints { first, rest: endpoints })
    }

    /// The first one.
    pub fn first(&self) -> &Endpoint {
        &self.first
    }

    /// Those tried when the first cannot be reached.
    pub fn rest(&self) -> &[Endpoint] {
        &self.rest
    }

    /// How many (at least 1).
    pub fn len(&self) -> usize {
        1 + self.rest.len()
    }

    /// Never: there is always one. (For clippy's `len_without_is_empty`.)
    pub fn is_empty(&self) -> bool {
        false
    }

    /// The `index`th one, counting round: every index names one.
    pub fn at(&self, index: usize) -> &Endpoint {
        match index % self.len() {
            0 => &self.first,
            i => &self.rest[i - 1],
        }
    }

    /// Where `endpoint` is in the list.
    pub fn position(&self, endpoint: &Endpoint) -> Option<usize> {
        self.iter().position(|e| e == endpoint)
    }

    /// All of them, in order.
    pub fn iter(&self) -> impl Iterator<Item = &Endpoint> {
        std::iter::once(&self.first).chain(self.rest.iter())
    }
}

/// Where the endpoints came from, for a dry run and for errors.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum EndpointSource {
    /// `--endpoint`.
    Flag,
    /// This environment variable.
    Variable(String),
    /// This regions file.
    File(PathBuf),
    /// The built-in region table.
    BuiltIn,
}

impl fmt::Display for EndpointSource {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            EndpointSource::Flag => write!(f, "--endpoint"),
            EndpointSource::Variable(name) => write!(f, "{name}"),
            EndpointSource::File(path) => write!(f, "the regions file {}", path.display()),
            EndpointSource::BuiltIn => write!(f, "the built-in region table"),
        }
    }
}

/// The endpoints of a region, and where they came from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Resolved {
    /// In order.
    pub endpoints: Endpoints,
    /// From.
    pub source: EndpointSource,
}

/// Why a region has no endpoint.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum EndpointsError {
    /// The variable holds something that is not a list of endpoints.
    #[error("{variable}: {reason}")]
    Variable {
        /// Its name.
        variable: String,
        /// What is wrong.
        reason: String,
    },
    /// The regions file cannot be used.
    #[error(transparent)]
    File(#[from] RegionsFileError),
    /// No override knows the region, nor does the built-in table.
    #[error("{}", unknown_region(.region, .variable, .file, *.file_exists))]
    UnknownRegion {
        /// The region id as given.
        region: String,
        /// The variable that was consulted.
        variable: String,
        /// The regions file that was consulted.
        file: PathBuf,
        /// Whether it exists.
        file_exists: bool,
    },
}

fn unknown_region(region: &str, variable: &str, file: &std::path::Path, file_exists: bool) -> String {
    let mut text = format!("unknown region `{region}`");
    if let Some(near) = suggest(region, &REGIONS) {
        text.push_str(&format!(" (did you mean `{near}`?)"));
    }
    text.push_str(&format!(
        ": {variable} is not set, the regions file {} {}, and the built-in regions are: {}. \
         For another region, set {variable} to its endpoint or list it in the regions file; \
         for another endpoint, pass --endpoint URL",
        file.display(),
        if file_exists {
            "has no ECS entry for it"
        } else {
            "does not exist"
        },
        REGIONS.join(", ")
    ));
    text
}

/// `HUAWEICLOUD_SDK_REGION_ECS_<REGION>`: the region id upper-cased, `-` as `_`.
pub fn variable_name(region: &str) -> String {
    format!(
        "HUAWEICLOUD_SDK_REGION_{SERVICE}_{}",
        region.replace('-', "_").to_ascii_uppercase()
    )
}

/// The regions file: `HUAWEICLOUD_SDK_REGIONS_FILE`, else `~/.huaweicloud/regions.yaml` (`~`
/// being `HOME`, else `USERPROFILE`); whether the variable named it.
pub fn regions_file_path(env: &dyn Fn(&str) -> Option<String>) -> (PathBuf, bool) {
    if let Some(path) = env(ENV_REGIONS_FILE).filter(|p| !p.is_empty()) {
        return (PathBuf::from(path), true);
    }
    let home = env("HOME")
        .filter(|h| !h.is_empty())
        .or_else(|| env("USERPROFILE").filter(|h| !h.is_empty()))
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from("~"));
    (home.join(".huaweicloud").join("regions.yaml"), false)
}

/// The endpoints of `region`: from its variable, else the regions file (read only then, as the
/// SDK does), else the built-in table. A region that only an override knows is fine. A regions
/// file that the variable names must exist; the default one need not.
pub fn resolve(region: &str, env: &dyn Fn(&str) -> Option<String>) -> Result<Resolved, EndpointsError> {
    let variable = variable_name(region);
    if !region.is_empty()
        && let Some(value) = env(&variable).filter(|v| !v.is_empty())
    {
        return Ok(Resolved {
            endpoints: parse_list(&value).map_err(|reason| EndpointsError::Variable {
                variable: variable.clone(),
                reason,
            })?,
            source: EndpointSource::Variable(variable),
        });
    }
    let (path, named) = regions_file_path(env);
    let file = match RegionsFile::load(&path)? {
        Some(file) => Some(file),
        None if named => {
            return Err(RegionsFileError::Read {
                path,
                reason: format!("no such file (named by {ENV_REGIONS_FILE})"),
            }
            .into());
        }
        None => None,
    };
    if let Some(entry) = file.as_ref().and_then(|f| f.find(SERVICE, region))
        && let Some(endpoints) = Endpoints::from_vec(entry.endpoints.clone())
    {
        return Ok(Resolved {
            endpoints,
            source: EndpointSource::File(path),
        });
    }
    match region::endpoint(region) {
        Ok(endpoint) => Ok(Resolved {
            endpoints: Endpoints::one(endpoint),
            source: EndpointSource::BuiltIn,
        }),
        Err(_) => Err(EndpointsError::UnknownRegion {
            region: region.to_owned(),
            variable,
            file: path,
            file_exists: file.is_some(),
        }),
    }
}

/// `--endpoint URL`.
pub fn from_flag(url: &str) -> Result<Resolved, crate::signer::SignError> {
    Ok(Resolved {
        endpoints: Endpoints::one(Endpoint::parse(url)?),
        source: EndpointSource::Flag,
    })
}

/// A comma-separated list of endpoints, each trimmed, `https://` where none is given.
fn parse_list(value: &str) -> Result<Endpoints, String> {
    let mut endpoints = Vec::new();
    for (index, item) in value.split(',').enumerate() {
        let item = item.trim();
        if item.is_empty() {
            return Err(format!(
                "item {} of the comma-separated list is empty (write URL,URL,...)",
                index + 1
            ));
        }
        endpoints.push(Endpoint::parse(item).map_err(|e| e.to_string())?);
    }
    Endpoints::from_vec(endpoints).ok_or_else(|| "no endpoint".to_owned())
}

#[cfg(test)]
mod tests {
    use std::collections::HashMap;

    use super::*;

    fn env(pairs: &[(&str, &str)]) -> impl Fn(&str) -> Option<String> {
        let map: HashMap<String, String> = pairs.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect();
        move |name: &str| map.get(name).cloned()
    }

    fn shown(resolved: &Resolved) -> Vec<String> {
        resolved.endpoints.iter().map(ToString::to_string).collect()
    }

    #[test]
    fn the_variable_name_is_the_sdks() {
        assert_eq!(
            variable_name("ap-southeast-1"),
            "HUAWEICLOUD_SDK_REGION_ECS_AP_SOUTHEAST_1"
        );
        assert_eq!(variable_name("My-Cloud-2"), "HUAWEICLOUD_SDK_REGION_ECS_MY_CLOUD_2");
    }

    #[test]
    fn the_variable_gives_a_trimmed_list_with_https_added() {
        let found = resolve(
            "my-region",
            &env(&[(
                "HUAWEICLOUD_SDK_REGION_ECS_MY_REGION",
                " ecs.a.example , http://127.0.0.1:9/,https://ecs.b.example",
            )]),
        )
        .unwrap();
        assert_eq!(
            shown(&found),
            ["https://ecs.a.example", "http://127.0.0.1:9", "https://ecs.b.example"]
        );
        assert_eq!(
            found.source,
            EndpointSource::Variable("HUAWEICLOUD_SDK_REGION_ECS_MY_REGION".into())
        );
        assert_eq!(found.source.to_string(), "HUAWEICLOUD_SDK_REGION_ECS_MY_REGION");
    }

    #[test]
    fn an_empty_item_or_a_bad_url_in_the_variable_is_an_error_naming_it() {
        for (value, reason) in [
            ("a.example,,b.example", "item 2 of the comma-separated list is empty"),
            ("a.example,", "item 2 of the comma-separated list is empty"),
            (" ,a.example", "item 1 of the comma-separated list is empty"),
            ("ftp://a.example", "the scheme must be http or https"),
            ("https://a.example/path", "path"),
        ] {
            let err = resolve("r", &env(&[("HUAWEICLOUD_SDK_REGION_ECS_R", value)])).unwrap_err();
            let text = err.to_string();
            assert!(text.starts_with("HUAWEICLOUD_SDK_REGION_ECS_R: "), "{value:?}: {text}");
            assert!(text.contains(reason), "{value:?}: {text}");
        }
        // Empty is unset, as for every variable.
        let found = resolve("cn-north-4", &env(&[("HUAWEICLOUD_SDK_REGION_ECS_CN_NORTH_4", "")])).unwrap();
        assert_eq!(found.source, EndpointSource::BuiltIn);
    }

    #[test]
    fn without_overrides_the_built_in_table_and_unknown_regions_name_what_was_consulted() {
        let found = resolve("eu-west-101", &env(&[("HOME", "/nonexistent-home")])).unwrap();
        assert_eq!(shown(&found), ["https://ecs.eu-west-101.myhuaweicloud.com"]);
        assert_eq!(found.source, EndpointSource::BuiltIn);
        let text = resolve("ap-southeast1", &env(&[("HOME", "/nonexistent-home")]))
            .unwrap_err()
            .to_string();
        assert!(
            text.starts_with(
                "unknown region `ap-southeast1` (did you mean `ap-southeast-1`?): \
                 HUAWEICLOUD_SDK_REGION_ECS_AP_SOUTHEAST1 is not set, the regions file \
                 /nonexistent-home/.huaweicloud/regions.yaml does not exist, and the built-in regions are: cn-north-1"
            ),
            "{text}"
        );
        assert!(
            text.contains("ru-moscow-1") && text.ends_with("pass --endpoint URL"),
            "{text}"
        );
    }

    #[test]
    fn the_regions_file_comes_after_the_variable_and_before_the_table() {
        let dir = std::env::temp_dir().join(format!("changeos-endpoints-{}", std::process::id()));
        std::fs::create_dir_all(dir.join(".huaweicloud")).unwrap();
        let file = dir.join(".huaweicloud/regions.yaml");
        std::fs::write(
            &file,
            "ecs:\n  - id: cn-north-4\n    endpoints: [a.example, b.example]\n  - id: private-1\n    endpoint: p.example\n",
        )
        .unwrap();
        let home = dir.to_str().unwrap();
        let found = resolve("cn-north-4", &env(&[("HOME", home)])).unwrap();
        assert_eq!(shown(&found), ["https://a.example", "https://b.example"]);
        assert_eq!(found.source, EndpointSource::File(file.clone()));
        assert_eq!(found.source.to_string(), format!("the regions file {}", file.display()));
        assert_eq!(
            shown(&resolve("private-1", &env(&[("USERPROFILE", home)])).unwrap()),
            ["https://p.example"]
        );
        let found = resolve(
            "cn-north-4",
            &env(&[("HOME", home), ("HUAWEICLOUD_SDK_REGION_ECS_CN_NORTH_4", "v.example")]),
        )
        .unwrap();
        assert_eq!(shown(&found), ["https://v.example"]);
        assert_eq!(
            resolve("cn-north-1", &env(&[("HOME", home)])).unwrap().source,
            EndpointSource::BuiltIn
        );
        let text = resolve("other-1", &env(&[("HOME", home)])).unwrap_err().to_string();
        assert!(
            text.contains(&format!("the regions file {} has no ECS entry for it", file.display())),
            "{text}"
        );
        // Named by the variable: it wins over the default, and must exist.
        let named = dir.join("named.yaml");
        std::fs::write(&named, "ECS:\n  - id: cn-north-1\n    endpoint: n.example\n").unwrap();
        let named_text = named.to_str().unwrap();
        let found = resolve(
            "cn-north-1",
            &env(&[("HOME", home), ("HUAWEICLOUD_SDK_REGIONS_FILE", named_text)]),
        )
        .unwrap();
        assert_eq!(shown(&found), ["https://n.example"]);
        let missing = dir.join("missing.yaml");
        let text = resolve(
            "cn-north-1",
            &env(&[("HUAWEICLOUD_SDK_REGIONS_FILE", missing.to_str().unwrap())]),
        )
        .unwrap_err()
        .to_string();
        assert_eq!(
            text,
            format!(
                "cannot read the regions file {}: no such file (named by HUAWEICLOUD_SDK_REGIONS_FILE)",
                missing.display()
            )
        );
        // The variable answers first: the file is not even read.
        std::fs::write(&file, "not: [valid").unwrap();
        assert!(resolve("cn-north-4", &env(&[("HOME", home)])).is_err());
        assert!(
            resolve(
                "x",
                &env(&[("HOME", home), ("HUAWEICLOUD_SDK_REGION_ECS_X", "x.example")])
            )
            .is_ok()
        );
        std::fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn endpoints_are_never_empty_and_count_round() {
        assert_eq!(Endpoints::from_vec(Vec::new()), None);
        let a = Endpoint::parse("a.example").unwrap();
        let b = Endpoint::parse("b.example").unwrap();
        let both = Endpoints::new(a.clone(), vec![b.clone()]);
        assert_eq!((both.len(), both.at(0), both.at(1), both.at(2)), (2, &a, &b, &a));
        assert_eq!(both.position(&b), Some(1));
        assert_eq!(Endpoints::one(a.clone()).rest(), &[] as &[Endpoint]);
        assert_eq!(
            from_flag("http://127.0.0.1:1").unwrap().endpoints.first().to_string(),
            "http://127.0.0.1:1"
        );
    }
}
