//! The AWS CLI token and registration cache readers: never panic; whatever parses writes back
//! to a file that parses to the same file.
#![no_main]

use std::path::Path;

use ecsdesk_core::sso::cache::{CachedToken, ClientRegistration};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    let path = Path::new("/fuzz/token.json");
    if let Ok(token) = CachedToken::parse(&text, path) {
        let json = token.to_cli_json();
        let again = CachedToken::parse(&json, path).expect("a written token reads back");
        assert_eq!(again.to_cli_json(), json);
    }
    if let Ok(reg) = ClientRegistration::parse(&text, path) {
        let json = reg.to_cli_json();
        let again = ClientRegistration::parse(&json, path).expect("a written registration reads back");
        assert_eq!(again.to_cli_json(), json);
    }
});
