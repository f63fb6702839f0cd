//! Comparing secrets without leaking, through timing, how much of a guess was right.

/// Whether `a` and `b` are equal, taking the same time wherever they differ (only their lengths,
/// which are not secret for the values compared here, decide early).
pub fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    if a.len() != b.len() {
        return false;
    }
    let diff = a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y));
    // `black_box` keeps the optimiser from turning the fold back into an early-exit comparison.
    std::hint::black_box(diff) == 0
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn equal_only_when_every_byte_matches() {
        assert!(constant_time_eq(b"state-123", b"state-123"));
        assert!(constant_time_eq(b"", b""));
        assert!(!constant_time_eq(b"state-123", b"state-124"));
        assert!(!constant_time_eq(b"xtate-123", b"state-123"));
        assert!(!constant_time_eq(b"state-12", b"state-123"));
        assert!(!constant_time_eq(b"state-123", b""));
    }
}
