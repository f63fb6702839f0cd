//! Protection levels as actions see them: read, shown, and changed per account or cluster.

use super::*;

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
    pub async fn set_protection(
        &self,
        registry: &SessionRegistry,
        session_id: &str,
        cluster: &str,
        service: &str,
        scope: ProtectionScope,
        level: Option<ProtectionLevel>,
    ) -> Result<ProtectionView, CoreError> {
        let session = registry.get(session_id).await?;
        let account = session.info().account_id.clone();
        let _guard = lock(&self.inner.protection_lock);
        let mut settings = self.load_protection()?;
        let rule_cluster = match scope {
            ProtectionScope::Account => None,
            ProtectionScope::Cluster => Some(cluster),
        };
        settings.set(&account, rule_cluster, level);
        self.inner.protection.save(&settings)?;
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
