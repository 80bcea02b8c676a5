//! Settings of the operator process that shape what it builds.

/// AWS region used when nothing is configured (the Go operator's fallback).
pub const DEFAULT_AWS_REGION: &str = "us-east-2";

/// What the operator's own environment contributes to the desired state.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Environment {
    /// Region of the AWS Secrets Manager secrets read through SecretProviderClasses.
    pub aws_region: String,
}

impl Default for Environment {
    fn default() -> Self {
        Self {
            aws_region: DEFAULT_AWS_REGION.to_string(),
        }
    }
}

impl Environment {
    /// From `AWS_REGION`, then `AWS_DEFAULT_REGION`, then [`DEFAULT_AWS_REGION`]; `lookup`
    /// reads a variable (e.g. `|name| std::env::var(name).ok()`).
    pub fn from_lookup(lookup: impl Fn(&str) -> Option<String>) -> Self {
        let aws_region = ["AWS_REGION", "AWS_DEFAULT_REGION"]
            .iter()
            .filter_map(|name| lookup(name))
            .find(|value| !value.trim().is_empty())
            .map(|value| value.trim().to_string())
            .unwrap_or_else(|| DEFAULT_AWS_REGION.to_string());
        Self { aws_region }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn region_from_the_environment_in_order() {
        let lookup = |vars: &'static [(&'static str, &'static str)]| {
            move |name: &str| {
                vars.iter()
                    .find(|(k, _)| *k == name)
                    .map(|(_, v)| v.to_string())
            }
        };
        assert_eq!(
            Environment::from_lookup(lookup(&[])).aws_region,
            "us-east-2"
        );
        assert_eq!(
            Environment::from_lookup(lookup(&[("AWS_DEFAULT_REGION", "eu-west-1")])).aws_region,
            "eu-west-1"
        );
        assert_eq!(
            Environment::from_lookup(lookup(&[
                ("AWS_REGION", "ap-south-1"),
                ("AWS_DEFAULT_REGION", "eu-west-1")
            ]))
            .aws_region,
            "ap-south-1"
        );
        assert_eq!(
            Environment::from_lookup(lookup(&[
                ("AWS_REGION", " "),
                ("AWS_DEFAULT_REGION", "eu-west-1")
            ]))
            .aws_region,
            "eu-west-1"
        );
    }
}
