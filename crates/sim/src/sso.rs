//! IAM Identity Center portal (restJson1): the accounts and roles an SSO access token reaches,
//! role credentials for them, and logout.

use base64::Engine;

use crate::error::{AwsError, Reply};
use crate::page_token;
use crate::protocol::Call;
use crate::shape::Shape;
use crate::world::{Credential, Principal, SsoInstance, World};

/// Seconds role credentials stay valid (simulated).
pub const ROLE_CREDENTIAL_SECONDS: f64 = 3600.0;
/// Default and largest page sizes of ListAccounts / ListAccountRoles.
const DEFAULT_PAGE: usize = 20;
const MAX_PAGE: usize = 100;

fn unauthorized() -> AwsError {
    AwsError::with_status(
        401,
        "UnauthorizedException",
        "Session token not found or invalid",
    )
}

fn not_found(message: &str) -> AwsError {
    AwsError::with_status(404, "ResourceNotFoundException", message)
}

/// Run one SSO portal operation.
pub fn handle(world: &mut World, call: &Call) -> Reply {
    let now = world.clock.now();
    let token = call.bearer.as_deref().ok_or_else(unauthorized)?;
    let start_url = world
        .oidc
        .token_start_url(token, now)
        .ok_or_else(unauthorized)?
        .to_string();
    let instance = world
        .sso
        .iter()
        .find(|s| s.start_url == start_url)
        .cloned()
        .ok_or_else(unauthorized)?;
    match call.operation.as_str() {
        "ListAccounts" => list_accounts(world, call, &instance),
        "ListAccountRoles" => list_account_roles(call, &instance),
        "GetRoleCredentials" => get_role_credentials(world, call, &instance, now),
        "Logout" => {
            if let Some(t) = world.oidc.access_tokens.get_mut(token) {
                t.revoked = true;
            }
            Ok(Shape::empty())
        }
        op => Err(AwsError::unknown_operation("sso", op)),
    }
}

/// Page size from `max_result`, within the API's bounds.
fn page_size(call: &Call) -> Result<usize, AwsError> {
    match call.int("max_result") {
        None => Ok(DEFAULT_PAGE),
        Some(n) if n >= 1 => Ok((n as usize).min(MAX_PAGE)),
        Some(n) => Err(AwsError::client(
            "InvalidRequestException",
            format!("max_result {n} must be at least 1"),
        )),
    }
}

/// Offset encoded in `next_token`.
fn page_start(call: &Call) -> Result<usize, AwsError> {
    let Some(token) = call.str("next_token") else {
        return Ok(0);
    };
    page_token::offset(token, "sso:")
        .ok_or_else(|| AwsError::client("InvalidRequestException", "Invalid next_token"))
}

fn token_for(offset: usize) -> String {
    page_token::encode(&format!("sso:{offset}"))
}

/// One page of items and the next token, if more remain.
fn paginate<T: Clone>(items: &[T], call: &Call) -> Result<(Vec<T>, Option<String>), AwsError> {
    let start = page_start(call)?;
    let size = page_size(call)?;
    let end = (start + size).min(items.len());
    let page = items.get(start..end).unwrap_or_default().to_vec();
    let next = (end < items.len()).then(|| token_for(end));
    Ok((page, next))
}

fn list_accounts(world: &World, call: &Call, instance: &SsoInstance) -> Reply {
    let accounts: Vec<Shape> = instance
        .assignments
        .iter()
        .filter_map(|(id, _)| world.account(id))
        .map(|a| {
            Shape::map([
                ("accountId", Shape::from(&a.id)),
                ("accountName", Shape::from(&a.name)),
                ("emailAddress", Shape::from(&a.email)),
            ])
        })
        .collect();
    let (page, next) = paginate(&accounts, call)?;
    Ok(Shape::map([
        ("accountList", Shape::List(page)),
        ("nextToken", Shape::from(next)),
    ]))
}

fn assigned_roles<'a>(instance: &'a SsoInstance, call: &Call) -> Result<&'a [String], AwsError> {
    let account_id = call
        .str("account_id")
        .ok_or_else(|| AwsError::client("InvalidRequestException", "account_id is required"))?;
    instance
        .assignments
        .iter()
        .find(|(id, _)| id == account_id)
        .map(|(_, roles)| roles.as_slice())
        .ok_or_else(|| not_found("No access to the account"))
}

fn list_account_roles(call: &Call, instance: &SsoInstance) -> Reply {
    let roles = assigned_roles(instance, call)?;
    let account_id = call.str("account_id").unwrap_or_default();
    let items: Vec<Shape> = roles
        .iter()
        .map(|r| {
            Shape::map([
                ("roleName", Shape::from(r)),
                ("accountId", Shape::from(account_id)),
            ])
        })
        .collect();
    let (page, next) = paginate(&items, call)?;
    Ok(Shape::map([
        ("roleList", Shape::List(page)),
        ("nextToken", Shape::from(next)),
    ]))
}

pub(crate) fn random_key(prefix: &str, len: usize) -> String {
    const ALNUM: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
    let mut s = String::from(prefix);
    for _ in 0..len {
        s.push(char::from(
            ALNUM[rand::random::<u8>() as usize % ALNUM.len()],
        ));
    }
    s
}

fn get_role_credentials(world: &mut World, call: &Call, instance: &SsoInstance, now: f64) -> Reply {
    let role_name = call
        .str("role_name")
        .ok_or_else(|| AwsError::client("InvalidRequestException", "role_name is required"))?;
    let roles = assigned_roles(instance, call)?;
    if !roles.iter().any(|r| r == role_name) {
        return Err(not_found("No access to the role"));
    }
    let account_id = call.str("account_id").unwrap_or_default().to_string();
    let account = world
        .account(&account_id)
        .ok_or_else(|| not_found("No access to the account"))?;
    let read_only = account
        .roles
        .iter()
        .find(|r| r.name == role_name)
        .is_none_or(|r| r.read_only);
    let credential = Credential {
        access_key_id: random_key("ASIASIM", 13),
        secret_access_key: random_token_secret(),
        session_token: Some(random_session_token()),
        expires_at: Some(now + ROLE_CREDENTIAL_SECONDS),
        principal: Principal {
            account_id: account.id.clone(),
            partition: account.partition.clone(),
            name: role_name.to_string(),
            is_user: false,
            read_only,
            sso_user: Some(instance.user.clone()),
            federated: false,
        },
    };
    let reply = Shape::map([(
        "roleCredentials",
        Shape::map([
            ("accessKeyId", Shape::from(&credential.access_key_id)),
            (
                "secretAccessKey",
                Shape::from(&credential.secret_access_key),
            ),
            (
                "sessionToken",
                Shape::from(credential.session_token.clone()),
            ),
            (
                "expiration",
                Shape::Int(((now + ROLE_CREDENTIAL_SECONDS) * 1000.0) as i64),
            ),
        ]),
    )]);
    world
        .credentials
        .insert(credential.access_key_id.clone(), credential);
    Ok(reply)
}

pub(crate) fn random_token_secret() -> String {
    let raw: Vec<u8> = (0..30).map(|_| rand::random::<u8>()).collect();
    base64::engine::general_purpose::STANDARD.encode(raw)
}

pub(crate) fn random_session_token() -> String {
    let raw: Vec<u8> = (0..96).map(|_| rand::random::<u8>()).collect();
    format!(
        "IQoJb3JpZ2luX2VjE{}",
        base64::engine::general_purpose::STANDARD.encode(raw)
    )
}
