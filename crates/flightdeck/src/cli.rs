//! Command line and environment. Every value is checked here, so a bad one stops start-up
//! with a message naming the flag and its environment variable.

use crate::health::ServiceUrls;
use crate::products::Product;
use crate::server::FeatureOverrides;
use clap::{ArgAction, Parser, ValueEnum};
use std::net::SocketAddr;
use std::path::PathBuf;
use std::time::Duration;

/// The Posit Team landing page of one Site.
#[derive(Debug, Clone, Parser)]
#[command(name = "flightdeck", version, about)]
pub struct Cli {
    /// Address and port to listen on.
    #[arg(long, value_name = "ADDR", default_value = "0.0.0.0:8080")]
    pub listen: SocketAddr,

    /// Serve the Site read from this YAML file (a Site manifest, optionally with other
    /// documents) instead of reading it from the Kubernetes API.
    #[arg(long, value_name = "FILE")]
    pub site_file: Option<PathBuf>,

    /// Name of the Site to show. Required unless --site-file holds a single Site.
    #[arg(long, env = "SITE_NAME", value_name = "SITE_NAME", value_parser = parse_site_name)]
    pub site_name: Option<String>,

    /// Namespace of the Site. Defaults to the pod's own namespace (or the kubeconfig
    /// context's), or with --site-file to the manifest's.
    #[arg(long, env = "NAMESPACE", value_name = "NAMESPACE", value_parser = parse_namespace)]
    pub namespace: Option<String>,

    /// Serve the configuration page at /config. Defaults to the Site's
    /// flightdeck.featureEnabler.showConfig.
    #[arg(long, env = "SHOW_CONFIG", value_name = "SHOW_CONFIG", action = ArgAction::Set, value_parser = parse_bool)]
    pub show_config: Option<bool>,

    /// Show the Posit Academy card. Defaults to the Site's
    /// flightdeck.featureEnabler.showAcademy.
    #[arg(long, env = "SHOW_ACADEMY", value_name = "SHOW_ACADEMY", action = ArgAction::Set, value_parser = parse_bool)]
    pub show_academy: Option<bool>,

    /// Least severe level logged.
    #[arg(long, env = "LOG_LEVEL", value_name = "LOG_LEVEL", value_enum, default_value_t = LogLevel::Info)]
    pub log_level: LogLevel,

    /// Log line format.
    #[arg(long, env = "LOG_FORMAT", value_name = "LOG_FORMAT", value_enum, default_value_t = LogFormat::Text)]
    pub log_format: LogFormat,

    /// Base URL of the Workbench Service, for its health check.
    /// Default: http://<site>-workbench.<ns>.svc.cluster.local
    #[arg(long, env = "WORKBENCH_SERVICE_URL", value_name = "WORKBENCH_SERVICE_URL", value_parser = parse_service_url)]
    pub workbench_service_url: Option<String>,

    /// Base URL of the Connect Service, for its health check.
    /// Default: http://<site>-connect.<ns>.svc.cluster.local
    #[arg(long, env = "CONNECT_SERVICE_URL", value_name = "CONNECT_SERVICE_URL", value_parser = parse_service_url)]
    pub connect_service_url: Option<String>,

    /// Base URL of the Package Manager Service, for its health check.
    /// Default: http://<site>-packagemanager.<ns>.svc.cluster.local
    #[arg(long, env = "PACKAGE_MANAGER_SERVICE_URL", value_name = "PACKAGE_MANAGER_SERVICE_URL", value_parser = parse_service_url)]
    pub package_manager_service_url: Option<String>,

    /// Link of the Posit Academy card. Default: https://academy.<domain>
    #[arg(long, env = "ACADEMY_URL", value_name = "ACADEMY_URL", value_parser = parse_link_url)]
    pub academy_url: Option<String>,

    /// How long a product's health result is reused, and how often the page refreshes the
    /// badges (e.g. 5s, 1500ms).
    #[arg(long, value_name = "DURATION", default_value = "5s", value_parser = parse_duration)]
    pub health_cache: Duration,

    /// How long a health check may take before the product counts as down.
    #[arg(long, value_name = "DURATION", default_value = "2s", value_parser = parse_duration)]
    pub health_timeout: Duration,
}

impl Cli {
    /// The feature switches set on the command line or in the environment.
    pub fn features(&self) -> FeatureOverrides {
        FeatureOverrides {
            show_config: self.show_config,
            show_academy: self.show_academy,
        }
    }

    /// The health check base URLs given on the command line or in the environment.
    pub fn service_urls(&self) -> ServiceUrls {
        let mut urls = ServiceUrls::new();
        for (product, url) in [
            (Product::Workbench, &self.workbench_service_url),
            (Product::Connect, &self.connect_service_url),
            (Product::PackageManager, &self.package_manager_service_url),
        ] {
            if let Some(url) = url {
                urls.insert(product, url.clone());
            }
        }
        urls
    }
}

/// `LOG_LEVEL`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum LogLevel {
    Debug,
    Info,
    #[value(alias = "warning")]
    Warn,
    Error,
}

/// `LOG_FORMAT`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum LogFormat {
    Text,
    Json,
}

/// `true` or `false`, as the operator writes them. Anything else is an error rather than a
/// silent default.
pub fn parse_bool(value: &str) -> Result<bool, String> {
    match value {
        "true" => Ok(true),
        "false" => Ok(false),
        _ => Err("expected true or false".to_string()),
    }
}

/// A duration such as `5s`, `1500ms` or `2` (seconds).
pub fn parse_duration(value: &str) -> Result<Duration, String> {
    let (number, millis_per_unit) = if let Some(number) = value.strip_suffix("ms") {
        (number, 1)
    } else if let Some(number) = value.strip_suffix('s') {
        (number, 1000)
    } else {
        (value, 1000)
    };
    let amount: u64 = number
        .parse()
        .map_err(|_| format!("expected a duration such as 5s or 1500ms, found {value:?}"))?;
    let duration = Duration::from_millis(amount.saturating_mul(millis_per_unit));
    if duration.is_zero() {
        return Err("must be longer than zero".into());
    }
    Ok(duration)
}

/// A Site name: a lowercase DNS subdomain, as the API server requires. It becomes part of
/// the product Service host names.
pub fn parse_site_name(value: &str) -> Result<String, String> {
    if is_dns_name(value, 253) {
        Ok(value.to_string())
    } else {
        Err(format!(
            "invalid Site name {value:?}: expected a lowercase DNS name (a-z, 0-9, '-', '.')"
        ))
    }
}

/// A namespace: a lowercase DNS label.
pub fn parse_namespace(value: &str) -> Result<String, String> {
    if is_dns_name(value, 63) && !value.contains('.') {
        Ok(value.to_string())
    } else {
        Err(format!(
            "invalid namespace {value:?}: expected a lowercase DNS label (a-z, 0-9, '-')"
        ))
    }
}

/// An `http://host[:port][/prefix]` base URL, without a trailing slash.
pub fn parse_service_url(value: &str) -> Result<String, String> {
    let uri: hyper::Uri = value
        .parse()
        .map_err(|error| format!("invalid URL {value:?}: {error}"))?;
    if uri.scheme_str() != Some("http") {
        return Err(format!(
            "invalid URL {value:?}: only http:// URLs are supported (the product Services speak plain HTTP inside the cluster)"
        ));
    }
    if uri.authority().is_none() || uri.query().is_some() {
        return Err(format!(
            "invalid URL {value:?}: expected http://host[:port][/path]"
        ));
    }
    Ok(value.trim_end_matches('/').to_string())
}

/// A link shown on a card: `https://` or `http://`, nothing that could run script.
pub fn parse_link_url(value: &str) -> Result<String, String> {
    let uri: hyper::Uri = value
        .parse()
        .map_err(|error| format!("invalid URL {value:?}: {error}"))?;
    match (uri.scheme_str(), uri.authority()) {
        (Some("https" | "http"), Some(_)) => Ok(value.to_string()),
        _ => Err(format!(
            "invalid URL {value:?}: expected an https:// or http:// URL"
        )),
    }
}

/// True for a lowercase DNS name (labels of a-z, 0-9 and inner '-') of at most `max` bytes.
pub fn is_dns_name(value: &str, max: usize) -> bool {
    !value.is_empty()
        && value.len() <= max
        && value.split('.').all(|label| {
            !label.is_empty()
                && label.len() <= 63
                && label
                    .bytes()
                    .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
                && !label.starts_with('-')
                && !label.ends_with('-')
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn booleans_are_strict() {
        assert_eq!(parse_bool("true"), Ok(true));
        assert_eq!(parse_bool("false"), Ok(false));
        for bad in ["", "yes", "1", "TRUE", "True "] {
            assert!(
                parse_bool(bad)
                    .unwrap_err()
                    .contains("expected true or false"),
                "{bad:?}"
            );
        }
    }

    #[test]
    fn durations() {
        assert_eq!(parse_duration("5s"), Ok(Duration::from_secs(5)));
        assert_eq!(parse_duration("1500ms"), Ok(Duration::from_millis(1500)));
        assert_eq!(parse_duration("2"), Ok(Duration::from_secs(2)));
        assert!(parse_duration("0s").is_err());
        assert!(parse_duration("fast").is_err());
        assert!(parse_duration("-1s").is_err());
    }

    #[test]
    fn service_urls_must_be_plain_http_bases() {
        assert_eq!(
            parse_service_url("http://127.0.0.1:9000/"),
            Ok("http://127.0.0.1:9000".to_string())
        );
        assert_eq!(
            parse_service_url("http://connect.ns.svc.cluster.local/prefix"),
            Ok("http://connect.ns.svc.cluster.local/prefix".to_string())
        );
        assert!(
            parse_service_url("https://connect")
                .unwrap_err()
                .contains("only http://")
        );
        assert!(parse_service_url("connect:80").is_err());
        assert!(parse_service_url("http://host/?a=b").is_err());
    }

    #[test]
    fn links_cannot_carry_script() {
        assert!(parse_link_url("https://academy.example.com").is_ok());
        assert!(parse_link_url("javascript:alert(1)").is_err());
        assert!(parse_link_url("data:text/html,<script>").is_err());
        assert!(parse_link_url("//evil.example.com").is_err());
    }

    #[test]
    fn names() {
        assert!(parse_site_name("main").is_ok());
        assert!(parse_site_name("team.prod").is_ok());
        assert!(parse_site_name("Main").is_err());
        assert!(parse_site_name("a<b").is_err());
        assert!(parse_namespace("posit-team").is_ok());
        assert!(parse_namespace("a.b").is_err());
        assert!(parse_namespace("-x").is_err());
    }

    #[test]
    fn cli_definition_is_consistent() {
        use clap::CommandFactory;
        Cli::command().debug_assert();
    }
}
