//! The AWS config file: reading sso-sessions and SSO profiles, adding an sso-session exactly as
//! the AWS CLI writes it, and refusing malformed files and duplicates without touching the file.

use std::path::Path;

use ecsdesk_core::aws::sso::{add_sso_session, read_sso_config};
use ecsdesk_core::Partition;

const EXISTING: &str = "# my settings\r\n[default]\r\nregion=us-west-2   \r\n\r\n[profile  odd ]\r\noutput = json ; comment\r\ns3 =\r\n  max_concurrent_requests = 20\r\n[sso-session corp]\r\nsso_start_url = https://corp.awsapps.com/start\r\nsso_region = us-east-1\r\n[profile corp-dev]\r\nsso_session = corp\r\nsso_account_id = 111111111111\r\nsso_role_name = Dev\r\n# no newline at the end";

#[cfg(unix)]
fn mode(path: &Path) -> u32 {
    use std::os::unix::fs::PermissionsExt;
    std::fs::metadata(path).unwrap().permissions().mode() & 0o777
}

#[test]
fn adding_a_session_appends_the_cli_format_and_keeps_every_byte() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("config");
    std::fs::write(&path, EXISTING).unwrap();
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o640)).unwrap();
    }
    let session = add_sso_session(
        &path,
        "ecsdesk-demo-gov",
        "https://start.us-gov-home.awsapps.com/directory/ecsdesk-demo",
        "us-gov-west-1",
    )
    .unwrap();
    assert_eq!(session.partition, Partition::AwsUsGov);
    let after = std::fs::read_to_string(&path).unwrap();
    assert_eq!(
        after,
        format!(
            "{EXISTING}\n[sso-session ecsdesk-demo-gov]\nsso_start_url = https://start.us-gov-home.awsapps.com/directory/ecsdesk-demo\nsso_region = us-gov-west-1\nsso_registration_scopes = sso:account:access\n"
        )
    );
    #[cfg(unix)]
    assert_eq!(mode(&path), 0o640, "the file keeps its mode");

    let cfg = read_sso_config(&path).unwrap();
    let added = cfg.session("ecsdesk-demo-gov").unwrap();
    assert_eq!(added.region, "us-gov-west-1");
    assert_eq!(added.registration_scopes, vec!["sso:account:access"]);
    assert_eq!(cfg.session("corp").unwrap().partition, Partition::Aws);
    assert_eq!(cfg.profiles.len(), 1);

    // A second session goes right after, still in the CLI's layout.
    add_sso_session(
        &path,
        "ecsdesk-demo",
        "https://ecsdesk-demo.awsapps.com/start",
        "us-east-1",
    )
    .unwrap();
    let again = std::fs::read_to_string(&path).unwrap();
    assert!(again.starts_with(&after));
    assert!(again.ends_with("[sso-session ecsdesk-demo]\nsso_start_url = https://ecsdesk-demo.awsapps.com/start\nsso_region = us-east-1\nsso_registration_scopes = sso:account:access\n"));
    // No temporary files are left next to it.
    let names: Vec<_> = std::fs::read_dir(dir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .collect();
    assert_eq!(names.len(), 1, "{names:?}");
    // The core's profile reader understands the result too.
    let parsed = ecsdesk_core::aws::profiles::read_file(
        &path,
        ecsdesk_core::aws::profiles::FileFlavor::Config,
    )
    .unwrap();
    assert!(parsed.sso_session("ecsdesk-demo").is_some());
}

#[test]
fn a_new_config_file_is_created_private() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("nested").join("config");
    add_sso_session(
        &path,
        "first",
        "https://first.awsapps.com/start",
        "us-east-1",
    )
    .unwrap();
    assert_eq!(
        std::fs::read_to_string(&path).unwrap(),
        "[sso-session first]\nsso_start_url = https://first.awsapps.com/start\nsso_region = us-east-1\nsso_registration_scopes = sso:account:access\n"
    );
    #[cfg(unix)]
    assert_eq!(mode(&path), 0o600);
}

#[test]
fn duplicates_and_bad_input_are_refused_without_writing() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("config");
    std::fs::write(&path, EXISTING).unwrap();
    let err = add_sso_session(
        &path,
        "corp",
        "https://other.awsapps.com/start",
        "us-east-1",
    )
    .unwrap_err();
    assert_eq!(err.code(), "InvalidInput");
    assert!(err.to_string().contains("already exists"), "{err}");
    let err = add_sso_session(
        &path,
        "corp2",
        "https://corp.awsapps.com/start/",
        "us-east-1",
    )
    .unwrap_err();
    assert!(
        err.to_string()
            .contains("already configured as sso-session \"corp\""),
        "{err}"
    );
    assert!(add_sso_session(&path, "x", "http://insecure.example/start", "us-east-1").is_err());
    assert!(add_sso_session(&path, "x", "https://ok.awsapps.com/start", "mars-north-1").is_err());
    assert!(add_sso_session(
        &path,
        "bad name",
        "https://ok.awsapps.com/start",
        "us-east-1"
    )
    .is_err());
    assert!(add_sso_session(
        &path,
        "x",
        "https://ok.awsapps.com/start\n[default]",
        "us-east-1"
    )
    .is_err());
    assert_eq!(std::fs::read_to_string(&path).unwrap(), EXISTING);
}

#[test]
fn a_malformed_config_names_file_and_line_and_is_not_touched() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("config");
    let broken = "[default]\nregion = us-east-1\n[profile broken\nregion = us-east-1\n";
    std::fs::write(&path, broken).unwrap();
    let err = read_sso_config(&path).unwrap_err();
    assert_eq!(err.code(), "ConfigError");
    let msg = err.to_string();
    assert!(
        msg.contains(&path.display().to_string()) && msg.contains("line 3"),
        "{msg}"
    );

    let err =
        add_sso_session(&path, "new", "https://new.awsapps.com/start", "us-east-1").unwrap_err();
    assert!(err.to_string().contains("line 3"), "{err}");
    assert_eq!(std::fs::read_to_string(&path).unwrap(), broken);

    let missing_region =
        "[default]\n\n[sso-session half]\nsso_start_url = https://half.awsapps.com/start\n";
    std::fs::write(&path, missing_region).unwrap();
    let msg = read_sso_config(&path).unwrap_err().to_string();
    assert!(
        msg.contains("line 3") && msg.contains("sso_region"),
        "{msg}"
    );
}

#[test]
fn legacy_profiles_and_a_missing_file() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("config");
    assert!(read_sso_config(&path).unwrap().sessions.is_empty());
    std::fs::write(
        &path,
        "[profile legacy]\nsso_start_url = https://start.us-gov-home.awsapps.com/directory/x\nsso_region = us-gov-east-1\nsso_account_id = 210987654321\nsso_role_name = ReadOnlyAccess\nregion = us-gov-east-1\n",
    )
    .unwrap();
    let cfg = read_sso_config(&path).unwrap();
    let legacy = &cfg.sessions[0];
    assert!(legacy.legacy);
    assert_eq!(
        legacy.name,
        "https://start.us-gov-home.awsapps.com/directory/x"
    );
    assert_eq!(legacy.partition, Partition::AwsUsGov);
    assert_eq!(cfg.profiles[0].role_name.as_deref(), Some("ReadOnlyAccess"));
    // The legacy token file is named by the start URL, as the AWS CLI names it.
    let cache = ecsdesk_core::aws::sso::TokenCache::new("/c");
    assert!(cache.token_path(legacy).ends_with(format!(
        "{}.json",
        ecsdesk_core::aws::sso::cache::sha1_hex(&legacy.start_url)
    )));
    assert!(cache.registration_path(legacy).is_none());
}
