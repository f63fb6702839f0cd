//! STS (awsQuery): GetCallerIdentity for whichever credentials signed the call.

use crate::error::{AwsError, Reply};
use crate::protocol::Call;
use crate::server::Ctx;
use crate::shape::Shape;
use crate::world::{Principal, World};

/// Run one STS operation.
pub fn handle(_world: &mut World, ctx: &Ctx, call: &Call) -> Reply {
    match call.operation.as_str() {
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

/// A stable unique id as IAM shows it: `AIDA…` for users, `AROA…:session` for assumed roles.
fn user_id(p: &Principal) -> String {
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
        };
        let a = user_id(&p);
        assert!(a.starts_with("AROA") && a.ends_with(":demo.user"), "{a}");
        assert_eq!(a, user_id(&p));
        p.is_user = true;
        assert!(user_id(&p).starts_with("AIDA"));
    }
}
