//! Options of `team-operator run`, from flags and the environment variables the Go operator
//! reads (`WATCH_NAMESPACES`, `AWS_REGION`, `AWS_DEFAULT_REGION`).

use clap::{Args, ValueEnum};
use std::net::SocketAddr;
use std::time::Duration;

/// Namespace watched when neither `--watch-namespace` nor `WATCH_NAMESPACES` is given, as with
/// the Go operator.
pub const DEFAULT_NAMESPACE: &str = "posit-team";

#[derive(Args, Debug, Clone)]
pub struct RunOptions {
    /// Namespace to watch; repeat for several. Overrides WATCH_NAMESPACES (comma-separated;
    /// an empty value means all namespaces). Default: posit-team.
    #[arg(long = "watch-namespace", value_name = "NAMESPACE")]
    pub watch_namespaces: Vec<String>,

    /// Watch every namespace (needs cluster-wide RBAC).
    #[arg(long, conflicts_with = "watch_namespaces")]
    pub all_namespaces: bool,

    /// Elect a leader through a Lease so that only one replica writes.
    #[arg(long, env = "LEADER_ELECT")]
    pub leader_elect: bool,

    /// Namespace of the leader Lease. Default: the operator's own namespace.
    #[arg(long, env = "POD_NAMESPACE", value_name = "NAMESPACE")]
    pub leader_election_namespace: Option<String>,

    /// Name of the leader Lease. The default is the Go operator's, so the two never lead at
    /// the same time in the same namespace.
    #[arg(long, default_value = "fd877d62.posit.co", value_name = "NAME")]
    pub leader_election_id: String,

    /// Address of the /healthz, /readyz and /metrics endpoints.
    #[arg(
        long,
        env = "HTTP_ADDRESS",
        default_value = "0.0.0.0:8080",
        value_name = "ADDR"
    )]
    pub http_address: SocketAddr,

    /// Log format.
    #[arg(long, env = "LOG_FORMAT", value_enum, default_value_t = LogFormat::Text)]
    pub log_format: LogFormat,

    /// Log level or filter (e.g. `info`, `debug`, `team_operator=debug,kube=warn`).
    #[arg(long, env = "LOG_LEVEL", default_value = "info", value_name = "FILTER")]
    pub log_level: String,

    /// Resources of one kind reconciled at the same time.
    #[arg(long, default_value_t = 4, value_parser = clap::value_parser!(u16).range(1..=64))]
    pub concurrency: u16,

    /// Seconds between periodic reconciliations of every resource (picks up changes to
    /// referenced Secrets).
    #[arg(long, default_value_t = 300, value_name = "SECONDS")]
    pub resync_seconds: u64,

    /// AWS region of Secrets Manager and of generated SecretProviderClasses. Default:
    /// AWS_REGION, then AWS_DEFAULT_REGION, then us-east-2.
    #[arg(long, value_name = "REGION")]
    pub aws_region: Option<String>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum LogFormat {
    Text,
    Json,
}

/// Which namespaces the controllers watch.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Scope {
    All,
    Namespaces(Vec<String>),
}

impl RunOptions {
    /// The watch scope from the flags, else from `WATCH_NAMESPACES` (`env` is its value).
    pub fn scope(&self, env: Option<&str>) -> Scope {
        if self.all_namespaces {
            return Scope::All;
        }
        if !self.watch_namespaces.is_empty() {
            return Scope::Namespaces(unique(self.watch_namespaces.iter().map(|s| s.trim())));
        }
        match env {
            None => Scope::Namespaces(vec![DEFAULT_NAMESPACE.to_string()]),
            Some(value) if value.trim().is_empty() => Scope::All,
            Some(value) => Scope::Namespaces(unique(value.split(',').map(str::trim))),
        }
    }

    /// The operator environment: the AWS region from the flag, else from AWS_REGION /
    /// AWS_DEFAULT_REGION (`lookup` reads a variable), else us-east-2.
    pub fn environment(
        &self,
        lookup: impl Fn(&str) -> Option<String>,
    ) -> team_desired::Environment {
        match self
            .aws_region
            .as_deref()
            .map(str::trim)
            .filter(|r| !r.is_empty())
        {
            Some(region) => team_desired::Environment {
                aws_region: region.to_string(),
            },
            None => team_desired::Environment::from_lookup(lookup),
        }
    }

    pub fn resync(&self) -> Duration {
        Duration::from_secs(self.resync_seconds.max(10))
    }
}

fn unique<'a>(names: impl Iterator<Item = &'a str>) -> Vec<String> {
    let mut out: Vec<String> = names
        .filter(|n| !n.is_empty())
        .map(str::to_string)
        .collect();
    out.sort();
    out.dedup();
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::Parser;

    #[derive(Parser)]
    struct Wrapper {
        #[command(flatten)]
        options: RunOptions,
    }

    fn parse(args: &[&str]) -> RunOptions {
        let mut full = vec!["run"];
        full.extend_from_slice(args);
        Wrapper::try_parse_from(full).unwrap().options
    }

    #[test]
    fn watch_scope_follows_flags_then_environment() {
        assert_eq!(
            parse(&[]).scope(None),
            Scope::Namespaces(vec!["posit-team".into()])
        );
        assert_eq!(parse(&[]).scope(Some("")), Scope::All);
        assert_eq!(
            parse(&[]).scope(Some(" b, a ,,a")),
            Scope::Namespaces(vec!["a".into(), "b".into()])
        );
        assert_eq!(
            parse(&["--watch-namespace", "x", "--watch-namespace", "y"]).scope(Some("z")),
            Scope::Namespaces(vec!["x".into(), "y".into()])
        );
        assert_eq!(parse(&["--all-namespaces"]).scope(Some("z")), Scope::All);
    }

    #[test]
    fn the_region_flag_wins_over_the_environment() {
        let env = |name: &str| (name == "AWS_REGION").then(|| "us-west-2".to_string());
        assert_eq!(parse(&[]).environment(env).aws_region, "us-west-2");
        assert_eq!(parse(&[]).environment(|_| None).aws_region, "us-east-2");
        assert_eq!(
            parse(&["--aws-region", "ap-south-1"])
                .environment(env)
                .aws_region,
            "ap-south-1"
        );
    }

    #[test]
    fn concurrency_is_bounded() {
        let mut args = vec!["run", "--concurrency", "0"];
        assert!(Wrapper::try_parse_from(&args).is_err());
        args[2] = "65";
        assert!(Wrapper::try_parse_from(&args).is_err());
    }
}
