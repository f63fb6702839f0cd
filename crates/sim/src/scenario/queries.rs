//! The saved Logs Insights queries the demo's operators keep, in each account's home region.

use crate::world::{QueryDefinition, Region};

/// (name, query) of the saved queries.
const SAVED: [(&str, &str); 3] = [
    (
        "ops/5xx by path",
        "fields @timestamp, @message
| parse @message /(?<method>GET|POST|PUT|DELETE) (?<path>\\S+) (?<status>\\d{3}) /
| filter status >= 500
| stats count(*) as errors by path
| sort errors desc",
    ),
    (
        "ops/Slow requests over 1 s",
        "fields @timestamp, @message
| filter @message like /slow request/
| parse @message /took (?<ms>\\d+)ms/
| sort ms desc
| limit 50",
    ),
    (
        "ops/Database trouble per 15 minutes",
        "filter @message like /(?i)database|postgres/
| stats count(*) as lines by bin(15m)",
    ),
];

/// Saves the demo's queries in `region` of `account` when it is the account's home region.
pub fn seed(region: &mut Region, account: &str, home: &str, now: f64) {
    if region.name != home || region.log_groups.is_empty() {
        return;
    }
    region.query_definitions = SAVED
        .iter()
        .map(|(name, query)| QueryDefinition {
            id: crate::ids::uuid_layout(&crate::ids::stable_hex(&format!("{account}/{name}"), 32)),
            name: name.to_string(),
            query: query.to_string(),
            groups: Vec::new(),
            modified: now - 20.0 * 86_400.0,
        })
        .collect();
}
