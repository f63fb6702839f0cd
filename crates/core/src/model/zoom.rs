//! Page zoom: the steps Ctrl + / Ctrl − move through (those of the common browsers) and where a
//! change lands. The level is a whole percentage of the normal size.

use serde::{Deserialize, Serialize};
use ts_rs::TS;

/// The zoom levels, in percent, smallest first; 100 is the normal size.
pub const ZOOM_STEPS: [u16; 13] = [50, 67, 75, 80, 90, 100, 110, 125, 150, 175, 200, 250, 300];

/// The normal size, in percent.
pub const NORMAL_ZOOM: u16 = 100;

/// A zoom key the user pressed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub enum ZoomChange {
    /// Ctrl +: one step larger.
    In,
    /// Ctrl −: one step smaller.
    Out,
    /// Ctrl 0: the normal size.
    Reset,
}

/// The step nearest to `percent` (a hand-edited or older value lands on a real step).
pub fn snap(percent: f64) -> u16 {
    if !percent.is_finite() {
        return NORMAL_ZOOM;
    }
    ZOOM_STEPS
        .iter()
        .copied()
        .min_by(|a, b| {
            let da = (f64::from(*a) - percent).abs();
            let db = (f64::from(*b) - percent).abs();
            da.total_cmp(&db)
        })
        .unwrap_or(NORMAL_ZOOM)
}

/// The level after `change` from `current`; at either end a step further stays there.
pub fn apply(current: u16, change: ZoomChange) -> u16 {
    let current = snap(f64::from(current));
    let index = ZOOM_STEPS.iter().position(|s| *s == current).unwrap_or(5);
    match change {
        ZoomChange::Reset => NORMAL_ZOOM,
        ZoomChange::In => ZOOM_STEPS[(index + 1).min(ZOOM_STEPS.len() - 1)],
        ZoomChange::Out => ZOOM_STEPS[index.saturating_sub(1)],
    }
}

/// The scale factor the webview takes for `percent`.
pub fn scale(percent: u16) -> f64 {
    f64::from(percent) / 100.0
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn steps_in_and_out_stop_at_the_ends() {
        assert_eq!(apply(100, ZoomChange::In), 110);
        assert_eq!(apply(100, ZoomChange::Out), 90);
        assert_eq!(apply(300, ZoomChange::In), 300);
        assert_eq!(apply(50, ZoomChange::Out), 50);
        assert_eq!(apply(250, ZoomChange::Reset), 100);
        // From normal size to 200 % takes five presses of Ctrl +.
        let mut z = NORMAL_ZOOM;
        for _ in 0..5 {
            z = apply(z, ZoomChange::In);
        }
        assert_eq!(z, 200);
    }

    #[test]
    fn odd_values_snap_to_the_nearest_step() {
        assert_eq!(snap(199.0), 200);
        assert_eq!(snap(1_000.0), 300);
        assert_eq!(snap(-5.0), 50);
        assert_eq!(snap(f64::NAN), 100);
        assert_eq!(apply(133, ZoomChange::In), 150);
        assert!((scale(175) - 1.75).abs() < f64::EPSILON);
    }
}
