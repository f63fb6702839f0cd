//! Largest-Triangle-Three-Buckets: reduces a series to the pixels it is drawn in while keeping
//! its peaks, so a week of minutes draws as fast as an hour and still shows the spike. Used by
//! the charts and the fleet sparklines.

/// Largest-Triangle-Three-Buckets: keeps `threshold` points that preserve the shape.
pub fn lttb(points: &[(i64, f64)], threshold: usize) -> Vec<(i64, f64)> {
    let n = points.len();
    if threshold >= n || threshold < 3 {
        return points.to_vec();
    }
    let mut out = Vec::with_capacity(threshold);
    let every = (n - 2) as f64 / (threshold - 2) as f64;
    let mut a = 0usize;
    out.push(points[0]);
    for i in 0..threshold - 2 {
        // Average of the next bucket.
        let next_start = ((i + 1) as f64 * every) as usize + 1;
        let next_end = (((i + 2) as f64 * every) as usize + 1).min(n);
        let next = &points[next_start.min(n - 1)..next_end.max(next_start.min(n - 1) + 1)];
        let (avg_x, avg_y) = next
            .iter()
            .fold((0.0, 0.0), |(sx, sy), (x, y)| (sx + *x as f64, sy + y));
        let count = next.len() as f64;
        let (avg_x, avg_y) = (avg_x / count, avg_y / count);
        // The point of this bucket with the largest triangle.
        let start = (i as f64 * every) as usize + 1;
        let end = (((i + 1) as f64 * every) as usize + 1).min(n - 1);
        let (ax, ay) = (points[a].0 as f64, points[a].1);
        let mut best = start;
        let mut best_area = -1.0;
        for (j, (x, y)) in points
            .iter()
            .enumerate()
            .take(end.max(start + 1))
            .skip(start)
        {
            let area = ((ax - avg_x) * (y - ay) - (ax - *x as f64) * (avg_y - ay)).abs();
            if area > best_area {
                best_area = area;
                best = j;
            }
        }
        out.push(points[best]);
        a = best;
    }
    out.push(points[n - 1]);
    out
}
