//! Small serde and schema helpers shared by every kind.
//!
//! The Go operator omits zero values on the wire and treats an absent field exactly like a zero
//! one. The same rule holds here: fields whose default is the zero value are skipped when they
//! are zero, so a value written by this operator looks like one written by the Go operator and
//! the API server can still apply its CRD defaults.

use schemars::{JsonSchema, Schema, SchemaGenerator, json_schema};
use std::collections::BTreeMap;

/// True when the value equals its type's default (the Go zero value).
pub fn is_zero<T: Default + PartialEq>(value: &T) -> bool {
    *value == T::default()
}

/// Schema of a map whose values are arbitrary JSON (user settings files).
///
/// Kubernetes keeps such values only when the value schema says
/// `x-kubernetes-preserve-unknown-fields`.
pub fn json_value_map(_: &mut SchemaGenerator) -> Schema {
    json_schema!({
        "type": "object",
        "additionalProperties": { "x-kubernetes-preserve-unknown-fields": true }
    })
}

/// A string-to-string map, sorted so that everything rendered from it is stable.
pub type StringMap = BTreeMap<String, String>;

/// Regular expressions shared by several schema fields.
pub mod patterns {
    /// An RFC 1123 DNS label: what a Kubernetes object name segment or a host prefix may be.
    pub const DNS_LABEL: &str = r"^[a-z0-9]([-a-z0-9]*[a-z0-9])?$";
    /// An RFC 1123 DNS subdomain: a host name or a Kubernetes object name.
    pub const DNS_SUBDOMAIN: &str =
        r"^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$";
    /// A Kubernetes resource quantity such as `10Gi` or `500m`.
    pub const QUANTITY: &str = r"^(\+|-)?(([0-9]+(\.[0-9]*)?)|(\.[0-9]+))(([KMGTPE]i)|[numkMGTPE]|([eE](\+|-)?(([0-9]+(\.[0-9]*)?)|(\.[0-9]+))))?$";
    /// A quantity, or empty for "use the default".
    pub const QUANTITY_OR_EMPTY: &str = r"^$|^(\+|-)?(([0-9]+(\.[0-9]*)?)|(\.[0-9]+))(([KMGTPE]i)|[numkMGTPE]|([eE](\+|-)?(([0-9]+(\.[0-9]*)?)|(\.[0-9]+))))?$";
    /// A DNS subdomain, or empty for "not set".
    pub const DNS_SUBDOMAIN_OR_EMPTY: &str =
        r"^$|^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$";
    /// One path segment (no `/`, not `.` or `..`), or empty for "not set".
    pub const PATH_SEGMENT_OR_EMPTY: &str = r"^$|^[^/]*[^/.][^/]*$";
    /// A ratio between 0 and 1, as Workbench reads `cpu-request-ratio`.
    pub const RATIO: &str = r"^(0(\.[0-9]+)?|1(\.0+)?)$";

    /// What a pattern means, in words, for error messages.
    pub fn describe(pattern: &str) -> Option<&'static str> {
        Some(match pattern {
            DNS_LABEL => {
                "must be a DNS label: lowercase letters, digits and '-', starting and ending with a letter or digit"
            }
            DNS_SUBDOMAIN => {
                "must be a DNS name: lowercase labels of letters, digits and '-' separated by '.'"
            }
            QUANTITY | QUANTITY_OR_EMPTY => {
                "must be a Kubernetes quantity such as 512Mi, 10Gi or 2"
            }
            DNS_SUBDOMAIN_OR_EMPTY => {
                "must be a DNS name: lowercase labels of letters, digits and '-' separated by '.'"
            }
            PATH_SEGMENT_OR_EMPTY => "must be a single path segment: no '/', and not '.' or '..'",
            RATIO => "must be a number from 0 to 1, such as 0.6",
            _ => return None,
        })
    }
}

/// Names a Rust type after its JSON schema so generated CRDs read well.
pub fn schema_of<T: JsonSchema>(generator: &mut SchemaGenerator) -> Schema {
    generator.subschema_for::<T>()
}
