//! Protection levels as actions see them: read, shown, and changed per account or cluster.

use super::*;
use crate::aws::session::SessionInfo;
use crate::model::protection::ProtectionChange;
use futures::future::BoxFuture;

impl ActionCenter {
    /// The saved protection settings.
    pub(super) fn load_protection(&self) -> Result<ProtectionSettings, CoreError> {
        self.inner.protection.load()
    }

    /// Protection of `service` in `cluster` of the session's account.
    pub async fn get_protection(
        &self,
        registry: &SessionRegistry,
        session_id: &str,
        cluster: &str,
        service: &str,
    ) -> Result<ProtectionView, CoreError> {
        let session = registry.get(session_id).await?;
        let account = session.info().account_id.clone();
        let settings = self.load_protection()?;
        Ok(Self::view(&settings, &account, cluster, service))
    }

    /// Sets (or with `level` null clears) the rule of the session's account or of `cluster`.
    /// A change that lowers protection runs only after `confirm` (a native dialog the page
    /// cannot answer) says yes; every change and every refusal is an audit record.
    #[allow(clippy::too_many_arguments)]
    pub async fn set_protection(
        &self,
        registry: &SessionRegistry,
        session_id: &str,
        cluster: &str,
        service: &str,
        scope: ProtectionScope,
        level: Option<ProtectionLevel>,
        confirm: &ConfirmLowering,
    ) -> Result<ProtectionView, CoreError> {
        let session = registry.get(session_id).await?;
        let info = session.info().clone();
        let account = info.account_id.clone();
        let rule_cluster = match scope {
            ProtectionScope::Account => None,
            ProtectionScope::Cluster => Some(cluster),
        };
        let settings = self.load_protection()?;
        let change = settings.change(&account, rule_cluster, cluster, service, level);
        if change.from == change.to {
            return Ok(Self::view(&settings, &account, cluster, service));
        }
        let what = match rule_cluster {
            Some(c) => format!("cluster {c}"),
            None => format!("account {account}"),
        };
        if change.lowers {
            let question = format!(
                "Lower the protection of {what} {}? Actions there will need less confirmation.",
                change.words()
            );
            if !confirm(question).await {
                let message = format!(
                    "Protection of {what} was not lowered: it was not confirmed in the system dialog."
                );
                let record =
                    protection_record(&info, (cluster, service), scope, &what, &change, "refused");
                self.inner.audit.append(&AuditRecord {
                    message: Some(message.clone()),
                    ..record
                })?;
                return Err(CoreError::ActionRefused {
                    code: "ProtectionNotConfirmed",
                    message,
                });
            }
        }
        let _guard = lock(&self.inner.protection_lock);
        let mut settings = self.load_protection()?;
        // Re-read under the lock: the audit line says what this change replaced.
        let change = settings.change(&account, rule_cluster, cluster, service, level);
        settings.set(&account, rule_cluster, level);
        self.inner.protection.save(&settings)?;
        let record = protection_record(&info, (cluster, service), scope, &what, &change, "changed");
        self.inner.audit.append(&record)?;
        Ok(Self::view(&settings, &account, cluster, service))
    }

    /// Builds the protection view.
    pub(super) fn view(
        settings: &ProtectionSettings,
        account: &str,
        cluster: &str,
        service: &str,
    ) -> ProtectionView {
        let rule = |c: Option<&str>| {
            settings
                .rules
                .iter()
                .find(|r| r.account_id == account && r.cluster.as_deref() == c)
                .map(|r| r.level)
        };
        ProtectionView {
            account_id: account.to_string(),
            cluster: cluster.to_string(),
            effective: settings.effective(account, cluster, service),
            account_level: rule(None),
            cluster_level: rule(Some(cluster)),
        }
    }
}

/// Asks the user, outside the page, whether to lower protection (the shell shows a native dialog).
pub type ConfirmLowering = dyn Fn(String) -> BoxFuture<'static, bool> + Send + Sync;

/// The audit line of a protection change of rule `what` ("cluster x", "account 1"), made from
/// the page of `(cluster, service)`: who, which rule, from, to, and what became of it.
fn protection_record(
    info: &SessionInfo,
    (cluster, service): (&str, &str),
    scope: ProtectionScope,
    what: &str,
    change: &ProtectionChange,
    result: &str,
) -> AuditRecord {
    let (user, role) = identity_of(&info.arn);
    let level = |l: Option<ProtectionLevel>| serde_json::to_value(l).unwrap_or_default();
    let mut id_bytes = [0u8; 16];
    rand::RngCore::fill_bytes(&mut rand::thread_rng(), &mut id_bytes);
    AuditRecord {
        time: now_rfc3339(),
        event: AuditEvent::Protection,
        plan_id: hex::encode(id_bytes),
        user,
        caller_arn: info.arn.clone(),
        partition: info.partition.id().to_string(),
        account_id: info.account_id.clone(),
        role,
        region: info.region.clone(),
        cluster: cluster.to_string(),
        service: service.to_string(),
        action: "setProtection".to_string(),
        parameters: serde_json::json!({
            "scope": scope,
            "from": level(change.from),
            "to": level(change.to),
        }),
        plan_summary: format!("Protection of {what} {}.", change.words()),
        result: result.to_string(),
        message: None,
        deployment_id: None,
    }
}
