//! STS (awsQuery): GetCallerIdentity for whichever credentials signed the call, and
//! GetFederationToken for an IAM user's long-term keys (the first step of the console's
//! federation sign-in).

use crate::error::{AwsError, Reply};
use crate::protocol::Call;
use crate::server::Ctx;
use crate::shape::Shape;
use crate::world::{Credential, Principal, World};

/// GetFederationToken's default session length (12 hours).
const FEDERATION_DEFAULT_SECS: i64 = 43_200;

/// Run one STS operation.
pub fn handle(world: &mut World, ctx: &Ctx, call: &Call) -> Reply {
    match call.operation.as_str() {
        "GetFederationToken" => federation_token(world, ctx, call),
        "GetCallerIdentity" => Ok(Shape::map([
            ("UserId", Shape::from(user_id(&ctx.principal))),
            ("Account", Shape::from(&ctx.principal.account_id)),
            ("Arn", Shape::from(ctx.principal.arn())),
        ])),
        op => Err(AwsError::with_status(
            400,
            "InvalidAction",
            format!("Could not find operation {op} for version 2011-06-15"),
        )),
    }
}

/// GetFederationToken: temporary credentials of a federated user named `Name`, acting with the
/// calling IAM user's permissions (narrowed by a session policy, which the simulator does not
/// evaluate: without one AWS grants nothing, which the simulator models as read-only).
fn federation_token(world: &mut World, ctx: &Ctx, call: &Call) -> Reply {
    let p = &ctx.principal;
    if call.session_token.is_some() || !p.is_user || p.federated {
        return Err(AwsError::with_status(
            403,
            "AccessDenied",
            "Cannot call GetFederationToken with session credentials",
        ));
    }
    let name = call.str("Name").unwrap_or_default();
    let valid_name = (2..=32).contains(&name.len())
        && name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "_+=,.@-".contains(c));
    if !valid_name {
        return Err(AwsError::with_status(
            400,
            "ValidationError",
            format!(
                "1 validation error detected: Value '{name}' at 'name' failed to satisfy constraint: Member must have length between 2 and 32 and match [\\w+=,.@-]*"
            ),
        ));
    }
    let secs = call
        .int("DurationSeconds")
        .unwrap_or(FEDERATION_DEFAULT_SECS);
    if !(900..=129_600).contains(&secs) {
        return Err(AwsError::with_status(
            400,
            "ValidationError",
            format!(
                "1 validation error detected: Value '{secs}' at 'durationSeconds' failed to satisfy constraint: Member must have value between 900 and 129600"
            ),
        ));
    }
    let has_policy = call.str("Policy").is_some() || call.input.get("PolicyArns").is_some();
    let expires = ctx.now + secs as f64;
    let credential = Credential {
        access_key_id: crate::sso::random_key("ASIASIMFED", 10),
        secret_access_key: crate::sso::random_token_secret(),
        session_token: Some(crate::sso::random_session_token()),
        expires_at: Some(expires),
        principal: Principal {
            name: name.to_string(),
            federated: true,
            read_only: p.read_only || !has_policy,
            ..p.clone()
        },
    };
    let reply = Shape::map([
        (
            "Credentials",
            Shape::map([
                ("AccessKeyId", Shape::from(&credential.access_key_id)),
                (
                    "SecretAccessKey",
                    Shape::from(&credential.secret_access_key),
                ),
                (
                    "SessionToken",
                    Shape::from(credential.session_token.clone()),
                ),
                ("Expiration", Shape::time(Some(expires))),
            ]),
        ),
        (
            "FederatedUser",
            Shape::map([
                (
                    "FederatedUserId",
                    Shape::from(user_id(&credential.principal)),
                ),
                ("Arn", Shape::from(credential.principal.arn())),
            ]),
        ),
        (
            "PackedPolicySize",
            Shape::from(if has_policy { 6 } else { 0 }),
        ),
    ]);
    world
        .credentials
        .insert(credential.access_key_id.clone(), credential);
    Ok(reply)
}

/// A stable unique id as IAM shows it: `AIDA…` for users, `AROA…:session` for assumed roles.
pub(crate) fn user_id(p: &Principal) -> String {
    if p.federated {
        return format!("{}:{}", p.account_id, p.name);
    }
    let h = crate::metrics::hash_str(&format!("{}/{}", p.account_id, p.name));
    let id = format!("{h:016X}");
    if p.is_user {
        format!("AIDA{id}")
    } else {
        format!("AROA{id}:{}", p.sso_user.as_deref().unwrap_or("user"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn user_ids_have_iam_prefixes_and_are_stable() {
        let mut p = Principal {
            account_id: "123456789012".into(),
            partition: "aws".into(),
            name: "OperatorAccess".into(),
            is_user: false,
            read_only: false,
            sso_user: Some("demo.user".into()),
            federated: false,
        };
        let a = user_id(&p);
        assert!(a.starts_with("AROA") && a.ends_with(":demo.user"), "{a}");
        assert_eq!(a, user_id(&p));
        p.is_user = true;
        assert!(user_id(&p).starts_with("AIDA"));
    }
}
