//! Deterministic mutation fuzzing on stable Rust (the cargo-fuzz targets in `crates/core/fuzz`
//! run the same properties with coverage guidance on nightly): the AWS config/credentials parser
//! behind the profile list, and the simulator's scenario files. Never a panic; errors name the
//! file and a line that exists; what parses lists cleanly.

use std::path::Path;

use ecsdesk_core::aws::profiles::{ConfigFile, FileFlavor};
use ecsdesk_core::CoreError;
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};

const CONFIG: &str = "[default]\nregion = us-east-1\noutput = json\n\n[profile demo-govcloud]\nregion = us-gov-east-1\naws_access_key_id = AKIASIMGOVPROD000001\necsdesk_account_name = tak-govcloud-prod\n\n[sso-session corp]\nsso_start_url = https://corp.awsapps.com/start\nsso_region = us-gov-west-1\n\n[profile dev]\nsso_session = corp\nsso_account_id = 111111111111\nsso_role_name = Dev\nregion = us-gov-west-1\ns3 =\n  max_concurrent_requests = 4\n[profile legacy]\nsso_start_url = https://old.awsapps.com/start\nsso_region = us-east-1\nsso_account_id = 222222222222\nsso_role_name = Ops\n[profile proc]\ncredential_process = /usr/bin/true\n[profile assumed]\nrole_arn = arn:aws:iam::333333333333:role/x\nsource_profile = default\n";

const CREDENTIALS: &str = "[default]\naws_access_key_id = AKIA0000000000000000\naws_secret_access_key = abc/def+ghi\n\n[demo-govcloud]\naws_access_key_id = AKIASIMGOVPROD000001\naws_secret_access_key = s\naws_session_token = t\n";

const SCENARIO: &str = "name = \"fuzz\"\nhistory_days = 0\n\n[[accounts]]\nid = \"123456789012\"\nname = \"team\"\nemail = \"t@example.com\"\npartition = \"aws\"\ndefault_region = \"us-east-1\"\nroles = [{ name = \"OperatorAccess\" }, { name = \"ReadOnlyAccess\", read_only = true }]\n\n[[sso]]\nstart_url = \"https://ecsdesk-demo.awsapps.com/start\"\nregion = \"us-east-1\"\nsession_name = \"ecsdesk-demo\"\nassignments = [{ account = \"123456789012\", roles = [\"OperatorAccess\"] }]\n";

/// Pieces mutations insert.
const PIECES: &[&str] = &[
    "[",
    "]",
    "=",
    "\n",
    "\r\n",
    " ",
    "\t",
    "#",
    ";",
    "\"",
    "'",
    "{",
    "}",
    ",",
    "é",
    "🚀",
    "\\",
    "\0",
    "\u{202e}",
    "\u{feff}",
    "profile ",
    "sso-session ",
    "[[accounts]]",
    "region = ",
    "sso_session = corp",
    "source_profile = ",
    "= =",
    "1e999",
    "-1",
    "true",
    "[]",
    "\"\"\"",
];

/// A random edit of `text`: insert pieces, delete spans, duplicate or swap lines, or flip bytes.
fn mutate(rng: &mut StdRng, text: &str) -> String {
    let mut chars: Vec<char> = text.chars().collect();
    for _ in 0..rng.gen_range(1..8) {
        match rng.gen_range(0..5) {
            0 => {
                let at = rng.gen_range(0..=chars.len());
                let piece = PIECES[rng.gen_range(0..PIECES.len())];
                chars.splice(at..at, piece.chars());
            }
            1 if !chars.is_empty() => {
                let at = rng.gen_range(0..chars.len());
                let end = (at + rng.gen_range(1..12)).min(chars.len());
                chars.drain(at..end);
            }
            2 | 3 => {
                let s: String = chars.iter().collect();
                let mut lines: Vec<&str> = s.lines().collect();
                if lines.len() > 1 {
                    let (i, j) = (rng.gen_range(0..lines.len()), rng.gen_range(0..lines.len()));
                    if rng.gen_bool(0.5) {
                        lines.swap(i, j);
                    } else {
                        lines.insert(i, lines[j]);
                    }
                }
                chars = lines.join("\n").chars().collect();
            }
            _ => {
                // Raw byte damage, read back the way a file reader would (lossy).
                let mut bytes = chars.iter().collect::<String>().into_bytes();
                if !bytes.is_empty() {
                    let at = rng.gen_range(0..bytes.len());
                    bytes[at] = rng.gen();
                }
                chars = String::from_utf8_lossy(&bytes).chars().collect();
            }
        }
    }
    chars.into_iter().collect()
}

/// An error must name the file and a line of the input.
fn check_error(err: &CoreError, text: &str, path: &Path) {
    let lines = text.lines().count().max(1);
    if let CoreError::Config { line, .. } = err {
        assert!(
            *line <= lines + 1,
            "line {line} of {lines}: {err}\n{text:?}"
        );
    }
    assert_eq!(err.code(), "ConfigError", "{err:?}");
    assert!(
        err.to_string().contains(&path.display().to_string()),
        "{err}"
    );
}

#[test]
fn the_profiles_parser_survives_mangled_config_and_credentials_files() {
    let mut rng = StdRng::seed_from_u64(0xc0f1_6f11e5);
    let path = Path::new("/fuzz/config");
    let (mut ok, mut errors) = (0, 0);
    for round in 0..6000 {
        let (seed, flavor) = if round % 3 == 0 {
            (CREDENTIALS, FileFlavor::Credentials)
        } else {
            (CONFIG, FileFlavor::Config)
        };
        let text = mutate(&mut rng, seed);
        let parsed = std::panic::catch_unwind(|| ConfigFile::parse(&text, path, flavor))
            .unwrap_or_else(|_| panic!("panicked on {text:?}"));
        match parsed {
            Ok(file) => {
                ok += 1;
                for profile in file.profiles() {
                    assert!(!profile.name.is_empty(), "{text:?}");
                    // (Brackets inside a name are kept, as the AWS CLI's own reader does.)
                    assert!(
                        !profile.name.contains('\n'),
                        "{:?} from {text:?}",
                        profile.name
                    );
                }
            }
            Err(err) => {
                errors += 1;
                check_error(&err, &text, path);
            }
        }
    }
    assert!(ok > 500 && errors > 100, "ok {ok}, errors {errors}");
}

#[test]
fn the_scenario_parser_survives_mangled_files() {
    let mut rng = StdRng::seed_from_u64(0x5ce7_a110);
    let (mut ok, mut errors) = (0, 0);
    for _ in 0..3000 {
        let text = mutate(&mut rng, SCENARIO);
        let parsed =
            std::panic::catch_unwind(|| ecsdesk_sim::scenario::Scenario::parse("fuzz.toml", &text))
                .unwrap_or_else(|_| panic!("panicked on {text:?}"));
        match parsed {
            Ok(_) => ok += 1,
            Err(err) => {
                errors += 1;
                let message = err.to_string();
                assert!(message.contains("fuzz.toml"), "{message}");
            }
        }
    }
    assert!(ok > 50 && errors > 100, "ok {ok}, errors {errors}");
}
