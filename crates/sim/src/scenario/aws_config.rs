//! The AWS CLI config file matching a world: a profile per IAM user, an sso-session per IAM
//! Identity Center instance and a profile per assigned role.

use crate::world::World;

/// An AWS CLI config file with profiles for the world's IAM users and SSO instances.
pub fn aws_config_text(world: &World) -> String {
    let mut out = String::from(
        "# Written by ecsdesk-sim for its scenario; endpoints come from AWS_ENDPOINT_URL.\n\n",
    );
    for a in &world.accounts {
        for u in &a.users {
            out.push_str(&format!(
                // ECS Desk shows `ecsdesk_account_name` for plain-key profiles (other tools ignore it).
                "[profile {}]\nregion = {}\naws_access_key_id = {}\naws_secret_access_key = {}\necsdesk_account_name = {}\n\n",
                u.profile, a.default_region, u.access_key_id, u.secret_access_key, a.name
            ));
        }
    }
    for s in &world.sso {
        out.push_str(&format!(
            "[sso-session {}]\nsso_start_url = {}\nsso_region = {}\nsso_registration_scopes = sso:account:access\n\n",
            s.session_name, s.start_url, s.region
        ));
        for (account_id, roles) in &s.assignments {
            let Some(account) = world.account(account_id) else {
                continue;
            };
            for role in roles {
                out.push_str(&format!(
                    "[profile {}-{role}]\nsso_session = {}\nsso_account_id = {}\nsso_role_name = {role}\nregion = {}\n\n",
                    account.name, s.session_name, account.id, account.default_region
                ));
            }
        }
    }
    out
}
