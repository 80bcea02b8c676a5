//! `Flightdeck`: the Posit Team landing page on the Site's bare domain.

use crate::enums::{FlightdeckLogFormat, FlightdeckLogLevel, PullPolicy};
use crate::serde_util::{StringMap, is_zero, patterns};
use crate::shared::FeatureEnablerConfig;
use crate::status::ReadyStatus;
use kube::CustomResource;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

fn default_port() -> i32 {
    8080
}
fn default_replicas() -> i32 {
    1
}
fn default_log_level() -> FlightdeckLogLevel {
    FlightdeckLogLevel::Info
}
fn default_log_format() -> FlightdeckLogFormat {
    FlightdeckLogFormat::Text
}

/// Desired state of a Flightdeck landing page.
#[derive(CustomResource, Serialize, Deserialize, JsonSchema, Clone, Debug, PartialEq)]
#[kube(
    group = "core.posit.team",
    version = "v1beta1",
    kind = "Flightdeck",
    namespaced,
    status = "ReadyStatus",
    category = "posit",
    derive = "PartialEq",
    derive = "Default",
    doc = "The Posit Team landing page. Created and kept in sync by its Site.",
    printcolumn = r#"{"name":"Ready","type":"string","jsonPath":".status.conditions[?(@.type==\"Ready\")].status"}"#,
    printcolumn = r#"{"name":"Reason","type":"string","jsonPath":".status.conditions[?(@.type==\"Ready\")].reason"}"#,
    printcolumn = r#"{"name":"Domain","type":"string","jsonPath":".spec.domain"}"#,
    printcolumn = r#"{"name":"Age","type":"date","jsonPath":".metadata.creationTimestamp"}"#
)]
#[serde(rename_all = "camelCase")]
pub struct FlightdeckSpec {
    /// Name of the Site the page shows.
    #[serde(default, skip_serializing_if = "is_zero")]
    pub site_name: String,
    /// Image.
    #[serde(default, skip_serializing_if = "is_zero")]
    pub image: String,
    /// Pull policy. Defaults to `Always`.
    #[serde(default, skip_serializing_if = "is_zero")]
    pub image_pull_policy: PullPolicy,
    /// Container port.
    #[serde(default = "default_port")]
    #[schemars(range(min = 1, max = 65535))]
    pub port: i32,
    /// Replicas.
    #[serde(default = "default_replicas")]
    #[schemars(range(min = 0))]
    pub replicas: i32,
    /// Feature switches.
    #[serde(default, skip_serializing_if = "is_zero")]
    pub feature_enabler: FeatureEnablerConfig,
    /// Host name of the Ingress (the Site's bare domain).
    #[serde(default, skip_serializing_if = "is_zero")]
    pub domain: String,
    /// IngressClass. Empty uses the cluster default.
    #[serde(default, skip_serializing_if = "is_zero")]
    pub ingress_class: String,
    /// Ingress annotations.
    #[serde(default, skip_serializing_if = "is_zero")]
    pub ingress_annotations: StringMap,
    /// Names of image pull Secrets.
    #[serde(default, skip_serializing_if = "is_zero")]
    #[schemars(inner(regex(pattern = patterns::DNS_SUBDOMAIN)))]
    pub image_pull_secrets: Vec<String>,
    /// Accepted for compatibility; not used.
    #[serde(default, skip_serializing_if = "is_zero")]
    pub aws_account_id: String,
    /// Accepted for compatibility; not used.
    #[serde(default, skip_serializing_if = "is_zero")]
    pub cluster_date: String,
    /// Accepted for compatibility; not used.
    #[serde(default, skip_serializing_if = "is_zero")]
    pub workload_compound_name: String,
    /// Log level: debug, info, warn or error.
    #[serde(default = "default_log_level")]
    pub log_level: FlightdeckLogLevel,
    /// Log format: text or json.
    #[serde(default = "default_log_format")]
    pub log_format: FlightdeckLogFormat,
}

impl Default for FlightdeckSpec {
    fn default() -> Self {
        Self {
            site_name: String::new(),
            image: String::new(),
            image_pull_policy: PullPolicy::Unset,
            port: default_port(),
            replicas: default_replicas(),
            feature_enabler: FeatureEnablerConfig::default(),
            domain: String::new(),
            ingress_class: String::new(),
            ingress_annotations: StringMap::new(),
            image_pull_secrets: Vec::new(),
            aws_account_id: String::new(),
            cluster_date: String::new(),
            workload_compound_name: String::new(),
            log_level: default_log_level(),
            log_format: default_log_format(),
        }
    }
}
