//! `ecsdesk-sim`: serve a simulated AWS fleet on 127.0.0.1 for the ECS Desk demo and tests.

use std::io::Write;
use std::process::ExitCode;

const USAGE: &str = "usage: ecsdesk-sim [--port N] [--scenario NAME|FILE] [--speed X] [--aws-config-out PATH]

  --port N              TCP port on 127.0.0.1 (0 = any free port; default 0)
  --scenario NAME|FILE  built-in scenario (demo, scale:CLUSTERS:SERVICES) or a TOML file (default demo)
  --speed X             simulated seconds per real second (default 1)
  --aws-config-out PATH write an AWS CLI config file with profiles for the scenario's users";

fn parse_args(args: &[String]) -> Result<(ecsdesk_sim::SimConfig, Option<String>), String> {
    let mut config = ecsdesk_sim::SimConfig::default();
    let mut config_out = None;
    let mut it = args.iter();
    while let Some(arg) = it.next() {
        let mut value = |name: &str| {
            it.next()
                .cloned()
                .ok_or_else(|| format!("{name} needs a value"))
        };
        match arg.as_str() {
            "--port" => {
                let v = value("--port")?;
                config.port = v
                    .parse()
                    .map_err(|_| format!("--port: '{v}' is not a port number (0-65535)"))?;
            }
            "--scenario" => config.scenario = value("--scenario")?,
            "--speed" => {
                let v = value("--speed")?;
                config.speed = v
                    .parse()
                    .ok()
                    .filter(|s: &f64| s.is_finite() && *s > 0.0)
                    .ok_or_else(|| format!("--speed: '{v}' is not a positive number"))?;
            }
            "--aws-config-out" => config_out = Some(value("--aws-config-out")?),
            "-h" | "--help" => return Err(String::new()),
            other => return Err(format!("unknown argument '{other}'")),
        }
    }
    Ok((config, config_out))
}

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let (config, config_out) = match parse_args(&args) {
        Ok(parsed) => parsed,
        Err(msg) => {
            if !msg.is_empty() {
                eprintln!("ecsdesk-sim: {msg}");
            }
            eprintln!("{USAGE}");
            return ExitCode::from(2);
        }
    };
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
    {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("ecsdesk-sim: cannot start the runtime: {e}");
            return ExitCode::FAILURE;
        }
    };
    runtime.block_on(async move {
        let handle = match ecsdesk_sim::start(config).await {
            Ok(h) => h,
            Err(e) => {
                eprintln!("ecsdesk-sim: {e}");
                return ExitCode::FAILURE;
            }
        };
        println!("listening on {}", handle.endpoint());
        let _ = std::io::stdout().flush();
        if let Some(path) = config_out {
            if let Err(e) = handle.write_aws_config(std::path::Path::new(&path)) {
                eprintln!("ecsdesk-sim: {e}");
                return ExitCode::FAILURE;
            }
        }
        let _ = tokio::signal::ctrl_c().await;
        handle.shutdown().await;
        ExitCode::SUCCESS
    })
}
