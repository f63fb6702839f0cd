//! The AWS config and credentials parser behind the profile list: never panics; an error names
//! the file and a line of the input.
#![no_main]

use std::path::Path;

use ecsdesk_core::profiles::{ConfigFile, FileFlavor};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    let path = Path::new("/fuzz/config");
    for flavor in [FileFlavor::Config, FileFlavor::Credentials] {
        match ConfigFile::parse(&text, path, flavor) {
            Ok(file) => {
                for profile in file.profiles() {
                    assert!(!profile.name.is_empty());
                }
            }
            Err(err) => {
                assert_eq!(err.code(), "ConfigError");
                assert!(err.to_string().contains("/fuzz/config"));
            }
        }
    }
});
