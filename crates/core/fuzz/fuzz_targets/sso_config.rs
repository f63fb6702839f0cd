//! The `[sso-session]` reader: never panics; what it accepts has a start URL and a region.
#![no_main]

use std::path::Path;

use ecsdesk_core::sso::config::parse_sso_config;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    match parse_sso_config(&text, Path::new("/fuzz/config")) {
        Ok(config) => {
            for session in &config.sessions {
                assert!(!session.start_url.is_empty() && !session.region.is_empty());
            }
        }
        Err(err) => assert_eq!(err.code(), "ConfigError"),
    }
});
