//! Timestamps for the workloads: milliseconds since the Unix epoch, printed as UTC ISO 8601.

/// 2024-05-01T00:00:00Z in milliseconds: every workload's clock starts here.
pub(crate) const START_MS: i64 = 1_714_521_600_000;

/// The civil date (year, month, day) of a day count since 1970-01-01 (proleptic Gregorian).
fn civil(days: i64) -> (i64, u32, u32) {
    // Shift the epoch to 0000-03-01 so leap days fall at the end of a 400-year era.
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let month = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    let year = yoe + era * 400 + i64::from(month <= 2);
    (year, month, day)
}

fn parts(ms: i64) -> (i64, u32, u32, i64, i64, i64, i64) {
    let secs = ms.div_euclid(1000);
    let milli = ms.rem_euclid(1000);
    let (y, mo, d) = civil(secs.div_euclid(86_400));
    let sod = secs.rem_euclid(86_400);
    (y, mo, d, sod / 3600, sod % 3600 / 60, sod % 60, milli)
}

/// `YYYY-MM-DDTHH:MM:SSZ` (whole seconds).
pub(crate) fn iso_seconds(ms: i64) -> String {
    let (y, mo, d, h, mi, s, _) = parts(ms);
    format!("{y:04}-{mo:02}-{d:02}T{h:02}:{mi:02}:{s:02}Z")
}

/// `YYYY-MM-DDTHH:MM:SS.mmmZ` (log-line style).
pub(crate) fn iso_millis(ms: i64) -> String {
    let (y, mo, d, h, mi, s, milli) = parts(ms);
    format!("{y:04}-{mo:02}-{d:02}T{h:02}:{mi:02}:{s:02}.{milli:03}Z")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn known_instants() {
        assert_eq!(iso_seconds(START_MS), "2024-05-01T00:00:00Z");
        assert_eq!(iso_seconds(0), "1970-01-01T00:00:00Z");
        // 2024 is a leap year: 29 Feb exists.
        assert_eq!(iso_seconds(1_709_164_800_000), "2024-02-29T00:00:00Z");
        assert_eq!(
            iso_millis(START_MS + 86_400_000 * 31 + 3_723_045),
            "2024-06-01T01:02:03.045Z"
        );
    }
}
