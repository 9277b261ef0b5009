//! The `X-Sdk-Date` timestamp: a UTC time to the second, written `YYYYMMDDTHHMMSSZ`.

use std::fmt;
use std::str::FromStr;

/// Why a string is not a valid `X-Sdk-Date`.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("invalid X-Sdk-Date {value:?}: {reason} (expected YYYYMMDDTHHMMSSZ in UTC, e.g. 20240101T000000Z)")]
pub struct DateError {
    value: String,
    reason: &'static str,
}

impl DateError {
    fn new(value: &str, reason: &'static str) -> Self {
        // The input is a timestamp, never a secret, but it may be arbitrarily long.
        let value = value.chars().take(40).collect();
        DateError { value, reason }
    }

    /// What was wrong with the value.
    pub fn reason(&self) -> &'static str {
        self.reason
    }
}

/// A valid `X-Sdk-Date`: a UTC instant between years 1 and 9999, to the second.
///
/// The only ways to make one are [`SdkDate::parse`] (also [`FromStr`]) and
/// [`SdkDate::from_unix_seconds`], so an `SdkDate` always formats back to a well-formed header
/// value. Parsing is strict: exactly 16 characters, ASCII digits where digits belong, a real
/// calendar date, hours below 24, minutes and seconds below 60 (Python's `datetime`, which the
/// SDK parses with, has no leap second either).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct SdkDate {
    year: u16,
    month: u8,
    day: u8,
    hour: u8,
    minute: u8,
    second: u8,
}

impl SdkDate {
    /// Parses `YYYYMMDDTHHMMSSZ`, e.g. `20240101T000000Z`.
    pub fn parse(value: &str) -> Result<SdkDate, DateError> {
        let bytes = value.as_bytes();
        if bytes.len() != 16 {
            return Err(DateError::new(value, "wrong length"));
        }
        if bytes[8] != b'T' || bytes[15] != b'Z' {
            return Err(DateError::new(value, "missing 'T' or 'Z'"));
        }
        let number = |from: usize, to: usize| -> Result<u16, DateError> {
            bytes[from..to].iter().try_fold(0u16, |acc, &b| {
                if b.is_ascii_digit() {
                    Ok(acc * 10 + u16::from(b - b'0'))
                } else {
                    Err(DateError::new(value, "non-digit where a digit belongs"))
                }
            })
        };
        let year = number(0, 4)?;
        // Every other field has two digits, so it fits in a u8.
        let small = |from: usize| number(from, from + 2).map(|n| n as u8);
        let (month, day) = (small(4)?, small(6)?);
        let (hour, minute, second) = (small(9)?, small(11)?, small(13)?);
        Self::from_fields(year, month, day, hour, minute, second).map_err(|reason| DateError::new(value, reason))
    }

    /// The date of a Unix timestamp (seconds since 1970-01-01T00:00:00Z).
    ///
    /// Lets a caller that reads the clock hand the signer a date without a date crate.
    pub fn from_unix_seconds(seconds: u64) -> Result<SdkDate, DateError> {
        let days = seconds / 86_400;
        let of_day = seconds % 86_400;
        let (year, month, day) = civil_from_days(days);
        let year = u16::try_from(year)
            .ok()
            .filter(|&y| y <= 9999)
            .ok_or_else(|| DateError::new(&seconds.to_string(), "after year 9999"))?;
        // Each part is below 60 or 24, and month/day come from the calendar conversion.
        Ok(SdkDate {
            year,
            month: month as u8,
            day: day as u8,
            hour: (of_day / 3600) as u8,
            minute: (of_day / 60 % 60) as u8,
            second: (of_day % 60) as u8,
        })
    }

    fn from_fields(year: u16, month: u8, day: u8, hour: u8, minute: u8, second: u8) -> Result<SdkDate, &'static str> {
        if year == 0 {
            return Err("year 0000 does not exist");
        }
        if !(1..=12).contains(&month) {
            return Err("month out of range");
        }
        if day == 0 || day > days_in_month(year, month) {
            return Err("day out of range for the month");
        }
        if hour > 23 || minute > 59 || second > 59 {
            return Err("time of day out of range");
        }
        Ok(SdkDate {
            year,
            month,
            day,
            hour,
            minute,
            second,
        })
    }
}

impl FromStr for SdkDate {
    type Err = DateError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        SdkDate::parse(s)
    }
}

impl fmt::Display for SdkDate {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{:04}{:02}{:02}T{:02}{:02}{:02}Z",
            self.year, self.month, self.day, self.hour, self.minute, self.second
        )
    }
}

fn is_leap(year: u16) -> bool {
    (year.is_multiple_of(4) && !year.is_multiple_of(100)) || year.is_multiple_of(400)
}

fn days_in_month(year: u16, month: u8) -> u8 {
    match month {
        2 if is_leap(year) => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

/// Howard Hinnant's `civil_from_days` for days since 1970-01-01 (non-negative only).
fn civil_from_days(days: u64) -> (u64, u64, u64) {
    let z = days + 719_468;
    let era = z / 146_097;
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + u64::from(month <= 2);
    (year, month, day)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_and_formats_back() {
        for text in [
            "20240101T000000Z",
            "20240229T235959Z",
            "00010101T000000Z",
            "99991231T235959Z",
        ] {
            assert_eq!(SdkDate::parse(text).unwrap().to_string(), text);
        }
    }

    #[test]
    fn bad_dates_are_errors_not_panics() {
        let bad = [
            "",
            "2024",
            "20240101T000000",
            "20240101T000000Zx",
            "20240101 000000Z",
            "20240101t000000z",
            "2024-01-01T00:00:00Z",
            "2024010AT000000Z",
            "+2024101T000000Z",
            "20241301T000000Z",
            "20240001T000000Z",
            "20240100T000000Z",
            "20230229T000000Z",
            "21000229T000000Z",
            "20240431T000000Z",
            "20240101T240000Z",
            "20240101T006000Z",
            "20240101T000060Z",
            "00000101T000000Z",
            " 20240101T000000Z",
            "２０２４0101T000000Z",
            "20240101T00000éZ",
        ];
        for text in bad {
            let err = SdkDate::parse(text).expect_err(text);
            assert!(err.to_string().contains("YYYYMMDDTHHMMSSZ"), "{err}");
        }
    }

    #[test]
    fn leap_years() {
        assert!(SdkDate::parse("20000229T000000Z").is_ok());
        assert!(SdkDate::parse("19000229T000000Z").is_err());
    }

    #[test]
    fn from_unix_seconds() {
        let cases = [
            (0, "19700101T000000Z"),
            (1_704_067_200, "20240101T000000Z"),
            (1_709_251_199, "20240229T235959Z"),
            (1_716_192_000, "20240520T080000Z"),
            (253_402_300_799, "99991231T235959Z"),
        ];
        for (seconds, text) in cases {
            assert_eq!(SdkDate::from_unix_seconds(seconds).unwrap().to_string(), text);
        }
        assert!(SdkDate::from_unix_seconds(253_402_300_800).is_err());
        assert!(SdkDate::from_unix_seconds(u64::MAX).is_err());
    }
}
