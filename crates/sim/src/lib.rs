//! An AWS-compatible simulator of a whole ECS fleet, for the ECS Desk demo and tests.
//!
//! One loopback port serves ECS, CloudWatch, CloudWatch Logs, ELBv2, STS, SSO and SSO OIDC with
//! their real wire protocols, so unmodified AWS clients work against it through an endpoint
//! override. Requests are routed by protocol and signature (`server`), decoded into a normalised
//! input (`protocol`), checked against the issued credentials (`auth`), and answered by one module
//! per AWS service from a single simulated `world` that advances on a simulated clock (`clock`,
//! `engine`). Tests drive it through the control API (`control`) with the `Control` client.

pub mod auth;
pub mod autoscaling;
pub mod clock;
pub mod cloudtrail;
pub mod cloudwatch;
pub mod control;
pub mod control_client;
pub mod ecs;
pub mod elbv2;
pub mod engine;
pub mod error;
pub mod federation;
pub mod ids;
pub mod logs;
pub mod metrics;
pub mod oidc;
pub mod page_token;
pub mod protocol;
pub mod scenario;
pub mod server;
pub mod shape;
pub mod sso;
pub mod sts;
pub mod world;

use std::net::SocketAddr;
use std::path::Path;
use std::sync::{Arc, Mutex};

pub use control_client::{Calls, Control};
pub use error::SimError;

/// How to start a simulator.
#[derive(Debug, Clone)]
pub struct SimConfig {
    /// TCP port on 127.0.0.1; 0 picks any free port.
    pub port: u16,
    /// Built-in scenario name (`demo`, `scale:CLUSTERS:SERVICES`) or a path to a TOML file.
    pub scenario: String,
    /// Simulated seconds per real second.
    pub speed: f64,
}

impl Default for SimConfig {
    fn default() -> Self {
        SimConfig {
            port: 0,
            scenario: "demo".into(),
            speed: 1.0,
        }
    }
}

/// The shared state every request handler works on.
pub type SharedWorld = Arc<Mutex<world::World>>;

/// A running simulator; dropping it does not stop the server, `shutdown` does.
pub struct SimHandle {
    addr: SocketAddr,
    world: SharedWorld,
    stop: tokio::sync::oneshot::Sender<()>,
    task: tokio::task::JoinHandle<()>,
}

impl SimHandle {
    /// The base URL to use as `AWS_ENDPOINT_URL`.
    pub fn endpoint(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// The bound port.
    pub fn port(&self) -> u16 {
        self.addr.port()
    }

    /// A client of this simulator's control API (`/_sim/...`).
    pub fn control(&self) -> Control {
        Control::on_port(self.port())
    }

    /// Direct access to the simulated world (tests only; the app never has it).
    pub fn world(&self) -> SharedWorld {
        self.world.clone()
    }

    /// Write an AWS CLI config file with a profile per scenario IAM user and SSO instance.
    pub fn write_aws_config(&self, path: &Path) -> Result<(), SimError> {
        let text = {
            let world = self.world.lock().map_err(|_| SimError::Poisoned)?;
            scenario::aws_config_text(&world)
        };
        std::fs::write(path, text).map_err(|e| SimError::Io {
            path: path.display().to_string(),
            source: e,
        })
    }

    /// Stop serving and wait for the server task to end.
    pub async fn shutdown(self) {
        let _ = self.stop.send(());
        let _ = self.task.await;
    }
}

/// Load the scenario, bind 127.0.0.1 and serve until `SimHandle::shutdown`.
pub async fn start(config: SimConfig) -> Result<SimHandle, SimError> {
    let scenario = scenario::Scenario::load(&config.scenario)?;
    let world = world::World::from_scenario(scenario, clock::Clock::new(config.speed))?;
    let world: SharedWorld = Arc::new(Mutex::new(world));
    let listener = tokio::net::TcpListener::bind(("127.0.0.1", config.port))
        .await
        .map_err(|e| SimError::Bind {
            port: config.port,
            source: e,
        })?;
    let addr = listener.local_addr().map_err(|e| SimError::Bind {
        port: config.port,
        source: e,
    })?;
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let task = tokio::spawn(server::serve(listener, world.clone(), stopped));
    Ok(SimHandle {
        addr,
        world,
        stop,
        task,
    })
}
