//! The simulated clock: wall-clock time at start, then `speed` simulated seconds per real second,
//! plus whatever the control API advanced it by.

use std::time::{Instant, SystemTime, UNIX_EPOCH};

/// Simulated time source.
#[derive(Debug, Clone)]
pub struct Clock {
    start_real: Instant,
    start_sim: f64,
    speed: f64,
    offset: f64,
}

impl Clock {
    /// A clock starting at the current wall-clock time.
    pub fn new(speed: f64) -> Self {
        let start_sim = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map(|d| d.as_secs_f64())
            .unwrap_or(0.0);
        Clock {
            start_real: Instant::now(),
            start_sim,
            speed,
            offset: 0.0,
        }
    }

    /// Simulated now, in epoch seconds.
    pub fn now(&self) -> f64 {
        self.start_sim + self.start_real.elapsed().as_secs_f64() * self.speed + self.offset
    }

    /// Jump forward by `seconds` of simulated time.
    pub fn advance(&mut self, seconds: f64) {
        if seconds.is_finite() && seconds > 0.0 {
            self.offset += seconds;
        }
    }

    /// Simulated seconds per real second.
    pub fn speed(&self) -> f64 {
        self.speed
    }

    /// Back to the current wall-clock time, keeping the speed.
    pub fn reset(&mut self) {
        *self = Clock::new(self.speed);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn advance_moves_now_forward_and_ignores_negative() {
        let mut c = Clock::new(1.0);
        let before = c.now();
        c.advance(3600.0);
        c.advance(-100.0);
        let after = c.now();
        assert!(after - before >= 3600.0 && after - before < 3601.0);
    }
}
