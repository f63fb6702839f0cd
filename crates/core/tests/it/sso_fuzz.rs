//! Robustness of the sign-in parsers on mangled input (a deterministic, stable-Rust fuzz run):
//! the AWS config reader and the token and registration cache readers never panic, and every
//! error they report names a line that exists in the input.

use std::path::Path;

use ecsdesk_core::aws::sso::cache::{CachedToken, ClientRegistration};
use ecsdesk_core::aws::sso::config::parse_sso_config;
use ecsdesk_core::CoreError;
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};

const CONFIG: &str = "[default]\nregion = us-east-1\n\n[sso-session corp]\nsso_start_url = https://corp.awsapps.com/start\nsso_region = us-gov-west-1\nsso_registration_scopes = sso:account:access\n\n[profile dev]\nsso_session = corp\nsso_account_id = 111111111111\nsso_role_name = Dev\n  s3 =\n    max = 1\n[profile legacy]\nsso_start_url = https://old.awsapps.com/start\nsso_region = us-east-1\n";

const TOKEN: &str = "{\"startUrl\": \"https://corp.awsapps.com/start\", \"region\": \"us-east-1\", \"accessToken\": \"a\", \"expiresAt\": \"2030-01-02T03:04:05Z\", \"clientId\": \"c\", \"clientSecret\": \"s\", \"registrationExpiresAt\": \"2030-03-01T00:00:00.5+00:00\", \"refreshToken\": \"r\"}";

const REGISTRATION: &str = "{\"clientId\": \"c\", \"clientSecret\": \"s\", \"expiresAt\": \"2030-03-01T00:00:00Z\", \"scopes\": [\"sso:account:access\"], \"grantTypes\": [\"authorization_code\"]}";

/// Pieces mutations insert: structure characters, multibyte text and line breaks.
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
    "{",
    "}",
    ",",
    ":",
    "é",
    "🚀",
    "\\",
    "\0",
    "sso-session ",
    "profile ",
    "sso_session = corp",
    "sso_region = ",
    "null",
    "[]",
    "1e999",
];

/// A random edit of `text` (insert, delete, duplicate or swap lines).
fn mutate(rng: &mut StdRng, text: &str) -> String {
    let mut chars: Vec<char> = text.chars().collect();
    for _ in 0..rng.gen_range(1..6) {
        match rng.gen_range(0..4) {
            0 => {
                let at = rng.gen_range(0..=chars.len());
                let piece = PIECES[rng.gen_range(0..PIECES.len())];
                chars.splice(at..at, piece.chars());
            }
            1 if !chars.is_empty() => {
                let at = rng.gen_range(0..chars.len());
                let end = (at + rng.gen_range(1..8)).min(chars.len());
                chars.drain(at..end);
            }
            2 => {
                let s: String = chars.iter().collect();
                let mut lines: Vec<&str> = s.lines().collect();
                if !lines.is_empty() {
                    let i = rng.gen_range(0..lines.len());
                    lines.insert(i, lines[i]);
                }
                chars = lines.join("\n").chars().collect();
            }
            _ => {
                let s: String = chars.iter().collect();
                let mut lines: Vec<&str> = s.lines().collect();
                if lines.len() > 1 {
                    let (i, j) = (rng.gen_range(0..lines.len()), rng.gen_range(0..lines.len()));
                    lines.swap(i, j);
                }
                chars = lines.join("\n").chars().collect();
            }
        }
    }
    chars.into_iter().collect()
}

/// Checks an error's line is within the input.
fn check_line(err: &CoreError, text: &str) {
    let lines = text.lines().count().max(1);
    if let CoreError::Config { line, .. } | CoreError::FileFormat { line, .. } = err {
        assert!(
            *line <= lines + 1,
            "line {line} of {lines}: {err}\n{text:?}"
        );
    }
    assert!(!err.to_string().is_empty());
}

#[test]
fn config_reader_survives_mangled_files() {
    let mut rng = StdRng::seed_from_u64(0x5eed_c0f1);
    let path = Path::new("/fuzz/config");
    let mut errors = 0;
    for _ in 0..4000 {
        let text = mutate(&mut rng, CONFIG);
        match parse_sso_config(&text, path) {
            Ok(cfg) => {
                for s in &cfg.sessions {
                    assert!(!s.start_url.is_empty() && !s.region.is_empty());
                }
            }
            Err(err) => {
                errors += 1;
                assert_eq!(err.code(), "ConfigError", "{err}");
                check_line(&err, &text);
            }
        }
    }
    // The mutations do reach the error paths.
    assert!(errors > 100, "{errors}");
}

#[test]
fn cache_readers_survive_mangled_files() {
    let mut rng = StdRng::seed_from_u64(0x5eed_cac4e);
    let path = Path::new("/fuzz/token.json");
    let (mut ok, mut errors) = (0, 0);
    for _ in 0..4000 {
        let text = mutate(&mut rng, TOKEN);
        match CachedToken::parse(&text, path) {
            Ok(token) => {
                ok += 1;
                // Whatever was read writes back as a file that reads back to the same file
                // (fractional seconds are dropped on writing, as the AWS CLI format has none).
                let json = token.to_cli_json();
                let again = CachedToken::parse(&json, path).unwrap();
                assert_eq!(again.to_cli_json(), json);
                assert_eq!(again.access_token, token.access_token);
                assert!((token.expires_at - again.expires_at).num_milliseconds() < 1000);
            }
            Err(err) => {
                errors += 1;
                check_line(&err, &text);
                assert!(err.to_string().contains("/fuzz/token.json"));
            }
        }
        let text = mutate(&mut rng, REGISTRATION);
        match ClientRegistration::parse(&text, path) {
            Ok(reg) => {
                let json = reg.to_cli_json();
                assert_eq!(
                    ClientRegistration::parse(&json, path)
                        .unwrap()
                        .to_cli_json(),
                    json
                );
            }
            Err(err) => check_line(&err, &text),
        }
    }
    assert!(ok > 10 && errors > 100, "ok {ok}, errors {errors}");
}
