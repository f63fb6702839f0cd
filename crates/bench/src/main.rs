//! `ecsdesk-bench`: starts the simulators, runs each job in a child process of its own (so its
//! peak memory is its own), runs the AWS CLI baseline, and prints (and saves) the Markdown report.
//!
//! Usage: ecsdesk-bench [--runs N] [--cli-runs N] [--cli-overview-runs N] [--accounts-runs N]
//!        [--services N] [--accounts N] [--latency-ms N] [--jobs a,b] [--aws PATH] [--no-cli]
//!        [--out FILE]

use std::path::PathBuf;
use std::process::ExitCode;

use ecsdesk_bench::cli::{self, AwsCli};
use ecsdesk_bench::control::Control;
use ecsdesk_bench::fleet::{Endpoints, Fleet, Sizes};
use ecsdesk_bench::jobs::{self, Job, Measured};
use ecsdesk_bench::report::{median, Report};
use ecsdesk_bench::BenchError;

/// Command-line options.
#[derive(Debug)]
struct Options {
    runs: usize,
    cli_runs: usize,
    cli_overview_runs: usize,
    accounts_runs: usize,
    sizes: Sizes,
    jobs: Vec<Job>,
    aws: Option<PathBuf>,
    out: Option<PathBuf>,
    child: Option<(Job, Endpoints)>,
}

fn parse(args: &[String]) -> Result<Options, String> {
    let mut o = Options {
        runs: 7,
        cli_runs: 3,
        cli_overview_runs: 1,
        accounts_runs: 1,
        sizes: Sizes {
            services: 1_000,
            accounts: 200,
            latency_ms: 20,
        },
        jobs: Job::ALL.to_vec(),
        aws: None,
        out: None,
        child: None,
    };
    let mut it = args.iter();
    let mut child_job = None;
    let mut child_endpoints = None;
    while let Some(flag) = it.next() {
        let mut value = || it.next().cloned().ok_or(format!("{flag} needs a value"));
        let number = |v: String| {
            v.parse::<usize>()
                .map_err(|_| format!("{flag}: {v} is not a number"))
        };
        match flag.as_str() {
            "--runs" => o.runs = number(value()?)?,
            "--cli-runs" => o.cli_runs = number(value()?)?,
            "--cli-overview-runs" => o.cli_overview_runs = number(value()?)?,
            "--accounts-runs" => o.accounts_runs = number(value()?)?,
            "--services" => o.sizes.services = number(value()?)?,
            "--accounts" => o.sizes.accounts = number(value()?)?,
            "--latency-ms" => o.sizes.latency_ms = number(value()?)? as u64,
            "--jobs" => {
                o.jobs = value()?
                    .split(',')
                    .map(|n| Job::from_name(n.trim()).ok_or(format!("no job called {n}")))
                    .collect::<Result<_, _>>()?
            }
            "--aws" => o.aws = Some(PathBuf::from(value()?)),
            "--no-cli" => o.aws = Some(PathBuf::new()),
            "--out" => o.out = Some(PathBuf::from(value()?)),
            "--child" => {
                let name = value()?;
                child_job = Some(Job::from_name(&name).ok_or(format!("no job called {name}"))?)
            }
            "--endpoints" => {
                child_endpoints =
                    Some(serde_json::from_str(&value()?).map_err(|e| format!("--endpoints: {e}"))?)
            }
            "-h" | "--help" => return Err(String::new()),
            other => return Err(format!("unknown option {other}")),
        }
    }
    if let (Some(job), Some(endpoints)) = (child_job, child_endpoints) {
        o.child = Some((job, endpoints));
    }
    Ok(o)
}

/// Child mode: run one job and print its figures as one JSON line.
async fn child(job: Job, endpoints: Endpoints, runs: usize) -> Result<(), BenchError> {
    let measured = jobs::run(job, &endpoints, runs).await?;
    let line = serde_json::to_string(&measured).map_err(|e| BenchError::Run(e.to_string()))?;
    println!("{line}");
    Ok(())
}

/// Runs `job` in a child process of this binary; its figures.
async fn in_child(job: Job, endpoints: &Endpoints, runs: usize) -> Result<Measured, BenchError> {
    let exe = std::env::current_exe().map_err(BenchError::io("finding the bench binary"))?;
    let endpoints = serde_json::to_string(endpoints).map_err(|e| BenchError::Run(e.to_string()))?;
    let out = tokio::process::Command::new(exe)
        .args([
            "--child",
            job.name(),
            "--endpoints",
            &endpoints,
            "--runs",
            &runs.to_string(),
        ])
        .kill_on_drop(true)
        .output()
        .await
        .map_err(BenchError::io(format!("starting the {} job", job.name())))?;
    let stdout = String::from_utf8_lossy(&out.stdout);
    if !out.status.success() {
        return Err(BenchError::Run(format!(
            "the {} job failed ({}): {}",
            job.name(),
            out.status,
            String::from_utf8_lossy(&out.stderr).trim()
        )));
    }
    let line = stdout.lines().last().unwrap_or_default();
    serde_json::from_str(line)
        .map_err(|e| BenchError::Run(format!("the {} job printed {line:?}: {e}", job.name())))
}

/// The AWS CLI to compare with: `--aws`, `$ECSDESK_AWS_CLI`, or target/pyvenv/bin/aws.
fn find_cli(given: &Option<PathBuf>) -> Option<PathBuf> {
    if let Some(p) = given {
        return (!p.as_os_str().is_empty()).then(|| p.clone());
    }
    if let Ok(p) = std::env::var("ECSDESK_AWS_CLI") {
        return Some(PathBuf::from(p));
    }
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../..");
    let venv = root.join("target/pyvenv/bin/aws");
    venv.exists().then_some(venv)
}

async fn bench(o: &Options) -> Result<Report, BenchError> {
    let dir = std::env::temp_dir().join(format!("ecsdesk-bench-{}", std::process::id()));
    eprintln!(
        "starting simulators: scale:1:{}, demo, SSO with {} accounts; {} ms per call",
        o.sizes.services, o.sizes.accounts, o.sizes.latency_ms
    );
    let fleet = Fleet::start(o.sizes, &dir).await?;
    let endpoints = fleet.endpoints();
    let mut report = Report {
        sizes: Some(o.sizes),
        runs: o.runs,
        ..Report::default()
    };
    let result = async {
        for job in &o.jobs {
            let runs = match job {
                Job::Accounts => o.accounts_runs,
                Job::Memory => 1,
                _ => o.runs,
            };
            eprintln!("app: {} ({runs} runs)", job.title());
            let m = in_child(*job, &endpoints, runs).await?;
            eprintln!("  median {:.1} ms, {} calls", median(&m.runs_ms), m.calls.values().sum::<u64>());
            report.jobs.push((*job, m));
        }
        if let Some(bin) = find_cli(&o.aws) {
            let (scale_config, demo_config) = fleet.write_cli_configs()?;
            if o.jobs.contains(&Job::Overview) {
                eprintln!("AWS CLI: {} ({} runs)", Job::Overview.title(), o.cli_overview_runs);
                let aws = AwsCli::new(&bin, &scale_config, &endpoints.scale, "demo-commercial");
                let m = cli::overview(&aws, &Control::new(&endpoints.scale), o.cli_overview_runs).await?;
                eprintln!("  median {:.0} ms", median(&m.runs_ms));
                report.cli.push((Job::Overview, m));
            }
            if o.jobs.contains(&Job::HealthCheck) {
                eprintln!("AWS CLI: {} ({} runs)", Job::HealthCheck.title(), o.cli_runs);
                let aws = AwsCli::new(&bin, &demo_config, &endpoints.demo, "demo-govcloud");
                let m = cli::health_check(&aws, &Control::new(&endpoints.demo), o.cli_runs).await?;
                eprintln!("  median {:.0} ms", median(&m.runs_ms));
                report.cli.push((Job::HealthCheck, m));
            }
        } else {
            eprintln!("no AWS CLI found (target/pyvenv/bin/aws, $ECSDESK_AWS_CLI or --aws): baseline skipped");
        }
        Ok::<(), BenchError>(())
    }
    .await;
    fleet.shutdown().await;
    let _ = std::fs::remove_dir_all(&dir);
    result.map(|()| report)
}

#[tokio::main]
async fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let o = match parse(&args) {
        Ok(o) => o,
        Err(message) => {
            if !message.is_empty() {
                eprintln!("ecsdesk-bench: {message}");
            }
            eprintln!("usage: ecsdesk-bench [--runs N] [--cli-runs N] [--cli-overview-runs N] [--accounts-runs N] [--services N] [--accounts N] [--latency-ms N] [--jobs overview,service-page,health-check,accounts,chart,memory] [--aws PATH | --no-cli] [--out FILE]");
            return ExitCode::from(2);
        }
    };
    if let Some((job, endpoints)) = o.child.clone() {
        return match child(job, endpoints, o.runs).await {
            Ok(()) => ExitCode::SUCCESS,
            Err(e) => {
                eprintln!("{e}");
                ExitCode::FAILURE
            }
        };
    }
    match bench(&o).await {
        Ok(report) => {
            // bench.sh names itself; a direct run names the binary.
            let command = std::env::var("ECSDESK_BENCH_COMMAND")
                .unwrap_or_else(|_| format!("ecsdesk-bench {}", args.join(" ")));
            let text = report.markdown(&command);
            println!("{text}");
            if let Some(path) = &o.out {
                if let Err(e) = std::fs::write(path, &text) {
                    eprintln!("could not write {}: {e}", path.display());
                    return ExitCode::FAILURE;
                }
                eprintln!("report written to {}", path.display());
            }
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("ecsdesk-bench: {e}");
            ExitCode::FAILURE
        }
    }
}
