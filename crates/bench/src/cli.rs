//! The baseline: the same jobs done with the AWS CLI (from PyPI) against the same simulator,
//! one command after another as a person or a shell script runs them. Every command pays the
//! CLI's start-up; that is part of what users pay today.

use std::path::{Path, PathBuf};
use std::time::Instant;

use serde_json::Value;

use crate::control::{Calls, Control};
use crate::error::BenchError;
use crate::fleet::{DEMO_CLUSTER, DEMO_SERVICE, SCALE_CLUSTER};

/// What the CLI took for one job.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct CliMeasured {
    /// Wall time of each run, milliseconds.
    pub runs_ms: Vec<f64>,
    /// AWS calls of the first run.
    pub calls: Calls,
    /// CLI commands one run takes.
    pub commands: usize,
    /// The CLI version line.
    pub version: String,
}

/// An AWS CLI executable pointed at one simulator.
#[derive(Debug, Clone)]
pub struct AwsCli {
    bin: PathBuf,
    config: PathBuf,
    endpoint: String,
    profile: String,
}

impl AwsCli {
    /// The CLI at `bin` using the AWS config file `config`, endpoint and profile.
    pub fn new(bin: &Path, config: &Path, endpoint: &str, profile: &str) -> AwsCli {
        AwsCli {
            bin: bin.to_path_buf(),
            config: config.to_path_buf(),
            endpoint: endpoint.to_string(),
            profile: profile.to_string(),
        }
    }

    /// Runs `aws ARGS...` with `--output json`; its parsed output (null when empty).
    pub async fn run(&self, args: &[String]) -> Result<Value, BenchError> {
        let mut command = tokio::process::Command::new(&self.bin);
        for (key, _) in std::env::vars() {
            if key.starts_with("AWS_") {
                command.env_remove(key);
            }
        }
        let out = command
            .args(args)
            .args(["--output", "json"])
            .env("AWS_CONFIG_FILE", &self.config)
            .env("AWS_SHARED_CREDENTIALS_FILE", "/dev/null")
            .env("AWS_ENDPOINT_URL", &self.endpoint)
            .env("AWS_PROFILE", &self.profile)
            .env("AWS_EC2_METADATA_DISABLED", "true")
            .kill_on_drop(true)
            .output()
            .await
            .map_err(BenchError::io(format!("running {}", self.bin.display())))?;
        if !out.status.success() {
            return Err(BenchError::Run(format!(
                "aws {} failed ({}): {}",
                args.join(" "),
                out.status,
                String::from_utf8_lossy(&out.stderr).trim()
            )));
        }
        let text = String::from_utf8_lossy(&out.stdout);
        if text.trim().is_empty() {
            return Ok(Value::Null);
        }
        serde_json::from_str(&text).map_err(|e| {
            BenchError::Run(format!("aws {}: output is not JSON: {e}", args.join(" ")))
        })
    }

    /// `aws --version`.
    pub async fn version(&self) -> Result<String, BenchError> {
        let out = tokio::process::Command::new(&self.bin)
            .arg("--version")
            .output()
            .await
            .map_err(BenchError::io(format!("running {}", self.bin.display())))?;
        let text = format!(
            "{}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
        Ok(text.trim().to_string())
    }
}

fn strings(args: &[&str]) -> Vec<String> {
    args.iter().map(|s| s.to_string()).collect()
}

/// Times `job` `runs` times with zeroed counters; the calls of the first run.
async fn timed<F, Fut>(control: &Control, runs: usize, job: F) -> Result<CliMeasured, BenchError>
where
    F: Fn() -> Fut,
    Fut: std::future::Future<Output = Result<usize, BenchError>>,
{
    let mut out = CliMeasured::default();
    for run in 0..runs.max(1) {
        control.reset_calls().await?;
        let t0 = Instant::now();
        out.commands = job().await?;
        out.runs_ms.push(t0.elapsed().as_secs_f64() * 1000.0);
        if run == 0 {
            out.calls = control.calls().await?;
        }
    }
    Ok(out)
}

/// Job (1) by CLI: `aws ecs list-services` (the CLI follows every page itself), then
/// `aws ecs describe-services` for each 10 services (its limit), one command after another.
pub async fn overview(
    cli: &AwsCli,
    control: &Control,
    runs: usize,
) -> Result<CliMeasured, BenchError> {
    let mut out = timed(control, runs, || async {
        let listed = cli
            .run(&strings(&["ecs", "list-services", "--cluster", SCALE_CLUSTER]))
            .await?;
        let arns: Vec<String> = listed
            .get("serviceArns")
            .and_then(Value::as_array)
            .map(|a| a.iter().filter_map(Value::as_str).map(str::to_string).collect())
            .unwrap_or_default();
        if arns.is_empty() {
            return Err(BenchError::Run("aws ecs list-services listed nothing".into()));
        }
        let mut commands = 1;
        for batch in arns.chunks(10) {
            let mut args = strings(&["ecs", "describe-services", "--cluster", SCALE_CLUSTER, "--query", "services[].[serviceName,status,runningCount,desiredCount,deployments[0].rolloutState]", "--services"]);
            args.extend(batch.iter().cloned());
            cli.run(&args).await?;
            commands += 1;
        }
        Ok(commands)
    })
    .await?;
    out.version = cli.version().await?;
    Ok(out)
}

/// Job (3) by CLI: the four commands of runbook 001 as written, with the target group ARN and
/// log group looked up first (the runbook takes them from terraform outputs; not timed).
pub async fn health_check(
    cli: &AwsCli,
    control: &Control,
    runs: usize,
) -> Result<CliMeasured, BenchError> {
    let service = cli
        .run(&strings(&[
            "ecs",
            "describe-services",
            "--cluster",
            DEMO_CLUSTER,
            "--services",
            DEMO_SERVICE,
            "--query",
            "services[0].{tg:loadBalancers[0].targetGroupArn,td:taskDefinition}",
        ]))
        .await?;
    let field = |v: &Value, k: &str| v.get(k).and_then(Value::as_str).map(str::to_string);
    let target_group = field(&service, "tg")
        .ok_or_else(|| BenchError::Run(format!("{DEMO_SERVICE} has no target group")))?;
    let task_definition = field(&service, "td")
        .ok_or_else(|| BenchError::Run(format!("{DEMO_SERVICE} has no task definition")))?;
    let logs = cli
        .run(&strings(&[
            "ecs",
            "describe-task-definition",
            "--task-definition",
            &task_definition,
            "--query",
            "taskDefinition.containerDefinitions[0].logConfiguration.options.\"awslogs-group\"",
        ]))
        .await?;
    let log_group = logs
        .as_str()
        .ok_or_else(|| BenchError::Run(format!("{task_definition} has no awslogs group")))?
        .to_string();
    let mut out = timed(control, runs, || async {
        let hour_ago = (chrono::Utc::now().timestamp() - 3_600) * 1000;
        cli.run(&strings(&["ecs", "describe-services", "--cluster", DEMO_CLUSTER, "--services", DEMO_SERVICE, "--query", "services[0].{Status:status,Running:runningCount,Desired:desiredCount,Pending:pendingCount}"]))
            .await?;
        cli.run(&strings(&["ecs", "list-tasks", "--cluster", DEMO_CLUSTER, "--service-name", DEMO_SERVICE]))
            .await?;
        cli.run(&strings(&["elbv2", "describe-target-health", "--target-group-arn", &target_group]))
            .await?;
        cli.run(&strings(&["logs", "filter-log-events", "--log-group-name", &log_group, "--filter-pattern", "ERROR", "--start-time", &hour_ago.to_string()]))
            .await?;
        Ok(4)
    })
    .await?;
    out.version = cli.version().await?;
    Ok(out)
}
