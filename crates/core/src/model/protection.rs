//! Protection levels: how much confirmation an action needs, per account or per cluster.

use serde::{Deserialize, Serialize};
use ts_rs::TS;

/// How much the app guards actions in an account or cluster.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub enum ProtectionLevel {
    /// A confirmation dialog is enough for safe actions.
    Confirm,
    /// Every action needs the service name typed.
    TypedConfirm,
    /// No action may run; the buttons are disabled and say why.
    ReadOnly,
}

impl ProtectionLevel {
    /// The level in plain words.
    pub fn label(self) -> &'static str {
        match self {
            ProtectionLevel::Confirm => "confirm",
            ProtectionLevel::TypedConfirm => "type the service name",
            ProtectionLevel::ReadOnly => "read-only",
        }
    }
}

/// One protection setting: an account, or one cluster of an account (cluster wins).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct ProtectionRule {
    /// AWS account id.
    pub account_id: String,
    /// Cluster name; null means the whole account.
    pub cluster: Option<String>,
    /// The level.
    pub level: ProtectionLevel,
}

/// Every protection rule the user set.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct ProtectionSettings {
    /// Rules, at most one per account and per account + cluster.
    pub rules: Vec<ProtectionRule>,
}

/// Where an effective level comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub enum ProtectionSource {
    /// A rule for this cluster.
    Cluster,
    /// A rule for the whole account.
    Account,
    /// No rule: the default (typed confirm for names with "prod", else confirm).
    Default,
}

/// The level that applies to one service, with the reason in plain words.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct EffectiveProtection {
    /// The level.
    pub level: ProtectionLevel,
    /// Where it comes from.
    pub source: ProtectionSource,
    /// Why, e.g. "The cluster name contains “prod”: type the service name to confirm."
    pub reason: String,
}

impl ProtectionSettings {
    /// The level for `service` in `cluster` of `account_id`: cluster rule, else account rule,
    /// else typed confirm when the cluster or service name contains "prod", else confirm.
    pub fn effective(&self, account_id: &str, cluster: &str, service: &str) -> EffectiveProtection {
        let cluster_rule = self
            .rules
            .iter()
            .find(|r| r.account_id == account_id && r.cluster.as_deref() == Some(cluster));
        if let Some(rule) = cluster_rule {
            return EffectiveProtection {
                level: rule.level,
                source: ProtectionSource::Cluster,
                reason: format!(
                    "Protection for cluster {cluster} is set to {}.",
                    rule.level.label()
                ),
            };
        }
        let account_rule = self
            .rules
            .iter()
            .find(|r| r.account_id == account_id && r.cluster.is_none());
        if let Some(rule) = account_rule {
            return EffectiveProtection {
                level: rule.level,
                source: ProtectionSource::Account,
                reason: format!(
                    "Protection for account {account_id} is set to {}.",
                    rule.level.label()
                ),
            };
        }
        let prod = |name: &str| name.to_ascii_lowercase().contains("prod");
        if prod(cluster) || prod(service) {
            let which = if prod(cluster) { "cluster" } else { "service" };
            EffectiveProtection {
                level: ProtectionLevel::TypedConfirm,
                source: ProtectionSource::Default,
                reason: format!(
                    "The {which} name contains “prod”, so it is treated as production: type the service name to confirm."
                ),
            }
        } else {
            EffectiveProtection {
                level: ProtectionLevel::Confirm,
                source: ProtectionSource::Default,
                reason: "No protection set: safe actions need one confirmation.".to_string(),
            }
        }
    }

    /// Sets (or with `level` null removes) the rule of `account_id` and optional `cluster`.
    pub fn set(&mut self, account_id: &str, cluster: Option<&str>, level: Option<ProtectionLevel>) {
        self.rules
            .retain(|r| !(r.account_id == account_id && r.cluster.as_deref() == cluster));
        if let Some(level) = level {
            self.rules.push(ProtectionRule {
                account_id: account_id.to_string(),
                cluster: cluster.map(str::to_string),
                level,
            });
        }
        self.rules
            .sort_by(|a, b| (&a.account_id, &a.cluster).cmp(&(&b.account_id, &b.cluster)));
    }
}

/// One rule change as the audit log and the confirmation describe it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProtectionChange {
    /// The rule's level before (null: no rule).
    pub from: Option<ProtectionLevel>,
    /// The rule's level after (null: the rule is removed).
    pub to: Option<ProtectionLevel>,
    /// Whether any service ends up less guarded: the level of the service in view drops, or
    /// the rule itself is lowered or removed while stricter than "confirm".
    pub lowers: bool,
}

impl ProtectionChange {
    /// The change in words, e.g. "from read-only to confirm", "from no rule to read-only".
    pub fn words(&self) -> String {
        let name = |l: Option<ProtectionLevel>| l.map_or("no rule", ProtectionLevel::label);
        format!("from {} to {}", name(self.from), name(self.to))
    }
}

impl ProtectionSettings {
    /// What setting the rule of `account_id` and optional `cluster` to `level` changes, judged
    /// for `service` of `view_cluster` (the page the user changes it from).
    pub fn change(
        &self,
        account_id: &str,
        cluster: Option<&str>,
        view_cluster: &str,
        service: &str,
        level: Option<ProtectionLevel>,
    ) -> ProtectionChange {
        let from = self
            .rules
            .iter()
            .find(|r| r.account_id == account_id && r.cluster.as_deref() == cluster)
            .map(|r| r.level);
        let mut after = self.clone();
        after.set(account_id, cluster, level);
        let drops = after.effective(account_id, view_cluster, service).level
            < self.effective(account_id, view_cluster, service).level;
        let rule_lowered = match (from, level) {
            (Some(old), Some(new)) => new < old,
            (Some(old), None) => old > ProtectionLevel::Confirm,
            (None, _) => false,
        };
        ProtectionChange {
            from,
            to: level,
            lowers: drops || rule_lowered,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use ProtectionLevel::*;

    #[test]
    fn lowering_is_judged_by_the_rule_and_the_service_in_view() {
        let mut s = ProtectionSettings::default();
        // A new stricter rule never lowers; a new "confirm" rule on a prod cluster does.
        assert!(!s.change("1", None, "dev", "api", Some(ReadOnly)).lowers);
        assert!(
            s.change("1", Some("prod"), "prod", "api", Some(Confirm))
                .lowers
        );
        s.set("1", None, Some(ReadOnly));
        let clear = s.change("1", None, "dev", "api", None);
        assert!(clear.lowers);
        assert_eq!(clear.words(), "from read-only to no rule");
        assert!(s.change("1", None, "dev", "api", Some(TypedConfirm)).lowers);
        assert!(!s.change("1", None, "dev", "api", Some(ReadOnly)).lowers);
        // Removing a "confirm" rule cannot lower anything: the default is never below it.
        s.set("1", Some("dev"), Some(Confirm));
        assert!(!s.change("1", Some("dev"), "dev", "api", None).lowers);
    }
}
