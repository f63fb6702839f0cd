//! Resident memory of this process, from `/proc/self/status` (Linux).

/// Resident memory now and at its peak.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Status {
    /// VmRSS, KiB.
    pub rss_kb: Option<u64>,
    /// VmHWM (the peak of VmRSS), KiB.
    pub peak_kb: Option<u64>,
}

/// The memory figures of this process (none where `/proc` is missing).
pub fn status() -> Status {
    std::fs::read_to_string("/proc/self/status")
        .map(|text| parse(&text))
        .unwrap_or_default()
}

/// Reads VmRSS and VmHWM out of a `/proc/PID/status` text.
pub fn parse(text: &str) -> Status {
    let field = |name: &str| {
        text.lines()
            .find_map(|l| l.strip_prefix(name))
            .and_then(|rest| rest.trim().trim_end_matches("kB").trim().parse().ok())
    };
    Status {
        rss_kb: field("VmRSS:"),
        peak_kb: field("VmHWM:"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_rss_and_peak() {
        let s = parse("Name:\tx\nVmHWM:\t  51200 kB\nVmRSS:\t   40960 kB\n");
        assert_eq!(s.peak_kb, Some(51_200));
        assert_eq!(s.rss_kb, Some(40_960));
        assert_eq!(parse("nothing"), Status::default());
    }
}
