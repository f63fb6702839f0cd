//! The simulated fleets the jobs run against, each in this process with a per-call latency:
//! `scale:1:N` (one cluster of N services per partition), the demo scenario (a service behind an
//! ALB with logs and metrics, as in runbook 001), and an SSO instance with many accounts.

use std::path::{Path, PathBuf};

use ecsdesk_sim::{SimConfig, SimHandle};
use serde::{Deserialize, Serialize};

use crate::control::Control;
use crate::error::BenchError;

/// The commercial demo account's operator keys (also in the scale scenario).
pub const COMMERCIAL_KEYS: (&str, &str) = (
    "AKIASIMCOMSTAGE00001",
    "simComStageSecret000000000000000000000001",
);
/// The GovCloud demo account's operator keys.
pub const GOVCLOUD_KEYS: (&str, &str) = (
    "AKIASIMGOVPROD000001",
    "simGovProdSecret0000000000000000000000001",
);
/// The scale scenario's cluster in each account.
pub const SCALE_CLUSTER: &str = "scale-cluster-00";
/// The runbook's cluster and service in the demo scenario (GovCloud, behind `coe-prod-alb`).
pub const DEMO_CLUSTER: &str = "coe-ecs-prod";
/// See [`DEMO_CLUSTER`].
pub const DEMO_SERVICE: &str = "coe-etl-prod-Service";
/// The sso-session of the many-accounts instance.
pub const SSO_SESSION: &str = "ecsdesk-bench";
/// Its start URL.
pub const SSO_START_URL: &str = "https://ecsdesk-bench.awsapps.com/start";

/// How big the fleets are.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Sizes {
    /// Services in the scale cluster.
    pub services: usize,
    /// Accounts in the SSO instance (two roles each).
    pub accounts: usize,
    /// Latency added to every AWS call, milliseconds.
    pub latency_ms: u64,
}

/// Where each simulator listens (what a job child process is told).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Endpoints {
    /// The `scale:1:N` simulator.
    pub scale: String,
    /// The demo simulator.
    pub demo: String,
    /// The many-accounts SSO simulator.
    pub sso: String,
}

/// The running simulators.
pub struct Fleet {
    scale: SimHandle,
    demo: SimHandle,
    sso: SimHandle,
    dir: PathBuf,
}

impl Fleet {
    /// Starts the three simulators with `sizes`, writing scratch files under `dir`.
    pub async fn start(sizes: Sizes, dir: &Path) -> Result<Fleet, BenchError> {
        std::fs::create_dir_all(dir)
            .map_err(BenchError::io(format!("creating {}", dir.display())))?;
        let scenario = dir.join("sso-accounts.toml");
        std::fs::write(&scenario, accounts_scenario(sizes.accounts))
            .map_err(BenchError::io(format!("writing {}", scenario.display())))?;
        let start = |scenario: String| {
            ecsdesk_sim::start(SimConfig {
                port: 0,
                scenario,
                speed: 1.0,
            })
        };
        let scale = start(format!("scale:1:{}", sizes.services)).await?;
        let demo = start("demo".into()).await?;
        let sso = start(scenario.display().to_string()).await?;
        let fleet = Fleet {
            scale,
            demo,
            sso,
            dir: dir.to_path_buf(),
        };
        for endpoint in [
            fleet.scale.endpoint(),
            fleet.demo.endpoint(),
            fleet.sso.endpoint(),
        ] {
            Control::new(&endpoint)
                .set_latency(sizes.latency_ms)
                .await?;
        }
        Ok(fleet)
    }

    /// Where each simulator listens.
    pub fn endpoints(&self) -> Endpoints {
        Endpoints {
            scale: self.scale.endpoint(),
            demo: self.demo.endpoint(),
            sso: self.sso.endpoint(),
        }
    }

    /// Writes an AWS CLI config for the scale and the demo simulators; their paths.
    pub fn write_cli_configs(&self) -> Result<(PathBuf, PathBuf), BenchError> {
        let scale = self.dir.join("aws-config-scale");
        let demo = self.dir.join("aws-config-demo");
        self.scale.write_aws_config(&scale)?;
        self.demo.write_aws_config(&demo)?;
        Ok((scale, demo))
    }

    /// Stops every simulator.
    pub async fn shutdown(self) {
        self.scale.shutdown().await;
        self.demo.shutdown().await;
        self.sso.shutdown().await;
    }
}

/// A scenario with one SSO instance assigned to `n` commercial accounts with two roles each.
pub fn accounts_scenario(n: usize) -> String {
    let mut text = String::from("name = \"bench-sso\"\nhistory_days = 0\n");
    let mut assignments = Vec::with_capacity(n);
    for i in 0..n {
        let id = format!("3{i:011}");
        text.push_str(&format!(
            "\n[[accounts]]\nid = \"{id}\"\nname = \"team-{i:03}\"\nemail = \"team{i}@example.com\"\npartition = \"aws\"\ndefault_region = \"us-east-1\"\nroles = [{{ name = \"OperatorAccess\" }}, {{ name = \"ReadOnlyAccess\", read_only = true }}]\n"
        ));
        assignments.push(format!(
            "{{ account = \"{id}\", roles = [\"OperatorAccess\", \"ReadOnlyAccess\"] }}"
        ));
    }
    text.push_str(&format!(
        "\n[[sso]]\nstart_url = \"{SSO_START_URL}\"\nregion = \"us-east-1\"\nsession_name = \"{SSO_SESSION}\"\nassignments = [{}]\n",
        assignments.join(", ")
    ));
    text
}
