//! Status shapes. Every kind reports standard conditions (`Ready`, `Progressing`, `Degraded`)
//! and `observedGeneration`; the product kinds also keep the Go operator's legacy fields.

use k8s_openapi::api::core::v1::SecretReference;
use k8s_openapi::apimachinery::pkg::apis::meta::v1::Condition;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

/// Condition type: the resource and everything it manages is serving.
pub const CONDITION_READY: &str = "Ready";
/// Condition type: the operator is still bringing the resource to its desired state.
pub const CONDITION_PROGRESSING: &str = "Progressing";
/// Condition type: the operator could not apply the desired state.
pub const CONDITION_DEGRADED: &str = "Degraded";

/// Status of a Site or a PostgresDatabase.
#[derive(Serialize, Deserialize, JsonSchema, Clone, Debug, Default, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct ConditionsStatus {
    /// Standard conditions: Ready, Progressing, Degraded.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    #[schemars(extend("x-kubernetes-list-type" = "map", "x-kubernetes-list-map-keys" = ["type"]))]
    pub conditions: Vec<Condition>,
    /// The metadata.generation the status describes.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub observed_generation: Option<i64>,
}

/// Status of Connect, Workbench and PackageManager.
#[derive(Serialize, Deserialize, JsonSchema, Clone, Debug, Default, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct ProductStatus {
    /// True while the product is ready (kept for compatibility; see the Ready condition).
    pub ready: bool,
    /// The operator-generated key Secret.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub key_secret_ref: Option<SecretReference>,
    /// Standard conditions: Ready, Progressing, Degraded.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    #[schemars(extend("x-kubernetes-list-type" = "map", "x-kubernetes-list-map-keys" = ["type"]))]
    pub conditions: Vec<Condition>,
    /// The metadata.generation the status describes.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub observed_generation: Option<i64>,
}

/// Status of Chronicle and Flightdeck.
#[derive(Serialize, Deserialize, JsonSchema, Clone, Debug, Default, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct ReadyStatus {
    /// True while the component is ready (kept for compatibility; see the Ready condition).
    pub ready: bool,
    /// Standard conditions: Ready, Progressing, Degraded.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    #[schemars(extend("x-kubernetes-list-type" = "map", "x-kubernetes-list-map-keys" = ["type"]))]
    pub conditions: Vec<Condition>,
    /// The metadata.generation the status describes.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub observed_generation: Option<i64>,
}

/// Read access to the conditions of any status shape.
pub trait HasConditions {
    /// The conditions, in their stored order.
    fn conditions(&self) -> &[Condition];

    /// The condition of the given type, if present.
    fn condition(&self, type_: &str) -> Option<&Condition> {
        self.conditions().iter().find(|c| c.type_ == type_)
    }

    /// True when the Ready condition is `True`.
    fn is_ready(&self) -> bool {
        self.condition(CONDITION_READY)
            .is_some_and(|c| c.status == "True")
    }
}

impl HasConditions for ConditionsStatus {
    fn conditions(&self) -> &[Condition] {
        &self.conditions
    }
}
impl HasConditions for ProductStatus {
    fn conditions(&self) -> &[Condition] {
        &self.conditions
    }
}
impl HasConditions for ReadyStatus {
    fn conditions(&self) -> &[Condition] {
        &self.conditions
    }
}
