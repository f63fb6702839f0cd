//! Which links ECS Desk opens in the system browser. The Rust opener ignores the capability
//! scopes of the webview, so every URL the app opens itself (console pages, the sign-in page an
//! SSO server named) passes this rule first: `https` to an AWS console, access-portal or sign-in
//! host, or to the start URL / OIDC endpoint of the sso-session being signed in to; plain `http`
//! only to the exact origin of an SSO endpoint override on a loopback address (the simulator).

use crate::error::CoreError;
use crate::model::partition::{partition_of, Partition};

/// Domains whose every subdomain is an AWS access portal (`my-portal.awsapps.com`,
/// `start.us-gov-home.awsapps.com`, `d-123.portal.us-gov-west-1.app.aws`).
const PORTAL_DOMAINS: [&str; 2] = ["awsapps.com", "app.aws"];

/// One origin allowed besides AWS's own hosts: scheme, host and port, compared exactly.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Origin {
    scheme: String,
    host: String,
    port: Option<u16>,
}

/// The links the app may open: AWS's hosts plus the origins added for one sign-in.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct LinkPolicy {
    origins: Vec<Origin>,
}

impl LinkPolicy {
    /// AWS's console, access-portal and sign-in hosts only.
    pub fn aws() -> LinkPolicy {
        LinkPolicy::default()
    }

    /// Also allows the origin of `endpoint` (a start URL or an OIDC endpoint): over `https`
    /// anywhere, over `http` only on a loopback address. Anything else adds nothing.
    pub fn allow_endpoint(mut self, endpoint: &str) -> LinkPolicy {
        let Ok(url) = url::Url::parse(endpoint.trim()) else {
            return self;
        };
        let Some(host) = url.host_str().map(str::to_string) else {
            return self;
        };
        let allowed = match url.scheme() {
            "https" => true,
            "http" => is_loopback(&url),
            _ => false,
        };
        if allowed && url.username().is_empty() && url.password().is_none() {
            self.origins.push(Origin {
                scheme: url.scheme().to_string(),
                host,
                port: url.port_or_known_default(),
            });
        }
        self
    }

    /// The URL when it may be opened; else an error naming its scheme and host.
    pub fn check(&self, link: &str) -> Result<url::Url, CoreError> {
        let url = url::Url::parse(link.trim()).map_err(|e| {
            CoreError::InvalidInput(format!(
                "ECS Desk did not open a link that is not a valid URL ({e})."
            ))
        })?;
        let host = url.host_str().unwrap_or_default().to_string();
        let refuse = |why: &str| {
            let shown = if host.is_empty() { "no host" } else { &host };
            CoreError::InvalidInput(format!(
                "ECS Desk did not open a {}: link to {shown}: {why}. It opens only https pages of \
                 AWS (the console, the access portal and its sign-in pages) in your browser.",
                url.scheme()
            ))
        };
        // `https://console.aws.amazon.com@evil.example/` reads like an AWS link but goes to
        // evil.example; a link with a user name or password is never one the app makes.
        if !url.username().is_empty() || url.password().is_some() {
            return Err(refuse("it carries a user name or password before the host"));
        }
        let port = url.port_or_known_default();
        if self
            .origins
            .iter()
            .any(|o| o.scheme == url.scheme() && o.host == host && o.port == port)
        {
            return Ok(url);
        }
        if url.scheme() != "https" {
            return Err(refuse("only https links are opened"));
        }
        if url.port().is_some() {
            return Err(refuse("AWS pages use the standard https port"));
        }
        if !is_aws_host(&host) {
            return Err(refuse("the host is not an AWS console or sign-in host"));
        }
        Ok(url)
    }
}

/// Whether `host` is a console, console sign-in, access-portal, OIDC or device-verification host
/// of AWS in a partition ECS Desk serves.
fn is_aws_host(host: &str) -> bool {
    let under = |domain: &str| {
        host.strip_suffix(domain)
            .and_then(|rest| rest.strip_suffix('.'))
            .is_some_and(|label| !label.is_empty())
    };
    let console = Partition::ALL.iter().any(|p| {
        let console = p.console_host();
        host == console || under(console) || host == p.signin_host()
    });
    // `oidc.<region>.amazonaws.com` (the PKCE authorize page) and
    // `device.sso.<region>.amazonaws.com` (the device-code verification page).
    let regional = ["oidc.", "device.sso."].iter().any(|prefix| {
        host.strip_prefix(prefix)
            .and_then(|rest| rest.strip_suffix(".amazonaws.com"))
            .is_some_and(|region| partition_of(region).is_some())
    });
    console || regional || PORTAL_DOMAINS.iter().any(|d| under(d))
}

/// Whether `url` points at this machine by address (`127.0.0.0/8`, `::1`) or as `localhost`.
fn is_loopback(url: &url::Url) -> bool {
    match url.host() {
        Some(url::Host::Ipv4(ip)) => ip.is_loopback(),
        Some(url::Host::Ipv6(ip)) => ip.is_loopback(),
        Some(url::Host::Domain(d)) => d == "localhost",
        None => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn refused(policy: &LinkPolicy, link: &str) -> String {
        let err = policy.check(link).expect_err(link);
        assert_eq!(err.code(), "InvalidInput");
        err.to_string()
    }

    #[test]
    fn aws_console_portal_and_sign_in_pages_are_allowed() {
        let aws = LinkPolicy::aws();
        for link in [
            "https://console.aws.amazon.com/ecs/v2/clusters/x/services?region=us-east-1",
            "https://us-east-1.console.aws.amazon.com/ecs/v2",
            "https://console.amazonaws-us-gov.com/ecs/v2?region=us-gov-west-1",
            "https://us-gov-west-1.console.amazonaws-us-gov.com/cloudwatch/home",
            "https://ecsdesk-demo.awsapps.com/start/#/device?user_code=ABCD-EFGH",
            "https://start.us-gov-home.awsapps.com/directory/ecsdesk-demo",
            "https://d-1234.portal.us-gov-west-1.app.aws/",
            "https://oidc.us-east-1.amazonaws.com/authorize?client_id=x",
            "https://oidc.us-gov-west-1.amazonaws.com/authorize?client_id=x",
            "https://device.sso.us-east-1.amazonaws.com/?user_code=ABCD-EFGH",
            "https://device.sso.us-gov-west-1.amazonaws.com/",
            "https://CONSOLE.AWS.AMAZON.COM/ecs",
            "https://signin.aws.amazon.com/federation?Action=login&SigninToken=x",
            "https://signin.amazonaws-us-gov.com/federation?Action=login&SigninToken=x",
        ] {
            assert!(aws.check(link).is_ok(), "{link}");
        }
    }

    #[test]
    fn other_schemes_hosts_and_tricks_are_refused_by_name() {
        let aws = LinkPolicy::aws();
        let msg = refused(&aws, "file:///etc/passwd");
        assert!(msg.contains("file: link to no host"), "{msg}");
        let msg = refused(&aws, "http://console.aws.amazon.com/ecs");
        assert!(
            msg.contains("http: link to console.aws.amazon.com"),
            "{msg}"
        );
        let msg = refused(&aws, "javascript:alert(1)");
        assert!(msg.contains("javascript:"), "{msg}");
        let msg = refused(&aws, "https://console.aws.amazon.com@evil.example/");
        assert!(
            msg.contains("evil.example") && msg.contains("user name"),
            "{msg}"
        );
        let msg = refused(&aws, "https://evil.example/console.aws.amazon.com");
        assert!(msg.contains("https: link to evil.example"), "{msg}");
        for link in [
            "https://console.aws.amazon.com.evil.example/",
            "https://evilconsole.aws.amazon.com/",
            "https://awsapps.com/start",
            "https://evilawsapps.com/start",
            "https://app.aws.evil.example/",
            "https://oidc.evil.amazonaws.com/authorize",
            "https://oidc.cn-north-1.amazonaws.com/authorize",
            "https://s3.us-east-1.amazonaws.com/bucket/page.html",
            "https://console.aws.amazon.com:8443/",
            "http://127.0.0.1:4566/authorize",
            "data:text/html,<script>alert(1)</script>",
            "not a url",
        ] {
            refused(&aws, link);
        }
    }

    #[test]
    fn a_loopback_override_allows_exactly_its_origin_over_http() {
        let sim = LinkPolicy::aws().allow_endpoint("http://127.0.0.1:4566");
        assert!(sim.check("http://127.0.0.1:4566/authorize?x=1").is_ok());
        refused(&sim, "http://127.0.0.1:4567/authorize");
        refused(&sim, "https://127.0.0.1:4566/authorize");
        refused(&sim, "http://localhost:4566/authorize");
        refused(&sim, "http://user@127.0.0.1:4566/authorize");
        assert!(sim.check("https://console.aws.amazon.com/").is_ok());
        let v6 = LinkPolicy::aws().allow_endpoint("http://[::1]:9000/");
        assert!(v6.check("http://[::1]:9000/authorize").is_ok());
        // An http override elsewhere opens nothing over http.
        let proxy = LinkPolicy::aws().allow_endpoint("http://sso.corp.example:8080");
        let msg = refused(&proxy, "http://sso.corp.example:8080/authorize");
        assert!(msg.contains("http: link to sso.corp.example"), "{msg}");
        refused(
            &LinkPolicy::aws().allow_endpoint("file:///tmp"),
            "file:///tmp/x",
        );
    }

    #[test]
    fn a_sessions_own_https_start_url_and_oidc_endpoint_are_allowed() {
        let policy = LinkPolicy::aws()
            .allow_endpoint("https://sso.corp.example/start")
            .allow_endpoint("https://vpce-1.oidc.us-east-1.vpce.amazonaws.com:8443");
        assert!(policy
            .check("https://sso.corp.example/start#/device")
            .is_ok());
        assert!(policy
            .check("https://vpce-1.oidc.us-east-1.vpce.amazonaws.com:8443/authorize")
            .is_ok());
        refused(&policy, "http://sso.corp.example/start");
        refused(&policy, "https://sso.corp.example:444/start");
        refused(&policy, "https://other.corp.example/");
    }
}
