//! The `ecsdesk-sim` binary: first line, start-up time, AWS config output, argument errors.

use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

#[test]
fn binary_starts_fast_and_writes_the_demo_profiles() {
    let dir = std::env::temp_dir().join(format!("ecsdesk-sim-binary-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("temp dir");
    let config = dir.join("config");
    let _ = std::fs::remove_file(&config);
    let started = Instant::now();
    let mut child = Command::new(env!("CARGO_BIN_EXE_ecsdesk-sim"))
        .args(["--port", "0", "--aws-config-out"])
        .arg(&config)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn ecsdesk-sim");
    let stdout = child.stdout.take().expect("stdout");
    let mut line = String::new();
    let read = BufReader::new(stdout).read_line(&mut line);
    let startup = started.elapsed();
    println!("ecsdesk-sim printed its first line after {startup:?}");
    let result = (|| {
        read.map_err(|e| format!("reading stdout: {e}"))?;
        let url = line
            .trim_end()
            .strip_prefix("listening on http://127.0.0.1:")
            .ok_or_else(|| format!("unexpected first line {line:?}"))?;
        let port: u16 = url.parse().map_err(|_| format!("bad port in {line:?}"))?;
        if port == 0 {
            return Err("port 0 announced".to_string());
        }
        if startup >= Duration::from_secs(1) {
            return Err(format!("start-up took {startup:?}"));
        }
        // The config file follows the first line.
        let deadline = Instant::now() + Duration::from_secs(5);
        let text = loop {
            match std::fs::read_to_string(&config) {
                Ok(t) if t.contains("[sso-session ecsdesk-demo-gov]") => break t,
                _ if Instant::now() > deadline => return Err("no config file".into()),
                _ => std::thread::sleep(Duration::from_millis(20)),
            }
        };
        for needle in [
            "[profile demo-govcloud]",
            "aws_access_key_id = AKIASIMGOVPROD000001",
            "[profile demo-commercial]",
            "aws_secret_access_key = simComStageSecret000000000000000000000001",
            "[sso-session ecsdesk-demo]",
            "sso_start_url = https://ecsdesk-demo.awsapps.com/start",
            "[profile tak-govcloud-prod-OperatorAccess]",
            "[profile tak-govcloud-prod-ReadOnlyAccess]",
        ] {
            if !text.contains(needle) {
                return Err(format!("config lacks {needle:?}:\n{text}"));
            }
        }
        // It serves: a TCP connection is accepted on the announced port.
        std::net::TcpStream::connect(("127.0.0.1", port))
            .map_err(|e| format!("connect to {port}: {e}"))?;
        Ok(())
    })();
    let _ = child.kill();
    let _ = child.wait();
    let _ = std::fs::remove_dir_all(&dir);
    if let Err(e) = result {
        panic!("{e}");
    }
}

#[test]
fn bad_arguments_and_scenarios_fail_with_a_message() {
    let out = Command::new(env!("CARGO_BIN_EXE_ecsdesk-sim"))
        .args(["--port", "0", "--scenario", "/nonexistent/scenario.toml"])
        .output()
        .expect("run ecsdesk-sim");
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("/nonexistent/scenario.toml"), "{err}");
    let out = Command::new(env!("CARGO_BIN_EXE_ecsdesk-sim"))
        .args(["--speed", "fast"])
        .output()
        .expect("run ecsdesk-sim");
    assert_eq!(out.status.code(), Some(2));
}

#[test]
fn a_scenario_file_with_an_error_names_its_line() {
    let dir = std::env::temp_dir().join(format!("ecsdesk-sim-badfile-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("temp dir");
    let file = dir.join("bad.toml");
    std::fs::write(
        &file,
        "name = \"bad\"\n[[accounts]]\nid = \"210987654321\"\nname = \"x\"\npartition = \"aws\"\ndefault_region = 7\n",
    )
    .expect("write");
    let out = Command::new(env!("CARGO_BIN_EXE_ecsdesk-sim"))
        .arg("--scenario")
        .arg(&file)
        .output()
        .expect("run ecsdesk-sim");
    let _ = std::fs::remove_dir_all(&dir);
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("bad.toml") && err.contains("line 6"), "{err}");
}
