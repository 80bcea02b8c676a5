//! Regions and service endpoints, with the overrides the AWS SDKs read from the environment.

use crate::environment::{Environment, var};
use crate::error::ConfigError;
use hyper::Uri;
use std::fmt;

/// The region used when neither `AWS_REGION` nor `AWS_DEFAULT_REGION` is set, as in the Go
/// operator.
pub const DEFAULT_REGION: &str = "us-east-2";

/// A validated region name such as `us-east-2`. It becomes part of a host name, so only
/// lowercase letters, digits and inner dashes are accepted.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Region(String);

impl Region {
    pub fn new(name: &str) -> Result<Self, ConfigError> {
        let valid = !name.is_empty()
            && name.len() <= 64
            && name
                .bytes()
                .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
            && !name.starts_with('-')
            && !name.ends_with('-');
        if valid {
            Ok(Self(name.to_string()))
        } else {
            Err(ConfigError(format!(
                "invalid AWS region {name:?}: expected a name such as us-east-2"
            )))
        }
    }

    /// `AWS_REGION`, else `AWS_DEFAULT_REGION`, else [`DEFAULT_REGION`].
    pub fn from_environment(env: &Environment) -> Result<Self, ConfigError> {
        let name = env
            .get(var::REGION)
            .or_else(|| env.get(var::DEFAULT_REGION))
            .unwrap_or(DEFAULT_REGION);
        Self::new(name)
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The DNS suffix of the region's partition.
    fn dns_suffix(&self) -> &'static str {
        if self.0.starts_with("cn-") {
            "amazonaws.com.cn"
        } else {
            "amazonaws.com"
        }
    }
}

impl fmt::Display for Region {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// The AWS services this crate calls.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Service {
    SecretsManager,
    Sts,
}

impl Service {
    /// The endpoint prefix and SigV4 signing name.
    pub fn signing_name(self) -> &'static str {
        match self {
            Service::SecretsManager => "secretsmanager",
            Service::Sts => "sts",
        }
    }

    fn endpoint_variable(self) -> &'static str {
        match self {
            Service::SecretsManager => var::ENDPOINT_URL_SECRETS_MANAGER,
            Service::Sts => var::ENDPOINT_URL_STS,
        }
    }
}

/// Where requests for one service go: scheme, authority (the `Host` header) and path.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Endpoint {
    https: bool,
    authority: String,
    path: String,
}

impl Endpoint {
    /// Parses an endpoint URL: `http` or `https`, a host, an optional port and an optional
    /// path of plain characters; no query, fragment or user info.
    pub fn parse(url: &str) -> Result<Self, ConfigError> {
        // A URL with user info may carry a password: it is not repeated.
        let shown = if url.contains('@') {
            "(not shown)"
        } else {
            url
        };
        let invalid = |why: &str| ConfigError(format!("invalid endpoint URL {shown:?}: {why}"));
        let uri: Uri = url.parse().map_err(|_| invalid("not a URL"))?;
        let https = match uri.scheme_str() {
            Some("https") => true,
            Some("http") => false,
            _ => return Err(invalid("the scheme must be http or https")),
        };
        let authority = uri.authority().ok_or_else(|| invalid("no host"))?;
        if authority.as_str().contains('@') {
            return Err(invalid("user info is not allowed"));
        }
        if authority.host().is_empty() {
            return Err(invalid("no host"));
        }
        if uri.query().is_some() || url.contains('#') {
            return Err(invalid("a query or fragment is not allowed"));
        }
        let path = uri.path().trim_end_matches('/');
        let plain = path
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'/' | b'-' | b'_' | b'.' | b'~'));
        if !plain {
            return Err(invalid(
                "the path may hold only letters, digits, '/', '-', '_', '.' and '~'",
            ));
        }
        Ok(Self {
            https,
            authority: authority.as_str().to_ascii_lowercase(),
            path: if path.is_empty() {
                "/".to_string()
            } else {
                path.to_string()
            },
        })
    }

    /// The endpoint of `service` in `region`, honouring, like the AWS SDKs,
    /// `AWS_ENDPOINT_URL_<SERVICE>`, then `AWS_ENDPOINT_URL`, unless
    /// `AWS_IGNORE_CONFIGURED_ENDPOINT_URLS` is true; and `AWS_USE_FIPS_ENDPOINT`.
    pub fn resolve(
        service: Service,
        region: &Region,
        env: &Environment,
    ) -> Result<Self, ConfigError> {
        if !env.flag(var::IGNORE_CONFIGURED_ENDPOINT_URLS) {
            for name in [service.endpoint_variable(), var::ENDPOINT_URL] {
                if let Some(url) = env.get(name) {
                    return Self::parse(url)
                        .map_err(|error| ConfigError(format!("{name}: {}", error.0)));
                }
            }
        }
        let fips = if env.flag(var::USE_FIPS_ENDPOINT) {
            "-fips"
        } else {
            ""
        };
        Ok(Self {
            https: true,
            authority: format!(
                "{}{fips}.{region}.{}",
                service.signing_name(),
                region.dns_suffix()
            ),
            path: "/".to_string(),
        })
    }

    /// The value of the `Host` header: host, and port when one was given.
    pub fn authority(&self) -> &str {
        &self.authority
    }

    /// The request path (`/` unless the endpoint URL had one).
    pub fn path(&self) -> &str {
        &self.path
    }

    pub fn is_https(&self) -> bool {
        self.https
    }

    /// The URL requests are sent to.
    pub fn url(&self) -> String {
        let scheme = if self.https { "https" } else { "http" };
        format!("{scheme}://{}{}", self.authority, self.path)
    }
}

impl fmt::Display for Endpoint {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.url())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn region(name: &str) -> Region {
        Region::new(name).unwrap()
    }

    #[test]
    fn region_comes_from_aws_region_then_default_region_then_us_east_2() {
        let both = Environment::from_pairs([
            ("AWS_REGION", "eu-west-1"),
            ("AWS_DEFAULT_REGION", "ap-south-1"),
        ]);
        assert_eq!(
            Region::from_environment(&both).unwrap().as_str(),
            "eu-west-1"
        );
        let default_only = Environment::from_pairs([("AWS_DEFAULT_REGION", "ap-south-1")]);
        assert_eq!(
            Region::from_environment(&default_only).unwrap().as_str(),
            "ap-south-1"
        );
        let none = Environment::default();
        assert_eq!(
            Region::from_environment(&none).unwrap().as_str(),
            "us-east-2"
        );
    }

    #[test]
    fn regions_that_could_change_the_host_are_refused() {
        for bad in [
            "",
            "US-EAST-1",
            "us-east-1.evil.com",
            "us-east-1/x",
            "-us",
            "us-",
            "us east",
        ] {
            let error = Region::new(bad).unwrap_err();
            assert!(error.0.contains("invalid AWS region"), "{bad}: {error}");
        }
    }

    #[test]
    fn default_endpoints_follow_the_partition() {
        let env = Environment::default();
        let sm = Endpoint::resolve(Service::SecretsManager, &region("us-east-2"), &env).unwrap();
        assert_eq!(sm.url(), "https://secretsmanager.us-east-2.amazonaws.com/");
        let sts = Endpoint::resolve(Service::Sts, &region("cn-north-1"), &env).unwrap();
        assert_eq!(sts.url(), "https://sts.cn-north-1.amazonaws.com.cn/");
        let gov = Endpoint::resolve(Service::Sts, &region("us-gov-west-1"), &env).unwrap();
        assert_eq!(gov.authority(), "sts.us-gov-west-1.amazonaws.com");
    }

    #[test]
    fn fips_endpoints_when_asked() {
        let env = Environment::from_pairs([("AWS_USE_FIPS_ENDPOINT", "true")]);
        let sm = Endpoint::resolve(Service::SecretsManager, &region("us-east-1"), &env).unwrap();
        assert_eq!(
            sm.authority(),
            "secretsmanager-fips.us-east-1.amazonaws.com"
        );
    }

    #[test]
    fn service_override_beats_the_global_one_and_can_be_ignored() {
        let env = Environment::from_pairs([
            ("AWS_ENDPOINT_URL", "http://127.0.0.1:4566"),
            ("AWS_ENDPOINT_URL_STS", "http://localhost:9000/sts/"),
        ]);
        let r = region("us-east-2");
        let sts = Endpoint::resolve(Service::Sts, &r, &env).unwrap();
        assert_eq!(sts.url(), "http://localhost:9000/sts");
        assert_eq!(sts.path(), "/sts");
        let sm = Endpoint::resolve(Service::SecretsManager, &r, &env).unwrap();
        assert_eq!(sm.url(), "http://127.0.0.1:4566/");
        assert_eq!(sm.authority(), "127.0.0.1:4566");

        let ignored = Environment::from_pairs([
            ("AWS_ENDPOINT_URL", "http://127.0.0.1:4566"),
            ("AWS_IGNORE_CONFIGURED_ENDPOINT_URLS", "true"),
        ]);
        let sm = Endpoint::resolve(Service::SecretsManager, &r, &ignored).unwrap();
        assert_eq!(sm.url(), "https://secretsmanager.us-east-2.amazonaws.com/");
    }

    #[test]
    fn bad_endpoint_urls_are_refused_with_the_variable_named() {
        for (url, why) in [
            ("ftp://host", "scheme"),
            ("localhost:4566", "scheme"),
            ("http://user:pw@host", "user info"),
            ("http://host/?a=b", "query"),
            ("http://host/a%20b", "path"),
            ("http://host/#frag", "fragment"),
        ] {
            let env = Environment::from_pairs([("AWS_ENDPOINT_URL_SECRETS_MANAGER", url)]);
            let error = Endpoint::resolve(Service::SecretsManager, &region("us-east-2"), &env)
                .unwrap_err()
                .0;
            assert!(
                error.starts_with("AWS_ENDPOINT_URL_SECRETS_MANAGER: "),
                "{error}"
            );
            assert!(error.contains(why), "{url}: {error}");
            assert!(!error.contains("pw@"), "{error}");
        }
    }
}
