//! A snapshot of the `AWS_*` environment variables the client reads.
//!
//! The client never reads the process environment behind the caller's back: it reads an
//! [`Environment`], taken from the process once ([`Environment::from_process`]) or built from
//! pairs in tests ([`Environment::from_pairs`]).

use std::collections::BTreeMap;
use std::fmt;

/// Variables read by the client.
pub mod var {
    pub const REGION: &str = "AWS_REGION";
    pub const DEFAULT_REGION: &str = "AWS_DEFAULT_REGION";
    pub const ACCESS_KEY_ID: &str = "AWS_ACCESS_KEY_ID";
    pub const SECRET_ACCESS_KEY: &str = "AWS_SECRET_ACCESS_KEY";
    pub const SESSION_TOKEN: &str = "AWS_SESSION_TOKEN";
    pub const WEB_IDENTITY_TOKEN_FILE: &str = "AWS_WEB_IDENTITY_TOKEN_FILE";
    pub const ROLE_ARN: &str = "AWS_ROLE_ARN";
    pub const ROLE_SESSION_NAME: &str = "AWS_ROLE_SESSION_NAME";
    pub const CONTAINER_CREDENTIALS_FULL_URI: &str = "AWS_CONTAINER_CREDENTIALS_FULL_URI";
    pub const CONTAINER_CREDENTIALS_RELATIVE_URI: &str = "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI";
    pub const CONTAINER_AUTHORIZATION_TOKEN_FILE: &str = "AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE";
    pub const CONTAINER_AUTHORIZATION_TOKEN: &str = "AWS_CONTAINER_AUTHORIZATION_TOKEN";
    pub const ENDPOINT_URL: &str = "AWS_ENDPOINT_URL";
    pub const ENDPOINT_URL_SECRETS_MANAGER: &str = "AWS_ENDPOINT_URL_SECRETS_MANAGER";
    pub const ENDPOINT_URL_STS: &str = "AWS_ENDPOINT_URL_STS";
    pub const IGNORE_CONFIGURED_ENDPOINT_URLS: &str = "AWS_IGNORE_CONFIGURED_ENDPOINT_URLS";
    pub const USE_FIPS_ENDPOINT: &str = "AWS_USE_FIPS_ENDPOINT";
}

/// `AWS_*` variables by name. An empty value counts as unset, as in the AWS SDKs.
#[derive(Clone, Default, PartialEq, Eq)]
pub struct Environment {
    vars: BTreeMap<String, String>,
}

impl Environment {
    /// The `AWS_*` variables of this process (values that are not UTF-8 are skipped).
    pub fn from_process() -> Self {
        Self::from_pairs(std::env::vars().filter(|(name, _)| name.starts_with("AWS_")))
    }

    /// Variables from pairs, for tests and for callers that configure the client themselves.
    pub fn from_pairs<K, V>(pairs: impl IntoIterator<Item = (K, V)>) -> Self
    where
        K: Into<String>,
        V: Into<String>,
    {
        Self {
            vars: pairs
                .into_iter()
                .map(|(k, v)| (k.into(), v.into()))
                .collect(),
        }
    }

    /// The value of `name`, trimmed; `None` when unset or blank.
    pub fn get(&self, name: &str) -> Option<&str> {
        self.vars
            .get(name)
            .map(|value| value.trim())
            .filter(|value| !value.is_empty())
    }

    /// Whether `name` is set to `true` (any case).
    pub fn flag(&self, name: &str) -> bool {
        self.get(name)
            .is_some_and(|value| value.eq_ignore_ascii_case("true"))
    }
}

/// Names only: values may be credentials.
impl fmt::Debug for Environment {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_set().entries(self.vars.keys()).finish()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn blank_values_are_unset_and_values_are_trimmed() {
        let env = Environment::from_pairs([("AWS_REGION", "  "), ("AWS_ROLE_ARN", " arn \n")]);
        assert_eq!(env.get("AWS_REGION"), None);
        assert_eq!(env.get("AWS_ROLE_ARN"), Some("arn"));
        assert_eq!(env.get("AWS_MISSING"), None);
    }

    #[test]
    fn flags_are_true_in_any_case_only() {
        let env = Environment::from_pairs([("A", "TRUE"), ("B", "1"), ("C", "false")]);
        assert!(env.flag("A"));
        assert!(!env.flag("B"));
        assert!(!env.flag("C"));
        assert!(!env.flag("D"));
    }

    #[test]
    fn debug_shows_names_not_values() {
        let env = Environment::from_pairs([("AWS_SECRET_ACCESS_KEY", "hunter2-secret")]);
        let shown = format!("{env:?}");
        assert!(shown.contains("AWS_SECRET_ACCESS_KEY"), "{shown}");
        assert!(!shown.contains("hunter2"), "{shown}");
    }
}
