//! Regions: the 33 region ids the official SDK knows for ECS, and their endpoints.
//!
//! Every known region's ECS endpoint is `https://ecs.<region>.myhuaweicloud.com` (reference §6).
//! An unknown region id is an error that suggests the nearest known id and lists them all,
//! rather than a guessed host that would fail later with a DNS error.

use std::fmt;

use changeos_runtime::checks::suggest;

use crate::signer::{Endpoint, Scheme};

/// The ECS region ids of the official SDK's built-in table (`EcsRegion`), in its order.
pub const REGIONS: [&str; 33] = [
    "cn-north-1",
    "cn-north-2",
    "cn-north-4",
    "cn-north-9",
    "cn-north-11",
    "cn-north-12",
    "cn-east-2",
    "cn-east-3",
    "cn-east-4",
    "cn-east-5",
    "cn-south-1",
    "cn-south-2",
    "cn-south-4",
    "cn-southwest-2",
    "cn-southwest-3",
    "ap-southeast-1",
    "ap-southeast-2",
    "ap-southeast-3",
    "ap-southeast-4",
    "ap-southeast-5",
    "af-south-1",
    "af-north-1",
    "sa-brazil-1",
    "la-north-2",
    "la-south-2",
    "na-mexico-1",
    "tr-west-1",
    "me-east-1",
    "ae-ad-1",
    "eu-west-0",
    "eu-west-101",
    "my-kualalumpur-1",
    "ru-moscow-1",
];

/// A region id that is not in [`REGIONS`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UnknownRegion {
    /// The id as given.
    pub region: String,
}

impl fmt::Display for UnknownRegion {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "unknown region `{}`", self.region)?;
        if let Some(near) = suggest(&self.region, &REGIONS) {
            write!(f, " (did you mean `{near}`?)")?;
        }
        write!(
            f,
            "; the known regions are: {}. For another endpoint, pass --endpoint URL",
            REGIONS.join(", ")
        )
    }
}

impl std::error::Error for UnknownRegion {}

/// `https://ecs.<region>.myhuaweicloud.com` for a known region id (exact, case-sensitive, as
/// the SDK's table is).
pub fn endpoint(region: &str) -> Result<Endpoint, UnknownRegion> {
    let unknown = || UnknownRegion {
        region: region.to_owned(),
    };
    if !REGIONS.contains(&region) {
        return Err(unknown());
    }
    Endpoint::new(Scheme::Https, &format!("ecs.{region}.myhuaweicloud.com")).map_err(|_| unknown())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_known_region_has_an_https_endpoint() {
        assert_eq!(REGIONS.len(), 33);
        for region in REGIONS {
            let endpoint = endpoint(region).unwrap();
            assert_eq!(endpoint.scheme(), Scheme::Https);
            assert_eq!(endpoint.host(), format!("ecs.{region}.myhuaweicloud.com"));
        }
        let mut sorted = REGIONS.to_vec();
        sorted.sort_unstable();
        sorted.dedup();
        assert_eq!(sorted.len(), 33, "no duplicates");
    }

    #[test]
    fn unknown_regions_are_errors_that_list_the_known_ones() {
        let err = endpoint("AP-SOUTHEAST1").unwrap_err();
        let text = err.to_string();
        assert!(
            text.starts_with("unknown region `AP-SOUTHEAST1` (did you mean `ap-southeast-1`?)"),
            "{text}"
        );
        for region in REGIONS {
            assert!(text.contains(region), "{region} missing from {text}");
        }
        for bad in ["", "AP-SOUTHEAST-1", "ap-southeast-1.evil.example/x", "cn-north-4 "] {
            assert!(endpoint(bad).is_err(), "{bad:?}");
        }
    }
}
