//! A resolved metric evaluated at any time: one minute across its services, the statistics of
//! a period, and the datapoints of a time range within retention.

use super::generate::service_minute;
use super::{Kind, Sample, Series, Stat, RETENTION_SECONDS};

/// Latency percentile relative to the mean, for a quantile q in [0, 1].
fn latency_factor(q: f64) -> f64 {
    0.45 + 1.7 * q.powi(3)
}

impl Series<'_> {
    /// The metric kind.
    pub fn kind(&self) -> Kind {
        self.kind
    }

    /// CloudWatch unit of the metric.
    pub fn unit(&self) -> &'static str {
        self.unit
    }

    /// One minute across the series' services.
    fn minute(&self, t: f64, now: f64) -> Option<Sample> {
        let mut parts = self
            .services
            .iter()
            .filter_map(|s| service_minute(s, self.kind, t, now).map(|m| (s, m)))
            .peekable();
        parts.peek()?;
        let mut total = Sample {
            value: 0.0,
            min: f64::MAX,
            max: f64::MIN,
            count: 0.0,
        };
        let mut n = 0.0;
        let mut weight = 0.0;
        for (_, m) in parts {
            n += 1.0;
            match self.kind {
                // Utilisation of a cluster is the mean over its services.
                Kind::Cpu | Kind::Memory => {
                    total.value += m.value;
                    total.min = total.min.min(m.min);
                    total.max = total.max.max(m.max);
                }
                // Response time is weighted by requests (its sample count).
                Kind::ResponseTime => {
                    total.value += m.value * m.count;
                    weight += m.count;
                    total.min = total.min.min(m.min);
                    total.max = total.max.max(m.max);
                }
                _ => {
                    total.value += m.value;
                    total.min = total.value;
                    total.max = total.value;
                }
            }
            total.count += m.count;
        }
        match self.kind {
            Kind::Cpu | Kind::Memory => total.value /= n,
            Kind::ResponseTime if weight > 0.0 => total.value /= weight,
            _ => {}
        }
        if !matches!(self.kind, Kind::Cpu | Kind::Memory | Kind::ResponseTime) {
            total.count = 1.0;
        }
        Some(total)
    }

    /// The statistics of the period starting at `start` (aligned), with samples up to `now`;
    /// `None` when nothing was published in it.
    pub fn period(&self, start: f64, period: f64, now: f64, stats: &[Stat]) -> Option<Vec<f64>> {
        // Long periods are estimated from at most 60 evenly spaced minutes.
        let step = if period <= 3600.0 {
            60.0
        } else {
            ((period / 60.0 / 60.0).ceil() * 60.0).max(60.0)
        };
        let mut samples = Vec::with_capacity((period / step) as usize + 1);
        let mut t = start;
        let oldest = now - RETENTION_SECONDS;
        while t < start + period && t <= now {
            if t >= oldest {
                if let Some(m) = self.minute(t, now) {
                    samples.push(m);
                }
            }
            t += step;
        }
        if samples.is_empty() {
            return None;
        }
        let scale = step / 60.0;
        let len = samples.len() as f64;
        let gauge = self.kind.is_gauge();
        Some(
            stats
                .iter()
                .map(|stat| match stat {
                    Stat::Average => samples.iter().map(|m| m.value).sum::<f64>() / len,
                    Stat::Maximum => samples.iter().map(|m| m.max).fold(f64::MIN, f64::max),
                    Stat::Minimum => samples.iter().map(|m| m.min).fold(f64::MAX, f64::min),
                    Stat::SampleCount => samples.iter().map(|m| m.count).sum::<f64>() * scale,
                    Stat::Sum if gauge => {
                        samples.iter().map(|m| m.value * m.count).sum::<f64>() * scale
                    }
                    Stat::Sum => samples.iter().map(|m| m.value).sum::<f64>() * scale,
                    Stat::Percentile(p) => {
                        let q = p / 100.0;
                        let mut values: Vec<f64> = samples
                            .iter()
                            .map(|m| match self.kind {
                                Kind::ResponseTime => m.value * latency_factor(q),
                                _ => m.min + (m.max - m.min) * q,
                            })
                            .collect();
                        values.sort_by(f64::total_cmp);
                        let idx = ((values.len() - 1) as f64 * q).round() as usize;
                        values[idx.min(values.len() - 1)]
                    }
                })
                .map(|v| (v * 10_000.0).round() / 10_000.0)
                .collect(),
        )
    }

    /// Datapoints `(period start, statistics)` between `start` and `end`, oldest first.
    pub fn datapoints(
        &self,
        start: f64,
        end: f64,
        period: f64,
        now: f64,
        stats: &[Stat],
    ) -> Vec<(f64, Vec<f64>)> {
        let mut out = Vec::new();
        if period < 1.0 {
            return out;
        }
        let mut t = (start / period).floor() * period;
        let oldest = ((now - RETENTION_SECONDS) / period).floor() * period;
        if t < oldest {
            t = oldest;
        }
        while t < end && t <= now {
            if let Some(values) = self.period(t, period, now, stats) {
                out.push((t, values));
            }
            t += period;
        }
        out
    }
}
