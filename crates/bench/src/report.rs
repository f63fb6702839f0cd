//! The figures as a Markdown report: the machine, the command, one row per job, the AWS CLI side
//! by side, and the calls of each job next to their minimum.

use std::fmt::Write;

use crate::cli::CliMeasured;
use crate::fleet::Sizes;
use crate::jobs::{Job, Measured};
use crate::minimum;

/// The median of `values` (0 when empty).
pub fn median(values: &[f64]) -> f64 {
    let mut v = values.to_vec();
    v.sort_by(f64::total_cmp);
    match v.len() {
        0 => 0.0,
        n if n % 2 == 1 => v[n / 2],
        n => (v[n / 2 - 1] + v[n / 2]) / 2.0,
    }
}

/// Smallest and largest of `values`.
fn range(values: &[f64]) -> (f64, f64) {
    values.iter().fold((f64::INFINITY, 0.0_f64), |(lo, hi), v| {
        (lo.min(*v), hi.max(*v))
    })
}

/// A duration in ms with sensible precision.
fn ms(v: f64) -> String {
    if v >= 10_000.0 {
        format!("{:.1} s", v / 1000.0)
    } else if v >= 100.0 {
        format!("{v:.0} ms")
    } else if v >= 10.0 {
        format!("{v:.1} ms")
    } else {
        format!("{v:.2} ms")
    }
}

fn mb(kb: Option<u64>) -> String {
    kb.map_or("—".into(), |k| format!("{:.1} MB", k as f64 / 1024.0))
}

/// The machine the figures were taken on.
pub fn machine() -> String {
    let read = |p: &str| std::fs::read_to_string(p).unwrap_or_default();
    let cpuinfo = read("/proc/cpuinfo");
    let cpu = cpuinfo
        .lines()
        .find_map(|l| l.strip_prefix("model name"))
        .map(|l| l.trim_start_matches([' ', '\t', ':']).to_string())
        .unwrap_or_else(|| "unknown CPU".into());
    let meminfo = read("/proc/meminfo");
    let ram = meminfo
        .lines()
        .find_map(|l| l.strip_prefix("MemTotal:"))
        .and_then(|l| l.trim().trim_end_matches("kB").trim().parse::<f64>().ok())
        .map_or("? GB".into(), |kb| {
            format!("{:.1} GB", kb / 1024.0 / 1024.0)
        });
    let os = read("/etc/os-release")
        .lines()
        .find_map(|l| l.strip_prefix("PRETTY_NAME="))
        .map(|l| l.trim_matches('"').to_string())
        .unwrap_or_else(|| std::env::consts::OS.into());
    let kernel = read("/proc/sys/kernel/osrelease").trim().to_string();
    let cores = std::thread::available_parallelism().map_or(0, usize::from);
    format!("{cores} cores ({cpu}), {ram} RAM, {os}, Linux {kernel}")
}

/// Everything one bench run measured.
#[derive(Debug, Default)]
pub struct Report {
    /// Fleet sizes and latency.
    pub sizes: Option<Sizes>,
    /// Runs per job.
    pub runs: usize,
    /// App jobs.
    pub jobs: Vec<(Job, Measured)>,
    /// AWS CLI baselines by job.
    pub cli: Vec<(Job, CliMeasured)>,
}

impl Report {
    /// The Markdown text.
    pub fn markdown(&self, command: &str) -> String {
        let mut s = String::new();
        let _ = writeln!(s, "Machine: {}", machine());
        let _ = writeln!(s, "\nCommand: `{command}`");
        if let Some(z) = self.sizes {
            let _ = writeln!(
                s,
                "\nSimulator in the bench process, {} ms added to every AWS call; `scale:1:{}` ({} services in one cluster), the demo scenario (runbook service `coe-etl-prod-Service` behind an ALB), an SSO instance with {} accounts x 2 roles. Each app job runs in a child process of its own (peak memory is that process's VmHWM), with a fresh session each run; times are medians of {} runs unless the row says otherwise.",
                z.latency_ms, z.services, z.services, z.accounts, self.runs
            );
        }
        let _ = writeln!(s, "\n| Job | median | min | max | runs | AWS calls (measured / minimum) | asked again at once | peak RSS |");
        let _ = writeln!(s, "|---|---|---|---|---|---|---|---|");
        for (job, m) in &self.jobs {
            let (lo, hi) = range(&m.runs_ms);
            let (made, least) = minimum::totals(&m.calls, &m.minimum);
            let calls = if m.minimum.is_empty() && made == 0 {
                "none".to_string()
            } else if m.minimum.is_empty() {
                format!("{made}")
            } else {
                format!(
                    "{made} / {least}{}",
                    if m.calls_stable { "" } else { " (varied)" }
                )
            };
            let again = m.repeat_calls.as_ref().map_or("—".into(), |c| {
                format!("{} calls", c.values().sum::<u64>())
            });
            let _ = writeln!(
                s,
                "| {} | {} | {} | {} | {} | {} | {} | {} |",
                job.title(),
                ms(median(&m.runs_ms)),
                ms(lo),
                ms(hi),
                m.runs_ms.len(),
                calls,
                again,
                mb(m.peak_kb),
            );
        }
        if !self.cli.is_empty() {
            let _ = writeln!(s, "\nThe AWS CLI doing jobs (1) and (3) against the same simulators in the same run:\n");
            let _ = writeln!(s, "| Job | AWS CLI median | min | max | runs | commands | AWS calls | app median | app is faster by |");
            let _ = writeln!(s, "|---|---|---|---|---|---|---|---|---|");
            for (job, c) in &self.cli {
                let app = self
                    .jobs
                    .iter()
                    .find(|(j, _)| j == job)
                    .map(|(_, m)| median(&m.runs_ms));
                let (lo, hi) = range(&c.runs_ms);
                let cli = median(&c.runs_ms);
                let _ = writeln!(
                    s,
                    "| {} | {} | {} | {} | {} | {} | {} | {} | {} |",
                    job.title(),
                    ms(cli),
                    ms(lo),
                    ms(hi),
                    c.runs_ms.len(),
                    c.commands,
                    c.calls.values().sum::<u64>(),
                    app.map_or("—".into(), ms),
                    app.filter(|a| *a > 0.0)
                        .map_or("—".into(), |a| format!("{:.0}x", cli / a)),
                );
            }
            if let Some((_, c)) = self.cli.first() {
                let _ = writeln!(s, "\nCLI: `{}`.", c.version);
            }
        }
        let _ = writeln!(
            s,
            "\nCalls per job, measured next to the minimum the API limits allow:\n"
        );
        for (job, m) in &self.jobs {
            if m.minimum.is_empty() && m.calls.is_empty() {
                continue;
            }
            let _ = writeln!(s, "{}:\n", job.title());
            let _ = writeln!(s, "| operation | measured | minimum | why |");
            let _ = writeln!(s, "|---|---|---|---|");
            for c in minimum::compare(&m.calls, &m.minimum) {
                let _ = writeln!(
                    s,
                    "| {} | {} | {} | {} |",
                    c.operation, c.measured, c.minimum, c.why
                );
            }
            let _ = writeln!(s);
        }
        let _ = writeln!(s, "What each job saw:\n");
        for (job, m) in &self.jobs {
            let marks: Vec<String> = m
                .marks_ms
                .iter()
                .map(|(k, v)| format!("{k} after {}", ms(*v)))
                .collect();
            let marks = if marks.is_empty() {
                String::new()
            } else {
                format!(" ({})", marks.join(", "))
            };
            let _ = writeln!(
                s,
                "- {}: {}{marks}; RSS at the end {}.",
                job.title(),
                m.note,
                mb(m.rss_kb)
            );
        }
        s
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn median_of_odd_and_even() {
        assert_eq!(median(&[3.0, 1.0, 2.0]), 2.0);
        assert_eq!(median(&[4.0, 1.0, 2.0, 3.0]), 2.5);
        assert_eq!(median(&[]), 0.0);
        assert_eq!(range(&[2.0, 5.0, 1.0]), (1.0, 5.0));
    }
}
